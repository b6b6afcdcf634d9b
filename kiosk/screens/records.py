"""Rekap & Arsip (PPID and Kepala Dinas): the month's DIP with its proposals (propose, accept,
reject, establish with an SK number, export), the monthly report's summary (export), an
announcement's kartu kontrol and tanda terima, and the sealed archive (close, verify). Exports and
documents are handed to the user (a download in the browser kiosk, ``$WARTA_HOME/exports`` in a
terminal; kiosk/screens/artefacts.py). Every service call runs in a thread worker (see base.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, Static

from kiosk.format import clip, klas_label, role_label
from kiosk.screens.artefacts import deliver
from kiosk.screens.base import WartaScreen
from kiosk.screens.records_parts import (ChoiceDialog, DocumentDialog, InputDialog, item_document,
                                         month_export, report_channels, report_sla, report_totals,
                                         verify_text)
from kiosk.widgets.keybar import KeyBar
from shared.errors import WartaError
from shared.i18n import N_, _
from shared.records import month_of, parse_month
from shared.vocab import DipStatus, label_of
from shared.workflow import RECORDS_ROLES

STATUS_STYLE = {DipStatus.USULAN: "bold yellow", DipStatus.DITERIMA: "green"}
"""How a DIP row's status is coloured in the table."""
REVIEWED_TEXT = {DipStatus.DITERIMA: N_("Usulan DIP #{id} diterima."),
                 DipStatus.DITOLAK: N_("Usulan DIP #{id} ditolak.")}
"""What the PPID is told after deciding on a proposal."""


BENTUK_LABEL = {"cetak": N_("cetak"), "elektronik": N_("elektronik")}
"""The forms a DIP row's information is kept in (stored as these words)."""


def bentuk_text(bentuk: str) -> str:
    """A DIP row's form in the language shown."""
    return _(BENTUK_LABEL.get(bentuk, bentuk))


def status_text(status: str) -> str:
    """A DIP row's status in the language shown."""
    return label_of(DipStatus, status)


@dataclass(frozen=True)
class DipData:
    """One load of the month's DIP: its entries (``{"proposals": [...], "register": [...]}``) and,
    once established, the version that froze it (rows as :class:`shared.services.dip.DipRegister` returns
    them)."""

    entries: dict
    established: dict | None


class RecordsScreen(WartaScreen):
    """The PPID's records of one month."""

    # short descriptions: the footer holds all nine actions at 80 columns (F1 lists them too)
    BINDINGS = [
        Binding("escape", "back", N_("Kembali"), show=False),
        Binding("b", "month", N_("Bulan"), show=False),
        Binding("u", "propose", N_("Usulkan")),
        Binding("t", "accept", N_("Terima")),
        Binding("x", "reject", N_("Tolak")),
        Binding("s", "establish", N_("Tetapkan")),
        Binding("e", "export_dip", N_("DIP")),
        Binding("l", "export_report", N_("Laporan")),
        Binding("k", "documents", N_("Kartu")),
        Binding("a", "close_archive", N_("Segel")),
        Binding("v", "verify", N_("Periksa")),
        Binding("r", "reload", N_("Muat ulang"), show=False),
    ]

    def __init__(self, month: str | None = None) -> None:
        super().__init__()
        self.month = month or ""
        self.rows: dict[str, dict] = {}

    def compose(self) -> ComposeResult:
        yield Static(self.top_bar(_("Rekap & Arsip")), classes="topbar")
        with Horizontal(id="records-month-row"):
            yield Label(_("Bulan (b):"), classes="section")
            yield Input(id="records-month", max_length=7, restrict=r"[0-9-]*")
            yield Static("", id="dip-state")
        yield Label(_("Daftar Informasi Publik"), classes="section")
        yield DataTable(id="dip", cursor_type="row", zebra_stripes=True)
        yield Label(_("Laporan bulanan"), classes="section")
        yield Static(_("Memuat…"), id="report-totals", classes="hint")
        with Horizontal(id="report-panels"):
            yield Static("", id="report-channels")
            yield Static("", id="report-sla")
        yield Label(_("Arsip bersegel"), classes="section")
        yield Static(_("Tekan v untuk memeriksa segel arsip bulan ini, a untuk menutupnya."),
                     id="archive-state", classes="hint")
        yield KeyBar(compact=True)

    def on_mount(self) -> None:
        """Refuse other roles with the reason; otherwise columns and the first load."""
        role = self.role
        if role not in RECORDS_ROLES:
            self.notify(_("Rekap & Arsip hanya untuk PPID dan Kepala Dinas; Anda masuk sebagai {r}.",
                          r=role_label(role or "")), title=_("Ditolak"), severity="error", timeout=8)
            self.app.pop_screen()
            return
        self.month = self.month or month_of(self.app.clock(), self.tz)
        self.query_one("#records-month", Input).value = self.month
        # fixed widths from the terminal's width: the summary gets what is left
        self.room = room = max(20, self.app.size.width - 50)
        table = self.query_one("#dip", DataTable)
        for label, width in ((_("No."), 3), (_("Status"), 8), (_("Jenis"), 11),
                             (_("Ringkasan isi informasi"), room), (_("Bentuk"), 16)):
            table.add_column(label, width=width)
        table.focus()
        self.action_reload()

    # -- loading ---------------------------------------------------------------------------------

    def action_reload(self) -> None:
        """Read the month's DIP and report again (two workers: the report is the slower one)."""
        self.call(self._load_dip, self.month, done=self.show_dip, key="dip")
        self.call(self.w.reports.monthly_report, self.month,
                  done=self.show_report, failed=self.failed_report, key="report")

    def _load_dip(self, month: str) -> DipData:
        established = next((v for v in self.w.dip.dip_versions() if v["month"] == month), None)
        return DipData(entries=self.w.dip.dip_entries(month), established=established)

    def show_dip(self, data: DipData) -> None:
        """Proposals first (they wait for a decision), then the register."""
        table = self.query_one("#dip", DataTable)
        cursor = table.cursor_row
        table.clear()
        entries = data.entries
        self.rows = {}
        for e in entries["proposals"] + entries["register"]:
            self.rows[str(e["id"])] = e
            table.add_row(str(e["id"]),
                          Text(status_text(e["status"]), style=STATUS_STYLE.get(e["status"], "")),
                          klas_label(e["jenis"]), clip(e["ringkasan"], self.room),
                          "/".join(bentuk_text(b) for b in e["bentuk"]), key=str(e["id"]))
        if self.rows:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        else:
            table.add_row("", "", "", _("Belum ada baris DIP; tekan u untuk mengusulkan dari "
                                        "pengumuman yang disetujui."), "")
        est = data.established
        state = (Text(_("Ditetapkan: SK {sk} ({n} baris)", sk=est["sk_number"], n=est["entries"]),
                      style="bold green") if est else
                 Text(_("Rancangan: {u} usulan, {d} diterima",
                        u=len(entries["proposals"]), d=len(entries["register"])), style="yellow"))
        self.query_one("#dip-state", Static).update(state)

    def show_report(self, data: dict) -> None:
        """The summary: totals, counts per channel, SLA compliance per step."""
        self.query_one("#report-totals", Static).update(report_totals(data))
        self.query_one("#report-channels", Static).update(report_channels(data))
        self.query_one("#report-sla", Static).update(report_sla(data))

    def failed_report(self, error: str) -> None:
        """The report could not be read: say why where it would be."""
        self.query_one("#report-totals", Static).update(Text(error, style="bold red"))
        self.notify(error, title=_("Ditolak"), severity="error", timeout=8)

    # -- month -----------------------------------------------------------------------------------

    def action_month(self) -> None:
        """Type another month."""
        self.query_one("#records-month", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """A valid YYYY-MM loads that month; anything else is refused with the expected form."""
        value = event.value.strip()
        try:
            parse_month(value)
        except WartaError as exc:
            self.notify(str(exc), title=_("Ditolak"), severity="error", timeout=8)
            return
        self.month = value
        self.query_one("#archive-state", Static).update(
            _("Tekan v untuk memeriksa segel arsip bulan ini, a untuk menutupnya."))
        self.query_one("#dip", DataTable).focus()
        self.action_reload()

    # -- DIP -------------------------------------------------------------------------------------

    def action_propose(self) -> None:
        """Proposals from the announcements approved in the month."""
        self.call(self.w.dip.propose_dip_entries, self.month, self.uid,
                  done=self.show_propose, key="propose")

    def show_propose(self, count: int) -> None:
        """Say how many were proposed."""
        self.notify(_("{n} usulan DIP baru dari pengumuman yang disetujui.", n=count) if count else
                    _("Tidak ada usulan baru: semua pengumuman bulan ini sudah diusulkan."))
        self.call(self._load_dip, self.month, done=self.show_dip, key="dip")

    def _selected(self) -> dict | None:
        table = self.query_one("#dip", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(key or "")

    def _selected_proposal(self) -> dict | None:
        entry = self._selected()
        if entry is None or entry["status"] != DipStatus.USULAN:
            self.notify(_("Pilih baris berstatus usulan terlebih dahulu."), severity="warning")
            return None
        return entry

    def action_accept(self) -> None:
        """Accept the selected proposal into the register."""
        entry = self._selected_proposal()
        if entry:
            self.call(self.w.dip.review_dip_entry, self.uid, entry["id"], True,
                      done=self.show_review, key="review")

    def action_reject(self) -> None:
        """Reject the selected proposal; a reason is required."""
        entry = self._selected_proposal()
        if entry is None:
            return
        from kiosk.dialogs.note import NoteDialog

        self.app.push_screen(NoteDialog(
            _("Tolak usulan DIP #{id}. Tulis alasannya:", id=entry["id"]),
            _("Penolakan usulan DIP wajib disertai alasan"), _("Tolak")),
            lambda note: self._rejected(entry["id"], note))

    def _rejected(self, entry_id: int, note: str | None) -> None:
        if note:
            self.call(self.w.dip.review_dip_entry, self.uid, entry_id, False, note,
                      done=self.show_review, key="review")

    def show_review(self, row: dict) -> None:
        """The decision was recorded."""
        self.notify(_(REVIEWED_TEXT.get(row["status"], N_("Usulan DIP #{id} ditelaah.")), id=row["id"]))
        self.call(self._load_dip, self.month, done=self.show_dip, key="dip")

    def action_establish(self) -> None:
        """Penetapan: ask for the SK number."""
        self.app.push_screen(InputDialog(
            _("Tetapkan DIP bulan {m}. Nomor SK penetapan:", m=self.month),
            _("Nomor SK penetapan DIP wajib diisi"), _("Tetapkan"),
            placeholder="188.4/…/PPID/2026"), self._established)

    def _established(self, sk: str | None) -> None:
        if sk:
            self.call(self.w.dip.establish_dip, self.uid, self.month, sk,
                      done=self.show_establish, key="establish")

    def show_establish(self, result: dict) -> None:
        """The month is frozen under the SK."""
        self.notify(_("DIP {m} ditetapkan dengan SK {sk}: {n} baris.", m=result["month"],
                      sk=result["sk_number"], n=result["entries"]))
        self.call(self._load_dip, self.month, done=self.show_dip, key="dip")

    def action_export_dip(self) -> None:
        """Export the DIP (established version, or the draft) in a chosen format."""
        self.app.push_screen(ChoiceDialog(_("Ekspor DIP bulan {m} sebagai:", m=self.month),
                                          [("xlsx", "XLSX"), ("csv", "CSV"), ("pdf", "PDF")]),
                             lambda fmt: self._export(fmt, "dip"))

    def action_export_report(self) -> None:
        """Export the monthly report."""
        self.app.push_screen(ChoiceDialog(_("Ekspor laporan bulan {m} sebagai:", m=self.month),
                                          [("pdf", "PDF"), ("xlsx", "XLSX")]),
                             lambda fmt: self._export(fmt, "report"))

    def _export(self, fmt: str | None, what: str) -> None:
        if fmt:
            self.call(month_export, self.w, what, self.month, fmt, done=self._hand_over,
                      key="export")

    def _hand_over(self, got: tuple[str, bytes]) -> None:
        deliver(self, *got, done=self.show_export)

    def show_export(self, path: Path | None) -> None:
        """Saved (terminal: ``$WARTA_HOME/exports/dip-2026-09.xlsx``) or sent to the browser."""
        if path is not None:
            self.last_export = Path(path)

    def action_documents(self) -> None:
        """The kartu kontrol or tanda terima of an announcement (the selected DIP row's, or any
        number typed)."""
        entry = self._selected()
        self.app.push_screen(DocumentDialog(entry["announcement_id"] if entry else None),
                             self._document_chosen)

    def _document_chosen(self, answer: tuple[str, int] | None) -> None:
        if answer:
            what, item_id = answer
            self.call(item_document, self.w, what, item_id, self.uid, done=self._hand_over,
                      key="document")

    # -- archive ---------------------------------------------------------------------------------

    def action_close_archive(self) -> None:
        """Seal the month's archive folder, after confirmation."""
        from kiosk.dialogs.confirm import ConfirmDialog

        self.app.push_screen(ConfirmDialog(
            _("Tutup arsip bulan {m}?\n\nSemua berkas di folder arsip bulan itu disegel dengan "
              "manifest bertanda tangan; segel tidak dapat dibuka lagi.", m=self.month),
            _("Tutup & segel")), self._close_confirmed)

    def _close_confirmed(self, yes: bool | None) -> None:
        if yes:  # audited, with a signed checkpoint
            self.call(self.w.reports.close_archive, self.month, self.uid,
                      done=self.show_close, key="close")

    def show_close(self, result: dict) -> None:
        """Sealed: how many files, where."""
        msg = _("Arsip {m} disegel: {n} berkas di {d}.", m=result["month"], n=result["files"],
                d=result["folder"])
        self.query_one("#archive-state", Static).update(Text(msg, style="bold green"))
        self.notify(msg)

    def action_verify(self) -> None:
        """Check the seal and every file."""
        self.query_one("#archive-state", Static).update(_("Memeriksa…"))
        self.call(self.w.reports.check_month, self.month,
                  done=self.show_verify, failed=self.failed_verify, key="verify")

    def show_verify(self, result: dict) -> None:
        """All well, or each changed, missing and extra file."""
        self.last_verify = result
        self.query_one("#archive-state", Static).update(verify_text(result))
        if not result["ok"]:
            self.notify(_("Arsip {m} tidak utuh; lihat daftar berkas.", m=self.month),
                        title=_("Arsip"), severity="error", timeout=8)

    def failed_verify(self, error: str) -> None:
        """Not sealed (or unreadable): the reason, in the panel and as a red notice."""
        self.query_one("#archive-state", Static).update(Text(error, style="bold red"))
        self.notify(error, title=_("Ditolak"), severity="error", timeout=8)

    def action_back(self) -> None:
        """Back to the home screen."""
        self.app.pop_screen()
