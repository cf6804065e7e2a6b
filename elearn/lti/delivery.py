"""Sending one outbox row to its platform: an AGS score (1.3) or a replaceResult (1.1)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from elearn.lti.ags import post_score, score_body
from elearn.lti.errors import LtiError
from elearn.lti.lti11 import outcome_succeeded, replace_result_body, signed_outcome_headers
from elearn.lti.models import Consumer, Passback, Platform
from elearn.lti.tokens import call_platform


def deliver(session: Session, secret_key: str, passback_id: int, now: datetime) -> None:
    """Send the row's score; raises ``LtiError`` (``retryable`` when it may pass later)."""
    row = session.get(Passback, passback_id)
    if row is None:
        raise LtiError(f"There is no passback {passback_id}.")
    target = row.target
    if target.platform_id is not None:
        platform = session.get(Platform, target.platform_id)
        if platform is None:
            raise LtiError("The platform was unregistered.")
        body = score_body(
            target.platform_user_id, row.score, row.maximum, row.completed, row.graded_at
        )
        post_score(session, secret_key, platform, target.endpoint, body, now)
        return
    consumer = session.get(Consumer, target.consumer_id) if target.consumer_id is not None else None
    if consumer is None:
        raise LtiError("The LTI 1.1 consumer was unregistered.")
    fraction = row.score / row.maximum if row.maximum > 0 else 0.0
    xml = replace_result_body(target.platform_user_id, fraction, f"elearn-{row.id}-{row.tries + 1}")
    response = call_platform(
        "POST",
        target.endpoint,
        data=xml,
        headers=signed_outcome_headers(consumer, target.endpoint, xml, now),
    )
    if not outcome_succeeded(response.text):
        raise LtiError(f"The platform refused the outcome: {response.text[:300]}", status=422)
