"""``warta keys``: Ed25519 key pairs: the office's signing pair and each worker's receipt key."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shared.i18n import _
from warta.common import emit, fail, guarded, settings

app = typer.Typer(help="Kunci tanda tangan Ed25519.", no_args_is_help=True)


@app.command("generate")
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


@app.command("worker")
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
