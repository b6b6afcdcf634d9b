"""RabbitMQ as deployed (docs/DEPLOYMENT.md): one private node of the machine's RabbitMQ (Debian
12's 3.10; own name, ports, folders and cookie, run as the ``rabbitmq`` user: tests/ops/cluster.py)
booted with the shipped ``deploy/rabbitmq/rabbitmq.conf`` as ``conf.d/90-warta.conf`` and the
definitions ``warta topology export`` writes by default (0640, group ``rabbitmq``), plus a TLS
listener with a CA made here. The machine's own node on 5672 is never touched.

Checked on that node: it boots and holds the topology and policies; a changed
``WARTA_DELIVERY_LIMIT`` re-imported (or re-declared by a service) applies to existing queues, and
``warta doctor`` (check ``kebijakan``) compares the live effective settings with the configuration;
an ``amqps://`` worker with the pinned CA connects, with another CA it is refused in Bahasa."""

from __future__ import annotations

import base64
import grp
import json
import os
import pwd
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pika
import pytest

from bench.harness import wait_for
from tests.conftest import require_tool, unavailable
from tests.ops.cluster import Cluster, free_port

ROOT = Path(__file__).resolve().parents[2]
WARTA = str(Path(sys.executable).with_name("warta"))
ADMIN_PW, TESTER_PW = "admin-sandi-uji", "penguji-sandi"
VHOST = "warta"
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


class Node(Cluster):
    """One node whose configuration is a main file (test ports, folders) and a ``conf.d`` folder:
    the shipped file as 90-warta.conf, then 99-test.conf with what a test machine must change."""

    def _env(self, node=None):  # noqa: ANN001, ANN202
        env = super()._env(node)
        if node is not None:
            env["RABBITMQ_CONFIG_FILES"] = str(node.folder / "conf.d")
        return env


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(folder: Path, name: str) -> Path:
    """A self-signed CA (``<name>-ca.pem``) in ``folder``."""
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name} CA",
             "-keyout", f"{name}-ca.key", "-out", f"{name}-ca.pem", cwd=folder)
    return folder / f"{name}-ca.pem"


def make_server_cert(folder: Path, ca: str) -> None:
    """server.pem/server.key for 127.0.0.1 and localhost, signed by CA ``ca``."""
    (folder / "san.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
             "-out", "server.csr", cwd=folder)
    _openssl("x509", "-req", "-in", "server.csr", "-CA", f"{ca}-ca.pem", "-CAkey", f"{ca}-ca.key",
             "-CAcreateserial", "-days", "2", "-extfile", "san.cnf", "-out", "server.pem", cwd=folder)


def export(output: Path, secrets: Path, limit: int, *extra: str) -> subprocess.CompletedProcess:
    """``warta topology export`` as the operator runs it (a process of its own, clean env)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "WARTA_HOME": str(output.parent / "home"),
           "WARTA_DELIVERY_LIMIT": str(limit), "WARTA_LANG": "id", "WARTA_LOG_FORMAT": "console"}
    return subprocess.run([WARTA, "topology", "export", "--secrets-dir", str(secrets), "--output",
                           str(output), *extra], env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    """The private node, booted once for this module."""
    require_tool("openssl")
    if not Path("/usr/lib/rabbitmq/bin/rabbitmq-server").exists():
        unavailable("RabbitMQ (Debian package rabbitmq-server) is not installed")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("rabbitmq")
        except KeyError:
            unavailable("running as root without a 'rabbitmq' user to run the node as")
    c = Node.create(1)
    n = c.nodes[0]
    c.tls_port, c.mgmt_port = free_port(), free_port()
    c.mgmt = f"http://warta-admin:{ADMIN_PW}@127.0.0.1:{c.mgmt_port}"
    try:
        tls = n.folder / "tls"
        tls.mkdir()
        make_ca(tls, "kantor")
        make_ca(tls, "asing")
        make_server_cert(tls, "kantor")
        secrets = tmp_path_factory.mktemp("secrets")
        (secrets / "broker_relay_url").write_text(f"amqp://warta-relay:relay-sandi@127.0.0.1:{n.amqp_port}/warta")
        (secrets / "rabbitmq_admin_password").write_text(ADMIN_PW)
        c.secrets = secrets
        c.definitions = n.folder / "definitions" / "definitions.json"
        done = export(c.definitions, secrets, 10)  # the defaults: 0640, group rabbitmq (as root)
        assert done.returncode == 0, done.stderr
        conf = n.folder / "conf.d"
        conf.mkdir()
        (conf / "90-warta.conf").write_text((ROOT / "deploy/rabbitmq/rabbitmq.conf").read_text())
        (conf / "99-test.conf").write_text(
            f"definitions.local.path = {c.definitions}\n"
            f"listeners.tcp.default = 127.0.0.1:{n.amqp_port}\n"
            f"management.tcp.port = {c.mgmt_port}\nmanagement.tcp.ip = 127.0.0.1\n"
            f"listeners.ssl.default = 127.0.0.1:{c.tls_port}\n"
            f"ssl_options.cacertfile = {tls / 'kantor-ca.pem'}\n"
            f"ssl_options.certfile = {tls / 'server.pem'}\nssl_options.keyfile = {tls / 'server.key'}\n"
            "ssl_options.verify = verify_none\nssl_options.fail_if_no_peer_cert = false\n"
            "disk_free_limit.absolute = 50MB\ncollect_statistics_interval = 500\n")
        (n.folder / "rabbitmq.conf").write_text("")  # the main file: nothing of the machine's
        (c.base / "enabled_plugins").write_text("[rabbitmq_management].\n")
        if c.user:
            pw = pwd.getpwnam(c.user)
            for path in [c.base, *c.base.rglob("*")]:
                if path != c.definitions:  # left as the export wrote it: the node must read it so
                    os.chown(path, pw.pw_uid, pw.pw_gid)
        c.start_node(n)
        c.await_node(n, 120)
    except BaseException:
        c.close()
        raise
    yield c
    c.close()


def api(c, path: str, method: str = "GET", body: dict | None = None):  # noqa: ANN001, ANN201
    """The node's management API as warta-admin (administrator tag, from the definitions)."""
    req = urllib.request.Request(f"http://127.0.0.1:{c.mgmt_port}{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", "Authorization": "Basic "
                                          + base64.b64encode(f"warta-admin:{ADMIN_PW}".encode()).decode()})
    with urllib.request.urlopen(req, timeout=10) as r:
        text = r.read().decode()
    return json.loads(text) if text else None


def dev_account(c) -> str:  # noqa: ANN001
    """A development account with every right on the vhost (a service with WARTA_AMQP_DECLARE=true)."""
    api(c, "/api/users/tester", "PUT", {"password": TESTER_PW, "tags": ""})
    api(c, f"/api/permissions/{VHOST}/tester", "PUT", {"configure": ".*", "write": ".*", "read": ".*"})
    return f"amqp://tester:{TESTER_PW}@127.0.0.1:{c.nodes[0].amqp_port}/{VHOST}"


def live(c, queue: str) -> dict:  # noqa: ANN001
    """One queue as the management API shows it, once its statistics (which carry
    ``effective_policy_definition``) were collected."""
    return wait_for(lambda: (q := api(c, f"/api/queues/{VHOST}/{queue}")) and
                    "effective_policy_definition" in q and q, 30, f"statistics of {queue}", interval=0.2)


def doctor_check(monkeypatch, c, prefix: str, limit: int):  # noqa: ANN001, ANN201
    """``warta doctor``'s check ``kebijakan`` for a service configured with ``prefix`` and ``limit``."""
    from shared.config import Settings
    from shared.doctor.policies import check_policies
    from warta.cmd_ops import broker_topology

    monkeypatch.setenv("WARTA_BROKER",
                       f"amqp://warta-relay:relay-sandi@127.0.0.1:{c.nodes[0].amqp_port}/warta")
    monkeypatch.setenv("WARTA_AMQP_PREFIX", prefix)
    monkeypatch.setenv("WARTA_DELIVERY_LIMIT", str(limit))
    monkeypatch.setenv("WARTA_AMQP_MANAGEMENT_URL", c.mgmt)
    cfg = Settings()
    return check_policies(cfg, broker_topology(cfg))


def test_shipped_config_boots_debian_rabbitmq_with_the_exported_definitions(node) -> None:
    st = node.definitions.stat()
    assert st.st_mode & 0o777 == 0o640
    if os.geteuid() == 0:  # root's export hands the file to the broker's group
        assert st.st_gid == grp.getgrnam("rabbitmq").gr_gid and st.st_uid == 0
    queues = {q["name"]: q for q in api(node, f"/api/queues/{VHOST}")}
    defs = json.loads(node.definitions.read_text())
    assert set(queues) == {q["name"] for q in defs["queues"]}
    assert queues["warta.radio"]["type"] == "quorum" and queues["warta.wait.10s"]["type"] == "classic"
    radio, wait = live(node, "warta.radio"), live(node, "warta.wait.60s")
    assert radio["effective_policy_definition"] == {"delivery-limit": 10}
    assert wait["effective_policy_definition"] == {"message-ttl": 60000,
                                                   "dead-letter-exchange": "warta.dispatch"}
    assert "x-delivery-limit" not in radio["arguments"] and wait["arguments"] == {"x-queue-type": "classic"}
    assert {u["name"] for u in api(node, "/api/users")} == {"warta-relay", "warta-admin"}  # no guest


def test_changed_delivery_limit_applies_to_existing_queues_after_reimport(node, monkeypatch) -> None:
    assert doctor_check(monkeypatch, node, "warta", 10).status == "ok"
    changed = doctor_check(monkeypatch, node, "warta", 4)  # configuration changed, broker not yet
    assert changed.status == "fail" and "warta.radio delivery-limit 10 (seharusnya 4)" in changed.message
    assert "import_definitions" in changed.fix
    target = node.nodes[0].folder / "reimport.json"
    done = export(target, node.secrets, 4)
    assert done.returncode == 0, done.stderr
    api(node, "/api/definitions", "POST", json.loads(target.read_text()))  # = rabbitmqctl import_definitions
    urgent = "warta.radio.urgent"
    wait_for(lambda: live(node, urgent)["effective_policy_definition"].get("delivery-limit") == 4, 30,
             "the new limit on an existing queue", interval=0.2)
    assert doctor_check(monkeypatch, node, "warta", 4).status == "ok"


def test_declaring_services_write_policies_and_keep_legacy_queues(node, monkeypatch) -> None:
    from workers.transport.topology import declare

    url = dev_account(node)
    monkeypatch.setenv("WARTA_AMQP_MANAGEMENT_URL", node.mgmt)
    conn = pika.BlockingConnection(pika.URLParameters(url))
    try:
        assert declare(conn.channel(), "dev", [1], 5) == []  # policies through the management API
        assert live(node, "dev.web")["arguments"].get("x-delivery-limit") is None
        assert declare(conn.channel(), "dev", [1], 8) == []  # a changed limit: no PRECONDITION_FAILED
        wait_for(lambda: live(node, "dev.web")["effective_policy_definition"].get("delivery-limit") == 8,
                 30, "the redeclared limit", interval=0.2)
        # queues an older Warta declared with the limits as arguments stay usable, and are reported
        declare(conn.channel(), "old", [1], 5, policy_writer=None)
        assert live(node, "old.web")["arguments"]["x-delivery-limit"] == 5
        kept = declare(conn.channel(), "old", [1], 8)
        assert "old.web" in kept and "old.wait.1s" in kept
    finally:
        conn.close()
    assert doctor_check(monkeypatch, node, "dev", 8).status == "ok"
    legacy = doctor_check(monkeypatch, node, "old", 8)
    assert legacy.status == "fail" and "old.web delivery-limit 5 (seharusnya 8)" in legacy.message
    assert "delete_queue" in legacy.fix


def test_amqps_with_the_pinned_ca_connects_and_another_ca_is_refused(node) -> None:
    from workers.transport import FatalTransportError
    from workers.transport.amqp_connection import broker_parameters, open_connection

    url = dev_account(node).replace("amqp://", "amqps://").replace(f":{node.nodes[0].amqp_port}/",
                                                              f":{node.tls_port}/")
    tls = node.nodes[0].folder / "tls"
    conn = open_connection(broker_parameters(url, tls / "kantor-ca.pem"))
    try:
        conn.channel().exchange_declare("warta.dispatch", passive=True)
    finally:
        conn.close()
    started = time.monotonic()
    with pytest.raises(FatalTransportError) as refused:
        open_connection(broker_parameters(url, tls / "asing-ca.pem"))
    assert "Sertifikat TLS broker ditolak" in str(refused.value)
    assert "WARTA_AMQP_CA_FILE" in str(refused.value)
    assert time.monotonic() - started < 10  # refused at once, not retried for ever


def test_policies_match_exactly_the_queues_they_tune() -> None:
    from shared.doctor.policies import effective, expected_settings, matching_policy
    from workers.transport.topology import definitions

    defs = definitions("p", [10], 7, endpoints={"videotron": ["lobby"]})
    limited = {q["name"] for q in defs["queues"]
               if matching_policy(q["name"], defs["policies"]).get("delivery-limit") == 7}
    assert limited == {"p.receipts", "p.videotron", "p.videotron.urgent", "p.videotron.lobby",
                       "p.videotron.lobby.urgent", "p.radio", "p.radio.urgent", "p.web",
                       "p.web.urgent", "p.print", "p.print.urgent"}
    assert matching_policy("p.parked", defs["policies"]) == {}
    assert matching_policy("px.web", defs["policies"]) == {} == matching_policy("q.p.web", defs["policies"])
    assert expected_settings(defs)["p.wait.10s"] == {"message-ttl": 10000,
                                                     "dead-letter-exchange": "p.dispatch"}
    # RabbitMQ's resolution: the smaller limit wins, the argument's dead-letter exchange wins
    assert effective({"x-delivery-limit": 5}, {"delivery-limit": 8}) == {"delivery-limit": 5}
    assert effective({"x-dead-letter-exchange": "a"}, {"dead-letter-exchange": "b"}) == {
        "dead-letter-exchange": "a"}
