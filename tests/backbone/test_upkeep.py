"""Worker upkeep and least-privilege start-up: temp files of a killed process are swept; an account
without configure rights only checks that the topology exists."""

from __future__ import annotations

import os
import threading

import pytest

from shared.config import get_settings
from tests.backbone.conftest import delete_broker_topology, require_broker
from workers.runtime import ChannelWorker
from workers.transport import FatalTransportError, make_transport


def test_worker_start_removes_temp_files_a_killed_process_left(home):
    root = home.settings.out / "web"
    (root / "items").mkdir(parents=True, exist_ok=True)
    leftovers = [root / ".rss.xml.k3j2h1.tmp", root / "items" / ".a.html.x9y8z7.tmp"]
    for path in leftovers:
        path.write_bytes(b"setengah")
    whole = root / "rss.xml"
    whole.write_bytes(b"<rss/>")
    stop = threading.Event()
    stop.set()  # start, sweep, declare, and return at once
    ChannelWorker(home.settings, home.bb(), "web", renderer="web").run(
        make_transport(home.settings, home.bb()), stop)
    assert not any(p.exists() for p in leftovers)
    assert whole.read_bytes() == b"<rss/>"


@pytest.mark.broker
def test_passive_declare_checks_without_creating(monkeypatch, fast_env):
    monkeypatch.setenv("WARTA_BROKER", require_broker())
    prefix = os.environ["WARTA_AMQP_PREFIX"]
    try:
        monkeypatch.setenv("WARTA_AMQP_DECLARE", "false")
        passive = make_transport(get_settings())
        with pytest.raises(FatalTransportError, match="Topologi broker belum disiapkan"):
            passive.declare()
        passive.close()
        monkeypatch.setenv("WARTA_AMQP_DECLARE", "true")
        declaring = make_transport(get_settings())
        declaring.declare()
        declaring.close()
        monkeypatch.setenv("WARTA_AMQP_DECLARE", "false")
        checked = make_transport(get_settings())
        checked.declare()  # exists now: the check passes
        checked.close()
    finally:
        delete_broker_topology(prefix, [1, 2])
