"""The web renderer: feeds parse cleanly with the expected entries, pages show what the law asks,
revocations stay as withdrawal entries for a while, redeliveries change nothing (the history of
versions: test_web_versions.py)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import feedparser
import pytest
from lxml import html as lxml_html

from channels import get_renderer
from channels.base import Superseded
from channels.web import WebRenderer, item_filename, item_url
from shared.config import Settings
from shared.messages import Kind
from tests.factories import agency, envelope, snapshot

WEB = ("rss.xml", "atom.xml", "feed.json", "index.html", "cap/index.xml")


def _parse(root, name):
    parsed = feedparser.parse((root / "web" / name).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _render_three(tmp_path):
    r = WebRenderer(tmp_path, Settings().web)  # as a worker builds it
    for i, key in enumerate(("renstra", "cpns", "bansos")):
        r.render(envelope("web", snapshot(key, number=f"04{i}/PENG/DISKOMINFO/XI/2026", ident=i,
                                          approved_at=datetime(2026, 11, 20 + i, 2, tzinfo=timezone.utc))))
    return r


def test_registry_builds_the_web_renderer(tmp_path):
    assert isinstance(get_renderer("web", tmp_path), WebRenderer)


def test_rss_and_atom_parse_with_expected_entries(tmp_path):
    _render_three(tmp_path)
    for name in ("rss.xml", "atom.xml"):
        parsed = _parse(tmp_path, name)
        titles = [e.title for e in parsed.entries]
        assert titles[0].startswith("042/") and titles[-1].startswith("040/"), titles  # newest first
        assert all(e.link.startswith("http://localhost:8000/web/items/") for e in parsed.entries)
        assert all(e.updated_parsed for e in parsed.entries)
        assert any(link.rel == "self" and link.href.endswith(name) for link in parsed.feed.links)
    rss = _parse(tmp_path, "rss.xml")
    assert rss.entries[0].id == snapshot("bansos", ident=2).key
    assert rss.entries[0].published == "Sun, 22 Nov 2026 02:00:00 +0000"
    atom = (tmp_path / "web" / "atom.xml").read_text()
    assert "2026-11-22T02:00:00+00:00" in atom and "enclosure" not in atom


def test_json_feed_is_version_1_1(tmp_path):
    _render_three(tmp_path)
    feed = json.loads((tmp_path / "web" / "feed.json").read_text())
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "http://localhost:8000/web/feed.json"
    assert [i["date_published"] for i in feed["items"]][0] == "2026-11-22T02:00:00+00:00"
    assert len(feed["items"]) == 3 and all(i["url"].startswith("http") for i in feed["items"])


def test_feed_size_is_limited_to_latest_n(tmp_path, monkeypatch):
    monkeypatch.setenv("WARTA_WEB_FEED_ITEMS", "2")
    _render_three(tmp_path)
    assert len(_parse(tmp_path, "rss.xml").entries) == 2
    assert len(json.loads((tmp_path / "web" / "feed.json").read_text())["items"]) == 2
    doc = lxml_html.fromstring((tmp_path / "web" / "index.html").read_bytes())
    assert len(doc.xpath("//ul[@class='list']/li")) == 2


def test_public_url_makes_links_absolute(tmp_path, monkeypatch):
    monkeypatch.setenv("WARTA_PUBLIC_URL", "https://ppid.example.go.id/")
    r = WebRenderer(tmp_path, Settings().web)
    assert r.health() == []
    snap = snapshot("renstra")
    r.render(envelope("web", snap))
    entry = _parse(tmp_path, "rss.xml").entries[0]
    assert entry.link == item_url("https://ppid.example.go.id", snap.number, snap.title)
    assert WebRenderer(tmp_path / "x", Settings().web).health() == []


def test_default_public_url_is_warned(tmp_path):
    assert any("WARTA_PUBLIC_URL" in w for w in WebRenderer(tmp_path).health())


def test_item_page_shows_number_date_classification_and_legal_basis(tmp_path):
    r = WebRenderer(tmp_path)
    snap = snapshot("banjir", agency=agency("Asia/Makassar"))
    page, cap = r.render(envelope("web", snap))
    assert page.parent == tmp_path / "web" / "items" and page.name == item_filename(snap.number, snap.title)
    text = page.read_text()
    assert 'name="viewport"' in text and '<html lang="id">' in text
    for shown in (snap.number, "Sabtu, 21 November 2026", "Serta Merta",
                  "UU 14/2008 Pasal 10 (informasi serta merta)"):
        assert shown in text
    assert cap.parent == tmp_path / "web" / "cap"


def test_file_names_are_safe_against_path_tricks():
    name = item_filename("../../etc/passwd", "..\\..\\<x>")
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert name.endswith(".html") and ".." not in name


def test_revocation_stays_as_a_withdrawal_entry_for_n_days_then_leaves(tmp_path):
    r = _render_three(tmp_path)
    revoked_at = datetime(2026, 11, 24, 3, tzinfo=timezone.utc)
    r.clock = lambda: revoked_at + timedelta(days=1)
    snap = snapshot("cpns", number="041/PENG/DISKOMINFO/XI/2026", ident=1, version=2,
                    revoked_at=revoked_at, revoked_reason="Jadwal seleksi diubah")
    (page,) = r.render(envelope("web", snap, Kind.REVOKE))
    text = page.read_text()
    assert "Pengumuman ini telah dicabut" in text and "Jadwal seleksi diubah" in text
    assert "Selasa, 24 November 2026 pukul 10.00 WIB" in text
    for name in ("rss.xml", "atom.xml"):
        entries = _parse(tmp_path, name).entries
        assert [e.title[:13] for e in entries] == ["DICABUT: 041/", "042/PENG/DISK", "040/PENG/DISK"]
    feed = json.loads((tmp_path / "web" / "feed.json").read_text())
    assert "Jadwal seleksi diubah" in feed["items"][0]["content_text"]
    assert "DICABUT" in (tmp_path / "web" / "index.html").read_text()
    # a late publish of the same announcement does not bring it back
    with pytest.raises(Superseded):
        r.render(envelope("web", snapshot("cpns", number="041/PENG/DISKOMINFO/XI/2026", ident=1)))
    assert "telah dicabut" in page.read_text()
    # after WARTA_WEB_WITHDRAWN_DAYS (30) the entry leaves the feeds and index.html; the page stays
    r.maintain(revoked_at + timedelta(days=30, seconds=1))
    assert len(_parse(tmp_path, "rss.xml").entries) == 2
    assert "041/" not in (tmp_path / "web" / "feed.json").read_text()
    assert "041/" not in (tmp_path / "web" / "index.html").read_text()
    assert page.is_file()


def test_update_keeps_the_page_and_guid(tmp_path):
    r = WebRenderer(tmp_path)
    first = snapshot("renstra")
    (page,) = r.render(envelope("web", first))
    fixed = snapshot("renstra", revision=1, version=2, number="050/PENG/DISKOMINFO/XI/2026",
                     approved_at=datetime(2026, 11, 22, 2, tzinfo=timezone.utc),
                     title="Sosialisasi Renstra (ralat tempat)", corrects_number=first.number)
    (page2,) = r.render(envelope("web", fixed, Kind.UPDATE))
    assert page2 == page  # the URL printed on QR codes stays valid
    assert "atas pengumuman nomor 045/PENG/DISKOMINFO/XI/2026" in page.read_text()
    (entry,) = _parse(tmp_path, "rss.xml").entries
    assert entry.id == first.key and entry.title.startswith("RALAT: 050/") and "ralat tempat" in entry.title


def test_redelivery_is_idempotent(tmp_path):
    r = _render_three(tmp_path)
    env = envelope("web", snapshot("dip-2026-11", number="099/X"))
    files = r.render(env)
    snap_out = {p: p.read_bytes() for p in (tmp_path / "web").rglob("*")
                if p.is_file() and ".state" not in p.parts}
    assert WebRenderer(tmp_path).render(env) == files
    assert {p: p.read_bytes() for p in (tmp_path / "web").rglob("*")
            if p.is_file() and ".state" not in p.parts} == snap_out
    assert len(_parse(tmp_path, "rss.xml").entries) == 4


def test_all_aggregates_exist_after_first_render(tmp_path):
    _render_three(tmp_path)
    for name in WEB:
        assert (tmp_path / "web" / name).stat().st_size > 0
