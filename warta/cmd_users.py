"""``warta user``: user accounts."""

from __future__ import annotations

import typer

from shared.i18n import _
from warta.common import emit, fail, guarded, services

app = typer.Typer(help="Akun pengguna.", no_args_is_help=True)


@app.command("add")
def user_add(username: str, role: str = typer.Option(..., "--role"),
             name: str = typer.Option(..., "--name"), nip: str = typer.Option("", "--nip"),
             as_json: bool = typer.Option(False, "--json")) -> None:
    """Tambah akun; kata sandinya dari WARTA_PASSWORD atau ditanyakan."""
    import sys

    w = services(as_json=as_json)
    password = w.ctx.settings.password  # WARTA_PASSWORD
    if password is None:
        if not sys.stdin.isatty():
            fail(_("Kata sandi akun baru diperlukan: setel WARTA_PASSWORD"), 2, as_json)
        password = typer.prompt(_("Kata sandi baru"), hide_input=True, confirmation_prompt=True)
    uid = guarded(as_json, lambda: w.users.add_user(username, role, name, password, nip=nip))
    emit({"id": uid, "username": username, "role": role}, as_json,
         _("Akun {u} ({r}) dibuat", u=username, r=role))
