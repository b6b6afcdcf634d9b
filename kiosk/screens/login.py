"""Masuk: sign in with username and password; in demo mode the demo accounts are listed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Static

from kiosk.format import name_case, role_label
from kiosk.screens.base import WartaScreen
from kiosk.widgets.keybar import KeyBar
from shared.i18n import _


class LoginScreen(WartaScreen):
    """The sign-in screen (also where the idle lock returns to)."""

    BINDINGS = [Binding("escape", "clear", _("Kosongkan"))]

    def __init__(self, notice: str | None = None) -> None:
        super().__init__()
        self.notice = notice

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(_("WARTA — Penyebarluasan Informasi Publik"), id="login-title")
            yield Static(name_case(self.app.services.profile.unit), id="login-agency")
            yield Input(placeholder=_("Nama pengguna"), id="username")
            yield Input(placeholder=_("Kata sandi"), password=True, id="password")
            with Horizontal(id="login-actions"):
                yield Button(_("Masuk"), variant="primary", id="login")
                yield Label("", id="login-error")
        yield DataTable(id="demo-accounts", cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        """Focus the username and look up whether this home has demo accounts."""
        self.query_one("#demo-accounts").display = False
        self.query_one("#username", Input).focus()
        if self.notice:
            self.query_one("#login-error", Label).update(self.notice)
        self.call("demo", self._demo_accounts)

    def _demo_accounts(self) -> list[tuple[str, str, str]]:
        passwords = self.w.demo_passwords()
        if not passwords:
            return []
        roles = {u["username"]: u["role"] for u in self.w.list_users()}
        return [(name, role_label(roles.get(name, "")), pw) for name, pw in passwords.items()
                if name in roles]

    def show_demo(self, accounts: list[tuple[str, str, str]]) -> None:
        """Demo mode only: list the demo accounts with their passwords."""
        table = self.query_one("#demo-accounts", DataTable)
        table.clear(columns=True)
        if not accounts:
            return
        table.display = True  # before the rows, so the auto height counts them
        # fixed widths: a table that sizes itself to its rows redraws once they arrive
        for label, width in ((_("Akun demo"), 12), (_("Peran"), 14), (_("Kata sandi"), 24)):
            table.add_column(label, width=width)
        for row in accounts:
            table.add_row(*row)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the username moves on; in the password signs in."""
        if event.input.id == "username":
            self.query_one("#password", Input).focus()
        else:
            self.action_login()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The Masuk button."""
        if event.button.id == "login":
            self.action_login()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Choosing a demo account fills the form."""
        name, _role, password = event.data_table.get_row(event.row_key)
        self.query_one("#username", Input).value = name
        self.query_one("#password", Input).value = password
        self.query_one("#password", Input).focus()

    def action_login(self) -> None:
        """Check the credentials in a worker."""
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username or not password:
            self.query_one("#login-error", Label).update(_("Isi nama pengguna dan kata sandi."))
            return
        self.query_one("#login-error", Label).update(_("Memeriksa…"))
        self.call("login", self.w.authenticate, username, password)

    def show_login(self, user: dict) -> None:
        """Signed in: open the home screen."""
        self.app.login(user)

    def failed_login(self, error: str) -> None:
        """Wrong credentials: say so, clear the password."""
        self.query_one("#login-error", Label).update(error)
        self.query_one("#password", Input).value = ""
        self.query_one("#password", Input).focus()

    def action_clear(self) -> None:
        """Empty both fields."""
        for name in ("#username", "#password"):
            self.query_one(name, Input).value = ""
        self.query_one("#username", Input).focus()
