"""Proof of play end to end: a headless Chromium plays the page the videotron worker serves, the
worker logs each slide the page reports, the day's report reaches the real archiver, which files
it beside the slides; and the monitor calls a screen silent when its reports stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.error
import urllib.request
from datetime import datetime, timedelta

import pytest

from channels.videotron.proof_of_play import PlayLog, ScreenReport
from shared.slug import proof_folder
from shared.timefmt import utcnow
from tests.backbone.conftest import (Home, fast_env, home, template_home,  # noqa: F401 - fixtures
                                     transport_kind, wait_until)
from tests.conftest import require_tool


def worker_key(home) -> tuple:  # noqa: ANN001
    """The videotron worker's receipt signing key and identity in the demo home."""
    from shared.messages import load_private_key
    from shared.receipt_keys import private_key_path

    return load_private_key(private_key_path(home.settings.home, "videotron")), "videotron"


def _post(url: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def screen_env(monkeypatch):
    """One-second slides, the endpoint on any free port, a named screen, quick status reports."""
    for name, value in {"WARTA_VIDEOTRON_MIN_SECONDS": "1", "WARTA_VIDEOTRON_MAX_SECONDS": "1",
                        "WARTA_VIDEOTRON_PLAY_PORT": "0", "WARTA_VIDEOTRON_SCREEN": "Layar Uji 1",
                        "WARTA_VIDEOTRON_STATUS_MINUTES": "0.02"}.items():
        monkeypatch.setenv(name, value)


def test_chromium_reports_its_slides_and_the_day_is_filed(home, screen_env, tmp_path):
    chromium = require_tool("chromium")
    from shared.settings import VideotronSettings
    from workers.inprocess import start_all
    from workers.proof_of_play import PlayService
    from workers.transport import make_transport

    ids = [home.approve(title=f"Tayang Uji {n}", channels="videotron") for n in (1, 2)]
    handle = start_all(home.settings, bb=home.bb())
    browser = None
    try:
        wait_until(lambda: home.all_confirmed(ids), 60, what="videotron confirmed")
        state = home.settings.home / "worker-videotron" / "tayang"
        endpoint = wait_until(lambda: (state / "endpoint.json").is_file()
                              and json.loads((state / "endpoint.json").read_text()), 30,
                              what="endpoint started")
        url = endpoint["url"]
        root = home.settings.out / "videotron"
        playlist = json.loads((root / "playlist.json").read_text(encoding="utf-8"))
        srcs = {s[k] for i in playlist["items"] for s in i["slides"] for k in ("src", "night_src")}

        # the endpoint refuses what is not a slide on air, and keeps .state private
        assert _get_status(url + ".state/state.json") == 404
        assert _post(url + "play", b"bukan json")[0] == 400
        status, body = _post(url + "play", json.dumps(
            {"key": "tidak-ada", "src": "slides/x.png", "shown_at": "2026-01-01T00:00:00Z"}).encode())
        assert status == 200 and body["diterima"] == 0
        assert body["ditolak"] == ["Pengumuman tidak sedang tayang di layar ini"]

        # the worker announced its screen at start: listed, and silent until the page reports
        ppid = home.ids["ppid1"]
        rows = wait_until(lambda: home.w.monitor.screen_status(ppid), 30, what="screen announced")
        assert [(r["screen"], r["silent"], r["status"], r["last_shown_at"]) for r in rows] == [
            ("Layar Uji 1", True, "Layar tidak melapor", None)]

        browser = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=960,540", url],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        log = PlayLog(state, home.settings.timezone)
        today = log.day_of(utcnow())
        # two different slides on screen, each reported by the page itself
        lines = wait_until(lambda: (got := log.lines(today))
                           and len({r["src"] for r in got}) >= 2 and got, 60,
                           what="two slides reported")
        assert {r["src"] for r in lines} <= srcs
        assert {r["key"] for r in lines} == {i["key"] for i in playlist["items"]}
        assert all(r["seconds"] == 1.0 and r["version"] == 1 for r in lines)
        shown = [datetime.fromisoformat(r["shown_at"]) for r in lines[:2]]
        assert timedelta(seconds=0.5) <= shown[1] - shown[0] <= timedelta(seconds=5)

        # the day's proof of play, sent on request, filed beside the slides by the real archiver
        cfg = VideotronSettings()
        sender = PlayService(root, state.parent, make_transport(home.settings, home.bb(), "uji"),
                             cfg, home.settings.timezone, *worker_key(home))
        report = sender.send_daily(today)
        assert {i.number for i in report.items} == {i["number"] for i in playlist["items"]}
        month = home.settings.archive / f"{today:%Y}" / f"{today:%m}"
        name = f"{today.isoformat()}-layar-uji-1"
        for item in report.items:
            folder = month / proof_folder(item.number) / "videotron" / "tayang"
            filed = wait_until(lambda f=folder: (f / f"{name}.json").is_file() and f, 30,
                               what=f"proof of play of {item.number} filed")
            summary = json.loads((filed / f"{name}.json").read_text(encoding="utf-8"))
            assert summary["plays"] == item.plays >= 1 and summary["screen"] == "Layar Uji 1"
            filed_lines = (filed / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
            assert [json.loads(x)["key"] for x in filed_lines] == [item.key] * item.plays
            # the slides of the same announcement are in the same folder
            assert (filed.parent / "manifest.json").is_file()

        # the monitor: reporting now, silent once the reports are 16 minutes old
        rows = wait_until(lambda: (got := home.w.monitor.screen_status(ppid)) and not got[0]["silent"]
                          and got, 30, what="screen reporting")
        assert [(r["screen"], r["silent"], r["status"]) for r in rows] == [
            ("Layar Uji 1", False, "Melapor")]
        later = home.w.monitor.screen_status(ppid, now=utcnow() + timedelta(minutes=16))
        assert [(r["silent"], r["status"]) for r in later] == [(True, "Layar tidak melapor")]
    finally:
        if browser is not None:
            os.killpg(browser.pid, signal.SIGTERM)
            browser.wait(30)
        handle.stop()
    assert not handle.errors


def test_a_screen_without_reports_for_n_minutes_is_silent(template_home, monkeypatch):
    from shared.messages import generate_keypair, load_private_key
    from workers.proof_of_play import file_screen_report

    monkeypatch.setenv("WARTA_VIDEOTRON_SILENT_MINUTES", "10")  # read with the home's settings
    home = Home(template_home)  # no transport needed: the archiver's filing is called directly
    key, worker = worker_key(home)
    now = utcnow()
    for screen, minutes in (("Simpang Lima", 3), ("Alun-alun", 11)):
        report = ScreenReport(message_id=f"status-{screen}", screen=screen, host="pc-layar",
                              at=now, last_shown_at=now - timedelta(minutes=minutes))
        assert file_screen_report(home.settings, home.w, report.signed(key, worker).to_wire()) \
            == "status"
    # an older status arriving late does not make a screen look fresher or staler
    late = ScreenReport(message_id="late", screen="Simpang Lima", host="pc-layar", at=now,
                        last_shown_at=now - timedelta(minutes=30))
    file_screen_report(home.settings, home.w, late.signed(key, worker).to_wire())
    # unsigned, or signed by a key nobody registered: no screen looks alive on a forged word
    forged = ScreenReport(message_id="palsu", screen="Alun-alun", host="pc-lain", at=now,
                          last_shown_at=now)
    generate_keypair(home.settings.home / "palsu.key", home.settings.home / "palsu.pub")
    other = load_private_key(home.settings.home / "palsu.key")
    for body in (forged.to_wire(), forged.signed(other, worker).to_wire(),
                 forged.signed(key, worker).to_wire().replace(b"pc-lain", b"pc-layar")):
        assert file_screen_report(home.settings, home.w, body) == "rejected"
    rows = {r["screen"]: r for r in home.w.monitor.screen_status(home.ids["kabid1"], now=now)}
    assert (rows["Simpang Lima"]["silent"], rows["Simpang Lima"]["status"]) == (False, "Melapor")
    assert (rows["Alun-alun"]["silent"], rows["Alun-alun"]["status"]) == (
        True, "Layar tidak melapor")
    assert rows["Alun-alun"]["minutes"] == 11.0
    # the same screen, eight minutes on, with the threshold as configured
    later = {r["screen"]: r["silent"] for r in home.w.monitor.screen_status(
        home.ids["kabid1"], now=now + timedelta(minutes=8))}
    assert later == {"Simpang Lima": True, "Alun-alun": True}


def test_a_day_is_sent_once_it_is_over(tmp_path):
    from channels.videotron.proof_of_play import closed_days

    log = PlayLog(tmp_path, "Asia/Makassar")
    record = {"key": "k", "number": "1/X", "version": 1, "src": "slides/k-v1-01.png", "slide": 1,
              "seconds": 8.0, "shown_at": "2026-11-20T15:59:00+00:00", "playlist": "v"}
    # 15.59 UTC is 23.59 WITA on the 20th; 16.01 UTC is already the 21st there
    log.append([record], now=datetime.fromisoformat("2026-11-20T15:59:30+00:00"))
    log.append([{**record, "shown_at": "2026-11-20T16:01:00+00:00"}],
               now=datetime.fromisoformat("2026-11-20T16:01:10+00:00"))
    log.append([{**record, "shown_at": "2026-11-20T16:01:00+00:00"}],  # a resend: not doubled
               now=datetime.fromisoformat("2026-11-20T16:01:20+00:00"))
    days = [d.isoformat() for d in log.days()]
    assert days == ["2026-11-20", "2026-11-21"]
    assert [len(log.lines(d)) for d in log.days()] == [1, 1]
    now = datetime.fromisoformat("2026-11-21T02:00:00+00:00")
    assert [d.isoformat() for d in closed_days(log, set(), now)] == ["2026-11-20"]
    assert closed_days(log, set(log.days()[:1]), now) == []


@pytest.mark.parametrize("at_night", [True, False])
def test_the_player_shows_the_night_slide_during_the_night_hours(tmp_path, at_night):
    """The layout's ``night_src`` is what Chromium shows while the entry's ``night`` hours run
    (hours put around or away from now, by the player's own clock), the day slide otherwise."""
    chromium = require_tool("chromium")
    from zoneinfo import ZoneInfo

    from PIL import Image, ImageChops, ImageStat

    from channels.videotron import VideotronRenderer
    from channels.videotron.playlist import load_state, write_outputs
    from shared.settings import VideotronSettings
    from tests.factories import envelope, snapshot

    width, height = 640, 360
    renderer = VideotronRenderer(tmp_path, VideotronSettings(width=width, height=height))
    renderer.render(envelope("videotron", snapshot("renstra")))
    items = load_state(renderer.root)
    entry = next(iter(items.values()))
    slide = entry["slides"][0]
    if "night_src" not in slide:
        pytest.skip("the layout makes no night slides yet")
    local = utcnow().astimezone(ZoneInfo(entry["timezone"]))
    hour = (local + timedelta(hours=0 if at_night else 12)).hour
    entry["night"] = [f"{(hour - 1) % 24:02d}:00:00", f"{(hour + 1) % 24:02d}:00:00"]
    write_outputs(renderer.root, items, utcnow(), entry["timezone"], 15, "Videotron", video_fps=0)
    shot = tmp_path / "shot.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars",
                    "--virtual-time-budget=3000", f"--screenshot={shot}",
                    f"--window-size={width},{height}", (renderer.root / "index.html").as_uri()],
                   capture_output=True, timeout=120, check=False)
    assert shot.is_file(), "Chromium wrote no screenshot"

    def diff(a, b) -> float:
        return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean)

    with Image.open(shot) as img, Image.open(renderer.root / slide["src"]) as day, \
            Image.open(renderer.root / slide["night_src"]) as night:
        expected, other = (night, day) if at_night else (day, night)
        assert diff(img, expected) * 4 < diff(img, other)
