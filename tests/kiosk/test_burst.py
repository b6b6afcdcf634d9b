"""A burst of keys (username, Tab, password, Enter in one go, as a password manager's auto-type
sends them) signs in: every key lands in the field a slow typist would put it in. The real
``warta kiosk`` runs in a real terminal (tmux, 80×24); the burst is one ``send-keys`` call.

Before the fix the Tab was lost: Textual forwarded the whole burst to the username field before the
Tab's binding moved the focus, so the password ended up in the username (kiosk/screens/login.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.kiosk.dataset import PASSWORDS, make_home

pytestmark = pytest.mark.timeout(300)


class Terminal:
    """A private tmux server (its own socket, no user configuration) running one command."""

    def __init__(self, tmux: str, socket: Path, command: str) -> None:
        self.base = [tmux, "-S", str(socket), "-f", "/dev/null"]
        env = dict(os.environ, TERM="xterm-256color")
        subprocess.run([*self.base, "new-session", "-d", "-s", "kiosk", "-x", "80", "-y", "24",
                        command], env=env, check=True, timeout=30)

    def screen(self) -> str:
        out = subprocess.run([*self.base, "capture-pane", "-p", "-t", "kiosk"],
                             capture_output=True, text=True, timeout=30)
        return out.stdout

    def send(self, *keys: str) -> None:
        """One ``send-keys`` call: tmux writes the keys to the terminal back to back."""
        subprocess.run([*self.base, "send-keys", "-t", "kiosk", *keys], check=True, timeout=30)

    def until(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while text not in (screen := self.screen()):
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not on the terminal after {timeout} s:\n{screen}")
            time.sleep(0.1)
        return screen

    def close(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture
def terminal(tmp_path):
    tmux = require_tool("tmux")
    make_home()  # the demo accounts (with fixed passwords) in this test's WARTA_HOME
    term = Terminal(tmux, tmp_path / "tmux.sock", f"{sys.executable} -m warta.cli kiosk")
    yield term
    term.close()


BURST = ("pelaksana1", "Tab", PASSWORDS["pelaksana1"], "Enter")


def test_a_burst_on_the_sign_in_screen_signs_in(terminal) -> None:
    terminal.until("Kata sandi")  # the sign-in screen is painted
    terminal.send(*BURST)
    home = terminal.until("Beranda")
    assert "Rina Marlina" in home


def test_a_burst_typed_while_the_kiosk_starts_signs_in(terminal) -> None:
    # The keys arrive before Textual has the terminal: the line discipline keeps them and turns
    # Enter into a newline, which the sign-in screen must read as Enter.
    terminal.send(*BURST)
    home = terminal.until("Beranda")
    assert "Rina Marlina" in home


def test_shift_tab_and_enter_in_the_username_move_between_fields(terminal) -> None:
    terminal.until("Kata sandi")
    # a mistyped username, Tab to the password, Shift+Tab back, fix it, Enter, the password, Enter
    terminal.send("salah", "Tab", "x", "BTab", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace",
                  "pelaksana1", "Enter", "BSpace", PASSWORDS["pelaksana1"], "Enter")
    home = terminal.until("Beranda")
    assert "Rina Marlina" in home
