"""Fixtures of the backbone tests: a demo home, the transport under test (embedded SQLite, embedded
PostgreSQL, RabbitMQ with a unique prefix), subprocess services, and waiting on conditions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import port_open, unavailable

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("WARTA_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
PG_URL = os.environ.get("WARTA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def wait_until(condition, timeout: float = 30.0, interval: float = 0.05, what: str = "condition"):  # noqa: ANN001, ANN201
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)  # polling interval of the wait, not synchronisation


def require_broker() -> str:
    """The broker URL, or skip (fail under CI) when nothing listens."""
    if not port_open("127.0.0.1", 5672):
        unavailable("RabbitMQ is not reachable at 127.0.0.1:5672")
    return BROKER_URL


@pytest.fixture
def fast_env(monkeypatch):
    """Short polls, tiers and timeouts so the tests stay quick."""
    for name, value in {"WARTA_POLL_INTERVAL": "0.05", "WARTA_RETRY_TIERS": "1,2",
                        "WARTA_QUICK_RETRY_WAIT": "0.01", "WARTA_VISIBILITY_TIMEOUT": "3",
                        "WARTA_DELIVERY_LIMIT": "3", "WARTA_RELAY_LEASE": "2",
                        "WARTA_AMQP_PREFIX": f"wt{uuid.uuid4().hex[:10]}"}.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(params=["embedded", "amqp"])
def transport_kind(request, monkeypatch, fast_env):
    """Each behaviour once over the embedded transport and once over RabbitMQ."""
    if request.param == "amqp":
        request.applymarker(pytest.mark.broker)
        monkeypatch.setenv("WARTA_BROKER", require_broker())
    return request.param


@pytest.fixture(scope="session")
def pg_admin_url():
    """A fresh PostgreSQL database for this session (dropped at the end)."""
    import sqlalchemy as sa

    hostport = PG_URL.split("@", 1)[-1].split("/", 1)[0]
    host, _, port = hostport.partition(":")
    if not port_open(host, int(port or 5432)):
        unavailable(f"PostgreSQL is not reachable at {hostport}")
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"warta_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    from shared.db import engine_for

    engine_for(PG_URL.rsplit("/", 1)[0] + f"/{name}").dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Home:
    """A demo home: settings, services, demo account ids, and helpers to approve announcements."""

    def __init__(self) -> None:
        from shared.bootstrap import init_home
        from shared.config import get_settings
        from shared.services import Warta

        self.settings = get_settings()
        accounts = init_home(self.settings, demo=True)
        self.w = Warta(self.settings)
        self.ids = {a["username"]: self.w.authenticate(a["username"], a["password"])["id"]
                    for a in accounts}

    def approve(self, title: str = "Uji Tulang Punggung", channels: str = "web",
                klasifikasi: str = "berkala") -> int:
        """Draft and approve one announcement through the whole chain; returns its id."""
        from warta.demo import drive_chain

        return drive_chain(self.w, self.ids, {"title": title, "body": "Isi pengumuman uji.",
                                              "klasifikasi": klasifikasi, "sasaran": "masyarakat",
                                              "channels": channels.split(",")})

    def deliveries(self, item_id: int) -> list[dict]:
        """The deliveries of one announcement."""
        return self.w.get_item(item_id)["deliveries"]

    def all_confirmed(self, item_ids: list[int]) -> bool:
        """True when every delivery of these announcements is confirmed."""
        return all(d["state"] == "confirmed" for i in item_ids for d in self.deliveries(i))

    def delivery_state(self, item_id: int, channel: str) -> str:
        """One delivery's state."""
        return next(d["state"] for d in self.deliveries(item_id) if d["channel"] == channel)

    def bb(self):  # noqa: ANN201
        """Fresh backbone settings."""
        from workers.settings import backbone_settings

        return backbone_settings()


@pytest.fixture
def home(transport_kind) -> Home:
    """A demo home on SQLite with the transport under test configured."""
    return Home()


def spawn(*args: str, env: dict | None = None, log: Path | None = None) -> subprocess.Popen:
    """Start ``warta <args>`` as a subprocess with this test's environment (plus ``env``)."""
    full = {**os.environ, **(env or {})}
    out = open(log, "ab") if log else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "warta.cli", *args], cwd=ROOT, env=full,
                            stdout=out, stderr=out, start_new_session=True)


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
    """Signal a subprocess we started and wait for it."""
    if proc.poll() is None:
        proc.send_signal(sig)
    return proc.wait(timeout)


def artifact_files(out: Path, renderer: str = "noop") -> list[Path]:
    """Files a renderer produced (temporary files included, so leftovers show)."""
    root = out / renderer
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
