"""Killed processes and poison messages, with real subprocesses, over both transports."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from tests.backbone.conftest import (ROOT, artifact_files, inbox_states, queue_depth, spawn, stop,
                                     wait_until)
from workers.inprocess import start_all

REC = "tests.backbone.renderers:RecordingRenderer"


def _render_lines(home) -> list[str]:  # noqa: ANN001
    log = home.settings.out / "renders.log"
    return log.read_text().splitlines() if log.exists() else []


def test_worker_killed_mid_message_loses_nothing(home, tmp_path) -> None:
    items = [home.approve(f"Dibunuh {n}", "web") for n in range(3)]
    side = start_all(home.settings, channels=[], bb=home.bb())  # relay and archiver
    try:
        slow = spawn("worker", "web", "--renderer", REC, env={"WARTA_RENDER_DELAY": "30"},
                     log=tmp_path / "worker1.log")
        wait_until(lambda: inbox_states(home, "web").get("started"), 60, what="a render in progress")
        slow.send_signal(signal.SIGKILL)
        assert slow.wait(10) == -signal.SIGKILL
        assert artifact_files(home.settings.out, "rec") == []
        worker = spawn("worker", "web", "--renderer", REC, log=tmp_path / "worker2.log")
        wait_until(lambda: home.all_confirmed(items), 60, what="every delivery confirmed")
        assert stop(worker) == 0  # SIGTERM: graceful exit
    finally:
        side.stop()
    assert len(artifact_files(home.settings.out, "rec")) == 3
    assert len(_render_lines(home)) == 3  # nothing rendered twice
    assert inbox_states(home, "web") == {"done": 3}


def test_relay_killed_between_confirm_and_commit_duplicate_is_absorbed(home, tmp_path) -> None:
    item = home.approve("Relay mati", "web")
    relay = spawn("relay", env={"WARTA_FAULT_RELAY_CRASH_AFTER_CONFIRM": "true"},
                  log=tmp_path / "relay.log")
    assert relay.wait(60) == 71, (tmp_path / "relay.log").read_text()[-2000:]
    assert home.w.outbox.lag() > 0  # the broker has the message, the database does not know
    assert queue_depth(home, "web") == 1
    bb = home.bb()
    relay = start_all(home.settings, channels=[], bb=bb, archiver=False)
    try:
        wait_until(lambda: home.w.outbox.lag() == 0, 30, what="row published again")
    finally:
        relay.stop()
    assert queue_depth(home, "web") == 2  # the duplicate
    handle = start_all(home.settings, channels=["web"], renderer_override=REC, bb=bb, relay=False)
    try:
        wait_until(lambda: home.all_confirmed([item]) and queue_depth(home, "web") == 0, 60,
                   what="confirmed and both copies consumed")
    finally:
        handle.stop()
    assert len(_render_lines(home)) == 1
    assert len(artifact_files(home.settings.out, "rec")) == 1


def test_poison_message_is_parked_after_delivery_limit_and_redriven(home, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("WARTA_DELIVERY_LIMIT", "2")
    item = home.approve("Pesan RACUN", "web")
    side = start_all(home.settings, channels=[], bb=home.bb())
    try:
        crashes = 0
        for run in range(6):
            worker = spawn("worker", "web", "--renderer", REC,
                           env={"WARTA_FAULT_CRASH_MARKER": "RACUN"}, log=tmp_path / f"w{run}.log")
            wait_until(lambda w=worker: w.poll() is not None
                       or home.delivery_state(item, "web") == "parked", 60, what="a crash or the parking")
            if worker.poll() is None:
                break
            assert worker.returncode == 70
            crashes += 1
        assert home.delivery_state(item, "web") == "parked"
        assert crashes == 2  # deliveries 0 and 1 crashed; delivery 2 reached the limit
        assert "batas pengiriman" in home.deliveries(item)[0]["last_error"]
        assert stop(worker) == 0
        assert _render_lines(home) == []
        delivery_id = home.w.redrive.list_deliveries(state="parked")[0]["id"]
        out = subprocess.run([sys.executable, "-m", "warta.cli", "redrive", str(delivery_id), "--json"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout.splitlines()[-1])["redriven"] == [home.deliveries(item)[0]["message_id"]]
        worker = spawn("worker", "web", "--renderer", REC, log=tmp_path / "fixed.log")  # the fix
        wait_until(lambda: home.all_confirmed([item]), 60, what="confirmed after redrive")
        assert stop(worker) == 0
    finally:
        side.stop()
    assert len(_render_lines(home)) == 1
