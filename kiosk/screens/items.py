"""Daftar/Cari: every announcement, paged through the database, filtered by state (every
announcement state, and every delivery state: "Pengiriman: Ditahan (parkir)" lists the items with a
parked delivery), classification, month and text (Textual's DataTable would take seconds at
100,000 rows). Every filter is applied in SQL by :meth:`shared.services.queries.Queries.list_items`."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Select, Static

from kiosk.format import clip, klas_label, short_state, state_label, when_short
from kiosk.screens.base import WartaScreen
from kiosk.widgets.keybar import KeyBar
from shared.classification import Klasifikasi
from shared.i18n import N_, _
from shared.vocab import DeliveryState, label
from shared.workflow import State

PAGE_SIZE = 50
"""Rows per page: one query each, so a page costs the same at 100 or 100,000 rows."""

DELIVERY_FILTER = "delivery:"
"""The status filter's prefix of a delivery state (the others are announcement states)."""


def status_choices() -> list[tuple[str, str]]:
    """The status filter: every announcement state, then every delivery state (parked first:
    what waits for a person)."""
    deliveries = sorted(DeliveryState, key=lambda d: d != DeliveryState.PARKED)
    return [(state_label(s), s.value) for s in State] + [
        (_("Pengiriman: {state}", state=label(d)), DELIVERY_FILTER + d.value) for d in deliveries]


class ItemListScreen(WartaScreen):
    """Search and filters over all announcements the user may read."""

    BINDINGS = [
        Binding("escape", "back", N_("Kembali")),
        Binding("f8", "next_page", N_("Hal. berikut")),
        Binding("f7", "prev_page", N_("Hal. sebelum")),
        Binding("f5", "reload", N_("Muat ulang")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.page = 0
        self.rows_on_page = 0

    def compose(self) -> ComposeResult:
        yield Static(self.top_bar(_("Daftar/Cari")), classes="topbar")
        with Horizontal(id="filters"):
            yield Select(status_choices(), prompt=_("Status"), id="f-state")
            yield Select([(klas_label(k), k.value) for k in Klasifikasi], prompt=_("Klasifikasi"),
                         id="f-klas")
            yield Input(placeholder=_("Bulan (TTTT-BB)"), id="f-month", max_length=7)
            yield Input(placeholder=_("Cari judul/nomor"), id="f-text")
        yield DataTable(id="items", cursor_type="row", zebra_stripes=True)
        yield Static("", id="page")
        yield KeyBar()

    def on_mount(self) -> None:
        """Columns and the first page."""
        self.query_one("#items", DataTable).add_columns(
            _("No."), _("Judul"), _("Status"), _("Nomor"), _("Klasifikasi"), _("Dibuat"))
        self.action_reload()

    def filters(self) -> dict | None:
        """The filters as the service takes them, or None (with a notice) when the month is bad."""
        state = self.query_one("#f-state", Select).value
        klas = self.query_one("#f-klas", Select).value
        month = self.query_one("#f-month", Input).value.strip()
        if month and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            self.query_one("#page", Static).update(_("Bulan harus berformat TTTT-BB, mis. 2026-11"))
            return None
        state = None if state == Select.NULL else str(state)
        delivery = None
        if state and state.startswith(DELIVERY_FILTER):
            state, delivery = None, state.removeprefix(DELIVERY_FILTER)
        return {"state": state, "delivery": delivery,
                "klasifikasi": None if klas == Select.NULL else klas,
                "month": month or None, "text": self.query_one("#f-text", Input).value.strip() or None}

    def on_select_changed(self, _event: Select.Changed) -> None:
        """A new filter starts again at page one."""
        self.page = 0
        self.action_reload()

    def on_input_changed(self, _event: Input.Changed) -> None:
        """Searching as you type (the newest query wins; older answers are dropped)."""
        self.page = 0
        self.action_reload()

    def action_reload(self) -> None:
        """Read the current page in a worker."""
        filters = self.filters()
        if filters is not None:
            self.call(self.w.queries.list_items, self.uid, offset=self.page * PAGE_SIZE,
                      limit=PAGE_SIZE + 1, done=self.show_page, key="page", **filters)

    def show_page(self, rows: list[dict]) -> None:
        """Show one page (one extra row was read to know whether another page follows)."""
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        self.rows_on_page = len(rows)
        table = self.query_one("#items", DataTable)
        table.clear()
        room = max(20, self.size.width - 50)
        for r in rows:
            table.add_row(str(r["id"]), clip(r["title"], room), short_state(r["state"]),
                          r["number"] or "—", klas_label(r["klasifikasi"]),
                          when_short(r["created_at"], self.tz),
                          key=f"{r['id']}:{r['state']}")
        first = self.page * PAGE_SIZE + 1
        text = _("Halaman {p}: baris {a}–{b}", p=self.page + 1, a=first if rows else 0,
                 b=self.page * PAGE_SIZE + len(rows))
        if more:
            text += " · " + _("F8 halaman berikutnya")
        self.has_more = more
        self.query_one("#page", Static).update(text)

    def action_next_page(self) -> None:
        """The next page, if there is one."""
        if getattr(self, "has_more", False):
            self.page += 1
            self.action_reload()

    def action_prev_page(self) -> None:
        """The previous page."""
        if self.page:
            self.page -= 1
            self.action_reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Open the chosen announcement."""
        item_id, state = event.row_key.value.split(":")
        self.open_item(int(item_id), state)

    def action_back(self) -> None:
        """Back to the home screen."""
        self.app.pop_screen()
