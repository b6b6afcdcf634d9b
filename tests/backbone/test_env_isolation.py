"""No ``WARTA_*`` setting of the caller's environment reaches a test (tests/conftest.py): a pytest
run in a subprocess, with bogus settings in its environment, on a tiny test file that looks at the
environment at import, in a session fixture and in its tests. The suite's own knobs
(``WARTA_TEST_PG_URL`` ...) are kept; a variable a test leaks without monkeypatch is gone for the
next test. Four ops tests once failed when ``WARTA_AMQP_PREFIX`` was set in the shell."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from tests.backbone.conftest import ROOT
from tests.conftest import PG_URL

TINY = '''
import os

import pytest

def warta():
    return sorted(n for n in os.environ if n.startswith("WARTA_"))

AT_IMPORT = warta()

@pytest.fixture(scope="session")
def at_session_start():
    return warta()

def test_the_callers_settings_are_gone(at_session_start, tmp_path):
    assert AT_IMPORT == at_session_start == ["WARTA_PROFILE", "WARTA_TEST_PG_URL"]
    assert warta() == ["WARTA_HOME", "WARTA_LANG", "WARTA_PROFILE", "WARTA_TEST_PG_URL"]
    assert os.environ["WARTA_PROFILE"].endswith("shared/data/demo_profile.toml")  # the suite's
    assert os.environ["WARTA_HOME"] == str(tmp_path / "var")
    assert os.environ["WARTA_LANG"] == "id"
    assert os.environ["WARTA_TEST_PG_URL"] == {pg!r}
    os.environ["WARTA_LEAKED"] = "1"  # set without monkeypatch: must not reach the next test

def test_nothing_leaks_into_the_next_test():
    assert warta() == ["WARTA_HOME", "WARTA_LANG", "WARTA_PROFILE", "WARTA_TEST_PG_URL"]
'''


def test_a_callers_warta_settings_never_reach_a_test(tmp_path) -> None:
    tiny = tmp_path / "test_tiny.py"
    tiny.write_text(textwrap.dedent(TINY.format(pg=PG_URL)))
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARTA_")}
    env.update({"WARTA_AMQP_PREFIX": "zz", "WARTA_LANG": "en", "WARTA_HOME": str(tmp_path / "nope"),
                "WARTA_BROKER": "amqp://nobody:nothing@127.0.0.1:1/%2F",
                "WARTA_BOGUS_SETTING": "x", "WARTA_TEST_PG_URL": PG_URL,
                "WARTA_PROFILE": str(tmp_path / "nope" / "profile.toml")})
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "tests.conftest", "--rootdir", str(tmp_path), "-c", os.devnull,
                           str(tiny)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout, done.stdout
    assert not (tmp_path / "nope").exists()  # nothing was written to the caller's home
