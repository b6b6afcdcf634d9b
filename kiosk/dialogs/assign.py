"""Disposisi: choose a Pelaksana and write the instructions."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static, TextArea

from kiosk.widgets.keybar import KeyBar
from shared.i18n import N_, _
from shared.workflow import Role


class AssignDialog(ModalScreen[tuple[str, str] | None]):
    """Dismisses ``(username, instructions)`` or None."""

    BINDINGS = [Binding("ctrl+s", "send", N_("Kirim")), Binding("escape", "cancel", N_("Batal"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Disposisi penyusunan pengumuman"), classes="dialog-text")
            yield Select([], prompt=_("Pilih Pelaksana"), id="assignee")
            yield TextArea(id="instructions", soft_wrap=True)
            yield Label("", id="assign-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Kirim"), variant="primary", id="send")
                yield Button(_("Batal"), id="cancel")
        yield KeyBar()

    def on_mount(self) -> None:
        """Load the Pelaksana accounts in a worker."""
        self.run_worker(self._load, thread=True, exit_on_error=False)

    def _load(self) -> None:
        users = [u for u in self.app.services.users.list_users()
                 if u["role"] == Role.PELAKSANA and u["active"]]
        options = [(f"{u['name']} ({u['username']})", u["username"]) for u in users]
        self.app.call_from_thread(self._fill, options)

    def _fill(self, options: list[tuple[str, str]]) -> None:
        select = self.query_one("#assignee", Select)
        select.set_options(options)
        if options:
            select.value = options[0][1]
        self.query_one("#instructions", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Send or cancel."""
        if event.button.id == "send":
            self.action_send()
        else:
            self.dismiss(None)

    def action_send(self) -> None:
        """Dismiss with the choice, unless something is missing."""
        who = self.query_one("#assignee", Select).value
        text = self.query_one("#instructions", TextArea).text.strip()
        if who == Select.NULL or not text:
            self.query_one("#assign-error", Label).update(
                _("Pilih Pelaksana dan tulis instruksinya."))
            return
        self.dismiss((str(who), text))

    def action_cancel(self) -> None:
        """Nothing is sent."""
        self.dismiss(None)
