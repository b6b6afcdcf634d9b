"""Fixtures of the backbone tests: a demo home, the transport under test (embedded SQLite, embedded
PostgreSQL, RabbitMQ with a unique prefix), subprocess services, and waiting on conditions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bench.harness import wait_for
from tests.conftest import port_open, unavailable

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("WARTA_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
PG_URL = os.environ.get("WARTA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def wait_until(condition, timeout: float = 30.0, interval: float = 0.05, what: str = "condition"):  # noqa: ANN001, ANN201
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    try:
        return wait_for(condition, timeout, what, interval)
    except TimeoutError as exc:
        pytest.fail(str(exc))


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


def delete_broker_topology(prefix: str, tiers: list[int] | None = None) -> None:
    """Delete this test's queues and exchanges from the shared broker."""
    import pika

    from workers.transport.topology import delete

    params = pika.URLParameters(BROKER_URL)
    params.socket_timeout = params.blocked_connection_timeout = 10
    try:
        conn = pika.BlockingConnection(params)
    except Exception:  # noqa: BLE001 - a broker gone down already has nothing to clean
        return
    try:
        delete(conn.channel(), prefix, tiers or [1, 2, 10, 60, 300, 1800])
    finally:
        conn.close()


@pytest.fixture(params=["embedded", "amqp"])
def transport_kind(request, monkeypatch, fast_env):
    """Each behaviour once over the embedded transport and once over RabbitMQ."""
    if request.param == "amqp":
        request.applymarker(pytest.mark.broker)
        monkeypatch.setenv("WARTA_BROKER", require_broker())
        prefix = os.environ["WARTA_AMQP_PREFIX"]
        request.addfinalizer(lambda: delete_broker_topology(prefix))
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


@pytest.fixture(scope="session")
def template_home(tmp_path_factory) -> tuple[Path, dict]:
    """A demo home made once per session (migrations and password hashing are slow); copied per test."""
    from shared.bootstrap import init_home
    from shared.config import Settings
    from shared.db import engine_for
    from shared.services.root import Services

    path = tmp_path_factory.mktemp("template-home")
    settings = Settings(home=path, broker="embedded")
    accounts = init_home(settings, demo=True)
    w = Services.build(settings)
    ids = {a["username"]: w.users.authenticate(a["username"], a["password"]).id for a in accounts}
    engine_for(settings.db_url).dispose()
    return path, ids


class Home:
    """A demo home: settings, services, demo account ids, and helpers to approve announcements."""

    def __init__(self, template: tuple[Path, dict]) -> None:
        import shutil

        from shared.services.root import Services

        settings = self.settings
        shutil.copytree(template[0], settings.home, dirs_exist_ok=True)
        self.w = Services.build(settings)
        self.ids = dict(template[1])

    @property
    def settings(self):  # noqa: ANN201 - shared.config.Settings
        """The settings root as a service started now builds it, from this test's environment
        (a test may change a variable between steps, as an operator between two starts)."""
        from shared.config import get_settings

        return get_settings()

    def approve(self, title: str = "Uji Tulang Punggung", channels: str = "web",
                klasifikasi: str = "berkala") -> int:
        """Draft and approve one announcement through the whole chain; returns its id."""
        from warta.demo import drive_chain

        return drive_chain(self.w, self.ids, {"title": title, "body": "Isi pengumuman uji.",
                                              "klasifikasi": klasifikasi, "sasaran": "masyarakat",
                                              "channels": channels.split(",")})

    def deliveries(self, item_id: int) -> list[dict]:
        """The deliveries of one announcement."""
        return self.w.queries.get_item(item_id)["deliveries"]

    def all_confirmed(self, item_ids: list[int]) -> bool:
        """True when every delivery of these announcements is confirmed."""
        return all(d["state"] == "confirmed" for i in item_ids for d in self.deliveries(i))

    def delivery_state(self, item_id: int, channel: str) -> str:
        """One delivery's state."""
        return next(d["state"] for d in self.deliveries(item_id) if d["channel"] == channel)

    def bb(self):  # noqa: ANN201 - shared.settings.BrokerSettings
        """The broker section of fresh settings (``settings.broker``)."""
        return self.settings.broker


@pytest.fixture
def home(transport_kind, template_home) -> Home:
    """A demo home on SQLite with the transport under test configured."""
    return Home(template_home)


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


def close_broker_connections(prefix: str) -> int:
    """Have the broker close every connection of this test (named ``<prefix>:...``), as
    ``rabbitmqctl close_all_connections`` would, without touching other tests' connections."""
    ctl = require_tool_or_skip("rabbitmqctl")
    out = subprocess.run([ctl, "list_connections", "pid", "client_properties", "-q",
                          "--no-table-headers"], capture_output=True, text=True, check=True).stdout
    closed = 0
    for line in out.splitlines():  # "<rabbit@host.N.N.N>\t[{...,{"connection_name","<name>"}]"
        pid, _, props = line.partition("\t")
        if f'{{"connection_name","{prefix}:' in props:
            subprocess.run([ctl, "close_connection", pid, "uji: koneksi ditutup broker"],
                           capture_output=True, check=True)
            closed += 1
    return closed


def require_tool_or_skip(name: str) -> str:
    """``require_tool`` of the shared conftest."""
    from tests.conftest import require_tool

    return require_tool(name)


def queue_depth(home, channel: str) -> int:  # noqa: ANN001
    """Messages waiting in a channel's queue (either transport)."""
    from workers.transport.topology import Names

    return depth_of(home, Names(home.settings.amqp_prefix).queue(channel))


def depth_of(home, name: str) -> int:  # noqa: ANN001
    """Messages waiting (ready, not in a consumer's hands) in the queue ``name``."""
    from sqlalchemy import func, select

    from shared.models import QueueMessage

    if home.settings.embedded:
        with home.w.ctx.read() as s:
            return s.execute(select(func.count()).select_from(QueueMessage)
                             .where(QueueMessage.queue == name, QueueMessage.state == "ready")).scalar()
    import pika

    conn = pika.BlockingConnection(pika.URLParameters(home.settings.broker.url))
    try:
        return conn.channel().queue_declare(name, passive=True).method.message_count
    finally:
        conn.close()


def inbox_states(home, channel: str) -> dict:  # noqa: ANN001
    """The worker inbox's message counts per state (empty before the worker made it)."""
    import sqlite3

    path = home.settings.home / f"worker-{channel}" / "inbox.db"
    if not path.exists():
        return {}
    db = sqlite3.connect(path, timeout=10)
    try:
        return dict(db.execute("SELECT state, count(*) FROM messages GROUP BY state").fetchall())
    except sqlite3.OperationalError:
        return {}
    finally:
        db.close()
