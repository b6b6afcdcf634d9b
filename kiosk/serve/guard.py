"""What the browser gate decides, without any HTTP: sessions, the failed sign-in limiter, where a
request comes from, and whether an address may be listened on without TLS."""

from __future__ import annotations

import ipaddress
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from shared.services.users import Account

COOKIE = "warta_sesi"
"""The session cookie's name."""


@dataclass
class Session:
    """A browser signed in at the gate."""

    user: Account
    expires: float


@dataclass
class Sessions:
    """Signed-in browsers, kept in the gate's memory only: a restart signs everyone out, which is
    what a restart of the kiosk service should do. The cookie holds a random 256-bit token."""

    lifetime_s: float
    clock: Callable[[], float] = time.monotonic
    _by_token: dict[str, Session] = field(default_factory=dict)

    def open(self, user: Account) -> str:
        """A new session for ``user``; returns the cookie value."""
        self._prune()
        token = secrets.token_urlsafe(32)
        self._by_token[token] = Session(user, self.clock() + self.lifetime_s)
        return token

    def get(self, token: str | None) -> Session | None:
        """The live session for a cookie value, or None."""
        session = self._by_token.get(token or "")
        if session is None or session.expires <= self.clock():
            self._by_token.pop(token or "", None)
            return None
        return session

    def close(self, token: str | None) -> None:
        """Sign a browser out."""
        self._by_token.pop(token or "", None)

    def _prune(self) -> None:
        now = self.clock()
        for token in [t for t, s in self._by_token.items() if s.expires <= now]:
            del self._by_token[token]


@dataclass
class Limiter:
    """At most ``limit`` failed sign-ins per key (a client address, a username) within
    ``window_s`` seconds; after that the key waits until its oldest failure leaves the window.
    Checked before the password is: a blocked attempt costs no argon2 time."""

    limit: int
    window_s: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def wait(self, *keys: str) -> int:
        """Seconds until every key may try again (0: go ahead)."""
        now = self.clock()
        longest = 0.0
        for key in keys:
            times = self._recent(key, now)
            if len(times) >= self.limit:
                longest = max(longest, times[0] + self.window_s - now)
        return int(longest + 0.999) if longest > 0 else 0

    def fail(self, *keys: str) -> None:
        """Count one failed attempt against every key."""
        now = self.clock()
        if len(self._failures) > 10_000:  # bounded memory under a scan of many addresses
            for key in [k for k in self._failures if not self._recent(k, now)]:
                del self._failures[key]
        for key in keys:
            self._failures.setdefault(key, deque()).append(now)

    def undo(self, key: str) -> None:
        """Take back the newest attempt counted against ``key`` (it succeeded)."""
        times = self._failures.get(key)
        if times:
            times.pop()

    def forget(self, key: str) -> None:
        """A success clears a username's failures (never an address's: an insider with a valid
        account must not be able to reset the count of the address he guesses from)."""
        self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times


def is_loopback(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ::1."""
    if host.strip("[]") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def client_address(peer: str | None, forwarded_for: str | None) -> str:
    """The address failed attempts are counted against. Behind the documented reverse proxy the
    peer is always 127.0.0.1, so a loopback peer's ``X-Forwarded-For`` is used: its last entry,
    the one nginx's ``$proxy_add_x_forwarded_for`` appended itself. A remote peer's header is
    ignored (anyone can send one)."""
    peer = peer or ""
    if forwarded_for and is_loopback(peer):
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return last
    return peer


def bind_refusal(host: str, tls: bool, insecure: bool) -> str | None:
    """Why ``host`` may not be listened on (an Indonesian sentence), or None. Without TLS only
    loopback is allowed (the reverse proxy with TLS in front), unless ``insecure`` says so."""
    from shared.i18n import _

    if tls or insecure or is_loopback(host):
        return None
    return _("Menolak mendengarkan di {host} tanpa TLS: kata sandi akan lewat jaringan tanpa "
             "enkripsi. Dengarkan di 127.0.0.1 di belakang reverse proxy dengan TLS, beri "
             "--tls-cert dan --tls-key, atau (hanya untuk uji) --insecure-bind.", host=host)
