"""Accounts (issue #18): the first Administrator of a fresh installation needs nobody, every
privileged account after it needs a signed-in Administrator; disabling, enabling and passwords are
audited under the acting user; a disabled account cannot sign in and is told so; a new password is
checked and never recorded (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from shared.errors import AuthError, InvalidInput, Refused
from shared.models import AuditEvent, User
from tests.domain.helpers import draft, fingerprint, to_state


def events(w, action: str) -> list[AuditEvent]:
    with w.ctx.read() as s:
        return list(s.execute(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).scalars())


@pytest.fixture
def fresh(tmp_path):
    """A fresh installation (``warta init`` without --demo): schema and keys, no account."""
    from shared.bootstrap import init_home
    from shared.config import Settings
    from shared.db import engine_for
    from shared.services.root import Services

    settings = Settings(home=tmp_path / "baru")
    init_home(settings)
    yield Services.build(settings)
    engine_for(settings.db_url).dispose()


def test_the_first_admin_needs_nobody_and_the_next_privileged_account_needs_an_admin(fresh):
    w = fresh
    admin = w.users.add_user("kepala-ti", "admin", "Kepala Seksi TI", "sandi-admin-1")
    first = events(w, "user_add")[-1]
    assert first.actor == "system" and json.loads(first.data) == {
        "username": "kepala-ti", "role": "admin", "system": True}
    before = len(events(w, "user_add"))
    for role in ("kadis", "sekretaris", "ppid", "admin", "kabid"):
        with pytest.raises(Refused, match="hanya dapat dibuat oleh Administrator yang masuk"):
            w.users.add_user(f"baru-{role}", role, "Akun Baru", "sandi-baru-1")
    assert len(events(w, "user_add")) == before
    # a Pelaksana only drafts: made without an Administrator, audited as such
    w.users.add_user("staf1", "pelaksana", "Staf Satu", "sandi-staf-1")
    assert events(w, "user_add")[-1].actor == "system"
    kadis = w.users.add_user("kadis", "kadis", "Kepala Dinas", "sandi-kadis-1", actor_id=admin)
    made = events(w, "user_add")[-1]
    assert made.actor == "kepala-ti" and json.loads(made.data) == {"username": "kadis",
                                                                   "role": "kadis"}
    with pytest.raises(Refused, match="Kepala Dinas tidak berwenang mengelola akun"):
        w.users.add_user("staf2", "pelaksana", "Staf Dua", "sandi-staf-2", actor_id=kadis)


def test_demo_accounts_are_not_added_beside_a_real_admin(fresh):
    w = fresh
    w.users.add_user("kepala-ti", "admin", "Kepala Seksi TI", "sandi-admin-1")
    with pytest.raises(Refused, match="sudah mempunyai Administrator"):
        w.users.ensure_demo_accounts()
    assert [u["username"] for u in w.users.list_users()] == ["kepala-ti"]


def test_a_disabled_account_cannot_sign_in_and_is_told_why(warta):
    w, ids, pw = warta, warta.ids, warta.passwords
    item = draft(w)
    to_state(w, item, "review_kabid")
    w.users.disable_user(ids["admin"], "kabid1")
    event = events(w, "user_disable")[-1]
    assert event.actor == "admin" and json.loads(event.data) == {"username": "kabid1",
                                                                 "role": "kabid"}
    with pytest.raises(AuthError) as refused:
        w.users.authenticate("kabid1", pw["kabid1"])
    assert str(refused.value) == ("Akun 'kabid1' dinonaktifkan; minta Administrator "
                                  "mengaktifkannya kembali")
    with pytest.raises(AuthError, match="Nama pengguna atau kata sandi salah"):
        w.users.authenticate("kabid1", "bukan-sandinya")  # the wrong password tells nothing more
    before = fingerprint(w)
    with pytest.raises(AuthError):  # a session it still holds is refused at its next action
        w.review.approve(ids["kabid1"], item)
    assert fingerprint(w) == before
    assert [u["active"] for u in w.users.list_users() if u["username"] == "kabid1"] == [False]
    with pytest.raises(Refused, match="sudah nonaktif"):
        w.users.disable_user(ids["admin"], "kabid1")
    w.users.enable_user(ids["admin"], "kabid1")
    assert events(w, "user_enable")[-1].actor == "admin"
    assert w.users.authenticate("kabid1", pw["kabid1"]).id == ids["kabid1"]
    with pytest.raises(Refused, match="sudah aktif"):
        w.users.enable_user(ids["admin"], "kabid1")


def test_only_another_admin_disables_or_enables(warta):
    w, ids = warta, warta.ids
    before = fingerprint(w)
    with pytest.raises(Refused, match="Kepala Dinas tidak berwenang mengelola akun"):
        w.users.disable_user(ids["kadis1"], "pelaksana1")
    with pytest.raises(Refused, match="Kabid/Kasubag tidak berwenang mengelola akun"):
        w.users.enable_user(ids["kabid1"], "pelaksana1")
    with pytest.raises(Refused, match="tidak dapat menonaktifkan akunnya sendiri"):
        w.users.disable_user(ids["admin"], "admin")  # the last Administrator stays
    assert fingerprint(w) == before


def test_password_change_own_or_by_an_admin_checked_and_never_recorded(warta):
    w, ids, pw = warta, warta.ids, warta.passwords
    w.users.change_password(ids["pelaksana1"], "pelaksana1", "sandi-baru-saya")
    assert w.users.authenticate("pelaksana1", "sandi-baru-saya").id == ids["pelaksana1"]
    with pytest.raises(AuthError):
        w.users.authenticate("pelaksana1", pw["pelaksana1"])
    assert "pelaksana1" not in w.users.demo_passwords()  # the demo list no longer shows it
    w.users.change_password(ids["admin"], "kadis1", "sandi-dari-admin")
    assert w.users.authenticate("kadis1", "sandi-dari-admin").id == ids["kadis1"]
    changed = events(w, "user_password")
    assert [(e.actor, json.loads(e.data)) for e in changed] == [
        ("pelaksana1", {"username": "pelaksana1"}), ("admin", {"username": "kadis1"})]
    assert not any("sandi-" in e.data for e in changed)
    before = fingerprint(w)
    with pytest.raises(Refused, match="Kabid/Kasubag tidak berwenang mengganti kata sandi akun lain"):
        w.users.change_password(ids["kabid1"], "pelaksana1", "sandi-dari-kabid")
    with pytest.raises(InvalidInput, match="Kata sandi minimal 8 karakter"):
        w.users.change_password(ids["kabid1"], "kabid1", "pendek")
    with pytest.raises(InvalidInput, match="sama dengan kata sandi lama"):
        w.users.change_password(ids["kabid1"], "kabid1", pw["kabid1"])
    assert fingerprint(w) == before
    with w.ctx.read() as s:
        assert s.execute(select(User.active).where(User.username == "kabid1")).scalar() is True
