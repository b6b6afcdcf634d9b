"""The review chain of the Kalbar SOP through the service layer, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from shared.errors import Refused, WartaError
from shared.models import OutboxRow
from tests.domain.helpers import draft, fingerprint, to_state


def test_full_chain_with_a_return_at_each_level(warta):
    w, ids = warta, warta.ids
    item = draft(w)
    w.submit(ids["pelaksana1"], item)
    w.return_item(ids["kabid1"], item, "Lengkapi lokasi kegiatan")
    assert w.get_item(item)["state"] == "returned"
    w.revise(ids["pelaksana1"], item, body="Isi yang diperbaiki dengan lokasi Aula Kantor Gubernur.")
    w.submit(ids["pelaksana1"], item)
    w.approve(ids["kabid1"], item)
    w.return_item(ids["sekretaris1"], item, "Ringkasan terlalu panjang")
    assert w.get_item(item)["state"] == "review_kabid"
    w.approve(ids["kabid1"], item)
    w.approve(ids["sekretaris1"], item)
    w.return_item(ids["kadis1"], item, "Sebutkan kuota peserta")
    assert w.get_item(item)["state"] == "review_kabid"
    w.approve(ids["kabid1"], item)
    w.approve(ids["sekretaris1"], item)
    number = w.approve(ids["kadis1"], item)

    shown = w.get_item(item)
    assert shown["state"] == "approved"
    assert re.fullmatch(r"001/PENG/DISKOMINFO/[IVX]+/\d{4}", number) and shown["number"] == number
    assert sorted(d["channel"] for d in shown["deliveries"]) == ["print", "radio", "videotron", "web"]
    assert {d["state"] for d in shown["deliveries"]} == {"pending"}
    decisions = [(s["step"], s["decision"]) for s in shown["steps"]]
    assert decisions.count(("review_kabid", "returned")) == 1
    assert ("review_sekretaris", "returned") in decisions and ("review_kadis", "returned") in decisions
    assert all(s["sla_met"] is True for s in shown["steps"] if s["decided_at"])
    assert shown["steps"][-1]["step"] == "dissemination" and shown["steps"][-1]["decided_at"] is None
    # the original author was told of every return, including those addressed to Kabid
    notes = [e["message"] for e in w.inbox(ids["pelaksana1"]) if e["kind"] == "returned"]
    assert len(notes) == 3 and any("kuota peserta" in n for n in notes)
    with w.read() as s:
        rows = s.execute(select(OutboxRow).where(OutboxRow.announcement_id == item)).scalars().all()
    assert len(rows) == 4 and all('"sig":"' in r.payload and r.published_at is None for r in rows)


def test_numbers_follow_the_year_sequence(warta):
    w = warta
    numbers = []
    for key in ("renstra", "cpns", "banjir"):
        item = draft(w, key)
        to_state(w, item, "approved")
        numbers.append(w.get_item(item)["number"])
    assert [n.split("/")[0] for n in numbers] == ["001", "002", "003"]
    assert w.next_number().startswith("004/")


def test_serta_merta_carries_top_priority(warta):
    item = draft(warta, "banjir")
    to_state(warta, item, "approved")
    with warta.read() as s:
        prios = set(s.execute(select(OutboxRow.priority).where(OutboxRow.announcement_id == item)).scalars())
    assert prios == {9}


def test_reviewer_who_edited_cannot_approve_own_revision(warta):
    w, ids = warta, warta.ids
    item = draft(w)
    to_state(w, item, "review_kabid")
    w.revise(ids["kabid1"], item, title="Judul yang dirapikan oleh Kabid")
    before = fingerprint(w)
    with pytest.raises(Refused, match="tidak boleh menyetujui revisi yang Anda susun sendiri"):
        w.approve(ids["kabid1"], item)
    assert fingerprint(w) == before
    w.return_item(ids["kabid1"], item, "Periksa judul baru")  # returning stays possible
    assert w.get_item(item)["state"] == "returned"


def test_diff_since_the_revision_the_reviewer_last_saw(warta):
    w, ids = warta, warta.ids
    item = draft(w)
    to_state(w, item, "review_kabid")
    w.return_item(ids["kabid1"], item, "Ubah judul")
    w.revise(ids["pelaksana1"], item, title="Judul Baru Sosialisasi Renstra")
    w.submit(ids["pelaksana1"], item)
    diff = w.diff_since_seen(ids["kabid1"], item)
    assert diff["from_revision"] == 1 and diff["to_revision"] == 2
    assert "+Judul: Judul Baru Sosialisasi Renstra" in diff["diff"]
    assert any(line.startswith("-Judul: Sosialisasi Rencana Strategis") for line in diff["diff"])


def test_revoke_reaches_every_channel_sent_to(warta):
    w, ids = warta, warta.ids
    item = draft(w, "lk-audited")
    to_state(w, item, "approved")
    w.revoke(ids["kadis1"], item, "Data realisasi keliru")
    shown = w.get_item(item)
    assert shown["state"] == "revoked" and shown["revoked_reason"] == "Data realisasi keliru"
    assert {d["kind"] for d in shown["deliveries"]} == {"revoke"}
    with w.read() as s:
        kinds = [r.kind for r in s.execute(select(OutboxRow).where(OutboxRow.announcement_id == item)).scalars()]
    assert sorted(kinds) == ["publish"] * 3 + ["revoke"] * 3


def test_correction_goes_through_the_chain_and_only_to_channels_that_received(warta):
    w, ids = warta, warta.ids
    orig = draft(w, "cpns")
    to_state(w, orig, "approved")
    with w.tx() as s:  # as the archiver would record it: only web and radio confirmed
        from shared.models import Delivery
        for d in s.execute(select(Delivery).where(Delivery.announcement_id == orig)).scalars():
            d.state = "confirmed" if d.channel in ("web", "radio") else "failed"
    fix = w.revise(ids["pelaksana1"], orig, body="Pendaftaran diperpanjang sampai 20 Desember 2026.")
    assert fix != orig
    corr = w.get_item(fix)
    assert corr["state"] == "draft" and corr["corrects_id"] == orig and corr["key"] == w.get_item(orig)["key"]
    assert w.get_item(orig)["state"] == "approved"  # the original stays immutable
    to_state(w, fix, "approved")
    shown = w.get_item(fix)
    assert sorted(d["channel"] for d in shown["deliveries"]) == ["radio", "web"]
    assert {d["kind"] for d in shown["deliveries"]} == {"update"}


def test_disposition_reaches_the_pelaksana(warta):
    w, ids = warta, warta.ids
    disp = w.assign(ids["kabid1"], "pelaksana1", "Susun pengumuman jadwal CPNS hari ini")
    assert any(d["id"] == disp and not d["done"] for d in w.dispositions_for(ids["pelaksana1"]))
    assert any(e["kind"] == "assigned" for e in w.inbox(ids["pelaksana1"]))
    item = w.create_item(ids["pelaksana1"], title="Jadwal CPNS", body="Isi", klasifikasi="berkala",
                         sasaran="masyarakat", channels="web", disposition_id=disp)
    assert w.get_item(item)["state"] == "draft"
    assert all(d["done"] for d in w.dispositions_for(ids["pelaksana1"]) if d["id"] == disp)


def test_exempt_items_are_readable_only_by_kadis_ppid_and_author(warta):
    w, ids = warta, warta.ids
    item = w.create_item(ids["pelaksana1"], title="Hasil audit internal", body="Rahasia",
                         klasifikasi="dikecualikan", sasaran="pimpinan", channels=[])
    for reader in ("kadis1", "ppid1", "pelaksana1"):
        assert w.get_item(item, ids[reader])["title"] == "Hasil audit internal"
    for other in ("kabid1", "sekretaris1", "admin"):
        with pytest.raises(Refused, match="hanya dapat dibaca oleh Kepala Dinas dan PPID"):
            w.get_item(item, ids[other])
        assert all(r["id"] != item for r in w.list_items(ids[other]))
    with pytest.raises(WartaError, match="tidak diumumkan"):
        w.submit(ids["pelaksana1"], item)


def test_public_url_is_the_web_page_and_a_correction_keeps_it(warta, monkeypatch):
    import json

    from channels.web.pages import item_url
    from shared.config import get_settings
    from shared.services import Warta

    monkeypatch.setenv("WARTA_PUBLIC_URL", "https://ppid.example.go.id")
    w = Warta(get_settings())
    w.ids = warta.ids
    orig = draft(w, "cpns")
    to_state(w, orig, "approved")
    with w.tx() as s:
        from shared.models import Delivery
        for d in s.execute(select(Delivery).where(Delivery.announcement_id == orig)).scalars():
            d.state = "confirmed"
    fix = w.correct(w.ids["pelaksana1"], orig, title="Ralat Jadwal Seleksi CPNS")
    to_state(w, fix, "approved")
    with w.read() as s:
        urls = {r.announcement_id: json.loads(r.payload)["announcement"]["public_url"]
                for r in s.execute(select(OutboxRow)).scalars()}
    first = w.get_item(orig)
    assert urls[orig] == item_url("https://ppid.example.go.id", first["number"], first["title"])
    assert urls[fix] == urls[orig]
