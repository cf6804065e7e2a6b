"""Notebook jobs: execute or grade one submission in the sandbox, outside the request."""

from __future__ import annotations

from elearn.jobs import job_context, queue
from elearn.notebooks.submissions import execute_submission


@queue.task(retries=0)
def run_submission(submission_id: int) -> None:
    """Idempotent: a submission that is no longer queued is left alone."""
    with job_context() as (session, settings):
        execute_submission(session, settings, submission_id)
