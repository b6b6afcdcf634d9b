"""``warta user``: user accounts (add, disable, enable, password, list). The rules — who may
manage which account — are the service's (:class:`shared.services.users.Users`)."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from shared.i18n import _
from shared.vocab import Role, label_of
from warta.common import acting_user, emit, fail, guarded, services

app = typer.Typer(help=_("Akun pengguna: tambah, nonaktifkan, aktifkan, ganti kata sandi, daftar."),
                  no_args_is_help=True)

JSON_OPT = typer.Option(False, "--json")
ADMIN_OPT = typer.Option(..., "--as", help=_("Administrator yang masuk (kata sandinya dari "
                                             "WARTA_PASSWORD atau ditanyakan)."))


def _new_password(w, as_json: bool, acting: bool) -> str:  # noqa: ANN001
    """The new password: ``WARTA_NEW_PASSWORD``; without an acting user (``user add`` without
    ``--as``, as before) also ``WARTA_PASSWORD``; else asked twice, never shown."""
    cfg = w.ctx.settings
    password = cfg.new_password if acting else (cfg.new_password or cfg.password)
    if password is None:
        if not sys.stdin.isatty():
            fail(_("Kata sandi baru diperlukan: setel WARTA_NEW_PASSWORD"), 2, as_json)
        password = typer.prompt(_("Kata sandi baru"), hide_input=True,
                                confirmation_prompt=_("Ulangi kata sandi baru"))
    return password


@app.command("add")
def user_add(username: str, role: str = typer.Option(..., "--role"),
             name: str = typer.Option(..., "--name"), nip: str = typer.Option("", "--nip"),
             actor: Optional[str] = typer.Option(
                 None, "--as", help=_("Administrator yang membuat akun; wajib untuk kabid, "
                                      "sekretaris, kadis, ppid dan admin bila sudah ada "
                                      "Administrator.")),
             as_json: bool = JSON_OPT) -> None:
    """Tambah akun (kata sandi dari WARTA_NEW_PASSWORD atau ditanyakan; Administrator pertama tanpa --as)."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json) if actor else None
    password = _new_password(w, as_json, acting=who is not None)
    uid = guarded(as_json, lambda: w.users.add_user(username, role, name, password, nip=nip,
                                                    actor_id=who.id if who else None))
    emit({"id": uid, "username": username, "role": role, "by": who.username if who else None},
         as_json, _("Akun {u} ({r}) dibuat", u=username, r=label_of(Role, role)))


@app.command("disable")
def user_disable(username: str, actor: str = ADMIN_OPT, as_json: bool = JSON_OPT) -> None:
    """Nonaktifkan akun (Administrator): akun itu tidak dapat masuk lagi."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json)
    guarded(as_json, lambda: w.users.disable_user(who.id, username))
    emit({"username": username, "active": False, "by": who.username}, as_json,
         _("Akun {u} dinonaktifkan; akun itu tidak dapat masuk lagi", u=username))


@app.command("enable")
def user_enable(username: str, actor: str = ADMIN_OPT, as_json: bool = JSON_OPT) -> None:
    """Aktifkan kembali akun yang dinonaktifkan (Administrator)."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json)
    guarded(as_json, lambda: w.users.enable_user(who.id, username))
    emit({"username": username, "active": True, "by": who.username}, as_json,
         _("Akun {u} diaktifkan kembali", u=username))


@app.command("password")
def user_password(username: str,
                  actor: str = typer.Option(..., "--as", help=_("Pemilik akun itu sendiri, atau "
                                                                "Administrator.")),
                  as_json: bool = JSON_OPT) -> None:
    """Ganti kata sandi sendiri, atau akun lain oleh Administrator (baru: WARTA_NEW_PASSWORD)."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json)
    password = _new_password(w, as_json, acting=True)
    guarded(as_json, lambda: w.users.change_password(who.id, username, password))
    emit({"username": username, "by": who.username}, as_json,
         _("Kata sandi akun {u} diganti", u=username))


@app.command("list")
def user_list(as_json: bool = JSON_OPT) -> None:
    """Tampilkan semua akun dengan peran dan statusnya (tanpa kata sandi)."""
    w = services(as_json=as_json)
    users = w.users.list_users()
    emit({"users": users}, as_json, "\n".join(_line(u) for u in users) or _("Belum ada akun"))


def _line(user: dict) -> str:
    """One account of ``warta user list``."""
    shown = {"username": user["username"], "name": user["name"], "role": label_of(Role, user["role"])}
    if user["active"]:
        return _("{username}: {name}, {role}, aktif", **shown)
    return _("{username}: {name}, {role}, nonaktif", **shown)
