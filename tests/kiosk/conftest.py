"""Kiosk test helpers: a fixed demo home, signing in through the UI, and waiting on a condition
with a deadline (never a bare sleep)."""

from __future__ import annotations

import time
from typing import Callable

import pytest

from tests.kiosk.dataset import PASSWORDS, make_home


@pytest.fixture
def home():
    """(settings, services, ids by username) over a fresh home with the demo accounts."""
    return make_home()


async def until(pilot, cond: Callable[[], bool], timeout: float = 15.0, what: str = "") -> None:  # noqa: ANN001
    """Let the app run until ``cond()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {what or cond}")
        await pilot.pause(0.05)


def screen_name(pilot) -> str:  # noqa: ANN001
    """The class name of the active screen."""
    return type(pilot.app.screen).__name__


def text_of(widget) -> str:  # noqa: ANN001
    """The plain text a Static shows."""
    content = widget.content
    return content.plain if hasattr(content, "plain") else str(content)


async def login(pilot, username: str, password: str | None = None, typed: bool = False) -> None:  # noqa: ANN001
    """Fill the credentials on the sign-in screen and press Enter; wait for the home screen.
    ``typed`` presses every key (slow in Pilot: about 0.1 s a key); otherwise the fields are
    filled and only Enter is pressed."""
    await until(pilot, lambda: screen_name(pilot) == "LoginScreen", what="sign-in screen")
    await pilot.click("#username")
    if typed:
        await pilot.press(*username, "enter")
        await pilot.press(*(password or PASSWORDS[username]), "enter")
    else:
        pilot.app.screen.query_one("#username").value = username
        pilot.app.screen.query_one("#password").value = password or PASSWORDS[username]
        pilot.app.screen.query_one("#password").focus()
        await pilot.press("enter")
    await until(pilot, lambda: screen_name(pilot) == "HomeScreen", what=f"home of {username}")
    # under load the home screen may be current before its tables are mounted
    await until(pilot, lambda: any(t.row_count > 0 for t in pilot.app.screen.query("#waiting")),
                what="home loaded")


async def logout(pilot) -> None:  # noqa: ANN001
    """Lock the kiosk (Ctrl+L) and wait for the sign-in screen."""
    await pilot.press("ctrl+l")
    await until(pilot, lambda: screen_name(pilot) == "LoginScreen", what="locked")


def waiting_ids(pilot) -> list[str]:  # noqa: ANN001
    """The announcement ids in the home screen's 'waiting for me' table."""
    table = pilot.app.screen.query_one("#waiting")
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count) if table.get_row_at(i)[0]]
