"""Leaving the editor with unsaved changes: save the draft, throw the changes away, or stay."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.widgets.keybar import KeyBar
from shared.i18n import N_, _

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
"""The answers of :class:`UnsavedDialog`."""


class UnsavedDialog(ModalScreen[str]):
    """Ask what to do with the changes; dismisses :data:`SAVE`, :data:`DISCARD` or :data:`CANCEL`.
    The safe choice (stay, nothing lost) has the focus, and Esc is that choice too."""

    BINDINGS = [Binding("s", "answer('save')", N_("Simpan draf")),
                Binding("b", "answer('discard')", N_("Buang perubahan")),
                Binding("escape", "cancel", N_("Batal"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Ada perubahan yang belum disimpan. Simpan sebagai draf sebelum "
                           "kembali?"), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Simpan draf"), variant="primary", id=SAVE)
                yield Button(_("Buang perubahan"), variant="error", id=DISCARD)
                yield Button(_("Batal"), id=CANCEL)
        yield KeyBar()

    def on_mount(self) -> None:
        """Focus the safe choice."""
        self.query_one(f"#{CANCEL}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Answer with the button's choice."""
        self.dismiss(event.button.id or CANCEL)

    def action_answer(self, answer: str) -> None:
        """The key of a choice (s, b)."""
        self.dismiss(answer)

    def action_cancel(self) -> None:
        """Escape stays in the editor."""
        self.dismiss(CANCEL)
