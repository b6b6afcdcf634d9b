"""RabbitMQ definitions from ``warta topology export``: no guest, one user per service, least
privilege (only the relay writes the dispatch exchange; each worker reads only its own queues), and
passwords that match the services' own secret files. With a local RabbitMQ, the definitions are
imported and the permissions are tried for real."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shared.doctor.definitions import CHANNELS, password_hash
from tests.conftest import port_open, require_tool, unavailable
from warta.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


GUEST = "amqp://guest:guest@127.0.0.1:5672/%2F?socket_timeout=10&connection_attempts=1"


def require_amqp_handshake() -> None:
    """Skip (fail under CI) when RabbitMQ accepts TCP but does not complete a login."""
    import pika

    try:
        pika.BlockingConnection(pika.URLParameters(GUEST)).close()
    except Exception as exc:  # a wedged or overloaded broker: an environment problem
        unavailable(f"RabbitMQ does not complete the AMQP handshake: {type(exc).__name__}")


def make_secrets(folder: Path, env: dict | None = None) -> Path:
    """Run the real deploy/make-secrets.sh into ``folder``."""
    require_tool("openssl")
    subprocess.run(["bash", str(ROOT / "deploy/make-secrets.sh"), str(folder)], check=True,
                   capture_output=True, env={"PATH": "/usr/bin:/bin", **(env or {})})
    return folder


def export(tmp_path: Path, secrets: Path | None, *extra: str) -> dict:
    out = tmp_path / "definitions.json"
    args = ["topology", "export", "--output", str(out), "--json", *extra]
    if secrets is not None:
        args += ["--secrets-dir", str(secrets)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stdout
    return json.loads(out.read_text(encoding="utf-8"))


def matches(pattern: str, names: list[str]) -> set[str]:
    return {n for n in names if re.fullmatch(pattern, n)}


def verify_hash(stored: str, password: str) -> bool:
    raw = base64.b64decode(stored)
    return raw[4:] == hashlib.sha256(raw[:4] + password.encode()).digest()


@pytest.fixture()
def defs(tmp_path):
    return export(tmp_path, make_secrets(tmp_path / "secrets"))


def test_no_guest_and_one_user_per_service(defs):
    users = {u["name"] for u in defs["users"]}
    assert "guest" not in users
    assert users == {"warta-relay", "warta-archiver", "warta-ops", "warta-admin",
                     *(f"warta-{ch}" for ch in CHANNELS)}
    assert [v["name"] for v in defs["vhosts"]] == ["warta"]
    assert all(p["vhost"] == "warta" for p in defs["permissions"])


def test_passwords_match_the_service_secret_files(defs, tmp_path):
    hashes = {u["name"]: u["password_hash"] for u in defs["users"]}
    for url_file in (tmp_path / "secrets").glob("broker_*_url"):
        url = url_file.read_text().strip()
        user, password = re.match(r"amqp://([^:]+):([^@]+)@", url).groups()
        assert verify_hash(hashes[user], password), user
        assert not verify_hash(hashes[user], password + "x")
    admin = (tmp_path / "secrets/rabbitmq_admin_password").read_text().strip()
    assert verify_hash(hashes["warta-admin"], admin)
    assert password not in (tmp_path / "definitions.json").read_text()  # only hashes are written


def test_least_privilege(defs):
    perms = {p["user"]: p for p in defs["permissions"]}
    exchanges = [e["name"] for e in defs["exchanges"]]
    queues = [q["name"] for q in defs["queues"]]
    everything = exchanges + queues
    writers = {u for u, p in perms.items() if "warta.dispatch" in matches(p["write"], exchanges)}
    assert writers == {"warta-relay"}
    for user, p in perms.items():
        assert matches(p["configure"], everything + ["amq.default"]) == set(), user
        assert not matches(p["write"], ["amq.default"]), f"{user} may publish to the default exchange"
    for ch in CHANNELS:
        readable = matches(perms[f"warta-{ch}"]["read"], everything)
        assert readable == {f"warta.{ch}", f"warta.{ch}.urgent"}, ch
    assert matches(perms["warta-relay"]["read"], everything) == set()
    assert matches(perms["warta-archiver"]["read"], everything) == {"warta.receipts"}
    assert matches(perms["warta-ops"]["read"], everything) == {"warta.parked"}
    admin = perms["warta-admin"]
    assert {admin["configure"], admin["write"], admin["read"]} == {"^$"}


def test_topology_is_the_backbones(defs):
    from workers.transport.topology import definitions

    theirs = definitions("warta", [10, 60, 300, 1800], 10, vhost="warta")
    assert sorted(q["name"] for q in defs["queues"]) == sorted(q["name"] for q in theirs["queues"])
    ours = {q["name"]: q["arguments"] for q in defs["queues"]}
    for q in theirs["queues"]:
        assert ours[q["name"]] == q["arguments"]  # identical, so a passive declare always matches
    assert all(q["arguments"]["x-queue-type"] == "quorum" for q in defs["queues"]
               if q["name"].rsplit(".", 1)[-1] in CHANNELS)


def test_password_hash_format():
    assert password_hash("rahasia", b"\x01\x02\x03\x04") == base64.b64encode(
        b"\x01\x02\x03\x04" + hashlib.sha256(b"\x01\x02\x03\x04rahasia").digest()).decode()


def test_topology_only_without_secrets(tmp_path):
    defs = export(tmp_path, None)
    assert defs["users"] == [] and defs["permissions"] == []
    assert (tmp_path / "definitions.json").stat().st_mode & 0o777 == 0o640


def test_make_secrets_keeps_existing_files(tmp_path):
    folder = make_secrets(tmp_path / "s")
    before = {str(p.relative_to(folder)): p.read_text() for p in folder.rglob("*") if p.is_file()}
    assert {f"worker-{ch}.key" for ch in ("videotron", "radio", "web", "print")} <= set(before)
    assert "workers/videotron/videotron.pub" in before  # the registry the archiver reads
    make_secrets(folder)
    assert {str(p.relative_to(folder)): p.read_text()
            for p in folder.rglob("*") if p.is_file()} == before
    assert folder.stat().st_mode & 0o777 == 0o700
    db_url = (folder / "database_url").read_text()
    assert (folder / "postgres_password").read_text().strip() in db_url


def test_permissions_enforced_by_a_real_rabbitmq(tmp_path):
    """Import the definitions (a throw-away vhost and users) and try each permission with pika."""
    if not port_open("127.0.0.1", 5672):
        unavailable("RabbitMQ is not running on 127.0.0.1:5672")
    rabbitmqctl = require_tool("rabbitmqctl")
    import pika
    from pika.exceptions import ChannelClosedByBroker

    require_amqp_handshake()
    # the default vhost with prefixed names: a new vhost would start its own message stores
    tag = uuid.uuid4().hex[:8]
    prefix, vhost = f"opstest{tag}", "/"
    secrets = make_secrets(tmp_path / "secrets", {"WARTA_AMQP_PREFIX": prefix, "WARTA_AMQP_VHOST": "%2F",
                                                  "WARTA_BROKER_HOST": "127.0.0.1"})
    runner_env = {"WARTA_AMQP_PREFIX": prefix, "WARTA_RETRY_TIERS": "10", "WARTA_DELIVERY_LIMIT": "5"}
    out = tmp_path / "definitions.json"
    result = runner.invoke(app, ["topology", "export", "--output", str(out), "--vhost", vhost,
                                 "--secrets-dir", str(secrets)], env=runner_env)
    assert result.exit_code == 0, result.stdout
    defs = json.loads(out.read_text())
    url = {p.name.removeprefix("broker_").removesuffix("_url"): p.read_text().strip()
           for p in secrets.glob("broker_*_url")}

    def publish(service: str, exchange: str, key: str) -> bool:
        conn = pika.BlockingConnection(pika.URLParameters(url[service]))
        try:
            ch = conn.channel()
            ch.confirm_delivery()
            ch.basic_publish(exchange, key, b"{}", mandatory=True)
            return True
        except ChannelClosedByBroker as exc:
            assert exc.reply_code == 403, exc
            return False
        finally:
            conn.close()

    def consume(service: str, queue: str) -> bool:
        conn = pika.BlockingConnection(pika.URLParameters(url[service]))
        try:
            conn.channel().basic_get(queue)
            return True
        except ChannelClosedByBroker as exc:
            assert exc.reply_code == 403, exc
            return False
        finally:
            conn.close()

    try:
        # through stdin: the Debian wrapper runs rabbitmqctl as the rabbitmq user, who cannot read tmp_path
        imported = subprocess.run([rabbitmqctl, "import_definitions", "--format", "json"],
                                  input=out.read_text(),
                                  capture_output=True, text=True, timeout=180)
        if imported.returncode != 0:
            unavailable(f"rabbitmqctl import_definitions failed: {imported.stderr.strip()[:200]}")
        assert publish("relay", f"{prefix}.dispatch", "web")
        assert not publish("web", f"{prefix}.dispatch", "web"), "a worker wrote the dispatch exchange"
        assert not publish("archiver", f"{prefix}.dispatch", "web")
        assert publish("web", f"{prefix}.receipts", "receipt")
        assert not publish("relay", f"{prefix}.receipts", "receipt")
        assert consume("web", f"{prefix}.web")
        assert not consume("web", f"{prefix}.radio"), "a worker read another channel's queue"
        assert not consume("relay", f"{prefix}.web")
        assert consume("archiver", f"{prefix}.receipts")
        assert "guest" not in {u["name"] for u in defs["users"]}
    finally:
        # clean up even after a partial import (deleting what does not exist is harmless)
        conn = pika.BlockingConnection(pika.URLParameters(GUEST))
        ch = conn.channel()
        for q in defs["queues"]:
            ch.queue_delete(q["name"])
        for e in defs["exchanges"]:
            ch.exchange_delete(e["name"])
        conn.close()
        for user in defs["users"]:
            subprocess.run([rabbitmqctl, "delete_user", user["name"]], capture_output=True, timeout=120)
        for policy in defs["policies"]:  # the limits and TTLs are policies since #18
            subprocess.run([rabbitmqctl, "clear_policy", "-p", vhost, policy["name"]],
                           capture_output=True, timeout=120)
