"""Beyond one machine: a real three-node RabbitMQ cluster (own nodes, ports and cookie on this
machine: tests/ops/cluster.py), Warta's topology on it with every quorum queue replicated three
times, PostgreSQL with TWO relays, two channel workers and the archiver in-process, all given the
three nodes' addresses (``WARTA_BROKER`` = comma-separated amqp URLs). The node every service is
connected to is SIGKILLed mid-run; every delivery is still confirmed before the deadline, nothing is
lost, no artifact is made twice (redeliveries are absorbed by the worker's inbox), and the killed
node, started again, rejoins the cluster and its replicas come back online (docs/DEPLOYMENT.md).

Runs in the long suite (``-m faults``): forming the cluster alone takes ~20 s on a small machine."""

from __future__ import annotations

import os
import time
import uuid

import pytest
from pika.exceptions import ChannelClosedByBroker

from bench.harness import wait_for
from tests.conftest import unavailable
from tests.ops.cluster import Cluster, find_tool

pytestmark = [pytest.mark.faults, pytest.mark.pg, pytest.mark.slow]

REC = "tests.backbone.renderers:RecordingRenderer"
CHANNELS = ["web", "videotron"]
BEFORE_KILL, AFTER_KILL = 40, 12  # announcements approved before and after the node dies
DEADLINE = 90.0  # seconds from the kill until every delivery must be confirmed


def _require_rabbitmq() -> None:
    for tool in ("rabbitmq-server", "rabbitmqctl"):
        if not find_tool(tool):
            unavailable(f"'{tool}' is not installed (Debian package rabbitmq-server)")
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("rabbitmq")
        except KeyError:
            unavailable("running as root but there is no 'rabbitmq' user to run the test nodes as")


@pytest.fixture(scope="module")
def cluster():
    """Three nodes joined into one cluster for this module; stopped and deleted afterwards."""
    _require_rabbitmq()
    c = Cluster.create(3)
    started = time.monotonic()
    try:
        c.start()
    except BaseException:
        c.close()
        raise
    c.formed_in = time.monotonic() - started
    yield c
    c.close()


def _wait(condition, timeout: float, what: str):  # noqa: ANN001, ANN202
    try:
        return wait_for(condition, timeout, what, interval=0.2)
    except TimeoutError as exc:
        pytest.fail(str(exc))


def _declare_via(node, prefix: str, bb) -> None:  # noqa: ANN001
    """Declare Warta's topology through ``node`` (its classic queues then live on that node)."""
    import pika

    from workers.transport.topology import declare

    conn = pika.BlockingConnection(pika.URLParameters(node.url))
    try:
        declare(conn.channel(), prefix, bb.tiers, bb.delivery_limit)
    finally:
        conn.close()


def _quorum_queues(cluster, node, prefix: str) -> dict[str, dict]:  # noqa: ANN001
    return {name: q for name, q in cluster.queues(node).items()
            if name.startswith(prefix + ".") and q["type"] == "quorum"}


def _confirmed(w, item_ids: list[int]) -> int:  # noqa: ANN001
    return sum(1 for i in item_ids for d in w.queries.get_item(i)["deliveries"] if d["state"] == "confirmed")


@pytest.mark.parametrize("db_url", ["pg"], indirect=True)
def test_services_keep_working_when_their_node_dies(cluster, db_url, warta, monkeypatch, capfd) -> None:
    from shared.config import get_settings
    from warta.demo import drive_chain
    from workers.archive_check import verify_archive
    from workers.inprocess import start_all

    c1, c2, c3 = cluster.nodes
    prefix = f"wc{uuid.uuid4().hex[:10]}"
    for name, value in {"WARTA_BROKER": ",".join(n.url for n in cluster.nodes),
                        "WARTA_AMQP_PREFIX": prefix, "WARTA_POLL_INTERVAL": "0.05",
                        "WARTA_RETRY_TIERS": "1,2", "WARTA_QUICK_RETRY_WAIT": "0.01",
                        "WARTA_RELAY_LEASE": "2", "WARTA_HEARTBEAT": "5",
                        "WARTA_RENDER_DELAY": "0.1", "WARTA_RADIO_TTS": "none"}.items():
        monkeypatch.setenv(name, value)
    settings = get_settings()
    bb = settings.broker
    assert settings.db_url.startswith("postgresql")

    # the topology, declared through the node that survives: every quorum queue on all three nodes
    _declare_via(c3, prefix, bb)
    quorum = _quorum_queues(cluster, c1, prefix)
    assert len(quorum) == 2 * 4 + 1  # a normal and an urgent queue per channel, and receipts
    assert all(len(q["members"]) == 3 for q in quorum.values()), quorum

    def approve(n: int, tag: str) -> list[int]:
        return [drive_chain(warta, warta.ids, {"title": f"Klaster {tag} {i}", "body": "Isi uji klaster.",
                                               "klasifikasi": "berkala", "sasaran": "masyarakat",
                                               "channels": CHANNELS}) for i in range(n)]

    items = approve(BEFORE_KILL, "a")
    t0 = time.monotonic()
    main = start_all(settings, channels=CHANNELS, renderer_override=REC, bb=bb)
    second_relay = start_all(settings, channels=[], bb=bb, archiver=False)  # SKIP LOCKED shares rows
    handles = [main, second_relay]
    try:
        # relay ×2, worker ×2, archiver: all on the first node of the list
        on_c1 = _wait(lambda: (lambda names: names if len(names) >= 5 else None)(
            cluster.connections(c1, prefix)), 30, "every service connected to the first node")
        _wait(lambda: _confirmed(warta, items) >= len(items) * len(CHANNELS) // 4, 60,
              "a quarter of the deliveries confirmed before the kill")
        cluster.kill(c1)
        before = _confirmed(warta, items)
        killed_at = time.monotonic()
        items += approve(AFTER_KILL, "b")  # approvals go on; the relays publish via c2
        expected = len(items) * len(CHANNELS)
        _wait(lambda: _confirmed(warta, items) >= expected, DEADLINE,
              f"{expected} confirmed deliveries after the node died")
        recovered_in = time.monotonic() - killed_at
        on_c2 = cluster.connections(c2, prefix)
        _wait(lambda: all(warta.queries.get_item(i)["state"] == "disseminated" for i in items), 30,
              "every announcement disseminated")
    finally:
        for h in handles:
            h.stop()
    total = time.monotonic() - t0
    assert not main.errors and not second_relay.errors, main.errors + second_relay.errors
    assert {n.split(":")[1] for n in on_c1} >= {"relay", "archiver", *(f"worker-{ch}" for ch in CHANNELS)}
    assert len(on_c2) >= 4, on_c2  # the services moved to the next node of the list

    # the ledger: confirmed deliveries, rendered files, renders, proofs
    out = settings.out / "rec"
    files = sorted(p.name for p in out.rglob("*") if p.is_file()) if out.exists() else []
    artifacts = [f for f in files if f.endswith(".txt")]
    log = settings.out / "renders.log"
    renders = [line.rsplit("|", 1)[-1] for line in log.read_text().splitlines()] if log.exists() else []
    manifests = list(settings.archive.rglob("manifest.json"))
    captured = capfd.readouterr()
    absorbed = (captured.out + captured.err).count("duplicate_absorbed")
    row = {"attempted": expected, "confirmed": _confirmed(warta, items),
           "confirmed_before_kill": before, "delivered": len(set(artifacts)),
           "lost": expected - _confirmed(warta, items),
           "duplicate_artifacts": len(artifacts) - len(set(artifacts)) + (len(files) - len(artifacts)),
           "rerendered": len(renders) - len(set(renders)), "absorbed_by_inbox": absorbed,
           "manifests": len(manifests), "cluster_formed_s": round(cluster.formed_in, 1),
           "recovered_after_kill_s": round(recovered_in, 1), "run_s": round(total, 1)}
    print(f"\ncluster failover: {row}")
    assert before < len(items[:BEFORE_KILL]) * len(CHANNELS), row  # the kill was mid-run
    assert row["lost"] == 0, row
    assert row["delivered"] == expected, row
    assert row["duplicate_artifacts"] == 0, row
    assert row["rerendered"] == 0, row
    assert row["manifests"] == expected, row
    assert verify_archive(settings.archive) == []

    # a node back: started again with its data, it rejoins by itself and its replicas catch up
    restarted = time.monotonic()
    cluster.start_node(c1)
    cluster.await_node(c1)
    _wait(lambda: len(cluster.running_nodes(c2)) == 3, 60, "three running nodes again")
    _wait(lambda: all(len(q["online"]) == 3 for q in _quorum_queues(cluster, c2, prefix).values()),
          60, "every quorum queue with three online members again")
    print(f"node back in {time.monotonic() - restarted:.1f}s")


@pytest.mark.xfail(strict=True, raises=ChannelClosedByBroker, reason=(
    "the retry tiers' wait queues and the parking queue are classic queues: they live on the one "
    "node that declared them, and while it is down every service's (passive) declaration at "
    "reconnect fails with 404 and retry/park publishes are unroutable (workers/transport/topology.py)"))
def test_any_single_node_may_die(cluster) -> None:  # noqa: ANN001
    """Kill the node holding the classic queues; a service reconnecting elsewhere must still find
    its whole topology. Fails today (see the xfail reason); passes once no queue is single-node."""
    import pika

    from shared.config import get_settings
    from workers.transport.topology import declare

    bb = get_settings().broker
    prefix = f"wc{uuid.uuid4().hex[:10]}"
    for node in cluster.nodes:  # the first test may have left one down
        if node.proc is None or node.proc.poll() is not None:
            cluster.start_node(node)
            cluster.await_node(node)
    home = cluster.nodes[2]
    _declare_via(home, prefix, bb)
    cluster.kill(home)  # left down: the module's finalizer stops and deletes the cluster
    conn = pika.BlockingConnection(pika.URLParameters(cluster.nodes[1].url))
    try:
        declare(conn.channel(), prefix, bb.tiers, bb.delivery_limit, passive=True)
    finally:
        if conn.is_open:
            conn.close()
