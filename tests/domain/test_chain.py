"""The review chain of the Kalbar SOP through the service layer, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from shared.errors import Refused, WartaError
from shared.models import OutboxRow
from tests.domain.helpers import draft, fingerprint, to_state


def test_full_chain_with_a_return_at_each_level(warta):
    w, ids = warta, warta.ids
    item = draft(w)
    w.review.submit(ids["pelaksana1"], item)
    w.review.return_item(ids["kabid1"], item, "Lengkapi lokasi kegiatan")
    assert w.queries.get_item(item)["state"] == "returned"
    w.drafting.revise(ids["pelaksana1"], item, body="Isi yang diperbaiki dengan lokasi Aula Kantor Gubernur.")
    w.review.submit(ids["pelaksana1"], item)
    w.review.approve(ids["kabid1"], item)
    w.review.return_item(ids["sekretaris1"], item, "Ringkasan terlalu panjang")
    assert w.queries.get_item(item)["state"] == "review_kabid"
    w.review.approve(ids["kabid1"], item)
    w.review.approve(ids["sekretaris1"], item)
    w.review.return_item(ids["kadis1"], item, "Sebutkan kuota peserta")
    assert w.queries.get_item(item)["state"] == "review_kabid"
    w.review.approve(ids["kabid1"], item)
    w.review.approve(ids["sekretaris1"], item)
    number = w.review.approve(ids["kadis1"], item)

    shown = w.queries.get_item(item)
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
    notes = [e["message"] for e in w.queries.inbox(ids["pelaksana1"]) if e["kind"] == "returned"]
    assert len(notes) == 3 and any("kuota peserta" in n for n in notes)
    with w.ctx.read() as s:
        rows = s.execute(select(OutboxRow).where(OutboxRow.announcement_id == item)).scalars().all()
    assert len(rows) == 4 and all('"sig":"' in r.payload and r.published_at is None for r in rows)


def test_numbers_follow_the_year_sequence(warta):
    w = warta
    numbers = []
    for key in ("renstra", "cpns", "banjir"):
        item = draft(w, key)
        to_state(w, item, "approved")
        numbers.append(w.queries.get_item(item)["number"])
    assert [n.split("/")[0] for n in numbers] == ["001", "002", "003"]
    assert w.queries.next_number().startswith("004/")


def test_serta_merta_carries_top_priority(warta):
    item = draft(warta, "banjir")
    to_state(warta, item, "approved")
    with warta.ctx.read() as s:
        prios = set(s.execute(select(OutboxRow.priority).where(OutboxRow.announcement_id == item)).scalars())
    assert prios == {9}


def test_reviewer_who_edited_cannot_approve_own_revision(warta):
    w, ids = warta, warta.ids
    item = draft(w)
    to_state(w, item, "review_kabid")
    w.drafting.revise(ids["kabid1"], item, title="Judul yang dirapikan oleh Kabid")
    before = fingerprint(w)
    with pytest.raises(Refused, match="ikut menyusun isinya"):
        w.review.approve(ids["kabid1"], item)
    assert fingerprint(w) == before
    w.review.return_item(ids["kabid1"], item, "Periksa judul baru")  # returning stays possible
    assert w.queries.get_item(item)["state"] == "returned"


def test_a_reviewer_who_rewrote_the_text_cannot_approve_after_anothers_revision(warta):
    """Separation of duties across every revision (issue #18): the Pelaksana drafts, the Kabid
    rewrites the body, the Pelaksana makes a one-field revision — the Kabid's approval is still
    refused, saying why; another Kabid, who wrote none of it, approves."""
    w, ids = warta, warta.ids
    item = draft(w)
    to_state(w, item, "review_kabid")
    w.drafting.revise(ids["kabid1"], item, body="Isi yang ditulis ulang seluruhnya oleh Kabid.")
    w.review.return_item(ids["kabid1"], item, "Mohon periksa isi yang saya tulis ulang")
    w.drafting.revise(ids["pelaksana1"], item, title="Sosialisasi Renstra 2026")
    w.review.submit(ids["pelaksana1"], item)
    assert w.queries.get_item(item)["revision"] == 3
    before = fingerprint(w)
    with pytest.raises(Refused) as refused:
        w.review.approve(ids["kabid1"], item)
    assert str(refused.value) == (
        "Anda tidak boleh menyetujui pengumuman ini karena ikut menyusun isinya (revisi 2); "
        "pemisahan tugas: persetujuan tahap ini diberikan oleh Kabid/Kasubag lain yang tidak "
        "menyusunnya")
    assert fingerprint(w) == before
    other = w.users.add_user("kabid2", "kabid", "Kabid Kedua", "sandi-kabid-dua",
                             actor_id=ids["admin"])
    w.review.approve(other, item)
    assert w.queries.get_item(item)["state"] == "review_sekretaris"


def test_a_reviewer_who_revised_at_any_level_approves_at_none(warta):
    """The Sekretaris who revised the text is refused at their own level after the text went back
    to the Kabid and came up again, approved by a Kabid who wrote none of it."""
    w, ids = warta, warta.ids
    item = draft(w)
    to_state(w, item, "review_sekretaris")
    w.drafting.revise(ids["sekretaris1"], item, summary="Ringkasan yang dirapikan Sekretaris.")
    w.review.return_item(ids["sekretaris1"], item, "Kabid, mohon periksa ringkasannya")
    w.review.approve(ids["kabid1"], item)
    before = fingerprint(w)
    with pytest.raises(Refused, match=r"ikut menyusun isinya \(revisi 2\).*oleh Sekretaris lain"):
        w.review.approve(ids["sekretaris1"], item)
    assert fingerprint(w) == before


def test_diff_since_the_revision_the_reviewer_last_saw(warta):
    w, ids = warta, warta.ids
    item = draft(w)
    to_state(w, item, "review_kabid")
    w.review.return_item(ids["kabid1"], item, "Ubah judul")
    w.drafting.revise(ids["pelaksana1"], item, title="Judul Baru Sosialisasi Renstra")
    w.review.submit(ids["pelaksana1"], item)
    diff = w.queries.diff_since_seen(ids["kabid1"], item)
    assert diff["from_revision"] == 1 and diff["to_revision"] == 2
    assert "+Judul: Judul Baru Sosialisasi Renstra" in diff["diff"]
    assert any(line.startswith("-Judul: Sosialisasi Rencana Strategis") for line in diff["diff"])


def test_revoke_reaches_every_channel_sent_to(warta):
    w, ids = warta, warta.ids
    item = draft(w, "lk-audited")
    to_state(w, item, "approved")
    w.review.revoke(ids["kadis1"], item, "Data realisasi keliru")
    shown = w.queries.get_item(item)
    assert shown["state"] == "revoked" and shown["revoked_reason"] == "Data realisasi keliru"
    # the revocation has deliveries of its own; the publication's (and their proof) stay
    kinds = sorted(d["kind"] for d in shown["deliveries"])
    assert kinds == ["publish"] * 3 + ["revoke"] * 3
    assert shown["revoked_version"] == 2 and shown["public_state"] == "revoked"
    with w.ctx.read() as s:
        kinds = [r.kind for r in s.execute(
            select(OutboxRow).where(OutboxRow.announcement_id == item)).scalars()]
    assert sorted(kinds) == ["publish"] * 3 + ["revoke"] * 3


def test_correction_goes_through_the_chain_to_every_channel_an_earlier_version_went_to(warta):
    w, ids = warta, warta.ids
    orig = draft(w, "cpns")
    to_state(w, orig, "approved")
    with w.ctx.tx() as s:  # as the archiver would record it: print has not confirmed (yet)
        from shared.models import Delivery
        for d in s.execute(select(Delivery).where(Delivery.announcement_id == orig)).scalars():
            d.state = "confirmed" if d.channel in ("web", "radio") else "retrying"
    fix = w.drafting.revise(ids["pelaksana1"], orig, body="Pendaftaran diperpanjang sampai 20 Desember 2026.")
    assert fix != orig
    corr = w.queries.get_item(fix)
    assert corr["state"] == "draft" and corr["corrects_id"] == orig
    assert corr["key"] == w.queries.get_item(orig)["key"]
    first = w.queries.get_item(orig)
    assert corr["corrects"] == {"id": orig, "number": first["number"], "version": 1,
                                "title": first["title"]}
    assert first["state"] == "approved" and first["version"] == 1  # the original stays immutable
    to_state(w, fix, "approved")
    shown = w.queries.get_item(fix)
    # a channel still delivering version 1 gets version 2 too: it must not keep the old text
    assert sorted(d["channel"] for d in shown["deliveries"]) == sorted(first["channels"])
    assert {d["kind"] for d in shown["deliveries"]} == {"update"}
    assert shown["version"] == 2 and shown["public_state"] == "current"
    assert [(v["version"], v["public_state"]) for v in shown["versions"]] == [(1, "superseded"),
                                                                             (2, "current")]


def test_a_correction_may_not_drop_a_channel_that_carries_an_earlier_version(warta):
    w, ids = warta, warta.ids
    orig = draft(w, "cpns")
    to_state(w, orig, "approved")
    channels = w.queries.get_item(orig)["channels"]
    fix = w.drafting.correct(ids["pelaksana1"], orig, channels=[channels[0]])
    with pytest.raises(Refused, match="semua kanal yang sudah menerima versi sebelumnya"):
        w.review.submit(ids["pelaksana1"], fix)


def test_versions_number_the_history_and_a_ralat_always_corrects_the_newest(warta):
    w, ids = warta, warta.ids
    orig = draft(w, "cpns")
    to_state(w, orig, "approved")
    v2 = w.drafting.correct(ids["pelaksana1"], orig, body="Versi kedua.")
    with pytest.raises(Refused, match="sedang disusun atau diperiksa"):
        w.drafting.correct(ids["pelaksana1"], orig, body="Ralat kedua bersamaan.")
    to_state(w, v2, "approved")
    v3 = w.drafting.correct(ids["pelaksana1"], orig, body="Versi ketiga.")  # chosen: v1; corrects: v2
    assert w.queries.get_item(v3)["corrects"]["id"] == v2
    to_state(w, v3, "approved")
    shown = w.queries.get_item(orig)
    assert [(v["id"], v["version"]) for v in shown["versions"]] == [(orig, 1), (v2, 2), (v3, 3)]
    assert [v["public_state"] for v in shown["versions"]] == ["superseded", "superseded", "current"]
    with w.ctx.read() as s:
        snap = json.loads(s.execute(select(OutboxRow.payload).where(OutboxRow.announcement_id == v3)
                                    ).scalars().first())["announcement"]
    assert snap["version"] == 3 and snap["corrects_number"] == w.queries.get_item(v2)["number"]
    assert [h["version"] for h in snap["history"]] == [1, 2, 3]
    assert snap["history"][2]["changes"] == ["Isi"]
    assert snap["page"] == json.loads(_payload(w, orig))["announcement"]["page"]


def test_revoking_any_version_revokes_the_announcement_everywhere_it_went(warta):
    w, ids = warta, warta.ids
    orig = draft(w, "cpns")
    to_state(w, orig, "approved")
    v2 = w.drafting.correct(ids["pelaksana1"], orig, body="Versi kedua.")
    to_state(w, v2, "approved")
    w.review.revoke(ids["kadis1"], orig, "Seleksi dibatalkan")  # the OLD version's id
    for item in (orig, v2):
        assert w.queries.get_item(item)["state"] == "revoked"
    shown = w.queries.get_item(v2)
    revokes = [d for d in shown["deliveries"] if d["kind"] == "revoke"]
    assert sorted(d["channel"] for d in revokes) == sorted(w.queries.get_item(orig)["channels"])
    assert shown["revoked_version"] == 3
    with w.ctx.read() as s:
        payload = s.execute(select(OutboxRow.payload).where(OutboxRow.announcement_id == v2,
                                                            OutboxRow.kind == "revoke")).scalars().first()
    snap = json.loads(payload)["announcement"]
    assert snap["version"] == 3 and [h["kind"] for h in snap["history"]] == ["publish", "ralat", "revoke"]
    with pytest.raises(Refused):
        w.drafting.correct(ids["pelaksana1"], v2, body="Terlambat.")


def test_a_ralat_of_a_revoked_announcement_is_not_approved(warta):
    w, ids = warta, warta.ids
    orig = draft(w, "cpns")
    to_state(w, orig, "approved")
    fix = w.drafting.correct(ids["pelaksana1"], orig, body="Ralat yang terlambat.")
    to_state(w, fix, "review_kadis")
    w.review.revoke(ids["kadis1"], orig, "Dibatalkan")
    with pytest.raises(Refused, match="sudah dicabut"):
        w.review.approve(ids["kadis1"], fix)


def _payload(w, item_id):
    with w.ctx.read() as s:
        return s.execute(select(OutboxRow.payload).where(OutboxRow.announcement_id == item_id)
                         ).scalars().first()


def test_disposition_reaches_the_pelaksana(warta):
    w, ids = warta, warta.ids
    disp = w.drafting.assign(ids["kabid1"], "pelaksana1", "Susun pengumuman jadwal CPNS hari ini")
    assert any(d["id"] == disp and not d["done"] for d in w.queries.dispositions_for(ids["pelaksana1"]))
    assert any(e["kind"] == "assigned" for e in w.queries.inbox(ids["pelaksana1"]))
    item = w.drafting.create_item(ids["pelaksana1"], title="Jadwal CPNS", body="Isi", klasifikasi="berkala",
                                  sasaran="masyarakat", channels="web", disposition_id=disp)
    assert w.queries.get_item(item)["state"] == "draft"
    assert all(d["done"] for d in w.queries.dispositions_for(ids["pelaksana1"]) if d["id"] == disp)


def test_exempt_items_are_readable_only_by_kadis_ppid_and_author(warta):
    w, ids = warta, warta.ids
    item = w.drafting.create_item(ids["pelaksana1"], title="Hasil audit internal", body="Rahasia",
                                  klasifikasi="dikecualikan", sasaran="pimpinan", channels=[])
    for reader in ("kadis1", "ppid1", "pelaksana1"):
        assert w.queries.get_item(item, ids[reader])["title"] == "Hasil audit internal"
    for other in ("kabid1", "sekretaris1", "admin"):
        with pytest.raises(Refused, match="hanya dapat dibaca oleh Kepala Dinas dan PPID"):
            w.queries.get_item(item, ids[other])
        assert all(r["id"] != item for r in w.queries.list_items(ids[other]))
    with pytest.raises(WartaError, match="tidak diumumkan"):
        w.review.submit(ids["pelaksana1"], item)


def test_public_url_is_the_web_page_and_a_correction_keeps_it(warta, monkeypatch):
    import json

    from channels.web.pages import item_url
    from shared.config import get_settings
    from shared.services.root import Services

    monkeypatch.setenv("WARTA_PUBLIC_URL", "https://ppid.example.go.id")
    w = Services.build(get_settings())
    w.ids = warta.ids
    orig = draft(w, "cpns")
    to_state(w, orig, "approved")
    with w.ctx.tx() as s:
        from shared.models import Delivery
        for d in s.execute(select(Delivery).where(Delivery.announcement_id == orig)).scalars():
            d.state = "confirmed"
    fix = w.drafting.correct(w.ids["pelaksana1"], orig, title="Ralat Jadwal Seleksi CPNS")
    to_state(w, fix, "approved")
    with w.ctx.read() as s:
        urls = {r.announcement_id: json.loads(r.payload)["announcement"]["public_url"]
                for r in s.execute(select(OutboxRow)).scalars()}
    first = w.queries.get_item(orig)
    assert urls[orig] == item_url("https://ppid.example.go.id", first["number"], first["title"])
    assert urls[fix] == urls[orig]
