"""Every user-facing message of the records area has an English translation, and the records
modules stay free of UI and broker libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from shared.i18n import all_msgids

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "shared" / "records").glob("*.py")), ROOT / "shared" / "services" / "records.py",
           *(ROOT / "warta" / f"cmd_{area}.py" for area in ("dip", "exempt", "report", "archive"))]
MESSAGE_CALLS = {"_", "Refused", "InvalidInput", "NotFound"}


def _msgids() -> set[str]:
    found = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                first = node.args[0]
                if name in MESSAGE_CALLS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    return found


def test_every_records_message_is_translated():
    ids = _msgids()
    assert len(ids) > 30
    assert sorted(ids - set(all_msgids())) == []


def test_records_import_no_ui_or_broker():
    code = ("import sys, shared.records.report_docs, shared.records.cards, shared.records.archive_seal, "
            "shared.records.dip, shared.records.exempt, shared.services.records; "
            "print(sorted(m for m in ('textual', 'pika') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout.strip()
    assert out == "[]"
