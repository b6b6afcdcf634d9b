"""Proof of play on the videotron PC: a small HTTP endpoint the worker starts beside itself, which
serves the player page and its slides from the channel's output folder and takes the player's
``POST /play`` reports into the append-only log; and the thread that sends the screen's reports to
the archiver (a status at start and every few minutes, the day's proof of play once the day is
over), signed with the worker's receipt key.

The archiver side (:func:`file_screen_report`) checks the signature against the registry of
worker keys as for receipts, then files each announcement's day of plays beside its slides,
``archive/YYYY/MM/<number>/videotron/tayang/<day>-<screen>.jsonl`` with a summary ``.json``,
after checking the sha256 of every artifact as it does for receipts; and it keeps each screen's
last report in ``$WARTA_HOME/screens/<screen>.json`` for the monitor.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
import uuid
from datetime import date, datetime, time as dtime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

from channels.base import atomic_write
from channels.videotron.playlist import load_state
from channels.videotron.proof_of_play import (MAX_REPORTS, PlayLog, PlayRefused, ScreenReport,
                                              check_report, closed_days, daily_report)
from shared.messages import Kind
from shared.observability import get_logger
from shared.settings import VideotronSettings
from shared.slug import safe_slug
from shared.timefmt import aware, utcnow

log = get_logger(service_part="tayang")
MAX_BODY = 256 * 1024
"""Largest report request accepted (the player sends at most 100 reports, about 25 KiB)."""


class _Handler(SimpleHTTPRequestHandler):
    """GET: the output folder (no hidden paths: ``.state`` stays private). POST /play: reports."""

    service: "PlayService"

    def end_headers(self) -> None:  # noqa: D102 - the player polls; nothing may be cached
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_head(self):  # noqa: ANN201, D102
        parts = self.path.split("?", 1)[0].split("/")
        if any(p.startswith(".") for p in parts if p):
            self.send_error(404, "Tidak ditemukan")
            return None
        return super().send_head()

    def do_POST(self) -> None:  # noqa: N802, D102
        if self.path.split("?", 1)[0] != "/play":
            self._json(404, {"galat": "Alamat tidak dikenal"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_BODY:
            self._json(413 if length > MAX_BODY else 400, {"galat": "Ukuran laporan tidak sah"})
            return
        try:
            raw = json.loads(self.rfile.read(length))
        except ValueError:
            self._json(400, {"galat": "Laporan bukan JSON"})
            return
        reports = raw if isinstance(raw, list) else [raw]
        if len(reports) > MAX_REPORTS:
            self._json(400, {"galat": f"Paling banyak {MAX_REPORTS} laporan sekali kirim"})
            return
        written, refused = self.service.accept(reports)
        self._json(200, {"diterima": written, "ditolak": refused})

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002, ANN002, D102
        pass  # one line per slide and per poll would drown the worker's log


def publish_report(transport, body: bytes, message_id: str) -> None:  # noqa: ANN001
    """Put a screen report on the receipts queue of either transport (confirmed on RabbitMQ).
    The transports only publish receipts while settling a message, so this reaches into them;
    a ``publish_receipt`` on the Transport protocol would be the clean home for it."""
    if hasattr(transport, "_put"):  # embedded: a row in queue_messages
        transport._put(transport.names.receipts, body, message_id, 0, {})
        return
    import pika
    from pika.exceptions import AMQPConnectionError, ChannelClosed

    from workers.transport.topology import RECEIPT_KEY

    props = pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent, message_id=message_id,
                                 content_type="application/json")
    for attempt in (1, 2):
        try:
            transport._channel().basic_publish(transport.names.receipts, RECEIPT_KEY, body, props,
                                               mandatory=True)
            return
        except (AMQPConnectionError, ChannelClosed):
            # minutes between reports: the broker may have dropped the idle connection (missed
            # heartbeats); one fresh connection, then the caller's next round
            transport.close()
            if attempt == 2:
                raise


class PlayService:
    """The endpoint and the report sender of one screen (threads; :meth:`stop` ends them)."""

    def __init__(self, root: Path, state_dir: Path, transport, cfg: VideotronSettings,  # noqa: ANN001
                 timezone: str, key, worker_id: str) -> None:  # noqa: ANN001 - Ed25519PrivateKey
        self.root, self.cfg, self.transport, self.timezone = Path(root), cfg, transport, timezone
        self.key, self.worker_id = key, worker_id  # the worker's receipt key signs its reports
        self.folder = Path(state_dir) / "tayang"
        self.log = PlayLog(self.folder, timezone)
        self.host = socket.gethostname()
        self.screen = cfg.screen or self.host
        self.stop_event = threading.Event()
        self._status_sent: tuple[datetime | None, datetime | None] = (None, None)
        self._announced = False  # the first status goes out at start, even before any report
        self.server: ThreadingHTTPServer | None = None
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        """The player's address (after :meth:`start`)."""
        host, port = self.server.server_address[:2] if self.server else ("", 0)
        if isinstance(host, bytes):  # an AF_INET server's address is text; the type allows bytes
            host = host.decode()
        return f"http://{host}:{port}/"

    def start(self) -> "PlayService":
        """Listen and start sending; writes ``tayang/endpoint.json`` with the address."""
        handler = type("PlayHandler", (_Handler,), {"service": self})
        self.server = ThreadingHTTPServer((self.cfg.play_host, self.cfg.play_port),
                                          partial(handler, directory=str(self.root)))
        self.server.daemon_threads = True
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write(self.folder / "endpoint.json",
                     json.dumps({"url": self.url, "screen": self.screen}).encode())
        for name, target in (("http", self.server.serve_forever), ("sender", self._loop)):
            thread = threading.Thread(target=target, name=f"warta-tayang-{name}", daemon=True)
            thread.start()
            self.threads.append(thread)
        log.info("play_endpoint_started", url=self.url, screen=self.screen)
        return self

    def stop(self) -> None:
        """Stop listening and sending."""
        self.stop_event.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        for thread in self.threads:
            thread.join(10)

    def accept(self, reports: list) -> tuple[int, list[str]]:
        """Check the player's reports against the announcements on air and log the good ones;
        returns (lines written, reasons of the refused)."""
        items = load_state(self.root)
        good, refused = [], []
        for raw in reports:
            try:
                good.append(check_report(raw, items))
            except PlayRefused as exc:
                refused.append(str(exc))
        return (self.log.append(good) if good else 0), refused

    def send_daily(self, day: date) -> ScreenReport:
        """Send the proof of play of ``day`` (also for a day not over yet, e.g. on request; a later
        report of the same day replaces the filed one) and mark the day sent."""
        report = daily_report(self.log, day, self.screen, self.host, str(uuid.uuid4()),
                              self.timezone).signed(self.key, self.worker_id)
        publish_report(self.transport, report.to_wire(), report.message_id)
        atomic_write(self.folder / f"{day.isoformat()}.sent", report.message_id.encode())
        log.info("play_daily_sent", day=day.isoformat(), items=len(report.items),
                 plays=sum(i.plays for i in report.items))
        return report

    def send_status(self, now: datetime | None = None) -> ScreenReport | None:
        """Tell the archiver when the screen last reported: once at start (so a screen whose
        page never reports is listed, and shown silent), then at most every ``status_minutes``
        and only when something new arrived. Returns the report sent, or None."""
        now = now or utcnow()
        last = self.log.last_received()
        sent_last, sent_at = self._status_sent
        if self._announced and (last is None or last == sent_last or (
                sent_at and (now - sent_at).total_seconds() < self.cfg.status_minutes * 60)):
            return None
        report = ScreenReport(message_id=str(uuid.uuid4()), screen=self.screen, host=self.host,
                              at=now, last_shown_at=last, timezone=self.timezone
                              ).signed(self.key, self.worker_id)
        publish_report(self.transport, report.to_wire(), report.message_id)
        self._status_sent, self._announced = (last, now), True
        return report

    def _loop(self) -> None:
        while True:
            try:
                self.send_status()
                sent = {date.fromisoformat(p.stem) for p in self.folder.glob("*.sent")}
                for day in closed_days(self.log, sent, utcnow()):
                    self.send_daily(day)
            except Exception as exc:  # noqa: BLE001 - a broker hiccup: try again next round
                log.warning("play_report_failed", error=repr(exc))
            if self.stop_event.wait(min(60.0, self.cfg.status_minutes * 60)):
                return


def start_for(worker) -> PlayService | None:  # noqa: ANN001 - workers.runtime.ChannelWorker
    """Start the proof-of-play endpoint for a videotron worker, or None (another channel or
    renderer, or ``WARTA_VIDEOTRON_PLAY_REPORT=false``). It publishes over its own transport: a
    pika connection is never shared between threads."""
    from channels.videotron.render import VideotronRenderer
    from workers.transport import make_transport

    renderer = getattr(worker.renderer, "inner", worker.renderer)
    if worker.channel != "videotron" or not isinstance(renderer, VideotronRenderer):
        return None
    cfg = renderer.settings
    if not cfg.play_report:
        return None
    transport = make_transport(worker.settings, worker.bb, "worker-videotron-tayang")
    service = PlayService(renderer.root, worker.bb.state_dir(worker.settings, "videotron"),
                          transport, cfg, worker.settings.timezone, worker.receipt_key,
                          worker.worker_id)
    try:
        return service.start()
    except OSError as exc:  # port taken: the worker still renders; the monitor will show silence
        log.error("play_endpoint_failed", error=repr(exc), port=cfg.play_port)
        return None


# -- the archiver's side ----------------------------------------------------------------------------


def file_screen_report(settings, ctx, body: bytes, verifier=None) -> str:  # noqa: ANN001
    """File a :class:`ScreenReport` (archiver; ``settings``, ``ctx``: its Settings and service context): only
    one signed by a worker registered for the videotron (``verifier``: the archiver's
    :class:`~shared.receipt_keys.ReceiptVerifier`, default the registry under ``$WARTA_HOME``);
    then each announcement's plays beside its slides, after checking its sha256 and that the key
    and version name an announcement with that number; and the screen's last report for the
    monitor. Returns ``filed``, ``status`` or ``rejected``."""
    from sqlalchemy import select

    from shared.models import Announcement
    from shared.receipt_keys import ReceiptVerifier, registry_dir
    from workers.archiver import proof_dir

    try:
        report = ScreenReport.model_validate_json(body)
    except ValueError as exc:
        log.error("screen_report_undecodable", error=str(exc).splitlines()[0][:200])
        return "rejected"
    verifier = verifier or ReceiptVerifier(registry_dir(settings.home))
    refusal = verifier.refusal(report)  # the same check as receipts: signature of a known worker
    if refusal is not None:
        log.error("screen_report_rejected", screen=report.screen, worker=report.worker,
                  reason=refusal)
        return "rejected"
    _record_status(settings.home / "screens", report)
    if report.day is None:
        return "status"
    try:
        zone = ZoneInfo(report.timezone)
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError: file by our own zone
        zone = ZoneInfo(settings.timezone)
    noon = datetime.combine(report.day, dtime(12), zone)
    # the file name is ours, never the report's: day and screen, as slugs
    name = f"{report.day.isoformat()}-{safe_slug(report.screen, 60)}.jsonl"
    with ctx.read() as s:
        known = {(k, v): n for k, v, n in s.execute(
            select(Announcement.key, Announcement.version, Announcement.number)
            .where(Announcement.key.in_({i.key for i in report.items})))}
    for item in report.items:
        data = base64.b64decode(item.artifact.data_b64 or "")
        number = known.get((item.key, item.version))
        if number is None or hashlib.sha256(data).hexdigest() != item.artifact.sha256:
            log.error("screen_report_rejected", key=item.key, version=item.version,
                      reason="unknown announcement" if number is None else "checksum mismatch")
            continue
        folder = proof_dir(settings.archive, number, "videotron", Kind.PUBLISH, noon,
                           settings.timezone) / "tayang"
        atomic_write(folder / name, data)
        summary = {"screen": report.screen, "host": report.host, "day": report.day.isoformat(),
                   "number": number, "key": item.key, "version": item.version,
                   "plays": item.plays, "seconds": item.seconds,
                   "first_at": item.first_at.isoformat(), "last_at": item.last_at.isoformat(),
                   "file": name, "sha256": item.artifact.sha256, "message_id": report.message_id,
                   "sent_at": report.at.isoformat()}
        atomic_write(folder / (Path(name).stem + ".json"),
                     json.dumps(summary, ensure_ascii=False, indent=2).encode())
    log.info("screen_report_filed", screen=report.screen, day=report.day.isoformat(),
             items=len(report.items))
    return "filed"


def _record_status(folder: Path, report: ScreenReport) -> None:
    """Keep the newest ``last_shown_at`` of the screen (reports may arrive out of order)."""
    path = folder / f"{safe_slug(report.screen, 60)}.json"
    try:
        held = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        held = {}
    last = report.last_shown_at
    if held.get("last_shown_at") and (last is None or
                                      datetime.fromisoformat(held["last_shown_at"]) >= aware(last)):
        last = datetime.fromisoformat(held["last_shown_at"])
    atomic_write(path, json.dumps({
        "screen": report.screen, "host": report.host,
        "last_shown_at": last.isoformat() if last else None,
        "reported_at": report.at.isoformat()}, ensure_ascii=False).encode())


__all__ = ["PlayService", "file_screen_report", "publish_report", "start_for"]
