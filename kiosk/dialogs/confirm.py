"""A yes/no question whose safe answer is the default: Batal has the focus, so Enter (and Esc)
cancel. The one key that says yes is ``y`` ("Ya"; the same in English), written under the
question and in the dialog's key bar: the Kepala Dinas's final approval, which numbers and
sends an announcement at once, needs that key (or a click on the button), never a stray Enter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.widgets.keybar import KeyBar, key_label
from shared.i18n import N_, _

YES_KEY = "y"
"""The key that answers yes."""


class ConfirmDialog(ModalScreen[bool]):
    """Ask ``question``; dismisses True (``yes``: the button or its key) or False (Batal)."""

    BINDINGS: list[Binding] = []
    """Bound per dialog (``__init__``): the key that says yes first, then Esc."""

    def __init__(self, question: str, yes: str | None = None, key: str = YES_KEY) -> None:
        super().__init__()
        self.question = question
        self.yes = yes or _("Ya")
        self.key = key
        """The key that answers yes; shown with the button's words in the key bar."""
        self._bindings.bind(key, "yes", self.yes)
        self._bindings.bind("escape", "cancel", N_("Batal"))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text")
            yield Static(_("Tekan {key} untuk \"{yes}\". Enter atau Esc membatalkan.",
                           key=key_label(self.key), yes=self.yes), classes="hint", id="yes-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} ({key_label(self.key)})", variant="primary", id="yes")
                yield Button(_("Batal"), id="no")
        yield KeyBar()

    def on_mount(self) -> None:
        """Focus the safe choice."""
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Answer."""
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        """The key that says yes."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Escape is no."""
        self.dismiss(False)
