"""Sign-up, sign-in and sign-out through the real forms, with CSRF and hashed passwords."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.auth.models import Role, User
from tests.conftest import PASSWORD, csrf_token


def test_signup_creates_a_student_with_a_hashed_password(client, session: Session) -> None:
    response = client.post(
        "/auth/signup",
        data={
            "name": "Ada",
            "email": "Ada@Example.org",
            "password": "long enough pw",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 302
    user = session.scalars(select(User).where(User.email == "ada@example.org")).one()
    assert user.role == Role.STUDENT
    assert user.password_hash and "long enough pw" not in user.password_hash
    home = client.get("/").get_data(as_text=True)
    assert '<span class="who">Ada <small>(student)</small></span>' in home


def test_signup_refuses_short_password_and_duplicate_email(client, make_user) -> None:
    existing = make_user()
    short = client.post(
        "/auth/signup",
        data={"name": "B", "email": "b@example.org", "password": "short", "csrf_token": csrf_token(client)},
    )
    assert short.status_code == 400 and "at least 10 characters" in short.get_data(as_text=True)
    duplicate = client.post(
        "/auth/signup",
        data={
            "name": "C",
            "email": existing.email,
            "password": "long enough pw",
            "csrf_token": csrf_token(client),
        },
    )
    assert duplicate.status_code == 400 and "already exists" in duplicate.get_data(as_text=True)


def test_login_with_wrong_password_fails(client, make_user) -> None:
    user = make_user()
    response = client.post(
        "/auth/login",
        data={"email": user.email, "password": "wrong password", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 401
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)


def test_login_redirects_only_within_the_site(client, make_user) -> None:
    user = make_user()
    response = client.post(
        "/auth/login?next=https://evil.example/",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.headers["Location"] == "/"


def test_post_without_csrf_token_is_refused(client, make_user) -> None:
    user = make_user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)


def test_logout_ends_the_session(client, auth, make_user) -> None:
    auth.login(make_user(Role.TEACHER))
    assert auth.post("/auth/logout").status_code == 302
    assert client.get("/auth/login").status_code == 200
    assert "Sign out" not in client.get("/").get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(client, make_user) -> None:
    user = make_user()
    response = client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_admin_changes_a_role(client, auth, make_user, session: Session) -> None:
    admin, student = make_user(Role.ADMIN), make_user()
    auth.login(admin)
    response = auth.post(f"/admin/users/{student.id}/role", {"role": "teacher"})
    assert response.status_code == 302
    session.refresh(student)
    assert student.role == Role.TEACHER


def test_admin_cannot_demote_themself(client, auth, make_user, session: Session) -> None:
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    auth.post(f"/admin/users/{admin.id}/role", {"role": "student"})
    session.refresh(admin)
    assert admin.role == Role.ADMIN
