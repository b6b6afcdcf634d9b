"""What every kiosk screen shares: service calls in thread workers that end by posting a typed
message (never touching widgets from the thread), and refusals shown in Indonesian."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from textual.message import Message
from textual.screen import Screen

from shared.errors import WartaError
from shared.i18n import _

if TYPE_CHECKING:  # the sign-in screen is painted before the use-cases (SQLAlchemy) are loaded
    from shared.services.users import Account
    from shared.workflow import Role

log = logging.getLogger(__name__)

T = TypeVar("T")


class ServiceDone(Message):
    """A service call finished: ``done(data)`` shows its result, unless ``token`` is stale."""

    def __init__(self, key: str, token: int, done: Callable[[Any], None], data: Any) -> None:
        self.key, self.token, self.done, self.data = key, token, done, data
        super().__init__()


class ServiceFailed(Message):
    """A service call was refused or failed: ``failed(error)`` shows the Indonesian reason, unless
    ``token`` is stale."""

    def __init__(self, key: str, token: int, failed: Callable[[str], None], error: str) -> None:
        self.key, self.token, self.failed, self.error = key, token, failed, error
        super().__init__()


class WartaScreen(Screen):
    """A screen whose data comes from :mod:`shared.services` through thread workers.

    ``call(fn, *args, done=self.show_x, failed=self.failed_x, key="x")`` runs ``fn(*args)`` in
    a thread; on the UI thread its result goes to ``done(result)``, a refusal to
    ``failed(error)`` (default: :meth:`refused`, an error notification). ``key`` only decides
    staleness: a newer call with the same key makes an older one's answer stale, so paging and
    filtering never show a late page; a call without a key is never stale."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tokens: dict[str, int] = {}

    @property
    def w(self):  # noqa: ANN201 - shared.services.root.Services
        """The use-cases."""
        return self.app.services

    @property
    def user(self) -> Account:
        """The signed-in account (every screen but the sign-in is opened by one)."""
        user = self.app.user
        if user is None:
            raise LookupError("no account is signed in")
        return user

    @property
    def role(self) -> Role | None:
        """The signed-in account's role; None once signed out (the lock clears the account before
        it closes the screens, which may still be asked which keys they offer)."""
        user = self.app.user
        return None if user is None else user.role

    @property
    def uid(self) -> int:
        """The signed-in account's id, passed to every service call (0 once signed out: no service
        accepts it)."""
        user = self.app.user
        return 0 if user is None else user.id

    @property
    def tz(self) -> str:
        """The agency's time zone."""
        return self.app.settings.timezone

    def call(self, fn: Callable[..., T], *args: Any, done: Callable[[T], None],
             failed: Callable[[str], None] | None = None, key: str | None = None,
             **kwargs: Any) -> None:
        """Run ``fn(*args, **kwargs)`` in a thread worker; answer with a posted message that
        ``done`` (the result) or ``failed`` (the reason; default :meth:`refused`) receives on the
        UI thread, unless a newer call with the same ``key`` has been made since."""
        key = key or ""
        token = 0
        if key:
            token = self._tokens[key] = self._tokens.get(key, 0) + 1
        on_failure = failed or self.refused

        def job() -> None:
            try:
                result = fn(*args, **kwargs)
            except WartaError as exc:
                self.post_message(ServiceFailed(key, token, on_failure, str(exc)))
            except Exception as exc:  # noqa: BLE001 - shown, logged, never crashes the kiosk
                log.exception("service call %s failed", key or fn)
                self.post_message(ServiceFailed(
                    key, token, on_failure,
                    _("Galat tak terduga: {err}", err=f"{type(exc).__name__}: {exc}")))
            else:
                self.post_message(ServiceDone(key, token, done, result))

        self.run_worker(job, thread=True, group=key or "service", name=key or "service",
                        exit_on_error=False)

    def _current(self, key: str, token: int) -> bool:
        """Whether no newer call with ``key`` has been made (a call without a key always is)."""
        return not key or self._tokens.get(key) == token

    def on_service_done(self, message: ServiceDone) -> None:
        """Hand a result to its ``done`` unless a newer call replaced it."""
        message.stop()
        if self._current(message.key, message.token):
            message.done(message.data)

    def on_service_failed(self, message: ServiceFailed) -> None:
        """Hand a refusal to its ``failed`` unless a newer call replaced it."""
        message.stop()
        if self._current(message.key, message.token):
            message.failed(message.error)

    def refused(self, error: str) -> None:
        """A refusal shown as an error notification (what ``call`` does when no ``failed`` is given)."""
        self.notify(error, title=_("Ditolak"), severity="error", timeout=8)

    def open_item(self, item_id: int, state: str) -> None:
        """Open an announcement where this user can act on it: the review for its reviewer, the
        editor for its drafter, the detail for everyone else."""
        from shared.workflow import REVIEW_ROLE, Role, State

        role = self.role
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

        return f"{title} · {self.user.name} ({role_label(self.user.role)})"
