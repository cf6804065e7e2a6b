"""LTI fixtures: the app with the LTI area, a fake Moodle on 127.0.0.1, a graded activity."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from elearn import activities, lti
from elearn.activities import Activity
from elearn.grades import ActivityRef
from elearn.lti import keys
from elearn.lti.models import Platform
from elearn.lti.registration import add_platform

from .fake_platform import CLIENT_ID, DEPLOYMENT_ID, FakePlatform

QUIZ = ActivityRef("lti-test-quiz", "mini/bragg-quiz")


@pytest.fixture
def lti_app(app: Flask) -> Flask:
    """The app with the LTI area, as the factory will register it (see the report)."""
    if "lti" not in app.blueprints:
        lti.init_app(app)
    return app


@pytest.fixture
def graded_quiz(mini_course: str) -> Iterator[Activity]:
    """A graded activity in the mini course, registered as quizzes will register theirs."""
    quiz = Activity(
        QUIZ, mini_course, "Basics", "Bragg's law quiz", "/courses/mini/quizzes/bragg", 10.0
    )

    def provider(session: Session, course_slug: str) -> list[Activity]:
        return [quiz] if course_slug == mini_course else []

    activities.register_provider(QUIZ.kind, provider)
    yield quiz
    activities._providers.pop(QUIZ.kind, None)


@pytest.fixture
def fake_platform() -> Iterator[FakePlatform]:
    platform = FakePlatform()
    yield platform
    platform.stop()


@pytest.fixture
def platform(session: Session, fake_platform: FakePlatform, settings) -> Platform:
    """The fake Moodle registered by hand, and our tool key."""
    row = add_platform(
        session,
        name="Test Moodle",
        issuer=fake_platform.issuer,
        client_id=CLIENT_ID,
        auth_login_url=f"{fake_platform.url}/mod/lti/auth.php",
        auth_token_url=f"{fake_platform.url}/mod/lti/token.php",
        jwks_url=f"{fake_platform.url}/mod/lti/certs.php",
        deployment_ids=[DEPLOYMENT_ID],
    )
    keys.generate_key(session, settings.secret_key)
    session.commit()
    fake_platform.tool_jwks = keys.jwks(session)
    return row


@dataclass
class Login:
    state: str
    nonce: str
    redirect_uri: str


def start_login(client: FlaskClient, fake: FakePlatform, **extra: str) -> Login:
    """The platform's OIDC login initiation; returns what our redirect carried."""
    response = client.post(
        "/lti/login",
        data={
            "iss": fake.issuer,
            "login_hint": "42",
            "target_link_uri": "http://localhost/lti/launch",
            "lti_message_hint": "hint",
            "client_id": CLIENT_ID,
            "lti_deployment_id": DEPLOYMENT_ID,
            **extra,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    query = {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}
    return Login(query["state"], query["nonce"], query["redirect_uri"])


def hidden_value(page: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]+)"', page)
