"""Platform public keys: the JWKS fetched from the platform, cached, re-fetched on rotation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import jwt
import requests
from sqlalchemy.orm import Session

from elearn.lti.errors import LtiError
from elearn.lti.models import Platform

HTTP_TIMEOUT = 10.0  # s, for every call to a platform
JWKS_LIFETIME = timedelta(hours=1)  # re-fetch a cached key set this old
REFETCH_INTERVAL = timedelta(seconds=60)  # an unknown kid re-fetches at most this often


def fetch_jwks(url: str) -> dict[str, Any]:
    """GET a key set; any failure is an ``LtiError`` (502: the platform answered badly)."""
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT, headers={"Accept": "application/json"})
        response.raise_for_status()
        keyset = response.json()
    except (requests.RequestException, ValueError) as error:
        raise LtiError(
            f"The platform's key set at {url} could not be read: {error}", status=502
        ) from error
    if not isinstance(keyset, dict) or not isinstance(keyset.get("keys"), list):
        raise LtiError(f"The platform's key set at {url} has no 'keys' list.", status=502)
    return keyset


def platform_key(session: Session, platform: Platform, kid: str, now: datetime) -> jwt.PyJWK:
    """The platform's public key ``kid``, from the cached key set or a fresh fetch.

    A key set older than ``JWKS_LIFETIME`` is re-fetched; an unknown ``kid`` (the platform
    rotated its keys) re-fetches once, but not more often than ``REFETCH_INTERVAL``, so a
    stream of made-up ``kid`` values cannot make us hammer the platform.
    """
    fetched = platform.jwks_fetched_at
    if platform.jwks is None or fetched is None or now - fetched > JWKS_LIFETIME:
        _refresh(platform, now)
    key = _find(platform.jwks or {}, kid)
    if (
        key is None
        and platform.jwks_fetched_at is not None
        and now - platform.jwks_fetched_at > REFETCH_INTERVAL
    ):
        _refresh(platform, now)
        key = _find(platform.jwks or {}, kid)
    if key is None:
        raise LtiError(f"The platform signed with a key id we do not know ({kid!r}).", status=403)
    return key


def _refresh(platform: Platform, now: datetime) -> None:
    platform.jwks = fetch_jwks(platform.jwks_url)
    platform.jwks_fetched_at = now


def _find(keyset: dict[str, Any], kid: str) -> jwt.PyJWK | None:
    for entry in keyset.get("keys", []):
        if isinstance(entry, dict) and entry.get("kid") == kid and entry.get("kty") == "RSA":
            try:
                return jwt.PyJWK(entry, algorithm="RS256")
            except jwt.PyJWKError as error:
                raise LtiError(
                    f"The platform's key {kid!r} is not a usable RSA key.", status=502
                ) from error
    return None
