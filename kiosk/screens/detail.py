"""Detail: the announcement's version and, when it has a history, every version with its public
state; the timeline of every step (actor, time, SLA met or missed) and per-channel deliveries
(kind, state, attempts, next retry, last error, checksum, number of proof files), then every
proof file of every delivery (name and size, the archive folder once): Enter opens one in the
viewer (kiosk/screens/artefacts.py), ``d`` downloads it, ``k`` the kartu kontrol or tanda terima.
A step's note (a return note above all) is shown in full, wrapped in its column. PPID re-drives a
parked delivery; Kepala Dinas revokes with a reason and starts a correction."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from kiosk.format import (clip, decision_label, delivery_label, kind_label, klas_label,
                          public_state_label, sasaran_label, sla_label, state_label, step_label,
                          when, when_short)
from kiosk.screens.artefacts import (ArtefactRef, ArtefactScreen, artefacts_of, common_folder,
                                     content_label, deliver, place_label, size_text)
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
        # the live refresh reads unsettled deliveries again; the key stays (F1) off the bar
        Binding("r", "reload", N_("Muat ulang"), show=False),
        Binding("u", "redrive", N_("Kirim ulang")),
        Binding("t", "printed", N_("Sudah tercetak")),
        Binding("c", "revoke", N_("Cabut")),
        Binding("e", "correct", N_("Ralat")),
        Binding("d", "download", N_("Unduh")),
        Binding("k", "documents", N_("Kartu")),
    ]
    # natural heights: on a short terminal (80×24) the screen scrolls, and moving the focus to
    # the artefact table (Tab) brings the whole list into view instead of squeezing it to a row
    CSS = """
    DetailScreen #deliveries { height: auto; max-height: 7; min-height: 3; }
    DetailScreen #artefacts { height: auto; max-height: 16; min-height: 3; }
    DetailScreen #artefact-folder { height: auto; padding: 0 1; }
    """

    def __init__(self, item_id: int, live_seconds: float = LIVE_SECONDS) -> None:
        super().__init__()
        self.item_id = item_id
        self.item: dict = {}
        self.live_seconds = live_seconds
        self.artefacts: list[ArtefactRef] = []
        """Every proof file of the item's deliveries, in the order of the artefact table."""

    def compose(self) -> ComposeResult:
        yield Static(self.top_bar(_("Detail #{id}", id=self.item_id)), classes="topbar")
        yield Static(_("Memuat…"), id="item-head")
        yield Label(_("Riwayat versi"), classes="section", id="versions-label")
        yield DataTable(id="versions", cursor_type="none", zebra_stripes=True)
        yield Label(_("Linimasa"), classes="section")
        yield DataTable(id="timeline", cursor_type="none", zebra_stripes=True)
        yield Label(_("Pengiriman per kanal"), classes="section")
        yield DataTable(id="deliveries", cursor_type="row")
        yield Label(_("Artefak bukti (Enter: buka · d: unduh)"), classes="section")
        yield Static("", id="artefact-folder", classes="hint")
        yield DataTable(id="artefacts", cursor_type="row", zebra_stripes=True)
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
            _("Checksum"), _("Berkas"))
        # file names are never clipped: the name column takes the width it needs (scrolls)
        self.query_one("#artefacts", DataTable).add_columns(
            _("Kanal"), _("Nama berkas"), _("Ukuran"), _("Jenis isi"))
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
        for d in sorted(item["deliveries"], key=self._delivery_order):
            # a channel has a publication (or ralat) AND, once revoked, a pencabutan; a channel
            # with named endpoints (screens) one of each per endpoint
            table.add_row(place_label(d["channel"], d.get("endpoint")), kind_label(d["kind"]),
                          delivery_label(d["state"]),
                          str(d["attempts"]), when_short(d["next_attempt_at"], self.tz),
                          clip(d["last_error"], 24) or "—", (d["sha256"] or "—")[:12],
                          str(len(d["artifacts"])) if d["artifacts"] else "—",
                          key=self._delivery_key(d))
        if item["deliveries"]:
            table.move_cursor(row=min(max(cursor, 0), table.row_count - 1))
        self._show_artefacts(item)

    @staticmethod
    def _delivery_order(d: dict) -> tuple:
        return (d["kind"] == Kind.REVOKE, d["channel"], d.get("endpoint") or "")

    @staticmethod
    def _delivery_key(d: dict) -> str:
        return f"{d['kind']}:{d['channel']}:{d.get('endpoint') or ''}"

    def _show_artefacts(self, item: dict) -> None:
        """Every proof file, whole: channel (and kind), name under the folder shown once, size,
        what it holds."""
        refs = artefacts_of(item)
        table = self.query_one("#artefacts", DataTable)
        if refs == self.artefacts and table.row_count:
            return  # the live refresh changes nothing here: keep the cursor and scroll
        self.artefacts = refs
        cursor = table.cursor_row
        table.clear()
        folder = common_folder(refs, self.app.settings.archive)
        self.query_one("#artefact-folder", Static).update(
            _("Folder arsip: {p}", p=folder) if folder else
            _("Belum ada artefak: bukti disimpan setelah kanal mengonfirmasi penayangan."))
        for n, ref in enumerate(refs):
            # the kind only when it is not the publication itself (a ralat, a pencabutan)
            where = place_label(ref.channel, ref.endpoint)
            if ref.kind != Kind.PUBLISH:
                where += f" · {kind_label(ref.kind)}"
            table.add_row(where, ref.name, size_text(ref.size), content_label(ref.name), key=str(n))
        if refs:
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
                     if self._delivery_key(d) == key), None)

    # -- proof files and documents ---------------------------------------------------------------

    def _selected_artefact(self) -> ArtefactRef | None:
        table = self.query_one("#artefacts", DataTable)
        if not self.artefacts or not table.row_count:
            self.notify(_("Belum ada artefak untuk dibuka."), severity="warning")
            return None
        return self.artefacts[min(table.cursor_row, len(self.artefacts) - 1)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a proof file opens it in the viewer."""
        if event.data_table.id == "artefacts":
            event.stop()
            ref = self._selected_artefact()
            if ref is not None:
                self.app.push_screen(ArtefactScreen(ref))

    def action_download(self) -> None:
        """Download the selected proof file (bytes from the service, which checks the reader)."""
        ref = self._selected_artefact()
        if ref is None:
            return

        def read() -> bytes:
            return self.w.reports.proof_file(self.uid, ref.item_id, ref.channel, ref.kind, ref.name,
                                             ref.endpoint)["data"]

        self.call(read, done=lambda data: deliver(self, ref.filename, data), key="download")

    def action_documents(self) -> None:
        """The kartu kontrol or the tanda terima of this announcement, as a download."""
        from kiosk.screens.records_parts import ChoiceDialog, item_document

        def chosen(what: str | None) -> None:
            if what:
                self.call(item_document, self.w, what, self.item_id, self.uid,
                          done=lambda got: deliver(self, *got), key="document")

        self.app.push_screen(ChoiceDialog(_("Unduh dokumen pengumuman #{id}:", id=self.item_id),
                                          [("card", _("Kartu kontrol")),
                                           ("receipt", _("Tanda terima"))]), chosen)

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys a role cannot use are absent (bar, F1, palette): re-drives are the PPID's, the
        revocation the Kepala Dinas's, a ralat the Pelaksana's or the Kepala Dinas's; the services
        refuse anyone else all the same."""
        from shared.workflow import Role

        role = self.role
        allowed = {"redrive": role == Role.PPID, "printed": role == Role.PPID,
                   "revoke": role == Role.KADIS, "correct": role in (Role.PELAKSANA, Role.KADIS)}
        return allowed.get(action, True)

    def action_back(self) -> None:
        """Back to where the user came from."""
        self.app.pop_screen()
