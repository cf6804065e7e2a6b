"""LTI 1.1: launches signed by oauthlib (an OAuth1 implementation not ours) and the
replaceResult outcome whose signature and body hash the fake Moodle checks with oauthlib."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlencode

import pytest
from flask import Flask
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, SIGNATURE_TYPE_BODY, Client
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.auth.models import ExternalIdentity, Role
from elearn.db.types import utcnow
from elearn.grades import GradeEvent, publish_grade
from elearn.lti.lti11 import base_url, signature_base_string
from elearn.lti.models import Consumer
from elearn.lti.registration import add_consumer

from .conftest import QUIZ
from .fake_platform import FakePlatform

KEY = "moodle-consumer"
URL = "http://localhost/lti/1.1/launch"
SOURCEDID = '{"data":{"instanceid":"1","userid":"5","typeid":null,"launchid":8},"hash":"a<b&c"}'


@pytest.fixture
def consumer(session: Session, fake_platform: FakePlatform) -> Consumer:
    row = add_consumer(
        session,
        name="Old Moodle",
        consumer_key=KEY,
        secret=fake_platform.consumer_secret,
        site_url=fake_platform.url,
    )
    session.commit()
    return row


def launch_params(fake: FakePlatform, **extra: str) -> dict[str, str]:
    return {
        "lti_message_type": "basic-lti-launch-request",
        "lti_version": "LTI-1p0",
        "resource_link_id": "7",
        "user_id": "5",
        "roles": "Learner",
        "lis_person_name_full": "Bea Student",
        "lis_person_contact_email_primary": "bea@example.org",
        "context_id": "2",
        "context_title": "Scattering (old Moodle)",
        "custom_elearn_activity": f"{QUIZ.kind}:{QUIZ.key}",
        "custom_elearn_course": "mini",
        "lis_outcome_service_url": f"{fake.url}/mod/lti/service.php",
        "lis_result_sourcedid": SOURCEDID,
        "oauth_callback": "about:blank",
        **extra,
    }


def signed(params: dict[str, str], url: str = URL, secret: str | None = None, **client_args) -> str:
    client = Client(KEY, client_secret=secret, signature_type=SIGNATURE_TYPE_BODY, **client_args)
    _uri, _headers, body = client.sign(
        url,
        http_method="POST",
        body=params,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return body


def post(client, body: str, path: str = "/lti/1.1/launch"):
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded")


def test_base_string_matches_the_rfc_example() -> None:
    """RFC 5849 section 3.4.1.1's worked example."""
    params = [
        ("oauth_consumer_key", "9djdj82h48djs9d2"),
        ("oauth_token", "kkk9d7dh3k39sjv7"),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", "137131201"),
        ("oauth_nonce", "7d8f3e4a"),
        ("c2", ""),
        ("a3", "2 q"),
    ]
    base = signature_base_string(
        "post", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", params
    )
    assert base == (
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26"
        "c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26"
        "oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
    )
    assert base_url("HTTPS://Example.COM:443/r") == "https://example.com/r"


def test_launch_then_replace_result(
    lti_app: Flask,
    client,
    session: Session,
    consumer: Consumer,
    fake_platform: FakePlatform,
    graded_quiz,
) -> None:
    response = post(
        client, signed(launch_params(fake_platform), secret=fake_platform.consumer_secret)
    )
    assert (
        response.status_code == 302
        and response.headers["Location"] == "/courses/mini/quizzes/bragg"
    )
    identity = session.scalar(
        select(ExternalIdentity).where(ExternalIdentity.issuer == f"lti11:{KEY}")
    )
    assert identity is not None and identity.subject == "5"
    assert identity.user.role == Role.STUDENT and identity.user.email == "bea@example.org"

    publish_grade(GradeEvent(identity.user.id, QUIZ, 7.5, 10.0, utcnow(), "attempt-1"))
    [outcome] = fake_platform.outcomes
    assert outcome != "BAD SIGNATURE"  # signature and oauth_body_hash verified by oauthlib
    assert "<textString>0.75</textString>" in outcome
    assert (
        "<sourcedId>" + SOURCEDID.replace("&", "&amp;").replace("<", "&lt;") + "</sourcedId>"
        in outcome
    )
    assert "<replaceResultRequest>" in outcome


def test_instructor_and_admin_roles(
    lti_app: Flask, client, session: Session, consumer, fake_platform
) -> None:
    params = launch_params(fake_platform, roles="Instructor,urn:lti:sysrole:ims/lis/Administrator")
    assert post(client, signed(params, secret=fake_platform.consumer_secret)).status_code == 302
    identity = session.scalar(select(ExternalIdentity).where(ExternalIdentity.subject == "5"))
    assert identity is not None and identity.user.role == Role.ADMIN


def test_query_parameters_are_signed_too(lti_app: Flask, client, consumer, fake_platform) -> None:
    body = signed(
        launch_params(fake_platform), url=f"{URL}?course=mini", secret=fake_platform.consumer_secret
    )
    assert post(client, body, "/lti/1.1/launch?course=mini").status_code == 302
    body = signed(
        launch_params(fake_platform), url=f"{URL}?course=mini", secret=fake_platform.consumer_secret
    )
    assert post(client, body, "/lti/1.1/launch?course=other").status_code == 403


def test_tampered_launch_is_refused(lti_app: Flask, client, consumer, fake_platform) -> None:
    pairs = parse_qsl(signed(launch_params(fake_platform), secret=fake_platform.consumer_secret))
    tampered = urlencode([(k, "Instructor" if k == "roles" else v) for k, v in pairs])
    response = post(client, tampered)
    assert response.status_code == 403 and "signature does not verify" in response.get_data(
        as_text=True
    )


def test_wrong_secret_is_refused(lti_app: Flask, client, consumer, fake_platform) -> None:
    response = post(client, signed(launch_params(fake_platform), secret="not-the-shared-secret"))
    assert response.status_code == 403


def test_old_timestamp_is_refused(lti_app: Flask, client, consumer, fake_platform) -> None:
    old = str(int(time.time()) - 3600)
    response = post(
        client,
        signed(launch_params(fake_platform), secret=fake_platform.consumer_secret, timestamp=old),
    )
    assert response.status_code == 403 and "timestamp" in response.get_data(as_text=True)


def test_replayed_nonce_is_refused(lti_app: Flask, client, consumer, fake_platform) -> None:
    body = signed(launch_params(fake_platform), secret=fake_platform.consumer_secret)
    assert post(client, body).status_code == 302
    response = post(client, body)
    assert response.status_code == 403 and "replay" in response.get_data(as_text=True)


def test_unknown_consumer_and_other_methods_are_refused(
    lti_app: Flask, client, consumer, fake_platform
) -> None:
    params = launch_params(fake_platform)
    other = Client("someone-else", client_secret="x", signature_type=SIGNATURE_TYPE_BODY)
    _u, _h, body = other.sign(
        URL, "POST", params, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert post(client, body).status_code == 403
    body = signed(
        params, secret=fake_platform.consumer_secret, signature_method=SIGNATURE_HMAC_SHA256
    )
    response = post(client, body)
    assert response.status_code == 400 and "HMAC-SHA1" in response.get_data(as_text=True)


def test_wrong_message_type_is_refused(lti_app: Flask, client, consumer, fake_platform) -> None:
    params = launch_params(fake_platform, lti_message_type="ContentItemSelectionRequest")
    response = post(client, signed(params, secret=fake_platform.consumer_secret))
    assert response.status_code == 400 and "Message type" in response.get_data(as_text=True)
