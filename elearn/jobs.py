"""The job queue (huey): long work leaves the request and runs in a worker process.

Embedded mode keeps the queue in a SQLite file in the instance folder (no server); Redis
mode lets workers run on other machines; immediate mode runs tasks inline (tests, scripts).
Tasks are declared on ``queue`` at import time; ``configure_queue`` points it at storage.
"""

from __future__ import annotations

from flask import Flask
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from elearn.config import Settings

queue = Huey("elearn", storage_class=MemoryStorage)


def configure_queue(settings: Settings) -> Huey:
    """Point the queue at the storage the settings name; returns it for the worker."""
    queue.immediate = settings.queue == "immediate"
    if settings.queue == "embedded":
        settings.instance_path.mkdir(parents=True, exist_ok=True)
        queue.storage = SqliteStorage("elearn", filename=str(settings.instance_path / "jobs.sqlite"))
    elif settings.queue == "redis":
        queue.storage = RedisStorage("elearn", url=settings.redis_url)
    return queue


def init_app(app: Flask) -> None:
    configure_queue(app.config["ELEARN_SETTINGS"])
