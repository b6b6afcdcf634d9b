"""Per-announcement records of the PPID SOP (002): the tanda terima (receipt) given when a draft is
handed in for review, and the kartu kontrol (control card): one A4 page with the whole timeline of
an announcement, each step marked against its SLA target, and its deliveries.

Both take the dict :meth:`shared.services.queries.Queries.get_item` returns, enriched by the records service
with ``author_nip``, ``unit`` and the like (see :mod:`shared.services.records`)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from shared.config import AgencyProfile
from shared.errors import Refused
from shared.records.pdf import OfficialPdf, Signer
from shared.records.report import duration_text
from shared.timefmt import datetime_id, short_id, utcnow
from shared.vocab import (Channel, Decision, DeliveryState, Kind, Klasifikasi, Sasaran, State, Step,
                          label_of)


def _word(vocab: type[StrEnum], value: str | None) -> str:
    """``value`` in the Indonesian of the card (an official document), '-' for nothing."""
    return label_of(vocab, value, document=True) or "-"


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _when(value: str) -> datetime:
    """A time the card's data always holds (ISO text)."""
    return datetime.fromisoformat(value)


def sla_mark(step: dict, now: datetime | None = None) -> str:
    """'Tepat waktu', 'TERLAMBAT', 'Berjalan' or 'Berjalan, lewat batas' for one step."""
    if step["sla_met"] is True:
        return "Tepat waktu"
    if step["sla_met"] is False:
        return "TERLAMBAT"
    due = _dt(step["due_at"])
    return "Berjalan, lewat batas" if due and (now or utcnow()) > due else "Berjalan"


def text_fingerprint(rev: dict) -> str:
    """sha256 of the texts handed in, so the receipt proves which version was received."""
    material = "\n".join([rev["title"], rev.get("summary") or "", rev["body"]])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def handed_in(item: dict, submission: dict) -> dict:
    """The revision a submission handed in: the newest one written before it."""
    revs = [r for r in item.get("revisions", []) if r["created_at"] <= submission["decided_at"]]
    if revs:
        return revs[-1]
    return {"number": item["revision"], "title": item["title"], "summary": item.get("summary"),
            "body": item["body"]}


def _version_text(item: dict) -> str:
    """'2 (ralat atas 001/..., versi 1)', '1', or '(belum terbit)' with what a ralat corrects."""
    text = str(item["version"]) if item.get("version") else "(belum terbit)"
    corrects = item.get("corrects")
    if corrects:
        text += f" (ralat atas {corrects['number']}, versi {corrects['version']})"
    return text


def _identity(item: dict) -> list[tuple[str, object]]:
    klas = _word(Klasifikasi, item["klasifikasi"])
    return [("Nomor pengumuman", item.get("number") or "(belum bernomor)"),
            ("Versi / status publik",
             f"{_version_text(item)} / {item.get('public_state_label') or '-'}"),
            ("Judul", item["title"]),
            ("Klasifikasi / sasaran", f"{klas} / {_word(Sasaran, item['sasaran'])}"),
            ("Kanal", ", ".join(_word(Channel, c) for c in item["channels"]) or "-"),
            ("Penyusun", item["author_name"])]


def receipt_pdf(item: dict, profile: AgencyProfile, tz: str, path: Path,
                revision: int | None = None) -> Path:
    """The tanda terima of a draft's submission (the latest, or that of ``revision``)."""
    subs = [(st, handed_in(item, st)) for st in item["steps"] if st["decision"] == Decision.SUBMITTED]
    if not subs:
        raise Refused("Pengumuman #{id} belum pernah diajukan untuk diperiksa; tanda terima dibuat "
                      "saat draf diajukan", id=item["id"])
    if revision is not None:
        subs = [(st, rev) for st, rev in subs if rev["number"] == revision]
        if not subs:
            raise Refused("Revisi {rev} pengumuman #{id} tidak pernah diajukan", rev=revision,
                          id=item["id"])
    sub, rev = subs[-1]
    submitted = _dt(sub["decided_at"])
    review = next((st for st in item["steps"] if st["step"] == Step.REVIEW_KABID
                   and st["started_at"] >= sub["decided_at"]), None)
    no = f"TT-{item['id']:05d}-R{rev['number']}"
    pdf = OfficialPdf(profile, tz, doc_label=f"Tanda Terima {no}")
    pdf.letterhead()
    pdf.title_block("Tanda Terima", "Penyerahan Draf Pengumuman untuk Pemeriksaan", f"Nomor: {no}")
    pdf.paragraph("Telah diterima draf pengumuman informasi publik untuk diperiksa sesuai SOP "
                  "Pengumuman Informasi Publik, dengan rincian sebagai berikut:")
    pdf.ln(2)
    klas = _word(Klasifikasi, item["klasifikasi"])
    pdf.fields([("Judul", rev["title"]),
                ("Revisi ke", rev["number"]),
                ("Klasifikasi", klas),
                ("Sasaran", _word(Sasaran, item["sasaran"])),
                ("Kanal yang diusulkan", ", ".join(_word(Channel, c) for c in item["channels"])),
                ("Diserahkan oleh", f"{item['author_name']} (Pelaksana)"),
                ("Diserahkan pada", datetime_id(submitted, tz) if submitted else "-"),
                ("Diteruskan kepada", "Kabid/Kasubag untuk pemeriksaan"),
                ("Batas waktu pemeriksaan",
                 datetime_id(_when(review["due_at"]), tz) if review else "-")])
    pdf.fields([("Sidik jari naskah (SHA-256)", text_fingerprint(rev))], size=8)
    pdf.ln(2)
    pdf.paragraph("Tanda terima ini merupakan bukti penyerahan, bukan persetujuan isi pengumuman. "
                  "Sidik jari naskah menandai versi yang diserahkan.", 8.5)
    receiver = review.get("actor_name") if review else None
    pdf.signatures([Signer("Yang menyerahkan,\nPelaksana", item["author_name"], item.get("author_nip", "")),
                    Signer("Yang menerima,\nKabid/Kasubag", receiver or "(.................................)",
                           review.get("actor_nip", "") if review else "")], when=submitted)
    return pdf.to_file(path)


def card_pdf(item: dict, profile: AgencyProfile, tz: str, path: Path, ppid: Signer,
             now: datetime | None = None) -> Path:
    """The kartu kontrol: identity, every step with its SLA mark, deliveries; one A4 page."""
    now = now or utcnow()
    pdf = OfficialPdf(profile, tz, doc_label=f"Kartu Kontrol Pengumuman #{item['id']}")
    pdf.set_auto_page_break(True, margin=14)
    pdf.letterhead()
    pdf.title_block("Kartu Kontrol Pengumuman",
                    f"Status: {_word(State, item['state'])}")
    pdf.fields(_identity(item), label_width=42, size=9)
    pdf.heading("Riwayat Tahapan dan Waktu Layanan")
    rows = []
    late = 0
    for no, st in enumerate(item["steps"], 1):
        start, due, done = _dt(st["started_at"]), _dt(st["due_at"]), _dt(st["decided_at"])
        took = ((done or now) - start).total_seconds() / 60 if start else None
        target = (due - start).total_seconds() / 60 if due and start else None
        mark = sla_mark(st, now)
        late += mark.startswith("TERLAMBAT") or mark.endswith("lewat batas")
        # the dissemination step's end is what happened then ("Terkirim"), not a state: a later
        # pencabutan withdraws what was sent
        decision = _word(Decision, st["decision"])
        note = (st["note"] or "").replace("\n", " ")
        if note:
            decision += f": {note[:90]}{'...' if len(note) > 90 else ''}"
        rows.append((str(no), f"{_word(Step, st['step'])} (rev. {st['revision']})",
                     short_id(start, tz) if start else "-", short_id(done, tz) if done else "-",
                     f"{duration_text(took)} / {duration_text(target)}", st["actor_name"] or "-",
                     decision, mark))
    pdf.grid(("No", "Tahap", "Mulai", "Selesai", "Waktu / target", "Pelaksana", "Keputusan",
              "SLA"), rows, (7, 30, 22, 22, 25, 24, 24, 20), size=7,
             align=("C", "L", "C", "C", "C", "L", "L", "C"))
    pdf.font(8.5)
    met = sum(1 for st in item["steps"] if st["sla_met"] is True)
    pdf.paragraph(f"Tahap tepat waktu: {met} dari {len(item['steps'])}; terlambat atau lewat batas: "
                  f"{late}.", 8.5)
    history = item.get("history") or []
    with_history = len(history) > 1 or bool(item.get("revoked_at"))
    if item["deliveries"] and not with_history:  # else the history lists them with the others
        pdf.heading("Penyebarluasan per Kanal")
        pdf.grid(("Kanal", "Jenis", "Status", "Percobaan", "Terkonfirmasi", "SHA-256 bukti"),
                 [(_word(Channel, d["channel"]), _word(Kind, d["kind"]),
                   _word(DeliveryState, d["state"]), str(d["attempts"]),
                   short_id(_when(d["confirmed_at"]), tz) if d["confirmed_at"] else "-",
                   (d["sha256"] or "-")[:16]) for d in item["deliveries"]],
                 (34, 16, 30, 18, 32, 44), size=7.5, align=("L", "L", "L", "C", "C", "L"))
    if with_history:
        _history(pdf, item, history)
    if item.get("revoked_at"):
        pdf.paragraph(f"Dicabut pada {datetime_id(_when(item['revoked_at']), tz)}: "
                      f"{(item.get('revoked_reason') or '').rstrip('.')}. Pencabutan berlaku untuk "
                      "pengumuman ini beserta semua versinya.", 8.5)
    pdf.signatures([Signer("Pejabat Pengelola Informasi\ndan Dokumentasi (PPID)", ppid.name, ppid.nip)],
                   when=now)
    return pdf.to_file(path)


def _in_month(folder: str) -> str:
    """A proof folder without its ``YYYY/MM/`` prefix (the month of the confirmation, shown in
    the row), so the row stays one line."""
    parts = folder.split("/", 2)
    return parts[2] if len(parts) == 3 else folder


def _history(pdf: OfficialPdf, item: dict, history: list[dict]) -> None:
    """Every version of the announcement with its public state and, per channel, the state and
    the proof (sha256 of the manifest, its folder) of each delivery, the pencabutan's included;
    » marks the version this card is about."""
    pdf.heading("Riwayat Versi dan Bukti per Kanal")
    pdf.fields([(("» " if v["id"] == item["id"] else "") + f"Versi {v['version']}",
                 " · ".join(part for part in (
                     v["number"], v["public_state_label"],
                     f"ralat atas {v['corrects_number']}" if v["corrects_number"] else "",
                     f"disetujui {v['approved_short'] or '-'}") if part))
                for v in history], label_width=20, size=7.5)
    rows = [(("» " if v["id"] == item["id"] else "") + str(v["version"]), d["kind_label"],
             d["channel_label"], d["state_label"], str(d["attempts"]), d["confirmed_short"] or "-",
             d["sha256"][:16] or "-", _in_month(d["proof_dir"]) or "-")
            for v in history for d in v["deliveries"]]
    if rows:
        pdf.grid(("Versi", "Jenis", "Kanal", "Status", "Coba", "Terkonfirmasi", "SHA-256 manifest",
                  "Folder bukti (dalam TTTT/BB konfirmasi)"), rows,
                 (10, 15, 14, 25, 9, 21, 24, 56), size=6.5,
                 align=("C", "L", "L", "L", "C", "C", "L", "L"))
