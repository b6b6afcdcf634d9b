"""Beranda: what waits for me with the SLA countdown, counts per state, dispositions, notices.
A notice (a return note above all) is shown in full, wrapped: the reason to redo the work is never
cut off with "…"."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from kiosk.format import clip, countdown, short_state, step_label, when_short
from kiosk.screens.base import WartaScreen
from kiosk.widgets.keybar import KeyBar
from shared.i18n import N_, _
from shared.workflow import RECORDS_ROLES, Role, State

REFRESH_SECONDS = 30.0
"""The countdowns move; the lists are read again this often."""


@dataclass(frozen=True)
class HomeData:
    """One load of the home screen (rows as :class:`shared.services.queries.Queries` returns them)."""

    waiting: list[dict]
    dispositions: list[dict]
    inbox: list[dict]


class HomeScreen(WartaScreen):
    """The home screen of the signed-in user, per role."""

    BINDINGS = [
        Binding("n", "new", N_("Draf baru")),
        Binding("a", "assign", N_("Disposisi")),
        Binding("d", "list", N_("Daftar/Cari")),
        Binding("m", "monitor", N_("Pemantauan")),
        Binding("p", "records", N_("Rekap & Arsip")),
        Binding("r", "reload", N_("Muat ulang"), show=False),
    ]

    CSS = """
    HomeScreen #inbox { max-height: 12; }
    """
    """Room for three notices in full (kiosk.tcss keeps the inbox to three lines)."""

    def compose(self) -> ComposeResult:
        yield Static(self.top_bar(_("Beranda")), classes="topbar")
        yield Static("", id="counts")
        yield Label(_("Menunggu Anda"), classes="section")
        yield DataTable(id="waiting", cursor_type="row", zebra_stripes=True)
        yield Label(_("Disposisi"), classes="section", id="disp-label")
        yield DataTable(id="dispositions", cursor_type="row")
        yield Static("", id="inbox")
        yield KeyBar()

    def on_mount(self) -> None:
        """Columns, first load, and the periodic refresh of the countdowns."""
        # fixed widths from the terminal's width: the title and instructions get what is left
        room = self.title_room = max(20, self.app.size.width - 56)
        waiting = self.query_one("#waiting", DataTable)
        for label, width in ((_("No."), 4), (_("Judul"), room), (_("Tahap"), 25),
                             (_("Batas SLA"), 18)):
            waiting.add_column(label, width=width)
        disp = self.query_one("#dispositions", DataTable)
        for label, width in ((_("No."), 4), (_("Instruksi"), room), (_("Kepada"), 12),
                             (_("Batas"), 15), (_("Status"), 14)):
            disp.add_column(label, width=width)
        shows_disp = self.role in (Role.PELAKSANA, Role.KABID)
        self.query_one("#dispositions").display = shows_disp
        self.query_one("#disp-label").display = shows_disp
        self.set_interval(REFRESH_SECONDS, self.action_reload, name="home-refresh")

    def on_screen_resume(self) -> None:
        """Shown (first time or back from another screen): the data may have changed."""
        self.action_reload()

    def action_reload(self) -> None:
        """Read everything again: first what waits for the user, then (when that is shown) the
        counts over every row, so the two do not compete for the database and the GIL."""
        self.call(self._load, done=self.show_home, key="home")

    def _load(self) -> HomeData:
        w, uid = self.w, self.uid
        return HomeData(waiting=w.queries.waiting_for(uid), dispositions=w.queries.dispositions_for(uid),
                        inbox=w.queries.inbox(uid)[:3])

    def show_counts(self, counts: dict[str, int]) -> None:
        """One line of counts per state."""
        parts = [f"{short_state(st)} {counts.get(st.value, 0)}" for st in State]
        self.query_one("#counts", Static).update(" · ".join(parts))

    def show_home(self, data: HomeData) -> None:
        """Fill the tables from one load."""
        now = self.app.clock()
        table = self.query_one("#waiting", DataTable)
        cursor = table.cursor_row
        table.clear()
        room = self.title_room
        for item in data.waiting:
            text, overdue = countdown(item["due_at"], now)
            mark = Text(text, style="bold red" if overdue else "green")
            title = clip(("! " if item["priority"] > 1 else "") + item["title"], room)
            table.add_row(str(item["id"]), title, step_label(item["step"]), mark,
                          key=f"{item['id']}:{item['state']}")
        if data.waiting:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        else:
            table.add_row("", _("Tidak ada yang menunggu Anda."), "", "")
        disp = self.query_one("#dispositions", DataTable)
        disp.clear()
        for d in data.dispositions:
            text, overdue = countdown(d["due_at"], now) if not d["done"] else (_("selesai"), False)
            disp.add_row(str(d["id"]), clip(d["instructions"], room), d["assignee"],
                         when_short(d["due_at"], self.tz),
                         Text(text, style="bold red" if overdue else ""), key=str(d["id"]))
        self.call(self.w.monitor.state_counts, self.uid, done=self.show_counts, key="counts")
        # whole notices, wrapped by the widget: a return note says what to redo, all of it
        notices = [f"• {' '.join(n['message'].split())}" for n in data.inbox]
        self.query_one("#inbox", Static).update(
            Text("\n".join(notices)) if notices else _("Tidak ada pemberitahuan."))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Open the chosen announcement, or draft from the chosen disposition."""
        key = event.row_key.value
        if not key:
            return
        if event.data_table.id == "waiting":
            item_id, state = key.split(":")
            self.open_item(int(item_id), state)
        elif self.role == Role.PELAKSANA:
            from kiosk.screens.editor import EditorScreen

            self.app.push_screen(EditorScreen(disposition_id=int(key)))

    def action_new(self) -> None:
        """A new draft (Pelaksana; the key is absent for others, the services refuse them)."""
        from kiosk.screens.editor import EditorScreen

        self.app.push_screen(EditorScreen())

    def action_assign(self) -> None:
        """Disposisi to a Pelaksana (Kabid/Kasubag; the key is absent for others)."""
        from kiosk.dialogs.assign import AssignDialog

        self.app.push_screen(AssignDialog(), self._assigned)

    def _assigned(self, result: tuple[str, str] | None) -> None:
        if result:
            self.call(self.w.drafting.assign, self.uid, *result,
                      done=self.show_assign, key="assign")

    def show_assign(self, disposition_id: int) -> None:
        """The disposition was recorded."""
        self.notify(_("Disposisi #{id} terkirim.", id=disposition_id))
        self.action_reload()

    def action_list(self) -> None:
        """Search and filters."""
        from kiosk.screens.items import ItemListScreen

        self.app.push_screen(ItemListScreen())

    def action_monitor(self) -> None:
        """The channel monitor."""
        from kiosk.screens.monitor import MonitorScreen

        self.app.push_screen(MonitorScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys a role cannot use are absent: drafting is the Pelaksana's, the disposisi the
        Kabid/Kasubag's, Rekap & Arsip the PPID's and the Kepala Dinas's."""
        role = self.role
        allowed = {"new": role == Role.PELAKSANA, "assign": role == Role.KABID,
                   "records": role in RECORDS_ROLES}
        return allowed.get(action, True)

    def action_records(self) -> None:
        """The DIP, the monthly report and the sealed archive (PPID, Kepala Dinas)."""
        from kiosk.screens.records import RecordsScreen

        self.app.push_screen(RecordsScreen())
