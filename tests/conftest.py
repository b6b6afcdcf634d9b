"""Shared test fixtures. Real services only: RabbitMQ and PostgreSQL tests skip with the reason when
the service is unreachable, except under CI (``CI`` set), where they fail instead.

No ``WARTA_*`` variable of the caller's environment reaches a test (``_scrub_caller_env``,
``_isolated_env``): a developer's ``WARTA_AMQP_PREFIX`` or ``WARTA_LANG`` would otherwise change
what the tests see. Only the suite's own knobs (:data:`KEEP_FROM_CALLER`) are kept."""

from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

IN_CI = bool(os.environ.get("CI"))


def unavailable(reason: str) -> None:
    """Skip with ``reason`` outside CI; fail under CI, where every test must run."""
    if IN_CI:
        pytest.fail(f"required under CI: {reason}")
    pytest.skip(reason)


def require_tool(name: str) -> str:
    """The path of command-line tool ``name``, or skip/fail with the reason."""
    path = shutil.which(name)
    if not path:
        unavailable(f"'{name}' is not installed (make test installs it when run as root)")
    return path


def port_open(host: str, port: int) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


KEEP_FROM_CALLER = frozenset({
    "WARTA_TEST_PG_URL", "WARTA_TEST_BROKER_URL",  # where the suite's PostgreSQL and RabbitMQ are
    "WARTA_BENCH_BROKER_URL",  # the benchmarks' broker (bench/harness.py)
    "WARTA_FAULTS_N", "WARTA_FAULTS_SEED",  # size and seed of a fault-suite run (docs/RELIABILITY.md)
})
"""``WARTA_*`` variables that configure the test suite, not Warta: taken from the caller."""


def warta_variables(environ=os.environ) -> list[str]:  # noqa: ANN001
    """Every ``WARTA_*`` variable in ``environ`` that configures Warta (not the suite)."""
    return sorted(n for n in environ if n.startswith("WARTA_") and n not in KEEP_FROM_CALLER)


CALLER_WARTA_ENV = {name: os.environ.pop(name) for name in warta_variables()}
"""The caller's ``WARTA_*`` settings, removed as soon as this conftest loads: before any test module
is imported and any session fixture (demo homes, templates) reads the settings."""

DEMO_PROFILE = Path(__file__).resolve().parents[1] / "shared" / "data" / "demo_profile.toml"

SUITE_WARTA_ENV = {"WARTA_PROFILE": str(DEMO_PROFILE)}
"""What every test (and every session fixture) gets instead: the demo's agency profile, named
explicitly, since production has no fallback to it (docs/DEPLOYMENT.md, "The office's profile").
A test of the profile itself deletes or replaces ``WARTA_PROFILE`` with monkeypatch."""
os.environ.update(SUITE_WARTA_ENV)


@pytest.fixture(scope="session", autouse=True)
def _scrub_caller_env():
    """Session start: no ``WARTA_*`` setting of the caller (even one put back by a plugin since this
    conftest loaded); the caller's values are restored when the session ends."""
    for name in warta_variables():
        value = os.environ.pop(name)
        if SUITE_WARTA_ENV.get(name) != value:
            CALLER_WARTA_ENV.setdefault(name, value)
    os.environ.update(SUITE_WARTA_ENV)
    yield
    for name in SUITE_WARTA_ENV:
        os.environ.pop(name, None)
    os.environ.update(CALLER_WARTA_ENV)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """Every test starts with no ``WARTA_*`` setting (none of the caller's, none left behind by an
    earlier test or fixture), then gets its own WARTA_HOME and Indonesian as the language. Test
    fixtures set their own variables after this one (it is autouse at the root: it runs first).
    Every test also gets :data:`SUITE_WARTA_ENV` (the demo's profile)."""
    for name in warta_variables():
        monkeypatch.delenv(name)
    monkeypatch.setenv("WARTA_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("WARTA_LANG", "id")
    # a service started in-process configures logging for the whole process: undo it after the
    # test, so a later in-process CLI command does not print that service's log lines
    import logging
    import threading

    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    monkeypatch.setattr(root, "level", root.level)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    for name, value in SUITE_WARTA_ENV.items():
        monkeypatch.setenv(name, value)
    import shared.settings

    monkeypatch.setattr(shared.settings, "_active", None)  # no settings activated by an earlier test


# -- databases: every domain test runs on SQLite and on PostgreSQL --------------------------------

PG_URL = os.environ.get("WARTA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_PG_TEMPLATE: dict[str, str] = {}


def _pg_admin():
    import sqlalchemy as sa

    return sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_size=1)


def _pg_template(admin) -> str:
    """A migrated template database, made once per test session (copying it is fast)."""
    if "name" in _PG_TEMPLATE:
        return _PG_TEMPLATE["name"]
    import sqlalchemy as sa

    from shared.db import engine_for, upgrade

    name = f"warta_tpl_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    engine_for(url).dispose()  # a template must have no open connections
    _PG_TEMPLATE["name"] = name
    return name


_PG_TO_DROP: list[str] = []


def require_pg() -> None:
    """Skip (or fail under CI) when PostgreSQL is unreachable."""
    host_port = PG_URL.split("@", 1)[-1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    if not port_open(host or "127.0.0.1", int(port or 5432)):
        unavailable(f"PostgreSQL is not reachable at {host_port} (WARTA_TEST_PG_URL)")


def pg_database() -> str:
    """A fresh, migrated, empty PostgreSQL database; returns its URL (drop it with drop_pg_database)."""
    import uuid

    import sqlalchemy as sa

    require_pg()
    admin = _pg_admin()
    template = _pg_template(admin)
    name = f"warta_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return PG_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_pg_database(url: str) -> None:
    """Drop a database made by :func:`pg_database` (closing this process's connections first)."""
    import sqlalchemy as sa

    from shared.db import engine_for

    engine_for(url).dispose()
    name = url.rsplit("/", 1)[-1]
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


_SEEDS: dict[str, dict] = {}


def _seed(backend: str, factory) -> dict:
    """Once per session and backend: a migrated database with the demo accounts and a home holding
    the keys and demo passwords. Hashing six argon2 passwords per test would dominate the suite."""
    if backend in _SEEDS:
        return _SEEDS[backend]
    from shared.bootstrap import init_home
    from shared.config import Settings
    from shared.db import engine_for
    from shared.services.root import Services

    home = factory.mktemp(f"seed-{backend}")
    if backend == "sqlite":
        url = f"sqlite:///{home / 'warta.db'}"
    else:
        _pg_template(_pg_admin())
        url = PG_URL.rsplit("/", 1)[0] + f"/{_PG_TEMPLATE['name']}"
    settings = Settings(home=home, database_url=url)
    accounts = init_home(settings, demo=True)
    w = Services.build(settings)
    ids = {a["username"]: w.users.authenticate(a["username"], a["password"]).id for a in accounts}
    engine_for(url).dispose()  # checkpoints SQLite's WAL; frees the PG template
    _SEEDS[backend] = {"home": home, "url": url, "accounts": accounts, "ids": ids}
    return _SEEDS[backend]


@pytest.fixture(params=["sqlite", "pg"])
def db_url(request, tmp_path, tmp_path_factory, monkeypatch):
    """A fresh database with the demo accounts, once on SQLite and once on PostgreSQL; the home
    (keys, demo passwords) is prepared too. Exported as WARTA_DATABASE_URL."""
    if request.param == "pg":
        require_pg()
    seed = _seed(request.param, tmp_path_factory)
    home = tmp_path / "var"
    shutil.copytree(seed["home"], home, ignore=shutil.ignore_patterns("warta.db*"))
    if request.param == "sqlite":
        shutil.copyfile(seed["home"] / "warta.db", home / "warta.db")
        url = f"sqlite:///{home / 'warta.db'}"
    else:
        url = _pg_copy(seed["url"].rsplit("/", 1)[-1])
        request.addfinalizer(lambda: _PG_TO_DROP.append(url))  # dropped at session end: cheaper
    monkeypatch.setenv("WARTA_HOME", str(home))
    monkeypatch.setenv("WARTA_DATABASE_URL", url)
    request.node.seed = seed
    return url


def _pg_copy(template: str) -> str:
    import uuid

    import sqlalchemy as sa

    name = f"warta_t_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return PG_URL.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def warta(db_url, request):
    """The services facade over a fresh demo database, with ``ids`` and ``passwords`` of the demo
    accounts (pelaksana1, kabid1, sekretaris1, kadis1, ppid1, admin)."""
    from shared.config import get_settings
    from shared.services.root import Services

    seed = request.node.seed
    w = Services.build(get_settings())
    w.ids = dict(seed["ids"])
    w.passwords = {a["username"]: a["password"] for a in seed["accounts"]}
    return w


def pytest_sessionfinish(session, exitstatus):
    """Drop the PostgreSQL databases made for this session."""
    for url in _PG_TO_DROP:
        drop_pg_database(url)
    if "name" in _PG_TEMPLATE:
        import sqlalchemy as sa

        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{_PG_TEMPLATE["name"]}" WITH (FORCE)'))
        admin.dispose()
