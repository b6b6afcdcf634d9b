"""Print bench/results/faults.json (written by ``make faults``) as the markdown table of
docs/RELIABILITY.md:  python -m bench.faults_table

The table itself is made by the fault suite's own module (tests/faults/table.py), so this command
and the document always show the same columns: attempted, confirmed, public state correct, lost,
duplicated artifacts, paper jobs, print deliveries, false confirmations, superseded and notes."""

from __future__ import annotations

from tests.faults.table import table

if __name__ == "__main__":
    print(table())
