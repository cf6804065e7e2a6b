"""Quiz jobs: close attempts whose time ran out, so grades reach the gradebook (and Moodle)
even when the student never comes back."""

from __future__ import annotations

from huey import crontab

from elearn.db.types import utcnow
from elearn.jobs import job_context, queue
from elearn.quiz.attempts import announce_grade, close_overdue_attempts


@queue.periodic_task(crontab(minute="*"))
def close_overdue_quiz_attempts() -> int:
    """Finish every overdue attempt with its saved answers; returns how many were closed."""
    with job_context() as (session, _settings):
        closed = close_overdue_attempts(session, utcnow())
        session.commit()
        for attempt in closed:
            announce_grade(session, attempt)
        return len(closed)
