"""``warta topology``: the RabbitMQ definitions (vhost, the backbone's topology and policies, one
user per service with the least privileges) for the broker to load at boot.

The file holds salted password hashes, so it is not world-readable by default: mode 0640, and
when run as root its group is the broker's (``rabbitmq``), which RabbitMQ runs as on Debian and
must be able to read it (docs/DEPLOYMENT.md: ``/etc/rabbitmq/definitions/definitions.json``)."""

from __future__ import annotations

import grp
import json
import os
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
                    group: Optional[str] = typer.Option(
                        None, "--group", help="Grup pemilik berkas (bawaan saat root: rabbitmq, "
                        "agar broker dapat membacanya)."),
                    as_json: bool = typer.Option(False, "--json")) -> None:
    """Tulis definisi RabbitMQ (vhost, topologi, pengguna per layanan dengan hak minimum)."""
    from shared.doctor.definitions import build_definitions, credentials_from_secrets

    cfg = settings()
    try:
        file_mode = int(mode, 8)
    except ValueError:
        file_mode = -1
    if not 0 <= file_mode <= 0o777:
        fail(_("Mode berkas '{mode}' bukan bilangan oktal seperti 640", mode=mode), 2, as_json)
    gid = _group_id(group, as_json)
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
    tmp.unlink(missing_ok=True)
    # created 0600 (never readable by others, whatever the umask), then given its group and mode
    with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=2, ensure_ascii=False))
    if gid is not None:
        os.chown(tmp, -1, gid)
    tmp.chmod(file_mode)  # salted password hashes: 640 unless the broker runs as another user
    tmp.replace(output)
    users = [u["name"] for u in doc["users"]]
    emit({"output": str(output), "vhost": vhost, "users": users,
          "queues": len(doc["queues"]), "exchanges": len(doc["exchanges"])}, as_json,
         _("Definisi ditulis ke {out}: {q} antrean, {e} exchange, pengguna: {u}",
           out=str(output), q=len(doc["queues"]), e=len(doc["exchanges"]), u=", ".join(users) or "-"))


def _group_id(group: str | None, as_json: bool) -> int | None:
    """The group to give the file: ``group`` when named; run as root, the broker's ``rabbitmq``
    when that group exists (a root-owned 0640 file is unreadable to RabbitMQ); else unchanged."""
    name = group or ("rabbitmq" if os.geteuid() == 0 else None)
    if name is None:
        return None
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        if group is None:
            return None  # no RabbitMQ on this machine (the file is copied to the broker's)
        fail(_("Grup {group} tidak ada di komputer ini", group=group), 2, as_json)
    return None
