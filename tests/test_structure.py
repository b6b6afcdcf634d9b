"""The shape docs/ARCHITECTURE.md promises: small use-case services, and the relay and the archiver
building only the one service each calls."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

from shared.services.context import Context, Service

ROOT = Path(__file__).resolve().parents[1]
MAX_PUBLIC_METHODS = 15


def _service_classes() -> list[type]:
    found = []
    for path in sorted((ROOT / "shared" / "services").glob("*.py")):
        if path.stem == "__init__":
            continue
        module = importlib.import_module(f"shared.services.{path.stem}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__:
                found.append(cls)
    return found


def test_no_service_class_has_more_than_fifteen_public_methods() -> None:
    classes = _service_classes()
    assert Context in classes and len([c for c in classes if issubclass(c, Service)]) >= 10
    too_big = {c.__qualname__: n for c in classes
               if (n := len([m for m, v in vars(c).items()
                             if not m.startswith("_") and callable(v)])) > MAX_PUBLIC_METHODS}
    assert too_big == {}


def test_services_are_independent_of_each_other() -> None:
    """A service gets its collaborators passed in; none inherits another's methods."""
    for cls in _service_classes():
        if issubclass(cls, Service) and cls is not Service:
            assert cls.__bases__ == (Service,), cls


def _constructed(path: Path) -> set[str]:
    """What ``path`` imports from the services (all it can build)."""
    tree = ast.parse(path.read_text())
    imported = {alias.asname or alias.name for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("shared.services")
                for alias in node.names}
    return imported


def test_the_relay_and_the_archiver_build_only_the_service_they_call() -> None:
    assert _constructed(ROOT / "workers" / "relay.py") == {"Context", "Outbox"}
    assert _constructed(ROOT / "workers" / "archiver.py") >= {"Context", "ReceiptLedger"}
    assert "Services" not in _constructed(ROOT / "workers" / "archiver.py")
    # and at run time: building a relay loads no drafting, review or records service
    code = ("import sys\nimport workers.relay, workers.archiver\n"
            "bad = [m for m in ('shared.services.drafting', 'shared.services.review',"
            " 'shared.services.records', 'shared.services.dip', 'shared.services.queries')"
            " if m in sys.modules]\nprint(','.join(bad))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
