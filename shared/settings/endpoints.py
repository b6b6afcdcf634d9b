"""Named endpoints of a channel (screens, print stations): ``WARTA_ENDPOINTS`` on the approval side,
``WARTA_ENDPOINT`` in a worker. See docs/DEPLOYMENT.md."""

from __future__ import annotations

import re

ENDPOINT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
"""An endpoint name: it becomes part of queue names and routing keys, so no dots (a worker of
endpoint ``lobby`` signs as ``lobby`` or ``lobby.<suffix>``, see docs/DEPLOYMENT.md)."""


def check_endpoint(name: str) -> str:
    """``name`` when it may name an endpoint; ValueError (Indonesian) otherwise."""
    if not ENDPOINT_NAME.match(name) or name == "urgent":
        raise ValueError(f"Nama titik tayang '{name}' tidak sah: huruf kecil, angka, tanda hubung "
                         "atau garis bawah (tanpa titik), paling banyak 32 karakter, bukan 'urgent'")
    return name


def serves_endpoint(worker: str, endpoint: str) -> bool:
    """True when the worker identity ``worker`` may report for ``endpoint``: any registered
    worker of the channel for the unnamed endpoint ''; for a named one only the worker named
    after it (``lobby``, or ``lobby.<suffix>`` for a rotated key), so each screen's proof is
    signed by that screen's own key."""
    return not endpoint or worker == endpoint or worker.startswith(endpoint + ".")


def parse_endpoints(text: str) -> dict[str, list[str]]:
    """``"videotron=lobby,alun-alun;print=tu"`` → ``{"videotron": ["lobby", "alun-alun"],
    "print": ["tu"]}``; ValueError (Indonesian) for an unknown channel, a bad or repeated name."""
    from shared.classification import Channel

    found: dict[str, list[str]] = {}
    for part in (p.strip() for p in (text or "").split(";")):
        if not part:
            continue
        channel, sep, names = (x.strip() for x in part.partition("="))
        if not sep or channel not in {c.value for c in Channel} or channel in found:
            raise ValueError(f"WARTA_ENDPOINTS: bagian '{part}' tidak sah; contoh: "
                             "videotron=lobby,alun-alun;print=tu (setiap kanal sekali)")
        listed = [check_endpoint(n.strip()) for n in names.split(",") if n.strip()]
        if not listed or len(set(listed)) != len(listed):
            raise ValueError(f"WARTA_ENDPOINTS: kanal '{channel}' perlu nama titik tayang yang "
                             "berbeda-beda")
        found[channel] = listed
    return found
