"""Records follow the announcement's history: the control card and the monthly report list every
version (the original and each ralat) with what it corrects, its public state now, and per channel
the state and proof of every delivery, the pencabutan's included; superseded deliveries are
settled, failures are the ``retrying`` ones the backbone writes."""

from __future__ import annotations

import hashlib
import json

from openpyxl import load_workbook

from shared.messages import Outcome
from shared.records import month_of
from shared.timefmt import utcnow
from tests.records.conftest import pdf_text
from tests.records.history import CHANNELS, Recorder, History, approve_through_chain, build

STALE_WORDS = ("Tersebar", "Telah disebarkan", "Gagal, dicoba ulang", "Belum terbit", "Menunggu")
"""What must not be said of a revoked history whose every delivery settled."""


def _this_month(w) -> str:  # noqa: ANN001
    return month_of(utcnow(), w.ctx.tz)


def _deliveries(w, ids):  # noqa: ANN001, ANN202
    return [(i, d) for i in ids for d in w.queries.get_item(i)["deliveries"]]


def test_the_history_is_recorded_through_the_real_receipts(month):
    w = month.w
    h = build(w, month.users)
    assert h.results == ["applied"] * 8
    states = {(i, d["channel"], d["kind"]): d["state"] for i, d in _deliveries(w, h.ids)}
    v1, v2, v3 = h.ids
    assert states[(v2, "radio", "update")] == "superseded"
    assert states[(v1, "web", "publish")] == "confirmed"  # the publication keeps its proof
    assert states[(v3, "web", "revoke")] == "revoked"
    assert {w.queries.get_item(i)["state"] for i in h.ids} == {"revoked"}


def test_control_card_lists_every_version_with_its_proofs(month, cli, tmp_path):
    w = month.w
    h = build(w, month.users)
    v1, v2, v3 = h.ids
    out = tmp_path / "kartu.pdf"
    res = cli(["item", "card", v1, "--output", out])  # the ORIGINAL, revoked through a ralat
    assert res.exit_code == 0, res.output
    text = pdf_text(out)
    flat = text.replace(" ", "")
    assert "Status: Dicabut" in text
    assert "RiwayatVersidanBuktiperKanal" in flat
    for n in h.numbers:
        assert n in flat
    assert f"Versi2:{h.numbers[1]}·Dicabut" in flat and f"ralatatas{h.numbers[0]}" in flat
    assert f"Versi3:{h.numbers[2]}·Dicabut" in flat and f"ralatatas{h.numbers[1]}" in flat
    assert text.count("Dicabut") >= 4  # the status and each of the three versions
    assert "Digantikan versi baru" in text and "Pencabutan terkonfirmasi" in text
    for _i, d in _deliveries(w, h.ids):
        if d["state"] in ("confirmed", "revoked"):
            assert d["sha256"][:16] in flat
    assert "/pencabutan/" in flat
    assert "beserta semua versinya" in text
    for word in STALE_WORDS:
        assert word not in text, word


def test_monthly_report_counts_revocation_proofs_and_settles_superseded(month):
    w = month.w
    h = build(w, month.users)
    r = w.reports.monthly_report(_this_month(w))
    t = r["totals"]
    assert (t["approved"], t["corrections"], t["revoked"], t["disseminated"]) == (3, 2, 3, 0)
    # v1: 2 publications; v2: 1 confirmed + 1 superseded; v3: 2 ralat + 2 pencabutan
    assert (t["deliveries"], t["confirmed"], t["revocations"], t["superseded"]) == (8, 7, 2, 1)
    assert (t["failed"], t["parked"], t["open"]) == (0, 0, 0)
    radio = next(c for c in r["channels"] if c["channel"] == "radio")
    assert (radio["total"], radio["confirmed"], radio["superseded"], radio["open"]) == (4, 3, 1, 0)
    rows = {it["id"]: it for it in r["items"]}
    assert [rows[i]["version_label"] for i in h.ids] == [
        "Versi 1", f"Versi 2, ralat atas {h.numbers[0]}", f"Versi 3, ralat atas {h.numbers[1]}"]
    assert {rows[i]["public_state_label"] for i in h.ids} == {"Dicabut"}
    assert all(rows[i]["proof_dir"] for i in h.ids)  # never "Bukti: -" for a revoked version
    assert rows[h.ids[2]]["revoked_channels"] == ["Radio", "Situs web"]


def test_monthly_report_documents_show_every_version_and_proof(month, cli, tmp_path):
    w = month.w
    h = build(w, month.users)
    pdf, xlsx = tmp_path / "laporan.pdf", tmp_path / "laporan.xlsx"
    for fmt, out in (("pdf", pdf), ("xlsx", xlsx)):
        res = cli(["report", "monthly", "--month", _this_month(w), "--format", fmt, "--output", out])
        assert res.exit_code == 0, res.output
    text = pdf_text(pdf)
    flat = text.replace(" ", "")
    assert "VII. Bukti per Versi dan Kanal" in text
    assert f"ralatatas{h.numbers[0]}" in flat and f"ralatatas{h.numbers[1]}" in flat
    assert "Digantikan versi baru" in text and "Pencabutan terkonfirmasi" in text
    assert "Radio4300100" in flat  # total, confirmed, failed, parked, superseded, open, retries
    for _i, d in _deliveries(w, h.ids):
        if d["sha256"]:
            assert d["sha256"] in flat
    for word in STALE_WORDS:
        assert word not in text, word

    wb = load_workbook(xlsx)
    items = list(wb["Pengumuman"].iter_rows(min_row=5, values_only=True))
    assert [(r[1], r[3], r[4]) for r in items] == [
        (h.numbers[0], "Versi 1", "Dicabut"),
        (h.numbers[1], f"Versi 2, ralat atas {h.numbers[0]}", "Dicabut"),
        (h.numbers[2], f"Versi 3, ralat atas {h.numbers[1]}", "Dicabut")]
    assert all(r[6] for r in items)  # proof folder of every version
    proofs = list(wb["Bukti"].iter_rows(min_row=5, values_only=True))
    assert len(proofs) == 8
    kinds = sorted((r[0], r[2], r[3], r[4]) for r in proofs)
    assert (h.numbers[1], "Ralat", "Radio", "Digantikan versi baru") in kinds
    assert (h.numbers[2], "Pencabutan", "Situs web", "Pencabutan terkonfirmasi") in kinds
    for number, _v, _k, _c, state, _at, digest, folder in proofs:
        if state == "Digantikan versi baru":
            assert not digest and not folder  # nothing reached the public: no proof
            continue
        manifest = month.archive / folder / "manifest.json"
        assert manifest.is_file(), folder
        assert hashlib.sha256(manifest.read_bytes()).hexdigest() == digest
        assert json.loads(manifest.read_text())["number"] == number
    kanal = {r[0]: r for r in wb["Kanal"].iter_rows(min_row=5, values_only=True)}
    assert kanal["Radio"][1:] == (4, 3, 0, 0, 1, 0, 0)


def test_before_the_revocation_versions_are_superseded_or_current(month, cli, tmp_path):
    w = month.w
    h = build(w, month.users, revoke=False)
    rows = {it["id"]: it for it in w.reports.monthly_report(_this_month(w))["items"]}
    assert [rows[i]["public_state_label"] for i in h.ids] == [
        f"Digantikan ralat {h.numbers[1]}", f"Digantikan ralat {h.numbers[2]}", "Berlaku"]
    out = tmp_path / "kartu.pdf"
    assert cli(["item", "card", h.ids[2], "--output", out]).exit_code == 0
    text = pdf_text(out)
    assert f"3 (ralat atas {h.numbers[1]}, versi 2) / Berlaku" in text.replace("\n", " ")
    assert text.count("Digantikan ralat") == 2 and "Dicabut" not in text


def test_failures_are_the_retrying_deliveries_and_superseded_is_done(month):
    w, u = month.w, month.users
    h = History()
    record = Recorder(w, h)
    item = w.drafting.create_item(u["pelaksana1"], title="Pemadaman Listrik Terjadwal", body="Pemadaman "
                                  "bergilir hari Kamis.", klasifikasi="berkala", sasaran="masyarakat",
                                  channels=CHANNELS)
    approve_through_chain(w, u, item)
    assert record(item, "web", "publish", Outcome.FAILED, reason="Disk penuh") == "applied"
    assert w.queries.get_item(item)["deliveries"][1]["state"] == "retrying"
    r = w.reports.monthly_report(_this_month(w))
    assert (r["totals"]["failed"], r["totals"]["open"]) == (1, 1)  # web failing, radio pending
    web = next(c for c in r["channels"] if c["channel"] == "web")
    assert (web["failed"], web["open"]) == (1, 0)
    assert [(f["state_label"], f["last_error"]) for f in r["failures"]] == [
        ("Gagal, dicoba ulang", "Disk penuh")]
    monitor = {c["channel"]: c for c in w.monitor.channel_status(u["ppid1"])}
    assert (monitor["web"]["failed"], monitor["web"]["pending"]) == (1, 0)

    built = build(w, u, revoke=False)  # adds a superseded radio delivery
    assert built.results.count("applied") == 6
    monitor = {c["channel"]: c for c in w.monitor.channel_status(u["ppid1"])}
    assert monitor["radio"]["pending"] == 1  # only the first item's radio: superseded is done
