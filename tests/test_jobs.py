"""The job queue's storage modes, round-tripping a task through real SQLite and Redis storage."""

import os
from pathlib import Path

import pytest
import redis
from huey.storage import PriorityRedisStorage

from elearn.config import Settings
from elearn.jobs import configure_queue, queue


@queue.task()
def add(a: int, b: int) -> int:
    return a + b


def settings(tmp_path: Path, mode: str, redis_url: str = "redis://127.0.0.1:6379/15") -> Settings:
    return Settings(
        instance_path=tmp_path, database_url="sqlite://", secret_key="x" * 32, queue=mode, redis_url=redis_url
    )


def run_next_job() -> None:
    queue.execute(queue.dequeue())


def test_embedded_queue_persists_jobs_in_the_instance_folder(tmp_path: Path) -> None:
    configure_queue(settings(tmp_path, "embedded"))
    result = add(2, 3)
    assert queue.pending_count() == 1 and (tmp_path / "jobs.sqlite").exists()
    configure_queue(settings(tmp_path, "embedded"))  # as a worker process would open it
    run_next_job()
    assert result.get() == 5


def test_redis_queue(tmp_path: Path) -> None:
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        if os.environ.get("ELEARN_REQUIRE_REDIS"):
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    configure_queue(settings(tmp_path, "redis", url))
    assert isinstance(queue.storage, PriorityRedisStorage)
    queue.flush()
    try:
        result = add(20, 22)
        assert queue.pending_count() == 1
        run_next_job()
        assert result.get() == 42
    finally:
        queue.flush()


def test_immediate_mode_runs_inline(tmp_path: Path) -> None:
    configure_queue(settings(tmp_path, "immediate"))
    assert add(1, 1).get() == 2
