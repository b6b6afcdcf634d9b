"""Who acts on the PPID's records, and who signs them: rules shared by the records services and
the archive seal (:mod:`shared.records.sealing`)."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.errors import Refused
from shared.i18n import Lazy
from shared.models import User
from shared.records.pdf import Signer
from shared.workflow import ROLE_LABEL, Role


class Actors(Protocol):
    """What is needed to look an account up (a :class:`shared.services.context.Context`)."""

    def actor(self, session: Session, actor_id: int) -> User:
        """The active account ``actor_id``."""
        ...


def require(user: User, roles: tuple[str, ...], refusal: str) -> None:
    """Refuse with ``refusal`` unless ``user`` has one of ``roles``: a whole sentence (a msgid
    marked with ``N_``) saying what was refused and who may, with ``{role}`` for the user's role,
    worded in the reader's language."""
    if user.role not in roles:
        raise Refused(refusal, role=Lazy(ROLE_LABEL.get(Role(user.role), user.role)))


def records_actor(ctx: Actors, s: Session, actor_id: int | None, refusal: str) -> str:
    """The username acting on the records: PPID or Kepala Dinas (anyone else gets ``refusal``,
    as :func:`require`), or ``system`` for a scheduled job run by the operator (no user)."""
    if actor_id is None:
        return "system"
    user = ctx.actor(s, actor_id)
    require(user, (Role.PPID, Role.KADIS), refusal)
    return user.username


def ppid_signer(s: Session, user_id: int | None = None) -> Signer:
    """Who signs a records document: ``user_id`` when that is the PPID, else the first active
    PPID (a blank signature block when there is none)."""
    user = s.get(User, user_id) if user_id else None
    if user is None or user.role != Role.PPID:
        user = s.execute(select(User).where(User.role == Role.PPID, User.active.is_(True))
                         .order_by(User.id)).scalars().first()
    return Signer("PPID", user.name, user.nip) if user else Signer("PPID", "", "")
