"""Alembic environment: the URL comes from the caller (``elearn db upgrade``), never from a file."""

from alembic import context

from elearn.db import (
    Base,
    make_engine,
    models,  # noqa: F401  (registers every table)
)

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("elearn migrations run online only: use `elearn db upgrade`")
run_migrations_online()
