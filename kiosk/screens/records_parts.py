"""Parts of the Rekap & Arsip screen: the small dialogs it asks with (an SK number, an export
format, an announcement's document), the documents it hands over (made by the same service calls
as the CLI's, into a temporary folder, then read back as bytes) and the pure text of its report
and archive panels."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from kiosk.dialogs.note import NoteDialog
from kiosk.format import channel_label, clip, step_label
from kiosk.widgets.keybar import KeyBar
from shared.i18n import N_, _


class InputDialog(NoteDialog):
    """Ask for one line (e.g. the SK number); refuses an empty one with the reason."""

    BINDINGS = [Binding("escape", "cancel", N_("Batal"))]
    FIELD = "line"
    VARIANT = "primary"

    def __init__(self, title: str, required: str, send: str | None = None,
                 placeholder: str = "") -> None:
        super().__init__(title, required, send or _("Simpan"))
        self.placeholder = placeholder

    def field(self) -> Widget:
        """One line; Enter sends."""
        return Input(id=self.FIELD, placeholder=self.placeholder)

    def text(self) -> str:
        """What was typed, stripped."""
        return self.query_one(f"#{self.FIELD}", Input).value.strip()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter sends."""
        self.action_send()


class ChoiceDialog(ModalScreen[str | None]):
    """Pick one of a few choices (an export format); dismisses its value or None."""

    BINDINGS = [Binding("escape", "cancel", N_("Batal"))]

    def __init__(self, question: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question, self.choices = question, choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                for value, label in self.choices:
                    yield Button(label, variant="primary", id=f"choice-{value}")
                yield Button(_("Batal"), id="cancel")
        yield KeyBar()

    def on_mount(self) -> None:
        """The first choice has the focus."""
        self.query_one(Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Answer with the chosen value."""
        bid = event.button.id or ""
        self.dismiss(bid.removeprefix("choice-") if bid.startswith("choice-") else None)

    def action_cancel(self) -> None:
        """Nothing chosen."""
        self.dismiss(None)


class DocumentDialog(ModalScreen[tuple[str, int] | None]):
    """Which announcement, and its kartu kontrol or tanda terima; dismisses ``(what, item id)``
    or None. Enter in the number field asks for the kartu kontrol."""

    BINDINGS = [Binding("escape", "cancel", N_("Batal"))]

    def __init__(self, item_id: int | None = None) -> None:
        super().__init__()
        self.item_id = item_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Unduh dokumen pengumuman. Nomor # pengumuman:"), classes="dialog-text")
            yield Input(str(self.item_id or ""), id="doc-item", restrict=r"[0-9]*", max_length=9)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Kartu kontrol"), variant="primary", id="doc-card")
                yield Button(_("Tanda terima"), variant="primary", id="doc-receipt")
                yield Button(_("Batal"), id="cancel")
        yield KeyBar()

    def on_mount(self) -> None:
        """The number has the focus (filled in from the selected DIP row when it has one)."""
        self.query_one("#doc-item", Input).focus()

    def _answer(self, what: str) -> None:
        value = self.query_one("#doc-item", Input).value.strip()
        if not value.isdigit():
            self.notify(_("Tulis nomor # pengumuman terlebih dahulu."), severity="warning")
            return
        self.dismiss((what, int(value)))

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        """Enter: the kartu kontrol."""
        self._answer("card")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A document, or nothing."""
        bid = event.button.id or ""
        if bid.startswith("doc-"):
            self._answer(bid.removeprefix("doc-"))
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Nothing chosen."""
        self.dismiss(None)


def _made(write: Any, filename: str) -> tuple[str, bytes]:
    """Run ``write(path)`` (a service call that writes a document) into a temporary folder and
    return the file's name and bytes: the kiosk hands them over, nothing stays on the server."""
    with tempfile.TemporaryDirectory(prefix="warta-dokumen-") as folder:
        return filename, Path(write(Path(folder) / filename)).read_bytes()


def item_document(w: Any, what: str, item_id: int, actor_id: int) -> tuple[str, bytes]:
    """The kartu kontrol (``card``) or tanda terima (``receipt``) of an announcement as the reader
    ``actor_id`` may have it (the service refuses dikecualikan items to those who may not)."""
    if what == "receipt":
        return _made(lambda p: w.reports.submission_receipt(item_id, p, actor_id),
                     f"tanda-terima-{item_id}.pdf")
    return _made(lambda p: w.reports.control_card(item_id, p, actor_id), f"kartu-kontrol-{item_id}.pdf")


def month_export(w: Any, what: str, month: str, fmt: str) -> tuple[str, bytes]:
    """The month's DIP (``dip``: xlsx, csv or pdf) or monthly report (pdf or xlsx), as
    ``warta dip export`` / ``warta report monthly`` write them."""
    if what == "dip":
        return _made(lambda p: w.dip.export_dip(month, fmt, p), f"dip-{month}.{fmt}")
    return _made(lambda p: w.reports.export_monthly_report(month, fmt, p),
                 f"laporan-bulanan-{month}.{fmt}")


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


MONTHS = (N_("Januari"), N_("Februari"), N_("Maret"), N_("April"), N_("Mei"), N_("Juni"),
          N_("Juli"), N_("Agustus"), N_("September"), N_("Oktober"), N_("November"),
          N_("Desember"))
"""The months as the screen names them (the report's own label is the document's Indonesian)."""


def month_text(month: str) -> str:
    """'November 2026' for ``2026-11``, in the language shown."""
    year, number = month.split("-")
    return f"{_(MONTHS[int(number) - 1])} {year}"


def report_totals(data: dict) -> str:
    """One line: what the month approved and how its deliveries went."""
    t = data["totals"]
    return _("{label}: {a} disetujui, {d} tersebar, {r} dicabut · pengiriman {n}: {c} terkonfirmasi, "
             "{f} gagal, {p} diparkir, {u} ulang", label=month_text(data["month"]), a=t["approved"],
             d=t["disseminated"], r=t["revoked"], n=t["deliveries"], c=t["confirmed"],
             f=t["failed"], p=t["parked"], u=t["retries"])


def report_channels(data: dict) -> Text:
    """Counts per channel, one line each (OK includes confirmed pencabutan; Ganti: superseded
    by a newer version, settled without being shown)."""
    text = Text(_("Kanal       Jml  OK  Gagal Parkir Ganti") + "\n", style="bold")
    for c in data["channels"]:
        bad = c["failed"] or c["parked"]
        text.append(f"{clip(channel_label(c['channel']), 10):<10} {c['total']:>4} {c['confirmed']:>3} "
                    f"{c['failed']:>6} {c['parked']:>6} {c.get('superseded', 0):>5}\n",
                    style="red" if bad else "")
    return text


def report_sla(data: dict) -> Text:
    """SLA compliance per SOP step: met / decided, the share, median against the target."""
    text = Text(_("Tahap SOP        Tepat   Median/target") + "\n", style="bold")
    for s in data["sla"]:
        median = "—" if s["median_min"] is None else f"{s['median_min']:.0f}"
        late = s["share"] is not None and s["share"] < 1
        text.append(f"{clip(step_label(s['step']), 16):<16} {s['met']}/{s['n']} {_pct(s['share']):>4}  "
                    f"{median}/{s['target_min']} {_('mnt')}\n", style="red" if late else "")
    return text


def verify_text(result: dict) -> Text:
    """The archive check: all well in green, or every changed, missing and extra file in red."""
    if result["ok"]:
        return Text(_("✓ Arsip {m} utuh: {n} berkas cocok dengan segel, tanda tangan sah.",
                      m=result["month"], n=result["checked"]), style="bold green")
    text = Text(_("✗ Arsip {m} TIDAK utuh:", m=result["month"]) + "\n", style="bold red")
    if result.get("problem"):
        text.append(result["problem"] + "\n", style="red")
    for label, key in ((_("diubah"), "changed"), (_("hilang"), "missing"), (_("tambahan"), "extra")):
        for path in result[key]:
            text.append(f"{label}: {path}\n", style="red")
    return text
