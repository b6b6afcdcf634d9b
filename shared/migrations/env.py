"""Alembic environment: batch mode on SQLite so ALTERs work there too."""

from alembic import context

from shared.db import engine_for
from shared.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")


def run() -> None:
    """Run migrations online against the configured URL."""
    connectable = engine_for(url)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run()
