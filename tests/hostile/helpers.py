"""Builders of hostile wires and the in-process worker run of the hostile corpus."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from channels.videotron.proof_of_play import is_screen_report
from shared.messages import Kind, new_envelope, sign
from tests.factories import envelope, signing_key, snapshot

_KEY = signing_key()


def snap_for(channel: str, **overrides):  # noqa: ANN201
    """A demo snapshot allowed on ``channel`` with hostile overrides."""
    return snapshot("renstra", ident=abs(hash((channel, str(overrides)))) % 10**9, **overrides)


def envelope_wire(mutate: str, channel: str, key=None) -> tuple[bytes, object]:  # noqa: ANN001
    """A hostile wire for ``channel`` and the public key a worker would verify it with."""
    key = key or _KEY
    public = key.public_key()
    if mutate == "garbage":
        return b"\x00\xffbukan json sama sekali", public
    if mutate == "latin1":
        return '{"v":1,"title":"Caf\xe9"}'.encode("latin-1"), public
    snap = snapshot("renstra")
    if mutate == "dikecualikan":
        snap = snapshot("renstra", klasifikasi="dikecualikan")
    elif mutate == "pimpinan":
        snap = snapshot("renstra", sasaran="pimpinan")
    elif mutate == "huge":
        snap = snapshot("renstra", body="Isi " + "x" * 10_000_000)
    target = "radio" if mutate == "channel" else channel
    valid = timedelta(seconds=-5) if mutate == "expired" else timedelta(hours=1)
    env = new_envelope(Kind.PUBLISH, target, snap, str(uuid.uuid4()), valid,
                       signing_key() if mutate == "otherkey" else key)
    wire = env.to_wire()
    if mutate == "truncate":
        return wire[: len(wire) // 2], public
    data = json.loads(wire)
    if mutate == "extra":
        data["injected"] = "tambahan"
    elif mutate == "version":
        data["v"] = 99  # a version this code does not know
    elif mutate == "b64":
        data["sig"] = "!!bukan-base64!!"
    elif mutate == "unsigned":
        data["sig"] = ""
    elif mutate == "tamper":
        data["announcement"]["title"] = "Judul yang diubah di jalan"
    else:
        return wire, public
    return json.dumps(data).encode(), public


def run_worker_cases(cases: list, home: Path, timeout: float = 90) -> dict[str, tuple[str, str]]:
    """Push every case into the embedded queues, run one in-process worker per channel until no
    message is ready or leased, and return ``{case_id: (outcome, reason)}``, where outcome is
    ``confirmed``, ``parked:<code>`` or ``stuck``."""
    from sqlalchemy import select

    from shared.bootstrap import init_home
    from shared.config import Settings
    from shared.db import session_factory
    from shared.messages import Receipt, load_private_key
    from shared.models import QueueMessage
    from workers.runtime import ChannelWorker
    from workers.transport import CODE, REASON
    from workers.transport.embedded import EmbeddedTransport

    settings = Settings(home=home, broker={
        "url": "embedded", "poll_interval": 0.02, "retry_tiers": "1", "quick_retries": 1,
        "quick_retry_wait": 0, "delivery_limit": 3, "visibility_timeout": 30})
    init_home(settings, demo=False)
    key = load_private_key(settings.signing_key_path)
    bb = settings.broker
    transport = EmbeddedTransport(settings, bb)
    sent: dict[str, str] = {}
    for case_id, inp, _exp in cases:
        channel = inp["channel"]
        if "wire" in inp:
            wire, _ = envelope_wire(inp["wire"], channel, key)
        else:
            fields = {k: v for k, v in inp.items() if k != "channel"}
            wire = sign(envelope(channel, snap_for(channel, **fields)), key).to_wire()
        mid = str(uuid.uuid4())
        transport.publish_dispatch(channel, wire, mid, 1, {})
        sent[case_id] = mid
    stop = threading.Event()
    threads = []
    for channel in sorted({c[1]["channel"] for c in cases}):
        worker = ChannelWorker(settings, bb, channel)
        t = threading.Thread(target=worker.run, args=(EmbeddedTransport(settings, bb), stop), daemon=True)
        t.start()
        threads.append(t)
    sessions = session_factory(settings.db_url)
    names = transport.names

    def pending() -> int:
        with sessions() as s:
            rows = s.execute(select(QueueMessage).where(QueueMessage.queue != names.receipts,
                                                        QueueMessage.state.in_(("ready", "leased"))))
            return len(rows.all())

    deadline = time.monotonic() + timeout
    while pending() and time.monotonic() < deadline:
        time.sleep(0.05)  # polling interval of the wait, not synchronisation
    stop.set()
    for t in threads:
        t.join(30)
    results: dict[str, tuple[str, str]] = {}
    with sessions() as s:
        rows = s.execute(select(QueueMessage)).scalars().all()
        receipts = {}
        for r in rows:
            if r.queue == names.receipts and not is_screen_report(r.body.encode()):
                rec = Receipt.model_validate_json(r.body)
                receipts.setdefault(r.message_id, []).append(rec)
        dispatch = {r.message_id: r for r in rows if r.queue != names.receipts}
        # (a videotron worker's proof-of-play status shares the receipts queue: not a receipt)
    for case_id, mid in sent.items():
        row = dispatch.get(mid)
        if row is not None and row.state == "parked":
            results[case_id] = (f"parked:{row.headers.get(CODE)}", row.headers.get(REASON) or "")
        elif row is None and any(r.outcome == "confirmed" for r in receipts.get(mid, [])):
            results[case_id] = ("confirmed", "")
        else:
            results[case_id] = ("stuck", f"state={getattr(row, 'state', None)} "
                                         f"receipts={[str(r.outcome) for r in receipts.get(mid, [])]}")
    return results

