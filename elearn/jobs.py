"""The job queue (huey): long work leaves the request and runs in a worker process.

Embedded mode keeps the queue in a SQLite file in the instance folder (no server); Redis
mode lets workers run on other machines; immediate mode runs tasks inline (tests, scripts).
Tasks are declared on ``queue`` at import time; ``configure_queue`` points it at storage.
A task body runs inside ``job_context()``: the app's database session and settings, the
same objects a request gets, so services run unchanged in a worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask
from huey import Huey
from huey.storage import MemoryStorage, PriorityRedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session

from elearn.config import Settings

queue = Huey("elearn", storage_class=MemoryStorage)
_app: Flask | None = None


def configure_queue(settings: Settings) -> Huey:
    """Point the queue at the storage the settings name; returns it for the worker."""
    queue.immediate = settings.queue == "immediate"
    if settings.queue == "embedded":
        settings.instance_path.mkdir(parents=True, exist_ok=True)
        queue.storage = SqliteStorage("elearn", filename=str(settings.instance_path / "jobs.sqlite"))
    elif settings.queue == "redis":
        queue.storage = PriorityRedisStorage("elearn", url=settings.redis_url)
    return queue


def init_app(app: Flask) -> None:
    global _app
    _app = app
    configure_queue(app.config["ELEARN_SETTINGS"])


@contextmanager
def job_context() -> Iterator[tuple[Session, Settings]]:
    """A database session and the settings for a task body (closed afterwards)."""
    if _app is None:
        raise RuntimeError("the job queue is not bound to an app: create_app() first")
    from flask import g

    from elearn.db import database

    with _app.app_context():
        with database().sessions() as session:
            g.db_session = session  # services that call db() share the job's transaction
            yield session, _app.config["ELEARN_SETTINGS"]


def enqueue_after_commit(session: Session, enqueue: Callable[[], object]) -> None:
    """Enqueue a job once ``session`` commits (never for work that is rolled back).

    A job must not start before the rows it reads are committed, and a service should not
    commit for its caller; this defers the enqueue to the caller's commit.
    """
    session.info.setdefault("elearn_after_commit", []).append(enqueue)


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session: Session) -> None:
    for enqueue in session.info.pop("elearn_after_commit", []):
        enqueue()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop("elearn_after_commit", None)
