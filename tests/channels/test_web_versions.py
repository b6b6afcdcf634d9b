"""The web channel follows an announcement's public versions: a ralat (a new announcement whose
review revision is 1 again) updates the page and the feed entry in place, an older version after a
newer one is refused as superseded without touching a byte, and a revocation stays as a withdrawal
notice on the page and as a "DICABUT" entry in the feeds for the configured days, then leaves them.

Every check reads the outputs as their consumers do: lxml's text_content for pages, feedparser for
RSS, Atom and JSON Feed (JSON through json.loads)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest
from lxml import html as lxml_html

from channels.base import Superseded
from channels.web import WebRenderer, item_filename
from shared.config import Settings
from shared.messages import AnnouncementSnapshot, Kind, VersionInfo
from tests.factories import envelope, snapshot

UTC = timezone.utc
N1, N2, N3 = "045/PENG/DISKOMINFO/XI/2026", "051/PENG/DISKOMINFO/XI/2026", "058/PENG/DISKOMINFO/XI/2026"
V1_AT = datetime(2026, 11, 21, 2, tzinfo=UTC)
V2_AT = datetime(2026, 11, 23, 4, tzinfo=UTC)
V3_AT = datetime(2026, 11, 25, 6, tzinfo=UTC)
REVOKED_AT = datetime(2026, 11, 27, 8, tzinfo=UTC)
BODY3 = "Seleksi administrasi diundur ke tanggal 30 November 2026.\n\nBerkas dikirim lewat <b>portal</b>."


def chain(key: str = "cpns") -> list[AnnouncementSnapshot]:
    """v1 (publish), v2 and v3 (ralats: new announcements, revision 1, each correcting the one
    before) and v4 (the revocation of v3), as the approval side would build them."""
    h1 = VersionInfo(version=1, kind="publish", number=N1, at=V1_AT)
    h2 = VersionInfo(version=2, kind="ralat", number=N2, at=V2_AT, changes=["Isi"])
    h3 = VersionInfo(version=3, kind="ralat", number=N3, at=V3_AT, changes=["Isi", "Waktu mulai"])
    h4 = VersionInfo(version=4, kind="revoke", number=N3, at=REVOKED_AT)
    v1 = snapshot(key, number=N1, ident=1, revision=3, approved_at=V1_AT, first_approved_at=V1_AT,
                  history=[h1])
    page = item_filename(N1, v1.title)
    v1 = v1.model_copy(update={"page": page})
    common = dict(uid=v1.key, revision=1, first_approved_at=V1_AT, page=page)
    v2 = snapshot(key, number=N2, ident=2, version=2, approved_at=V2_AT, corrects_number=N1,
                  body="Seleksi administrasi diundur.", history=[h1, h2], **common)
    v3 = snapshot(key, number=N3, ident=3, version=3, approved_at=V3_AT, corrects_number=N2,
                  body=BODY3, start=datetime(2026, 11, 30, 1, tzinfo=UTC), history=[h1, h2, h3],
                  **common)
    v4 = v3.model_copy(update={"version": 4, "revoked_at": REVOKED_AT, "history": [h1, h2, h3, h4],
                               "revoked_reason": "Seleksi dibatalkan oleh panitia pusat"})
    return [v1, v2, v3, v4]


def send(r: WebRenderer, snap: AnnouncementSnapshot, kind: Kind = Kind.PUBLISH,
         message_id: str | None = None) -> list[Path]:
    return r.render(envelope("web", snap, kind, message_id=message_id))


def apply_all(r: WebRenderer, snaps: list[AnnouncementSnapshot]) -> None:
    kinds = [Kind.PUBLISH, Kind.UPDATE, Kind.UPDATE, Kind.REVOKE]
    for snap, kind in zip(snaps, kinds, strict=False):
        send(r, snap, kind)


def feeds(root: Path) -> dict:
    """What a reader gets from each feed: feedparser for RSS and Atom, json for JSON Feed."""
    out = {}
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((root / "web" / name).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        out[name] = parsed.entries
    out["feed.json"] = json.loads((root / "web" / "feed.json").read_text())["items"]
    return out


def outputs(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in (root / "web").rglob("*")
            if p.is_file() and ".state" not in p.parts}


def text_of(page: Path) -> str:
    return " ".join(lxml_html.fromstring(page.read_bytes()).text_content().split())


@pytest.fixture
def r(tmp_path):
    renderer = WebRenderer(tmp_path)
    renderer.clock = lambda: REVOKED_AT + timedelta(hours=1)
    return renderer


def test_ralats_update_the_page_in_place_with_notice_and_history(r, tmp_path):
    v1, v2, v3, _ = chain()
    (page1,) = send(r, v1)
    (page2,) = send(r, v2, Kind.UPDATE)
    (page3,) = send(r, v3, Kind.UPDATE)
    assert page1 == page2 == page3 == tmp_path / "web" / "items" / v1.page  # QR codes stay valid
    text = text_of(page3)
    assert "Seleksi administrasi diundur ke tanggal 30 November 2026." in text
    assert "Berkas dikirim lewat <b>portal</b>." in text  # the typed markup shows, never renders
    assert "Seleksi administrasi diundur." not in text.replace("diundur ke", "")  # v2's text is gone
    doc = lxml_html.fromstring(page3.read_bytes())
    [notice] = doc.xpath("//section[contains(@class,'ralat')]")
    notice = " ".join(notice.text_content().split())
    assert notice.startswith("RALAT")
    assert f"Ralat tanggal Rabu, 25 November 2026 atas pengumuman nomor {N2}." in notice
    assert "Yang diubah: Isi, Waktu mulai." in notice
    rows = [" ".join(li.text_content().split()) for li in doc.xpath("//section[@class='history']//li")]
    assert [row.split(" · ")[:3] for row in rows] == [
        ["Terbit", "versi 1", f"nomor {N1}"], ["Ralat", "versi 2", f"nomor {N2}"],
        ["Ralat", "versi 3", f"nomor {N3}"]]
    assert rows[0].endswith("Sabtu, 21 November 2026 pukul 09.00 WIB")
    assert rows[2].endswith("diubah: Isi, Waktu mulai")
    meta = dict(zip(doc.xpath("//dt/text()"), doc.xpath("//dd/text()"), strict=True))
    assert meta["Tanggal terbit"] == "Sabtu, 21 November 2026"  # the first publication
    assert meta["Nomor"] == N3 and meta["Diperbarui"] == "Rabu, 25 November 2026 pukul 13.00 WIB"


def test_feeds_keep_one_entry_per_key_marked_ralat_and_published_never_moves(r, tmp_path):
    v1, v2, v3, _ = chain()
    other = snapshot("renstra", ident=9, number="060/X", approved_at=V2_AT + timedelta(hours=1))
    send(r, v1)
    send(r, other)
    send(r, v2, Kind.UPDATE)
    send(r, v3, Kind.UPDATE)
    got = feeds(tmp_path)
    for name in ("rss.xml", "atom.xml"):
        entries = got[name]
        assert len(entries) == 2
        entry = entries[0]  # the correction moved it to the top
        assert entry.title == f"RALAT: {N3} — {v3.title}"
        assert entry.published_parsed[:6] == V1_AT.timetuple()[:6]
        assert entry.updated_parsed[:6] == V3_AT.timetuple()[:6]
        assert entries[1].title.startswith("060/X")
    assert got["rss.xml"][0].id == v1.key
    assert got["atom.xml"][0].id == f"urn:uuid:{v1.key}"
    rss = (tmp_path / "web" / "rss.xml").read_text()
    assert "<pubDate>Sat, 21 Nov 2026 02:00:00 +0000</pubDate>" in rss  # RSS pubDate = first date
    [item] = [i for i in got["feed.json"] if i["id"] == v1.key]
    assert item["title"].startswith("RALAT: ") and BODY3 in item["content_text"]
    assert item["date_published"] == V1_AT.isoformat() and item["date_modified"] == V3_AT.isoformat()
    assert "Yang diubah: Isi, Waktu mulai." in item["content_text"]
    index = lxml_html.fromstring((tmp_path / "web" / "index.html").read_bytes())
    assert "RALAT" in index.xpath("//ul[@class='list']/li")[0].text_content()


def test_rss_description_is_the_body_as_escaped_paragraphs(r, tmp_path):
    send(r, snapshot("renstra", summary="", body="Paragraf <b>satu</b> & dua.\n\nParagraf\nkedua."))
    [entry] = feeds(tmp_path)["rss.xml"]
    doc = lxml_html.fromstring(f"<div>{entry.description}</div>")  # what a reader renders
    assert [p.text_content() for p in doc.xpath("//p")] == ["Paragraf <b>satu</b> & dua.", "Paragrafkedua."]
    assert doc.xpath("//b") == [] and len(doc.xpath("//p[2]/br")) == 1


def test_revision_never_decides_a_ralat_with_revision_1_applies_after_revision_3(r, tmp_path):
    v1, v2, *_ = chain()
    assert v1.revision == 3 and v2.revision == 1
    send(r, v1)
    (page,) = send(r, v2, Kind.UPDATE)
    assert "Seleksi administrasi diundur." in text_of(page)
    assert r.state.get(v1.key)["version"] == 2


def test_an_older_version_after_a_newer_one_is_superseded_and_changes_nothing(r, tmp_path):
    v1, v2, v3, _ = chain()
    for snap, kind in ((v1, Kind.PUBLISH), (v2, Kind.UPDATE), (v3, Kind.UPDATE)):
        send(r, snap, kind)
    before, state = outputs(tmp_path), r.state.get(v1.key)
    for snap, kind in ((v2, Kind.UPDATE), (v1, Kind.PUBLISH), (v3, Kind.UPDATE)):  # v3: a new id
        with pytest.raises(Superseded) as err:
            send(r, snap, kind)
        assert err.value.held_version == 3
    assert outputs(tmp_path) == before and r.state.get(v1.key) == state


def test_the_same_message_again_returns_its_files_even_after_its_inbox_row_was_lost(r, tmp_path):
    v1, v2, *_ = chain()
    send(r, v1)
    env = envelope("web", v2, Kind.UPDATE)
    files = r.render(env)
    before = outputs(tmp_path)
    assert r.render(env) == files  # the inbox answers
    with sqlite3.connect(r.state.path) as db:  # a crash after the state, before the inbox
        db.execute("DELETE FROM inbox WHERE message_id = ?", (env.message_id,))
    assert WebRenderer(tmp_path).render(env) == files
    assert outputs(tmp_path) == before


def test_revocation_after_ralat_stays_as_withdrawal_entry_then_leaves_the_feeds(r, tmp_path):
    v1, v2, v3, v4 = chain()
    send(r, snapshot("renstra", ident=9, number="060/X"))
    apply_all(r, [v1, v2, v3, v4])
    page = tmp_path / "web" / "items" / v1.page
    text = text_of(page)
    assert "Pengumuman ini telah dicabut pada Jumat, 27 November 2026 pukul 15.00 WIB" in text
    assert "Alasan: Seleksi dibatalkan oleh panitia pusat" in text
    rows = [" ".join(li.text_content().split())
            for li in lxml_html.fromstring(page.read_bytes()).xpath("//section[@class='history']//li")]
    assert [row.split(" · ")[0] for row in rows] == ["Terbit", "Ralat", "Ralat", "Dicabut"]

    got = feeds(tmp_path)
    for name in ("rss.xml", "atom.xml"):
        [gone] = [e for e in got[name] if "DICABUT" in e.title]
        assert gone.title == f"DICABUT: {N3} — {v3.title}"
        assert gone.published_parsed[:6] == V1_AT.timetuple()[:6]
        assert gone.updated_parsed[:6] == REVOKED_AT.timetuple()[:6]
        said = lxml_html.fromstring(f"<div>{gone.description if name == 'rss.xml' else gone.summary}</div>")
        said = " ".join(said.text_content().split())
        assert "telah dicabut pada Jumat, 27 November 2026 pukul 15.00 WIB" in said
        assert "Alasan: Seleksi dibatalkan oleh panitia pusat" in said
    [item] = [i for i in got["feed.json"] if i["id"] == v1.key]
    assert item["title"].startswith("DICABUT: ") and "Seleksi dibatalkan" in item["content_text"]
    index = (tmp_path / "web" / "index.html").read_text()
    assert "DICABUT" in index and "Seleksi dibatalkan oleh panitia pusat" in index

    # Upkeep inside the period changes nothing; after it, the entry leaves every feed.
    assert r.maintain(REVOKED_AT + timedelta(days=29)) == []
    assert r.maintain(REVOKED_AT + timedelta(days=29, minutes=1)) == []
    changed = r.maintain(REVOKED_AT + timedelta(days=30, minutes=1))
    assert {p.name for p in changed} >= {"rss.xml", "atom.xml", "feed.json", "index.html"}
    got = feeds(tmp_path)
    for name in ("rss.xml", "atom.xml", "feed.json"):
        assert len(got[name]) == 1, name  # only the other announcement
    assert "Seleksi dibatalkan" not in (tmp_path / "web" / "index.html").read_text()
    assert "telah dicabut" in page.read_text()  # the page itself stays


def test_withdrawn_days_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv("WARTA_WEB_WITHDRAWN_DAYS", "2")
    r = WebRenderer(tmp_path, Settings().web)
    v1, *_ = chain()
    send(r, v1)
    r.clock = lambda: REVOKED_AT + timedelta(days=1)
    send(r, v1.model_copy(update={"version": 2, "revoked_at": REVOKED_AT, "revoked_reason": "x"}),
         Kind.REVOKE)
    assert [e.title[:9] for e in feeds(tmp_path)["rss.xml"]] == ["DICABUT: "]
    r.clock = lambda: REVOKED_AT + timedelta(days=2, seconds=1)
    send(r, snapshot("renstra", ident=9, number="060/X"))  # any later render also drops it
    assert [e.title[:5] for e in feeds(tmp_path)["rss.xml"]] == ["060/X"]


def test_nothing_after_a_revocation_applies(r, tmp_path):
    v1, v2, v3, v4 = chain()
    send(r, v1)
    send(r, v1.model_copy(update={"version": 2, "revoked_at": REVOKED_AT, "revoked_reason": "x"}),
         Kind.REVOKE)
    before = outputs(tmp_path)
    for snap, kind in ((v1, Kind.PUBLISH), (v2, Kind.UPDATE), (v3, Kind.UPDATE), (v4, Kind.REVOKE)):
        with pytest.raises(Superseded) as err:
            send(r, snap, kind)
        assert err.value.held_version == 2
    assert outputs(tmp_path) == before


def test_a_revocation_applies_whatever_version_the_channel_holds(r, tmp_path):
    v1, _, _, v4 = chain()
    send(r, v1)  # the channel never saw the ralats
    (page,) = send(r, v4, Kind.REVOKE)
    assert "telah dicabut" in page.read_text() and r.state.get(v1.key)["version"] == 4


def test_page_name_comes_from_the_snapshot_else_from_number_and_title(r, tmp_path):
    named = snapshot("renstra", page="pengumuman-lama.html")
    assert send(r, named)[0].name == "pengumuman-lama.html"
    legacy = snapshot("cpns", ident=5, number="070/X")
    assert legacy.page == ""
    assert send(r, legacy)[0].name == item_filename("070/X", legacy.title)


def test_a_ralat_arriving_first_keeps_the_first_publication_date(r, tmp_path):
    _, v2, *_ = chain()
    send(r, v2, Kind.UPDATE)  # e.g. the web channel was added at the ralat
    [entry] = feeds(tmp_path)["atom.xml"]
    assert entry.published_parsed[:6] == V1_AT.timetuple()[:6]
    assert entry.updated_parsed[:6] == V2_AT.timetuple()[:6]
