"""Database: one declarative base, engine construction, and a session per request."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model; constraint names are stable for Alembic."""

    metadata = MetaData(naming_convention=NAMING)


READ_ONLY = "elearn_read_only"  # execution option: this transaction only reads (SQLite: BEGIN DEFERRED)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and real transactions (SAVEPOINT works).

    SQLite transactions take the write lock when they begin (BEGIN IMMEDIATE) unless marked
    read-only, so concurrent writers queue up (busy timeout) instead of failing.
    """
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails at once ("database is locked")
        # when another connection wrote in between; taking the write lock up front makes it wait.
        read_only = connection.get_execution_options().get(READ_ONLY)
        connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")

    return engine


class Database:
    """The app's engine and session factory (tests rebind the factory to one connection)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)


def init_app(app: Flask) -> None:
    app.extensions["elearn.db"] = Database(app.config["ELEARN_SETTINGS"].database_url)
    app.teardown_appcontext(_close_session)


def database() -> Database:
    return current_app.extensions["elearn.db"]  # type: ignore[no-any-return]


def db() -> Session:
    """The session of the current request (or CLI command), opened on first use."""
    if "db_session" not in g:
        g.db_session = session = database().sessions()
        if has_request_context() and request.method in ("GET", "HEAD", "OPTIONS"):
            session.connection(execution_options={READ_ONLY: True})  # page views do not queue
    return g.db_session  # type: ignore[no-any-return]


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
