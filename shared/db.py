"""Engines, sessions and schema upgrades (Alembic) for SQLite (WAL) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from shared.filemodes import create_private

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str) -> Engine:
    """An engine for ``url``. SQLite gets WAL, foreign keys, a busy timeout, and write-safe
    ``BEGIN IMMEDIATE`` transactions (so a read never fails on upgrading to a write lock); a new
    database file is made readable by its owner only (password hashes, dikecualikan texts) before
    SQLite writes to it, and its ``-wal`` and ``-shm`` files take that mode."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            if not path.startswith("file:"):  # a URI (read-only opens of a backup) creates nothing
                create_private(Path(path))
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # noqa: ANN001
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@lru_cache(maxsize=16)
def engine_for(url: str) -> Engine:
    """One shared engine per URL in this process."""
    return make_engine(url)


def session_factory(url: str) -> sessionmaker[Session]:
    """A session factory bound to the engine of ``url``."""
    return sessionmaker(engine_for(url), expire_on_commit=False)


@contextmanager
def transaction(url: str) -> Iterator[Session]:
    """A session whose work commits at the end of the block, or rolls back on an error."""
    with session_factory(url).begin() as session:
        yield session


def alembic_config(url: str):  # noqa: ANN201 - alembic type
    """The Alembic configuration for ``url`` (migrations ship inside the package)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Create or upgrade the schema to the newest migration."""
    from alembic import command

    # "heads": areas add migrations in parallel branches off the same parent
    command.upgrade(alembic_config(url), "heads")


def current_revision(url: str) -> frozenset[str]:
    """The schema's migration heads (empty for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine_for(url).connect() as conn:
        return frozenset(MigrationContext.configure(conn).get_current_heads())


def head_revision() -> frozenset[str]:
    """The newest migrations this code ships (one per branch)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
