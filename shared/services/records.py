"""The PPID's reports and proofs: the monthly report, the sealed monthly archive, and per
announcement the kartu kontrol, the tanda terima and the archived proof files of its deliveries.
Documents are written by :mod:`shared.records`; rules are enforced here."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select

from shared.classification import Klasifikasi
from shared.errors import InvalidInput, NotFound, Refused
from shared.models import Delivery, Revision, User
from shared.records import parse_month
from shared.records.access import ppid_signer
from shared.records.pdf import Signer
from shared.services.context import Context, Service
from shared.services.queries import Queries

PROOF_READ_LIMIT = 64 * 1024 * 1024
"""Largest proof file handed to a reader at once (the kiosk holds it in memory to show or send it;
a channel's files are far smaller: a slide ~100 KB, a radio MP3 ~1 MB)."""


class Reports(Service):
    """Monthly report, archive seal and verification, control cards and receipts."""

    def __init__(self, ctx: Context, queries: Queries) -> None:
        super().__init__(ctx)
        self.queries = queries

    def monthly_report(self, month: str) -> dict:
        """The monthly report's data (see :func:`shared.records.report.collect`)."""
        from shared.records import report

        parse_month(month)
        with self.ctx.read() as s:
            return report.collect(s, month, self.ctx.profile, self.ctx.tz, self.ctx.settings.archive,
                                  self.ctx.settings.public_url)

    def export_monthly_report(self, month: str, fmt: str, path: Path) -> Path:
        """Write the monthly report as ``pdf`` (with charts) or ``xlsx``."""
        from shared.records import report_docs

        if fmt not in ("pdf", "xlsx"):
            raise InvalidInput("Format '{f}' tidak dikenal; pilih pdf atau xlsx", f=fmt)
        data = self.monthly_report(month)
        if fmt == "xlsx":
            return report_docs.write_xlsx(data, self.ctx.profile, path)
        with self.ctx.read() as s:
            signer = ppid_signer(s)
        return report_docs.write_pdf(data, self.ctx.profile, self.ctx.tz, path, signer)

    def close_archive(self, month: str, actor_id: int | None = None, reseal: bool = False,
                      reason: str | None = None) -> dict:
        """Seal the month's archive folder (PPID or Kepala Dinas, or the operator's scheduled job
        with no user), audited and covered by a signed checkpoint; see
        :func:`shared.records.sealing.seal_month` (one path for the kiosk, the CLI and here)."""
        from shared.records import sealing

        return sealing.seal_month(self.ctx, month, actor_id, reseal=reseal, reason=reason)

    def verify_archive(self, month: str) -> dict:
        """Check a sealed month; ``ok`` is False when a file changed, went missing or was added."""
        from shared.messages import load_public_key
        from shared.records import archive_seal

        path = self.ctx.settings.verify_key_path
        public = load_public_key(path) if path.exists() else self.ctx.signing_key.public_key()
        return archive_seal.verify_month(self.ctx.settings.archive, month, public).as_dict()

    def check_month(self, month: str) -> dict:
        """The full check of a month the kiosk and ``warta archive verify`` show: the archive's
        files, its seal, the audit record of the seal and the signed checkpoints
        (:func:`shared.records.sealing.verify_month`)."""
        from shared.records import sealing

        return sealing.verify_month(self.ctx, month)

    def _card_item(self, item_id: int, actor_id: int | None) -> tuple[dict, Signer]:
        from shared.records import versions

        item = self.queries.get_item(item_id, actor_id)  # refuses dikecualikan to those who may not read
        with self.ctx.read() as s:
            # every version of the announcement with the proof of each delivery (the card lists
            # the whole history, whichever version it was asked for)
            item["history"] = versions.histories(s, {item["key"]}, self.ctx.settings.archive,
                                                 self.ctx.tz).get(item["key"], [])
            author = self.ctx.item(s, item_id).author
            item["author_nip"] = author.nip
            item["revisions"] = [{"number": r.number, "created_at": r.created_at.isoformat(),
                                  "title": r.title, "summary": r.summary, "body": r.body}
                                 for r in s.execute(select(Revision).where(
                                     Revision.announcement_id == item_id)
                                     .order_by(Revision.number)).scalars()]
            names = {u.username: u.nip for u in s.execute(select(User)).scalars()}
            for st in item["steps"]:
                st["actor_nip"] = names.get(st["actor"] or "", "")
            return item, ppid_signer(s, actor_id)

    def control_card(self, item_id: int, path: Path, actor_id: int | None = None) -> Path:
        """Write the kartu kontrol of one announcement (one A4 page)."""
        from shared.records import cards

        item, signer = self._card_item(item_id, actor_id)
        return cards.card_pdf(item, self.ctx.profile, self.ctx.tz, path, signer)

    def submission_receipt(self, item_id: int, path: Path, actor_id: int | None = None,
                           revision: int | None = None) -> Path:
        """Write the tanda terima of a draft's latest (or a given revision's) submission."""
        from shared.records import cards

        item, _signer = self._card_item(item_id, actor_id)
        return cards.receipt_pdf(item, self.ctx.profile, self.ctx.tz, path, revision)

    def proof_file(self, actor_id: int, item_id: int, channel: str, kind: str, name: str,
                   endpoint: str = "") -> dict:
        """One archived proof file of a delivery (``name`` as the delivery lists it), for a
        signed-in account that may read the announcement: ``{"name", "size", "sha256", "data"}``.
        Dikecualikan information is never disseminated, so it has no proof to open; a path that
        leaves the archive, a file missing or changed since it was filed is refused, never read."""
        with self.ctx.read() as s:
            self.ctx.actor(s, actor_id)
            item = self.ctx.readable_item(s, item_id, actor_id)
            if item.klasifikasi == Klasifikasi.DIKECUALIKAN:
                raise Refused("Informasi dikecualikan tidak disebarkan; tidak ada bukti penyebaran "
                              "yang dapat dibuka")
            delivery = s.execute(select(Delivery).where(
                Delivery.announcement_id == item.id, Delivery.channel == channel,
                Delivery.kind == kind, Delivery.endpoint == endpoint)).scalar_one_or_none()
            entry = next((a for a in (delivery.artifacts if delivery else None) or []
                          if isinstance(a, dict) and (a.get("name") or a.get("path")) == name), None)
        if entry is None:
            raise NotFound("Berkas bukti '{name}' tidak tercatat pada pengiriman pengumuman #{id}",
                           name=name, id=item_id)
        return _read_proof(self.ctx.settings.archive, name, entry)


def _read_proof(archive: Path, name: str, entry: dict) -> dict:
    """The bytes of one filed proof file, checked against the checksum the archiver recorded."""
    if not entry.get("path"):  # a large file the archiver only referenced on another machine
        raise Refused("Berkas bukti '{name}' tidak tersimpan di arsip server ini; rujukannya: {ref}",
                      name=name, ref=str(entry.get("ref") or "-"))
    root = archive.resolve()
    path = (root / str(entry["path"])).resolve()
    if not path.is_relative_to(root):  # the database names a file outside the archive
        raise Refused("Berkas bukti '{name}' berada di luar folder arsip; tidak dibuka", name=name)
    if not path.is_file():
        raise NotFound("Berkas bukti '{name}' tidak ada lagi di arsip ({path})", name=name,
                       path=str(path))
    if path.stat().st_size > PROOF_READ_LIMIT:
        raise Refused("Berkas bukti '{name}' terlalu besar untuk dibuka di kiosk ({mb} MB); "
                      "ambil dari folder arsip", name=name, mb=path.stat().st_size // 2**20)
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if entry.get("sha256") and digest != entry["sha256"]:
        raise Refused("Berkas bukti '{name}' tidak cocok dengan checksum yang tercatat saat "
                      "diarsipkan; periksa arsip bulan itu ('warta archive verify')", name=name)
    return {"name": name, "size": len(data), "sha256": digest, "data": data}
