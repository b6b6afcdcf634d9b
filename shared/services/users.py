"""Accounts: add, authenticate, and the demo set-up."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from shared import audit
from shared.errors import AuthError, InvalidInput, Refused
from shared.models import User
from shared.passwords import hash_password, new_password, verify_password
from shared.services.context import Service
from shared.workflow import Role

DEMO_ACCOUNTS = [
    ("pelaksana1", Role.PELAKSANA, "Rina Marlina, S.I.Kom.", "19900214 201503 2 001"),
    ("kabid1", Role.KABID, "Agus Santoso, S.Sos., M.M.", "19800506 200501 1 002"),
    ("sekretaris1", Role.SEKRETARIS, "Dra. Siti Rahmawati, M.Si.", "19780921 200212 2 003"),
    ("kadis1", Role.KADIS, "Dr. Hendra Wijaya, S.Kom., M.Si.", "19750812 200003 1 004"),
    ("ppid1", Role.PPID, "Yohanes Kambu, S.H.", "19880117 201101 1 005"),
    ("admin", Role.ADMIN, "Administrator Sistem", ""),
]
"""One demo account per role (username, role, name, NIP)."""


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


class Users(Service):
    """Accounts: adding, signing in, the demo accounts."""

    def add_user(self, username: str, role: str, name: str, password: str, nip: str = "",
                 actor: str = "system") -> int:
        """Create an account; refuse an unknown role or a taken username."""
        try:
            role = Role(role)
        except ValueError:
            raise Refused("Peran '{role}' tidak dikenal; pilih dari: {choices}", role=role,
                          choices=", ".join(r.value for r in Role)) from None
        if not username.strip() or not name.strip():
            raise InvalidInput("Nama pengguna dan nama lengkap wajib diisi")
        if len(password) < 8:
            raise InvalidInput("Kata sandi minimal 8 karakter")
        with self.ctx.tx() as s:
            if s.execute(select(User.id).where(User.username == username)).first():
                raise Refused("Nama pengguna '{username}' sudah dipakai", username=username)
            user = User(username=username, role=role, name=name, nip=nip,
                        password_hash=hash_password(password))
            s.add(user)
            s.flush()
            audit.record(s, actor, "user_add", None, username=username, role=role)
            return user.id

    def authenticate(self, username: str, password: str) -> Account:
        """The account for these credentials, or AuthError."""
        with self.ctx.read() as s:
            user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
            if user is None or not verify_password(user.password_hash, password or ""):
                raise AuthError("Nama pengguna atau kata sandi salah")
            if not user.active:
                raise AuthError("Akun '{username}' dinonaktifkan", username=username)
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
                raise AuthError("Akun '{username}' dinonaktifkan", username=user.username)
            return _account(user)

    def ensure_demo_accounts(self) -> list[dict[str, str]]:
        """Create the demo accounts that are missing; return all of them with their passwords
        (kept in ``$WARTA_HOME/demo-accounts.json``, readable by its owner only)."""
        path = Path(self.ctx.settings.home) / "demo-accounts.json"
        known = json.loads(path.read_text()) if path.exists() else {}
        result = []
        for username, role, name, nip in DEMO_ACCOUNTS:
            with self.ctx.read() as s:
                exists = s.execute(select(User.id).where(User.username == username)).first()
            if not exists:
                known[username] = new_password()
                self.add_user(username, role, name, known[username], nip=nip)
            result.append({"username": username, "role": str(role), "password": known.get(username, "")})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.write_text(json.dumps(known, indent=2))
        return result

    def demo_passwords(self) -> dict[str, str]:
        """The demo accounts' passwords, or {} when this home has no demo accounts."""
        path = Path(self.ctx.settings.home) / "demo-accounts.json"
        return json.loads(path.read_text()) if path.exists() else {}

    def list_users(self) -> list[dict]:
        """Every account (no hashes)."""
        with self.ctx.read() as s:
            return [{"id": u.id, "username": u.username, "role": u.role, "name": u.name,
                     "active": u.active} for u in s.execute(select(User).order_by(User.id)).scalars()]
