"""Behaviour of single screens: idle lock, refusals shown in Indonesian, channels the rules forbid,
paging over the database, monitor counts, re-drive, help, previews and English."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import insert, update

from kiosk.previews import channel_limits, previews
from shared.models import Announcement, Delivery
from tests.kiosk.conftest import login, screen_name, text_of, until
from tests.kiosk.dataset import PASSWORDS, sample
from tests.kiosk.pilot import notices, run

ROOT = Path(__file__).resolve().parents[2]


def approved_item(w, ids) -> int:  # noqa: ANN001
    item = w.drafting.create_item(ids["pelaksana1"], **sample("renstra"))
    w.review.submit(ids["pelaksana1"], item)
    for who in ("kabid1", "sekretaris1", "kadis1"):
        w.review.approve(ids[who], item)
    return item


def park_everything(settings, w) -> None:  # noqa: ANN001
    """Publish the outbox to the embedded broker and park every message there, as a worker that
    gave up would: the re-drive then has real messages to move back."""
    from shared.models import QueueMessage
    from shared.vocab import DeliveryState, QueueState
    from workers.relay import Relay
    from workers.transport import make_transport

    transport = make_transport(settings, role="test")
    try:
        Relay(settings, settings.broker, transport).run_once()
    finally:
        transport.close()
    with w.ctx.tx() as s:
        s.execute(update(QueueMessage).values(state=QueueState.PARKED))
        s.execute(update(Delivery).values(state=DeliveryState.PARKED, last_error="kanal mati"))


def test_idle_lock_returns_to_login(home) -> None:
    settings, w, _ids = home

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "kabid1")
        app = pilot.app
        assert not app.check_idle_lock(app.last_activity + settings.kiosk.idle_lock_seconds - 1)
        assert app.check_idle_lock(app.last_activity + settings.kiosk.idle_lock_seconds + 1)
        await until(pilot, lambda: screen_name(pilot) == "LoginScreen", what="locked")
        assert app.user is None
        assert "tidak ada aktivitas" in text_of(app.screen.query_one("#login-error"))

    run(settings, w, scenario)


def test_wrong_password_is_refused_in_indonesian(home) -> None:
    settings, w, _ids = home

    async def scenario(pilot) -> None:  # noqa: ANN001
        await until(pilot, lambda: screen_name(pilot) == "LoginScreen")
        pilot.app.screen.query_one("#username").value = "kabid1"
        pilot.app.screen.query_one("#password").value = "salah-sekali"
        pilot.app.screen.query_one("#password").focus()
        await pilot.press("enter")
        error = pilot.app.screen.query_one("#login-error")
        await until(pilot, lambda: "salah" in text_of(error), what="refusal")
        assert text_of(error) == "Nama pengguna atau kata sandi salah"
        assert screen_name(pilot) == "LoginScreen"

    run(settings, w, scenario)


def test_a_disabled_account_is_refused_with_the_reason(home) -> None:
    settings, w, ids = home
    w.users.disable_user(ids["admin"], "kabid1")

    async def scenario(pilot) -> None:  # noqa: ANN001
        await until(pilot, lambda: screen_name(pilot) == "LoginScreen")
        pilot.app.screen.query_one("#username").value = "kabid1"
        pilot.app.screen.query_one("#password").value = PASSWORDS["kabid1"]
        pilot.app.screen.query_one("#password").focus()
        await pilot.press("enter")
        error = pilot.app.screen.query_one("#login-error")
        await until(pilot, lambda: "dinonaktifkan" in text_of(error), what="refusal")
        assert text_of(error) == ("Akun 'kabid1' dinonaktifkan; minta Administrator "
                                  "mengaktifkannya kembali")
        assert screen_name(pilot) == "LoginScreen" and pilot.app.user is None

    run(settings, w, scenario)


def test_revoke_by_non_kadis_shows_the_services_refusal(home) -> None:
    settings, w, ids = home
    item = approved_item(w, ids)

    async def scenario(pilot) -> None:  # noqa: ANN001
        from kiosk.screens.detail import DetailScreen

        await login(pilot, "sekretaris1")
        await pilot.app.push_screen(DetailScreen(item, live_seconds=0))
        await until(pilot, lambda: pilot.app.screen.item)
        detail = pilot.app.screen
        await pilot.press("c")  # absent for a Sekretaris: nothing opens
        assert not detail.check_action("revoke", ()) and screen_name(pilot) == "DetailScreen"
        detail._revoked("Coba cabut.")  # noqa: SLF001 - what the dialog would send: the service refuses
        await until(pilot, lambda: any("hanya Kepala Dinas" in m for m in notices(pilot)))
        assert w.queries.get_item(item, ids["kadis1"])["state"] == "approved"

    run(settings, w, scenario)


def test_forbidden_channels_are_disabled_with_the_reason(home) -> None:
    settings, w, _ids = home

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "pelaksana1")
        await pilot.press("n")
        await until(pilot, lambda: screen_name(pilot) == "EditorScreen")
        editor = pilot.app.screen
        assert not any(editor.query_one(f"#ch-{c}").disabled for c in ("videotron", "print"))
        editor.query_one("#sasaran").value = "pegawai"
        await until(pilot, lambda: editor.query_one("#ch-web").disabled)
        assert not editor.query_one("#ch-print").disabled
        assert "papan informasi internal" in text_of(editor.query_one("#channel-reasons"))
        editor.query_one("#klas").value = "dikecualikan"
        await until(pilot, lambda: editor.query_one("#ch-print").disabled)
        assert "Pasal 17" in text_of(editor.query_one("#channel-reasons"))
        editor.query_one("#klas").value = "serta-merta"
        editor.query_one("#sasaran").value = "masyarakat"
        await until(pilot, lambda: not editor.query_one("#ch-radio").disabled)
        assert "tertinggi" in text_of(editor.query_one("#priority"))

    run(settings, w, scenario)


def test_list_pages_through_the_database_and_filters(home) -> None:
    settings, w, ids = home
    with w.ctx.tx() as s:
        s.execute(insert(Announcement), [
            {"key": f"k{i}", "state": "draft", "title": f"Pengumuman uji {i:03d}",
             "klasifikasi": "berkala", "sasaran": "masyarakat", "channels": ["web"],
             "priority": 1, "revision": 1, "author_id": ids["pelaksana1"]} for i in range(120)])

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "kadis1")
        await pilot.press("d")
        await until(pilot, lambda: screen_name(pilot) == "ItemListScreen")
        screen = pilot.app.screen
        table = screen.query_one("#items")
        await until(pilot, lambda: table.row_count == 50, what="first page")
        assert "Pengumuman uji 119" in str(table.get_row_at(0)[1])
        await pilot.press("f8")
        await until(pilot, lambda: "Pengumuman uji 069" in str(table.get_row_at(0)[1]))
        await pilot.press("f8")
        await until(pilot, lambda: table.row_count == 20, what="last page")
        assert "baris 101–120" in text_of(screen.query_one("#page"))
        screen.query_one("#f-text").value = "uji 07"
        await until(pilot, lambda: table.row_count == 10, what="text filter")
        screen.query_one("#f-month").value = "2026-13"
        await until(pilot, lambda: "TTTT-BB" in text_of(screen.query_one("#page")))

    run(settings, w, scenario)


def test_monitor_counts_pending_and_parked(home) -> None:
    settings, w, ids = home
    approved_item(w, ids)
    with w.ctx.tx() as s:
        s.execute(update(Delivery).where(Delivery.channel == "radio").values(state="parked"))

    async def scenario(pilot) -> None:  # noqa: ANN001
        from kiosk.screens.monitor import MonitorScreen

        await login(pilot, "ppid1")
        await pilot.app.push_screen(MonitorScreen(refresh_seconds=0))
        table = pilot.app.screen.query_one("#monitor")
        await until(pilot, lambda: table.row_count == 4)
        rows = {str(table.get_row_at(i)[0]): table.get_row_at(i) for i in range(4)}
        assert str(rows["Radio"][5]) == "1" and str(rows["Radio"][1]) == "0"
        assert str(rows["Web"][1]) == "1" and str(rows["Web"][2]) == "1"  # pending, in the outbox
        assert "1 pengiriman diparkir" in text_of(pilot.app.screen.query_one("#parked-list"))

    run(settings, w, scenario)


def test_ppid_redrives_a_parked_delivery_and_others_may_not(home) -> None:
    settings, w, ids = home
    item = approved_item(w, ids)
    park_everything(settings, w)

    async def attempt(pilot, user: str) -> None:  # noqa: ANN001
        from kiosk.screens.detail import DetailScreen

        await login(pilot, user)
        await pilot.app.push_screen(DetailScreen(item, live_seconds=0))
        detail = pilot.app.screen
        await until(pilot, lambda: detail.item)
        detail.query_one("#deliveries").focus()
        await pilot.press("u")

    async def not_ppid(pilot) -> None:  # noqa: ANN001
        await attempt(pilot, "kadis1")  # the key is absent for the Kepala Dinas
        detail = pilot.app.screen
        assert not detail.check_action("redrive", ())
        detail.action_redrive()  # what the key would do: the service refuses all the same
        await until(pilot, lambda: any("Hanya PPID" in m for m in notices(pilot)))

    async def ppid(pilot) -> None:  # noqa: ANN001
        await attempt(pilot, "ppid1")
        await until(pilot, lambda: any(d["state"] == "queued"
                                       for d in pilot.app.screen.item.get("deliveries", [])))

    run(settings, w, not_ppid)
    assert all(d["state"] == "parked" for d in w.queries.get_item(item, ids["kadis1"])["deliveries"])
    run(settings, w, ppid)
    states = sorted(d["state"] for d in w.queries.get_item(item, ids["kadis1"])["deliveries"])
    assert states.count("queued") == 1 and states.count("parked") == 3


def test_help_lists_the_keys_of_this_screen(home) -> None:
    """F1 is per screen and role (tests/kiosk/test_keys.py has the rest)."""
    settings, w, _ids = home

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "kabid1")
        await pilot.press("f1")
        await until(pilot, lambda: screen_name(pilot) == "HelpDialog")
        table = pilot.app.screen.query_one("#keys")
        rows = [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        for what in ("Disposisi", "Daftar/Cari", "Pemantauan", "Kunci", "Keluar"):
            assert any(r[2] == what for r in rows), what
        assert not any(r[2] in ("Ajukan ke Kabid", "Cabut", "Draf baru") for r in rows)
        assert ("Semua layar", "F1", "Bantuan") in rows
        await pilot.press("f1")
        await until(pilot, lambda: screen_name(pilot) == "HomeScreen")

    run(settings, w, scenario)


def test_previews_and_limits(home) -> None:
    settings, w, _ids = home
    fields = dict(sample("banjir"), start_at=None, end_at=None, daily_windows=[])
    result = previews(fields, w.ctx.profile, settings.timezone)
    assert result["air_seconds"] > 10
    assert "Durasi siar" in result["radio"].text and "Perhatian" in result["radio"].text
    assert fields["title"].upper() in result["print"].text
    assert result["slides"] >= 1 and result["videotron"].image.width >= 160
    long = dict(fields, title="Banjir " * 30)
    assert any("Videotron: judul" in p for p in channel_limits(long))
    assert channel_limits(fields, slide_count=result["slides"]) == []
    # the air time is estimated from the text (shared.limits), the same as the services check
    talkative = dict(fields, body="Warga diminta waspada terhadap banjir susulan. " * 120)
    assert any(p.startswith("Radio: durasi siar") for p in channel_limits(talkative))
    assert any("Videotron: 9 slide" in p for p in channel_limits(fields, slide_count=9))


def test_english_is_selectable() -> None:
    code = ("import asyncio\n"
            "from tests.kiosk.dataset import make_home\n"
            "from kiosk.app import WartaKiosk\n"
            "from tests.kiosk.conftest import login, text_of\n"
            "from shared.i18n import _\n"
            "settings, w, ids = make_home()\n"
            "async def main():\n"
            "    async with WartaKiosk(settings, w).run_test(size=(100, 30)) as pilot:\n"
            "        await login(pilot, 'kabid1')\n"
            "        print(text_of(pilot.app.screen.query_one('.topbar')))\n"
            "        print([_(b.description) for b in pilot.app.screen.BINDINGS])\n"
            "asyncio.run(main())\n")
    env = dict(os.environ, WARTA_LANG="en", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Home · Agus Santoso" in out.stdout and "Head of Division" in out.stdout
    assert "New draft" in out.stdout and "Draf baru" not in out.stdout


def test_fast_state_counts_equal_the_filtered_counts(home) -> None:
    settings, w, ids = home
    for who, klas in (("pelaksana1", "dikecualikan"), ("pelaksana1", "berkala")):
        w.drafting.create_item(ids[who], **dict(sample("hasil-audit"), klasifikasi=klas, channels=[]))
    other = w.users.add_user("pelaksana2", "pelaksana", "Pelaksana Dua", "sandi-rahasia-2")
    w.drafting.create_item(other, **dict(sample("hasil-audit"), channels=[]))
    for user in (*ids.values(), other):
        assert w.monitor.state_counts(user) == w.queries.count_by_state(user)
    assert w.monitor.state_counts(other)["draft"] == 2 and w.monitor.state_counts(ids["kadis1"])["draft"] == 3
