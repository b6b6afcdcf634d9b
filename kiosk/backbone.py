"""Optional parts of the backbone the kiosk uses when they are installed: the in-process workers
and the re-drive of a parked delivery. Imported lazily so the kiosk runs without them and says so
in plain Indonesian."""

from __future__ import annotations

from typing import Any

from shared.config import Settings
from shared.errors import Refused


def start_workers(settings: Settings) -> Any:
    """Start relay, channel workers and archiver in this process (``workers.inprocess``); returns
    the handle (``handle.stop()``). Raises :class:`Refused` with the reason when unavailable."""
    try:
        from workers.inprocess import start_all
    except ImportError:
        raise Refused("Pekerja kanal (relay, pekerja, pengarsip) belum terpasang di instalasi "
                      "ini; pengiriman akan tetap berstatus menunggu") from None
    return start_all(settings)


def stop_workers(handle: Any) -> None:
    """Stop what :func:`start_workers` started (no-op for ``None``)."""
    if handle is not None:
        handle.stop()


def redrive(w: Any, actor_id: int, item_id: int, channel: str, kind: str | None = None,
            printed: bool = False) -> int:
    """Send the parked delivery of ``item_id`` on ``channel`` again (PPID only): the message
    goes back from the parking queue to its channel queue and the delivery is marked queued.
    ``kind`` (publish, update, revoke) chooses between a channel's publication and its
    pencabutan; without it the parked one of them is taken. ``printed``: the PPID checked that a
    job set aside as "mungkin sudah tercetak" is on the board: its proof is filed, nothing is
    printed again. Returns the deliveries changed."""
    w.check_may_redrive(actor_id)  # before the message moves
    item = w.get_item(item_id, actor_id)
    mine = [d for d in item["deliveries"] if d["channel"] == channel
            and (kind is None or d["kind"] == kind)]
    delivery = next((d for d in mine if d["state"] == "parked"), mine[0] if mine else None)
    if delivery is None or delivery["state"] != "parked":
        raise Refused("Pengiriman kanal '{channel}' tidak diparkir (status: {state})",
                      channel=channel, state=delivery["state"] if delivery else "—")
    try:
        from workers.transport import make_transport
    except ImportError:
        raise Refused("Fitur kirim ulang belum tersedia: layanan pengiriman (backbone) belum "
                      "terpasang") from None
    transport = make_transport(w.settings, role="kiosk-redrive")
    try:
        transport.redrive({delivery["message_id"]}, decision="printed" if printed else "again")
    finally:
        transport.close()
    return w.mark_redriven([delivery["message_id"]], actor_id)
