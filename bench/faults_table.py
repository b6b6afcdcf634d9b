"""Print bench/results/faults.json (written by ``make faults``) as the markdown table of
docs/RELIABILITY.md:  python -m bench.faults_table"""

from __future__ import annotations

import json

from bench.harness import ROOT

COLUMNS = ["attempted", "confirmed", "delivered", "lost", "duplicated", "recovered", "rerendered",
           "parked", "leftover_tmp"]


def table(path=ROOT / "bench" / "results" / "faults.json") -> str:  # noqa: ANN001
    """The Jepsen-style table, one row per scenario and transport."""
    data = json.loads(path.read_text(encoding="utf-8"))
    m = data.get("machine", {})
    lines = [f"Run: {m.get('date')}, {m.get('nproc')} cores, Python {m.get('python')}, RabbitMQ "
             f"{m.get('rabbitmq')}, load average {m.get('loadavg')}.", "",
             "| scenario | transport | " + " | ".join(COLUMNS) + " | notes |",
             "|---|---|" + "---:|" * len(COLUMNS) + "---|"]
    for row in data["rows"].values():
        cells = [str(row.get(c, "–")) for c in COLUMNS]
        lines.append(f"| {row['scenario']} | {row['transport']} | " + " | ".join(cells)
                     + f" | {row.get('notes', '')} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
