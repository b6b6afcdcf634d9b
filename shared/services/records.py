"""The PPID's reports and proofs: the monthly report, the sealed monthly archive, and per
announcement the kartu kontrol and the tanda terima. Documents are written by
:mod:`shared.records`; rules are enforced here."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from shared.errors import InvalidInput
from shared.models import Revision, User
from shared.records import parse_month
from shared.records.access import ppid_signer
from shared.records.pdf import Signer
from shared.services.context import Context, Service
from shared.services.queries import Queries


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
