"""Top-level commands that set a home up: ``warta init``, ``warta migrate`` and ``warta demo``.

``init`` and ``migrate`` are the only commands that change the database schema; every other
command that uses the database refuses while the schema is behind (:func:`warta.common.services`).
"""

from __future__ import annotations

from typing import Optional

import typer

from shared.i18n import _
from warta.common import emit, guarded, refuse_newer_schema, revisions_text, settings


def init(demo: bool = typer.Option(False, "--demo", help="Tambahkan profil dan akun demo."),
         as_json: bool = typer.Option(False, "--json")) -> None:
    """Buat atau perbarui basis data; --demo menambahkan profil instansi dan akun demo."""
    from shared.bootstrap import init_home

    cfg = settings()
    guarded(as_json, lambda: refuse_newer_schema(cfg.db_url))
    users = guarded(as_json, lambda: init_home(cfg, demo))
    text = _("Warta siap di {home}", home=str(cfg.home.resolve()))
    if users:
        text += "\n" + "\n".join(f"  {u['username']:<12} {u['role']:<11} {u['password']}" for u in users)
    emit({"home": str(cfg.home.resolve()), "users": users}, as_json, text)


def migrate(as_json: bool = typer.Option(False, "--json")) -> None:
    """Mutakhirkan skema basis data ke revisi kode ini (hanya skema: tanpa folder, kunci atau akun)."""
    from shared.db import current_revision, upgrade

    cfg = settings()
    before, heads = guarded(as_json, lambda: refuse_newer_schema(cfg.db_url))
    if before != heads:
        upgrade(cfg.db_url)
    after = current_revision(cfg.db_url)
    data = {"from": sorted(before), "to": sorted(after), "upgraded": before != after}
    if data["upgraded"]:
        text = _("Skema basis data dimutakhirkan dari revisi {old} ke revisi {new}",
                 old=revisions_text(before), new=revisions_text(after))
    else:
        text = _("Skema basis data sudah mutakhir (revisi {new})", new=revisions_text(after))
    emit(data, as_json, text)


def demo(broker: Optional[str] = typer.Option(None, "--broker", help="embedded atau URL amqp://"),
         items: int = typer.Option(0, "--items", help="Jumlah pengumuman (0: semua contoh)"),
         as_json: bool = typer.Option(False, "--json")) -> None:
    """Jalankan contoh pengumuman melalui seluruh alur SOP dengan akun demo."""
    from warta.demo import run_demo

    result = run_demo(broker=broker, items=items)
    ok = result.pop("ok", True)
    emit(result, as_json, _("{n} pengumuman diproses, {r} ditolak; data di {home}",
                            n=len(result["announcements"]), r=len(result["refused"]),
                            home=result["home"]))
    if not ok:
        raise typer.Exit(7)
