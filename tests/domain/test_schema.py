"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL: a model
change without its migration (or the reverse) fails here, not on an office's server."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from shared.db import alembic_config
from shared.models import Base, Delivery
from shared.vocab import DeliveryState


def test_migrations_match_the_models(db_url):
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diffs == []


# -- 0008_vocab: legacy values become members of their vocabulary ----------------------------------

_NOW = "2026-11-01 00:00:00"


@pytest.fixture(params=["sqlite", "pg"])
def empty_url(request, tmp_path):
    """An empty database (no migrations run), on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'legacy.db'}"
        return
    from tests.conftest import _pg_admin, drop_pg_database, require_pg

    require_pg()
    name = f"warta_legacy_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    from tests.conftest import PG_URL

    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    drop_pg_database(url)


def _legacy_rows(url: str, states: list[str]) -> None:
    """At revision 0007: one user, one announcement and a delivery per state in ``states``."""
    command.upgrade(alembic_config(url), "0007_endpoints")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, username, name, role, nip, password_hash, active, "
                              "created_at) VALUES (1, 'u', 'U', 'pelaksana', '', 'x', :t, :n)"),
                         {"t": True, "n": _NOW})
            conn.execute(text("INSERT INTO announcements (id, key, state, title, klasifikasi, sasaran, "
                              "channels, priority, revision, author_id, created_at, updated_at) VALUES "
                              "(1, 'k', 'approved', 'T', 'berkala', 'masyarakat', '[]', 1, 1, 1, :n, :n)"),
                         {"n": _NOW})
            for i, state in enumerate(states):
                conn.execute(text("INSERT INTO deliveries (announcement_id, channel, endpoint, state, kind, "
                                  "attempts, artifacts, updated_at) VALUES (1, :c, :e, :s, 'publish', 2, "
                                  "'[]', :n)"), {"c": "web", "e": f"e{i}", "s": state, "n": _NOW})
    finally:
        engine.dispose()


def test_vocab_migration_converts_legacy_delivery_states(empty_url):
    _legacy_rows(empty_url, ["failed", "error", "Confirmed ", "parked", "queued"])
    command.upgrade(alembic_config(empty_url), "heads")
    engine = create_engine(empty_url)
    try:
        with Session(engine) as s:
            states = [d.state for d in s.execute(select(Delivery).order_by(Delivery.endpoint)).scalars()]
    finally:
        engine.dispose()
    assert states == [DeliveryState.RETRYING, DeliveryState.RETRYING, DeliveryState.CONFIRMED,
                      DeliveryState.PARKED, DeliveryState.QUEUED]
    assert all(type(st) is DeliveryState for st in states)


def test_vocab_migration_refuses_to_guess(empty_url):
    _legacy_rows(empty_url, ["pending", "exploded"])
    with pytest.raises(RuntimeError, match=r"deliveries\.state = 'exploded' \(1 rows\)"):
        command.upgrade(alembic_config(empty_url), "heads")
