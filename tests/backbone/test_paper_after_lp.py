"""Paper is never printed twice without a person (docs/BACKBONE.md), with the real print worker
(the notice-board renderer) and a printer whose ``lp`` logs every job it accepts
(``tests/faults/fake_lp.py``, as the fault suite counts paper): the worker process is SIGKILLed
after ``lp`` accepted the job and before its receipt, so the paper is out and nothing says so.
Its redelivery and the relay's second copy of the message are both parked "mungkin sudah
tercetak", naming the CUPS job; the printer gets no second job; the PPID's "sudah tercetak"
files the proof and prints nothing. Over both transports.

``tests/backbone/test_print_once.py`` proves the same rule and the redrive token with a stand-in
renderer; this test holds the real renderer and the job log to it."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from shared.models import OutboxRow
from tests.backbone.conftest import ROOT, spawn, stop, wait_until

FAKE_LP = ROOT / "tests" / "faults" / "fake_lp.py"
PRINTER = "papan-uji"


def fake_printer(tmp_path: Path, monkeypatch) -> Path:  # noqa: ANN001
    """Configure the print channel with printer ``papan-uji`` whose ``lp`` is the fake: returns
    the job log it appends one JSON line per accepted job to."""
    lp = tmp_path / "bin" / "lp"
    lp.parent.mkdir(parents=True, exist_ok=True)
    lp.write_text(f'#!/bin/sh\nexec {sys.executable} {FAKE_LP} "$@"\n')  # lp_command is one program
    lp.chmod(0o755)
    log = tmp_path / "lp.log"
    monkeypatch.setenv("WARTA_PRINT_PRINTER", PRINTER)
    monkeypatch.setenv("WARTA_PRINT_LP_COMMAND", str(lp))
    monkeypatch.setenv("WARTA_FAKE_LP_LOG", str(log))
    return log


def lp_jobs(log: Path) -> list[dict]:
    """The jobs the printer accepted, in order."""
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_a_worker_killed_after_lp_never_prints_the_notice_again(home, tmp_path, monkeypatch) -> None:
    from workers.inprocess import start_all
    from workers.transport import CHANNEL, make_transport

    log = fake_printer(tmp_path, monkeypatch)
    item = home.approve("Pemadaman listrik terjadwal", "print")
    with home.w.ctx.read() as s:
        row = s.execute(select(OutboxRow).where(OutboxRow.announcement_id == item)).scalar_one()
        body, message_id, priority = row.payload.encode(), row.message_id, row.priority
    t = make_transport(home.settings, home.bb())
    services = start_all(home.settings, channels=[], bb=home.bb())  # relay and archiver
    handle = None
    try:
        # the print worker as a process of its own, held for a minute after the render returned
        # (files written, lp done) and before the receipt: the kill lands there
        worker = spawn("worker", "print", env={"WARTA_RENDER_DELAY": "60",
                                               "WARTA_FAULT_DELAY_AFTER": "1"},
                       log=tmp_path / "worker-1.log")
        try:
            wait_until(lambda: len(lp_jobs(log)) == 1, 60, what="the notice printed")
            pdf = Path(lp_jobs(log)[0]["file"])
            wait_until(lambda: pdf.with_name(pdf.name + ".cups").is_file(), 30,
                       what="lp's answer kept beside the PDF")
            assert worker.poll() is None, (tmp_path / "worker-1.log").read_text()
        finally:
            stop(worker, signal.SIGKILL)
        assert home.delivery_state(item, "print") in ("pending", "queued")  # no receipt yet
        t.publish_dispatch("print", body, message_id, priority, {CHANNEL: "print"})  # relay's 2nd copy

        handle = start_all(home.settings, channels=["print"], bb=home.bb(), relay=False,
                           archiver=False)  # the worker back, without the held window

        def parked() -> list[dict]:
            if len(lp_jobs(log)) > 1:
                pytest.fail(f"the notice was printed again: {lp_jobs(log)}")
            return [p for p in t.parked() if p["message_id"] == message_id]

        wait_until(lambda: len(parked()) == 2, 60, what="the redelivery and the second copy parked")
        wait_until(lambda: home.delivery_state(item, "print") == "parked", 30, what="parked")
        assert len(lp_jobs(log)) == 1  # no second job for either copy
        job = f"pekerjaan CUPS {PRINTER}-{lp_jobs(log)[0]['pid']}"
        assert all(p["code"] == "maybe_done" and job in p["reason"] for p in parked()), parked()
        delivery = next(d for d in home.deliveries(item) if d["channel"] == "print")
        assert "mungkin sudah" in delivery["last_error"] and job in delivery["last_error"]

        # the PPID finds the notice on the board: 'sudah tercetak' for both parked copies
        assert t.redrive({message_id}, decision="printed") == [message_id, message_id]
        wait_until(lambda: home.delivery_state(item, "print") == "confirmed", 60,
                   what="confirmed as printed")
        wait_until(lambda: not parked(), 30, what="the second copy absorbed")
        errors = list(handle.errors) + list(services.errors)
    finally:
        if handle is not None:
            handle.stop()
        services.stop()
        t.close()
    assert not errors, errors
    assert len(lp_jobs(log)) == 1  # one notice on the board, ever
    delivery = next(d for d in home.deliveries(item) if d["channel"] == "print")
    assert delivery["artifacts"] and delivery["sha256"]  # the proof is filed
    assert list(home.settings.archive.rglob("print/manifest.json"))
