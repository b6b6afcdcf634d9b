"""F1: every key of every screen, in the user's language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from shared.i18n import N_, _


KEY_NAMES = {"ctrl": "Ctrl", "escape": "Esc", "enter": "Enter", "pagedown": "PgDn",
             "pageup": "PgUp", "slash": "/"}


def _key(name: str) -> str:
    """'ctrl+s' → 'Ctrl+S', 'f1' → 'F1'."""
    return "+".join(KEY_NAMES.get(p, p.upper() if len(p) <= 3 else p) for p in name.split("+"))


def all_keys() -> list[tuple[str, str, str]]:
    """(where, key, what) for the whole kiosk."""
    from kiosk.app import WartaKiosk
    from kiosk.screens.detail import DetailScreen
    from kiosk.screens.editor import EditorScreen
    from kiosk.screens.home import HomeScreen
    from kiosk.screens.items import ItemListScreen
    from kiosk.screens.login import LoginScreen
    from kiosk.screens.monitor import MonitorScreen
    from kiosk.screens.records import RecordsScreen
    from kiosk.screens.review import ReviewScreen

    places = [(_("Semua layar"), WartaKiosk), (_("Masuk"), LoginScreen), (_("Beranda"), HomeScreen),
              (_("Daftar/Cari"), ItemListScreen), (_("Editor"), EditorScreen),
              (_("Pemeriksaan"), ReviewScreen), (_("Detail"), DetailScreen),
              (_("Pemantauan"), MonitorScreen), (_("Rekap & Arsip"), RecordsScreen)]
    rows = []
    for where, cls in places:
        for b in cls.BINDINGS:
            b = b if isinstance(b, Binding) else Binding(*b)
            rows.append((where, _key(b.key), _(b.description)))
    rows += [(_("Tabel"), "↑ ↓ Enter", _("Pilih baris / buka")),
             (_("Formulir"), "Tab", _("Isian berikutnya"))]
    return rows


class HelpDialog(ModalScreen[None]):
    """The key list; Esc or F1 closes it."""

    BINDINGS = [Binding("escape", "close", N_("Tutup")), Binding("f1", "close", N_("Tutup"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static(_("Tombol — tekan Esc untuk menutup"), classes="dialog-text")
            yield DataTable(id="keys", cursor_type="row", show_cursor=False)

    def on_mount(self) -> None:
        """Fill the table."""
        table = self.query_one("#keys", DataTable)
        table.add_columns(_("Layar"), _("Tombol"), _("Fungsi"))
        for row in all_keys():
            table.add_row(*row)
        table.focus()

    def action_close(self) -> None:
        """Back to where the user was."""
        self.dismiss(None)
