"""The fault suite's bookkeeping: a run of N announcements through real subprocess services
(bench.harness.Run) with a recording renderer, and the Jepsen-style row of each scenario —
attempted, confirmed, delivered, lost, duplicated, recovered — written to bench/results/faults.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench.harness import CHANNELS, ROOT, Run, machine, rabbitmq_version

REC = "tests.backbone.renderers:RecordingRenderer"
RESULTS = ROOT / "bench" / "results" / "faults.json"
FAST = {"WARTA_POLL_INTERVAL": "0.05", "WARTA_RETRY_TIERS": "1,2,3", "WARTA_QUICK_RETRY_WAIT": "0.01",
        "WARTA_VISIBILITY_TIMEOUT": "5", "WARTA_RELAY_LEASE": "3", "WARTA_PREFETCH": "4"}


def n_announcements(default: int) -> int:
    """Scenario size (``WARTA_FAULTS_N`` overrides every scenario, e.g. for a quicker run)."""
    return int(os.environ.get("WARTA_FAULTS_N", default))


def broker_up() -> bool:
    """True when the local RabbitMQ answers an AMQP handshake."""
    return rabbitmq_version() != "unknown"


def approve_burst(run: Run, n: int, channels: list[str] = CHANNELS) -> list[int]:
    """Draft N announcements and give them all their final approval."""
    items = [run.draft(f"Uji galat {i}", channels) for i in range(n)]
    for item in items:
        run.final_approve(item)
    return items


def ledger(run: Run, attempted: int, recovered: bool, notes: str = "") -> dict:
    """Count what happened: confirmed deliveries (database), delivered artifacts (files), renders
    (the recording renderer's log), lost and duplicated."""
    out = run.settings.out
    counts = run.delivery_counts()
    confirmed = counts.get("confirmed", 0)
    files = [p for p in (out / "rec").rglob("*") if p.is_file()] if (out / "rec").exists() else []
    names = [p.name for p in files if not p.name.startswith(".")]
    leftovers = [p.name for p in files if p.name.startswith(".") and p.name.endswith(".tmp")]
    log = out / "renders.log"
    renders = log.read_text(errors="replace").splitlines() if log.exists() else []
    rendered_ids = [line.rsplit("|", 1)[-1] for line in renders]
    return {"attempted": attempted, "confirmed": confirmed, "delivered": len(set(names)),
            "lost": attempted - confirmed,
            "duplicated": len(names) - len(set(names)) + sum(1 for n in names if not n.endswith(".txt")),
            "leftover_tmp": len(leftovers),
            "rerendered": len(rendered_ids) - len(set(rendered_ids)),
            "parked": counts.get("parked", 0), "recovered": recovered, "states": counts,
            "notes": notes}


def record(scenario: str, transport: str, row: dict) -> None:
    """Merge one scenario's row into bench/results/faults.json."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"rows": {}}
    data["machine"] = machine()
    data["rows"][f"{scenario}/{transport}"] = {"scenario": scenario, "transport": transport, **row}
    RESULTS.write_text(json.dumps(data, indent=1, ensure_ascii=False))


def new_run(tmp: Path, transport: str, **env: str) -> Run:
    """A run with short retry tiers and the recording renderer's output."""
    run = Run(tmp, transport, extra_env={**FAST, **env})
    run.setup()
    return run
