"""CAP 1.2 alerts for serta-merta announcements: valid against the OASIS schema, Alert → Update →
Cancel with references, and the RSS index of active alerts."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from channels.web import WebRenderer
from shared.messages import Kind
from tests.factories import agency, envelope, snapshot

XSD = Path(__file__).resolve().parents[1] / "data" / "CAP-v1.2.xsd"
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def _valid(schema, path: Path) -> etree._Element:
    doc = etree.parse(str(path))
    assert schema.validate(doc), schema.error_log
    return doc.getroot()


def _text(root, tag):
    return root.findtext(f".//cap:{tag}", namespaces=NS)


def test_alert_update_cancel_chain_is_valid_and_referenced(tmp_path, schema):
    r = WebRenderer(tmp_path)
    snap = snapshot("banjir", agency=agency("Asia/Jayapura"),
                    start=datetime(2026, 11, 21, 0, tzinfo=timezone.utc),
                    end=datetime(2026, 11, 23, 15, tzinfo=timezone.utc))
    _, first = r.render(envelope("web", snap))
    alert = _valid(schema, first)
    assert _text(alert, "msgType") == "Alert" and _text(alert, "urgency") == "Immediate"
    assert _text(alert, "language") == "id-ID" and _text(alert, "scope") == "Public"
    assert _text(alert, "areaDesc") == "Provinsi Kalimantan Barat"
    assert _text(alert, "sent").endswith("+09:00")  # the agency's zone (WIT)
    assert _text(alert, "expires") == "2026-11-24T00:00:00+09:00"
    assert _text(alert, "category") == "Met"
    assert _text(alert, "references") is None

    fixed = snap.model_copy(update={"revision": 2, "body": "Status siaga dinaikkan."})
    _, second = r.render(envelope("web", fixed, Kind.UPDATE))
    update = _valid(schema, second)
    assert _text(update, "msgType") == "Update"
    ref = f"{_text(alert, 'sender')},{_text(alert, 'identifier')},{_text(alert, 'sent')}"
    assert _text(update, "references") == ref
    assert _text(update, "identifier") != _text(alert, "identifier")

    gone = fixed.model_copy(update={"revoked_at": datetime(2026, 11, 22, tzinfo=timezone.utc),
                                    "revoked_reason": "Cuaca membaik"})
    _, third = r.render(envelope("web", gone, Kind.REVOKE))
    cancel = _valid(schema, third)
    assert _text(cancel, "msgType") == "Cancel"
    refs = _text(cancel, "references").split(" ")
    assert refs[0] == ref and _text(update, "identifier") in refs[1]
    assert "Cuaca membaik" in _text(cancel, "description")


def test_index_lists_active_alerts_only(tmp_path):
    r = WebRenderer(tmp_path)
    flood = snapshot("banjir")
    r.render(envelope("web", flood))
    r.render(envelope("web", snapshot("banjir", ident=2, number="2/X", title="Peringatan gempa")))
    r.render(envelope("web", snapshot("renstra", ident=3, number="3/X")))  # not serta merta
    index = feedparser.parse((tmp_path / "web" / "cap" / "index.xml").read_bytes())
    assert not index.bozo
    assert len(index.entries) == 2
    assert all(e.link.startswith("http://localhost:8000/cap/") and e.link.endswith(".xml")
               for e in index.entries)
    r.render(envelope("web", flood.model_copy(update={"revoked_reason": "x"}), Kind.REVOKE))
    index = feedparser.parse((tmp_path / "web" / "cap" / "index.xml").read_bytes())
    assert [e.title for e in index.entries] == ["Peringatan gempa"]


def test_non_urgent_announcements_make_no_alert(tmp_path):
    files = WebRenderer(tmp_path).render(envelope("web", snapshot("renstra")))
    assert [f.parent.name for f in files] == ["items"]
    assert not any(p.name != "index.xml" for p in (tmp_path / "web" / "cap").iterdir())


def test_revoke_without_prior_alert_sends_no_cancel(tmp_path):
    snap = snapshot("banjir", revoked_reason="salah kirim")
    files = WebRenderer(tmp_path).render(envelope("web", snap, Kind.REVOKE))
    assert [f.parent.name for f in files] == ["items"]


def test_hostile_text_in_cap_is_escaped_and_valid(tmp_path, schema):
    snap = snapshot("banjir", title="Banjir <script>alert(1)</script> ]]> & \x07 \u202eevil",
                    body="isi \x00\x1b <b>tebal</b> & ]]>")
    _, path = WebRenderer(tmp_path).render(envelope("web", snap))
    root = _valid(schema, path)
    raw = path.read_text()
    assert "<script>" not in raw and "&lt;script&gt;" in raw
    assert _text(root, "description") == "isi  <b>tebal</b> & ]]>"
