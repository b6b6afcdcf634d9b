"""Pemantauan: per channel, what waits, queue depth, last confirmation, failures and parked
deliveries; each parked delivery by name (item, title, channel, reason), Enter opening the item's
detail where the PPID sends it again; and whether each videotron screen still reports what it
shows; refreshing live."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from kiosk.format import channel_label, clip, when
from kiosk.screens.base import WartaScreen
from kiosk.widgets.keybar import KeyBar
from shared.i18n import N_, _
from shared.vocab import DeliveryState

REFRESH_SECONDS = 2.0
"""How often the monitor reads the counts again."""


class MonitorScreen(WartaScreen):
    """The channel monitor."""

    BINDINGS = [Binding("escape", "back", N_("Kembali")), Binding("r", "reload", N_("Muat ulang"))]

    CSS = """
    MonitorScreen #parked-items { height: 1fr; min-height: 3; }
    """
    """The parked deliveries take the room the channel table leaves."""

    def __init__(self, refresh_seconds: float = REFRESH_SECONDS) -> None:
        super().__init__()
        self.refresh_seconds = refresh_seconds

    def compose(self) -> ComposeResult:
        yield Static(self.top_bar(_("Pemantauan kanal")), classes="topbar")
        yield DataTable(id="monitor", cursor_type="row")
        yield Static("", id="parked-list", classes="hint")
        yield Label(_("Pengiriman diparkir"), classes="section", id="parked-label")
        yield DataTable(id="parked-items", cursor_type="row", zebra_stripes=True)
        yield Static("", id="screens", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        """Columns, first read, live refresh."""
        self.query_one("#monitor", DataTable).add_columns(
            _("Kanal"), _("Menunggu"), _("Antrean"), _("Konfirmasi terakhir"), _("Gagal"),
            _("Diparkir"), _("Terkonfirmasi"))
        room = max(16, self.app.size.width - 50)
        parked = self.query_one("#parked-items", DataTable)
        for label, width in ((_("No."), 5), (_("Judul"), room), (_("Kanal"), 14),
                             (_("Alasan"), 24)):
            parked.add_column(label, width=width)
        self.show_parked([])
        self.action_reload()
        if self.refresh_seconds:
            self.set_interval(self.refresh_seconds, self.action_reload, name="monitor-refresh")

    def action_reload(self) -> None:
        """Read the counts in a worker."""
        self.call(self.w.monitor.channel_status, self.uid, done=self.show_status, key="status")
        self.call(self.w.monitor.screen_status, self.uid, done=self.show_screens, key="screens")
        self.call(self.w.monitor.named_deliveries, self.uid, DeliveryState.PARKED,
                  done=self.show_parked, key="parked")

    def show_parked(self, rows: list[dict]) -> None:
        """Each parked delivery by name; the table is shown only when there is one."""
        table = self.query_one("#parked-items", DataTable)
        cursor = table.cursor_row
        table.clear()
        room = max(16, self.app.size.width - 50)
        for d in rows:
            where = channel_label(d["channel"]) + (f"/{d['endpoint']}" if d["endpoint"] else "")
            table.add_row(str(d["announcement_id"]), clip(d["title"], room), clip(where, 14),
                          Text(clip(d["reason"] or "—", 24), style="yellow"),
                          key=f"{d['id']}:{d['announcement_id']}")
        if rows:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        table.display = self.query_one("#parked-label").display = bool(rows)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a parked delivery: its announcement's detail (the PPID's re-drive is there)."""
        if event.data_table.id != "parked-items" or not event.row_key.value:
            return
        from kiosk.screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(int(event.row_key.value.split(":")[1])))

    def show_screens(self, rows: list[dict]) -> None:
        """One line per videotron screen: reporting, or silent (nothing proves it shows slides)."""
        parts = []
        for r in rows:
            since = (_("{n} mnt lalu", n=int(r["minutes"])) if r["minutes"] is not None
                     else _("belum pernah"))
            text = Text(f"{r['screen']}: {_(r['status'])} ({since})",
                        style="bold red" if r["silent"] else "green")
            parts.append(text)
        label = Text(_("Layar videotron: ")) if parts else Text("")
        self.query_one("#screens", Static).update(Text("  ").join([label, *parts]) if parts else "")

    def show_status(self, rows: list[dict]) -> None:
        """Fill the table."""
        table = self.query_one("#monitor", DataTable)
        table.clear()
        for r in rows:
            table.add_row(channel_label(r["channel"]), str(r["pending"]), str(r["queue_depth"]),
                          when(r["last_confirmed_at"], self.tz),
                          Text(str(r["failed"]), style="bold red" if r["failed"] else ""),
                          Text(str(r["parked"]), style="bold yellow" if r["parked"] else ""),
                          str(r["confirmed"]), key=r["channel"])
        parked = sum(r["parked"] for r in rows)
        pending_proofs = sum(r.get("proof_pending", 0) for r in rows)
        lines = [_("{n} pengiriman diparkir; buka detail pengumuman untuk mengirim ulang (PPID).",
                   n=parked)] if parked else []
        if pending_proofs:  # the archive disk: it files itself once space returns
            lines.append(_("{n} bukti tertunda: ruang disk arsip penuh atau tidak dapat ditulis; "
                           "bukti diarsipkan sendiri setelah diperbaiki.", n=pending_proofs))
        self.query_one("#parked-list", Static).update("\n".join(lines))

    def action_back(self) -> None:
        """Back to the home screen."""
        self.app.pop_screen()
