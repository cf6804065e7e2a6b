"""LTI background work: grade passback (outbox) and roster sync, run by the job queue.

Grades never go out inside a web request: Moodle fetches our JWKS while we ask it for a
token, and a single-threaded server would deadlock. Each send commits its claim before the
HTTP call and its result after, so a crash in between only delays the row (its lease runs
out and ``drain_passbacks`` picks it up again).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import has_app_context
from huey import crontab

from elearn.db import db
from elearn.db.types import utcnow
from elearn.grades import GradeEvent, grade_published
from elearn.jobs import job_context, queue
from elearn.lti import outbox
from elearn.lti.delivery import deliver
from elearn.lti.errors import LtiError
from elearn.lti.models import LtiContext, PassbackStatus
from elearn.lti.nonces import purge_expired_nonces
from elearn.lti.nrps import sync_roster

log = logging.getLogger(__name__)


def on_grade_published(_sender: object, event: GradeEvent) -> None:
    """Listener of ``grade_published``: write outbox rows, then enqueue their sends.

    Inside an app (a request, a job, a command) the rows are written at once with a session of
    that app; elsewhere the event itself is queued and a worker writes them.
    """
    if not has_app_context():
        record_grade_job(event)
        return
    # The publisher's own session (grades are published after its commit): a second session
    # would wait for the first one's write lock on SQLite, in the same thread, for ever.
    session = db()
    ids = outbox.record_grade(session, event, utcnow())
    session.commit()
    for passback_id in ids:
        send_passback(passback_id)


@queue.task()
def record_grade_job(event: GradeEvent) -> int:
    """Write the outbox rows of a grade published outside an app; returns how many."""
    with job_context() as (session, _settings):
        ids = outbox.record_grade(session, event, utcnow())
        session.commit()
    for passback_id in ids:
        send_passback(passback_id)
    return len(ids)


grade_published.connect(on_grade_published)


@queue.task()
def send_passback(passback_id: int) -> str:
    """Send one outbox row if it is due; schedule its retry when the platform is down."""
    with job_context() as (session, settings):
        claim = outbox.claim(session, passback_id, utcnow())
        session.commit()
        if claim is None:
            return "not due"
        error: LtiError | None = None
        try:
            deliver(session, settings.secret_key, passback_id, utcnow())
        except LtiError as failure:
            session.rollback()
            error = failure
        row = outbox.record_result(session, passback_id, error, utcnow())
        session.commit()
        if error is not None:
            log.warning("passback %s: %s (%s)", passback_id, row.status.value, error)
        if row.status == PassbackStatus.PENDING and not queue.immediate:
            delay = max((row.next_try_at - utcnow()).total_seconds(), 0)
            send_passback.schedule(args=(passback_id,), delay=delay)
        return row.status.value


@queue.periodic_task(crontab(minute="*"))
def drain_passbacks() -> int:
    """Every minute: send what is due but has no job (after a restart or a lost schedule)."""
    with job_context() as (session, _settings):
        due = outbox.due_passbacks(session, utcnow())
    for passback_id in due:
        send_passback(passback_id)
    return len(due)


@queue.periodic_task(crontab(minute="17"))
def purge_nonces() -> int:
    with job_context() as (session, _settings):
        removed = purge_expired_nonces(session, utcnow() - timedelta(minutes=1))
        session.commit()
    return removed


@queue.task()
def sync_roster_job(context_row_id: int) -> int:
    """Read a platform course's roster (NRPS); the error, if any, is kept for the teacher."""
    with job_context() as (session, settings):
        try:
            count = sync_roster(session, settings.secret_key, context_row_id, utcnow())
        except LtiError as error:
            session.rollback()
            context = session.get(LtiContext, context_row_id)
            if context is not None:
                context.roster_error = str(error)
                session.commit()
            return -1
        session.commit()
        return count
