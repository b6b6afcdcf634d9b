"""Archive faults: a proof the archive cannot take (disk full, I/O error, mount gone) keeps its
delivery ``proof_pending`` ("bukti tertunda"), comes back through the retry tiers (never a busy
loop, never parked) and is filed by itself once the archive takes files again; on both transports.

The burst test fills a real size-limited folder (tmpfs, mounted as root) with ballast."""

from __future__ import annotations

import errno
import subprocess
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest

from tests.backbone.conftest import wait_until
from tests.conftest import unavailable
from workers.archive_check import verify_archive
from workers.archiver import PROOF_RETRY_CAP, Archiver, proof_retry_delay
from workers.inprocess import start_all
from workers.transport import make_transport

REC = "tests.backbone.renderers:RecordingRenderer"


def _states(home, items: list[int]) -> list[str]:  # noqa: ANN001
    return [d["state"] for i in items for d in home.deliveries(i)]


def _parked_messages(home) -> list[dict]:  # noqa: ANN001
    transport = make_transport(home.settings, home.bb(), "uji-parkir")
    try:
        return transport.parked()
    finally:
        transport.close()


def test_retry_delay_follows_the_tiers_and_stops_growing() -> None:
    assert [proof_retry_delay([10, 60, 300, 1800], a) for a in range(6)] == [10, 60, 300, 300, 300, 300]
    assert [proof_retry_delay([1, 2], a) for a in range(4)] == [1, 2, 2, 2]
    assert proof_retry_delay([600, 1800], 5) == 600  # every tier above the cap: the shortest
    assert PROOF_RETRY_CAP == 300


def test_disk_fault_backs_off_without_busy_loop_and_files_itself(home, monkeypatch) -> None:
    """ENOSPC on every filing: each delivery shows proof_pending, the attempts per receipt are
    spaced by the tiers (1 s, then 2 s: fast_env), nothing is parked; then the fault clears and
    every proof is filed by the running archiver alone."""
    attempts: dict[str, list[float]] = defaultdict(list)
    full = threading.Event()
    full.set()
    real = Archiver.prepare_proof

    def prepare(self, item, r):  # noqa: ANN001, ANN202
        attempts[r.message_id].append(time.monotonic())
        if full.is_set():
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, item, r)

    monkeypatch.setattr(Archiver, "prepare_proof", prepare)
    items = [home.approve(f"Disk penuh {n}", "web") for n in range(3)]
    handle = start_all(home.settings, channels=["web"], renderer_override=REC, bb=home.bb())
    try:
        wait_until(lambda: _states(home, items) == ["proof_pending"] * 3, 60,
                   what="every delivery proof_pending")
        pending = home.w.redrive.list_deliveries("proof_pending")
        assert len(pending) == 3 and all("ENOSPC" in d["last_error"] for d in pending)
        wait_until(lambda: len(attempts) == 3 and all(len(t) >= 4 for t in attempts.values()), 60,
                   what="three retries of each receipt")
        full.clear()
        wait_until(lambda: home.all_confirmed(items), 30, what="every proof filed after the fault")
    finally:
        handle.stop()
    assert not handle.errors
    for times in attempts.values():
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        # tiers 1 s then 2 s (a little early is the broker's TTL rounding, never a hot loop)
        assert gaps[0] >= 0.8 and all(g >= 1.6 for g in gaps[1:4]), gaps
        elapsed = times[-1] - times[0]
        assert len(times) <= 3 + elapsed / 1.6, (len(times), elapsed)  # bounded in any window
    assert _parked_messages(home) == []
    assert len(list(home.settings.archive.rglob("manifest.json"))) == 3
    assert verify_archive(home.settings.archive) == []
    from sqlalchemy import func, select

    from shared.models import AuditEvent

    with home.w.ctx.read() as s:  # one audit event per episode, not one per retry
        n = s.execute(select(func.count()).select_from(AuditEvent)
                      .where(AuditEvent.action == "delivery_proof_pending")).scalar()
    assert n == 3
    monitor = {r["channel"]: r for r in home.w.monitor.channel_status(home.ids["ppid1"])}
    assert monitor["web"]["proof_pending"] == 0 and monitor["web"]["confirmed"] == 3


def test_a_late_failure_report_does_not_undo_proof_pending(home) -> None:
    """Once the channel confirmed, a failure report for the same message changes nothing."""
    from tests.backbone.test_batching import _receipt
    from shared.services.deliveries import ProofDeferred

    item = home.approve("Laporan terlambat", "web")
    r = _receipt(home, item, "web", b"bukti\n")

    def no_space(item, receipt):  # noqa: ANN001, ANN202
        raise ProofDeferred("ENOSPC: No space left on device")

    assert home.w.ledger.record_receipt(r, no_space) == "deferred"
    assert home.w.ledger.record_receipt(r, no_space) == "deferred"  # still pending, audited once
    late = r.model_copy(update={"outcome": "failed", "reason": "terlambat"})
    assert home.w.ledger.record_receipt(late, no_space) == "duplicate"
    assert home.delivery_state(item, "web") == "proof_pending"
    monitor = {x["channel"]: x for x in home.w.monitor.channel_status(home.ids["ppid1"])}
    assert monitor["web"]["proof_pending"] == 1 and monitor["web"]["pending"] == 0


# -- a real full disk ---------------------------------------------------------------------------

@pytest.fixture
def small_archive(tmp_path, monkeypatch):
    """A 2 MiB tmpfs as WARTA_ARCHIVE_DIR (root only), unmounted afterwards."""
    folder = tmp_path / "arsip"
    folder.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                                 capture_output=True, text=True, timeout=30)
    except OSError as exc:
        mounted = None
        reason = f"mount cannot run here: {exc}"
    else:
        reason = f"mount tmpfs not permitted: {mounted.stderr.strip() or mounted.returncode}"
    if mounted is None or mounted.returncode != 0:
        print(f"SKIP reason: {reason}")
        unavailable(reason)
    monkeypatch.setenv("WARTA_ARCHIVE_DIR", str(folder))
    yield folder
    subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


def _fill(folder: Path) -> Path:
    """Write a ballast file until the disk refuses more (ENOSPC)."""
    ballast = folder / "ballast.bin"
    chunk = b"\0" * 65536
    with open(ballast, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(chunk)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    return ballast


def test_full_archive_disk_during_a_burst_files_everything_after_space_returns(small_archive, home):
    assert home.settings.archive == small_archive.resolve()
    items = [home.approve(f"Semburan {n}", "web") for n in range(30)]
    ballast = _fill(small_archive)
    handle = start_all(home.settings, channels=["web"], renderer_override=REC, bb=home.bb())
    try:
        wait_until(lambda: _states(home, items).count("proof_pending") == 30, 120,
                   what="30 deliveries proof_pending while the archive is full")
        assert "parked" not in _states(home, items)
        assert _parked_messages(home) == []
        assert list(small_archive.rglob("manifest.json")) == []
        ballast.unlink()  # space returns; no person does anything else
        freed = time.monotonic()
        wait_until(lambda: home.all_confirmed(items), 30, interval=0.1,
                   what="every delivery confirmed after space returned")
        took = time.monotonic() - freed
    finally:
        handle.stop()
    assert not handle.errors
    print(f"30 proofs filed {took:.1f} s after space returned ({home.settings.broker.url})")
    assert len(list(small_archive.rglob("manifest.json"))) == 30
    assert verify_archive(small_archive) == []
    assert [p for p in small_archive.rglob("*") if p.name.endswith(".tmp")] == []
    assert _parked_messages(home) == []
    assert all(home.w.queries.get_item(i)["state"] == "disseminated" for i in items)
