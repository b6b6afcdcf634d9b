"""Fixtures of the hostile corpus: a demo database on SQLite for the CLI rows (the shared session
seed of tests/conftest.py, copied per test, so no password is hashed per row)."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture
def cli_home(tmp_path, tmp_path_factory, monkeypatch) -> dict:
    """WARTA_HOME and WARTA_DATABASE_URL of a fresh demo database; returns the demo passwords."""
    from tests.conftest import _seed

    seed = _seed("sqlite", tmp_path_factory)
    home = tmp_path / "var"
    shutil.copytree(seed["home"], home, ignore=shutil.ignore_patterns("warta.db*"))
    shutil.copyfile(seed["home"] / "warta.db", home / "warta.db")
    monkeypatch.setenv("WARTA_HOME", str(home))
    monkeypatch.setenv("WARTA_DATABASE_URL", f"sqlite:///{home / 'warta.db'}")
    return {a["username"]: a["password"] for a in seed["accounts"]}
