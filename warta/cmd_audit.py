"""``warta audit``: verify the audit trail and sign its head (checkpoints)."""

from __future__ import annotations

import typer

from shared.i18n import _
from warta.common import emit, guarded, services

app = typer.Typer(help="Jejak audit.", no_args_is_help=True)


@app.command("verify")
def audit_verify(as_json: bool = typer.Option(False, "--json")) -> None:
    """Periksa keutuhan jejak audit: rantai hash, checkpoint bertanda tangan, dan segel arsip
    yang tercatat; keluar bukan nol bila ada yang diubah, dipotong atau ditulis ulang."""
    from shared.checkpoints import verify_trail
    from shared.records.sealing import office_public_key, verify_seals

    w = services(as_json=as_json)
    public = guarded(as_json, lambda: office_public_key(w.ctx))
    with w.ctx.read() as s:
        data = verify_trail(s, w.ctx.settings.archive, w.ctx.settings.out, public)
    seal_problems = verify_seals(w.ctx, public)
    data["problems"] += seal_problems
    data["ok"] = data["ok"] and not seal_problems
    latest = data["latest"]
    if latest:
        note = _("checkpoint terakhir: kejadian #{id} ({at}); {n} kejadian sesudahnya belum "
                 "ditandatangani", id=latest["event_id"], at=latest["at"],
                 n=data["unsigned_tail"] if data["unsigned_tail"] is not None else "?")
    else:
        note = _("belum ada checkpoint bertanda tangan; jalankan 'warta audit checkpoint'")
    if data["ok"]:
        emit(data, as_json, _("Jejak audit utuh: {n} kejadian diperiksa", n=data["checked"])
             + "\n  " + note)
        return
    if data["bad_event"] is not None:
        head = _("Jejak audit RUSAK pada kejadian #{id}: {reason}", id=data["bad_event"],
                 reason=data["reason"])
        rest = data["problems"][1:]
    else:
        head, rest = _("Jejak audit RUSAK:"), data["problems"]
    emit(data, as_json, "\n".join([head, *(f"  {p}" for p in rest), "  " + note]))
    raise typer.Exit(6)


@app.command("checkpoint")
def audit_checkpoint(as_json: bool = typer.Option(False, "--json")) -> None:
    """Tandatangani kepala jejak audit (checkpoint) dengan kunci kantor; simpan di arsip dan
    terbitkan di situs web. Jalankan setiap hari (cron atau systemd timer)."""
    from shared.checkpoints import take

    w = services(as_json=as_json)

    def run() -> dict:
        with w.ctx.read() as s:
            return take(s, w.ctx.signing_key, w.ctx.settings.archive, w.ctx.settings.out, w.ctx.tz, "harian")

    cp = guarded(as_json, run)
    emit(cp, as_json, _("Checkpoint ditandatangani: kejadian #{id}, {n} kejadian; disimpan di "
                        "{path}; salinan publik: {web}", id=cp["event_id"], n=cp["count"],
                        path=cp["path"], web=cp["web"]))
