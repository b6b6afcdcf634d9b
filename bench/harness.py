"""Shared plumbing of the pipeline benchmark and the fault suite: the machine's description, a demo
home with its account ids, backbone services as real subprocesses (``warta relay``, ``warta worker
CHANNEL``, ``warta archiver``), waiting on a condition with a deadline, peak RSS of a process, and the
removal of one run's RabbitMQ queues and exchanges (every run uses its own ``WARTA_AMQP_PREFIX``)."""

from __future__ import annotations

import functools
import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROKER_URL = os.environ.get("WARTA_BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
CHANNELS = ["videotron", "radio", "web", "print"]
CONSOLE_LINE = re.compile(r"^(\d{4}-\d\d-\d\d[ T]\S+) \[(\w+)\s*\] (\S+)\s*(.*)$")
CONSOLE_KV = re.compile(r"(\w+)=('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\S*)")


def machine() -> dict:
    """nproc, memory, CPU model, Python, RabbitMQ version, load average and date of this run."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
    return {"nproc": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1), "cpu": cpu,
            "python": platform.python_version(), "rabbitmq": rabbitmq_version(),
            "loadavg": [round(x, 2) for x in os.getloadavg()],
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}


@functools.lru_cache(maxsize=1)
def rabbitmq_version() -> str:
    """The broker's version as it announces itself on connect (``unknown`` when unreachable)."""
    try:
        import pika

        params = pika.URLParameters(BROKER_URL)
        params.socket_timeout, params.stack_timeout, params.connection_attempts = 3, 6, 1
        conn = pika.BlockingConnection(params)
        try:
            props = conn._impl.server_properties  # what the broker sent in connection.start
            version = props.get("version", b"unknown")
            return version.decode() if isinstance(version, bytes) else str(version)
        finally:
            conn.close()
    except Exception:  # noqa: BLE001 - the benchmark still runs the embedded half
        return "unknown"


def wait_for(condition, timeout: float, what: str, interval: float = 0.02):  # noqa: ANN001, ANN201
    """Poll ``condition`` until truthy; raise TimeoutError naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)  # polling interval of the wait, not synchronisation


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM (peak resident set) of a live process in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


@dataclass
class Run:
    """One isolated run: a demo home in ``workdir``, a transport and a unique AMQP prefix."""

    workdir: Path
    transport: str  # "embedded" or "amqp"
    extra_env: dict = field(default_factory=dict)
    prefix: str = field(default_factory=lambda: f"wb{uuid.uuid4().hex[:10]}")
    procs: dict = field(default_factory=dict)

    def env(self) -> dict:
        """The environment of this run's processes."""
        return {**os.environ, "WARTA_HOME": str(self.workdir / "home"), "WARTA_AMQP_PREFIX": self.prefix,
                "WARTA_BROKER": BROKER_URL if self.transport == "amqp" else "embedded",
                "WARTA_RADIO_TTS": "none", "WARTA_METRICS_PORT": "0", **self.extra_env}

    def setup(self) -> None:
        """Create the demo home and log in the demo accounts (ids for the approval chain)."""
        os.environ.update({k: v for k, v in self.env().items() if k.startswith("WARTA_")})
        from shared.bootstrap import init_home
        from shared.config import get_settings
        from shared.services.root import Services

        self.settings = get_settings()
        accounts = init_home(self.settings, demo=True)
        self.w = Services.build(self.settings)
        self.ids = {a["username"]: self.w.users.authenticate(a["username"], a["password"]).id
                    for a in accounts}

    def spawn(self, name: str, *args: str, env: dict | None = None) -> subprocess.Popen:
        """Start ``warta <args>`` as a subprocess named ``name`` (log under the workdir)."""
        log = open(self.workdir / f"{name}.log", "ab")
        proc = subprocess.Popen([sys.executable, "-m", "warta.cli", *args], cwd=ROOT,
                                env={**self.env(), **(env or {})}, stdout=log, stderr=log,
                                start_new_session=True)
        self.procs[name] = proc
        return proc

    def start_services(self, renderer: str | None = None, channels: list[str] = CHANNELS) -> None:
        """Relay, archiver and one worker process per channel."""
        self.spawn("relay", "relay")
        self.spawn("archiver", "archiver")
        for ch in channels:
            self.spawn(f"worker-{ch}", "worker", ch, *(["--renderer", renderer] if renderer else []))

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> int | None:
        """Signal one of our processes and wait for it."""
        proc = self.procs.get(name)
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(sig)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait(10)

    def stop_all(self) -> None:
        """Stop every process this run started."""
        for name in list(self.procs):
            self.stop(name)

    def log_events(self, name: str, event: str) -> list[dict]:
        """Log lines of one process with ``event``: JSON lines, and also structlog's console lines
        (``<date> <time> [level   ] event  key=value ...``) — the relay's and the archiver's
        module-level loggers are bound before the services configure JSON logging, so their lines
        come out in the console format whatever ``WARTA_LOG_FORMAT`` says."""
        path = self.workdir / f"{name}.log"
        found = []
        for line in path.read_text(errors="replace").splitlines() if path.exists() else []:
            try:
                rec = json.loads(line)
            except ValueError:
                m = CONSOLE_LINE.match(line)
                if m is None:
                    continue
                rec = {"timestamp": m.group(1), "level": m.group(2), "event": m.group(3),
                       **{k: v.strip("'\"") for k, v in CONSOLE_KV.findall(m.group(4))}}
            if isinstance(rec, dict) and rec.get("event") == event:
                found.append(rec)
        return found

    # -- the approval chain --------------------------------------------------------------------

    def draft(self, title: str, channels: list[str] = CHANNELS, body: str = "Isi pengumuman uji beban.",
              klasifikasi: str = "berkala") -> int:
        """Draft, submit and pass the first two reviewers; the final approval is left to the caller."""
        w, ids = self.w, self.ids
        item = w.drafting.create_item(ids["pelaksana1"], title=title, body=body, summary="",
                                      klasifikasi=klasifikasi, sasaran="masyarakat", channels=channels)
        w.review.submit(ids["pelaksana1"], item)
        for reviewer in ("kabid1", "sekretaris1"):
            w.review.approve(ids[reviewer], item)
        return item

    def final_approve(self, item: int) -> None:
        """The Kepala Dinas' approval: the outbox rows are written in this transaction."""
        self.w.review.approve(self.ids["kadis1"], item)

    def delivery_counts(self) -> dict[str, int]:
        """Deliveries per state."""
        from sqlalchemy import func, select

        from shared.models import Delivery

        with self.w.ctx.read() as s:
            return dict(s.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all())

    def item_done(self, item: int) -> bool:
        """True when every delivery of ``item`` is confirmed."""
        return all(d["state"] == "confirmed" for d in self.w.queries.get_item(item)["deliveries"])

    def cleanup_broker(self) -> int:
        """Delete this run's queues and exchanges from RabbitMQ; returns queues deleted."""
        return delete_prefix(self.prefix)


def delete_prefix(prefix: str) -> int:
    """Delete the topology of ``prefix`` (and its baseline queue) from the local RabbitMQ."""
    import pika

    from shared.config import get_settings
    from workers.transport.topology import definitions

    bb = get_settings().broker
    defs = definitions(prefix, sorted(set(bb.tiers) | {1, 2, 10, 60, 300, 1800}), bb.delivery_limit)
    queues = [q["name"] for q in defs["queues"]] + [f"{prefix}.baseline"]
    deleted = 0
    conn = pika.BlockingConnection(pika.URLParameters(BROKER_URL))
    try:
        for name in queues:
            ch = conn.channel()
            try:
                ch.queue_delete(name)
                deleted += 1
            except Exception:  # noqa: BLE001 - never declared in this run
                pass
            if ch.is_open:
                ch.close()
        for e in defs["exchanges"]:
            ch = conn.channel()
            ch.exchange_delete(e["name"])
            if ch.is_open:
                ch.close()
    finally:
        conn.close()
    return deleted
