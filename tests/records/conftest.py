"""Fixtures of the records tests: one seeded month per session (argon2 hashing of the demo accounts
is the slow part), copied into each test's own WARTA_HOME so tests may change it freely."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shared.db import engine_for
from shared.services.root import Services
from tests.conftest import require_tool
from tests.records.seed import Seeded, seed_month

ENV = ("WARTA_DATABASE_URL", "WARTA_OUTPUT_DIR", "WARTA_ARCHIVE_DIR", "WARTA_PROFILE", "WARTA_BROKER",
       "WARTA_PASSWORD", "WARTA_PUBLIC_URL", "WARTA_TIMEZONE")


@pytest.fixture(scope="session")
def _seeded_home(tmp_path_factory) -> tuple[Path, Seeded]:
    home = tmp_path_factory.mktemp("seeded") / "var"
    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("WARTA_HOME", str(home))
        mp.setenv("WARTA_LANG", "id")
        for name in ENV:
            mp.delenv(name, raising=False)
        seeded = seed_month()
        engine_for(seeded.w.ctx.url).dispose()  # closes the WAL cleanly before the copies
    finally:
        mp.undo()
    return home, seeded


@pytest.fixture
def month(_seeded_home, tmp_path, monkeypatch) -> Seeded:
    """The seeded September 2026 in this test's own WARTA_HOME."""
    src, seeded = _seeded_home
    home = tmp_path / "home"
    shutil.copytree(src, home)
    monkeypatch.setenv("WARTA_HOME", str(home))
    w = Services.build()
    return replace(seeded, w=w, archive=w.ctx.settings.archive)


@pytest.fixture
def cli(month, monkeypatch):
    """Run ``warta`` (typer's CliRunner on warta.cli:app) as a user: ``cli(args, as_user=...)``."""
    from warta.cli import app

    runner = CliRunner()

    def run(args: list[str], as_user: str | None = None):  # noqa: ANN202
        if as_user:
            monkeypatch.setenv("WARTA_PASSWORD", month.passwords[as_user])
        return runner.invoke(app, [str(a) for a in args])

    return run


def pdf_text(path: Path) -> str:
    """The PDF's text (pdftotext), whitespace collapsed so wrapped table cells still match."""
    out = subprocess.run([require_tool("pdftotext"), str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return re.sub(r"\s+", " ", out)


def pdf_pages(path: Path) -> int:
    """Number of pages (pdfinfo)."""
    out = subprocess.run([require_tool("pdfinfo"), str(path)], capture_output=True, text=True,
                         check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
