"""The schema is made by Alembic alone, and the models match it."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from elearn.db import (
    Base,
    models,  # noqa: F401
)
from elearn.db.migrate import MIGRATIONS, alembic_config, applied_heads


def test_database_is_at_head(engine) -> None:
    heads = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_heads()
    assert applied_heads(engine) == set(heads)
    assert (MIGRATIONS / "versions").is_dir()


def test_models_match_the_migrated_schema(engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = [d for d in compare_metadata(context, Base.metadata) if not _search_structure(d)]
    assert differences == []


def _search_structure(difference: tuple[object, ...]) -> bool:
    """Full-text search tables and indexes are made by the migration, outside the models."""
    return any(name in str(part) for part in difference for name in ("page_fts", "ix_pages_fulltext"))


def test_search_structures_exist(engine) -> None:
    inspector = inspect(engine)
    if engine.dialect.name == "sqlite":
        assert "page_fts" in inspector.get_table_names()
    else:
        assert "ix_pages_fulltext" in {index["name"] for index in inspector.get_indexes("pages")}
