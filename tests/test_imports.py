"""Dependency direction (DESIGN.md): shared, channels and workers never import textual; shared and
channels never import pika. Each package is imported in a fresh interpreter."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules(package: str) -> list[str]:
    path = ROOT / package
    names = [package]
    for info in pkgutil.walk_packages([str(path)], prefix=f"{package}."):
        if ".migrations" not in info.name:
            names.append(info.name)
    return names


@pytest.mark.parametrize("package,forbidden", [
    ("shared", ("textual", "pika")),
    ("channels", ("textual", "pika")),
    ("workers", ("textual",)),
])
def test_package_does_not_import(package, forbidden):
    modules = _modules(package)
    code = ("import importlib, sys\n"
            f"for m in {modules!r}:\n    importlib.import_module(m)\n"
            f"bad = [f for f in {forbidden!r} if f in sys.modules]\n"
            "print(','.join(bad))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"{package} imports {proc.stdout.strip()}"
