"""The composition root of the kiosk and the CLI: every use-case service over one context. The
kiosk and the CLI are two faces of these; every rule (roles, separation of duties,
classification, the dikecualikan block) is enforced in them. A process that needs fewer builds
only those (the relay an :class:`Outbox`, the archiver a :class:`ReceiptLedger`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.config import Settings
from shared.services.context import Context
from shared.services.dip import DipRegister, ExemptRegister
from shared.services.drafting import Drafting
from shared.services.ledger import ReceiptLedger
from shared.services.monitor import Monitor
from shared.services.outbox import Outbox
from shared.services.queries import Queries
from shared.services.records import Reports
from shared.services.redrive import ParkingLot, Redrive
from shared.services.review import ReviewChain
from shared.services.todo import ActionList
from shared.services.users import Users


@dataclass
class Services:
    """Every use-case service over one context (the kiosk's and the CLI's composition root)."""

    ctx: Context
    """Settings, profile, sessions and signing key the services share."""
    drafting: Drafting
    """Drafts, revisions, ralat drafts, disposisi."""
    review: ReviewChain
    """Submit, approve, return, revoke."""
    queries: Queries
    """Announcements, inboxes and diffs as each user may see them."""
    monitor: Monitor
    """Channel and screen status."""
    outbox: Outbox
    """The relay's outbox rows."""
    ledger: ReceiptLedger
    """Receipts and proofs of publication."""
    redrive: Redrive
    """Deliveries by state; re-driving parked ones."""
    users: Users
    """Accounts."""
    dip: DipRegister
    """The Daftar Informasi Publik."""
    exempt: ExemptRegister
    """The register of exempt information."""
    reports: Reports
    """Monthly report, archive seal, control cards, receipts."""
    todo: ActionList
    """The "Perlu tindakan" list of each user; overdue-step notices."""

    @classmethod
    def build(cls, settings: Settings | None = None,
              parking: Callable[[], ParkingLot] | None = None) -> Services:
        """All services over one new context (``settings``: from the environment when None).
        ``parking`` opens the transport's parking queues for the re-drive (the entry point gives
        it; ``shared`` does not import the backbone)."""
        ctx = Context(settings)
        queries, monitor = Queries(ctx), Monitor(ctx)
        return cls(ctx=ctx, drafting=Drafting(ctx), review=ReviewChain(ctx), queries=queries,
                   monitor=monitor, outbox=Outbox(ctx), ledger=ReceiptLedger(ctx),
                   redrive=Redrive(ctx, parking), users=Users(ctx), dip=DipRegister(ctx),
                   exempt=ExemptRegister(ctx), reports=Reports(ctx, queries),
                   todo=ActionList(ctx, queries, monitor))


__all__ = ["ActionList", "Context", "DipRegister", "Drafting", "ExemptRegister", "Monitor",
           "Outbox", "Queries", "ParkingLot", "ReceiptLedger", "Redrive", "Reports", "ReviewChain",
           "Services", "Users"]
