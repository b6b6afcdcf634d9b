"""Property tests: hostile titles and bodies (script tags, ]]>, control characters, emoji,
right-to-left text) give well-formed outputs on every web, CAP and radio output, with the text
escaped rather than interpreted."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import feedparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from channels.radio import RadioRenderer
from channels.radio.audio import NoSpeech
from channels.web import WebRenderer
from channels.web.text import clean, one_line
from tests.factories import envelope, snapshot

XSD = etree.XMLSchema(etree.parse(str(Path(__file__).resolve().parents[1] / "data" / "CAP-v1.2.xsd")))
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}

HOSTILE = ["<script>alert(1)</script>", "]]>", "<![CDATA[x]]>", "\x00", "\x07", "\x1b[31m", "\x7f",
           "\x85", "\ufffe", "\u202e", "\u200f", "שלום עולם", "مرحبا", "😀🇮🇩", "&amp;", "&#0;",
           "<!--", "-->", "\"'", "<img src=x onerror=alert(1)>", "\r\n", "{station}", "[x](javascript:1)",
           "# judul", "Rp1.000", "09.00 WIB"]
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)),
                        min_size=1, max_size=8).map("".join)


def _xml_title_texts(path: Path, tag: str) -> list[str]:
    root = etree.parse(str(path)).getroot()  # raises on anything not well-formed
    return [el.text or "" for el in root.iter(tag)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=hostile_text, body=hostile_text)
def test_hostile_text_is_escaped_everywhere(title, body):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        snap = snapshot("banjir", title=title, body=body, summary=title)
        expected_title = one_line(f"{snap.number} — {title}")
        page, alert = WebRenderer(out).render(envelope("web", snap))
        web = out / "web"

        for name in ("rss.xml", "atom.xml"):
            parsed = feedparser.parse((web / name).read_bytes())
            assert not parsed.bozo, (name, parsed.get("bozo_exception"))
            assert len(parsed.entries) == 1
        assert expected_title in _xml_title_texts(web / "rss.xml", "title")
        assert expected_title in _xml_title_texts(web / "atom.xml", "{http://www.w3.org/2005/Atom}title")
        assert "<script" not in (web / "rss.xml").read_text()

        feed = json.loads((web / "feed.json").read_text(encoding="utf-8"))
        assert feed["items"][0]["title"] == expected_title
        assert feed["items"][0]["content_text"] == clean(body)

        for doc_path in (page, web / "index.html"):
            doc = lxml_html.fromstring(doc_path.read_bytes())
            assert doc.xpath("//script") == [] and doc.xpath("//img") == []
            assert not any(k.startswith("on") for el in doc.iter() if isinstance(el.tag, str)
                           for k in el.attrib)
        h1 = lxml_html.fromstring(page.read_bytes()).xpath("//h1")[0].text_content()
        assert h1 == one_line(title)

        cap = etree.parse(str(alert))
        assert XSD.validate(cap), XSD.error_log
        assert cap.findtext(".//cap:event", namespaces=NS) == (one_line(title)[:200] or "Pengumuman")

        files = RadioRenderer(out, engine=NoSpeech()).render(envelope("radio", snap))
        radio = feedparser.parse((out / "radio" / "feed.xml").read_bytes())
        assert not radio.bozo, radio.get("bozo_exception")
        assert expected_title in _xml_title_texts(out / "radio" / "feed.xml", "title")
        md = next(f for f in files if f.suffix == ".md").read_text(encoding="utf-8")
        assert "<script" not in md and "<img" not in md
        for f in files:
            text = f.read_text(encoding="utf-8")
            assert not any(c in text for c in "\x00\x07\x1b\x7f\x85\ufffe")
