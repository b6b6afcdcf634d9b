"""Accounts: add, sign in, disable and enable, change a password, and the demo set-up.

Who manages accounts: an Administrator, signed in. Once an installation has an active
Administrator, a privileged account (:data:`PRIVILEGED_ROLES`) is created only by one; the first
Administrator of a fresh installation (and any account made before it) needs nobody and is audited
under ``system``. Disabling, enabling and another's password are always an Administrator's; every
user may change their own password. Every change is audited under the acting user."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared import audit
from shared.errors import AuthError, InvalidInput, Refused
from shared.filemodes import write_private
from shared.i18n import N_, Lazy
from shared.models import User
from shared.passwords import MIN_LENGTH, hash_password, new_password, verify_password
from shared.services.context import Service
from shared.workflow import ROLE_LABEL, Role

DEMO_ACCOUNTS = [
    ("pelaksana1", Role.PELAKSANA, "Rina Marlina, S.I.Kom.", "19900214 201503 2 001"),
    ("kabid1", Role.KABID, "Agus Santoso, S.Sos., M.M.", "19800506 200501 1 002"),
    ("sekretaris1", Role.SEKRETARIS, "Dra. Siti Rahmawati, M.Si.", "19780921 200212 2 003"),
    ("kadis1", Role.KADIS, "Dr. Hendra Wijaya, S.Kom., M.Si.", "19750812 200003 1 004"),
    ("ppid1", Role.PPID, "Yohanes Kambu, S.H.", "19880117 201101 1 005"),
    ("admin", Role.ADMIN, "Administrator Sistem", ""),
]
"""One demo account per role (username, role, name, NIP)."""

PRIVILEGED_ROLES = frozenset({Role.KABID, Role.SEKRETARIS, Role.KADIS, Role.PPID, Role.ADMIN})
"""Accounts only a signed-in Administrator creates once the installation has one: every role that
approves an announcement (Kabid/Kasubag, Sekretaris, Kepala Dinas), reads dikecualikan information
and the PPID's registers (PPID, Kepala Dinas) or manages accounts (Administrator). Not the
Pelaksana, who only drafts: every draft still passes three approvals."""

DISABLED = N_("Akun '{username}' dinonaktifkan; minta Administrator mengaktifkannya kembali")
"""Why a disabled account cannot sign in (after its password was right, so it tells nobody else)."""

SYSTEM_ACTOR = "system"
"""The audit actor of an account made without a signed-in Administrator (with ``"system": true``)."""


@dataclass(frozen=True, slots=True)
class Account:
    """A signed-in account, as :meth:`Users.authenticate` returns it (never the password hash)."""

    id: int
    username: str
    name: str
    role: Role
    nip: str = ""


def _account(user: User) -> Account:
    return Account(id=user.id, username=user.username, name=user.name, role=Role(user.role),
                   nip=user.nip or "")


def _label(role: str) -> Lazy:
    """A role as a parameter of a refusal, translated with it."""
    return Lazy(ROLE_LABEL.get(Role(role), role))


def _parse_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise Refused("Peran '{role}' tidak dikenal; pilih dari: {choices}", role=role,
                      choices=", ".join(r.value for r in Role)) from None


def check_new_password(password: str) -> None:
    """Refuse a password shorter than :data:`shared.passwords.MIN_LENGTH`."""
    if len(password or "") < MIN_LENGTH:
        raise InvalidInput("Kata sandi minimal {n} karakter", n=MIN_LENGTH)


def _has_admin(s: Session) -> bool:
    """True when an active Administrator account exists."""
    return s.execute(select(User.id).where(User.role == Role.ADMIN, User.active.is_(True))
                     .limit(1)).first() is not None


class Users(Service):
    """Accounts: adding, signing in, disabling and enabling, passwords, the demo accounts."""

    def add_user(self, username: str, role: str, name: str, password: str, nip: str = "",
                 actor_id: int | None = None) -> int:
        """Create an account; refuse an unknown role, a taken username, a short password, an
        acting user who is not an Administrator, and a privileged account (:data:`PRIVILEGED_ROLES`)
        without a signed-in Administrator (``actor_id``) once the installation has one."""
        role = _parse_role(role)
        if not username.strip() or not name.strip():
            raise InvalidInput("Nama pengguna dan nama lengkap wajib diisi")
        check_new_password(password)
        with self.ctx.tx() as s:
            actor = self._administrator(s, actor_id) if actor_id is not None else None
            if actor is None and role in PRIVILEGED_ROLES and _has_admin(s):
                raise Refused("Akun {role} hanya dapat dibuat oleh Administrator yang masuk, karena "
                              "instalasi ini sudah mempunyai Administrator", role=_label(role))
            if s.execute(select(User.id).where(User.username == username)).first():
                raise Refused("Nama pengguna '{username}' sudah dipakai", username=username)
            user = User(username=username, role=role, name=name, nip=nip,
                        password_hash=hash_password(password))
            s.add(user)
            s.flush()
            if actor is None:
                audit.record(s, SYSTEM_ACTOR, "user_add", None, username=username, role=role,
                             system=True)
            else:
                audit.record(s, actor.username, "user_add", None, username=username, role=role)
            return user.id

    def disable_user(self, actor_id: int, username: str) -> None:
        """Disable an account (an Administrator's, never their own): it can no longer sign in, and
        a session it holds is refused at its next action."""
        with self.ctx.tx() as s:
            actor = self._administrator(s, actor_id)
            user = self.ctx.user_by_name(s, username)
            if user.id == actor.id:
                raise Refused("Administrator tidak dapat menonaktifkan akunnya sendiri; minta "
                              "Administrator lain melakukannya")
            if not user.active:
                raise Refused("Akun '{username}' sudah nonaktif", username=user.username)
            user.active = False
            audit.record(s, actor.username, "user_disable", None, username=user.username,
                         role=user.role)

    def enable_user(self, actor_id: int, username: str) -> None:
        """Enable a disabled account again (an Administrator's)."""
        with self.ctx.tx() as s:
            actor = self._administrator(s, actor_id)
            user = self.ctx.user_by_name(s, username)
            if user.active:
                raise Refused("Akun '{username}' sudah aktif", username=user.username)
            user.active = True
            audit.record(s, actor.username, "user_enable", None, username=user.username,
                         role=user.role)

    def change_password(self, actor_id: int, username: str, password: str) -> None:
        """Give ``username`` a new password: one's own, or any account's by an Administrator. The
        new password is checked (:data:`shared.passwords.MIN_LENGTH`, not the current one) and
        never recorded; the audit trail says who changed whose."""
        check_new_password(password)
        with self.ctx.tx() as s:
            actor = self.ctx.actor(s, actor_id)
            user = self.ctx.user_by_name(s, username)
            if user.id != actor.id and actor.role != Role.ADMIN:
                raise Refused("{role} tidak berwenang mengganti kata sandi akun lain; kata sandi "
                              "diganti oleh pemilik akun atau Administrator", role=_label(actor.role))
            if verify_password(user.password_hash, password):
                raise InvalidInput("Kata sandi baru sama dengan kata sandi lama")
            user.password_hash = hash_password(password)
            audit.record(s, actor.username, "user_password", None, username=user.username)
        known = self.demo_passwords()
        if username in known:  # the demo list must not show a password that no longer works
            del known[username]
            write_private(self._demo_file(), json.dumps(known, indent=2).encode())

    def _administrator(self, s: Session, actor_id: int) -> User:
        """The signed-in account ``actor_id`` when it is an active Administrator; refused otherwise."""
        actor = self.ctx.actor(s, actor_id)
        if actor.role != Role.ADMIN:
            raise Refused("{role} tidak berwenang mengelola akun; akun dikelola oleh Administrator",
                          role=_label(actor.role))
        return actor

    def authenticate(self, username: str, password: str) -> Account:
        """The account for these credentials, or AuthError (saying so for a disabled account)."""
        with self.ctx.read() as s:
            user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
            if user is None or not verify_password(user.password_hash, password or ""):
                raise AuthError("Nama pengguna atau kata sandi salah")
            if not user.active:
                raise AuthError(DISABLED, username=username)
            return _account(user)

    def account(self, user_id: int) -> Account | None:
        """The account with this id, read again, as :meth:`authenticate` returns it (for a sign-in
        made elsewhere: the browser gate's ticket); None when there is none, AuthError when it has
        been deactivated meanwhile."""
        with self.ctx.read() as s:
            user = s.get(User, user_id)
            if user is None:
                return None
            if not user.active:
                raise AuthError(DISABLED, username=user.username)
            return _account(user)

    def ensure_demo_accounts(self) -> list[dict[str, str]]:
        """Create the demo accounts that are missing; return all of them with their passwords
        (kept in ``$WARTA_HOME/demo-accounts.json``, readable by its owner only). Refused, with
        nothing created, when privileged ones are missing and the installation already has an
        Administrator: those are made by an Administrator (:meth:`add_user`)."""
        path = self._demo_file()
        known = self.demo_passwords()
        with self.ctx.read() as s:
            existing = set(s.execute(select(User.username)).scalars())
            missing = [a for a in DEMO_ACCOUNTS if a[0] not in existing]
            if any(role in PRIVILEGED_ROLES for _u, role, _n, _nip in missing) and _has_admin(s):
                raise Refused("Akun demo ({names}) tidak ditambahkan: instalasi ini sudah mempunyai "
                              "Administrator, yang membuat akun dengan 'warta user add'",
                              names=", ".join(a[0] for a in missing))
        for username, role, name, nip in missing:
            known[username] = new_password()
            self.add_user(username, role, name, known[username], nip=nip)
        write_private(path, json.dumps(known, indent=2).encode())
        return [{"username": username, "role": str(role), "password": known.get(username, "")}
                for username, role, _name, _nip in DEMO_ACCOUNTS]

    def _demo_file(self) -> Path:
        return Path(self.ctx.settings.home) / "demo-accounts.json"

    def demo_passwords(self) -> dict[str, str]:
        """The demo accounts' passwords, or {} when this home has no demo accounts."""
        path = self._demo_file()
        return json.loads(path.read_text()) if path.exists() else {}

    def list_users(self) -> list[dict]:
        """Every account (no hashes)."""
        with self.ctx.read() as s:
            return [{"id": u.id, "username": u.username, "role": u.role, "name": u.name,
                     "nip": u.nip or "", "active": u.active}
                    for u in s.execute(select(User).order_by(User.id)).scalars()]
