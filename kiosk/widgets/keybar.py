"""The key bar at the bottom of every screen: the keys that work here, as one line of text.

Textual's ``Footer`` rebuilds a widget per key each time the bindings change (focus moves, a
screen is mounted), with no coalescing: nine full rebuilds between launch and the home screen,
about half of the sign-in time over a large database (docs/PERFORMANCE.md, "Kiosk"). This bar
is one widget that only repaints, reading the screen's active bindings when it renders."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

from shared.i18n import _

DIM = Style(dim=True)
"""A binding that check_action disables is shown dimmed."""


class KeyBar(Widget, can_focus=False):
    """One line of ``key description`` pairs for the screen's shown bindings; a click on a pair
    presses its key (for the browser kiosk), a disabled one is dimmed and rings the bell."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.compact = compact
        """Always the tight form (otherwise only when the roomy one does not fit)."""
        self._spans: list[tuple[int, int, str, bool]] = []

    def on_mount(self) -> None:
        """Repaint whenever the screen's bindings change (focus moved, a check_action answer)."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        """Stop listening to a screen that is going away."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: object) -> None:
        if screen is self.screen:
            self.refresh()

    def render(self) -> Text:
        """The shown bindings, one pair per action, in the order the screen declares them;
        written tighter when the roomy form would not fit the width."""
        pairs, seen = [], set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                pairs.append((binding, self.app.get_key_display(binding), enabled))
        roomy = sum(len(key) + len(_(b.description)) + 3 for b, key, _e in pairs)
        tight = self.compact or roomy > self.size.width
        key_style = self.get_component_rich_style("keybar--key")
        desc_style = self.get_component_rich_style("keybar--description")
        text = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for binding, key, enabled in pairs:
            dim = Style() if enabled else DIM
            start = text.cell_len
            text.append(key if tight else f" {key} ", style=key_style + dim)
            what = _(binding.description)  # a msgid (N_ in BINDINGS), in the language shown now
            text.append(f" {what} " if tight else f"{what} ", style=desc_style + dim)
            self._spans.append((start, text.cell_len, binding.key, enabled))
        return text

    def key_at(self, x: int) -> tuple[str, bool] | None:
        """The key shown at column ``x`` and whether it is enabled, or None between pairs."""
        for start, end, key, enabled in self._spans:
            if start <= x < end:
                return key, enabled
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click on a pair is the same as pressing its key."""
        hit = self.key_at(event.x)
        if hit is None:
            return
        key, enabled = hit
        if enabled:
            self.app.simulate_key(key)
        else:
            self.app.bell()
