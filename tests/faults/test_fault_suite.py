"""The fault suite (``make faults``): announcements — publications, ralat and revocations — flow
through real subprocess services with the REAL renderers of all four channels (radio without
speech synthesis: WARTA_RADIO_TTS=none) and a fake ``lp``, while services are SIGKILLed at random
times (inside renders too: WARTA_RENDER_DELAY), disks fill up, forged receipts and messages are
injected, a suite-owned broker node is killed and restarted, and one node of a suite-owned
three-node cluster dies. After each run the ledger is read from the public artifacts and the
history is checked (tests/faults/harness.py); the row goes to bench/results/faults.json and, at
the end of the session, into docs/RELIABILITY.md (tests/faults/conftest.py).

The machine's own RabbitMQ node is never stopped: the broker faults run on nodes the suite starts
(tests/ops/cluster.py)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from bench.harness import CHANNELS, wait_for
from tests.conftest import unavailable
from tests.faults.harness import (SERVICES, Chaos, Workload, audit_actions, broker_up, check,
                                  deliveries, ledger, lp_jobs, n_announcements, new_run,
                                  person_redrives, record, redrive_note, settle)

pytestmark = pytest.mark.faults
TRANSPORTS = ["embedded", "amqp"]
SLOW = {"WARTA_RENDER_DELAY": "0.3", "WARTA_FAULT_DELAY_AFTER": "0.5"}
"""Renders slow enough for a random kill to land inside them: 0.15 s before the real render and
0.15 s after it (files written, no receipt yet)."""
NO_AFTER = {"worker-print": {"WARTA_FAULT_DELAY_AFTER": "0"}}
"""The print worker gets no extra window after ``lp`` here: a kill there leaves a job that may have
printed, which Warta parks for a person (the PPID declares it printed: ``person_redrives``) — that
case has its own scenario below; the natural window (lp's exit, checksums, the inbox's fsync) stays."""


def settle_with_person(run, timeout: float) -> tuple[bool, dict, list[str]]:  # noqa: ANN001
    """Settle; then the PPID looks at the parked paper jobs (``person_redrives``) and the run
    settles again — at most three rounds (a redriven job may be parked again)."""
    settled = settle(run, timeout)
    total: dict = {}
    left: list[str] = []
    for _ in range(3):
        done_by, left = person_redrives(run)
        if not done_by:
            break
        for k, v in done_by.items():
            total[k] = total.get(k, 0) + v
        settled = settle(run, 180)
    return settled, total, left


@pytest.fixture(autouse=True)
def _environment():
    """Run.setup exports the run's WARTA_* settings into this process: undone after each test."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(params=TRANSPORTS)
def transport(request):
    """Each scenario over the embedded transport and over RabbitMQ."""
    if request.param == "amqp" and not broker_up():
        unavailable("RabbitMQ does not answer at 127.0.0.1:5672")
    return request.param


def _seed() -> int:
    return int(os.environ.get("WARTA_FAULTS_SEED") or random.randrange(1 << 30))


def drive(tmp: Path, transport: str, scenario: str, n: int, *, kill_every=None, min_kills: int = 0,  # noqa: ANN001, PLR0913
          on_half=None, notes: list[str] | None = None, svc_env: dict | None = None,  # noqa: ANN001
          settle_s: float = 300, cleanup=True, **env: str) -> dict:
    """One run: the workload, chaos while it plays, the person's redrive of parked paper jobs that
    did not print, then the ledger and the history check. Returns the row (recorded)."""
    seed = _seed()
    notes = list(notes or [])
    run = new_run(tmp, transport, **env)
    workload = Workload(run, n, seed)
    chaos = Chaos(run, seed, kill_every, svc_env)
    chaos.start_services()
    chaos.start()
    try:
        workload.play(on_half)
        if kill_every:  # keep killing until enough kills landed, at most 90 s more
            try:
                wait_for(lambda: sum(chaos.kills.values()) >= min_kills, 90, f"{min_kills} kills",
                         interval=0.2)
            except TimeoutError:
                pass
            chaos.killing = False
        settled, redriven, left = settle_with_person(run, settle_s)
        notes += left
    finally:
        chaos.stop()
        run.stop_all()
    if kill_every:
        notes.insert(0, f"{sum(chaos.kills.values())} SIGKILLs ("
                     + ", ".join(f"{k} {v}" for k, v in sorted(chaos.kills.items())) + ")")
    if chaos.restarts:
        notes.append(f"restarted after exiting: {dict(chaos.restarts)}")
    notes.append(f"{len(workload.items)} publications, {len(workload.ralats)} ralat, "
                 f"{len(workload.revoked)} revocations; seed {seed}")
    notes.append(redrive_note(redriven))
    if workload.refused:
        notes.append(f"{workload.refused} approval attempts refused while the disk was full")
    if not settled:
        notes.append("NOT settled before the deadline")
    row = ledger(run, scenario, notes)
    record(transport, row)
    if transport == "amqp" and cleanup:
        run.cleanup_broker()
    return row


# -- kills ---------------------------------------------------------------------------------------


def test_random_sigkills(transport, tmp_path) -> None:
    """SIGKILL of the relay, every worker and the archiver at random times (every 0.4–1.6 s),
    renders slow enough that kills land inside them; a supervisor restarts each at once."""
    row = drive(tmp_path, transport, "SIGKILL at random times (relay, 4 workers, archiver)",
                n_announcements(16), kill_every=(0.4, 1.6), min_kills=14, svc_env=NO_AFTER, **SLOW)
    check(row)


def test_print_killed_after_paper(transport, tmp_path) -> None:
    """The print worker is SIGKILLed after ``lp`` accepted the job and before the receipt. The
    redelivery is parked "mungkin sudah tercetak"; the PPID finds the job in the printer's log and
    declares it printed (``warta redrive ID --printed``): confirmed with no second paper job."""
    seed = _seed()
    run = new_run(tmp_path, transport)
    chaos = Chaos(run, seed, None, {"worker-print": {"WARTA_RENDER_DELAY": "5",
                                                     "WARTA_FAULT_DELAY_AFTER": "1"}})
    items = [run.draft(f"Cetak {i}", ["print"]) for i in range(3)]
    for item in items:
        run.final_approve(item)
    chaos.start_services()
    try:
        wait_for(lambda: len(lp_jobs(run)) >= 1, 120, "the first paper job")
        proc = run.procs["worker-print"]
        os.killpg(proc.pid, signal.SIGKILL)  # inside the 5 s after lp: paper out, no receipt
        proc.wait(30)
        chaos.env = {}
        chaos.start()  # the supervisor restarts it without the delay
        settled, redriven, left = settle_with_person(run, 180)
    finally:
        chaos.stop()
        run.stop_all()
    row = ledger(run, "print worker SIGKILLed after lp, before its receipt", [
        "1 SIGKILL inside a 5 s window after lp returned", redrive_note(redriven)] + left
        + ["" if settled else "NOT settled before the deadline", f"seed {seed}"])
    record(transport, row)
    if transport == "amqp":
        run.cleanup_broker()
    check(row)
    assert redriven.get("printed", 0) >= 1, f"the kill left no job to declare printed: {row}"


# -- full disks ----------------------------------------------------------------------------------


class Tmpfs:
    """A small tmpfs (root only) that can be filled with ballast and freed."""

    def __init__(self, path: Path, size: str = "8m") -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True).returncode != 0:
            unavailable("cannot mount a tmpfs here (needs root)")

    def fill(self) -> None:
        """Write ballast to the last byte."""
        fd = os.open(self.path / "ballast", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:  # raw writes: no buffered close that raises ENOSPC again
            while True:
                os.write(fd, b"\0" * 16384)
        except OSError:
            pass
        finally:
            os.close(fd)

    def free(self) -> None:
        """The operator frees space."""
        (self.path / "ballast").unlink(missing_ok=True)

    def umount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


def _log_mentions(run, text: str) -> bool:  # noqa: ANN001
    return any(text in (run.workdir / f"{name}.log").read_text(errors="replace")
               for name in SERVICES if (run.workdir / f"{name}.log").exists())


def _logged(run, event: str) -> bool:  # noqa: ANN001
    return any(run.log_events(name, event) for name in SERVICES)


def test_output_disk_full(transport, tmp_path) -> None:
    disk = Tmpfs(tmp_path / "out-disk", "8m")
    try:
        def fill(run) -> None:  # noqa: ANN001
            disk.fill()
            wait_for(lambda: _logged(run, "render_transient"), 120, "a render failing on the full disk",
                     interval=0.2)
            disk.free()
        row = drive(tmp_path / "run", transport, "output disk full (tmpfs 8 MiB)", n_announcements(10),
                    on_half=fill, notes=["output tmpfs filled with ballast at half the approvals; "
                                         "freed once a render failed (ENOSPC)"],
                    WARTA_OUTPUT_DIR=str(disk.path))
    finally:
        disk.umount()
    check(row)


def test_archive_disk_full(transport, tmp_path) -> None:
    """The archive's disk fills at half the approvals (one more announcement is approved while it is
    full, so receipts certainly arrive): the archiver defers those proofs (delivery state
    ``proof_pending``, workers/archiver.py logs ``proof_deferred``) and files them through the retry
    tiers once the space is back; nothing is parked, every confirmation ends with its proof."""
    disk = Tmpfs(tmp_path / "archive-disk", "8m")
    pending_seen: list[int] = []
    runs: list = []
    try:
        def fill(run) -> None:  # noqa: ANN001
            runs.append(run)
            disk.fill()
            run.final_approve(run.draft("Saat disk arsip penuh", CHANNELS))

            def pending() -> int:
                return sum(1 for d in deliveries(run) if d["state"] == "proof_pending")
            pending_seen.append(wait_for(pending, 120, "a delivery in proof_pending on the full disk",
                                         interval=0.2))
            disk.free()
        notes = ["archive tmpfs filled at half the approvals (one more approved while full); freed "
                 "once a delivery was proof_pending"]
        row = drive(tmp_path / "run", transport, "archive disk full (tmpfs 8 MiB)", n_announcements(10),
                    on_half=fill, notes=notes, WARTA_ARCHIVE_DIR=str(disk.path))
    finally:
        disk.umount()
    deferred = len(runs[0].log_events("archiver", "proof_deferred")) if runs else 0
    row["notes"] += (f"; {pending_seen[0] if pending_seen else 0} deliveries proof_pending when freed; "
                     f"{deferred} proof_deferred events in the archiver's log")
    record(transport, row)
    check(row)
    assert pending_seen, "no proof was deferred while the archive disk was full"


def test_database_disk_full(transport, tmp_path) -> None:
    disk = Tmpfs(tmp_path / "db-disk", "16m")
    seen: list[str] = []
    try:
        def fill_then_refuse(run) -> None:  # noqa: ANN001
            disk.fill()
            try:
                run.draft("Saat disk basis data penuh", CHANNELS)
                seen.append("a draft was saved although the database disk was full")
            except Exception as exc:  # noqa: BLE001 - sqlite: database or disk is full
                seen.append(f"a draft was refused while full ({type(exc).__name__})")
            try:  # let the services meet the full disk too (their writes fail and are retried)
                wait_for(lambda: _log_mentions(run, "full"), 20, "a service meeting the full disk",
                         interval=0.2)
                seen.append("services logged 'disk full' errors")
            except TimeoutError:
                seen.append("no service wrote during the full-disk window")
            disk.free()
        row = drive(tmp_path / "run", transport, "database disk full (SQLite on tmpfs 16 MiB)",
                    n_announcements(10), on_half=fill_then_refuse,
                    WARTA_DATABASE_URL=f"sqlite:///{disk.path}/warta.db")
    finally:
        disk.umount()
    # drive() copied its notes before the fault: what was seen during it is added here
    row["notes"] = "; ".join(["database tmpfs filled at half the approvals, freed after the "
                              "services met it", *seen, row["notes"]])
    record(transport, row)
    check(row)


# -- forged receipts and forged messages ---------------------------------------------------------


def _inject_receipt(run, body: bytes) -> None:  # noqa: ANN001
    """Put a receipt on the receipts queue as a worker would (the archiver must refuse it)."""
    from workers.transport import make_transport

    t = make_transport(run.settings, role="faults-forge")
    t.declare()
    try:
        if run.transport == "embedded":
            t._put(t.names.receipts, body, str(uuid.uuid4()), 0, {})
        else:
            import pika

            from workers.transport.topology import RECEIPT_KEY

            conn = pika.BlockingConnection(pika.URLParameters(run.env()["WARTA_BROKER"].split(",")[0]))
            ch = conn.channel()
            ch.confirm_delivery()
            ch.basic_publish(t.names.receipts, RECEIPT_KEY, body,
                             pika.BasicProperties(message_id=str(uuid.uuid4()), delivery_mode=2),
                             mandatory=True)
            conn.close()
    finally:
        t.close()


def test_forged_receipts_and_messages(transport, tmp_path) -> None:
    """Forged receipts (unsigned; signed by an unregistered key) claiming real deliveries, and
    forged messages that reuse REAL message ids (signed by another key; unsigned) published to the
    channel queues before the real ones: none may change anything — no delivery state, no audit
    event, no worker inbox row, no byte of public output."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from shared.messages import Envelope, Outcome, Receipt, sign
    from shared.receipt_keys import sign_receipt
    from shared.timefmt import utcnow
    from shared.models import OutboxRow
    from sqlalchemy import select
    from workers.transport import make_transport

    seed = _seed()
    run = new_run(tmp_path, transport)
    chaos = Chaos(run, seed)
    other = Ed25519PrivateKey.generate()
    items = [run.draft(f"Asli {i}", CHANNELS) for i in range(6)]
    for item in items:  # approved while nothing runs: their outbox rows wait with their ids
        run.final_approve(item)
    with run.w.ctx.read() as s:
        rows = s.execute(select(OutboxRow)).scalars().all()
        real = [(r.channel, r.message_id, r.payload) for r in rows]
    t = make_transport(run.settings, role="faults-forge")
    t.declare()
    forged_msgs = 0
    for channel, mid, payload in real:  # forged copies go out BEFORE the relay publishes the real
        env = Envelope.model_validate_json(payload if isinstance(payload, (bytes, str))
                                           else json.dumps(payload))
        snap = env.announcement.model_copy(update={"title": "PALSU judul disisipkan",
                                                   "body": "PALSU isi disisipkan",
                                                   "version": env.announcement.version + 5})
        fake = sign(env.model_copy(update={"announcement": snap}), other)
        t.publish_dispatch(channel, fake.to_wire(), mid, 9, {})
        unsigned = json.loads(fake.to_wire())
        unsigned["sig"] = ""
        t.publish_dispatch(channel, json.dumps(unsigned).encode(), mid, 9, {})
        forged_msgs += 2
    t.close()
    forged_receipts = 0
    for channel, mid, payload in real:
        env = Envelope.model_validate_json(payload if isinstance(payload, (bytes, str))
                                           else json.dumps(payload))
        snap = env.announcement
        receipt = Receipt(message_id=mid, announcement_id=snap.id, announcement_key=snap.key,
                          number=snap.number, channel=channel, kind=env.kind,
                          outcome=Outcome.CONFIRMED, version=snap.version, attempt=0,
                          artifacts=[], at=utcnow(), host="penyusup")
        _inject_receipt(run, receipt.to_wire())  # unsigned
        _inject_receipt(run, sign_receipt(receipt, other, channel).to_wire())  # unregistered key
        parked = receipt.model_copy(update={"outcome": Outcome.PARKED, "reason": "palsu"})
        _inject_receipt(run, sign_receipt(parked, other, channel).to_wire())
        forged_receipts += 3
    # the archiver alone first: every forged receipt must be refused while no worker has run
    chaos.r.spawn("archiver", "archiver")
    try:
        wait_for(lambda: len(run.log_events("archiver", "receipt_rejected")) >= forged_receipts, 120,
                 "every forged receipt rejected", interval=0.2)
        untouched = all(d["state"] == "pending" for d in deliveries(run))
    finally:
        run.stop("archiver")  # the services start below with a new one
    chaos.start_services()
    chaos.start()

    def forged_parked() -> int:
        """Forged messages the workers refused (``envelope_rejected``: parked, no render)."""
        return sum(len(run.log_events(f"worker-{ch}", "envelope_rejected")) for ch in CHANNELS)
    try:
        settled = settle(run, 240)
        try:  # the deliveries may settle before the last forgery left its queue
            wait_for(lambda: forged_parked() >= forged_msgs, 60, "every forged message refused",
                     interval=0.2)
        except TimeoutError:
            pass
        refused_msgs = forged_parked()
    finally:
        chaos.stop()
        run.stop_all()
    changed = audit_actions(run, set(items), {"delivery_parked", "delivery_retrying"})
    inbox_rows = []
    for channel in CHANNELS:
        db = run.settings.home / f"worker-{channel}" / "inbox.db"
        if db.exists():
            con = sqlite3.connect(db)
            inbox_rows += [r for r in con.execute("SELECT channel, message_id, state FROM messages")
                           if r[1] in {m for _, m, _ in real} and r[2] != "done"]
            con.close()
    palsu = [str(p) for p in run.settings.out.rglob("*") if p.is_file() and p.suffix in
             (".xml", ".json", ".html", ".txt", ".md") and b"PALSU" in p.read_bytes()]
    notes = [f"{forged_receipts} forged receipts (unsigned, unregistered key) and {forged_msgs} forged "
             f"messages reusing the {len(real)} real message ids (another key, unsigned), injected "
             "before the real ones; forged receipts rejected before any worker ran: "
             f"{'deliveries untouched' if untouched else 'A DELIVERY CHANGED'}",
             f"forged messages refused by the workers (envelope_rejected): {refused_msgs}/{forged_msgs}",
             f"audit events on real announcements caused by forgeries: {len(changed)}",
             f"worker inbox rows of real messages not 'done': {len(inbox_rows)}",
             f"files with forged text: {len(palsu)}", "" if settled else "NOT settled", f"seed {seed}"]
    row = ledger(run, "forged receipts + forged messages with real ids", notes)
    row["forgery_effects"] = len(changed) + len(inbox_rows) + len(palsu) + (not untouched)
    record(transport, row)
    if transport == "amqp":
        run.cleanup_broker()
    check(row)
    assert untouched, "a forged receipt changed a delivery"
    assert not palsu, palsu
    assert not changed, f"forged messages changed real deliveries (audit): {changed[:5]}"
    assert not inbox_rows, f"forged messages changed the workers' inboxes: {inbox_rows[:5]}"
    assert refused_msgs == forged_msgs, f"{refused_msgs} of {forged_msgs} forged messages refused"


# -- the broker: a node of our own, and a cluster of our own -------------------------------------


def _own_cluster(size: int):  # noqa: ANN202
    from tests.ops.cluster import Cluster
    from tests.ops.test_cluster import _require_rabbitmq

    _require_rabbitmq()
    cluster = Cluster.create(size)
    try:
        cluster.start()
    except BaseException:
        cluster.close()
        raise
    return cluster


def test_broker_node_killed_and_restarted(tmp_path) -> None:
    """RabbitMQ only, on a node the suite starts (own name, ports, data): SIGKILLed at half the
    approvals while approvals go on (the outbox holds them), started again with its data."""
    cluster = _own_cluster(1)
    node = cluster.nodes[0]
    try:
        def bounce(run) -> None:  # noqa: ANN001
            cluster.kill(node)
            for i in range(2):  # approvals keep working while the broker is down
                run.final_approve(run.draft(f"Saat broker mati {i}", CHANNELS))
            cluster.start_node(node)
            cluster.await_node(node)
        row = drive(tmp_path, "amqp", "broker node SIGKILLed + restarted (own node)", n_announcements(12),
                    on_half=bounce, cleanup=False, notes=[f"node {node.name} on port {node.amqp_port}"],
                    WARTA_BROKER=node.url, **SLOW)
    finally:
        cluster.close()
    check(row)


def test_cluster_node_killed(tmp_path) -> None:
    """RabbitMQ only: a three-node cluster the suite starts (tests/ops/cluster.py); every service
    is given the three addresses and connects to the first; that node is SIGKILLed at half the
    approvals. The topology is declared through the third node first, so the classic queues
    (retry waits, parking) live on a node that survives (see tests/ops/test_cluster.py's xfail)."""
    from shared.config import get_settings
    from tests.ops.test_cluster import _declare_via

    cluster = _own_cluster(3)
    c1, _, c3 = cluster.nodes
    prefix = f"wb{uuid.uuid4().hex[:10]}"
    try:
        os.environ["WARTA_AMQP_PREFIX"] = prefix
        _declare_via(c3, prefix, get_settings().broker)
        row = drive(tmp_path, "amqp", "cluster: the services' node SIGKILLed (3 own nodes)",
                    n_announcements(12), on_half=lambda run: cluster.kill(c1), cleanup=False,
                    notes=["first node of WARTA_BROKER killed at half the approvals"],
                    WARTA_BROKER=",".join(n.url for n in cluster.nodes), WARTA_AMQP_PREFIX=prefix,
                    **SLOW)
    finally:
        cluster.close()
    check(row)
