"""The quiz tables are made by migration 0003_quiz and match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from elearn.db import Base
from elearn.quiz import models  # noqa: F401  (the lead adds it to elearn/db/models.py)


def test_quiz_models_match_the_migrated_schema(engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = [d for d in compare_metadata(context, Base.metadata) if "quiz" in str(d)]
    assert differences == []
