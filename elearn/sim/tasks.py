"""Simulation jobs on the queue: the job carries only the cache key; the rows hold the rest."""

from __future__ import annotations

from elearn.jobs import job_context, queue
from elearn.sim.runs import execute


@queue.task(retries=0)
def run_simulation(key: str) -> None:
    """Execute the waiting requests for ``key``; safe to run twice (finished rows are left alone)."""
    with job_context() as (session, settings):
        execute(session, settings, key)


def enqueue_run(key: str, priority: int) -> None:
    """Queue the job for ``key``; higher priority runs first (see runs.queue_priority)."""
    run_simulation(key, priority=priority)
