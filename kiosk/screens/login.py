"""Masuk: sign in with username and password; in demo mode the demo accounts are listed (in a
terminal only: never to a browser).

Keys typed in one burst (a password manager's auto-type: username, Tab, password, Enter) must land
where a person typing slowly would put them. Textual forwards each key to the widget focused when
the app reads it and resolves an ordinary binding only after the key has bubbled back up from that
widget, so a burst read in one go went entirely into the username: the Tab moved the focus after
the password's characters had already been queued to the username field. The app therefore hands
Tab, Shift+Tab and Enter in the username to :meth:`LoginScreen.key_now` before it forwards the next
key, and the screen never moves the focus later on its own (no deferred ``focus()`` at mount). A
burst typed before the kiosk has taken the terminal arrives with Enter as a newline (ctrl+j), which
the app reads as Enter on this screen (kiosk.app)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label, Static

from kiosk.format import name_case, role_label
from kiosk.screens.base import WartaScreen
from kiosk.widgets.keybar import KeyBar
from shared.i18n import N_, _

if TYPE_CHECKING:  # painted before the use-cases (SQLAlchemy) are loaded
    from shared.services.users import Account


class FieldInput(Input):
    """An Input that runs its own key bindings (Backspace, Delete, the arrows, Enter) in the
    order the keys arrived. Textual runs a widget's bindings only once the key has bubbled up to
    the app, so in a burst a Backspace was applied after the characters typed behind it."""

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)


class LoginScreen(WartaScreen):
    """The sign-in screen (also where the idle lock returns to)."""

    BINDINGS = [Binding("escape", "clear", N_("Kosongkan"))]
    AUTO_FOCUS = "#username"
    """Focused while composing, before any key can arrive."""

    def __init__(self, notice: str | None = None, ticket: str | None = None) -> None:
        super().__init__()
        self.notice = notice
        self.ticket = ticket
        """The browser gate's one-time sign-in; exchanged for the account in a worker."""

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(_("WARTA — Penyebarluasan Informasi Publik"), id="login-title")
            yield Static(name_case(self.app.agency.unit), id="login-agency")
            yield FieldInput(placeholder=_("Nama pengguna"), id="username")
            yield FieldInput(placeholder=_("Kata sandi"), password=True, id="password")
            with Horizontal(id="login-actions"):
                yield Button(_("Masuk"), variant="primary", id="login")
                yield Label("", id="login-error")
        yield DataTable(id="demo-accounts", cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        """Exchange the gate's ticket, or look up whether this home has demo accounts (in a
        terminal: a browser never receives them)."""
        self.query_one("#demo-accounts").display = False
        if self.ticket:
            self.query_one("#login-error", Label).update(_("Membuka sesi…"))
        elif self.notice:
            self.query_one("#login-error", Label).update(self.notice)
        # Anything that needs the use-cases waits until this screen is on the terminal: they are
        # still loading (kiosk.app), and asking for them starts that load.
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.app.start_loading_services()
        if self.ticket:
            self.call(self._redeem, self.ticket,
                      done=self.show_login, failed=self.failed_login, key="login")
            self.ticket = None
        elif not self.app.is_web:
            self.call(self._demo_accounts, done=self.show_demo, key="demo")

    def _redeem(self, ticket: str) -> Account:
        from kiosk.serve.tickets import redeem

        return redeem(self.app.settings, ticket, self.w)

    def _demo_accounts(self) -> list[tuple[str, str, str]]:
        if self.app.is_web:  # checked again here: this list must never reach a browser
            return []
        passwords = self.w.users.demo_passwords()
        if not passwords:
            return []
        roles = {u["username"]: u["role"] for u in self.w.users.list_users()}
        return [(name, role_label(roles.get(name, "")), pw) for name, pw in passwords.items()
                if name in roles]

    def show_demo(self, accounts: list[tuple[str, str, str]]) -> None:
        """Demo mode only, in a terminal only: list the demo accounts with their passwords."""
        table = self.query_one("#demo-accounts", DataTable)
        table.clear(columns=True)
        if not accounts or self.app.is_web:
            return
        table.display = True  # before the rows, so the auto height counts them
        # fixed widths: a table that sizes itself to its rows redraws once they arrive
        for label, width in ((_("Akun demo"), 12), (_("Peran"), 14), (_("Kata sandi"), 24)):
            table.add_column(label, width=width)
        for row in accounts:
            table.add_row(*row)

    def key_now(self, key: str) -> bool:
        """Handle ``key`` at once, before the app forwards the next one (called by the app for
        every key while this screen is current); True when it was handled here. Tab and
        Shift+Tab move between the fields, Enter in the username moves to the password. Every
        other key (Enter in the password too) goes to the focused field as usual, after the
        characters queued before it. ``Screen.set_focus`` moves the focus at once;
        ``Widget.focus()`` would wait behind the queued keys."""
        if key == "tab":
            self.focus_next()
        elif key == "shift+tab":
            self.focus_previous()
        elif key == "enter" and self.focused is not None and self.focused.id == "username":
            self.set_focus(self.query_one("#password", Input))
        else:
            return False
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the password signs in (the username's Enter is handled above)."""
        if event.input.id == "password":
            self.action_login()
        else:
            self.set_focus(self.query_one("#password", Input))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The Masuk button."""
        if event.button.id == "login":
            self.action_login()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Choosing a demo account fills the form."""
        name, _role, password = event.data_table.get_row(event.row_key)
        self.query_one("#username", Input).value = name
        self.query_one("#password", Input).value = password
        self.set_focus(self.query_one("#password", Input))

    def action_login(self) -> None:
        """Check the credentials in a worker."""
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username or not password:
            self.query_one("#login-error", Label).update(_("Isi nama pengguna dan kata sandi."))
            return
        self.query_one("#login-error", Label).update(_("Memeriksa…"))
        # self.w inside the worker: the use-cases may still be loading (kiosk.app)
        self.call(lambda: self.w.users.authenticate(username, password),
                  done=self.show_login, failed=self.failed_login, key="login")

    def show_login(self, user: Account) -> None:
        """Signed in: open the home screen."""
        self.app.login(user)

    def failed_login(self, error: str) -> None:
        """Wrong credentials: say so, clear the password."""
        self.query_one("#login-error", Label).update(error)
        self.query_one("#password", Input).value = ""
        self.set_focus(self.query_one("#password", Input))

    def action_clear(self) -> None:
        """Empty both fields."""
        for name in ("#username", "#password"):
            self.query_one(name, Input).value = ""
        self.set_focus(self.query_one("#username", Input))
