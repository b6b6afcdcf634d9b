"""Detail: the timeline of every step (actor, time, SLA met or missed) and per-channel deliveries
(state, attempts, next retry, last error, artifacts, checksum). PPID re-drives a parked delivery;
Kepala Dinas revokes with a reason and starts a correction."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from kiosk.format import (channel_label, clip, decision_label, delivery_label, klas_label,
                          sla_label, state_label, step_label, when, when_short)
from kiosk.screens.base import WartaScreen
from kiosk.widgets.keybar import KeyBar
from shared.i18n import _

LIVE_SECONDS = 2.0
"""While deliveries are unsettled the detail reads them again this often."""
SETTLED = {"confirmed", "parked", "failed", "canceled", "cancelled"}


class DetailScreen(WartaScreen):
    """Everything about one announcement."""

    BINDINGS = [
        Binding("escape", "back", _("Kembali")),
        Binding("r", "reload", _("Muat ulang")),
        Binding("u", "redrive", _("Kirim ulang")),
        Binding("c", "revoke", _("Cabut")),
        Binding("e", "correct", _("Ralat")),
    ]

    def __init__(self, item_id: int, live_seconds: float = LIVE_SECONDS) -> None:
        super().__init__()
        self.item_id = item_id
        self.item: dict = {}
        self.live_seconds = live_seconds

    def compose(self) -> ComposeResult:
        yield Static(self.top_bar(_("Detail #{id}", id=self.item_id)), classes="topbar")
        yield Static(_("Memuat…"), id="item-head")
        yield Label(_("Linimasa"), classes="section")
        yield DataTable(id="timeline", cursor_type="none", zebra_stripes=True)
        yield Label(_("Pengiriman per kanal"), classes="section")
        yield DataTable(id="deliveries", cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        """Columns, first load, and the live refresh while deliveries are unsettled."""
        self.query_one("#timeline", DataTable).add_columns(
            _("Tahap"), _("Pelaku"), _("Keputusan"), _("SLA"), _("Diputuskan"), _("Mulai"),
            _("Catatan"))
        self.query_one("#deliveries", DataTable).add_columns(
            _("Kanal"), _("Status"), _("Coba"), _("Coba lagi"), _("Galat terakhir"),
            _("Checksum"), _("Artefak"))
        self.action_reload()
        if self.live_seconds:
            self.set_interval(self.live_seconds, self._live, name="detail-live")

    def _live(self) -> None:
        if any(d["state"] not in SETTLED for d in self.item.get("deliveries", [])):
            self.action_reload()

    def action_reload(self) -> None:
        """Read the item in a worker."""
        self.call("item", self.w.get_item, self.item_id, self.uid)

    def show_item(self, item: dict) -> None:
        """Fill the header and both tables."""
        self.item = item
        head = [f"[b]{item['title']}[/b]",
                _("Nomor: {n} · Status: {s} · Revisi {r}", n=item["number"] or "—",
                  s=state_label(item["state"]), r=item["revision"]),
                _("Klasifikasi: {k} · Sasaran: {t} · Penyusun: {a}",
                  k=klas_label(item["klasifikasi"]), t=item["sasaran"], a=item["author_name"])]
        if item["revoked_at"]:
            head.append(_("Dicabut {w}: {r}", w=when(item["revoked_at"], self.tz),
                          r=item["revoked_reason"]))
        self.query_one("#item-head", Static).update("\n".join(head))
        steps = self.query_one("#timeline", DataTable)
        steps.clear()
        for st in item["steps"]:
            sla = sla_label(st)
            steps.add_row(clip(step_label(st["step"]), 22), clip(st["actor_name"] or "—", 18),
                          decision_label(st["decision"]),
                          Text(sla, style="red" if st["sla_met"] is False else ""),
                          when_short(st["decided_at"], self.tz),
                          when_short(st["started_at"], self.tz), clip(st["note"], 40))
        table = self.query_one("#deliveries", DataTable)
        cursor = table.cursor_row
        table.clear()
        for d in item["deliveries"]:
            artifacts = ", ".join(str(a.get("path", a)) if isinstance(a, dict) else str(a)
                                  for a in d["artifacts"]) or "—"
            table.add_row(channel_label(d["channel"]), delivery_label(d["state"]),
                          str(d["attempts"]), when_short(d["next_attempt_at"], self.tz),
                          clip(d["last_error"], 24) or "—", (d["sha256"] or "—")[:12],
                          clip(artifacts, 60),
                          key=d["channel"])
        if item["deliveries"]:
            table.move_cursor(row=min(max(cursor, 0), table.row_count - 1))

    def _selected_delivery(self) -> dict | None:
        table = self.query_one("#deliveries", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next((d for d in self.item.get("deliveries", []) if d["channel"] == key), None)

    def action_redrive(self) -> None:
        """PPID sends the selected parked delivery again."""
        from kiosk.backbone import redrive

        delivery = self._selected_delivery()
        if delivery is None:
            self.notify(_("Pilih pengiriman di tabel terlebih dahulu."), severity="warning")
            return
        self.call("redrive", redrive, self.w, self.uid, self.item_id, delivery["channel"])

    def show_redrive(self, _result: object) -> None:
        """Queued again."""
        self.notify(_("Pengiriman dijadwalkan ulang."))
        self.action_reload()

    def action_revoke(self) -> None:
        """Kepala Dinas revokes with a reason."""
        from kiosk.dialogs.note import NoteDialog

        self.app.push_screen(NoteDialog(
            _("Cabut pengumuman #{id}? Pencabutan dikirim ke setiap kanal. Tulis alasannya:",
              id=self.item_id), _("Pencabutan wajib disertai alasan"), _("Cabut")), self._revoked)

    def _revoked(self, reason: str | None) -> None:
        if reason:
            self.call("revoke", self.w.revoke, self.uid, self.item_id, reason)

    def show_revoke(self, _result: None) -> None:
        """Revoked: show the new state."""
        self.notify(_("Pengumuman #{id} dicabut.", id=self.item_id))
        self.action_reload()

    def action_correct(self) -> None:
        """Start a correction (ralat) in the editor."""
        from kiosk.screens.editor import EditorScreen

        self.app.push_screen(EditorScreen(corrects_id=self.item_id))

    def action_back(self) -> None:
        """Back to where the user came from."""
        self.app.pop_screen()
