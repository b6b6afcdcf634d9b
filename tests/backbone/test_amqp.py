"""RabbitMQ-only behaviours: connections closed by the broker, heartbeats during a long render,
an idempotent topology, and the definitions file."""

from __future__ import annotations

import threading

import pytest

from tests.backbone.conftest import artifact_files, close_broker_connections, wait_until
from workers.inprocess import start_all
from workers.transport.topology import definitions

REC = "tests.backbone.renderers:RecordingRenderer"
pytestmark = pytest.mark.broker


@pytest.fixture
def amqp_home(request, monkeypatch, fast_env, template_home):  # noqa: ANN001, ANN201
    """A demo home whose broker is the real RabbitMQ with a unique prefix (deleted afterwards)."""
    import os

    from tests.backbone.conftest import Home, delete_broker_topology, require_broker

    monkeypatch.setenv("WARTA_BROKER", require_broker())
    prefix = os.environ["WARTA_AMQP_PREFIX"]
    request.addfinalizer(lambda: delete_broker_topology(prefix))
    return Home(template_home)


def test_connections_closed_by_the_broker_recover_with_nothing_lost(amqp_home, monkeypatch) -> None:
    home = amqp_home
    monkeypatch.setenv("WARTA_RENDER_DELAY", "0.3")
    items = [home.approve(f"Putus {n}", "web,radio") for n in range(4)]
    handle = start_all(home.settings, channels=["web", "radio"], renderer_override=REC, bb=home.bb())
    try:
        wait_until(lambda: sum(d["state"] == "confirmed" for i in items for d in home.deliveries(i)) >= 1,
                   60, what="the first confirmation")
        assert close_broker_connections(home.settings.amqp_prefix) >= 3
        wait_until(lambda: home.all_confirmed(items), 90, what="every delivery after reconnecting")
    finally:
        handle.stop()
    assert not handle.errors
    lines = (home.settings.out / "renders.log").read_text().splitlines()
    assert len(lines) == len(set(lines)) == 8  # every message rendered exactly once
    assert len(artifact_files(home.settings.out, "rec")) == 8


def test_render_longer_than_three_heartbeats_keeps_the_connection(amqp_home, monkeypatch) -> None:
    home = amqp_home
    monkeypatch.setenv("WARTA_HEARTBEAT", "2")
    monkeypatch.setenv("WARTA_RENDER_DELAY", "7")
    from workers.runtime import ChannelWorker
    from workers.transport.amqp import AmqpTransport

    item = home.approve("Render lama", "web")
    bb = home.bb()
    side = start_all(home.settings, channels=[], bb=bb)
    transport = AmqpTransport(home.settings, bb, "worker-web")
    stop = threading.Event()
    worker = ChannelWorker(home.settings, bb, "web", REC)
    thread = threading.Thread(target=worker.run, args=(transport, stop), daemon=True)
    thread.start()
    try:
        wait_until(lambda: home.all_confirmed([item]), 40, what="confirmed after a 7 s render")
    finally:
        stop.set()
        thread.join(30)
        side.stop()
    assert transport.sessions == 1  # never reconnected: heartbeats flowed during the render
    assert not thread.is_alive()


def test_topology_declares_idempotently_and_matches_definitions(amqp_home) -> None:
    from workers.transport import make_transport

    bb = amqp_home.bb()
    prefix = amqp_home.settings.amqp_prefix
    for _ in range(2):  # a second declare with the same arguments is accepted
        t = make_transport(amqp_home.settings, bb)
        t.declare()
        t.close()
    defs = definitions(prefix, bb.tiers, bb.delivery_limit)
    names = [x["name"] for x in defs["queues"] + defs["exchanges"]]
    assert all(n.startswith(prefix + ".") for n in names)
    queues = {q["name"]: q["arguments"] for q in defs["queues"]}
    assert queues[f"{prefix}.radio"]["x-queue-type"] == "quorum"
    assert queues[f"{prefix}.radio.urgent"]["x-dead-letter-exchange"] == f"{prefix}.parking"
    # limits and TTLs are policies (they apply to queues that already exist: test_broker_deploy.py)
    policies = {p["name"]: p["definition"] for p in defs["policies"]}
    assert policies[f"{prefix}.delivery-limit"] == {"delivery-limit": bb.delivery_limit}
    assert policies[f"{prefix}.wait.{bb.tiers[0]}s"]["message-ttl"] == bb.tiers[0] * 1000
    assert {"exchanges", "queues", "bindings", "policies"} <= set(defs)
