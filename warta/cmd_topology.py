"""``warta topology``: the RabbitMQ definitions (vhost, the backbone's topology, one user per
service with the least privileges) for the broker to load at boot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from shared.i18n import _
from warta.cmd_ops import broker_topology
from warta.common import emit, fail, settings

app = typer.Typer(help="Topologi RabbitMQ dan definisinya.", no_args_is_help=True)


@app.command("export")
def topology_export(output: Path = typer.Option(..., "--output", help="Berkas definitions.json."),
                    vhost: str = typer.Option("warta", "--vhost"),
                    secrets_dir: Optional[Path] = typer.Option(
                        None, "--secrets-dir",
                        help="Folder rahasia: broker_<layanan>_url, rabbitmq_admin_password."),
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
    doc = build_definitions(broker_topology(cfg), vhost, cfg.amqp_prefix, credentials)
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
