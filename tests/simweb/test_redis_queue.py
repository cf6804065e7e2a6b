"""A simulation job through the real Redis queue, executed as a worker would execute it."""

import os
from dataclasses import replace

import pytest
import redis

from elearn.auth.models import Role
from elearn.jobs import configure_queue, queue
from elearn.sim.models import RunStatus
from elearn.sim.runs import submit_run
from elearn.sim.tasks import enqueue_run

REDIS = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_settings(settings):
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.ConnectionError:
        if os.environ.get("ELEARN_REQUIRE_REDIS"):
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    redis_mode = replace(settings, queue="redis", redis_url=REDIS)
    configure_queue(redis_mode)
    queue.flush()
    yield redis_mode
    queue.flush()


def test_job_goes_through_redis_and_updates_the_run(app, session, make_user, redis_settings) -> None:
    run, needs_job = submit_run(
        session,
        redis_settings,
        user_id=make_user().id,
        role=Role.STUDENT,
        instrument_file="Guide_slits.instr",
        values={},
        ncount="1e4",
        seed="5",
    )
    session.commit()
    assert needs_job
    enqueue_run(run.cache_key, priority=5)
    assert queue.pending_count() == 1
    session.refresh(run)
    assert run.status == RunStatus.QUEUED
    queue.execute(queue.dequeue())  # what `elearn worker` does for each job
    session.refresh(run)
    assert run.status == RunStatus.DONE and run.summary
