"""The dependency rule: workers never import textual; shared and channels never import pika."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.backbone.conftest import ROOT

CASES = [  # one subprocess per rule (each import costs a second or two)
    ("workers.runtime, workers.inprocess, workers.transport.amqp, workers.transport.embedded, "
     "workers.archiver, workers.relay, workers.faults", "textual"),
    ("shared.services, shared.services.deliveries, shared.messages, channels, channels.base", "pika"),
]


@pytest.mark.parametrize(("module", "forbidden"), CASES)
def test_module_does_not_import(module: str, forbidden: str) -> None:
    code = (f"import sys, {module}; bad = [m for m in sys.modules if m == '{forbidden}' or "
            f"m.startswith('{forbidden}.')]; print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, f"{module} imports {forbidden}: {proc.stdout}{proc.stderr}"
