"""The whole LTI 1.3 flow through HTTP: login initiation -> launch -> deep linking response ->
student launch -> grade -> AGS token request and score POST received by the fake Moodle."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import jwt
import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.activities import Activity
from elearn.auth.models import ExternalIdentity, Role, User
from elearn.db.types import utcnow
from elearn.grades import GradeEvent, publish_grade
from elearn.lti import claims as c
from elearn.lti import keys
from elearn.lti.models import GradeTarget, LtiContext, Platform

from .conftest import QUIZ, hidden_value, start_login
from .fake_platform import CLIENT_ID, DEPLOYMENT_ID, FakePlatform

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"


def deep_linking_claims(fake: FakePlatform) -> dict[str, Any]:
    return {
        "sub": "2",
        "name": "Tom Teacher",
        c.MESSAGE_TYPE: c.DEEP_LINKING_REQUEST,
        c.ROLES: [INSTRUCTOR],
        c.RESOURCE_LINK: None,
        c.DL_SETTINGS: {
            "deep_link_return_url": f"{fake.url}/mod/lti/contentitem_return.php?course=2&id=7",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "accept_multiple": False,
            "data": "moodle-opaque-data",
        },
    }


def launch(client, fake: FakePlatform, overrides: dict[str, Any] | None = None, sub: str = "42"):
    login = start_login(client, fake, login_hint=sub)
    token = fake.id_token(login.nonce, {"sub": sub, **(overrides or {})})
    return client.post("/lti/launch", data={"id_token": token, "state": login.state})


def our_items(session: Session, tokens: list[str], fake: FakePlatform) -> list[dict[str, Any]]:
    """Verify each signed deep linking response with our published JWKS, as Moodle does."""
    keyset = jwt.PyJWKSet.from_dict(keys.jwks(session))
    responses = []
    for token in tokens:
        kid = jwt.get_unverified_header(token)["kid"]
        claims = jwt.decode(token, keyset[kid], algorithms=["RS256"], audience=fake.issuer)
        responses.append(claims)
    return responses


def test_deep_linking_then_launch_then_grade_reaches_the_gradebook(
    lti_app: Flask,
    client,
    session: Session,
    platform: Platform,
    fake_platform: FakePlatform,
    graded_quiz: Activity,
) -> None:
    # 1. The teacher adds an activity: Moodle sends a deep linking request.
    response = launch(client, fake_platform, deep_linking_claims(fake_platform), sub="2")
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert "Bragg&#39;s law quiz" in page and "Mini course" in page and "Basics" in page
    policy = response.headers["Content-Security-Policy"]
    assert f"form-action 'self' {fake_platform.url}" in policy
    assert f"frame-ancestors 'self' {fake_platform.url}" in policy
    responses = our_items(session, hidden_value(page, "JWT"), fake_platform)
    for claims in responses:
        assert claims["iss"] == CLIENT_ID and claims[c.DEPLOYMENT_ID] == DEPLOYMENT_ID
        assert claims[c.MESSAGE_TYPE] == c.DEEP_LINKING_RESPONSE and claims[c.VERSION] == "1.3.0"
        assert claims[c.DL_DATA] == "moodle-opaque-data"
    assert responses[-1][c.DL_CONTENT_ITEMS] == []  # the cancel button
    items = [r[c.DL_CONTENT_ITEMS][0] for r in responses[:-1]]
    quiz_id = f"{QUIZ.kind}:{QUIZ.key}"
    [item] = [i for i in items if i.get("lineItem", {}).get("resourceId") == quiz_id]
    assert item["type"] == "ltiResourceLink" and item["url"] == "http://localhost/lti/launch"
    assert item["lineItem"] == {
        "scoreMaximum": 10.0,
        "label": "Bragg's law quiz",
        "resourceId": f"{QUIZ.kind}:{QUIZ.key}",
    }
    pages = [i for i in items if "lineItem" not in i]
    titles = {p["title"] for p in pages}  # theory pages are offered too, without a grade column
    assert titles >= {"Neutron waves", "Bragg diffraction", "Small-angle scattering"}

    # 2. A student opens the new activity: Moodle launches with the item's custom parameters.
    response = launch(client, fake_platform, {c.CUSTOM: item["custom"]})
    assert (
        response.status_code == 302
        and response.headers["Location"] == "/courses/mini/quizzes/bragg"
    )
    identity = session.scalar(select(ExternalIdentity).where(ExternalIdentity.subject == "42"))
    assert identity is not None and identity.issuer == fake_platform.issuer
    student = identity.user
    assert student.role == Role.STUDENT and student.name == "Ada Student"
    with client.session_transaction() as cookie_session:
        assert cookie_session["user_id"] == student.id
    context = session.scalar(select(LtiContext).where(LtiContext.context_id == "3"))
    assert context is not None and context.course_slug == "mini"
    target = session.scalar(select(GradeTarget).where(GradeTarget.user_id == student.id))
    assert target is not None and target.endpoint == fake_platform.lineitem()

    # 3. The quiz publishes the grade: the job asks for a token and posts the score.
    graded_at = utcnow()
    publish_grade(GradeEvent(student.id, QUIZ, 7.5, 10.0, graded_at, "attempt-1"))
    [token_request] = fake_platform.token_requests
    assert token_request["grant_type"] == "client_credentials"
    assert (
        token_request["client_assertion_type"]
        == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    )
    assert token_request["scope"] == c.SCOPE_SCORE
    [score] = fake_platform.scores
    assert score["path"] == "/mod/lti/services.php/2/lineitems/5/lineitem/scores?type_id=1"
    assert score["userId"] == "42" and score["scoreGiven"] == 7.5 and score["scoreMaximum"] == 10.0
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    assert score["timestamp"].startswith(graded_at.strftime("%Y-%m-%dT%H:%M:%S"))

    # 4. A later, better attempt: the cached token is reused.
    publish_grade(
        GradeEvent(student.id, QUIZ, 9.0, 10.0, graded_at + timedelta(minutes=5), "attempt-2")
    )
    assert [s["scoreGiven"] for s in fake_platform.scores] == [7.5, 9.0]
    assert len(fake_platform.token_requests) == 1


@pytest.mark.parametrize(
    ("roles", "role"),
    [
        ([INSTRUCTOR], Role.TEACHER),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper"], Role.TEACHER),
        ([ADMIN, INSTRUCTOR], Role.ADMIN),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"], Role.STUDENT),
    ],
)
def test_launch_maps_roles(
    lti_app: Flask, client, session: Session, platform: Platform, fake_platform, roles, role
) -> None:
    response = launch(client, fake_platform, {c.ROLES: roles}, sub="77")
    assert response.status_code == 302
    user = session.scalar(
        select(User).join(ExternalIdentity).where(ExternalIdentity.subject == "77")
    )
    assert user is not None and user.role == role and user.password_hash is None


def test_role_follows_the_platform_and_email_is_never_used_to_match(
    lti_app: Flask, client, session: Session, platform: Platform, fake_platform, make_user
) -> None:
    local = make_user(Role.ADMIN, email="ada@example.org")
    launch(client, fake_platform, {c.ROLES: [INSTRUCTOR]})
    launch(client, fake_platform)  # the same person, now a learner
    user = session.scalar(
        select(User).join(ExternalIdentity).where(ExternalIdentity.subject == "42")
    )
    assert user is not None and user.id != local.id and user.role == Role.STUDENT
    assert user.email.endswith("@lti.invalid")  # the address belongs to the local account


def test_learners_cannot_deep_link(
    lti_app: Flask, client, platform: Platform, fake_platform: FakePlatform, graded_quiz
) -> None:
    claims = {
        **deep_linking_claims(fake_platform),
        c.ROLES: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
    }
    response = launch(client, fake_platform, claims, sub="2")
    assert response.status_code == 403 and "Only teachers" in response.get_data(as_text=True)


def test_refused_launch_shows_why(
    lti_app: Flask, client, platform: Platform, fake_platform
) -> None:
    response = launch(client, fake_platform, {"aud": "someone-else"})
    assert response.status_code == 403
    assert "not addressed to our client id" in response.get_data(as_text=True)
    response = client.post("/lti/launch", data={"id_token": "x", "state": "nope"})
    assert response.status_code == 403 and "state is unknown" in response.get_data(as_text=True)


def test_launch_without_cookies_continues_in_a_new_window(
    lti_app: Flask, client, session: Session, platform: Platform, fake_platform, graded_quiz
) -> None:
    login = start_login(client, fake_platform)
    iframe = lti_app.test_client()  # a browser that does not send the state cookie back
    custom = {c.CUSTOM_ACTIVITY: f"{QUIZ.kind}:{QUIZ.key}", "elearn_course": "mini"}
    token = fake_platform.id_token(login.nonce, {c.CUSTOM: custom})
    response = iframe.post("/lti/launch", data={"id_token": token, "state": login.state})
    assert response.status_code == 200
    [link] = re.findall(r'href="(/lti/continue/[^"]+)"', response.get_data(as_text=True))
    window = lti_app.test_client()
    response = window.get(link)
    assert (
        response.status_code == 302
        and response.headers["Location"] == "/courses/mini/quizzes/bragg"
    )
    with window.session_transaction() as cookie_session:
        assert cookie_session["user_id"] is not None
    assert lti_app.test_client().get(link).status_code == 403  # one use only


def test_login_sets_a_state_cookie_for_the_launch(
    lti_app: Flask, client, platform, fake_platform
) -> None:
    response = client.post(
        "/lti/login",
        data={
            "iss": fake_platform.issuer,
            "login_hint": "1",
            "target_link_uri": "http://localhost/x",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"{fake_platform.url}/mod/lti/auth.php?")
    cookie = response.headers["Set-Cookie"]
    assert (
        cookie.startswith("elearn_lti_state_") and "HttpOnly" in cookie and "Path=/lti/" in cookie
    )
    response = client.post(
        "/lti/login",
        data={"iss": "https://unknown.example", "login_hint": "1", "target_link_uri": "x"},
    )
    assert response.status_code == 403


def test_pages_may_be_framed_by_registered_platforms_only(
    lti_app: Flask, client, platform: Platform, fake_platform
) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {fake_platform.url}" in policy
    assert "https://evil.example" not in policy


def test_jwks_and_configuration_are_published(
    lti_app: Flask, client, session: Session, platform: Platform
) -> None:
    published = client.get("/lti/jwks").get_json()
    assert published == keys.jwks(session)
    assert all("d" not in key and key["alg"] == "RS256" for key in published["keys"])
    config = client.get("/lti/config.json").get_json()
    assert config["initiate_login_uri"] == "http://localhost/lti/login"
    assert config["redirect_uris"] == ["http://localhost/lti/launch"]
    assert config["jwks_uri"] == "http://localhost/lti/jwks"


def test_teachers_find_activity_ids_for_lti11_links(
    lti_app: Flask, auth, make_user, graded_quiz
) -> None:
    auth.login(make_user(Role.TEACHER))
    page = auth.client.get("/lti/activities").get_data(as_text=True)
    assert f"elearn_activity={QUIZ.kind}:{QUIZ.key}" in page and "elearn_course=mini" in page


def test_every_lti_route_declares_who_may_call_it(lti_app: Flask) -> None:
    endpoints = [r.endpoint for r in lti_app.url_map.iter_rules() if r.endpoint.startswith("lti.")]
    assert len(endpoints) >= 14
    views = lti_app.view_functions
    assert [e for e in endpoints if getattr(views[e], "access", None) is None] == []


def test_over_https_cookies_survive_the_platform_iframe(
    settings, sessions, platform: Platform, fake_platform: FakePlatform
) -> None:
    from dataclasses import replace

    from elearn import create_app

    app = create_app(replace(settings, cookie_secure=True))
    app.extensions["elearn.db"].sessions = sessions
    assert app.config["SESSION_COOKIE_SAMESITE"] == "None" and app.config["SESSION_COOKIE_SECURE"]
    response = app.test_client().post(
        "/lti/login",
        data={
            "iss": fake_platform.issuer,
            "login_hint": "1",
            "target_link_uri": "https://x/lti/launch",
        },
    )
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie
