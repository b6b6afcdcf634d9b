"""A required note (the reason of a return or a revocation)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Label, Static, TextArea

from kiosk.widgets.keybar import KeyBar
from shared.i18n import N_, _


class NoteDialog(ModalScreen[str | None]):
    """Ask for a note; refuses an empty one with the reason; dismisses the text or None."""

    BINDINGS = [Binding("ctrl+s", "send", N_("Kirim")), Binding("escape", "cancel", N_("Batal"))]

    def __init__(self, title: str, required: str, send: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.required = required
        self.send = send or _("Kirim")

    FIELD = "note"
    """The id of the text field (and, with ``-error``, of its error label)."""
    VARIANT = "warning"
    """The send button's variant."""

    def field(self) -> Widget:
        """The widget the text is typed in (a subclass may ask for one line instead)."""
        return TextArea(id=self.FIELD, soft_wrap=True, show_cursor=True)

    def text(self) -> str:
        """What was typed, stripped."""
        return self.query_one(f"#{self.FIELD}", TextArea).text.strip()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-text")
            yield self.field()
            yield Label("", id=f"{self.FIELD}-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.send, variant=self.VARIANT, id="send")
                yield Button(_("Batal"), id="cancel")
        yield KeyBar()

    def on_mount(self) -> None:
        """Start typing at once."""
        self.query_one(f"#{self.FIELD}").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Send or cancel."""
        if event.button.id == "send":
            self.action_send()
        else:
            self.dismiss(None)

    def action_send(self) -> None:
        """Dismiss with the note, unless it is empty."""
        text = self.text()
        if not text:
            self.query_one(f"#{self.FIELD}-error", Label).update(self.required)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Nothing is sent."""
        self.dismiss(None)
