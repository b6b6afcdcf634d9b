"""Errors users see. Each carries an Indonesian message (translated on display) that says why."""

from __future__ import annotations

from shared.i18n import _


class WartaError(Exception):
    """Base of every error a user may see; ``str()`` is the translated message."""

    exit_code = 1

    def __init__(self, msgid: str, **params: object) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid)

    def __str__(self) -> str:  # translated late, so WARTA_LANG applies
        return _(self.msgid, **self.params)


class Refused(WartaError):
    """A rule of the SOP or of UU 14/2008 refuses the action; nothing was changed."""

    exit_code = 3


class NotFound(WartaError):
    """The named record does not exist."""

    exit_code = 4


class AuthError(WartaError):
    """Unknown user, wrong password or inactive account."""

    exit_code = 5


class InvalidInput(WartaError):
    """Input that cannot be accepted as given (empty title, bad date, ...)."""

    exit_code = 2
