"""The relay: one per SQLite database; several at once on PostgreSQL without double publishing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shared.models import OutboxRow, QueueMessage
from tests.backbone.conftest import Home, wait_until
from workers.inprocess import start_all
from workers.relay import Relay, RelayLocked, SingleRelayLock
from workers.transport import make_transport


def test_only_one_relay_per_sqlite_database(fast_env, template_home) -> None:
    home = Home(template_home)
    first = SingleRelayLock(home.settings)
    first.acquire()
    try:
        with pytest.raises(RelayLocked, match="hanya satu relay"):
            SingleRelayLock(home.settings).acquire()
    finally:
        first.release()
    SingleRelayLock(home.settings).acquire()  # free again once released


@pytest.mark.pg
def test_two_relays_on_postgresql_publish_each_row_once(fast_env, pg_admin_url, monkeypatch) -> None:
    monkeypatch.setenv("WARTA_DATABASE_URL", pg_admin_url)
    home = Home.__new__(Home)  # its settings: from the environment (WARTA_DATABASE_URL above)
    from shared.bootstrap import init_home
    from shared.services.root import Services

    accounts = init_home(home.settings, demo=True)
    home.w = Services.build(home.settings)
    home.ids = {a["username"]: home.w.users.authenticate(a["username"], a["password"]).id
                for a in accounts}
    items = [home.approve(f"PG {n}", "web,radio") for n in range(8)]
    bb = home.bb()
    relays = [Relay(home.settings, bb, make_transport(home.settings, bb)) for _ in range(2)]
    assert all(r.lock is None for r in relays)  # no single-relay lock on PostgreSQL
    handles = [start_all(home.settings, channels=[], bb=bb, archiver=False) for _ in range(2)]
    try:
        wait_until(lambda: home.w.outbox.lag() == 0, 30, what="every row published")
    finally:
        for h in handles:
            h.stop()
    with home.w.ctx.read() as s:
        rows = s.execute(select(func.count()).select_from(OutboxRow)).scalar()
        queued = s.execute(select(func.count()).select_from(QueueMessage)).scalar()
    assert rows == queued == 16
    handle = start_all(home.settings, renderer_override="noop", bb=bb, relay=False)
    try:
        wait_until(lambda: all(home.w.queries.get_item(i)["state"] == "disseminated" for i in items), 60,
                   what="disseminated on PostgreSQL")
    finally:
        handle.stop()
