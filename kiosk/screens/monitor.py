"""Pemantauan: per channel, what waits, queue depth, last confirmation, failures and parked
deliveries, and whether each videotron screen still reports what it shows; refreshing live."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from kiosk.format import channel_label, when
from kiosk.screens.base import WartaScreen
from kiosk.widgets.keybar import KeyBar
from shared.i18n import N_, _

REFRESH_SECONDS = 2.0
"""How often the monitor reads the counts again."""


class MonitorScreen(WartaScreen):
    """The channel monitor."""

    BINDINGS = [Binding("escape", "back", N_("Kembali")), Binding("r", "reload", N_("Muat ulang"))]

    def __init__(self, refresh_seconds: float = REFRESH_SECONDS) -> None:
        super().__init__()
        self.refresh_seconds = refresh_seconds

    def compose(self) -> ComposeResult:
        yield Static(self.top_bar(_("Pemantauan kanal")), classes="topbar")
        yield DataTable(id="monitor", cursor_type="row")
        yield Static("", id="parked-list", classes="hint")
        yield Static("", id="screens", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        """Columns, first read, live refresh."""
        self.query_one("#monitor", DataTable).add_columns(
            _("Kanal"), _("Menunggu"), _("Antrean"), _("Konfirmasi terakhir"), _("Gagal"),
            _("Diparkir"), _("Terkonfirmasi"))
        self.action_reload()
        if self.refresh_seconds:
            self.set_interval(self.refresh_seconds, self.action_reload, name="monitor-refresh")

    def action_reload(self) -> None:
        """Read the counts in a worker."""
        self.call(self.w.monitor.channel_status, self.uid, done=self.show_status, key="status")
        self.call(self.w.monitor.screen_status, self.uid, done=self.show_screens, key="screens")

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
