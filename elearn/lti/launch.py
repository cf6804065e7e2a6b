"""LTI 1.3 launches: OIDC login initiation and the full check of the id_token that follows.

Checks, in order: our state (known, unused, not expired), the JWT header (RS256, a ``kid``),
the signature against the platform's JWKS, ``iss``, ``aud``/``azp`` (our client id), ``exp``
and ``iat`` (60 s leeway), the nonce (ours, used once), version 1.3.0, the message type, the
deployment, and the claims the message type needs. Nothing here knows Flask.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.lti import claims as c
from elearn.lti.errors import LtiError
from elearn.lti.models import Deployment, LaunchState, Platform
from elearn.lti.nonces import use_nonce
from elearn.lti.platform_keys import platform_key

STATE_LIFETIME = timedelta(minutes=10)
LEEWAY = 60  # s of clock difference tolerated on exp and iat
MESSAGE_TYPES = (c.RESOURCE_LINK_REQUEST, c.DEEP_LINKING_REQUEST)


@dataclass(frozen=True)
class LoginRedirect:
    url: str  # the platform's authorisation endpoint with our parameters
    state: str


@dataclass(frozen=True)
class LaunchMessage:
    """What a validated id_token says, in plain values."""

    platform_id: int
    issuer: str
    subject: str
    message_type: str
    deployment_id: str
    roles: tuple[str, ...]
    name: str
    email: str | None
    context_id: str | None
    context_title: str
    resource_link_id: str | None
    custom: dict[str, str] = field(default_factory=dict)
    lineitem_url: str | None = None
    ags_scopes: tuple[str, ...] = ()
    memberships_url: str | None = None
    deep_link_return_url: str | None = None
    deep_link_data: str | None = None
    accept_multiple: bool = False


def find_platform(session: Session, issuer: str, client_id: str | None) -> Platform:
    """The registered platform for a login request (the client id is optional if unambiguous)."""
    query = select(Platform).where(Platform.issuer == issuer)
    if client_id:
        query = query.where(Platform.client_id == client_id)
    platforms = session.scalars(query).all()
    if len(platforms) != 1:
        raise LtiError(
            f"No single registered platform matches issuer {issuer!r}"
            + (
                f" and client id {client_id!r}."
                if client_id
                else "; the login request names no client id."
            ),
            status=403,
        )
    return platforms[0]


def begin_login(
    session: Session, params: dict[str, str], redirect_uri: str, now: datetime
) -> LoginRedirect:
    """Answer a platform's OIDC login initiation: remember state and nonce, redirect back.

    ``redirect_uri`` is our one launch URL, as registered on the platform (Moodle refuses any
    other); where the user goes afterwards comes from the launch's claims.
    """
    for required in ("iss", "login_hint", "target_link_uri"):
        if not params.get(required):
            raise LtiError(f"The login request has no {required!r} parameter.")
    platform = find_platform(session, params["iss"], params.get("client_id"))
    deployment = params.get("lti_deployment_id")
    if deployment and deployment not in {d.deployment_id for d in platform.deployments}:
        raise LtiError(
            f"Deployment {deployment!r} is not registered for this platform.", status=403
        )
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        LaunchState(
            state=state,
            nonce=nonce,
            platform_id=platform.id,
            target_link_uri=params["target_link_uri"][:1000],
            expires_at=now + STATE_LIFETIME,
        )
    )
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": redirect_uri,
        "login_hint": params["login_hint"],
        "state": state,
        "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    return LoginRedirect(url=f"{platform.auth_login_url}{separator}{urlencode(query)}", state=state)


def validate_launch(session: Session, id_token: str, state: str, now: datetime) -> LaunchMessage:
    """Check a launch completely; returns its content or raises ``LtiError`` saying what failed."""
    launch_state = _use_state(session, state, now)
    platform = session.get(Platform, launch_state.platform_id)
    if platform is None:
        raise LtiError("The platform of this launch is no longer registered.", status=403)
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.DecodeError as error:
        raise LtiError("The id_token is not a JWT.") from error
    if header.get("alg") != "RS256":
        raise LtiError(f"The id_token must be signed with RS256, not {header.get('alg')!r}.")
    if not header.get("kid"):
        raise LtiError("The id_token header names no key id (kid).")
    key = platform_key(session, platform, str(header["kid"]), now)
    payload = _decode(id_token, key, platform, now)
    if payload.get("nonce") != launch_state.nonce:
        raise LtiError("The id_token's nonce is not the one we sent for this state.", status=403)
    use_nonce(session, f"lti13:{platform.id}", str(payload["nonce"]), now + STATE_LIFETIME)
    return _message(session, platform, payload)


def _use_state(session: Session, state: str, now: datetime) -> LaunchState:
    row = session.scalar(select(LaunchState).where(LaunchState.state == state)) if state else None
    if row is None:
        raise LtiError(
            "The launch's state is unknown: start the activity again from the platform.", status=403
        )
    if row.used_at is not None:
        raise LtiError("The launch's state was used already: this launch is a replay.", status=403)
    if row.expires_at < now:
        raise LtiError(
            "The launch's state expired: start the activity again from the platform.", status=403
        )
    row.used_at = now
    return row


def _decode(id_token: str, key: jwt.PyJWK, platform: Platform, now: datetime) -> dict[str, Any]:
    try:
        payload: dict[str, Any] = jwt.decode(
            id_token,
            key,
            algorithms=["RS256"],
            audience=platform.client_id,
            issuer=platform.issuer,
            leeway=LEEWAY,
            options={"require": ["iss", "aud", "exp", "iat", "nonce"], "verify_iat": False},
        )
    except jwt.InvalidSignatureError as error:
        raise LtiError(
            "The id_token's signature does not verify with the platform's key.", 403
        ) from error
    except jwt.ExpiredSignatureError as error:
        raise LtiError("The id_token has expired.", 403) from error
    except jwt.InvalidAudienceError as error:
        raise LtiError(
            f"The id_token is not addressed to our client id {platform.client_id!r}.", 403
        ) from error
    except jwt.InvalidIssuerError as error:
        raise LtiError(f"The id_token was not issued by {platform.issuer!r}.", 403) from error
    except jwt.MissingRequiredClaimError as error:
        raise LtiError(f"The id_token has no {error.claim!r} claim.") from error
    except jwt.InvalidTokenError as error:
        raise LtiError(f"The id_token is invalid: {error}") from error
    issued = datetime.fromtimestamp(float(payload["iat"]), UTC)
    if issued > now + timedelta(seconds=LEEWAY):
        raise LtiError("The id_token was issued in the future (check the platform's clock).", 403)
    audience = payload["aud"]
    if (
        isinstance(audience, list)
        and len(audience) > 1
        and payload.get("azp") != platform.client_id
    ):
        raise LtiError("The id_token has several audiences and its azp is not our client id.", 403)
    if "azp" in payload and payload["azp"] != platform.client_id:
        raise LtiError("The id_token's azp is not our client id.", 403)
    return payload


def _message(session: Session, platform: Platform, p: dict[str, Any]) -> LaunchMessage:
    if p.get(c.VERSION) != c.LTI_VERSION:
        raise LtiError(f"Only LTI {c.LTI_VERSION} launches are accepted, not {p.get(c.VERSION)!r}.")
    message_type = p.get(c.MESSAGE_TYPE)
    if message_type not in MESSAGE_TYPES:
        raise LtiError(f"Message type {message_type!r} is not one we accept.")
    deployment_id = str(p.get(c.DEPLOYMENT_ID) or "")
    known = session.scalar(
        select(Deployment.id).where(
            Deployment.platform_id == platform.id, Deployment.deployment_id == deployment_id
        )
    )
    if not deployment_id or known is None:
        raise LtiError(
            f"Deployment {deployment_id!r} is not registered for this platform.", status=403
        )
    subject = str(p.get("sub") or "")
    roles = p.get(c.ROLES)
    if not subject:
        raise LtiError("The launch has no 'sub' claim: anonymous launches are not supported.")
    if not isinstance(roles, list):
        raise LtiError("The launch has no roles claim.")
    context = _claim(p, c.CONTEXT)
    link = _claim(p, c.RESOURCE_LINK)
    settings = _claim(p, c.DL_SETTINGS)
    if message_type == c.RESOURCE_LINK_REQUEST and not link.get("id"):
        raise LtiError("The resource link launch has no resource_link id.")
    if message_type == c.DEEP_LINKING_REQUEST and not settings.get("deep_link_return_url"):
        raise LtiError("The deep linking request has no deep_link_return_url.")
    endpoint = _claim(p, c.AGS_ENDPOINT)
    nrps = _claim(p, c.NRPS)
    name = p.get("name") or " ".join(filter(None, [p.get("given_name"), p.get("family_name")]))
    return LaunchMessage(
        platform_id=platform.id,
        issuer=platform.issuer,
        subject=subject,
        message_type=str(message_type),
        deployment_id=deployment_id,
        roles=tuple(str(r) for r in roles),
        name=str(name or "").strip(),
        email=str(p["email"]) if p.get("email") else None,
        context_id=str(context["id"]) if context.get("id") else None,
        context_title=str(context.get("title") or context.get("label") or ""),
        resource_link_id=str(link["id"]) if link.get("id") else None,
        custom={str(k): str(v) for k, v in _claim(p, c.CUSTOM).items()},
        lineitem_url=str(endpoint["lineitem"]) if endpoint.get("lineitem") else None,
        ags_scopes=tuple(str(s) for s in endpoint.get("scope") or ()),
        memberships_url=str(nrps["context_memberships_url"])
        if nrps.get("context_memberships_url")
        else None,
        deep_link_return_url=str(settings["deep_link_return_url"]) if settings else None,
        deep_link_data=str(settings["data"]) if settings.get("data") is not None else None,
        accept_multiple=bool(settings.get("accept_multiple", False)),
    )


def _claim(payload: dict[str, Any], name: str) -> dict[str, Any]:
    value = payload.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LtiError(f"The claim {name} must be an object.")
    return value
