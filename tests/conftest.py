"""Shared test fixtures. Real services only: RabbitMQ and PostgreSQL tests skip with the reason when
the service is unreachable, except under CI (``CI`` set), where they fail instead."""

from __future__ import annotations

import os
import shutil
import socket

import pytest

IN_CI = bool(os.environ.get("CI"))


def unavailable(reason: str) -> None:
    """Skip with ``reason`` outside CI; fail under CI, where every test must run."""
    if IN_CI:
        pytest.fail(f"required under CI: {reason}")
    pytest.skip(reason)


def require_tool(name: str) -> str:
    """The path of command-line tool ``name``, or skip/fail with the reason."""
    path = shutil.which(name)
    if not path:
        unavailable(f"'{name}' is not installed (make test installs it when run as root)")
    return path


def port_open(host: str, port: int) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """Every test gets its own WARTA_HOME and Indonesian as the language."""
    monkeypatch.setenv("WARTA_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("WARTA_LANG", "id")
    for name in ("WARTA_DATABASE_URL", "WARTA_OUTPUT_DIR", "WARTA_ARCHIVE_DIR", "WARTA_PROFILE",
                 "WARTA_BROKER", "WARTA_PASSWORD", "WARTA_PUBLIC_URL", "WARTA_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
