"""Single use of nonces (LTI 1.3 id_tokens, LTI 1.1 OAuth requests, sign-in tickets)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elearn.db.types import utcnow
from elearn.lti.errors import LtiError
from elearn.lti.models import UsedNonce


def use_nonce(session: Session, scope: str, value: str, expires_at: datetime) -> None:
    """Record ``value`` as used within ``scope`` until ``expires_at``; refuse it if seen before.

    The unique constraint decides between two concurrent requests with the same nonce.
    """
    if not value:
        raise LtiError("The message has no nonce.")
    seen = session.scalar(
        select(UsedNonce.id).where(UsedNonce.scope == scope, UsedNonce.value == value)
    )
    if seen is not None:
        raise LtiError("The nonce was used before: this message is a replay.", status=403)
    try:
        with session.begin_nested():
            session.add(UsedNonce(scope=scope, value=value, expires_at=expires_at))
    except IntegrityError as error:
        raise LtiError(
            "The nonce was used before: this message is a replay.", status=403
        ) from error


def purge_expired_nonces(session: Session, now: datetime | None = None) -> int:
    """Forget nonces whose messages would be refused as expired anyway; returns how many."""
    result = session.execute(delete(UsedNonce).where(UsedNonce.expires_at < (now or utcnow())))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
