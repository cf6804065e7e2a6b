"""The grade passback outbox: one row per (grade target, attempt), sent by the job queue.

A row's life: ``pending`` -> claimed (its next try moved ``CLAIM_LEASE`` ahead and committed,
so a second worker leaves it alone) -> ``sent``, or back to ``pending`` with exponential
backoff while the platform is unreachable or answers 5xx/429, or ``failed`` after
``MAX_TRIES`` or a refusal that will not change (4xx). A row whose score is older than one
already sent or queued for the same target becomes ``superseded`` and never goes out, so a
stale score never overwrites a newer one. Recording the same attempt twice changes nothing
once it was sent: passback is idempotent per attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.grades import GradeEvent
from elearn.lti.errors import LtiError
from elearn.lti.models import GradeTarget, Passback, PassbackStatus

MAX_TRIES = 8
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
CLAIM_LEASE = timedelta(minutes=2)  # longer than a token request plus a score POST can take


def backoff(tries: int) -> timedelta:
    """Wait after the ``tries``-th failed try: 30 s, 1 min, 2 min, … capped at 1 h."""
    return min(FIRST_BACKOFF * 2 ** max(tries - 1, 0), MAX_BACKOFF)


def record_grade(session: Session, event: GradeEvent, now: datetime) -> list[int]:
    """Queue ``event``'s score for every platform expecting this user's grade for the activity.

    Returns the ids of rows to send. A repeated event for an attempt already queued updates
    the pending row if it is newer; one already sent is left alone.
    """
    targets = session.scalars(
        select(GradeTarget).where(
            GradeTarget.user_id == event.user_id,
            GradeTarget.activity_kind == event.activity.kind,
            GradeTarget.activity_key == event.activity.key,
        )
    ).all()
    ids = []
    for target in targets:
        row = session.scalar(
            select(Passback).where(
                Passback.target_id == target.id, Passback.attempt_id == event.attempt_id
            )
        )
        if row is None:
            row = Passback(
                target_id=target.id, attempt_id=event.attempt_id, status=PassbackStatus.PENDING
            )
            session.add(row)
        elif row.status != PassbackStatus.PENDING or event.graded_at <= row.graded_at:
            continue
        row.score, row.maximum, row.completed = event.score, event.maximum, event.completed
        row.graded_at, row.next_try_at = event.graded_at, now
        session.flush()
        ids.append(row.id)
    return ids


@dataclass(frozen=True)
class Claim:
    passback_id: int
    target_id: int


def claim(session: Session, passback_id: int, now: datetime) -> Claim | None:
    """Take a due pending row for sending (the caller commits before sending), or None.

    A row with a newer score for the same target, sent or queued, is superseded instead.
    """
    row = session.get(Passback, passback_id, with_for_update=True)
    if row is None or row.status != PassbackStatus.PENDING or row.next_try_at > now:
        return None
    target = row.target
    newer = session.scalar(
        select(Passback.id).where(
            Passback.target_id == target.id,
            Passback.id != row.id,
            Passback.graded_at > row.graded_at,
            Passback.status.in_([PassbackStatus.PENDING, PassbackStatus.SENT]),
        )
    )
    if newer is not None or (
        target.last_sent_graded_at is not None and target.last_sent_graded_at >= row.graded_at
    ):
        row.status = PassbackStatus.SUPERSEDED
        row.last_error = "A newer score for this activity was sent or is queued."
        return None
    row.next_try_at = now + CLAIM_LEASE
    return Claim(row.id, target.id)


def record_result(
    session: Session, passback_id: int, error: LtiError | None, now: datetime
) -> Passback:
    """Write down how a send went: sent, retry later, superseded (Moodle's 409) or failed."""
    row = session.get(Passback, passback_id, with_for_update=True)
    assert row is not None
    row.tries += 1
    if error is None:
        row.status, row.sent_at, row.last_error = PassbackStatus.SENT, now, None
        target = row.target
        if target.last_sent_graded_at is None or target.last_sent_graded_at < row.graded_at:
            target.last_sent_graded_at = row.graded_at
    elif error.status == 409:
        row.status = PassbackStatus.SUPERSEDED
        row.last_error = f"The platform holds a score at least as new: {error}"
    elif error.retryable and row.tries < MAX_TRIES:
        row.next_try_at = now + backoff(row.tries)
        row.last_error = str(error)
    else:
        row.status = PassbackStatus.FAILED
        row.last_error = (
            f"Gave up after {row.tries} tries: {error}" if error.retryable else str(error)
        )
    return row


def due_passbacks(session: Session, now: datetime) -> list[int]:
    """Pending rows whose next try has come (after a restart, a lost schedule, a lease)."""
    return list(
        session.scalars(
            select(Passback.id)
            .where(Passback.status == PassbackStatus.PENDING, Passback.next_try_at <= now)
            .order_by(Passback.next_try_at)
        )
    )


def retry_passback(session: Session, passback_id: int, now: datetime) -> Passback:
    """A teacher's retry: a failed (or waiting) row is due again with a fresh count of tries."""
    row = session.get(Passback, passback_id)
    if row is None or row.status not in (PassbackStatus.FAILED, PassbackStatus.PENDING):
        raise LtiError("Only pending or failed passbacks can be retried.")
    row.status, row.tries, row.next_try_at = PassbackStatus.PENDING, 0, now
    return row


def open_passbacks(session: Session, limit: int = 500) -> list[Passback]:
    """Pending and failed rows, oldest first, for the teachers' page."""
    return list(
        session.scalars(
            select(Passback)
            .where(Passback.status.in_([PassbackStatus.PENDING, PassbackStatus.FAILED]))
            .order_by(Passback.created_at, Passback.id)
            .limit(limit)
        )
    )
