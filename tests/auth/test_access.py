"""Roles are enforced on every route: undeclared routes are refused, students cannot edit."""

import pytest

from elearn.auth.access import ANYONE, is_static
from elearn.auth.models import Role


def test_every_route_declares_who_may_call_it(app) -> None:
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not is_static(rule.endpoint) and getattr(app.view_functions[rule.endpoint], "access", None) is None
    ]
    assert undeclared == []


def test_an_undeclared_route_is_refused(app, client) -> None:
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    assert client.get("/undeclared").status_code == 403


TEACHER_PAGES = [
    "/courses/mini/pages/waves/edit",
    "/courses/mini/pages/waves/history",
    "/courses/mini/pages/waves/revisions/1",
    "/courses/mini/pages/waves/diff?from=1&to=1",
]


@pytest.mark.parametrize("path", TEACHER_PAGES + ["/admin/users"])
def test_anonymous_users_are_sent_to_sign_in(client, mini_course, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


@pytest.mark.parametrize("path", TEACHER_PAGES + ["/admin/users"])
def test_students_are_forbidden(client, auth, make_user, mini_course, path: str) -> None:
    auth.login(make_user(Role.STUDENT))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", TEACHER_PAGES)
def test_teachers_may_edit(client, auth, make_user, mini_course, path: str) -> None:
    auth.login(make_user(Role.TEACHER))
    assert client.get(path).status_code == 200


def test_teachers_are_not_admins(client, auth, make_user) -> None:
    auth.login(make_user(Role.TEACHER))
    assert client.get("/admin/users").status_code == 403


def test_student_cannot_post_an_edit(client, auth, make_user, mini_course) -> None:
    auth.login(make_user(Role.STUDENT))
    response = auth.post("/courses/mini/pages/waves/edit", {"title": "x", "body": "vandalised", "base": 1})
    assert response.status_code == 403
    assert "vandalised" not in client.get("/courses/mini/pages/waves").get_data(as_text=True)


def test_reading_is_open_to_everyone(client, mini_course) -> None:
    assert client.get("/courses/mini/pages/waves").status_code == 200
    assert client.get("/search?q=bragg").status_code == 200
    assert ANYONE == client.application.view_functions["wiki.page"].access


def test_security_headers(client) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
