"""The PPID's registers: the Daftar Informasi Publik (proposals from approved announcements, the
PPID's review, monthly establishment with an SK number, earlier versions) and the register of
exempt information (PPID and Kepala Dinas only). Documents are written by :mod:`shared.records`;
rules are enforced here."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from shared import audit
from shared.errors import InvalidInput, NotFound, Refused
from shared.i18n import N_
from shared.models import Announcement, DipEntry, DipEstablishment, ExemptEntry, User
from shared.records import dip, exempt, month_bounds, month_of, parse_month
from shared.records.access import ppid_signer, records_actor, require
from shared.records.pdf import Signer, title_id
from shared.services.context import Service, current_revision
from shared.timefmt import utcnow
from shared.vocab import DipStatus
from shared.classification import Sasaran
from shared.workflow import EXEMPT_READERS, Role, State

DIP_FIELDS = ("ringkasan", "pejabat_unit", "penanggung_jawab", "waktu_pembuatan",
              "tempat_pembuatan", "bentuk", "jangka_waktu", "jenis")


def _clean_dip_fields(fields: dict) -> dict:
    out = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    for name in ("ringkasan", "pejabat_unit", "penanggung_jawab", "waktu_pembuatan",
                 "tempat_pembuatan", "jangka_waktu"):
        if name in out and not out[name]:
            raise InvalidInput("Kolom DIP '{name}' wajib diisi", name=name)
    if "jenis" in out:
        out["jenis"] = dip.parse_jenis(out["jenis"])
    if "bentuk" in out:
        out["bentuk"] = dip.parse_bentuk(out["bentuk"])
    return out


def dip_register(s: Session, month: str) -> list[DipEntry]:
    """The register of a month: accepted rows added up to it and not withdrawn by then."""
    return list(s.execute(select(DipEntry).where(
        DipEntry.status == DipStatus.DITERIMA, DipEntry.month <= month,
        or_(DipEntry.withdrawn_month.is_(None), DipEntry.withdrawn_month > month))
        .order_by(DipEntry.month, DipEntry.id)).scalars())


class DipRegister(Service):
    """The Daftar Informasi Publik, month by month."""

    def propose_dip_entries(self, month: str, actor_id: int | None = None) -> int:
        """Turn the announcements approved in ``month`` into DIP proposals (``usulan``) for the PPID
        to review; idempotent. Exempt and leadership-only announcements are never proposed."""
        parse_month(month)
        start, end = month_bounds(month, self.ctx.tz)
        with self.ctx.tx() as s:
            actor = records_actor(self.ctx, s, actor_id, N_(
                "{role} tidak berwenang mengusulkan baris DIP; hanya PPID dan Kepala Dinas"))
            taken = select(DipEntry.announcement_id).where(DipEntry.announcement_id.is_not(None))
            items = list(s.execute(select(Announcement).where(
                and_(Announcement.approved_at >= start, Announcement.approved_at < end),
                Announcement.state != State.REVOKED,
                Announcement.klasifikasi.in_([str(j) for j in dip.JENIS]),
                Announcement.sasaran != Sasaran.PIMPINAN, Announcement.id.not_in(taken))
                .order_by(Announcement.approved_at)).scalars())
            for item in items:
                assert item.approved_at is not None  # the query takes approved ones only
                approver = s.get(User, item.approved_by_id) if item.approved_by_id else None
                who = approver.name if approver else self.ctx.profile.signatory_name
                summary = current_revision(s, item).summary
                fields = dip.proposal(item.title, summary, item.klasifikasi, list(item.channels or []),
                                      item.approved_at,
                                      f"{who} ({title_id(self.ctx.profile.signatory_title)})",
                                      self.ctx.profile, self.ctx.tz)
                s.add(DipEntry(month=month_of(item.approved_at, self.ctx.tz), status=DipStatus.USULAN,
                               announcement_id=item.id, proposed_by=actor, **fields))
            if items:
                audit.record(s, actor, "dip_propose", None, month=month, count=len(items))
            return len(items)

    def dip_entries(self, month: str) -> dict:
        """The month's register as it stands (accepted rows) and the proposals still to review."""
        parse_month(month)
        with self.ctx.read() as s:
            pending = s.execute(select(DipEntry).where(DipEntry.status == DipStatus.USULAN,
                                                       DipEntry.month <= month)
                                .order_by(DipEntry.id)).scalars()
            return {"month": month, "register": [dip.entry_dict(e) for e in dip_register(s, month)],
                    "proposals": [dip.entry_dict(e) for e in pending]}

    def review_dip_entry(self, actor_id: int, entry_id: int, accept: bool, note: str | None = None,
                         **edits: object) -> dict:
        """PPID accepts (optionally correcting columns) or rejects (with a note) a proposal."""
        edits = _clean_dip_fields({k: v for k, v in edits.items() if v is not None})
        with self.ctx.tx() as s:
            actor = self.ctx.actor(s, actor_id)
            require(actor, (Role.PPID,), N_("{role} tidak berwenang menelaah usulan DIP; hanya PPID"))
            entry = s.get(DipEntry, entry_id)
            if entry is None:
                raise NotFound("Baris DIP #{id} tidak ditemukan", id=entry_id)
            if entry.status != DipStatus.USULAN:
                raise Refused("Baris DIP #{id} sudah ditelaah ({status})", id=entry_id,
                              status=dip.STATUS_LABEL[entry.status])
            if not accept and not (note or "").strip():
                raise Refused("Penolakan usulan DIP wajib disertai alasan")
            for k, v in edits.items():
                setattr(entry, k, v)
            entry.status = DipStatus.DITERIMA if accept else DipStatus.DITOLAK
            entry.note, entry.reviewed_by_id, entry.reviewed_at = (note or None), actor.id, utcnow()
            audit.record(s, actor.username, "dip_review", entry.announcement_id, entry=entry.id,
                         status=entry.status, note=note)
            return dip.entry_dict(entry)

    def add_dip_entry(self, actor_id: int, month: str, **fields: object) -> int:
        """PPID adds a row the announcements did not propose (accepted at once); returns its id."""
        parse_month(month)
        missing = [k for k in DIP_FIELDS if k not in fields]
        if missing:
            raise InvalidInput("Kolom DIP belum diisi: {cols}", cols=", ".join(missing))
        clean = _clean_dip_fields({k: fields[k] for k in DIP_FIELDS})
        with self.ctx.tx() as s:
            actor = self.ctx.actor(s, actor_id)
            require(actor, (Role.PPID,), N_("{role} tidak berwenang menambah baris DIP; hanya PPID"))
            entry = DipEntry(month=month, status=DipStatus.DITERIMA, proposed_by=actor.username,
                             reviewed_by_id=actor.id, reviewed_at=utcnow(), **clean)
            s.add(entry)
            s.flush()
            audit.record(s, actor.username, "dip_add", None, entry=entry.id, month=month)
            return entry.id

    def withdraw_dip_entry(self, actor_id: int, entry_id: int, month: str) -> None:
        """PPID removes a row from the register from ``month`` on (earlier months keep it)."""
        parse_month(month)
        with self.ctx.tx() as s:
            actor = self.ctx.actor(s, actor_id)
            require(actor, (Role.PPID,), N_("{role} tidak berwenang mencabut baris DIP; hanya PPID"))
            entry = s.get(DipEntry, entry_id)
            if entry is None or entry.status != DipStatus.DITERIMA:
                raise NotFound("Baris DIP #{id} tidak ada dalam daftar", id=entry_id)
            if month <= entry.month:
                raise Refused("Baris DIP #{id} baru masuk bulan {m}; cabut mulai bulan sesudahnya",
                              id=entry_id, m=entry.month)
            entry.withdrawn_month = month
            audit.record(s, actor.username, "dip_withdraw", None, entry=entry.id, month=month)

    def establish_dip(self, actor_id: int, month: str, sk_number: str) -> dict:
        """Penetapan: the PPID establishes the month's DIP under an SK number and freezes its rows.
        Refused while proposals of the month await review, or when the month is established."""
        parse_month(month)
        sk_number = (sk_number or "").strip()
        if not sk_number:
            raise InvalidInput("Nomor SK penetapan DIP wajib diisi")
        with self.ctx.tx() as s:
            actor = self.ctx.actor(s, actor_id)
            require(actor, (Role.PPID,), N_(
                "{role} tidak berwenang menetapkan Daftar Informasi Publik; hanya PPID"))
            done = s.execute(select(DipEstablishment)
                             .where(DipEstablishment.month == month)).scalar_one_or_none()
            if done is not None:
                raise Refused("DIP bulan {m} sudah ditetapkan dengan SK {sk}; versi yang ditetapkan "
                              "tidak diubah", m=month, sk=done.sk_number)
            pending = s.execute(select(DipEntry.id).where(DipEntry.status == DipStatus.USULAN,
                                                          DipEntry.month <= month)).scalars().all()
            if pending:
                raise Refused("Masih ada {n} usulan DIP yang belum ditelaah (#{ids}); telaah dahulu "
                              "sebelum penetapan", n=len(pending), ids=", #".join(map(str, pending)))
            rows = [dip.entry_dict(e) for e in dip_register(s, month)]
            if not rows:
                raise Refused("DIP bulan {m} masih kosong; tidak ada yang dapat ditetapkan", m=month)
            digest = hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
            est = DipEstablishment(month=month, sk_number=sk_number, established_by_id=actor.id,
                                   established_at=utcnow(), entries=rows, sha256=digest)
            s.add(est)
            audit.record(s, actor.username, "dip_establish", None, month=month, sk=sk_number,
                         entries=len(rows), sha256=digest)
            return {"month": month, "sk_number": sk_number, "entries": len(rows), "sha256": digest}

    def dip_document(self, month: str) -> dict:
        """The DIP of ``month``: the frozen established version, or the live draft if none."""
        parse_month(month)
        with self.ctx.read() as s:
            est = s.execute(select(DipEstablishment)
                            .where(DipEstablishment.month == month)).scalar_one_or_none()
            if est is not None:
                by = est.established_by
                return {"month": month, "established": True, "sk_number": est.sk_number,
                        "established_at": est.established_at.isoformat(),
                        "established_by": {"name": by.name, "nip": by.nip}, "sha256": est.sha256,
                        "entries": list(est.entries)}
            return {"month": month, "established": False, "sk_number": None, "established_at": None,
                    "established_by": None, "sha256": None,
                    "entries": [dip.entry_dict(e) for e in dip_register(s, month)]}

    def dip_versions(self) -> list[dict]:
        """Every established monthly DIP, newest first."""
        with self.ctx.read() as s:
            return [{"month": e.month, "sk_number": e.sk_number, "entries": len(e.entries),
                     "established_at": e.established_at.isoformat(),
                     "established_by": e.established_by.name, "sha256": e.sha256}
                    for e in s.execute(select(DipEstablishment)
                                       .order_by(DipEstablishment.month.desc())).scalars()]

    def export_dip(self, month: str, fmt: str, path: Path) -> Path:
        """Write the month's DIP as ``xlsx``, ``csv`` or ``pdf``."""
        doc = self.dip_document(month)
        if fmt == "csv":
            return dip.export_csv(doc, path)
        if fmt == "xlsx":
            return dip.export_xlsx(doc, self.ctx.profile, self.ctx.tz, path)
        if fmt == "pdf":
            by = doc["established_by"]
            with self.ctx.read() as s:
                signer = Signer("PPID", by["name"], by["nip"]) if by else ppid_signer(s)
            return dip.export_pdf(doc, self.ctx.profile, self.ctx.tz, path, signer)
        raise InvalidInput("Format '{f}' tidak dikenal; pilih xlsx, csv atau pdf", f=fmt)


class ExemptRegister(Service):
    """The register of exempt (dikecualikan) information and its consequence tests."""

    def add_exempt(self, actor_id: int, **fields: object) -> int:
        """PPID records exempt information with its consequence test; returns the row id."""
        clean = exempt.validate(fields)
        with self.ctx.tx() as s:
            actor = self.ctx.actor(s, actor_id)
            require(actor, (Role.PPID,), N_(
                "{role} tidak berwenang mencatat informasi dikecualikan; hanya PPID"))
            if clean.get("announcement_id") is not None:
                self.ctx.item(s, int(clean["announcement_id"]))
            clean.setdefault("pejabat_unit", title_id(self.ctx.profile.unit))
            row = ExemptEntry(created_by_id=actor.id, **clean)
            s.add(row)
            s.flush()
            # the audit trail is readable more widely: record the fact, not the content
            audit.record(s, actor.username, "exempt_add", clean.get("announcement_id"), entry=row.id,
                         pasal17_huruf=clean["pasal17_huruf"])
            return row.id

    def exempt_register(self, actor_id: int) -> list[dict]:
        """The exempt register with its consequence tests (PPID and Kepala Dinas only)."""
        with self.ctx.read() as s:
            require(self.ctx.actor(s, actor_id), EXEMPT_READERS, N_(
                "{role} tidak berwenang membaca register informasi dikecualikan; hanya PPID dan "
                "Kepala Dinas"))
            return [exempt.entry_dict(e, self.ctx.tz)
                    for e in s.execute(select(ExemptEntry).order_by(ExemptEntry.id)).scalars()]

    def export_exempt(self, actor_id: int, path: Path) -> Path:
        """The exempt register as PDF (PPID and Kepala Dinas only)."""
        rows = self.exempt_register(actor_id)
        with self.ctx.read() as s:
            signer = ppid_signer(s, actor_id)
        return exempt.export_pdf(rows, self.ctx.profile, self.ctx.tz, path, signer)
