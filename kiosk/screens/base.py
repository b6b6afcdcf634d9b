"""What every kiosk screen shares: service calls in thread workers that end by posting a typed
message (never touching widgets from the thread), and refusals shown in Indonesian."""

from __future__ import annotations

import logging
from typing import Any, Callable

from textual.message import Message
from textual.screen import Screen

from shared.errors import WartaError
from shared.i18n import _

log = logging.getLogger(__name__)


class ServiceDone(Message):
    """A service call finished; ``key`` names the call, ``data`` is its result."""

    def __init__(self, key: str, data: Any, token: int) -> None:
        self.key, self.data, self.token = key, data, token
        super().__init__()


class ServiceFailed(Message):
    """A service call was refused or failed; ``error`` is the Indonesian reason."""

    def __init__(self, key: str, error: str, token: int) -> None:
        self.key, self.error, self.token = key, error, token
        super().__init__()


class WartaScreen(Screen):
    """A screen whose data comes from :mod:`shared.services` through thread workers.

    ``call(key, fn, ...)`` runs ``fn`` in a thread; the result arrives on the UI thread in
    ``show_<key>(data)``, a refusal in ``failed_<key>(error)`` (default: an error notification).
    A newer call with the same key makes an older one's result stale, so paging and filtering
    never show a late page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tokens: dict[str, int] = {}

    @property
    def w(self):  # noqa: ANN201 - shared.services.Warta
        """The use-cases."""
        return self.app.services

    @property
    def user(self) -> dict:
        """The signed-in account."""
        return self.app.user or {}

    @property
    def uid(self) -> int:
        """The signed-in account's id, passed to every service call."""
        return self.user.get("id", 0)

    @property
    def tz(self) -> str:
        """The agency's time zone."""
        return self.app.settings.timezone

    def call(self, key: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run ``fn(*args, **kwargs)`` in a thread worker; answer with a posted message."""
        token = self._tokens.get(key, 0) + 1
        self._tokens[key] = token

        def job() -> None:
            try:
                result = fn(*args, **kwargs)
            except WartaError as exc:
                self.post_message(ServiceFailed(key, str(exc), token))
            except Exception as exc:  # noqa: BLE001 - shown, logged, never crashes the kiosk
                log.exception("service call %s failed", key)
                self.post_message(ServiceFailed(
                    key, _("Galat tak terduga: {err}", err=f"{type(exc).__name__}: {exc}"), token))
            else:
                self.post_message(ServiceDone(key, result, token))

        self.run_worker(job, thread=True, group=key, name=key, exit_on_error=False)

    def on_service_done(self, message: ServiceDone) -> None:
        """Route a result to ``show_<key>`` unless a newer call replaced it."""
        message.stop()
        if self._tokens.get(message.key) == message.token:
            getattr(self, f"show_{message.key}")(message.data)

    def on_service_failed(self, message: ServiceFailed) -> None:
        """Route a refusal to ``failed_<key>`` or show it as an error notification."""
        message.stop()
        if self._tokens.get(message.key) != message.token:
            return
        handler = getattr(self, f"failed_{message.key}", None)
        if handler is not None:
            handler(message.error)
        else:
            self.notify(message.error, title=_("Ditolak"), severity="error", timeout=8)

    def open_item(self, item_id: int, state: str) -> None:
        """Open an announcement where this user can act on it: the review for its reviewer, the
        editor for its drafter, the detail for everyone else."""
        from shared.workflow import REVIEW_ROLE, Role, State

        role = self.user.get("role")
        try:
            st = State(state)
        except ValueError:
            st = None
        if st in REVIEW_ROLE and REVIEW_ROLE[st] == role:
            from kiosk.screens.review import ReviewScreen

            self.app.push_screen(ReviewScreen(item_id))
        elif st in (State.DRAFT, State.RETURNED) and role == Role.PELAKSANA:
            from kiosk.screens.editor import EditorScreen

            self.app.push_screen(EditorScreen(item_id=item_id))
        else:
            from kiosk.screens.detail import DetailScreen

            self.app.push_screen(DetailScreen(item_id))

    def top_bar(self, title: str) -> str:
        """'Beranda · Rina Marlina (Pelaksana)' for the first line of a screen."""
        from kiosk.format import role_label

        return f"{title} · {self.user.get('name', '')} ({role_label(self.user.get('role', ''))})"
