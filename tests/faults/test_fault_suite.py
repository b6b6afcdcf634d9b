"""The fault suite (``make faults``): announcements in flight while processes are killed, connections
closed, the broker restarted, the output disk full, and poison and forged messages injected. Every
scenario ends with lost = 0 and duplicated artifacts = 0; its row goes to bench/results/faults.json.
The broker restart runs last (the broker is shared) and is kept short."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid

import pytest

from bench.harness import CHANNELS, wait_for
from tests.conftest import require_tool, unavailable
from tests.faults.harness import (REC, approve_burst, broker_up, ledger, n_announcements, new_run,
                                  record)

pytestmark = pytest.mark.faults
TRANSPORTS = ["embedded", "amqp"]


@pytest.fixture(params=TRANSPORTS)
def transport(request):
    """Each scenario over the embedded transport and over RabbitMQ."""
    if request.param == "amqp" and not broker_up():
        unavailable("RabbitMQ does not answer at 127.0.0.1:5672")
    saved = dict(os.environ)
    yield request.param
    os.environ.clear()
    os.environ.update(saved)


def _finish(run, attempted: int, scenario: str, transport: str, timeout: float, notes: str = "") -> dict:  # noqa: ANN001
    try:
        wait_for(lambda: run.delivery_counts().get("confirmed", 0) >= attempted, timeout,
                 f"{attempted} confirmed deliveries", interval=0.2)
        recovered = True
    except TimeoutError:
        recovered = False
    run.stop_all()
    row = ledger(run, attempted, recovered, notes)
    record(scenario, transport, row)
    if transport == "amqp":
        run.cleanup_broker()
    assert row["lost"] == 0, row
    assert row["duplicated"] == 0, row
    assert row["delivered"] == attempted, row
    return row


def _processed(run) -> int:  # noqa: ANN001
    log = run.settings.out / "renders.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_worker_sigkilled_repeatedly(transport, tmp_path) -> None:
    n = n_announcements(1000)
    run = new_run(tmp_path, transport)
    items = approve_burst(run, n, ["web"])
    run.start_services(REC, ["web"])
    kills = 0
    for _ in range(6):
        mark = _processed(run) + max(5, n // 10)
        try:
            wait_for(lambda: _processed(run) >= min(mark, n), 300, "renders before the kill")
        except TimeoutError:
            break
        if run.procs["worker-web"].poll() is None and _processed(run) < n:
            run.stop("worker-web", signal.SIGKILL)
            kills += 1
            run.spawn("worker-web", "worker", "web", "--renderer", REC)
    _finish(run, len(items), "worker SIGKILL (repeated)", transport, 600, f"{kills} SIGKILLs")
    assert kills >= 3


def test_relay_killed_repeatedly(transport, tmp_path) -> None:
    n = n_announcements(300)
    run = new_run(tmp_path, transport)
    items = [run.draft(f"Relay {i}", ["web"]) for i in range(n)]
    run.start_services(REC, ["web"])
    kills = 0
    for i, item in enumerate(items):
        run.final_approve(item)
        if i and i % max(1, n // 5) == 0:
            run.stop("relay", signal.SIGKILL)
            kills += 1
            run.spawn("relay", "relay")
    _finish(run, n, "relay SIGKILL", transport, 600, f"{kills} SIGKILLs during the burst")


def test_output_disk_full(transport, tmp_path) -> None:
    n = n_announcements(100) // 5 or 1
    mnt = tmp_path / "full"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mnt)],
                      capture_output=True).returncode != 0:
        unavailable("cannot mount a tmpfs here (needs root)")
    try:
        _fill(mnt)
        run = new_run(tmp_path / "run", transport, WARTA_OUTPUT_DIR=str(mnt),
                      WARTA_RETRY_TIERS="1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1")
        items = approve_burst(run, n, ["web"])
        run.start_services(REC, ["web"])
        wait_for(lambda: run.log_events("worker-web", "render_transient"), 120, "ENOSPC seen by the worker")
        assert run.delivery_counts().get("confirmed", 0) < len(items)
        (mnt / "filler").unlink()  # the operator frees space
        _finish(run, len(items), "output disk full (tmpfs)", transport, 300,
                "tmpfs 512 KiB filled; space freed after ENOSPC was seen")
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _fill(mnt) -> None:  # noqa: ANN001
    with open(mnt / "filler", "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass


def _state(run, item: int) -> str:  # noqa: ANN001
    return run.w.get_item(item)["deliveries"][0]["state"]


def test_poison_and_forged_messages(transport, tmp_path) -> None:
    from shared.messages import load_private_key
    from tests.hostile.helpers import envelope_wire
    from workers.settings import backbone_settings
    from workers.transport import make_transport

    n = n_announcements(200) // 2 or 1
    run = new_run(tmp_path, transport, WARTA_DELIVERY_LIMIT="2", WARTA_FAULT_CRASH_MARKER="RACUN")
    items = approve_burst(run, n, ["web"])
    poison = run.draft("Pesan RACUN", ["web"])
    run.final_approve(poison)
    t = make_transport(run.settings, backbone_settings(), "faults-inject")
    t.declare()
    key = load_private_key(run.settings.signing_key_path)
    forged = ["garbage", "truncate", "otherkey", "tamper", "expired", "channel", "dikecualikan"]
    for kind in forged:
        wire, _ = envelope_wire(kind, "web", key)
        t.publish_dispatch("web", wire, str(uuid.uuid4()), 1, {})
    t.close()
    run.start_services(REC, ["web"])
    restarts = 0
    for _ in range(10):  # the poison kills the worker; a supervisor (systemd) restarts it
        wait_for(lambda: run.procs["worker-web"].poll() is not None
                 or _state(run, poison) == "parked", 300, "a crash or the poison parked")
        if run.procs["worker-web"].poll() is None:
            break
        restarts += 1
        run.spawn("worker-web", "worker", "web", "--renderer", REC)
    wait_for(lambda: run.delivery_counts().get("parked", 0) >= 1, 120, "the poison parked")
    t = make_transport(run.settings, backbone_settings(), "faults-check")
    parked = wait_for(lambda: len(t.parked()) >= len(forged) + 1 and t.parked(), 120,
                      "every forged message parked")
    t.close()
    assert all(p["reason"] for p in parked)
    row = _finish(run, n, "poison + forged", transport, 300,
                  f"{len(forged)} forged parked, poison parked after {restarts} crashes")
    assert row["parked"] == 1


@pytest.mark.skipif(os.environ.get("WARTA_FAULTS_NO_RESTART") == "1", reason="restart disabled")
def test_zz_connections_closed_and_broker_restarted(transport, tmp_path) -> None:
    """Last, short: RabbitMQ only."""
    if transport != "amqp":
        pytest.skip("broker faults apply to RabbitMQ only")
    from tests.backbone.conftest import close_broker_connections

    ctl = require_tool("rabbitmqctl")
    n = n_announcements(200) // 2 or 1
    run = new_run(tmp_path, transport)
    items = [run.draft(f"Broker {i}", CHANNELS[2:3]) for i in range(n)]
    run.start_services(REC, ["web"])
    for item in items[: n // 2]:
        run.final_approve(item)
    closed = close_broker_connections(run.prefix)
    subprocess.run([ctl, "stop_app"], check=True, capture_output=True, timeout=60)
    try:
        for item in items[n // 2:]:
            run.final_approve(item)  # approvals keep working: the outbox holds them
    finally:
        subprocess.run([ctl, "start_app"], check=True, capture_output=True, timeout=120)
    _finish(run, n, "connections closed + broker restarted", transport, 300,
            f"{closed} connections closed; stop_app/start_app once")
