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


def redrive(w: Any, actor_id: int, item_id: int, channel: str) -> Any:
    """Send a parked delivery again (PPID); the rule checks live in the service."""
    fn = getattr(w, "redrive", None)
    if fn is None:
        raise Refused("Fitur kirim ulang belum tersedia: layanan pengiriman (backbone) belum "
                      "terpasang")
    return fn(actor_id, item_id, channel)
