"""The fault suite's table (docs/RELIABILITY.md) from bench/results/faults.json:
``python -m tests.faults.table`` prints it; :func:`write_docs` puts it between the markers."""

from __future__ import annotations

import json
import re

from bench.harness import ROOT
from tests.faults.harness import RESULTS

DOC = ROOT / "docs" / "RELIABILITY.md"
BEGIN, END = "<!-- faults-table:begin -->", "<!-- faults-table:end -->"
COLUMNS = [("attempted", "attempted"), ("confirmed", "confirmed"),
           ("public_state_correct", "public state correct"), ("lost", "lost"),
           ("duplicated", "duplicated artifacts"), ("paper_jobs", "paper jobs"),
           ("print_deliveries", "print deliveries"), ("false_confirmations", "false confirmations"),
           ("superseded", "superseded")]


def table() -> str:
    """The Jepsen-style table, one row per scenario and transport, with the run's machine."""
    data = json.loads(RESULTS.read_text(encoding="utf-8"))
    m = data.get("machine", {})
    lines = [f"Last run: {m.get('date')}, {m.get('nproc')} cores, Python {m.get('python')}, RabbitMQ "
             f"{m.get('rabbitmq')}, load average {m.get('loadavg')}.", "",
             "| scenario | transport | " + " | ".join(h for _, h in COLUMNS) + " | notes |",
             "|---|---|" + "---:|" * len(COLUMNS) + "---|"]
    for row in data["rows"].values():
        cells = [str(row.get(c, "–")) for c, _ in COLUMNS]
        notes = str(row.get("notes", "")).replace("|", "/")
        lines.append(f"| {row['scenario']} | {row['transport']} | " + " | ".join(cells) + f" | {notes} |")
    return "\n".join(lines)


def write_docs() -> None:
    """Replace the text between the markers in docs/RELIABILITY.md (nothing when they are absent)."""
    if not RESULTS.exists() or not DOC.exists():
        return
    text = DOC.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if pattern.search(text):
        DOC.write_text(pattern.sub(lambda _: f"{BEGIN}\n{table()}\n{END}", text), encoding="utf-8")


if __name__ == "__main__":
    print(table())
