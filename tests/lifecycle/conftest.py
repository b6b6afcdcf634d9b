"""Fixtures of the lifecycle tests. The home, the transports and the waiting are the backbone
tests' own (imported, not copied): ``transport_kind`` runs each test once embedded and once over
RabbitMQ with a unique prefix (marked ``broker``, topology deleted after)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.backbone.conftest import (  # noqa: F401 - fixtures used by the lifecycle tests
    Home,
    fast_env,
    template_home,
    transport_kind,
    wait_until,
)
from tests.lifecycle.readers import PUBLIC_URL
from tests.lifecycle.renderers import RENDERER as RADIO_RENDERER

FINAL = {"confirmed", "superseded", "revoked"}


def _lifecycle_env(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("WARTA_PUBLIC_URL", PUBLIC_URL)
    # the videotron worker's proof-of-play endpoint: any free port, so runs side by side never
    # compete for the default 8765
    monkeypatch.setenv("WARTA_VIDEOTRON_PLAY_PORT", "0")


@pytest.fixture
def lc_home(transport_kind, template_home, monkeypatch) -> Home:  # noqa: ANN001, F811
    """A demo home with the transport under test and a public URL, so every link in the outputs
    names one file under the output folder."""
    _lifecycle_env(monkeypatch)
    return Home(template_home)


@pytest.fixture
def embedded_home(fast_env, template_home, monkeypatch) -> Home:  # noqa: ANN001, F811
    """The same home over the embedded transport only."""
    _lifecycle_env(monkeypatch)
    monkeypatch.setenv("WARTA_BROKER", "embedded")
    return Home(template_home)


@contextmanager
def pipeline(home: Home) -> Iterator[list]:
    """The real relay, archiver and web, videotron and print workers, plus the radio worker with
    the real radio renderer (speech only for the audio cells), as threads; stopped after. Yields
    the handles so a test can check that no service failed."""
    from workers.inprocess import start_all

    bb = home.bb()
    main = start_all(home.settings, channels=["web", "videotron", "print"], bb=bb)
    radio = start_all(home.settings, channels=["radio"], renderer_override=RADIO_RENDERER, bb=bb,
                      relay=False, archiver=False)
    handles = [main, radio]
    try:
        yield handles
    finally:
        for handle in handles:
            handle.stop()


def settle(home: Home, what: str, timeout: float = 120.0) -> float:
    """Wait until every delivery in the home is final (confirmed, superseded or revoked); fail at
    once when one is parked. Returns the seconds waited."""
    started = time.monotonic()

    def done() -> bool:
        rows = home.w.redrive.list_deliveries(limit=10000)
        parked = [r for r in rows if r["state"] == "parked"]
        if parked:
            pytest.fail(f"{what}: parked deliveries: "
                        + "; ".join(f"{r['number']} {r['channel']} {r['kind']}: {r['last_error']}"
                                    for r in parked))
        return all(r["state"] in FINAL for r in rows)

    wait_until(done, timeout, interval=0.1, what=what)
    return time.monotonic() - started
