"""The command palette (Ctrl+P) and the key lists F1 shows: what the signed-in user can do here.

Both read the bindings themselves, with the same ``check_action`` answers the screens give their
key bars, so a key the role cannot use is absent everywhere at once: from the bar, from F1 and
from the palette. The palette offers, in the user's language,

- the keys of the screen (or dialog) it was opened over, hidden ones too (the preview tabs);
- from any other screen, the home screen's actions the role may run (Draf baru for a Pelaksana,
  Disposisi for a Kabid/Kasubag, Daftar/Cari, Pemantauan, Rekap & Arsip for the PPID and the
  Kepala Dinas), run by the home screen as its keys would;
- the app's own: Bantuan, Kunci, Keluar.

Before sign-in it offers nothing (and Ctrl+P is absent: :meth:`kiosk.app.WartaKiosk.check_action`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import ModalScreen

from kiosk.widgets.keybar import key_label
from shared.i18n import _

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen

NOT_COMMANDS = {"command_palette"}
"""Actions that are keys but not commands (the palette does not list itself)."""

LEAVING = {"back", "cancel", "close"}
"""Actions that leave a screen or dialog: listed after what can be done there."""


@dataclass(frozen=True)
class KeyAction:
    """One action of a screen, dialog or the app: its keys as written, what it does (in the
    user's language), whether it can run right now, and where it runs."""

    keys: tuple[str, ...]
    what: str
    action: str
    node: DOMNode
    enabled: bool

    @property
    def keys_text(self) -> str:
        """'1 · F5' for an action with two keys."""
        return " · ".join(self.keys)


def _textuals_own(node: DOMNode) -> set[tuple[str, str]]:
    """(key, action) of the bindings only Textual's classes declare (Tab "Focus Next", Ctrl+C
    "Copy selected text"): in English, and not what the kiosk offers."""
    ours: set[tuple[str, str]] = set()
    theirs: set[tuple[str, str]] = set()
    for cls in type(node).__mro__:
        for binding in cls.__dict__.get("BINDINGS", ()):
            if not isinstance(binding, Binding):
                binding = Binding(*binding)
            pairs = {(k.strip(), binding.action) for k in binding.key.split(",")}
            (ours if cls.__module__.startswith("kiosk") else theirs).update(pairs)
    return theirs - ours


def _declared_order(node: DOMNode) -> list[str]:
    """The actions in the order the kiosk's class of ``node`` declares them."""
    return [b.action for b in getattr(type(node), "BINDINGS", ()) if isinstance(b, Binding)]


def key_actions(node: DOMNode, app: App[Any]) -> list[KeyAction]:
    """The bindings ``node`` declares (hidden ones too; an instance's own too), one entry per
    action in their declared order, leaving out those its ``check_action`` refuses (False: not
    for this role) and Textual's own; None (not now) is kept as disabled."""
    found: dict[str, KeyAction] = {}
    foreign = _textuals_own(node)
    for key, bindings in node._bindings.key_to_bindings.items():  # noqa: SLF001
        for binding in bindings:
            if not binding.description or (key, binding.action) in foreign:
                continue
            state = app._check_action_state(binding.action, node)  # noqa: SLF001
            if state is False:
                continue
            label = binding.key_display or key_label(key)
            known = found.get(binding.action)
            if known is None:
                found[binding.action] = KeyAction((label,), _(binding.description),
                                                  binding.action, node, bool(state))
            elif label not in known.keys:
                found[binding.action] = KeyAction((*known.keys, label), known.what,
                                                  known.action, node, known.enabled)
    order = _declared_order(node)
    return sorted(found.values(), key=lambda k: order.index(k.action) if k.action in order
                  else len(order))


def home_of(app: App[Any]) -> Screen[Any] | None:
    """The signed-in user's home screen in the stack (None before sign-in)."""
    from kiosk.screens.home import HomeScreen

    return next((s for s in app.screen_stack if isinstance(s, HomeScreen)), None)


def commands_for(app: App[Any], screen: Screen[Any]) -> list[KeyAction]:
    """Every command the signed-in user can run from ``screen``, in order: the screen's own,
    the home screen's (when not on it, and not from a dialog), then the app's; each title once."""
    if getattr(app, "user", None) is None:
        return []
    own = [k for k in key_actions(screen, app) if k.enabled]
    found = ([k for k in own if k.action not in LEAVING] +  # leaving the screen comes last
             [k for k in own if k.action in LEAVING])
    home = home_of(app)
    if home is not None and home is not screen and not isinstance(screen, ModalScreen):
        found += [k for k in key_actions(home, app) if k.enabled and k.action != "reload"]
    found += [k for k in key_actions(app, app) if k.enabled and k.action not in NOT_COMMANDS]
    titles: set[str] = set()
    unique = []
    for command in found:
        if command.what not in titles:
            titles.add(command.what)
            unique.append(command)
    return unique


def runner(app: App[Any], command: KeyAction) -> Callable[[], Any]:
    """What choosing ``command`` does: its action, run where its key would run it."""
    async def run() -> None:
        await app.run_action(command.action, command.node)

    return run


class KioskCommands(Provider):
    """The command palette's commands (see the module's docstring)."""

    def _commands(self) -> list[KeyAction]:
        return commands_for(self.app, self.screen)

    def _help(self, command: KeyAction) -> str:
        return _("Tombol: {keys}", keys=command.keys_text)

    async def discover(self) -> Hits:
        """Every command, before anything is typed."""
        for command in self._commands():
            yield DiscoveryHit(command.what, runner(self.app, command), text=command.what,
                               help=self._help(command))

    async def search(self, query: str) -> Hits:
        """The commands whose title matches what is typed (fuzzy, any case)."""
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.what)
            if score > 0:
                yield Hit(score, matcher.highlight(command.what), runner(self.app, command),
                          text=command.what, help=self._help(command))
