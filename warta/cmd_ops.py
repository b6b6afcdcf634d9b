"""CLI commands of the ops area: ``warta doctor``, ``warta keys generate``, ``warta topology export``
and ``warta healthcheck`` (registered into the main app by warta.cli).

This is the composition root, so it may hand ``shared.doctor`` what ``shared`` must not import:
the pika probe, the backbone's topology and the channels' bundled fonts.
"""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import List, Optional

import typer

from shared.i18n import _
from warta.common import emit, fail, guarded, settings


def _topology(prefix: str) -> dict:
    """The backbone's topology when it is installed, else the agreed default naming."""
    try:
        from workers.settings import backbone_settings
        from workers.transport.topology import definitions
    except ImportError:
        from shared.doctor.definitions import default_topology

        return default_topology(prefix)
    try:
        tuning = backbone_settings()
        return definitions(prefix, tuning.tiers, tuning.delivery_limit)
    except ValueError:  # a broken setting: the doctor's configuration check names it
        from shared.doctor.definitions import default_topology

        return default_topology(prefix)


def amqp_probe(url: str, exchanges: list[str], queues: list[str]) -> dict:
    """Log in to RabbitMQ and look each exchange and queue up with passive declares (which need
    no permission, so any service account can run the doctor). Raises when login fails."""
    import pika
    from pika.exceptions import ChannelClosedByBroker

    from workers.transport.amqp import broker_parameters  # a cluster's node list: try each

    nodes = broker_parameters(url)
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


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add this area's commands to app."""
    keys = typer.Typer(help="Kunci tanda tangan Ed25519.", no_args_is_help=True)
    topology = typer.Typer(help="Topologi RabbitMQ dan definisinya.", no_args_is_help=True)
    app.add_typer(keys, name="keys")
    app.add_typer(topology, name="topology")

    @app.command()
    def doctor(as_json: bool = typer.Option(False, "--json"),
               only: Optional[List[str]] = typer.Option(None, "--check", help="Hanya pemeriksaan ini (boleh berulang)."),
               disk_warn_mb: int = typer.Option(1024, "--disk-warn-mb"),
               disk_fail_mb: int = typer.Option(200, "--disk-fail-mb")) -> None:
        """Periksa konfigurasi, basis data, broker, kunci, fon, mesin suara, folder dan disk."""
        from shared.config import Settings
        from shared.doctor import CHECK_NAMES, run_checks, summary

        unknown = [n for n in (only or []) if n not in CHECK_NAMES]
        if unknown:
            fail(_("Pemeriksaan tidak dikenal: {names}; pilihan: {all}",
                   names=", ".join(unknown), all=", ".join(CHECK_NAMES)), 2, as_json)
        try:
            prefix = Settings().amqp_prefix
        except Exception:
            prefix = "warta"  # the configuration check reports the error itself
        checks = run_checks(topology=_topology(prefix), probe=amqp_probe, font_dir=_font_dir(),
                            disk_warn_mb=disk_warn_mb, disk_fail_mb=disk_fail_mb)
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

    @keys.command("generate")
    def keys_generate(force: bool = typer.Option(False, "--force", help="Timpa kunci yang sudah ada."),
                      private: Optional[Path] = typer.Option(None, "--private", help="Berkas kunci privat."),
                      public: Optional[Path] = typer.Option(None, "--public", help="Berkas kunci publik."),
                      as_json: bool = typer.Option(False, "--json")) -> None:
        """Buat pasangan kunci Ed25519: kunci privat untuk kiosk dan relay, kunci publik untuk pekerja."""
        from shared.messages import generate_keypair

        cfg = settings()
        priv, pub = private or cfg.signing_key_path, public or cfg.verify_key_path
        if priv.resolve() == pub.resolve():
            fail(_("Kunci privat dan publik tidak boleh di berkas yang sama"), 2, as_json)
        existing = [str(p) for p in (priv, pub) if p.exists()]
        if existing and not force:
            fail(_("Kunci sudah ada ({files}); pesan yang ditandatangani kunci lama tidak akan "
                   "terverifikasi lagi. Gunakan --force bila memang ingin mengganti.",
                   files=", ".join(existing)), 3, as_json)
        generate_keypair(priv, pub)
        emit({"private": str(priv.resolve()), "public": str(pub.resolve())}, as_json,
             _("Kunci privat: {priv} (tetap di kiosk dan relay, mode 600)\n"
               "Kunci publik: {pub} (salin ke setiap pekerja)", priv=str(priv), pub=str(pub)))

    @keys.command("worker")
    def keys_worker(channel: str = typer.Argument(..., help="videotron, radio, web atau print."),
                    worker_id: Optional[str] = typer.Option(None, "--id", help="Identitas pekerja "
                                                            "(WARTA_WORKER_ID); bawaan: nama kanal."),
                    force: bool = typer.Option(False, "--force", help="Timpa kunci yang sudah ada."),
                    as_json: bool = typer.Option(False, "--json")) -> None:
        """Buat kunci tanda terima seorang pekerja dan daftarkan kunci publiknya untuk kanalnya."""
        from shared.classification import parse_channels
        from shared.receipt_keys import generate_worker_key, private_key_path, registry_dir

        cfg = settings()
        guarded(as_json, lambda: parse_channels([channel]))
        ident = worker_id or channel
        try:
            private = private_key_path(cfg.home, ident)
        except ValueError as exc:
            fail(str(exc), 2, as_json)
        public = registry_dir(cfg.home) / channel / f"{ident}.pub"
        existing = [str(p) for p in (private, public) if p.exists()]
        if existing and not force:
            fail(_("Kunci sudah ada ({files}); tanda terima dengan kunci lama tidak akan diterima "
                   "lagi. Gunakan --force bila memang ingin mengganti.", files=", ".join(existing)),
                 3, as_json)
        generate_worker_key(cfg.home, channel, ident)
        emit({"worker": ident, "channel": channel, "private": str(private.resolve()),
              "public": str(public.resolve())}, as_json,
             _("Kunci privat pekerja {id}: {priv} (tetap di komputer pekerja, mode 600)\n"
               "Kunci publik terdaftar untuk kanal {ch}: {pub} (bila pekerja berjalan di komputer "
               "lain, salin berkas ini ke folder yang sama di server archiver)",
               id=ident, priv=str(private), ch=channel, pub=str(public)))

    @topology.command("export")
    def topology_export(output: Path = typer.Option(..., "--output", help="Berkas definitions.json."),
                        vhost: str = typer.Option("warta", "--vhost"),
                        secrets_dir: Optional[Path] = typer.Option(
                            None, "--secrets-dir", help="Folder rahasia: broker_<layanan>_url, rabbitmq_admin_password."),
                        mode: str = typer.Option("640", "--mode", help="Mode berkas (oktal), mis. 644 bila "
                                                 "RabbitMQ berjalan sebagai pengguna lain."),
                        as_json: bool = typer.Option(False, "--json")) -> None:
        """Tulis definisi RabbitMQ (vhost, topologi, pengguna per layanan dengan hak minimum)."""
        from shared.doctor.definitions import build_definitions, credentials_from_secrets

        cfg = settings()
        credentials = None
        if secrets_dir is not None:
            if not secrets_dir.is_dir():
                fail(_("Folder rahasia {d} tidak ada", d=str(secrets_dir)), 2, as_json)
            credentials = credentials_from_secrets(secrets_dir, cfg.amqp_prefix)
            if not credentials:
                fail(_("Tidak ada berkas broker_*_url di {d}", d=str(secrets_dir)), 2, as_json)
        doc = build_definitions(_topology(cfg.amqp_prefix), vhost, cfg.amqp_prefix, credentials)
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.chmod(int(mode, 8))  # salted password hashes: 640 unless the broker runs as another user
        tmp.replace(output)
        users = [u["name"] for u in doc["users"]]
        emit({"output": str(output), "vhost": vhost, "users": users,
              "queues": len(doc["queues"]), "exchanges": len(doc["exchanges"])}, as_json,
             _("Definisi ditulis ke {out}: {q} antrean, {e} exchange, pengguna: {u}",
               out=str(output), q=len(doc["queues"]), e=len(doc["exchanges"]), u=", ".join(users) or "-"))

    @app.command()
    def healthcheck(url: str = typer.Option("http://127.0.0.1:9100/metrics", "--url"),
                    max_age: float = typer.Option(120.0, "--max-age", help="Detik sejak putaran terakhir.")) -> None:
        """Pemeriksaan kesehatan kontainer: endpoint metrik menjawab dan detak layanan masih baru."""
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
