"""Use-cases of the PPID's records: the DIP register (proposals from approved announcements, the
PPID's review, monthly establishment with an SK number, earlier versions), the exempt register
(PPID and Kepala Dinas only), the monthly report, the sealed monthly archive, receipts and
control cards. Documents are written by :mod:`shared.records`; rules are enforced here."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from shared import audit
from shared.errors import InvalidInput, NotFound, Refused
from shared.models import Announcement, DipEntry, DipEstablishment, ExemptEntry, Revision, User
from shared.records import dip, exempt, month_bounds, month_of, parse_month
from shared.records.pdf import Signer, title_id
from shared.timefmt import utcnow
from shared.workflow import EXEMPT_READERS, ROLE_LABEL, Role, State

DIP_FIELDS = ("ringkasan", "pejabat_unit", "penanggung_jawab", "waktu_pembuatan",
              "tempat_pembuatan", "bentuk", "jangka_waktu", "jenis")


def _require(user: User, roles: tuple[str, ...], what: str) -> None:
    if user.role not in roles:
        raise Refused("{role} tidak berwenang {what}; hanya {who}",
                      role=ROLE_LABEL.get(Role(user.role), user.role), what=what,
                      who=" dan ".join(ROLE_LABEL[Role(r)] for r in roles))


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


class RecordCommands:
    """Records use-cases (mixed into :class:`shared.services.Warta`)."""

    # -- helpers ---------------------------------------------------------------------------------

    def _ppid_signer(self, s: Session, user_id: int | None = None) -> Signer:
        user = s.get(User, user_id) if user_id else None
        if user is None or user.role != Role.PPID:
            user = s.execute(select(User).where(User.role == Role.PPID, User.active.is_(True))
                             .order_by(User.id)).scalars().first()
        return Signer("PPID", user.name, user.nip) if user else Signer("PPID", "", "")

    def _register(self, s: Session, month: str) -> list[DipEntry]:
        # the register of a month: accepted rows added up to it and not withdrawn by then
        return list(s.execute(select(DipEntry).where(
            DipEntry.status == "diterima", DipEntry.month <= month,
            or_(DipEntry.withdrawn_month.is_(None), DipEntry.withdrawn_month > month))
            .order_by(DipEntry.month, DipEntry.id)).scalars())

    # -- DIP -------------------------------------------------------------------------------------

    def _records_actor(self, s: Session, actor_id: int | None, what: str) -> str:
        """The username acting on the records: PPID or Kepala Dinas, or ``system`` for a scheduled
        job run by the operator (no user)."""
        if actor_id is None:
            return "system"
        user = self._actor(s, actor_id)
        _require(user, (Role.PPID, Role.KADIS), what)
        return user.username

    def propose_dip_entries(self, month: str, actor_id: int | None = None) -> int:
        """Turn the announcements approved in ``month`` into DIP proposals (``usulan``) for the PPID
        to review; idempotent. Exempt and leadership-only announcements are never proposed."""
        parse_month(month)
        start, end = month_bounds(month, self.tz)
        with self.tx() as s:
            actor = self._records_actor(s, actor_id, "mengusulkan baris DIP")
            taken = select(DipEntry.announcement_id).where(DipEntry.announcement_id.is_not(None))
            items = list(s.execute(select(Announcement).where(
                and_(Announcement.approved_at >= start, Announcement.approved_at < end),
                Announcement.state != State.REVOKED,
                Announcement.klasifikasi.in_([str(j) for j in dip.JENIS]),
                Announcement.sasaran != "pimpinan", Announcement.id.not_in(taken))
                .order_by(Announcement.approved_at)).scalars())
            for item in items:
                approver = s.get(User, item.approved_by_id) if item.approved_by_id else None
                who = approver.name if approver else self.profile.signatory_name
                summary = self._current_rev(s, item).summary
                fields = dip.proposal(item.title, summary, item.klasifikasi, list(item.channels or []),
                                      item.approved_at, f"{who} ({title_id(self.profile.signatory_title)})",
                                      self.profile, self.tz)
                s.add(DipEntry(month=month_of(item.approved_at, self.tz), status="usulan",
                               announcement_id=item.id, proposed_by=actor, **fields))
            if items:
                audit.record(s, actor, "dip_propose", None, month=month, count=len(items))
            return len(items)

    def dip_entries(self, month: str) -> dict:
        """The month's register as it stands (accepted rows) and the proposals still to review."""
        parse_month(month)
        with self.read() as s:
            pending = s.execute(select(DipEntry).where(DipEntry.status == "usulan",
                                                       DipEntry.month <= month)
                                .order_by(DipEntry.id)).scalars()
            return {"month": month, "register": [dip.entry_dict(e) for e in self._register(s, month)],
                    "proposals": [dip.entry_dict(e) for e in pending]}

    def review_dip_entry(self, actor_id: int, entry_id: int, accept: bool, note: str | None = None,
                         **edits: object) -> dict:
        """PPID accepts (optionally correcting columns) or rejects (with a note) a proposal."""
        edits = _clean_dip_fields({k: v for k, v in edits.items() if v is not None})
        with self.tx() as s:
            actor = self._actor(s, actor_id)
            _require(actor, (Role.PPID,), "menelaah usulan DIP")
            entry = s.get(DipEntry, entry_id)
            if entry is None:
                raise NotFound("Baris DIP #{id} tidak ditemukan", id=entry_id)
            if entry.status != "usulan":
                raise Refused("Baris DIP #{id} sudah ditelaah ({status})", id=entry_id,
                              status=dip.STATUS_LABEL[entry.status])
            if not accept and not (note or "").strip():
                raise Refused("Penolakan usulan DIP wajib disertai alasan")
            for k, v in edits.items():
                setattr(entry, k, v)
            entry.status = "diterima" if accept else "ditolak"
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
        with self.tx() as s:
            actor = self._actor(s, actor_id)
            _require(actor, (Role.PPID,), "menambah baris DIP")
            entry = DipEntry(month=month, status="diterima", proposed_by=actor.username,
                             reviewed_by_id=actor.id, reviewed_at=utcnow(), **clean)
            s.add(entry)
            s.flush()
            audit.record(s, actor.username, "dip_add", None, entry=entry.id, month=month)
            return entry.id

    def withdraw_dip_entry(self, actor_id: int, entry_id: int, month: str) -> None:
        """PPID removes a row from the register from ``month`` on (earlier months keep it)."""
        parse_month(month)
        with self.tx() as s:
            actor = self._actor(s, actor_id)
            _require(actor, (Role.PPID,), "mencabut baris DIP")
            entry = s.get(DipEntry, entry_id)
            if entry is None or entry.status != "diterima":
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
        with self.tx() as s:
            actor = self._actor(s, actor_id)
            _require(actor, (Role.PPID,), "menetapkan Daftar Informasi Publik")
            done = s.execute(select(DipEstablishment).where(DipEstablishment.month == month)).scalar_one_or_none()
            if done is not None:
                raise Refused("DIP bulan {m} sudah ditetapkan dengan SK {sk}; versi yang ditetapkan "
                              "tidak diubah", m=month, sk=done.sk_number)
            pending = s.execute(select(DipEntry.id).where(DipEntry.status == "usulan",
                                                          DipEntry.month <= month)).scalars().all()
            if pending:
                raise Refused("Masih ada {n} usulan DIP yang belum ditelaah (#{ids}); telaah dahulu "
                              "sebelum penetapan", n=len(pending), ids=", #".join(map(str, pending)))
            rows = [dip.entry_dict(e) for e in self._register(s, month)]
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
        with self.read() as s:
            est = s.execute(select(DipEstablishment).where(DipEstablishment.month == month)).scalar_one_or_none()
            if est is not None:
                by = est.established_by
                return {"month": month, "established": True, "sk_number": est.sk_number,
                        "established_at": est.established_at.isoformat(),
                        "established_by": {"name": by.name, "nip": by.nip}, "sha256": est.sha256,
                        "entries": list(est.entries)}
            return {"month": month, "established": False, "sk_number": None, "established_at": None,
                    "established_by": None, "sha256": None,
                    "entries": [dip.entry_dict(e) for e in self._register(s, month)]}

    def dip_versions(self) -> list[dict]:
        """Every established monthly DIP, newest first."""
        with self.read() as s:
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
            return dip.export_xlsx(doc, self.profile, self.tz, path)
        if fmt == "pdf":
            by = doc["established_by"]
            with self.read() as s:
                signer = Signer("PPID", by["name"], by["nip"]) if by else self._ppid_signer(s)
            return dip.export_pdf(doc, self.profile, self.tz, path, signer)
        raise InvalidInput("Format '{f}' tidak dikenal; pilih xlsx, csv atau pdf", f=fmt)

    # -- exempt register -------------------------------------------------------------------------

    def add_exempt(self, actor_id: int, **fields: object) -> int:
        """PPID records exempt information with its consequence test; returns the row id."""
        clean = exempt.validate(fields)
        with self.tx() as s:
            actor = self._actor(s, actor_id)
            _require(actor, (Role.PPID,), "mencatat informasi dikecualikan")
            if clean.get("announcement_id") is not None:
                self._item(s, int(clean["announcement_id"]))
            clean.setdefault("pejabat_unit", title_id(self.profile.unit))
            row = ExemptEntry(created_by_id=actor.id, **clean)
            s.add(row)
            s.flush()
            # the audit trail is readable more widely: record the fact, not the content
            audit.record(s, actor.username, "exempt_add", clean.get("announcement_id"), entry=row.id,
                         pasal17_huruf=clean["pasal17_huruf"])
            return row.id

    def exempt_register(self, actor_id: int) -> list[dict]:
        """The exempt register with its consequence tests (PPID and Kepala Dinas only)."""
        with self.read() as s:
            _require(self._actor(s, actor_id), EXEMPT_READERS, "membaca register informasi dikecualikan")
            return [exempt.entry_dict(e, self.tz)
                    for e in s.execute(select(ExemptEntry).order_by(ExemptEntry.id)).scalars()]

    def export_exempt(self, actor_id: int, path: Path) -> Path:
        """The exempt register as PDF (PPID and Kepala Dinas only)."""
        rows = self.exempt_register(actor_id)
        with self.read() as s:
            signer = self._ppid_signer(s, actor_id)
        return exempt.export_pdf(rows, self.profile, self.tz, path, signer)

    # -- monthly report and archive ----------------------------------------------------------------

    def monthly_report(self, month: str) -> dict:
        """The monthly report's data (see :func:`shared.records.report.collect`)."""
        from shared.records import report

        parse_month(month)
        with self.read() as s:
            return report.collect(s, month, self.profile, self.tz, self.settings.archive,
                                  self.settings.public_url)

    def export_monthly_report(self, month: str, fmt: str, path: Path) -> Path:
        """Write the monthly report as ``pdf`` (with charts) or ``xlsx``."""
        from shared.records import report_docs

        if fmt not in ("pdf", "xlsx"):
            raise InvalidInput("Format '{f}' tidak dikenal; pilih pdf atau xlsx", f=fmt)
        data = self.monthly_report(month)
        if fmt == "xlsx":
            return report_docs.write_xlsx(data, self.profile, path)
        with self.read() as s:
            signer = self._ppid_signer(s)
        return report_docs.write_pdf(data, self.profile, self.tz, path, signer)

    def close_archive(self, month: str, actor_id: int | None = None, reseal: bool = False,
                      reason: str | None = None) -> dict:
        """Seal the month's archive folder (PPID or Kepala Dinas, or the operator's scheduled job
        with no user), audited and covered by a signed checkpoint; see
        :func:`shared.records.sealing.seal_month` (one path for the kiosk, the CLI and here)."""
        from shared.records import sealing

        return sealing.seal_month(self, month, actor_id, reseal=reseal, reason=reason)

    def verify_archive(self, month: str) -> dict:
        """Check a sealed month; ``ok`` is False when a file changed, went missing or was added."""
        from shared.messages import load_public_key
        from shared.records import archive_seal

        path = self.settings.verify_key_path
        public = load_public_key(path) if path.exists() else self.signing_key.public_key()
        return archive_seal.verify_month(self.settings.archive, month, public).as_dict()

    # -- per announcement ------------------------------------------------------------------------

    def _card_item(self, item_id: int, actor_id: int | None) -> tuple[dict, Signer]:
        from shared.records import versions

        item = self.get_item(item_id, actor_id)  # refuses dikecualikan to those who may not read
        with self.read() as s:
            # every version of the announcement with the proof of each delivery (the card lists
            # the whole history, whichever version it was asked for)
            item["history"] = versions.histories(s, {item["key"]}, self.settings.archive,
                                                 self.tz).get(item["key"], [])
            author = self._item(s, item_id).author
            item["author_nip"] = author.nip
            item["revisions"] = [{"number": r.number, "created_at": r.created_at.isoformat(),
                                  "title": r.title, "summary": r.summary, "body": r.body}
                                 for r in s.execute(select(Revision).where(
                                     Revision.announcement_id == item_id)
                                     .order_by(Revision.number)).scalars()]
            names = {u.username: u.nip for u in s.execute(select(User)).scalars()}
            for st in item["steps"]:
                st["actor_nip"] = names.get(st["actor"] or "", "")
            return item, self._ppid_signer(s, actor_id)

    def control_card(self, item_id: int, path: Path, actor_id: int | None = None) -> Path:
        """Write the kartu kontrol of one announcement (one A4 page)."""
        from shared.records import cards

        item, signer = self._card_item(item_id, actor_id)
        return cards.card_pdf(item, self.profile, self.tz, path, signer)

    def submission_receipt(self, item_id: int, path: Path, actor_id: int | None = None,
                           revision: int | None = None) -> Path:
        """Write the tanda terima of a draft's latest (or a given revision's) submission."""
        from shared.records import cards

        item, _signer = self._card_item(item_id, actor_id)
        return cards.receipt_pdf(item, self.profile, self.tz, path, revision)
