"""The announcement's picture on the website: a file named by its sha256 next to the item page, an
``<img>`` with alt text and size, the RSS enclosure, the Atom enclosure link and the JSON Feed image
(absolute URLs), a CAP ``<resource>`` that still validates; revoked or replaced pictures leave the
site unless another live announcement shows them; a broken picture is left out, nothing else."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html
from structlog.testing import capture_logs

from channels.base import Superseded, sha256_file
from channels.web import WebRenderer, item_url
from shared.config import Settings
from shared.messages import Kind
from tests.channels.pictures import broken_snapshots, image_snapshot
from tests.factories import envelope, snapshot

XSD = etree.XMLSchema(etree.parse(str(Path(__file__).resolve().parents[1] / "data" / "CAP-v1.2.xsd")))
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
PUBLIC = "https://ppid.example.go.id"
CAPTION = "Foto: Posko BPBD <Teminabuan> & relawan"


def _feed(root: Path, name: str):
    parsed = feedparser.parse((root / "web" / name).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def _img(page: Path):
    doc = lxml_html.fromstring(page.read_bytes())
    return doc, doc.xpath("//img")


def test_picture_file_sits_next_to_the_page_that_shows_it(tmp_path):
    image = image_snapshot(1024, 768, caption=CAPTION)
    page, picture = WebRenderer(tmp_path).render(envelope("web", snapshot("renstra", image=image)))
    assert picture == page.parent / f"{image.sha256}.jpg"
    assert sha256_file(picture) == image.sha256 and picture.read_bytes() == image.data()
    doc, [img] = _img(page)
    assert img.get("src") == picture.name  # relative: the file is next to the page
    assert (img.get("alt"), img.get("width"), img.get("height")) == (CAPTION, "1024", "768")
    assert [c.text_content() for c in doc.xpath("//figcaption")] == [CAPTION]
    assert "<Teminabuan>" not in page.read_text()  # escaped, never markup
    # The figure comes before the body text.
    article = doc.xpath("//article")[0]
    assert img.getparent().getparent().index(img.getparent()) < article.getparent().index(article)


def test_without_a_caption_the_title_is_the_alt_text(tmp_path):
    snap = snapshot("renstra", image=image_snapshot(600, 800))
    page, _ = WebRenderer(tmp_path).render(envelope("web", snap))
    doc, [img] = _img(page)
    assert img.get("alt") == snap.title and doc.xpath("//figcaption") == []


def test_feeds_carry_the_picture_with_absolute_urls(tmp_path, monkeypatch):
    monkeypatch.setenv("WARTA_PUBLIC_URL", PUBLIC + "/")
    image = image_snapshot(800, 600, caption=CAPTION)
    r = WebRenderer(tmp_path, Settings().web)
    snap = snapshot("renstra", image=image)
    r.render(envelope("web", snap))
    r.render(envelope("web", snapshot("cpns", ident=2, number="046/X")))  # no picture
    url = f"{PUBLIC}/web/items/{image.sha256}.jpg"
    size = str(len(image.data()))
    rss = {e.id: e for e in _feed(tmp_path, "rss.xml").entries}
    [enc] = rss[snap.key].enclosures
    assert (enc.href, enc.length, enc.type) == (url, size, "image/jpeg")
    assert rss[snap.key].link == item_url(PUBLIC, snap.number, snap.title)
    assert [e.enclosures for k, e in rss.items() if k != snap.key] == [[]]
    atom = _feed(tmp_path, "atom.xml")
    entry = next(e for e in atom.entries if e.link == item_url(PUBLIC, snap.number, snap.title))
    links = {(link.rel, link.href, link.get("type"), link.get("length")) for link in entry.links}
    assert ("enclosure", url, "image/jpeg", size) in links
    assert [link.rel for link in entry.links].count("alternate") == 1  # the page, not the picture
    feed = json.loads((tmp_path / "web" / "feed.json").read_text())
    assert [i.get("image") for i in feed["items"] if i["id"] == snap.key] == [url]
    assert all("image" not in i for i in feed["items"] if i["id"] != snap.key)
    page = tmp_path / "web" / "items" / item_url(PUBLIC, snap.number, snap.title).rsplit("/", 1)[1]
    assert f'<meta property="og:image" content="{url}">' in page.read_text()


def test_cap_alert_carries_the_picture_as_a_resource(tmp_path, monkeypatch):
    monkeypatch.setenv("WARTA_PUBLIC_URL", PUBLIC)
    image = image_snapshot(800, 600)
    _, alert, picture = WebRenderer(tmp_path, Settings().web).render(
        envelope("web", snapshot("banjir", image=image)))
    doc = etree.parse(str(alert))
    assert XSD.validate(doc), XSD.error_log
    [res] = doc.findall(".//cap:resource", NS)
    assert res.findtext("cap:resourceDesc", namespaces=NS) == "Gambar"
    assert res.findtext("cap:mimeType", namespaces=NS) == "image/jpeg"
    assert res.findtext("cap:size", namespaces=NS) == str(picture.stat().st_size)
    assert res.findtext("cap:uri", namespaces=NS) == f"{PUBLIC}/web/items/{image.sha256}.jpg"
    assert res.findtext("cap:digest", namespaces=NS) == hashlib.sha1(picture.read_bytes()).hexdigest()


def test_cap_resource_has_no_uri_without_a_public_address(tmp_path):
    _, alert, _ = WebRenderer(tmp_path).render(envelope("web", snapshot("banjir", image=image_snapshot())))
    doc = etree.parse(str(alert))
    assert XSD.validate(doc), XSD.error_log
    [res] = doc.findall(".//cap:resource", NS)
    assert res.find("cap:uri", NS) is None and res.findtext("cap:digest", namespaces=NS)


def test_revocation_takes_the_picture_down_with_the_page(tmp_path):
    r = WebRenderer(tmp_path)
    image = image_snapshot(800, 600, caption=CAPTION)
    snap = snapshot("banjir", image=image)
    page, _, picture = r.render(envelope("web", snap))
    revoked = snap.model_copy(update={"revoked_at": datetime(2026, 11, 22, tzinfo=timezone.utc),
                                      "revoked_reason": "Cuaca membaik"})
    page2, cancel = r.render(envelope("web", revoked, Kind.REVOKE))
    assert page2 == page and not picture.exists()
    text = page.read_text()
    assert "telah dicabut" in text and "<img" not in text and image.sha256 not in text
    assert image.sha256 not in etree.tostring(etree.parse(str(cancel))).decode()
    assert XSD.validate(etree.parse(str(cancel))), XSD.error_log
    for name in ("rss.xml", "atom.xml", "feed.json"):
        assert image.sha256 not in (tmp_path / "web" / name).read_text()
    # A late redelivery of the first publication is superseded and brings no picture back.
    with pytest.raises(Superseded):
        r.render(envelope("web", snap))
    assert not picture.exists() and "<img" not in page.read_text()


def test_a_picture_two_announcements_share_stays_while_one_still_shows_it(tmp_path):
    r = WebRenderer(tmp_path)
    image = image_snapshot(800, 600)
    first = snapshot("renstra", ident=1, image=image)
    second = snapshot("cpns", ident=2, number="046/X", image=image)
    _, picture = r.render(envelope("web", first))
    r.render(envelope("web", second))
    r.render(envelope("web", first.model_copy(update={"revoked_reason": "x"}), Kind.REVOKE))
    assert picture.exists()  # the second announcement still shows it
    r.render(envelope("web", second.model_copy(update={"revoked_reason": "x"}), Kind.REVOKE))
    assert not picture.exists()


def test_a_correction_replaces_or_drops_the_picture(tmp_path):
    r = WebRenderer(tmp_path)
    old, new = image_snapshot(800, 600), image_snapshot(640, 640, caption="Lokasi baru")
    first = snapshot("renstra", image=old)
    page, old_file = r.render(envelope("web", first))
    same = first.model_copy(update={"version": 2, "body": "Isi diperbaiki."})
    assert r.render(envelope("web", same, Kind.UPDATE)) == [page, old_file] and old_file.exists()
    fixed = first.model_copy(update={"version": 3, "image": new})
    _, new_file = r.render(envelope("web", fixed, Kind.UPDATE))
    assert not old_file.exists() and new_file.name == f"{new.sha256}.jpg"
    assert _img(page)[1][0].get("src") == new_file.name
    [enc] = _feed(tmp_path, "rss.xml").entries[0].enclosures
    assert enc.href.endswith(new_file.name)
    dropped = first.model_copy(update={"version": 4, "image": None})
    assert r.render(envelope("web", dropped, Kind.UPDATE)) == [page]
    assert not new_file.exists() and _img(page)[1] == []
    assert _feed(tmp_path, "rss.xml").entries[0].enclosures == []


def test_redelivery_with_a_picture_changes_nothing(tmp_path):
    r = WebRenderer(tmp_path)
    env = envelope("web", snapshot("banjir", image=image_snapshot(800, 600, caption=CAPTION)))
    files = r.render(env)
    before = {p: p.read_bytes() for p in (tmp_path / "web").rglob("*")
              if p.is_file() and ".state" not in p.parts}
    assert WebRenderer(tmp_path).render(env) == files
    assert {p: p.read_bytes() for p in (tmp_path / "web").rglob("*")
            if p.is_file() and ".state" not in p.parts} == before


def test_state_keeps_no_picture_bytes(tmp_path):
    image = image_snapshot(800, 600)
    r = WebRenderer(tmp_path)
    r.render(envelope("web", snapshot("renstra", image=image)))
    [rec] = r.state.latest(5)
    assert image.data_b64 not in json.dumps(rec) and rec["image"]["sha256"] == image.sha256


@pytest.mark.parametrize("kind", sorted(broken_snapshots()))
def test_a_broken_picture_is_left_out_and_the_rest_published(tmp_path, kind):
    snap = snapshot("banjir", image=broken_snapshots()[kind])
    with capture_logs() as logs:
        files = WebRenderer(tmp_path).render(envelope("web", snap))
    assert any(e["event"] == "picture_left_out" and e["channel"] == "web" for e in logs), logs
    page, alert = files  # the page and the CAP alert, no picture
    assert not list((tmp_path / "web" / "items").glob("*.jpg"))
    assert _img(page)[1] == [] and snap.title in page.read_text()
    assert XSD.validate(etree.parse(str(alert))) and b"<resource>" not in alert.read_bytes()
    for name in ("rss.xml", "atom.xml"):
        [entry] = _feed(tmp_path, name).entries
        assert entry.enclosures == []
    assert "image" not in json.loads((tmp_path / "web" / "feed.json").read_text())["items"][0]
