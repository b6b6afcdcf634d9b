"""The kiosk application: sign-in, idle lock, help, and the optional in-process workers.
Screens live in :mod:`kiosk.screens`, one per module.

The use-cases (:mod:`shared.services`: SQLAlchemy, the PDF and records stack) are not needed to
paint the sign-in screen, so a kiosk started without them loads them in a thread once that screen
is on the terminal (docs/PERFORMANCE.md, "Kiosk"); ``app.services`` waits for them."""

from __future__ import annotations

import gc
import logging
import threading
import time
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from textual import events
from textual.app import App
from textual.binding import Binding

from kiosk.format import name_case
from shared.config import Settings, get_settings
from shared.i18n import N_, _
from shared.timefmt import utcnow

if TYPE_CHECKING:  # the sign-in screen is painted before the use-cases (SQLAlchemy) are loaded
    from shared.services.users import Account

IDLE_CHECK_SECONDS = 5.0
"""How often the idle lock looks at the last key or mouse event."""


def _kiosk_commands() -> type:
    """The command palette's provider, imported when the palette first opens (not at launch)."""
    from kiosk.commands import KioskCommands

    return KioskCommands


class WartaKiosk(App[None]):
    """Warta's operator kiosk for the whole SOP (see docs/KIOSK.md)."""

    CSS_PATH = Path(__file__).with_name("kiosk.tcss")
    TITLE = "Warta"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = {_kiosk_commands}
    """Only the kiosk's own commands (kiosk.commands): Textual's (theme, screenshot) are not for
    the desk."""
    BINDINGS = [
        Binding("f1", "help", N_("Bantuan"), priority=True),
        Binding("ctrl+p", "command_palette", N_("Perintah"), priority=True),
        Binding("ctrl+l", "lock", N_("Kunci")),
        Binding("ctrl+q", "quit", N_("Keluar"), priority=True, show=False),  # in F1 and Ctrl+P
    ]

    def __init__(self, settings: Settings | None = None, services: Any = None, *,
                 start_backbone: Callable[[], Any] | None = None,
                 clock: Callable[[], datetime] = utcnow,
                 load_services: Callable[[], Any] | None = None, ticket: str | None = None) -> None:
        """``services`` given: used as they are. Otherwise ``load_services()`` (default: the
        use-cases over ``settings``) runs in a thread after the sign-in screen is painted.
        ``ticket``: the browser gate's one-time sign-in (:mod:`kiosk.serve.tickets`).
        ``start_backbone``: starts relay, channel workers and archiver in this process (given by
        ``warta kiosk --with-workers``; the kiosk itself never imports the backbone) and returns
        a handle with ``stop()``; raises :class:`WartaError` with the reason when it cannot."""
        super().__init__()
        self.settings = settings or get_settings()
        self._services = services
        self._services_error: BaseException | None = None
        self._services_ready = threading.Event()
        self._services_lock = threading.Lock()
        self._services_loader: threading.Thread | None = None
        self._load_services = load_services or self._default_services
        if services is not None:
            self._services_ready.set()
        self.ticket = ticket
        self.clock = clock
        """Now (UTC) for countdowns; tests freeze it."""
        self.user: Account | None = None
        """The signed-in account (:meth:`shared.services.users.Users.authenticate`); None while
        the sign-in screen is shown."""
        self.last_activity = time.monotonic()
        self.start_backbone = start_backbone
        self.workers_handle: Any = None

    def _default_services(self) -> Any:
        from shared.services.root import Services

        return Services.build(self.settings)

    def start_loading_services(self) -> None:
        """Load the use-cases in a thread (once); ``services`` waits for them."""
        with self._services_lock:
            if self._services_ready.is_set() or self._services_loader is not None:
                return
            self._services_loader = threading.Thread(target=self._load, name="warta-services",
                                                     daemon=True)
            self._services_loader.start()

    def _load(self) -> None:
        try:
            self._services = self._load_services()
        except BaseException as exc:  # noqa: BLE001 - raised again to whoever asks for services
            self._services_error = exc
        finally:
            self._services_ready.set()
        # The modules just imported live as long as the kiosk too (see on_mount).
        gc.freeze()

    @cached_property
    def agency(self) -> Any:
        """The agency profile (a TOML file) for the sign-in screen, which is painted before the
        use-cases have loaded."""
        return self.settings.agency()

    @property
    def services(self) -> Any:
        """The use-cases (:class:`shared.services.root.Services`); waits while they are still loading,
        so call it from a worker thread, never while painting."""
        if not self._services_ready.is_set():
            self.start_loading_services()
            self._services_ready.wait()
        if self._services_error is not None:
            raise self._services_error
        return self._services

    def on_mount(self) -> None:
        """Show the sign-in screen, arm the idle lock, start the workers when asked."""
        from kiosk.screens.login import LoginScreen

        self.sub_title = name_case(self.agency.unit)
        self.push_screen(LoginScreen(ticket=self.ticket))
        self.ticket = None  # one use: a lock later returns to a plain sign-in screen
        # Everything made so far (Textual, SQLAlchemy, the stylesheet) lives as long as the kiosk.
        # Frozen, the collector stops walking it: a full collection during the first sign-in
        # took 50-80 ms of the 0.3 s budget (docs/PERFORMANCE.md, "Kiosk").
        self.call_after_refresh(gc.freeze)
        self.set_interval(IDLE_CHECK_SECONDS, self.check_idle_lock, name="idle-lock")
        if self.start_backbone is not None:  # after the first paint: importing the workers takes a while
            self.call_after_refresh(self.run_worker, self._start_workers, thread=True,
                                    name="backbone", exit_on_error=False)

    def _start_workers(self) -> None:
        from shared.errors import WartaError

        assert self.start_backbone is not None
        try:
            self.workers_handle = self.start_backbone()
        except WartaError as exc:
            self.call_from_thread(self.notify, str(exc), title=_("Pekerja kanal"),
                                  severity="warning", timeout=10)

    def on_unmount(self) -> None:
        """Stop the in-process workers with the kiosk."""
        if self.workers_handle is not None:
            self.workers_handle.stop()

    async def on_event(self, event: events.Event) -> None:
        """Every key press and mouse action counts as activity for the idle lock. On the sign-in
        screen, moving between fields happens here, before the next key is forwarded
        (:mod:`kiosk.screens.login` explains the burst of keys this keeps in order)."""
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown,
                              events.MouseScrollUp)):
            self.last_activity = time.monotonic()
        if isinstance(event, events.Key) and not event.is_forwarded:
            key_now = getattr(self.screen, "key_now", None)
            if key_now is not None:
                if event.key == "ctrl+j":
                    # Enter typed before Textual took the terminal: the line discipline made it
                    # a newline. Nobody types ctrl+j on the sign-in screen, so it is Enter.
                    event = events.Key("enter", "\r")
                if key_now(event.key):
                    return
        await super().on_event(event)

    def check_idle_lock(self, now: float | None = None) -> bool:
        """Lock back to the sign-in screen after ``settings.kiosk.idle_lock_seconds`` without
        activity; returns True when it locked."""
        idle = (now if now is not None else time.monotonic()) - self.last_activity
        if self.user is None or idle < self.settings.kiosk.idle_lock_seconds:
            return False
        self.run_worker(self.action_lock(_("Terkunci otomatis setelah tidak ada aktivitas.")))
        return True

    def login(self, user: Account) -> None:
        """Start a session for ``user`` and show the home screen."""
        from kiosk.screens.home import HomeScreen

        self.user = user
        self.last_activity = time.monotonic()
        self.switch_screen(HomeScreen())
        self.run_worker(self._tell_secured_drafts, thread=True, name="secured-drafts",
                        exit_on_error=False)

    def _tell_secured_drafts(self) -> None:
        """After the sign-in: say when the lock kept this user's unsaved drafts (opening the
        draft restores it, :mod:`kiosk.screens.editor_slot`)."""
        user = self.user
        if user is None:
            return
        try:
            found = self.services.drafting.secured_slots(user.id)
        except Exception:  # noqa: BLE001 - a notice, never a reason to fail the sign-in
            logging.getLogger(__name__).exception("secured drafts")
            return
        if found and self.user is user:
            self.call_from_thread(
                self.notify, _("Draf yang belum disimpan diamankan saat layar dikunci; buka untuk "
                               "melanjutkan."), title=_("Draf diamankan"), timeout=20)

    async def action_lock(self, reason: str | None = None) -> None:
        """End the session and return to the sign-in screen; an open editor first keeps its
        unsaved changes in the user's draft slot (told at the next sign-in)."""
        from kiosk.screens.login import LoginScreen

        for screen in list(self.screen_stack):
            secure = getattr(screen, "secure_draft", None)
            if secure is not None:
                await secure()
        # the screens close while the account is still known: the one below (Beranda) reloads
        # as it resumes, and without an account it showed "Akun tidak dikenal" on the sign-in
        while len(self.screen_stack) > 2:
            await self.pop_screen()
        self.user = None
        await self.switch_screen(LoginScreen(notice=reason))

    def action_help(self) -> None:
        """F1: what to do here and the keys of this screen for this role (kiosk.dialogs.help)."""
        from kiosk.dialogs.help import HelpDialog

        if isinstance(self.screen, HelpDialog):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpDialog())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Before sign-in there is nothing to lock and no command to run (the keys are absent)."""
        if action in ("command_palette", "lock"):
            return self.user is not None
        return True

    def action_command_palette(self) -> None:
        """Ctrl+P: the signed-in role's commands (kiosk.commands), searched in its language."""
        from textual.command import CommandPalette

        if self.user is not None and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=_("Cari perintah…"), id="--command-palette"))
