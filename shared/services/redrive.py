"""Operators' view of deliveries and the re-drive of parked ones (PPID in the kiosk, the operator
from the CLI): who may, and the audited record that a parked message went back to its queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sqlalchemy import select

from shared import audit
from shared.errors import InvalidInput, NotFound, Refused
from shared.models import Announcement, Delivery
from shared.services.context import Context, Service
from shared.services.deliveries import SYSTEM, require_redriver, target_label
from shared.vocab import DeliveryState


class ParkingLot(Protocol):
    """Where parked messages wait: the transport's parking queues (``workers.transport``), given
    to the services by the entry point, so ``shared`` never imports the backbone."""

    def redrive(self, message_ids: set[str] | None, decision: str = "again") -> list[str]:
        """Move parked messages (all when None) back to their queue; returns those moved."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


class Redrive(Service):
    """Deliveries by state, the parked ones, and re-driving them (one use-case for the kiosk and
    the CLI)."""

    def __init__(self, ctx: Context, parking: Callable[[], ParkingLot] | None = None) -> None:
        super().__init__(ctx)
        self.parking = parking
        """Opens the parking lot; None where the backbone is not installed."""

    def send_again(self, message_ids: set[str] | None, actor_id: int | None = None,
                   printed: bool = False) -> dict:
        """Send parked messages (all when ``message_ids`` is None) back to their queue and mark
        their deliveries queued, audited. ``actor_id``: the PPID in the kiosk (refused for anyone
        else); None is the operator's CLI. ``printed``: the PPID checked that a paper job set aside
        as "mungkin sudah tercetak" is on the board: its proof is filed, nothing is printed again.
        Returns ``{"redriven": message ids moved, "deliveries": deliveries changed}``."""
        if actor_id is not None:
            self.check_may_redrive(actor_id)  # before any message moves
        return self._move(message_ids, actor_id, printed)

    def _move(self, message_ids: set[str] | None, actor_id: int | None, printed: bool) -> dict:
        if self.parking is None:
            raise Refused("Fitur kirim ulang belum tersedia: layanan pengiriman (backbone) belum "
                          "terpasang")
        lot = self.parking()
        try:
            moved = lot.redrive(message_ids, decision="printed" if printed else "again")
        finally:
            lot.close()
        return {"redriven": moved, "deliveries": self.mark_redriven(moved, actor_id)}

    def send_again_item(self, actor_id: int, item_id: int, channel: str, kind: str | None = None,
                        printed: bool = False) -> dict:
        """The kiosk's re-drive: the parked delivery of ``item_id`` on ``channel`` (``kind``
        chooses between a publication and its pencabutan; without it the parked one of them),
        as :meth:`send_again`. Refused, saying why, when that delivery is not parked."""
        self.check_may_redrive(actor_id)
        with self.ctx.read() as s:
            self.ctx.readable_item(s, item_id, actor_id)
            stmt = select(Delivery).where(Delivery.announcement_id == item_id,
                                          Delivery.channel == channel).order_by(Delivery.id)
            mine = [d for d in s.execute(stmt).scalars() if kind is None or d.kind == kind]
            parked = next((d for d in mine if d.state == DeliveryState.PARKED),
                          mine[0] if mine else None)
            if parked is None or parked.state != DeliveryState.PARKED:
                raise Refused("Pengiriman kanal '{channel}' tidak diparkir (status: {state})",
                              channel=channel, state=parked.state if parked else "—")
            message_id = parked.message_id
        if message_id is None:  # parked before any message was written: nothing to move
            raise Refused("Pengiriman kanal '{channel}' tidak diparkir (status: {state})",
                          channel=channel, state=parked.state)
        result = self._move({message_id}, actor_id, printed)
        if not result["redriven"]:  # the delivery says parked, the broker has no such message
            raise Refused("Pesan pengiriman kanal '{channel}' tidak ada di antrean parkir; periksa "
                          "monitor dan log pekerja", channel=channel)
        return result

    def list_deliveries(self, state: str | None = None, limit: int = 500) -> list[dict]:
        """Deliveries (newest first) with their announcement's number and title."""
        with self.ctx.read() as s:
            stmt = (select(Delivery, Announcement.number, Announcement.title, Announcement.state)
                    .join(Announcement, Announcement.id == Delivery.announcement_id)
                    .order_by(Delivery.id.desc()).limit(limit))
            if state:
                try:  # a misspelt state is refused instead of listing nothing
                    stmt = stmt.where(Delivery.state == DeliveryState(state))
                except ValueError:
                    raise InvalidInput("Status pengiriman '{state}' tidak dikenal; pilihan: {choices}",
                                       state=state, choices=", ".join(DeliveryState)) from None
            return [{"id": d.id, "announcement_id": d.announcement_id, "number": number,
                     "title": title, "announcement_state": item_state, "channel": d.channel,
                     "endpoint": d.endpoint or "", "state": d.state, "kind": d.kind,
                     "message_id": d.message_id,
                     "attempts": d.attempts, "last_error": d.last_error,
                     "artifacts": [a.get("name") for a in d.artifacts or []], "sha256": d.sha256,
                     "confirmed_at": d.confirmed_at.isoformat() if d.confirmed_at else None}
                    for d, number, title, item_state in s.execute(stmt)]

    def parked_deliveries(self, delivery_id: int | None = None) -> list[dict]:
        """The parked delivery ``delivery_id`` (refused when it is not parked), or every parked one."""
        with self.ctx.read() as s:
            if delivery_id is not None:
                d = s.get(Delivery, delivery_id)
                if d is None:
                    raise NotFound("Pengiriman #{id} tidak ditemukan", id=delivery_id)
                if d.state != DeliveryState.PARKED:
                    raise Refused("Pengiriman #{id} tidak diparkir (status: {state})", id=d.id,
                                  state=d.state)
                found: list[Delivery] = [d]
            else:
                found = list(s.execute(select(Delivery).where(
                    Delivery.state == DeliveryState.PARKED)).scalars())
            return [{"id": d.id, "message_id": d.message_id, "channel": d.channel,
                     "endpoint": d.endpoint or "", "announcement_id": d.announcement_id}
                    for d in found]

    def check_may_redrive(self, actor_id: int) -> None:
        """Refuse unless ``actor_id`` is the PPID: called before a parked message is moved, and
        again by :meth:`mark_redriven` in its transaction."""
        with self.ctx.read() as s:
            require_redriver(self.ctx.actor(s, actor_id))

    def mark_redriven(self, message_ids: list[str], actor_id: int | None = None) -> int:
        """Record that parked messages went back to their queue (PPID in the kiosk; ``actor_id``
        None is the operator's CLI). Returns the deliveries changed."""
        with self.ctx.tx() as s:
            actor = SYSTEM + ":operator"
            if actor_id is not None:
                user = self.ctx.actor(s, actor_id)
                require_redriver(user)
                actor = user.username
            changed = 0
            for d in s.execute(select(Delivery).where(Delivery.message_id.in_(message_ids),
                                                      Delivery.state == DeliveryState.PARKED)).scalars():
                d.state, d.last_error = DeliveryState.QUEUED, None
                audit.record(s, actor, "redrive", d.announcement_id,
                             channel=target_label(d.channel, d.endpoint),
                             message_id=d.message_id)
                changed += 1
            return changed
