"""The videotron renderer end to end: slides on disk, the playlist (windows, order, revocation,
correction, expiry), idempotency, and the player page in headless Chromium."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from channels import get_renderer
from channels.base import Superseded
from channels.videotron import VideotronRenderer
from channels.videotron.layout import ALERT, NIGHT_ALERT, NORMAL
from channels.videotron.playlist import in_window
from shared.config import Settings
from shared.messages import DailyWindow, Kind
from shared.settings import VideotronSettings
from tests.conftest import require_tool
from tests.factories import agency, envelope, snapshot

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=timezone.utc)  # 10.00 WIB


def playlist(root: Path) -> dict:
    return json.loads((root / "playlist.json").read_text(encoding="utf-8"))


def test_renderer_from_registry_uses_env_resolution(tmp_path, monkeypatch):
    monkeypatch.setenv("WARTA_VIDEOTRON_WIDTH", "1344")
    monkeypatch.setenv("WARTA_VIDEOTRON_HEIGHT", "768")
    renderer = get_renderer("videotron", tmp_path, Settings())  # the root reads the section
    assert isinstance(renderer, VideotronRenderer)
    paths = renderer.render(envelope("videotron", snapshot("renstra")), now=NOW)
    assert paths and all(p.suffix == ".png" and p.is_file() for p in paths)
    assert all(p.parent == tmp_path / "videotron" / "slides" for p in paths)
    for path in paths:
        with Image.open(path) as img:
            assert img.size == (1344, 768)
    assert renderer.health() == []


def test_playlist_orders_serta_merta_first_and_lists_durations(tmp_path):
    renderer = VideotronRenderer(tmp_path)
    renderer.render(envelope("videotron", snapshot("renstra", ident=1)), now=NOW)
    banjir = renderer.render(envelope("videotron", snapshot("banjir", ident=2)), now=NOW)
    data = playlist(renderer.root)
    assert [i["alert"] for i in data["items"]] == [True, False]
    assert data["items"][0]["slides"][0]["src"] == f"slides/{banjir[0].name}"
    assert all(8 <= s["seconds"] <= 30 for i in data["items"] for s in i["slides"])
    m3u = (renderer.root / "playlist.m3u").read_text(encoding="utf-8").splitlines()
    assert m3u[0] == "#EXTM3U"
    entries = [line for line in m3u if line.startswith("slides/")]
    assert entries[0] == f"slides/{banjir[0].name}" and len(entries) == 2
    assert "Peringatan Dini Banjir" in (renderer.root / "index.html").read_text(encoding="utf-8")


def test_windows_start_and_end_are_respected(tmp_path):
    renderer = VideotronRenderer(tmp_path)
    later = snapshot("renstra", ident=1, start=NOW + timedelta(hours=2))
    evening = snapshot("cpns", ident=2, daily_windows=[DailyWindow(start=time(18), end=time(22))])
    night = snapshot("bansos", ident=3, daily_windows=[DailyWindow(start=time(22), end=time(11))])
    ended = snapshot("banjir", ident=4, end=NOW - timedelta(minutes=1))
    for snap in (later, evening, night, ended):
        renderer.render(envelope("videotron", snap), now=NOW)
    data = playlist(renderer.root)
    by_key = {i["key"]: i for i in data["items"]}
    assert ended.key not in by_key  # expired: off the playlist at once
    assert by_key[later.key]["active"] is False and by_key[evening.key]["active"] is False
    assert by_key[night.key]["active"] is True  # 10.00 WIB lies in 22.00-11.00 (past midnight)
    m3u = (renderer.root / "playlist.m3u").read_text(encoding="utf-8")
    assert by_key[night.key]["slides"][0]["src"] in m3u
    assert by_key[later.key]["slides"][0]["src"] not in m3u
    # Once the start has passed, a rebuild puts it on air.
    renderer.refresh(now=NOW + timedelta(hours=3))
    assert {i["key"]: i for i in playlist(renderer.root)["items"]}[later.key]["active"] is True
    assert not list((renderer.root / "slides").glob(f"{ended.key}*"))


def test_in_window_semantics():
    assert in_window([], time(3))
    assert in_window([["08:00:00", "17:00:00"]], time(8))
    assert not in_window([["08:00:00", "17:00:00"]], time(17))
    assert in_window([["22:00:00", "06:00:00"]], time(23, 30))
    assert not in_window([["22:00:00", "06:00:00"]], time(12))


def test_revoke_drops_and_update_replaces(tmp_path):
    renderer = VideotronRenderer(tmp_path)
    first = snapshot("renstra", ident=1)
    old = renderer.render(envelope("videotron", first), now=NOW)
    other = renderer.render(envelope("videotron", snapshot("cpns", ident=2)), now=NOW)
    # a ralat: a new announcement (its revision starts again at 1) carrying public version 2
    corrected = first.model_copy(update={"revision": 1, "version": 2,
                                         "title": "Sosialisasi Renstra (Ralat Jadwal)",
                                         "corrects_number": first.number})
    new = renderer.render(envelope("videotron", corrected, kind=Kind.UPDATE), now=NOW)
    assert new and new != old and all(p.is_file() for p in new)
    assert not any(p.exists() for p in old)  # the old revision's slides are gone
    data = playlist(renderer.root)
    srcs = [s["src"] for i in data["items"] for s in i["slides"]]
    assert [i["title"] for i in data["items"] if i["key"] == first.key] == [corrected.title]
    assert not any(f"slides/{p.name}" in srcs for p in old)
    with pytest.raises(Superseded):  # version 1 arriving late never rolls the screen back
        renderer.render(envelope("videotron", first), now=NOW)
    assert [i["title"] for i in playlist(renderer.root)["items"] if i["key"] == first.key] == [
        corrected.title]
    revoke = corrected.model_copy(update={"version": 3})
    out = renderer.render(envelope("videotron", revoke, kind=Kind.REVOKE), now=NOW)
    assert out == [renderer.root / "playlist.json"]
    data = playlist(renderer.root)
    assert [i["key"] for i in data["items"]] == [snapshot("cpns", ident=2).key]
    assert not any(p.exists() for p in new) and all(p.exists() for p in other)
    assert new[0].name not in (renderer.root / "playlist.m3u").read_text(encoding="utf-8")


def test_rendering_twice_is_idempotent(tmp_path):
    renderer = VideotronRenderer(tmp_path)
    env = envelope("videotron", snapshot("banjir", public_url="https://ppid.example.go.id/p/1"))
    first = renderer.render(env, now=NOW)
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*")
              if p.is_file() and p.name != "lock"}
    second = renderer.render(env, now=NOW)
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*")
             if p.is_file() and p.name != "lock"}
    assert first == second
    assert before == after


def test_channels_do_not_import_ui_or_broker():
    code = ("import sys, channels.videotron, channels.noticeboard; "
            "print(any(m in sys.modules for m in ('textual', 'pika')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == "False"


def _dominant(img: Image.Image, box: tuple[int, int, int, int]) -> tuple[int, int, int]:
    colours = img.convert("RGB").crop(box).getcolors(maxcolors=1 << 20)
    return max(colours)[1]


@pytest.mark.parametrize("night", [False, True])
def test_player_page_shows_the_first_slide_in_chromium(tmp_path, night):
    chromium = require_tool("chromium")
    width, height = 960, 540
    # Night hours of 00:00-00:00 mean never; 00:00-23:59:59 all but one second of the day, so the
    # variant the player picks does not depend on when the test runs.
    hours = dict(night_start=time(0), night_end=time(23, 59, 59) if night else time(0))
    renderer = VideotronRenderer(tmp_path, VideotronSettings(width=width, height=height, **hours))
    renderer.render(envelope("videotron", snapshot("renstra", ident=1)))
    renderer.render(envelope("videotron", snapshot("banjir", ident=2)))
    first = playlist(renderer.root)["items"][0]
    assert first["alert"] is True  # serta-merta plays first
    shot = tmp_path / "shot.png"
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars", "--virtual-time-budget=3000",
           f"--screenshot={shot}", f"--window-size={width},{height}",
           (renderer.root / "index.html").resolve().as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert shot.is_file(), "Chromium wrote no screenshot"
    src = first["slides"][0]["night_src" if night else "src"]
    expected, other = (NIGHT_ALERT.header, ALERT.header) if night else (ALERT.header, NIGHT_ALERT.header)
    with Image.open(shot) as img, Image.open(renderer.root / src) as slide:
        assert img.size == (width, height)
        header = (width // 2, 2, width - 4, height // 30)
        assert _dominant(slide, header) == expected
        got = _dominant(img, header)
        assert max(abs(a - b) for a, b in zip(got, expected, strict=False)) <= 6, got
        assert max(abs(a - b) for a, b in zip(got, other, strict=False)) > 50
        assert max(abs(a - b) for a, b in zip(got, NORMAL.header, strict=False)) > 60
        footer = (width // 2, height - 6, width - 4, height - 2)
        assert _dominant(img, footer) == _dominant(slide, footer)


def test_every_slide_has_a_night_variant_in_the_playlist(tmp_path):
    renderer = VideotronRenderer(tmp_path, VideotronSettings(width=1344, height=768))
    banjir = snapshot("banjir", summary="", ident=1)
    paths = renderer.render(envelope("videotron", banjir), now=NOW)
    (item,) = playlist(renderer.root)["items"]
    assert item["night"] == ["18:00:00", "06:00:00"]  # the default night hours, local time
    assert [s["src"] for s in item["slides"]] == [f"slides/{p.name}" for p in paths]
    for slide in item["slides"]:
        assert slide["night_src"] == slide["src"].replace(".png", "-malam.png")
        with Image.open(renderer.root / slide["src"]) as day, \
                Image.open(renderer.root / slide["night_src"]) as night:
            assert day.size == night.size == (1344, 768)
            assert night.convert("L").crop((0, 300, 40, 500)).getextrema()[1] < 40  # dark background
            assert day.convert("L").crop((0, 300, 40, 500)).getextrema()[0] > 200
    # The night slides stay while the announcement is on air and go with it.
    renderer.render(envelope("videotron", snapshot("renstra", ident=2)), now=NOW)
    assert all((renderer.root / s["night_src"]).is_file() for s in item["slides"])
    renderer.render(envelope("videotron", banjir, kind=Kind.REVOKE), now=NOW)
    assert not any((renderer.root / s["night_src"]).exists() for s in item["slides"])


@pytest.mark.parametrize(("zone", "abbrev"), [("Asia/Pontianak", "WIB"), ("Asia/Makassar", "WITA"),
                                              ("Asia/Jayapura", "WIT")])
def test_player_shows_a_live_clock_with_the_zone(tmp_path, zone, abbrev):
    chromium = require_tool("chromium")
    renderer = VideotronRenderer(tmp_path, VideotronSettings(width=960, height=540))
    renderer.render(envelope("videotron", snapshot("renstra", agency=agency(zone))))
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=2000", "--dump-dom",
           (renderer.root / "index.html").resolve().as_uri()]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False).stdout
    shown = re.search(r'<div id="clock"[^>]*>([^<]*)</div>', dom)
    assert shown, dom[-2000:]
    expected = datetime.now(ZoneInfo(zone))  # the player's clock, in the agency's zone
    hour, minute = shown.group(1).split()[0].split(".")
    got = expected.replace(hour=int(hour), minute=int(minute))
    assert shown.group(1).endswith(f" {abbrev}")
    assert abs((got - expected).total_seconds()) < 120 or abs((got - expected).total_seconds()) > 86000
