"""Beranda: "Perlu tindakan" (what waits for me with the SLA countdown, and per role the parked
deliveries, proofs pending, silent screens, overdue steps of those I supervise, DIP proposals:
:class:`shared.services.todo.ActionList`), its count in the top bar, counts per state,
dispositions, notices. Enter on a line opens where it is fixed. A notice (a return note above
all) is shown in full, wrapped: the reason to redo the work is never cut off with "…"."""

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

    todo: list[dict]
    """The "Perlu tindakan" lines (:meth:`shared.services.todo.ActionList.lines`)."""
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
        yield Static(self.top_bar(_("Beranda")), classes="topbar", id="home-top")
        yield Static("", id="counts")
        yield Label(_("Perlu tindakan"), classes="section", id="todo-label")
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
        for label, width in ((_("No."), 4), (_("Perihal"), room), (_("Tahap"), 25),
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
        w, uid, now = self.w, self.uid, self.app.clock()
        # the sweep of overdue steps rides on the home's refresh (shared.services.todo says why);
        # first, so a notice it writes is in the inbox read below. The kiosk's clock is the one
        # its countdowns show (a frozen one in the snapshots)
        w.todo.notify_overdue(now)
        return HomeData(todo=w.todo.lines(uid, now), dispositions=w.queries.dispositions_for(uid),
                        inbox=w.queries.inbox(uid)[:3])

    def show_counts(self, counts: dict[str, int]) -> None:
        """One line of counts per state."""
        parts = [f"{short_state(st)} {counts.get(st.value, 0)}" for st in State]
        self.query_one("#counts", Static).update(" · ".join(parts))

    def show_home(self, data: HomeData) -> None:
        """Fill the tables from one load."""
        if self.app.user is None:  # locked while the load ran: this screen is being closed
            return
        now = self.app.clock()
        table = self.query_one("#waiting", DataTable)
        cursor = table.cursor_row
        table.clear()
        room = self.title_room
        self.todo = {line["key"]: line for line in data.todo}
        for line in data.todo:
            if line["due_at"]:
                text, overdue = countdown(line["due_at"], now)
                mark = Text(text, style="bold red" if overdue else "green")
            else:  # a delivery, a screen, the DIP: waiting now, no time limit of its own
                mark = Text("—")
            # a waiting line names its step; the others their kind (the text says the rest)
            what = step_label(line["step"]) if line["kind"] == "waiting" else line["label"]
            table.add_row(str(line["item_id"] or ""), clip(line["text"], room), what, mark,
                          key=line["key"])
        if data.todo:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        else:
            table.add_row("", _("Tidak ada yang perlu Anda tindak lanjuti."), "", "")
        self.query_one("#home-top", Static).update(
            f"{self.top_bar(_('Beranda'))} · {_('Perlu tindakan: {n}', n=len(data.todo))}")
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
        """Open where the chosen line is fixed, or draft from the chosen disposition."""
        key = event.row_key.value
        if not key:
            return
        if event.data_table.id == "waiting":
            line = getattr(self, "todo", {}).get(key)
            if line is not None:
                self.open_fix(line)
        elif self.role == Role.PELAKSANA:
            from kiosk.screens.editor import EditorScreen

            self.app.push_screen(EditorScreen(disposition_id=int(key)))

    def open_fix(self, line: dict) -> None:
        """Open the screen a "Perlu tindakan" line names (``fix``): the review, the editor, the
        announcement's detail (where the PPID re-drives), the monitor, or Rekap & Arsip."""
        fix, item_id = line["fix"], line["item_id"]
        if fix == "monitor":
            self.action_monitor()
        elif fix == "records":
            self.action_records()
        elif fix == "detail" and item_id:
            from kiosk.screens.detail import DetailScreen

            self.app.push_screen(DetailScreen(item_id))
        elif item_id:  # review or editor: as the role may act on it now
            self.open_item(item_id, line["item_state"] or "")

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
