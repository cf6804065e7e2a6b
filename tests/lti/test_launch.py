"""LTI 1.3 launch checks, run directly (no Flask): the accepted launch and every rejection."""

from __future__ import annotations

import time
from datetime import timedelta

import jwt
import pytest
from sqlalchemy.orm import Session

from elearn.db.types import utcnow
from elearn.lti import claims as c
from elearn.lti.errors import LtiError
from elearn.lti.launch import begin_login, validate_launch
from elearn.lti.models import Platform

from .fake_platform import CLIENT_ID, DEPLOYMENT_ID, FakePlatform, PlatformKey

LAUNCH_URL = "http://tool.test/lti/launch"


def login(session: Session, fake: FakePlatform) -> tuple[str, str]:
    """Start a login as the platform would; returns (state, nonce) from our redirect."""
    params = {
        "iss": fake.issuer,
        "login_hint": "42",
        "target_link_uri": LAUNCH_URL,
        "client_id": CLIENT_ID,
    }
    redirect = begin_login(session, params, LAUNCH_URL, utcnow())
    nonce = redirect.url.split("nonce=")[1].split("&")[0]
    assert f"redirect_uri={LAUNCH_URL.replace(':', '%3A').replace('/', '%2F')}" in redirect.url
    assert "response_mode=form_post" in redirect.url and "prompt=none" in redirect.url
    return redirect.state, nonce


def refused(session: Session, token: str, state: str, match: str) -> None:
    with pytest.raises(LtiError, match=match):
        validate_launch(session, token, state, utcnow())


def test_a_valid_launch_gives_its_content(
    session: Session, platform: Platform, fake_platform: FakePlatform
) -> None:
    state, nonce = login(session, fake_platform)
    message = validate_launch(session, fake_platform.id_token(nonce), state, utcnow())
    assert message.subject == "42" and message.issuer == fake_platform.issuer
    assert message.message_type == c.RESOURCE_LINK_REQUEST
    assert message.deployment_id == DEPLOYMENT_ID and message.resource_link_id == "11"
    assert message.context_id == "3" and message.context_title == "Neutron scattering 101"
    assert message.lineitem_url == fake_platform.lineitem()
    assert c.SCOPE_SCORE in message.ags_scopes
    assert message.memberships_url and message.memberships_url.endswith("/memberships")
    assert message.name == "Ada Student" and message.email == "ada@example.org"


def test_login_needs_a_registered_platform(session: Session, platform: Platform) -> None:
    params = {"iss": "https://other.example", "login_hint": "1", "target_link_uri": LAUNCH_URL}
    with pytest.raises(LtiError, match="No single registered platform"):
        begin_login(session, params, LAUNCH_URL, utcnow())
    params = {"iss": platform.issuer, "target_link_uri": LAUNCH_URL}
    with pytest.raises(LtiError, match="login_hint"):
        begin_login(session, params, LAUNCH_URL, utcnow())
    params = {
        "iss": platform.issuer,
        "login_hint": "1",
        "target_link_uri": LAUNCH_URL,
        "lti_deployment_id": "99",
    }
    with pytest.raises(LtiError, match="Deployment '99'"):
        begin_login(session, params, LAUNCH_URL, utcnow())


def test_bad_signature(session: Session, platform: Platform, fake_platform: FakePlatform) -> None:
    state, nonce = login(session, fake_platform)
    impostor = PlatformKey()
    impostor.kid = fake_platform.keys[0].kid  # same key id, other private key
    refused(session, fake_platform.id_token(nonce, key=impostor), state, "signature")


def test_tampered_payload(
    session: Session, platform: Platform, fake_platform: FakePlatform
) -> None:
    state, nonce = login(session, fake_platform)
    header, _payload, signature = fake_platform.id_token(nonce).split(".")
    admin = fake_platform.id_token(nonce, {"sub": "1"}).split(".")[1]  # someone else's claims
    refused(session, f"{header}.{admin}.{signature}", state, "signature")


def test_wrong_issuer(session: Session, platform: Platform, fake_platform: FakePlatform) -> None:
    state, nonce = login(session, fake_platform)
    token = fake_platform.id_token(nonce, {"iss": "https://evil.example"})
    refused(session, token, state, "not issued by")


def test_wrong_audience(session: Session, platform: Platform, fake_platform: FakePlatform) -> None:
    state, nonce = login(session, fake_platform)
    refused(session, fake_platform.id_token(nonce, {"aud": "other-tool"}), state, "not addressed")


def test_several_audiences_need_our_azp(
    session: Session, platform: Platform, fake_platform: FakePlatform
) -> None:
    state, nonce = login(session, fake_platform)
    token = fake_platform.id_token(nonce, {"aud": [CLIENT_ID, "other"], "azp": "other"})
    refused(session, token, state, "azp")


def test_unknown_deployment(
    session: Session, platform: Platform, fake_platform: FakePlatform
) -> None:
    state, nonce = login(session, fake_platform)
    token = fake_platform.id_token(nonce, {c.DEPLOYMENT_ID: "999"})
    refused(session, token, state, "Deployment '999' is not registered")


def test_replayed_launch(session: Session, platform: Platform, fake_platform: FakePlatform) -> None:
    state, nonce = login(session, fake_platform)
    token = fake_platform.id_token(nonce)
    validate_launch(session, token, state, utcnow())
    refused(session, token, state, "replay")


def test_nonce_of_another_login(
    session: Session, platform: Platform, fake_platform: FakePlatform
) -> None:
    _state, first_nonce = login(session, fake_platform)
    second_state, _nonce = login(session, fake_platform)
    refused(session, fake_platform.id_token(first_nonce), second_state, "nonce is not the one")


def test_expired_token(session: Session, platform: Platform, fake_platform: FakePlatform) -> None:
    state, nonce = login(session, fake_platform)
    past = int(time.time()) - 3600
    refused(
        session, fake_platform.id_token(nonce, {"iat": past, "exp": past + 60}), state, "expired"
    )


def test_token_from_the_future(
    session: Session, platform: Platform, fake_platform: FakePlatform
) -> None:
    state, nonce = login(session, fake_platform)
    future = int(time.time()) + 3600
    token = fake_platform.id_token(nonce, {"iat": future, "exp": future + 60})
    refused(session, token, state, "future")


@pytest.mark.parametrize(
    ("claim", "match"),
    [
        ("nonce", "'nonce'"),
        ("exp", "'exp'"),
        ("sub", "'sub'"),
        (c.ROLES, "roles"),
        (c.RESOURCE_LINK, "resource_link"),
        (c.VERSION, "1.3.0"),
        (c.DEPLOYMENT_ID, "Deployment"),
    ],
)
def test_missing_claims(
    session: Session, platform: Platform, fake_platform: FakePlatform, claim: str, match: str
) -> None:
    state, nonce = login(session, fake_platform)
    refused(session, fake_platform.id_token(nonce, drop=(claim,)), state, match)


def test_wrong_message_type(
    session: Session, platform: Platform, fake_platform: FakePlatform
) -> None:
    state, nonce = login(session, fake_platform)
    token = fake_platform.id_token(nonce, {c.MESSAGE_TYPE: "LtiSubmissionReviewRequest"})
    refused(session, token, state, "Message type")


def test_wrong_version(session: Session, platform: Platform, fake_platform: FakePlatform) -> None:
    state, nonce = login(session, fake_platform)
    refused(session, fake_platform.id_token(nonce, {c.VERSION: "1.2.0"}), state, "1.3.0")


def test_deep_linking_request_needs_its_return_url(
    session: Session, platform: Platform, fake_platform: FakePlatform
) -> None:
    state, nonce = login(session, fake_platform)
    token = fake_platform.id_token(
        nonce,
        {
            c.MESSAGE_TYPE: c.DEEP_LINKING_REQUEST,
            c.DL_SETTINGS: {"accept_types": ["ltiResourceLink"]},
        },
    )
    refused(session, token, state, "deep_link_return_url")


def test_unknown_state(session: Session, platform: Platform, fake_platform: FakePlatform) -> None:
    _state, nonce = login(session, fake_platform)
    refused(session, fake_platform.id_token(nonce), "made-up-state", "state is unknown")
    refused(session, fake_platform.id_token(nonce), "", "state is unknown")


def test_expired_state(session: Session, platform: Platform, fake_platform: FakePlatform) -> None:
    state, nonce = login(session, fake_platform)
    with pytest.raises(LtiError, match="state expired"):
        validate_launch(
            session, fake_platform.id_token(nonce), state, utcnow() + timedelta(hours=1)
        )


def test_only_rs256_is_accepted(
    session: Session, platform: Platform, fake_platform: FakePlatform
) -> None:
    state, nonce = login(session, fake_platform)
    claims = jwt.decode(fake_platform.id_token(nonce), options={"verify_signature": False})
    forged = jwt.encode(
        claims,
        "a-shared-secret-that-nobody-has-at-all-xyz",
        algorithm="HS256",
        headers={"kid": "x"},
    )
    refused(session, forged, state, "RS256")
    state, _nonce = login(session, fake_platform)
    refused(session, "not-a-jwt", state, "not a JWT")


def test_unknown_key_id_refetches_once_then_refuses(
    session: Session, platform: Platform, fake_platform: FakePlatform
) -> None:
    state, nonce = login(session, fake_platform)
    validate_launch(session, fake_platform.id_token(nonce), state, utcnow())
    assert fake_platform.jwks_fetches == 1  # cached from now on
    stranger = PlatformKey()  # not in the platform's JWKS
    state, nonce = login(session, fake_platform)
    with pytest.raises(LtiError, match="key id we do not know"):
        validate_launch(
            session,
            fake_platform.id_token(nonce, key=stranger),
            state,
            utcnow() + timedelta(minutes=2),
        )
    assert fake_platform.jwks_fetches == 2  # one re-fetch, then refused
    state, nonce = login(session, fake_platform)
    refused(session, fake_platform.id_token(nonce, key=stranger), state, "key id we do not know")
    assert fake_platform.jwks_fetches == 2  # not again within a minute


def test_platform_key_rotation_is_followed(
    session: Session, platform: Platform, fake_platform: FakePlatform
) -> None:
    state, nonce = login(session, fake_platform)
    validate_launch(session, fake_platform.id_token(nonce), state, utcnow())
    new_key = fake_platform.rotate()
    state, nonce = login(session, fake_platform)
    later = utcnow() + timedelta(minutes=2)
    message = validate_launch(session, fake_platform.id_token(nonce, key=new_key), state, later)
    assert message.subject == "42" and fake_platform.jwks_fetches == 2
