"""CAP 1.2 alerts for serta-merta announcements: valid against the OASIS schema, Alert → Update →
Update → Cancel with an identifier per version and references to the whole chain before it, an
``<expires>`` on every alert, and the RSS index of the alerts that have not expired (a Cancel
included). Alerts are read back with lxml, the index with feedparser."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from channels.web import WebRenderer
from shared.config import Settings
from shared.messages import AlertSnapshot, Kind, VersionInfo
from tests.factories import agency, envelope, snapshot

XSD = Path(__file__).resolve().parents[1] / "data" / "CAP-v1.2.xsd"
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
T0 = datetime(2026, 11, 21, 2, tzinfo=timezone.utc)
HOUR, MINUTE = timedelta(hours=1), timedelta(minutes=1)


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def _valid(schema, path: Path) -> etree._Element:
    doc = etree.parse(str(path))
    assert schema.validate(doc), schema.error_log
    return doc.getroot()


def _text(root, tag):
    return root.findtext(f".//cap:{tag}", namespaces=NS)


def _chain(**over) -> list:
    """Banjir v1 (publish), v2 and v3 (ralats: new announcements with revision 1) and v4 (the
    revocation), as the approval side builds them."""
    h = [VersionInfo(version=1, kind="publish", number="1/X", at=T0),
         VersionInfo(version=2, kind="ralat", number="2/X", at=T0 + HOUR, changes=["Isi"]),
         VersionInfo(version=3, kind="ralat", number="3/X", at=T0 + 2 * HOUR, changes=["Waktu selesai"]),
         VersionInfo(version=4, kind="revoke", number="3/X", at=T0 + 3 * HOUR)]
    v1 = snapshot("banjir", number="1/X", approved_at=T0, first_approved_at=T0, history=h[:1], **over)
    common = dict(uid=v1.key, revision=1, first_approved_at=T0, **over)
    v2 = snapshot("banjir", ident=2, number="2/X", version=2, corrects_number="1/X",
                  approved_at=T0 + HOUR, body="Status siaga dinaikkan.", history=h[:2], **common)
    v3 = snapshot("banjir", ident=3, number="3/X", version=3, corrects_number="2/X",
                  approved_at=T0 + 2 * HOUR, body="Status awas.", history=h[:3], **common)
    v4 = v3.model_copy(update={"version": 4, "history": h, "revoked_at": T0 + 3 * HOUR,
                               "revoked_reason": "Cuaca membaik"})
    return [v1, v2, v3, v4]


def _send(r: WebRenderer, snap, kind: Kind, sent: datetime, message_id: str | None = None):
    """Render a message created at ``sent`` (the CAP ``sent``) with the clock at that moment."""
    env = envelope("web", snap, kind, message_id=message_id).model_copy(update={"created_at": sent})
    r.clock = lambda: sent
    return r.render(env)


def _index(tmp_path: Path):
    index = feedparser.parse((tmp_path / "web" / "cap" / "index.xml").read_bytes())
    assert not index.bozo, index.get("bozo_exception")
    return index.entries


KINDS = [Kind.PUBLISH, Kind.UPDATE, Kind.UPDATE, Kind.REVOKE]


def test_alert_update_update_cancel_chain_is_valid_and_referenced(tmp_path, schema):
    r = WebRenderer(tmp_path)
    end = datetime(2026, 11, 23, 15, tzinfo=timezone.utc)
    snaps = _chain(agency=agency("Asia/Jayapura"), start=datetime(2026, 11, 21, 0, tzinfo=timezone.utc),
                   end=end, alert=AlertSnapshot(urgency="Immediate", severity="Severe",
                                                certainty="Likely", response_type="Prepare",
                                                category="Met"))
    roots, triples = [], []
    for i, (snap, kind) in enumerate(zip(snaps, KINDS, strict=True)):
        files = _send(r, snap, kind, T0 + i * HOUR + MINUTE)
        root = _valid(schema, files[1])
        roots.append(root)
        assert (_text(root, "references") or "").split() == triples  # exactly every earlier one
        triples.append(f"{_text(root, 'sender')},{_text(root, 'identifier')},{_text(root, 'sent')}")
        assert _text(root, "expires") == "2026-11-24T00:00:00+09:00"  # the end; the Cancel's too
        [entry] = _index(tmp_path)  # the newest message of the announcement
        assert entry.id == _text(root, "identifier")
    assert [_text(x, "msgType") for x in roots] == ["Alert", "Update", "Update", "Cancel"]
    idents = [_text(x, "identifier") for x in roots]
    assert len(set(idents)) == 4 and idents[1].endswith(".v2.update") and idents[2].endswith(".v3.update")
    alert = roots[0]
    assert _text(alert, "urgency") == "Immediate" and _text(alert, "language") == "id-ID"
    assert _text(alert, "scope") == "Public" and _text(alert, "areaDesc") == "Provinsi Kalimantan Barat"
    assert _text(alert, "sent") == "2026-11-21T11:01:00+09:00"  # the agency's zone (WIT)
    assert _text(alert, "category") == "Met"
    assert _text(roots[2], "note") == "Ralat atas pengumuman nomor 2/X. Yang diubah: Waktu selesai"
    assert _text(roots[2], "description") == "Status awas."
    cancel = roots[3]
    assert "Cuaca membaik" in _text(cancel, "description") and _text(cancel, "responseType") == "AllClear"
    # The Cancel stays in the index until the alert's expiry, then upkeep takes it out.
    [entry] = _index(tmp_path)
    assert entry.title.startswith("DICABUT: ") and entry.tags[0].term == "Cancel"
    assert r.maintain(end - MINUTE) == []
    assert [p.name for p in r.maintain(end + MINUTE)] == ["index.xml"]
    assert _index(tmp_path) == []
    assert r.maintain(end + 2 * MINUTE) == []


def test_alert_without_end_expires_after_the_configured_hours(tmp_path, schema, monkeypatch):
    monkeypatch.setenv("WARTA_WEB_CAP_EXPIRES_HOURS", "6")
    r = WebRenderer(tmp_path, Settings().web)
    v1, v2, *_ = _chain()
    _, first = _send(r, v1, Kind.PUBLISH, T0)
    assert _text(_valid(schema, first), "expires") == "2026-11-21T15:00:00+07:00"  # sent + 6 h
    _, second = _send(r, v2, Kind.UPDATE, T0 + HOUR)  # an Update runs from its own sent
    assert _text(_valid(schema, second), "expires") == "2026-11-21T16:00:00+07:00"
    assert len(_index(tmp_path)) == 1
    assert r.maintain(T0 + 7 * HOUR - MINUTE) == []
    r.maintain(T0 + 7 * HOUR)
    assert _index(tmp_path) == []


def test_a_cancel_stays_at_least_an_hour(tmp_path, schema):
    r = WebRenderer(tmp_path)
    v1, *_, v4 = _chain(end=T0 + 2 * HOUR)
    _send(r, v1, Kind.PUBLISH, T0)
    _, cancel = _send(r, v4, Kind.REVOKE, T0 + 90 * MINUTE)  # half an hour before the end
    assert _text(_valid(schema, cancel), "expires") == "2026-11-21T11:30:00+07:00"  # sent + 1 h
    r.maintain(T0 + 2 * HOUR + MINUTE)
    assert [e.title[:9] for e in _index(tmp_path)] == ["DICABUT: "]
    r.maintain(T0 + 150 * MINUTE + MINUTE)
    assert _index(tmp_path) == []


def test_redelivery_after_lost_inbox_row_writes_no_second_update(tmp_path, schema):
    r = WebRenderer(tmp_path)
    v1, v2, v3, _ = _chain()
    _send(r, v1, Kind.PUBLISH, T0)
    files = _send(r, v2, Kind.UPDATE, T0 + HOUR, message_id="ralat-1")
    before = sorted((tmp_path / "web" / "cap").iterdir())
    data = files[1].read_bytes()
    with sqlite3.connect(r.state.path) as db:  # a crash after the CAP file and the state
        db.execute("DELETE FROM inbox WHERE message_id = 'ralat-1'")
    again = _send(WebRenderer(tmp_path), v2, Kind.UPDATE, T0 + HOUR, message_id="ralat-1")
    assert again == files and files[1].read_bytes() == data
    assert sorted((tmp_path / "web" / "cap").iterdir()) == before
    # The next ralat names each earlier message once and never itself.
    _, third = _send(r, v3, Kind.UPDATE, T0 + 2 * HOUR)
    refs = _text(_valid(schema, third), "references").split()
    idents = [ref.split(",")[1] for ref in refs]
    assert len(refs) == 2 and len(set(idents)) == 2
    assert _text(_valid(schema, third), "identifier") not in idents


def test_index_lists_alerts_until_they_expire_cancels_included(tmp_path):
    r = WebRenderer(tmp_path)
    flood = snapshot("banjir")
    _send(r, flood, Kind.PUBLISH, T0)
    _send(r, snapshot("banjir", ident=2, number="2/X", title="Peringatan gempa"), Kind.PUBLISH, T0)
    _send(r, snapshot("renstra", ident=3, number="3/X"), Kind.PUBLISH, T0)  # not serta merta
    index = _index(tmp_path)
    assert len(index) == 2
    assert all(e.link.startswith("http://localhost:8000/web/cap/") and e.link.endswith(".xml")
               for e in index)
    _send(r, flood.model_copy(update={"version": 2, "revoked_reason": "x"}), Kind.REVOKE, T0 + HOUR)
    assert sorted(e.title for e in _index(tmp_path)) == [
        "DICABUT: Peringatan Dini Banjir di Kecamatan Teminabuan dan Sekitarnya", "Peringatan gempa"]
    r.maintain(T0 + 25 * HOUR)  # both expired (24 h default; the Cancel with its alert)
    assert _index(tmp_path) == []


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


def test_a_cap_state_from_before_expiries_keeps_its_live_alerts_listed(tmp_path):
    path = tmp_path / "web" / ".state" / "cap.db"
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:  # the schema before expires_ts
        db.execute("CREATE TABLE items (key TEXT PRIMARY KEY, sort_ts REAL NOT NULL, "
                   "revoked INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL)")
        db.executemany("INSERT INTO items VALUES (?, ?, ?, ?)", [
            ("a", 1.0, 0, '{"identifier": "x.a.r1.publish", "file": "a.xml", "title": "Banjir", '
                          '"msg_type": "Alert", "updated": "2026-11-21T02:00:00+00:00"}'),
            ("b", 2.0, 1, '{"identifier": "x.b.r2.revoke", "file": "b.xml", "title": "Gempa", '
                          '"msg_type": "Cancel", "updated": "2026-11-21T03:00:00+00:00"}')])
    r = WebRenderer(tmp_path)
    assert [x["identifier"] for x in r.cap_state.active(T0.timestamp(), 10)] == ["x.a.r1.publish"]
    _send(r, snapshot("renstra"), Kind.PUBLISH, T0)  # any render rebuilds the index
    assert [e.title for e in _index(tmp_path)] == ["Banjir"]
