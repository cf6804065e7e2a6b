"""OAuth2 client-credentials tokens from a platform, with a signed JWT as client assertion.

Tokens are kept in the database until 30 s before they expire, so the web process and every
worker share them. Moodle answers ``expires_in`` 3600 s and checks the assertion's signature
with the key set (or public key) registered for our tool.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import requests
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from elearn.lti.errors import LtiError
from elearn.lti.keys import sign
from elearn.lti.models import AccessToken, Platform
from elearn.lti.platform_keys import HTTP_TIMEOUT

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MARGIN = timedelta(seconds=30)


def access_token(
    session: Session, secret_key: str, platform: Platform, scopes: list[str], now: datetime
) -> str:
    """A bearer token for ``scopes``, reused from the cache while it lives."""
    scope = " ".join(sorted(scopes))
    cached = session.scalar(
        select(AccessToken).where(
            AccessToken.platform_id == platform.id, AccessToken.scopes == scope
        )
    )
    if cached is not None and cached.expires_at > now + MARGIN:
        return cached.token
    answer = _request_token(session, secret_key, platform, scope, now)
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise LtiError("The platform's token answer has no access_token.", status=502)
    lifetime = answer.get("expires_in", 3600)
    expires = now + timedelta(
        seconds=float(lifetime) if isinstance(lifetime, int | float) else 3600
    )
    if cached is None:
        session.add(
            AccessToken(platform_id=platform.id, scopes=scope, token=token, expires_at=expires)
        )
    else:
        cached.token, cached.expires_at = token, expires
    session.flush()
    return token


def forget_token(session: Session, platform: Platform, scopes: list[str]) -> None:
    """Drop a cached token the platform no longer accepts (it answered 401)."""
    session.execute(
        delete(AccessToken).where(
            AccessToken.platform_id == platform.id, AccessToken.scopes == " ".join(sorted(scopes))
        )
    )


def _request_token(
    session: Session, secret_key: str, platform: Platform, scope: str, now: datetime
) -> dict[str, Any]:
    assertion = sign(
        session,
        secret_key,
        {
            "iss": platform.client_id,
            "sub": platform.client_id,
            "aud": platform.auth_token_url,
            "iat": int(now.timestamp()),
            "exp": int(now.timestamp()) + 300,
            "jti": secrets.token_urlsafe(16),
        },
    )
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": assertion,
        "scope": scope,
    }
    response = call_platform(
        "POST", platform.auth_token_url, data=form, headers={"Accept": "application/json"}
    )
    try:
        answer = response.json()
    except ValueError as error:
        raise LtiError(
            "The platform's token answer is not JSON.", status=502, retryable=True
        ) from error
    return answer if isinstance(answer, dict) else {}


def call_platform(method: str, url: str, **kwargs: Any) -> requests.Response:
    """One HTTP call to a platform; failures become ``LtiError`` (retryable when they may pass).

    Unreachable, timeouts, 5xx, 408 and 429 are retryable; other 4xx are not. The response
    body is included (shortened) because Moodle explains refusals there.
    """
    try:
        response = requests.request(method, url, timeout=HTTP_TIMEOUT, **kwargs)
    except requests.RequestException as error:
        raise LtiError(
            f"{url} could not be reached: {type(error).__name__}", status=502, retryable=True
        ) from error
    if response.status_code >= 400:
        retryable = response.status_code >= 500 or response.status_code in (408, 429)
        detail = response.text[:300].strip()
        raise LtiError(
            f"{method} {url} answered {response.status_code}" + (f": {detail}" if detail else ""),
            status=response.status_code,
            retryable=retryable,
        )
    return response
