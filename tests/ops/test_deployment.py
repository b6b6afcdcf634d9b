"""The deployment of docs/DEPLOYMENT.md, booted from the shipped files (tests/ops/deployment.py says
what is remapped and why): a fresh RabbitMQ node with ``deploy/rabbitmq/rabbitmq.conf`` and the
definitions ``warta topology export`` writes, PostgreSQL, the secrets of ``deploy/make-secrets.sh``,
the units ``warta-migrate``, ``warta-relay``, ``warta-archiver``, ``warta-worker@{web,radio,print}``
and ``warta-kiosk`` on the server, and ``warta-worker@videotron`` on a second machine (the screen's
PC: its own home, only the files section 3 of the docs copies to it). Announcements are approved
through the CLI; the test waits until every channel has confirmed and the proofs are filed, seals
the month with ``faketime`` set after its end, and runs ``warta doctor`` on both machines.

This is the proof that docs/DEPLOYMENT.md is true; it takes about a minute."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import PG_URL, require_pg, require_tool, unavailable
from tests.ops.cluster import Cluster, find_tool
from tests.ops.deployment import (ROOT, UNITS, Machine, Service, Unit, rewrite_secret, run_once,
                                  service_port, start, wait_for)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

CHANNELS = ("videotron", "radio", "web", "print")
SERVER_PORTS = (5672, 15672, 8000, 9100, 9101, 9102, 9103, 9104, 9105, 8765)
PASSWORD = "sandi-uji-" + secrets.token_hex(4)
PEOPLE = [("pelaksana1", "pelaksana", "Rina Marlina"), ("kabid1", "kabid", "Budi Santoso"),
          ("sekretaris1", "sekretaris", "Sri Wahyuni"), ("kadis1", "kadis", "Ahmad Fauzi"),
          ("ppid1", "ppid", "Dewi Lestari")]


OFFICE = {"instansi": "PEMERINTAH KABUPATEN UJI COBA", "unit": "DINAS KOMUNIKASI DAN INFORMATIKA",
          "short_name": "DISKOMINFO", "address": "Jalan Merdeka Nomor 1, Ujicoba 12345",
          "city": "Ujicoba", "signatory_name": "Ir. Siti Rahmawati, M.T.",
          "signatory_nip": "19800101 200501 2 001", "timezone": "Asia/Jakarta",
          "numbering_format": "{seq:03d}/PENG/{short_name}/{month_roman}/{year}",
          "disposition": 15, "drafting": 1440, "review_kabid": 60, "review_sekretaris": 60,
          "review_kadis": 10, "dissemination": 15}
"""What the office writes over every "ISI: ..." of the template (docs/DEPLOYMENT.md: install the
template as /etc/warta/profile.toml and fill it in)."""


def _office_profile(path: Path) -> None:
    """The template ``warta init`` writes, filled in as the docs say; fails on a placeholder the
    test does not know (a new required field the docs must then mention)."""
    text = (ROOT / "shared" / "data" / "profile_template.toml").read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        if '"ISI:' in line and not line.lstrip().startswith("#"):
            value = OFFICE[key]
            line = f"{key} = {value}" if isinstance(value, int) else f'{key} = "{value}"'
        lines.append(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o644)


def _postgres_database() -> str:
    """An empty database owned by the role ``warta`` (the docs' database URL names that role)."""
    import sqlalchemy as sa

    require_pg()
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_size=1)
    name = f"warta_deploy_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = 'warta'")).first():
            conn.execute(sa.text("CREATE ROLE warta LOGIN"))
        conn.execute(sa.text(f'CREATE DATABASE "{name}" OWNER warta'))
    admin.dispose()
    return name


def _drop_database(name: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_size=1)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Deployment:
    """The two machines, the broker node and the running services."""

    def __init__(self, base: Path) -> None:
        self.base = base
        ports = {p: service_port() for p in SERVER_PORTS}
        self.server = Machine(base / "server", ports)
        self.screen = Machine(base / "screen", dict(ports))
        self.services: list[Service] = []
        self.node = None
        self.cluster: Cluster | None = None
        self.database = ""

    # -- the server's files ----------------------------------------------------------------------

    def make_secrets(self) -> Path:
        """``deploy/make-secrets.sh /etc/warta/secrets`` as the systemd recipe runs it, then the
        host names inside pointed at this machine's broker node and database (the docs: "edit the
        host names inside")."""
        folder = self.server.path("/etc/warta/secrets")
        done = subprocess.run(["bash", str(ROOT / "deploy" / "make-secrets.sh"), str(folder)],
                              env={**os.environ, "WARTA_SECRETS_OWNER": ""}, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        port = self.server.ports[5672]
        for url in folder.glob("broker_*_url"):
            rewrite_secret(url, r"@rabbitmq:5672/", f"@127.0.0.1:{port}/")
        rewrite_secret(folder / "database_url", r"@postgres:5432/warta$",
                       f"@127.0.0.1:5432/{self.database}")
        return folder

    def export_definitions(self, config: str) -> Path:
        """``warta topology export`` to the path the shipped broker config imports from."""
        line = next(x for x in config.splitlines() if x.startswith("definitions.local.path"))
        target = self.server.path(line.split("=", 1)[1].strip())
        target.parent.mkdir(parents=True, exist_ok=True)
        done = self.cli(self.server, None, "topology", "export", "--secrets-dir",
                        str(self.server.path("/etc/warta/secrets")), "--output", str(target))
        assert done.returncode == 0, done.stderr
        return target

    def start_broker(self) -> None:
        """A private node (own name, ports, folders) booted from ``deploy/rabbitmq/rabbitmq.conf``."""
        if not find_tool("rabbitmq-server"):
            unavailable("RabbitMQ (rabbitmq-server) is not installed")
        config = (ROOT / "deploy" / "rabbitmq" / "rabbitmq.conf").read_text(encoding="utf-8")
        self.export_definitions(config)
        cluster = self.cluster = Cluster.create(1)
        node = self.node = cluster.nodes[0]
        node.amqp_port = self.server.ports[5672]
        lines = [self.server.remap(x) for x in config.splitlines()]
        for i, x in enumerate(lines):
            key = x.split("=", 1)[0].strip()
            if key in ("listeners.tcp.default", "management.tcp.port"):
                lines[i] = f"{key} = {self.server.ports[int(x.split('=', 1)[1])]}"
        lines.append("disk_free_limit.absolute = 50MB")  # a test machine's disk, not the docs' 1 GB
        (node.folder / "rabbitmq.conf").write_text("\n".join(lines) + "\n")
        if any(x.startswith("management.") for x in lines):
            (cluster.base / "enabled_plugins").write_text("[rabbitmq_management].\n")
        for path in (node.folder / "rabbitmq.conf", cluster.base / "enabled_plugins"):
            shutil.chown(path, cluster.user, cluster.user) if cluster.user else None
        cluster.start_node(node)
        cluster.await_node(node, timeout=120)

    # -- commands ----------------------------------------------------------------------------------

    def cli(self, machine: Machine, unit: Unit | None, *args: str, user: str | None = None,
            faketime: str | None = None, extra: dict | None = None) -> subprocess.CompletedProcess:
        """``warta ARGS`` on ``machine`` with ``unit``'s environment (the service user's), as the
        operator runs it there; ``user`` signs in with the test password."""
        env = machine.env_for(unit) if unit else {"PATH": os.environ["PATH"], "LANG": "C.UTF-8",
                                                   "HOME": str(machine.root)}
        env.update({"WARTA_PASSWORD": PASSWORD, "WARTA_NEW_PASSWORD": PASSWORD, **(extra or {})})
        command = [sys.executable, "-m", "warta.cli", *args]
        if user:
            command += ["--as", user]
        if faketime:
            command = [require_tool("faketime"), faketime, *command]
        return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)

    def json(self, *args: str, user: str | None = None, **kw) -> dict:  # noqa: ANN003
        """A CLI command on the server (kiosk unit's environment) that must succeed, as JSON."""
        done = self.cli(self.server, self.unit("warta-kiosk.service"), *args, "--json", user=user, **kw)
        assert done.returncode == 0, f"warta {' '.join(args)}: {done.stdout}\n{done.stderr}"
        return json.loads(done.stdout.strip().splitlines()[-1])

    @staticmethod
    def unit(name: str, instance: str = "") -> Unit:
        return Unit.load(UNITS / name, instance)

    def close(self) -> None:
        for service in self.services:
            service.stop()
        if self.cluster is not None:
            self.cluster.close()
        if self.database:
            _drop_database(self.database)
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def deployment():
    require_tool("openssl")
    require_tool("faketime")
    base = Path(tempfile.mkdtemp(prefix="warta-deploy-", dir="/tmp"))
    base.chmod(0o755)  # the broker node runs as rabbitmq and reads its definitions under here
    d = Deployment(base)
    try:
        d.database = _postgres_database()
        yield d
    finally:
        d.close()


def test_the_documented_deployment_delivers_archives_seals_and_passes_doctor(deployment):
    d = deployment
    t0 = time.monotonic()

    def phase(name: str) -> None:  # where the minute goes (pytest -s shows it)
        print(f"[deployment] {name}: {time.monotonic() - t0:.1f} s")
    server, screen = d.server, d.screen
    for machine in (server, screen):
        machine.tmpfiles()
    d.make_secrets()
    _office_profile(server.path("/etc/warta/profile.toml"))  # the screen's PC needs none
    for machine in (server, screen):
        env_file = machine.path("/etc/warta/warta.env")
        env_file.write_text(
            f"WARTA_TIMEZONE=Asia/Jakarta\nWARTA_PUBLIC_URL=http://127.0.0.1:{machine.ports[8000]}\n"
            f"WARTA_VIDEOTRON_PLAY_PORT={machine.ports[8765]}\n", encoding="utf-8")
    d.start_broker()
    phase("broker booted")

    # the schema, then the accounts (docs: "Accounts")
    migrate = run_once(server, d.unit("warta-migrate.service"))
    assert migrate.returncode == 0, migrate.stderr
    kiosk_unit = d.unit("warta-kiosk.service")
    first = d.cli(server, kiosk_unit, "user", "add", "admin", "--role", "admin", "--name",
                  "Administrator Sistem")
    assert first.returncode == 0, first.stderr
    for username, role, name in PEOPLE:
        d.json("user", "add", username, "--role", role, "--name", name, user="admin")

    # the screen's PC: its own receipt key, registered on the server (docs section 3, step 2)
    key_home = screen.path("/tmp/k")
    made = d.cli(screen, None, "keys", "worker", "videotron", "--id", "lobby",
                 extra={"WARTA_HOME": str(key_home)})
    assert made.returncode == 0, made.stderr
    screen_secrets = screen.path("/etc/warta/secrets")
    screen_secrets.mkdir(parents=True, exist_ok=True)
    server_secrets = server.path("/etc/warta/secrets")
    shutil.copyfile(server_secrets / "broker_videotron_url", screen_secrets / "broker_videotron_url")
    shutil.copyfile(server_secrets / "signing.pub", screen_secrets / "signing.pub")
    shutil.move(key_home / "keys" / "worker-lobby.key", screen_secrets / "worker-videotron.key")
    registry = server_secrets / "workers" / "videotron"
    shutil.copyfile(key_home / "keys" / "workers" / "videotron" / "lobby.pub", registry / "lobby.pub")
    with open(screen.path("/etc/warta/warta.env"), "a", encoding="utf-8") as env_file:
        env_file.write("WARTA_WORKER_ID=lobby\nWARTA_HOST_ROLE=worker\n")

    # the services, as warta.target starts them
    services = d.services
    for name, instance in (("warta-relay.service", ""), ("warta-archiver.service", ""),
                           ("warta-worker@.service", "web"), ("warta-worker@.service", "radio"),
                           ("warta-worker@.service", "print")):
        services.append(start(server, d.unit(name, instance)))
    services.append(start(screen, d.unit("warta-worker@.service", "videotron")))
    kiosk_unit.exec_start = [p if p != "8000" else str(server.ports[8000]) for p in kiosk_unit.exec_start]
    services.append(start(server, kiosk_unit))
    phase("accounts, keys, services started")

    # two announcements through the whole chain, from the CLI
    ids = []
    for title in ("Pendaftaran CPNS Kabupaten Uji Coba", "Pemadaman listrik bergilir"):
        item = d.json("item", "create", "--title", title, "--body", f"{title}. Informasi lengkap "
                      "di kantor Dinas Komunikasi dan Informatika.", "--summary", title,
                      "--class", "berkala", "--audience", "masyarakat",
                      "--channels", ",".join(CHANNELS), user="pelaksana1")
        iid = str(item["id"])
        d.json("item", "submit", iid, user="pelaksana1")
        for approver in ("kabid1", "sekretaris1", "kadis1"):
            d.json("item", "approve", iid, user=approver)
        ids.append(iid)
    phase("approved")

    def delivered() -> bool:  # one process per look, every 2 s: the services need the CPU
        rows = d.json("item", "list", "--state", "disseminated")["items"]
        return {str(r["id"]) for r in rows} >= set(ids)

    wait_for(delivered, 180, "every channel confirmed", services, interval=2.0)
    phase("delivered")
    shown = [d.json("item", "show", iid) for iid in ids]
    assert sorted(x["channel"] for x in shown[0]["deliveries"]) == sorted(CHANNELS)

    # the proofs, filed per channel under the month (the screen's from the screen's receipts)
    archive = server.path("/srv/warta/archive")
    month = datetime.fromisoformat(shown[0]["approved_at"]).strftime("%Y-%m") \
        if shown[0].get("approved_at") else datetime.now().strftime("%Y-%m")
    manifests = sorted(archive.rglob("manifest.json"))
    channels_filed = {json.loads(m.read_text())["channel"] for m in manifests}
    assert channels_filed >= set(CHANNELS), manifests
    assert (screen.path("/srv/warta/out") / "videotron").is_dir()  # slides are on the screen's PC
    # the printed notice carries the office's letterhead and signatory, not the demo's
    notices = sorted(server.path("/srv/warta/out/print").rglob("*.pdf"))
    assert notices, "no printed notice"
    text = subprocess.run([require_tool("pdftotext"), "-layout", str(notices[0]), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert OFFICE["instansi"] in text and OFFICE["signatory_name"] in text, text
    assert "KALIMANTAN BARAT" not in text

    # the kiosk in the browser answers on its port
    with urllib.request.urlopen(f"http://127.0.0.1:{server.ports[8000]}/", timeout=10) as page:
        assert page.status == 200

    # the month sealed once it has ended (faketime: the first hour of the next month)
    year, mon = map(int, month.split("-"))
    after = (datetime(year, mon, 28) + timedelta(days=8)).replace(day=1, hour=0, minute=30)
    sealed = d.cli(server, kiosk_unit, "archive", "close", "--month", month, "--json", user="ppid1",
                   faketime=after.strftime("%Y-%m-%d %H:%M:%S"))
    assert sealed.returncode == 0, sealed.stdout + sealed.stderr
    verified = d.cli(server, kiosk_unit, "archive", "verify", "--month", month, "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    phase("sealed")

    # warta doctor passes on the server (as the relay's user) and on the screen's PC (docs step 3)
    doctor = d.cli(server, d.unit("warta-relay.service"), "doctor", "--json")
    assert doctor.returncode == 0, doctor.stdout
    on_screen = d.cli(screen, d.unit("warta-worker@.service", "videotron"), "doctor", "--json")
    assert on_screen.returncode == 0, on_screen.stdout
    assert not screen.path("/var/lib/warta/warta.db").exists()
    for service in services:
        assert service.alive(), service.tail()
