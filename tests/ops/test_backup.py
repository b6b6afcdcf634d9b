"""``warta backup`` and ``warta restore``, on SQLite and on PostgreSQL: a copy is consistent and
checks out (integrity, audit chain); a damaged or tampered copy is called broken; restoring over
the live database is refused without ``--replace`` and while anything uses the database, and
with both it brings the copy's contents back (the replaced database kept as a safety copy)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shared import audit
from shared.bootstrap import init_home
from shared.config import Settings
from shared.db import engine_for
from shared.services.root import Services
from tests.conftest import drop_pg_database, pg_database, require_tool
from warta.cli import app

runner = CliRunner()


def cli(*args: str) -> tuple[int, dict]:
    result = runner.invoke(app, [*args, "--json"])
    lines = result.stdout.strip().splitlines()
    return result.exit_code, json.loads(lines[-1]) if lines else {}


def _events(w: Services, n: int, tag: str) -> None:
    with w.ctx.tx() as s:
        for i in range(n):
            audit.record(s, "uji", f"uji_{tag}", None, nomor=i)


def _actions(url: str) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT action FROM audit_events ORDER BY id")).scalars())
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_db(tmp_path):
    """A migrated SQLite home with a few audit events (tampering edits its file directly)."""
    settings = Settings()
    init_home(settings)
    _events(Services.build(settings), 5, "sebelum")
    engine_for(settings.db_url).dispose()
    return settings


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path, monkeypatch):
    """A migrated home on the backend under test, with a few audit events; yields its Settings."""
    if request.param == "postgresql":
        require_tool("pg_dump")
        url = pg_database()
        request.addfinalizer(lambda: drop_pg_database(url))
        monkeypatch.setenv("WARTA_DATABASE_URL", url)
    settings = Settings()
    init_home(settings)
    _events(Services.build(settings), 5, "sebelum")
    engine_for(settings.db_url).dispose()  # this process holds nothing open
    return settings


def test_backup_then_check_proves_the_copy(db, tmp_path):
    code, made = cli("backup", "--output", str(tmp_path / "cadangan" / "warta.bak"))
    assert code == 0, made
    assert made["kind"] == ("sqlite" if db.db_url.startswith("sqlite") else "postgresql")
    assert Path(made["output"]).is_file() and len(made["sha256"]) == 64
    assert not list((tmp_path / "cadangan").glob(".*.tmp"))
    code, report = cli("restore", "--input", made["output"], "--check")
    assert code == 0, report
    assert report["ok"] and report["audit_ok"] and report["audit_events"] >= 5
    assert report["revision_current"]


def test_a_tampered_copy_is_called_broken(sqlite_db, tmp_path):
    # tampering edits the SQLite file; a PostgreSQL copy goes through the same audit verify
    _, made = cli("backup", "--output", str(tmp_path / "w.bak"))
    copy = sqlite3.connect(made["output"])
    copy.execute("UPDATE audit_events SET data = '{\"nomor\": 99}' WHERE action = 'uji_sebelum'")
    copy.commit()
    copy.close()
    code, report = cli("restore", "--input", made["output"], "--check")
    assert code == 1 and not report["ok"]
    assert "jejak audit rusak" in report["problems"][0]
    damaged = tmp_path / "rusak.bak"
    data = bytearray(Path(made["output"]).read_bytes())
    data[4096:8192] = b"\xff" * 4096  # a page of garbage after the header
    damaged.write_bytes(bytes(data))
    code, report = cli("restore", "--input", str(damaged), "--check")
    assert code == 1 and report["problems"]
    (tmp_path / "bukan.bak").write_text("bukan cadangan")
    code, report = cli("restore", "--input", str(tmp_path / "bukan.bak"), "--check")
    assert code == 2 and "bukan cadangan" in report["error"]


HOLD_OPEN = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("SELECT count(*) FROM audit_events").fetchone()
print("open", flush=True)
sys.stdin.readline()
"""


def _hold_open(settings: Settings) -> subprocess.Popen:
    """Another process with the database open (a service that was not stopped)."""
    if settings.db_url.startswith("sqlite"):
        args = [sys.executable, "-c", HOLD_OPEN, settings.db_url.split("///", 1)[-1]]
    else:
        from shared.backup import libpq_url

        args = [sys.executable, "-c",
                "import sys, psycopg; c = psycopg.connect(sys.argv[1]); c.execute('SELECT 1'); "
                "print('open', flush=True); sys.stdin.readline()", libpq_url(settings.db_url)]
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "open"
    return proc


def test_restore_is_refused_unless_explicit_and_stopped(db, tmp_path):
    _, made = cli("backup", "--output", str(tmp_path / "w.bak"))
    _, first = cli("restore", "--input", made["output"], "--check")
    _events(Services.build(db), 3, "sesudah")  # written after the backup: a restore removes them
    engine_for(db.db_url).dispose()
    code, out = cli("restore", "--input", made["output"])
    assert code == 3 and "--replace" in out["error"] and "MENIMPA" in out["error"]
    holder = _hold_open(db)
    try:
        code, out = cli("restore", "--input", made["output"], "--replace")
        assert code == 3 and "Sistem masih berjalan" in out["error"], out
    finally:
        holder.communicate("\n", timeout=30)
    assert "uji_sesudah" in _actions(db.db_url)  # nothing was changed by the refusals
    code, out = cli("restore", "--input", made["output"], "--replace")
    assert code == 0, out
    actions = _actions(db.db_url)
    assert "uji_sebelum" in actions and "uji_sesudah" not in actions
    assert Path(out["safety_copy"]).is_file()  # the replaced database, kept
    code, report = cli("restore", "--input", out["safety_copy"], "--check")
    assert code == 0 and report["audit_ok"]
    assert report["audit_events"] == first["audit_events"] + 3  # the state before the restore
    code, doctor = cli("doctor", "--check", "integritas", "--check", "ruang_disk")
    checks = {c["name"]: c for c in doctor["checks"]}
    assert checks["integritas"]["status"] == "ok", checks
    assert "arsip" in checks["ruang_disk"]["message"]
