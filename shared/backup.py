"""Consistent copies of the Warta database and their checks (``warta backup``, ``warta restore``).

SQLite: the online backup API of the stdlib ``sqlite3`` (a consistent snapshot page by page while
the services keep writing; a file copy of a WAL database is not). PostgreSQL: ``pg_dump`` in its
custom format (one snapshot transaction), checked with ``pg_restore --list``. A check opens the copy
the way a restore would, runs the integrity check, and verifies the audit chain with
:func:`shared.audit.verify`: a copy whose chain is broken is no proof of anything.

Restoring replaces the live database, so it is refused unless asked for explicitly and unless no
process uses the database: for SQLite, no other process holds it open (every WAL connection keeps
a shared lock on the ``-shm`` file's DMS byte) and no relay holds its lock; for PostgreSQL, no other
session is connected. Before replacing, the current database is itself backed up.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import uuid
from datetime import datetime, timezone
from pathlib import Path

from shared.config import Settings
from shared.errors import InvalidInput, NotFound, Refused, WartaError
from shared.filemodes import create_private
from shared.slug import sha256_file

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
SHM_DMS_BYTE = 128
"""SQLite's unix VFS: every connection to a WAL database holds a shared lock on this byte of the
``-shm`` file while it is open (``UNIX_SHM_DMS`` = (22 + 8) * 4 + 8)."""


class BackupError(WartaError):
    """A backup or check could not be made (tool missing, tool failed)."""

    exit_code = 1


def sqlite_file(db_url: str) -> Path | None:
    """The database file of a SQLite URL, None for any other database."""
    if not db_url.startswith("sqlite"):
        return None
    return Path(db_url.split("///", 1)[-1])


def libpq_url(db_url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore understand it (``postgresql://``)."""
    from sqlalchemy.engine import make_url

    return make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError("Program {tool} tidak ditemukan; pasang paket Debian 'postgresql-client'",
                          tool=name)
    return path


def _run(args: list[str]) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise BackupError("{tool} gagal: {err}", tool=Path(args[0]).name,
                          err=(done.stderr.strip().splitlines() or ["?"])[-1][:300])
    return done


def integrity_check(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` of a SQLite file, read-only; [] when it is sound."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        rows = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:  # not a database at all, or its header is damaged
        return [str(exc)]
    finally:
        db.close()
    return [] if rows == ["ok"] else rows[:10]


def backup(settings: Settings, output: Path) -> dict:
    """Write a consistent copy of the database to ``output`` (temp file, fsync, rename: a copy
    cut short is never left under the name); returns what was written."""
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    source = sqlite_file(settings.db_url)
    try:
        create_private(tmp)  # a copy holds what the database holds: its owner's only (0600)
        if source is not None:
            if not source.is_file():
                raise NotFound("Basis data SQLite {p} tidak ada", p=str(source))
            src, dst = sqlite3.connect(source, timeout=60), sqlite3.connect(tmp)
            try:
                src.backup(dst)  # the online backup API: consistent while others write
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
            finally:
                dst.close()
                src.close()
            problems = integrity_check(tmp)
            if problems:
                raise BackupError("Salinan gagal pemeriksaan integritas: {p}", p="; ".join(problems))
            kind = "sqlite"
        else:
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={tmp}", f"--dbname={libpq_url(settings.db_url)}"])
            _run([_tool("pg_restore"), "--list", str(tmp)])
            kind = "postgresql"
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return {"kind": kind, "output": str(output), "bytes": output.stat().st_size,
            "sha256": sha256_file(output)}


def _kind_of(path: Path) -> str:
    if not path.is_file():
        raise NotFound("Berkas cadangan {p} tidak ada", p=str(path))
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise InvalidInput("Berkas {p} bukan cadangan Warta (bukan SQLite maupun pg_dump)", p=str(path))


def _audit_and_schema(url: str) -> dict:
    """Verify the audit chain and read the schema revision of the database at ``url``."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    from shared.audit import verify
    from shared.db import head_revision

    engine = create_engine(url)
    try:
        with Session(engine) as s:
            result = verify(s)
            revision = set(s.execute(text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()
    return {"audit_ok": result.ok, "audit_events": result.checked, "audit_bad_id": result.bad_id,
            "audit_reason": result.reason, "revision": sorted(revision),
            "revision_current": revision == set(head_revision())}


def check_backup(settings: Settings, path: Path, scratch_url: str | None = None) -> dict:
    """Open a copy as a restore would and check it: SQLite integrity check (read-only) or
    ``pg_restore --list`` and a restore into a scratch database (dropped afterwards); then the
    audit chain. ``ok`` only when the copy is sound AND its audit chain is whole."""
    path = Path(path).resolve()
    kind = _kind_of(path)
    report: dict = {"input": str(path), "kind": kind, "sha256": sha256_file(path), "problems": []}
    if kind == "sqlite":
        report["problems"] = integrity_check(path)
        if not report["problems"]:
            report.update(_audit_and_schema(f"sqlite:///file:{path}?mode=ro&uri=true"))
    else:
        listing = _run([_tool("pg_restore"), "--list", str(path)]).stdout
        report["entries"] = sum(1 for line in listing.splitlines() if line and line[0].isdigit())
        report.update(_scratch_check(settings, path, scratch_url))
    if not report["problems"] and not report.get("audit_ok"):
        report["problems"].append(f"jejak audit rusak pada kejadian #{report.get('audit_bad_id')}: "
                                  f"{report.get('audit_reason')}")
    report["ok"] = not report["problems"]
    return report


def _scratch_check(settings: Settings, path: Path, scratch_url: str | None) -> dict:
    """Restore a pg_dump into a throw-away database on the same server and verify it there."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = scratch_url or settings.db_url
    if not base.startswith("postgresql"):
        return {"problems": ["jejak audit tidak diperiksa: butuh server PostgreSQL "
                             "(setel --scratch-url)"]}
    name = f"warta_periksa_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - no CREATEDB right: say so, do not guess
        admin.dispose()
        return {"problems": [f"jejak audit tidak diperiksa: basis data sementara tidak dapat "
                             f"dibuat ({str(exc).splitlines()[0][:160]}); setel --scratch-url"]}
    scratch = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
              f"--dbname={libpq_url(scratch)}", str(path)])
        return {"problems": [], **_audit_and_schema(scratch)}
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def users_of(settings: Settings) -> list[str]:
    """Why the database is not free to be replaced (empty when no one uses it). Call it before
    this process opens the database: POSIX locks are per process, so our own connection would
    hide nothing but could be disturbed."""
    source = sqlite_file(settings.db_url)
    if source is None:
        from sqlalchemy import create_engine, text

        engine = create_engine(settings.db_url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(text(
                    "SELECT coalesce(nullif(application_name, ''), client_addr::text, 'lokal') "
                    "FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()")).scalars().all()
        finally:
            engine.dispose()
        return [f"{len(rows)} sesi PostgreSQL lain tersambung ({', '.join(sorted(set(rows)))})"] \
            if rows else []
    reasons = []
    lock = Path(str(source) + ".relay.lock")
    if lock.exists():
        with open(lock, "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(fh, fcntl.LOCK_UN)
            except BlockingIOError:
                reasons.append(f"relay masih berjalan (kunci {lock})")
    shm = Path(str(source) + "-shm")
    if shm.exists():
        with open(shm, "r+b") as fh:
            try:
                fcntl.lockf(fh, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DMS_BYTE)
                fcntl.lockf(fh, fcntl.LOCK_UN, 1, SHM_DMS_BYTE)
            except OSError:
                reasons.append(f"proses lain masih membuka basis data {source}")
    return reasons


def restore(settings: Settings, path: Path, replace: bool) -> dict:
    """Replace the live database with the copy at ``path``: refused without ``replace``, while any
    process uses the database, and for a copy that fails :func:`check_backup`. The current
    database is backed up first, to ``$WARTA_HOME/cadangan/sebelum-pulih-<time>``."""
    if not replace:
        raise Refused("Memulihkan akan MENIMPA basis data yang dipakai sekarang. Periksa dulu "
                      "dengan --check; untuk memulihkan, hentikan semua layanan Warta lalu ulangi "
                      "dengan --replace")
    busy = users_of(settings)
    if busy:
        raise Refused("Sistem masih berjalan: {why}. Hentikan semua layanan Warta (kiosk, relay, "
                      "pekerja, pengarsip) sebelum memulihkan", why="; ".join(busy))
    live = sqlite_file(settings.db_url)
    kind = _kind_of(Path(path))
    if kind != ("sqlite" if live is not None else "postgresql"):
        raise InvalidInput("Cadangan {kind} tidak cocok dengan basis data yang dikonfigurasi",
                           kind=kind)
    checked = check_backup(settings, path)
    if not checked["ok"]:
        raise Refused("Cadangan tidak lolos pemeriksaan: {p}", p="; ".join(checked["problems"]))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    safety = None
    if live is None or live.is_file():
        safety = backup(settings, settings.home / "cadangan" /
                        f"sebelum-pulih-{stamp}.{'db' if live else 'dump'}")["output"]
    if live is not None:
        create_private(live)  # restored into a home that had no database yet: 0600 as well
        src, dst = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True), sqlite3.connect(live)
        try:
            src.backup(dst)  # page by page into the live file, its WAL handled by SQLite
            dst.execute("PRAGMA journal_mode=WAL")  # as Warta runs it
        finally:
            dst.close()
            src.close()
        problems = integrity_check(live)
        if problems:
            raise BackupError("Basis data hasil pemulihan gagal pemeriksaan integritas: {p}",
                              p="; ".join(problems))
    else:
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error",
              f"--dbname={libpq_url(settings.db_url)}", str(Path(path).resolve())])
    return {"restored": str(Path(path).resolve()), "kind": kind, "safety_copy": safety,
            "audit_events": checked.get("audit_events"), "revision": checked.get("revision")}
