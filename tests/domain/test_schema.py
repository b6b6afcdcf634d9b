"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL: a model
change without its migration (or the reverse) fails here, not on an office's server."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from shared.models import Base


def test_migrations_match_the_models(db_url):
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diffs == []
