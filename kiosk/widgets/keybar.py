"""The key bar at the bottom of every screen and dialog: the keys that work here, as text.

Textual's ``Footer`` rebuilds a widget per key each time the bindings change (focus moves, a
screen is mounted), with no coalescing: nine full rebuilds between launch and the home screen,
about half of the sign-in time over a large database (docs/PERFORMANCE.md, "Kiosk"). This bar
is one widget that only repaints, reading its own screen's active bindings when it renders, so a
dialog that composes one shows the dialog's keys, not those of the screen under it.

At 80 columns a screen's keys and the global ones (F1, Ctrl+P, Ctrl+L) may not fit on one line
even written tight; the bar then wraps between pairs (never inside one) and grows a line (two at
80 columns on the busiest screens), so no key is ever cut off. Ctrl+Q (Keluar) is in F1 and the
command palette, not in the bar."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widget import Widget

from shared.i18n import _

DIM = Style(dim=True)
"""A binding that check_action disables is shown dimmed."""

KEY_NAMES = {"ctrl": "Ctrl", "shift": "Shift", "alt": "Alt", "escape": "Esc", "enter": "Enter",
             "pagedown": "PgDn", "pageup": "PgUp", "slash": "/", "tab": "Tab", "up": "↑",
             "down": "↓", "left": "←", "right": "→", "space": "Spasi", "delete": "Del"}

def key_label(key: str) -> str:
    """How a key is written for people, the same in the bar, in F1 and in the palette:
    'ctrl+s' → 'Ctrl+S', 'escape' → 'Esc', 'f3' → 'F3', 's' → 's'."""
    parts = key.split("+")
    named = [KEY_NAMES.get(p, p.upper() if len(p) > 1 or len(parts) > 1 else p) for p in parts]
    return "+".join(named)


class KeyBar(Widget, can_focus=False):
    """``key description`` pairs for the screen's shown bindings (its own, then the app's); a
    click on a pair presses its key (for the browser kiosk), a disabled one is dimmed and rings
    the bell."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
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
        self._spans: list[tuple[int, int, int, str, bool]] = []
        self._lines = 1

    def on_mount(self) -> None:
        """Repaint whenever the screen's bindings change (focus moved, a check_action answer)."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        """Stop listening to a screen that is going away."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: object) -> None:
        if screen is self.screen:
            self.refresh(layout=self._layout(self.size.width)[1] != self._lines)

    def pairs(self) -> list[tuple[Binding, str, bool]]:
        """(binding, key as written, enabled) for each shown action: the focused widget's and the
        screen's first, then the app's, each in the order they are declared."""
        own, app = [], []
        seen: set[str] = set()
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                pair = (binding, binding.key_display or key_label(binding.key), enabled)
                (app if node is self.app else own).append(pair)
        # the app's in the order it declares them (Textual's own ctrl+q would come first)
        declared = [b.action for b in getattr(type(self.app), "BINDINGS", [])
                    if isinstance(b, Binding)]
        app.sort(key=lambda p: declared.index(p[0].action) if p[0].action in declared
                 else len(declared))
        return own + app

    def _layout(self, width: int) -> tuple[bool, int]:
        """Whether the tight form is used, and how many lines the pairs take at ``width``."""
        pairs = self.pairs()
        roomy = sum(len(key) + len(_(b.description)) + 3 for b, key, _e in pairs)
        tight = self.compact or roomy > width
        if not tight:
            return False, 1
        lines, x = 1, 0
        for b, key, _e in pairs:
            size = len(key) + len(_(b.description)) + 2
            if x and x + size > width:
                lines, x = lines + 1, 0
            x += size
        return True, lines

    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: ANN001
        """As many lines as the pairs need at this width (one when they fit); a dialog's bar is
        at least as tall as the bar of the screen under it, which would otherwise show through."""
        self._lines = self._layout(width)[1]
        return max(self._lines, self._under_lines())

    def _under_lines(self) -> int:
        stack = self.app.screen_stack
        if not isinstance(self.screen, ModalScreen) or self.screen not in stack:
            return 0
        index = stack.index(self.screen)
        under = stack[index - 1].query(KeyBar) if index > 0 else []
        return max((bar.region.height for bar in under), default=0)

    def render(self) -> Text:
        """The shown bindings, one pair per action; written tighter when the roomy form would
        not fit the width, and wrapped between pairs when even that does not."""
        width = self.size.width or 80
        tight, _lines = self._layout(width)
        key_style = self.get_component_rich_style("keybar--key")
        desc_style = self.get_component_rich_style("keybar--description")
        text = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        line, x = 0, 0
        for binding, key, enabled in self.pairs():
            dim = Style() if enabled else DIM
            what = _(binding.description)  # a msgid (N_ in BINDINGS), in the language shown now
            size = len(key) + len(what) + (2 if tight else 3)
            if tight and x and x + size > width:
                text.append("\n")
                line, x = line + 1, 0
            text.append(key if tight else f" {key} ", style=key_style + dim)
            text.append(f" {what} " if tight else f"{what} ", style=desc_style + dim)
            self._spans.append((line, x, x + size, binding.key, enabled))
            x += size
        return text

    def key_at(self, x: int, y: int = 0) -> tuple[str, bool] | None:
        """The key shown at column ``x`` of line ``y`` and whether it is enabled, or None
        between pairs."""
        for line, start, end, key, enabled in self._spans:
            if line == y and start <= x < end:
                return key, enabled
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click on a pair is the same as pressing its key."""
        hit = self.key_at(event.x, event.y)
        if hit is None:
            return
        key, enabled = hit
        if enabled:
            self.app.simulate_key(key)
        else:
            self.app.bell()
