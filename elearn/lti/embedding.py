"""Working inside the platform's iframe: frame-ancestors for registered platforms, cookies.

Pages may be framed by the sites of registered platforms only (CSP ``frame-ancestors``), and
over HTTPS our cookies are ``SameSite=None; Secure`` so the session survives inside a
cross-site iframe. When the browser blocks third-party cookies altogether, the launch still
works (state is checked against the server-side store) and offers to open in a new window.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.lti.models import Consumer, Platform

ORIGINS_LIFETIME = 30.0  # s an origin list is reused before the database is asked again


def origin(url: str | None) -> str | None:
    """``https://moodle.example.org/mod/lti`` -> ``https://moodle.example.org``."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def platform_origins(session: Session) -> list[str]:
    """Origins of every registered platform and LTI 1.1 consumer site, sorted."""
    urls = list(session.scalars(select(Platform.issuer)))
    urls += list(session.scalars(select(Platform.auth_login_url)))
    urls += list(session.scalars(select(Consumer.site_url)))
    return sorted({o for o in map(origin, urls) if o})


def with_frame_ancestors(policy: str, origins: list[str]) -> str:
    """``policy`` with its frame-ancestors directive set to 'self' plus ``origins``."""
    directive = " ".join(["frame-ancestors 'self'", *origins])
    if "frame-ancestors" in policy:
        return re.sub(r"frame-ancestors[^;]*", directive, policy)
    return f"{policy.rstrip('; ')}; {directive}"


class OriginCache:
    """Platform origins, re-read from the database at most every ``ORIGINS_LIFETIME`` s."""

    def __init__(self) -> None:
        self.origins: list[str] = []
        self.read_at = float("-inf")

    def get(self, sessions: Callable[[], Session]) -> list[str]:
        """The origins, read in a session of their own (the request's may have failed)."""
        if time.monotonic() - self.read_at > ORIGINS_LIFETIME:
            with sessions() as session:
                self.origins, self.read_at = platform_origins(session), time.monotonic()
        return self.origins

    def clear(self) -> None:
        self.read_at = float("-inf")
