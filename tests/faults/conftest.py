"""At the end of a fault-suite session, the rows in bench/results/faults.json become the table in
docs/RELIABILITY.md (between the ``faults-table`` markers), so the document always shows the last
run — failures included: a row is recorded before its assertions."""

from __future__ import annotations

from tests.faults.table import write_docs


def pytest_sessionfinish(session, exitstatus) -> None:  # noqa: ANN001, ARG001
    """Rewrite the table when at least one scenario ran."""
    if any(item.get_closest_marker("faults") for item in session.items):
        write_docs()
