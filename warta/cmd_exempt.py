"""``warta exempt``: the register of exempt information (UU 14/2008 Pasal 17) with its
consequence test (PPID, Kepala Dinas)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shared.i18n import _
from warta.common import acting_user, emit, guarded, services

app = typer.Typer(help="Register informasi dikecualikan dan uji konsekuensi (PPID, Kepala Dinas).",
                  no_args_is_help=True)

JSON_OPT = typer.Option(False, "--json")


@app.command("add")
def exempt_add(actor: str = typer.Option(..., "--as"),
               info: str = typer.Option(..., "--info", help="Informasi yang dikecualikan"),
               letter: str = typer.Option(..., "--letter", help="Huruf Pasal 17 UU 14/2008 (a-j)"),
               consequence: str = typer.Option(..., "--consequence", help="Konsekuensi bila dibuka"),
               period: str = typer.Option(..., "--period", help="Jangka waktu pengecualian"),
               consideration: str = typer.Option("", "--consideration",
                                                 help="Pertimbangan kepentingan publik"),
               basis: str = typer.Option("", "--basis", help="Dasar hukum lain"),
               item_id: Optional[int] = typer.Option(None, "--item"),
               as_json: bool = JSON_OPT) -> None:
    """Catat informasi dikecualikan beserta uji konsekuensinya (PPID)."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json)
    new_id = guarded(as_json, lambda: w.exempt.add_exempt(
        who.id, informasi=info, pasal17_huruf=letter, konsekuensi=consequence,
        jangka_waktu=period, pertimbangan=consideration, dasar_lain=basis, announcement_id=item_id))
    emit({"id": new_id}, as_json, _("Informasi dikecualikan #{id} dicatat", id=new_id))


@app.command("list")
def exempt_list(actor: str = typer.Option(..., "--as"), as_json: bool = JSON_OPT) -> None:
    """Tampilkan register informasi dikecualikan (PPID dan Kepala Dinas)."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json)
    rows = guarded(as_json, lambda: w.exempt.exempt_register(who.id))
    emit({"entries": rows}, as_json, "\n".join(
        f"#{r['id']:<4} {r['dasar'][:40]}  {r['informasi'][:60]}" for r in rows)
        or _("Register informasi dikecualikan kosong"))


@app.command("export")
def exempt_export(actor: str = typer.Option(..., "--as"), output: Path = typer.Option(..., "--output"),
                  as_json: bool = JSON_OPT) -> None:
    """Cetak register informasi dikecualikan sebagai PDF (PPID dan Kepala Dinas)."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json)
    path = guarded(as_json, lambda: w.exempt.export_exempt(who.id, output))
    emit({"output": str(path)}, as_json, _("Register ditulis ke {p}", p=str(path)))
