"""The audit chain detects rows edited, deleted or inserted with plain SQL (SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from shared.audit import verify
from shared.db import engine_for
from tests.domain.helpers import draft, to_state


def _verify_cli() -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warta.cli", "audit", "verify"],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def trail(warta, db_url):
    item = draft(warta)
    to_state(warta, item, "approved")
    with warta.ctx.read() as s:
        assert verify(s).ok
    return engine_for(db_url)


def test_intact_trail_verifies(trail):
    result = _verify_cli()
    assert result.returncode == 0, result.stderr
    assert "Jejak audit utuh" in result.stdout


@pytest.mark.parametrize("tamper,expect", [
    ("UPDATE audit_events SET data = '{\"title\":\"dipalsukan\"}' WHERE id = 3", "#3"),
    ("UPDATE audit_events SET actor = 'kadis1' WHERE id = 8", "#8"),
    ("DELETE FROM audit_events WHERE id = 5", "#6"),
    ("INSERT INTO audit_events (id, at, actor, action, announcement_id, data, prev_hash, hash) "
     "SELECT 1000 + id, at, actor, action, announcement_id, data, hash, hash FROM audit_events "
     "WHERE id = (SELECT MAX(id) FROM audit_events)", "#1"),
    ("DELETE FROM audit_events WHERE id = (SELECT MAX(id) FROM (SELECT id FROM audit_events) t)", "hilang"),
])
def test_plain_sql_tampering_is_detected(trail, tamper, expect):
    with trail.begin() as conn:
        conn.execute(text(tamper))
    result = _verify_cli()
    assert result.returncode != 0
    assert "RUSAK" in result.stdout and expect in result.stdout
