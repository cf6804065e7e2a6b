"""Tool keys, role mapping, roster sync (NRPS) and dynamic registration against the fake Moodle."""

from __future__ import annotations

import jwt
import pytest
from flask import Flask
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.auth.models import Role
from elearn.lti import claims as c
from elearn.lti import keys
from elearn.lti.errors import LtiError
from elearn.lti.links import link_context
from elearn.lti.models import LtiContext, Platform, ToolKey
from elearn.lti.nrps import roster
from elearn.lti.roles import map_roles, role_name

from .fake_platform import CLIENT_ID, DEPLOYMENT_ID, FakePlatform

SECRET = "test-secret-key-not-for-production"


def test_keys_rotate_without_dropping_the_old_one(session: Session) -> None:
    first = keys.generate_key(session, SECRET)
    token = keys.sign(session, SECRET, {"hello": "world"})
    assert jwt.get_unverified_header(token)["kid"] == first.kid
    second = keys.generate_key(session, SECRET)
    published = keys.jwks(session)["keys"]
    assert {k["kid"] for k in published} == {first.kid, second.kid}
    assert all(set(k) >= {"kty", "n", "e", "kid", "alg", "use"} and "d" not in k for k in published)
    newer = keys.sign(session, SECRET, {"hello": "again"})
    assert jwt.get_unverified_header(newer)["kid"] == second.kid
    keyset = jwt.PyJWKSet.from_dict(keys.jwks(session))
    assert jwt.decode(token, keyset[first.kid], algorithms=["RS256"]) == {"hello": "world"}
    keys.retire_key(session, first.kid)
    assert [k["kid"] for k in keys.jwks(session)["keys"]] == [second.kid]
    with pytest.raises(LtiError, match="only published key"):
        keys.retire_key(session, second.kid)


def test_private_keys_are_stored_encrypted(session: Session) -> None:
    key = keys.generate_key(session, SECRET)
    stored = session.scalar(select(ToolKey.private_key).where(ToolKey.id == key.id))
    assert stored is not None and "PRIVATE KEY" not in stored
    with pytest.raises(LtiError, match="cannot be decrypted"):
        keys.sign(session, "another-secret-key-entirely", {"x": 1})


def test_signing_needs_a_key(session: Session) -> None:
    with pytest.raises(LtiError, match="keys generate"):
        keys.sign(session, SECRET, {"x": 1})


@pytest.mark.parametrize(
    ("roles", "role"),
    [
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"], Role.STUDENT),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"], Role.TEACHER),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper"], Role.TEACHER),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"],
            Role.TEACHER,
        ),
        (["http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"], Role.ADMIN),
        (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"], Role.ADMIN),
        (["Learner"], Role.STUDENT),
        (["Instructor", "urn:lti:instrole:ims/lis/Administrator"], Role.ADMIN),
        (["urn:lti:role:ims/lis/Mentor"], Role.STUDENT),
        ([], Role.STUDENT),
    ],
)
def test_role_mapping(roles: list[str], role: Role) -> None:
    assert map_roles(roles) == role


def test_role_names() -> None:
    assert role_name("http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor") == "Instructor"
    assert role_name("urn:lti:role:ims/lis/Learner") == "Learner"


def test_roster_sync_follows_pages_and_makes_accounts(
    lti_app: Flask,
    session: Session,
    platform: Platform,
    fake_platform: FakePlatform,
    auth,
    make_user,
) -> None:
    fake_platform.members = [
        {
            "user_id": "42",
            "name": "Ada Student",
            "email": "ada@example.org",
            "roles": ["Learner"],
            "status": "Active",
        },
        {
            "user_id": "43",
            "given_name": "Bo",
            "family_name": "Lee",
            "roles": ["Learner"],
            "status": "Inactive",
        },
        {
            "user_id": "2",
            "name": "Tom Teacher",
            "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
        },
    ]
    context = link_context(
        session,
        issuer=platform.issuer,
        context_id="3",
        title="Neutron scattering 101",
        platform_id=platform.id,
        memberships_url=f"{fake_platform.url}/mod/lti/services.php/CourseSection/2/bindings/1/memberships",
    )
    session.commit()
    auth.login(make_user(Role.TEACHER))
    response = auth.post(
        f"/lti/contexts/{context.id}/sync", form_page=f"/lti/contexts/{context.id}"
    )
    assert response.status_code == 302
    session.expire_all()
    members = {m.user.name: (m.user.role, m.status) for m in roster(session, context.id)}
    assert members == {
        "Ada Student": (Role.STUDENT, "Active"),
        "Bo Lee": (Role.STUDENT, "Inactive"),
        "Tom Teacher": (Role.TEACHER, "Active"),
    }
    assert fake_platform.token_requests[0]["scope"] == c.SCOPE_NRPS
    page = auth.client.get(f"/lti/contexts/{context.id}").get_data(as_text=True)
    assert "Bo Lee" in page and "Inactive" in page
    assert "Neutron scattering 101" in auth.client.get("/lti/contexts").get_data(as_text=True)


def test_roster_errors_are_kept_for_the_teacher(
    lti_app: Flask,
    session: Session,
    platform: Platform,
    fake_platform: FakePlatform,
    auth,
    make_user,
) -> None:
    context = link_context(
        session,
        issuer=platform.issuer,
        context_id="9",
        title="Gone",
        platform_id=platform.id,
        memberships_url=f"{fake_platform.url}/no/such/memberships-endpoint",
    )
    session.commit()
    fake_platform.stop()
    auth.login(make_user(Role.TEACHER))
    auth.post(f"/lti/contexts/{context.id}/sync", form_page=f"/lti/contexts/{context.id}")
    session.expire_all()
    row = session.get(LtiContext, context.id)
    assert row is not None and "could not be reached" in (row.roster_error or "")
    assert "Last synchronisation failed" in auth.client.get(f"/lti/contexts/{context.id}").get_data(
        as_text=True
    )


def registration_token(secret: str) -> str:
    return URLSafeTimedSerializer(secret, salt="elearn-lti-register").dumps({"n": "x"})


def test_dynamic_registration(
    lti_app: Flask, client, session: Session, fake_platform: FakePlatform, settings
) -> None:
    token = registration_token(settings.secret_key)
    assert "Paste this URL into Moodle" in client.get(f"/lti/register/{token}").get_data(
        as_text=True
    )
    query = {
        "openid_configuration": f"{fake_platform.url}/mod/lti/openid-configuration.php",
        "registration_token": "registration-token",
    }
    response = client.get(f"/lti/register/{token}", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "/lti/close.js" in response.get_data(as_text=True)
    [sent] = fake_platform.registrations
    assert sent["initiate_login_uri"] == "http://localhost/lti/login"
    assert sent["redirect_uris"] == ["http://localhost/lti/launch"]
    assert sent["jwks_uri"] == "http://localhost/lti/jwks"
    assert sent["token_endpoint_auth_method"] == "private_key_jwt"
    assert c.SCOPE_SCORE in sent["scope"] and c.SCOPE_NRPS in sent["scope"]
    platform = session.scalar(select(Platform).where(Platform.issuer == fake_platform.issuer))
    assert platform is not None and platform.client_id == CLIENT_ID
    assert [d.deployment_id for d in platform.deployments] == [DEPLOYMENT_ID]
    assert platform.auth_token_url == f"{fake_platform.url}/mod/lti/token.php"
    assert keys.published_keys(session)  # a key was made for the new platform
    assert client.get(f"/lti/register/{token}", query_string=query).status_code == 403  # used once


def test_registration_url_must_be_ours(lti_app: Flask, client, fake_platform: FakePlatform) -> None:
    forged = registration_token("some-other-secret-key-xyz")
    assert client.get(f"/lti/register/{forged}").status_code == 403


def test_registration_refuses_a_mismatched_issuer(
    lti_app: Flask, client, fake_platform: FakePlatform, settings
) -> None:
    fake_platform.config_issuer = "https://evil.example"
    query = {
        "openid_configuration": f"{fake_platform.url}/mod/lti/openid-configuration.php",
        "registration_token": "registration-token",
    }
    response = client.get(
        f"/lti/register/{registration_token(settings.secret_key)}", query_string=query
    )
    assert response.status_code == 400 and "does not match" in response.get_data(as_text=True)
    assert fake_platform.registrations == []


def test_registration_refused_by_the_platform_is_shown(
    lti_app: Flask, client, fake_platform: FakePlatform, settings
) -> None:
    query = {"openid_configuration": f"{fake_platform.url}/mod/lti/openid-configuration.php"}
    response = client.get(
        f"/lti/register/{registration_token(settings.secret_key)}", query_string=query
    )
    assert response.status_code == 401 and "answered 401" in response.get_data(as_text=True)


def test_contexts_remember_their_first_course(session: Session, platform: Platform) -> None:
    row = link_context(
        session, issuer=platform.issuer, context_id="1", title="A", course_slug="mini"
    )
    again = link_context(
        session, issuer=platform.issuer, context_id="1", title="B", course_slug="other"
    )
    assert row.id == again.id and again.course_slug == "mini" and again.title == "B"
