"""What every use-case service needs: settings, agency profile, sessions, the signing key, the
clock's zone; and :class:`Service`, the base of the use-case services."""

from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.config import AgencyProfile, Settings, get_settings
from shared.db import session_factory
from shared.errors import AuthError, NotFound, Refused
from shared.models import Announcement, Revision, User
from shared.classification import Klasifikasi
from shared.workflow import EXEMPT_READERS


def current_revision(session: Session, item: Announcement) -> Revision:
    """The revision ``item`` is at now (its texts, picture and schedule)."""
    return session.execute(select(Revision).where(Revision.announcement_id == item.id,
                                                  Revision.number == item.revision)).scalar_one()


class Context:
    """Settings, profile, sessions and signing key: the collaborators every service is given.
    One per process; the services built on it share its session factory."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.url = self.settings.db_url
        self.tz = self.settings.timezone
        self._sessions = session_factory(self.url)

    @cached_property
    def profile(self) -> AgencyProfile:
        """The agency profile."""
        return self.settings.agency()

    @cached_property
    def signing_key(self):  # noqa: ANN201 - Ed25519PrivateKey
        """The approval side's Ed25519 key (loaded once)."""
        from shared.messages import load_private_key

        path = self.settings.signing_key_path
        if not path.exists():
            raise Refused("Kunci penandatangan pesan belum ada di {path}; jalankan 'warta init' "
                          "atau 'warta keys generate'", path=str(path))
        return load_private_key(path)

    @contextmanager
    def tx(self) -> Iterator[Session]:
        """A transaction: commits at the end of the block, rolls back on any error."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (rolled back at the end)."""
        with self._sessions() as session:
            yield session

    # -- lookups used by every service -----------------------------------------------------------

    @staticmethod
    def actor(session: Session, actor_id: int) -> User:
        """The signed-in account ``actor_id``; refused when unknown or disabled."""
        user = session.get(User, actor_id)
        if user is None or not user.active:
            raise AuthError("Akun tidak dikenal atau tidak aktif")
        return user

    @staticmethod
    def user_by_name(session: Session, username: str) -> User:
        """The account ``username``, or :class:`NotFound`."""
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            raise NotFound("Pengguna '{username}' tidak ditemukan", username=username)
        return user

    @staticmethod
    def item(session: Session, item_id: int, lock: bool = False) -> Announcement:
        """Announcement ``item_id`` (locked for update with ``lock``), or :class:`NotFound`."""
        stmt = select(Announcement).where(Announcement.id == item_id)
        if lock:
            stmt = stmt.with_for_update()
        item = session.execute(stmt).scalar_one_or_none()
        if item is None:
            raise NotFound("Pengumuman #{id} tidak ditemukan", id=item_id)
        return item

    def readable_item(self, session: Session, item_id: int, actor_id: int | None) -> Announcement:
        """The announcement, refused when it is dikecualikan and ``actor_id`` may not read it."""
        item = self.item(session, item_id)
        if not self.may_read_exempt(session.get(User, actor_id) if actor_id else None, item):
            raise Refused("Informasi dikecualikan hanya dapat dibaca oleh Kepala Dinas dan PPID")
        return item

    @staticmethod
    def may_read_exempt(user: User | None, item: Announcement) -> bool:
        """Dikecualikan information is readable only by Kepala Dinas, PPID and its own author."""
        if item.klasifikasi != Klasifikasi.DIKECUALIKAN:
            return True
        return user is not None and (user.role in EXEMPT_READERS or user.id == item.author_id)


class Service:
    """A use-case service: small, with its collaborators passed in (``ctx``), so a process builds
    only the services it calls (the relay an :class:`~shared.services.outbox.Outbox`, the
    archiver a :class:`~shared.services.ledger.ReceiptLedger`)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
