"""Detail: the announcement's version and, when it has a history, every version with its public
state; the timeline of every step (actor, time, SLA met or missed) and per-channel deliveries
(kind, state, attempts, next retry, last error, artifacts, checksum). A step's note (a return
note above all) is shown in full, wrapped in its column. PPID re-drives a parked delivery; Kepala
Dinas revokes with a reason and starts a correction."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from kiosk.format import (channel_label, clip, decision_label, delivery_label, kind_label,
                          klas_label, public_state_label, sasaran_label, sla_label, state_label,
                          step_label, when, when_short)
from kiosk.screens.base import WartaScreen
from kiosk.widgets.keybar import KeyBar
from shared.i18n import N_, _
from shared.vocab import DeliveryState, Kind, PublicState, VersionKind

NOTE_MIN_WIDTH = 36
"""The timeline's note column is at least this wide; wider terminals give it the rest."""
LIVE_SECONDS = 2.0
"""While deliveries are unsettled the detail reads them again this often."""
SETTLED = {DeliveryState.CONFIRMED, DeliveryState.PARKED, DeliveryState.REVOKED,
           DeliveryState.SUPERSEDED}
"""Delivery states the live refresh stops for (a confirmed pencabutan is ``revoked``; a message
overtaken by a newer version is ``superseded``)."""


class DetailScreen(WartaScreen):
    """Everything about one announcement."""

    BINDINGS = [
        Binding("escape", "back", N_("Kembali")),
        Binding("r", "reload", N_("Muat ulang")),
        Binding("u", "redrive", N_("Kirim ulang")),
        Binding("t", "printed", N_("Sudah tercetak")),
        Binding("c", "revoke", N_("Cabut")),
        Binding("e", "correct", N_("Ralat")),
    ]

    def __init__(self, item_id: int, live_seconds: float = LIVE_SECONDS) -> None:
        super().__init__()
        self.item_id = item_id
        self.item: dict = {}
        self.live_seconds = live_seconds

    def compose(self) -> ComposeResult:
        yield Static(self.top_bar(_("Detail #{id}", id=self.item_id)), classes="topbar")
        yield Static(_("Memuat…"), id="item-head")
        yield Label(_("Riwayat versi"), classes="section", id="versions-label")
        yield DataTable(id="versions", cursor_type="none", zebra_stripes=True)
        yield Label(_("Linimasa"), classes="section")
        yield DataTable(id="timeline", cursor_type="none", zebra_stripes=True)
        yield Label(_("Pengiriman per kanal"), classes="section")
        yield DataTable(id="deliveries", cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        """Columns, first load, and the live refresh while deliveries are unsettled."""
        timeline = self.query_one("#timeline", DataTable)
        timeline.add_columns(_("Tahap"), _("Pelaku"), _("Keputusan"), _("SLA"), _("Diputuskan"),
                             _("Mulai"))
        # a fixed width makes a long note wrap onto more lines of its row instead of being cut
        timeline.add_column(_("Catatan"), width=max(NOTE_MIN_WIDTH, self.app.size.width - 95),
                            key="note")
        self.query_one("#versions", DataTable).add_columns(
            _("Versi"), _("Nomor"), _("Jenis"), _("Status publik"))
        for widget in self.query("#versions, #versions-label"):
            widget.display = False  # until the item shows it has a history
        self.query_one("#deliveries", DataTable).add_columns(
            _("Kanal"), _("Jenis"), _("Status"), _("Coba"), _("Coba lagi"), _("Galat terakhir"),
            _("Checksum"), _("Artefak"))
        self.action_reload()
        if self.live_seconds:
            self.set_interval(self.live_seconds, self._live, name="detail-live")

    def _live(self) -> None:
        if any(d["state"] not in SETTLED for d in self.item.get("deliveries", [])):
            self.action_reload()

    def action_reload(self) -> None:
        """Read the item in a worker."""
        self.call(self.w.queries.get_item, self.item_id, self.uid, done=self.show_item, key="item")

    def show_item(self, item: dict) -> None:
        """Fill the header and both tables."""
        self.item = item
        head = [f"[b]{item['title']}[/b]",
                _("Nomor: {n} · Status: {s} · Revisi {r}", n=item["number"] or "—",
                  s=state_label(item["state"]), r=item["revision"]),
                _("Klasifikasi: {k} · Sasaran: {t} · Penyusun: {a}",
                  k=klas_label(item["klasifikasi"]), t=sasaran_label(item["sasaran"]), a=item["author_name"])]
        version = self._version_line(item)
        if version:
            head.insert(2, version)
        if item["revoked_at"]:
            head.append(_("Dicabut {w}: {r}", w=when(item["revoked_at"], self.tz),
                          r=item["revoked_reason"]) + " · "
                        + _("Pencabutan berlaku untuk pengumuman ini beserta semua versinya."))
        self.query_one("#item-head", Static).update("\n".join(head))
        self._show_versions(item)
        steps = self.query_one("#timeline", DataTable)
        steps.clear()
        for st in item["steps"]:
            sla = sla_label(st)
            steps.add_row(clip(step_label(st["step"]), 22), clip(st["actor_name"] or "—", 18),
                          decision_label(st["decision"]),
                          Text(sla, style="red" if st["sla_met"] is False else ""),
                          when_short(st["decided_at"], self.tz),
                          when_short(st["started_at"], self.tz), Text(st["note"] or ""),
                          height=None)
        table = self.query_one("#deliveries", DataTable)
        cursor = table.cursor_row
        table.clear()
        # per channel the publication (or ralat) first, then its pencabutan
        for d in sorted(item["deliveries"], key=lambda d: (d["kind"] == Kind.REVOKE, d["channel"])):
            artifacts = ", ".join(str(a.get("path", a)) if isinstance(a, dict) else str(a)
                                  for a in d["artifacts"]) or "—"
            # a channel has a publication (or ralat) AND, once revoked, a pencabutan
            table.add_row(channel_label(d["channel"]), kind_label(d["kind"]),
                          delivery_label(d["state"]),
                          str(d["attempts"]), when_short(d["next_attempt_at"], self.tz),
                          clip(d["last_error"], 24) or "—", (d["sha256"] or "—")[:12],
                          clip(artifacts, 60),
                          key=f"{d['kind']}:{d['channel']}")
        if item["deliveries"]:
            table.move_cursor(row=min(max(cursor, 0), table.row_count - 1))

    @staticmethod
    def _version_line(item: dict) -> str:
        """'Versi 2 · Berlaku · Ralat atas 001/... (versi 1)', or nothing for a draft that is
        not a ralat."""
        parts = []
        if item.get("version"):
            parts.append(_("Versi {v}", v=item["version"]))
        corrects = item.get("corrects")
        if parts or corrects:
            parts.append(public_state_label(item.get("public_state", "")))
        if corrects:
            parts.append(_("Ralat atas {n} (versi {v})", n=corrects["number"] or "—",
                           v=corrects["version"] or "—"))
        return " · ".join(parts)

    def _show_versions(self, item: dict) -> None:
        """Every version of the announcement (and its pencabutan), when there is more than one."""
        rows = item.get("versions") or []
        shown = len(rows) > 1 or bool(item.get("revoked_version"))
        for widget in self.query("#versions, #versions-label"):
            widget.display = shown
        self.set_class(shown, "with-history")  # a shorter timeline leaves room at 80×24
        table = self.query_one("#versions", DataTable)
        table.clear()
        if not shown:
            return
        for v in rows:
            mark = "» " if v["id"] == item["id"] else ""
            table.add_row(f"{mark}{v['version'] or '—'}", v["number"] or f"#{v['id']}",
                          kind_label(Kind.UPDATE if v["kind"] == VersionKind.RALAT else Kind.PUBLISH),
                          public_state_label(v["public_state"]))
        if item.get("revoked_version"):
            table.add_row(str(item["revoked_version"]), "—", kind_label(Kind.REVOKE),
                          public_state_label(PublicState.REVOKED))

    def _selected_delivery(self) -> dict | None:
        table = self.query_one("#deliveries", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        return next((d for d in self.item.get("deliveries", [])
                     if f"{d['kind']}:{d['channel']}" == key), None)

    def action_redrive(self, printed: bool = False) -> None:
        """PPID sends the selected parked delivery again (a paper job that may already be out:
        prints it again)."""
        delivery = self._selected_delivery()
        if delivery is None:
            self.notify(_("Pilih pengiriman di tabel terlebih dahulu."), severity="warning")
            return
        self.call(self.w.redrive.send_again_item, self.uid, self.item_id, delivery["channel"],
                  delivery["kind"], printed, done=self.show_redrive, key="redrive")

    def action_printed(self) -> None:
        """PPID has checked that a job set aside as "mungkin sudah tercetak" is on the board:
        its proof is filed and nothing is printed again."""
        self.action_redrive(printed=True)

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
            self.call(self.w.review.revoke, self.uid, self.item_id, reason,
                      done=self.show_revoke, key="revoke")

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
