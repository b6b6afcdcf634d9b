"""Top-level commands of the backbone: relay, worker, archiver, run, deliveries, redrive.

``warta topology export`` lives in warta/cmd_topology.py and calls
workers.transport.topology.definitions; every service declares the topology at start."""

from __future__ import annotations

import signal
import threading
from typing import NoReturn, Optional

import typer

from shared.config import Settings
from shared.i18n import _
from shared.vocab import DeliveryState
from warta.cmd_setup import require_profile
from warta.common import emit, fail, guarded, services, settings


def _stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT: the service finishes the message in hand and exits."""
    stop = threading.Event()

    def handler(signum, _frame) -> None:  # noqa: ANN001
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return stop


def _start(service: str, cfg: Settings | None = None, metrics: bool = True):  # noqa: ANN202
    """Settings (``cfg``, default: the configured ones), their broker section, logging and (a
    long-running service: ``metrics``) the metrics endpoint of a process. A one-shot command
    passes ``metrics=False``: it must never take the port of the service running beside it."""
    from shared.observability import start_observability

    cfg = cfg or settings()
    start_observability(service, cfg, metrics=metrics)
    return cfg, cfg.broker


def _service_failed(message: str, code: int) -> NoReturn:
    """End a service: with JSON logs as one JSON line (every line of a service is JSON), else the
    sentence of :func:`warta.common.fail`."""
    from shared.observability import get_logger, json_logging

    if not json_logging():
        fail(message, code)
    get_logger().error("service_failed", error=message, exit_code=code)
    raise typer.Exit(code)


def _run_service(service: str, body) -> None:  # noqa: ANN001
    from workers.transport import FatalTransportError

    try:
        body()
    except FatalTransportError as exc:
        _service_failed(str(exc), 2)


def relay() -> None:
    """Kirim baris outbox ke broker (dengan konfirmasi penerbit)."""
    from workers.metrics import start_service_metrics
    from workers.relay import Relay, RelayLocked
    from workers.transport import make_transport

    cfg = settings()
    services(cfg=cfg)  # refuses while the schema is behind
    require_profile(cfg)  # exit 2 naming the profile's unfilled fields
    cfg, bb = _start("relay", cfg)
    start_service_metrics(cfg, relay=True)
    stop = _stop_on_signals()
    r = Relay(cfg, bb, make_transport(cfg, bb, "relay"))
    try:
        _run_service("relay", lambda: r.run(stop))
    except RelayLocked as exc:
        _service_failed(str(exc), 4)


def worker(channel: str = typer.Argument(..., help="videotron, radio, web atau print"),
           renderer: Optional[str] = typer.Option(None, "--renderer",
                                                  help="Perender lain, mis. noop (uji coba)")) -> None:
    """Jalankan pekerja satu kanal (tidak membaca basis data pusat pada mode amqp)."""
    from shared.classification import Channel
    from workers.metrics import start_service_metrics
    from workers.runtime import ChannelWorker
    from workers.transport import make_transport

    if channel not in {c.value for c in Channel}:
        fail(_("Kanal '{c}' tidak dikenal; pilih dari: {choices}", c=channel,
               choices=", ".join(c.value for c in Channel)), 2)
    require_profile(settings())  # on the server only: WARTA_HOST_ROLE=worker needs no profile
    cfg, bb = _start(f"worker-{channel}")
    if not cfg.verify_key_path.exists():
        _service_failed(_("Kunci publik verifikasi tidak ada di {p}; setel WARTA_VERIFY_KEY_FILE",
                          p=str(cfg.verify_key_path)), 2)
    start_service_metrics(cfg, channels=[channel])
    stop = _stop_on_signals()
    w = ChannelWorker(cfg, bb, channel, renderer)
    _run_service("worker", lambda: w.run(make_transport(cfg, bb, f"worker-{channel}"), stop))


def archiver() -> None:
    """Terima tanda terima, arsipkan bukti, dan perbarui status pengiriman."""
    from workers.archiver import Archiver
    from workers.metrics import start_service_metrics
    from workers.transport import make_transport

    cfg = settings()
    services(cfg=cfg)
    require_profile(cfg)
    cfg, bb = _start("archiver", cfg)
    start_service_metrics(cfg, archiver=True)
    stop = _stop_on_signals()
    a = Archiver(cfg, make_transport(cfg, bb, "archiver"))
    _run_service("archiver", lambda: a.run(stop))


def run(broker: Optional[str] = typer.Option(None, "--broker", help="embedded atau URL amqp://"),
        channels: str = typer.Option("", "--channels", help="Kanal, dipisah koma (bawaan: semua)"),
        renderer: Optional[str] = typer.Option(None, "--renderer",
                                               help="Perender untuk semua kanal")) -> None:
    """Jalankan relay, keempat pekerja, dan pengarsip dalam satu proses."""
    from shared.classification import Channel
    from workers.inprocess import start_all
    from workers.metrics import start_service_metrics

    cfg = settings(broker=broker)  # --broker: this run's copy; the environment is not written
    services(cfg=cfg)
    require_profile(cfg)
    cfg, bb = _start("run", cfg)
    stop = _stop_on_signals()
    chosen = [c for c in channels.split(",") if c] or None
    start_service_metrics(cfg, relay=True, archiver=True,
                          channels=chosen or [c.value for c in Channel])
    handle = start_all(cfg, chosen, renderer, bb)
    while not stop.wait(1.0):
        if handle.errors or not handle.alive():
            break
    handle.stop()
    if handle.errors:
        fail("; ".join(handle.errors), 2)


def deliveries(state: Optional[str] = typer.Option(
                   None, "--state", help="mis. parked, proof_pending (bukti tertunda), confirmed"),
               as_json: bool = typer.Option(False, "--json")) -> None:
    """Daftar pengiriman per kanal beserta statusnya."""
    w = services(as_json=as_json)
    rows = guarded(as_json, lambda: w.redrive.list_deliveries(state))
    text = "\n".join(f"#{d['id']:<5} {d['number'] or '-':<32} {d['channel']:<10} {d['state']:<13} "
                     f"{d['attempts']}x {d['last_error'] or ''}" for d in rows) or _("Tidak ada pengiriman")
    pending = sum(d["state"] == DeliveryState.PROOF_PENDING for d in rows)
    if pending:  # the operator's cue: free the archive disk; the proofs then file themselves
        text += "\n" + _("{n} bukti tertunda: kosongkan ruang disk arsip; bukti diarsipkan "
                         "sendiri setelahnya", n=pending)
    emit({"deliveries": rows}, as_json, text)


def redrive(delivery_id: Optional[int] = typer.Argument(None, help="Nomor pengiriman"),
            parked: bool = typer.Option(False, "--parked", help="Semua pesan yang diparkir"),
            printed: bool = typer.Option(False, "--printed", help=(
                "Untuk cetakan 'mungkin sudah tercetak' yang sudah Anda periksa ada di papan: "
                "arsipkan buktinya tanpa mencetak ulang")),
            as_json: bool = typer.Option(False, "--json")) -> None:
    """Kirim ulang pesan yang diparkir setelah penyebabnya diperbaiki; untuk cetakan yang
    mungkin sudah tercetak, --printed menyatakan sudah tercetak (tanpa mencetak ulang)."""
    if (delivery_id is None) == (not parked):
        fail(_("Sebutkan nomor pengiriman atau --parked (salah satu)"), 2, as_json)
    if printed and delivery_id is None:
        fail(_("--printed hanya untuk satu pengiriman yang sudah diperiksa (sebutkan nomornya)"),
             2, as_json)
    w = services(as_json=as_json)
    _start("redrive", w.ctx.settings, metrics=False)  # the service beside it holds the port
    ids = None
    if delivery_id is not None:
        ids = {d["message_id"] for d in guarded(as_json, lambda: w.redrive.parked_deliveries(delivery_id))}
    result = guarded(as_json, lambda: w.redrive.send_again(ids, printed=printed))
    if delivery_id is not None and not result["redriven"]:
        fail(_("Pesan pengiriman #{id} tidak ada di antrean parkir", id=delivery_id), 6, as_json)
    emit(result, as_json, _("{n} pesan dikirim ulang", n=len(result["redriven"])))
