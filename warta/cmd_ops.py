"""Top-level commands of the ops area: ``warta doctor`` and ``warta healthcheck``, with what the
doctor is handed (the broker probe, the backbone's topology, the bundled fonts). ``warta keys`` and
``warta topology`` are their own sub-apps (warta/cmd_keys.py, warta/cmd_topology.py).

This is the composition root, so it may hand ``shared.doctor`` what ``shared`` must not import:
the pika probe, the backbone's topology and the channels' bundled fonts.
"""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path
from typing import List, Optional

import typer

from shared.config import Settings, get_settings
from shared.i18n import _
from warta.common import emit, fail


def broker_topology(cfg: Settings | None) -> dict:
    """The backbone's topology for ``cfg`` (its prefix, and the retry tiers and delivery limit of
    its broker section) when the backbone is installed; else, or for settings that do not read
    (``cfg`` None, a broken value: the doctor's configuration check names it), the agreed default
    naming."""
    from shared.doctor.definitions import default_topology

    prefix = cfg.amqp_prefix if cfg is not None else "warta"
    try:
        from workers.transport.topology import definitions
    except ImportError:
        return default_topology(prefix)
    try:
        if cfg is not None:
            return definitions(prefix, cfg.broker.tiers, cfg.broker.delivery_limit)
    except ValueError:
        pass
    return default_topology(prefix)


def amqp_probe(url: str, exchanges: list[str], queues: list[str]) -> dict:
    """Log in to RabbitMQ and look each exchange and queue up with passive declares (which need
    no permission, so any service account can run the doctor). Raises when login fails."""
    import pika
    from pika.exceptions import ChannelClosedByBroker

    from workers.transport.amqp import broker_parameters  # a cluster's node list: try each

    nodes = broker_parameters(url, get_settings().broker.ca_file)  # amqps: the pinned CA
    for params in nodes:
        params.connection_attempts, params.socket_timeout, params.blocked_connection_timeout = 1, 5, 5
    connection = pika.BlockingConnection(nodes)
    missing_exchanges, missing_queues, depths = [], [], {}
    try:
        channel = connection.channel()
        for name in exchanges:
            try:
                channel.exchange_declare(name, passive=True)
            except ChannelClosedByBroker:  # 404: the broker closes the channel; open another
                missing_exchanges.append(name)
                channel = connection.channel()
        for name in queues:
            try:
                depths[name] = channel.queue_declare(name, passive=True).method.message_count
            except ChannelClosedByBroker:
                missing_queues.append(name)
                channel = connection.channel()
    finally:
        connection.close()
    return {"missing_exchanges": missing_exchanges, "missing_queues": missing_queues, "depths": depths}


def _font_dir() -> Path | None:
    try:
        from channels.assets import FONTS
    except ImportError:
        return None
    return FONTS


def doctor(as_json: bool = typer.Option(False, "--json"),
           only: Optional[List[str]] = typer.Option(None, "--check",
                                                    help="Hanya pemeriksaan ini (boleh berulang)."),
           disk_warn_mb: int = typer.Option(1024, "--disk-warn-mb"),
           disk_fail_mb: int = typer.Option(200, "--disk-fail-mb"),
           host_role: Optional[str] = typer.Option(
               None, "--host-role", help="server atau worker (komputer yang hanya menjalankan "
               "pekerja kanal, mis. PC videotron); bawaan: WARTA_HOST_ROLE")) -> None:
    """Periksa konfigurasi, profil instansi, basis data, broker, kunci, fon, mesin suara, folder
    dan disk."""
    from shared.doctor import CHECK_NAMES, run_checks, summary

    if host_role not in (None, "server", "worker"):
        fail(_("Peran komputer '{role}' tidak dikenal; pilihan: server, worker", role=host_role),
             2, as_json)
    unknown = [n for n in (only or []) if n not in CHECK_NAMES]
    if unknown:
        fail(_("Pemeriksaan tidak dikenal: {names}; pilihan: {all}",
               names=", ".join(unknown), all=", ".join(CHECK_NAMES)), 2, as_json)
    try:
        cfg = get_settings()
    except Exception:
        cfg = None  # the configuration check reports the error itself
    checks = run_checks(topology=broker_topology(cfg), probe=amqp_probe, font_dir=_font_dir(),
                        disk_warn_mb=disk_warn_mb, disk_fail_mb=disk_fail_mb, host_role=host_role)
    if only:
        checks = [c for c in checks if c.name in only]
    result = summary(checks)
    mark = {"ok": "OK   ", "warn": "AWAS ", "fail": "GAGAL"}
    lines = []
    for c in checks:
        lines.append(f"[{mark[c.status]}] {c.name}: {c.message}")
        if c.fix:
            lines.append(_("        perbaikan: {fix}", fix=c.fix))
    lines.append(_("{ok} baik, {warn} peringatan, {fail} gagal", **result["counts"]))
    emit(result, as_json, "\n".join(lines))
    if not result["ok"]:
        raise typer.Exit(1)


def _metrics_url() -> str:
    """This process's own metrics address from the settings (``WARTA_METRICS_HOST``/``_PORT``, as
    the service beside it reads them); a wildcard listen address is reached on the loopback."""
    cfg = get_settings()
    if not cfg.metrics_port:
        typer.echo(_("Endpoint metrik mati (WARTA_METRICS_PORT=0): setel portnya seperti pada "
                     "layanan, atau beri --url"), err=True)
        raise typer.Exit(1)
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(cfg.metrics_host,
                                                                      cfg.metrics_host)
    return f"http://{f'[{host}]' if ':' in host else host}:{cfg.metrics_port}/metrics"


def healthcheck(url: Optional[str] = typer.Option(
                    None, "--url", help="Bawaan: WARTA_METRICS_HOST dan WARTA_METRICS_PORT."),
                max_age: float = typer.Option(120.0, "--max-age",
                                              help="Detik sejak putaran terakhir.")) -> None:
    """Pemeriksaan kesehatan kontainer: endpoint metrik menjawab dan detak layanan masih baru."""
    url = url or _metrics_url()
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local metrics URL
            text = response.read().decode()
    except OSError as exc:
        typer.echo(_("Metrik tidak menjawab di {url}: {err}", url=url, err=str(exc)), err=True)
        raise typer.Exit(1) from None
    for line in text.splitlines():
        if line.startswith("warta_heartbeat_timestamp_seconds "):
            beat = float(line.split()[1])
            age = time.time() - beat
            if beat > 0 and age > max_age:  # 0: this service does not report a heartbeat
                typer.echo(_("Layanan macet: detak terakhir {s:.0f} detik lalu", s=age), err=True)
                raise typer.Exit(1)
    typer.echo("ok")
