"""The browser gate: textual-serve's ``Server`` with a sign-in in front of the WebSocket.

Routes: ``/masuk`` (GET the form, POST the credentials), ``/keluar`` (POST: sign out), ``/`` (the
kiosk page; signed-in browsers only, or the "full" page at the cap), ``/ws`` (the kiosk process;
signed-in browsers only, same origin, below the cap), ``/download/{key}`` (signed-in browsers only)
and ``/static`` (textual-serve's script and stylesheet). No kiosk process is started for a browser
that has not signed in here."""

from __future__ import annotations

import asyncio
import logging
import signal
import ssl
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from kiosk.serve import pages, tickets
from kiosk.serve.guard import COOKIE, Limiter, Session, Sessions, client_address
from shared.i18n import _, current_lang

log = logging.getLogger("warta.kiosk.gate")


class KioskProcess(AppService):
    """One kiosk process, started with the gate's one-time ticket in its environment."""

    def __init__(self, *args: Any, ticket: str, gate: "Gate", session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ticket, self._gate, self._session = ticket, gate, session

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment[tickets.ENV] = self._ticket
        environment.pop("WARTA_PASSWORD", None)  # the gate's own, if any, is not the user's
        return environment

    async def on_data(self, payload: bytes) -> None:
        """Bytes for the browser's terminal (also shown to :meth:`Gate.on_kiosk_output`)."""
        self._gate.on_kiosk_output(self._session, payload)
        await super().on_data(payload)


class Gate(Server):
    """Serve the kiosk to browsers behind a sign-in (see :mod:`kiosk.serve`)."""

    def __init__(self, command: str, settings: Any, services: Any, *, host: str, port: int,
                 public_url: str | None = None, tls: tuple[Path, Path] | None = None) -> None:
        scheme = "https" if tls else "http"
        netloc = f"[{host}]" if ":" in host else host
        super().__init__(command, host=host, port=port, title="Warta",
                         public_url=public_url or f"{scheme}://{netloc}:{port}",
                         templates_path=Path(__file__).parent)
        self.settings, self.services, self.tls = settings, services, tls
        self.max_sessions = settings.kiosk.max_sessions
        self.sessions = Sessions(lifetime_s=settings.kiosk.session_hours * 3600)
        self.limiter = Limiter(limit=settings.kiosk.login_attempts, window_s=60.0)
        self.live: set[KioskProcess] = set()
        """The kiosk processes running now (the cap counts them)."""
        self.secure_cookie = self.public_url.startswith("https")
        self.unit = settings.agency().unit

    def on_kiosk_output(self, session: Session, payload: bytes) -> None:
        """Called with every chunk a kiosk process sends to a browser (tests look at it)."""

    # -- the aiohttp application ----------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[_security_headers], client_max_size=64 * 1024)
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, name="static"),
            web.get("/masuk", self.handle_login_form, name="login"),
            web.post("/masuk", self.handle_login),
            web.post("/keluar", self.handle_logout, name="logout"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def on_startup(self, app: web.Application) -> None:
        """One line for whoever started the server (no banner, no command line)."""
        self.console.print(_("Kiosk Warta tersaji di {url} (gerbang masuk aktif, paling banyak "
                             "{n} sesi). Ctrl+C untuk berhenti.", url=self.public_url,
                             n=self.max_sessions), highlight=False)

    def serve(self, debug: bool = False) -> None:
        """Run until Ctrl+C or SIGTERM, with TLS when a certificate and key were given."""
        self.debug = debug
        self.initialize_logging()
        context = None
        if self.tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            context.load_cert_chain(str(self.tls[0]), str(self.tls[1]))
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.request_exit)
            except NotImplementedError:  # pragma: no cover - not on Linux
                pass
        web.run_app(self._make_app(), host=self.host, port=self.port, ssl_context=context,
                    handle_signals=False, loop=loop, print=lambda *args: None)

    # -- who is asking ---------------------------------------------------------------------------

    def session_of(self, request: web.Request) -> Session | None:
        """The gate session of this browser, or None."""
        return self.sessions.get(request.cookies.get(COOKIE))

    def same_origin(self, request: web.Request) -> bool:
        """A browser's ``Origin`` names this server (the address typed, or --public-url); a
        request without one (not a browser) passes, the session cookie still decides."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        return urlsplit(origin).netloc in {request.host, urlsplit(self.public_url).netloc}

    def _html(self, text: str, status: int = 200, **headers: str) -> web.Response:
        response = web.Response(text=text, status=status, content_type="text/html",
                                charset="utf-8", headers=headers)
        response.headers["Content-Security-Policy"] = pages.CSP
        return response

    # -- sign-in and out -------------------------------------------------------------------------

    async def handle_login_form(self, request: web.Request) -> web.StreamResponse:
        """The sign-in form (a signed-in browser goes straight to its kiosk)."""
        if self.session_of(request) is not None:
            raise web.HTTPSeeOther("/")
        return self._html(pages.login_page(self.unit))

    async def handle_login(self, request: web.Request) -> web.StreamResponse:
        """Check the credentials: the limiter first (a blocked attempt costs no argon2 time),
        then the kiosk's own ``authenticate`` in a thread."""
        from shared.errors import AuthError

        if not self.same_origin(request):
            raise web.HTTPForbidden(text=_("Permintaan dari situs lain ditolak."))
        form = await request.post()
        username = str(form.get("username", "")).strip()[:150]
        password = str(form.get("password", ""))[:1024]
        address = client_address(request.remote, request.headers.get("X-Forwarded-For"))
        keys = (f"alamat:{address}", f"pengguna:{username.casefold()}")
        wait = self.limiter.wait(*keys)
        if wait:
            log.warning("gate: sign-in refused, too many failures (user %r, from %s)", username, address)
            return self._html(pages.login_page(self.unit, pages.too_many_message(wait), username),
                              429, **{"Retry-After": str(wait)})
        if not username or not password:
            return self._html(pages.login_page(self.unit, _("Isi nama pengguna dan kata sandi."),
                                               username), 400)
        # Counted before the check, so parallel guesses cannot all slip under the limit.
        self.limiter.fail(*keys)
        loop = asyncio.get_running_loop()
        try:
            user = await loop.run_in_executor(None, self.services.users.authenticate, username, password)
        except AuthError as exc:
            log.warning("gate: failed sign-in (user %r, from %s)", username, address)
            wait = self.limiter.wait(*keys)
            message = f"{exc}. {pages.too_many_message(wait)}" if wait else f"{exc}."
            return self._html(pages.login_page(self.unit, message, username), 429 if wait else 401)
        self.limiter.undo(keys[0])
        self.limiter.forget(keys[1])
        log.info("gate: %s signed in from %s", user.username, address)
        response = web.HTTPSeeOther("/")
        response.set_cookie(COOKIE, self.sessions.open(user), httponly=True, samesite="Strict",
                            secure=self.secure_cookie, path="/",
                            max_age=int(self.sessions.lifetime_s))
        raise response

    async def handle_logout(self, request: web.Request) -> web.StreamResponse:
        """Sign this browser out (its running kiosk ends when the tab closes)."""
        if not self.same_origin(request):
            raise web.HTTPForbidden(text=_("Permintaan dari situs lain ditolak."))
        self.sessions.close(request.cookies.get(COOKIE))
        response = self._html(pages.signed_out_page(self.unit))
        response.del_cookie(COOKIE, path="/")
        return response

    # -- the kiosk -------------------------------------------------------------------------------

    def _full(self) -> bool:
        return len(self.live) >= self.max_sessions

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The kiosk page for a signed-in browser; the sign-in form otherwise; "full" at the cap."""
        if self.session_of(request) is None:
            raise web.HTTPSeeOther("/masuk")
        if self._full():
            return self._html(pages.full_page(self.unit, self.max_sessions), 503,
                              **{"Retry-After": "60"})
        response = await self._kiosk_page(request)
        response.headers["Cache-Control"] = "no-store"
        return response

    @aiohttp_jinja2.template("app_index.html")
    async def _kiosk_page(self, request: web.Request) -> dict[str, Any]:
        context = await Server.handle_index.__wrapped__(self, request)
        context["text"] = {"lang": current_lang(), "start": _("Mulai"),
                           "ended": _("Sesi kiosk berakhir."), "restart": _("Mulai ulang"),
                           "logout": _("Keluar")}
        return context

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A file a kiosk hands to its browser (a proof, a kartu kontrol, an export): only to the
        signed-in browser whose kiosk process offered it. The key is single-use and random, but a
        key seen elsewhere (a log, a shared screen) must not let another account fetch the file."""
        session = self.session_of(request)
        if session is None:
            raise web.HTTPUnauthorized(text=_("Silakan masuk terlebih dahulu."))
        try:
            offered = await self.download_manager.get_download_metadata(request.match_info["key"])
        except KeyError:
            raise web.HTTPNotFound(text=_("Unduhan ini tidak ada atau sudah diambil.")) from None
        owner = offered.app_service
        if not isinstance(owner, KioskProcess) or owner._session is not session:
            log.warning("gate: %s asked for another session's download", session.user.username)
            raise web.HTTPNotFound(text=_("Unduhan ini tidak ada atau sudah diambil."))
        return await super().handle_download(request)

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """Start a kiosk process for a signed-in browser of this origin, below the cap."""
        session = self.session_of(request)
        if session is None:
            raise web.HTTPUnauthorized(text=_("Silakan masuk terlebih dahulu."))
        if not self.same_origin(request):
            raise web.HTTPForbidden(text=_("Permintaan dari situs lain ditolak."))
        if self._full():
            raise web.HTTPServiceUnavailable(text=_("Kiosk penuh: {n} sesi sedang dipakai, "
                                                    "batasnya {n}.", n=self.max_sessions))
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        process = KioskProcess(self.command, write_bytes=websocket.send_bytes,
                               write_str=websocket.send_str, close=websocket.close,
                               download_manager=self.download_manager, debug=self.debug,
                               ticket=tickets.issue(self.settings, session.user), gate=self,
                               session=session)
        self.live.add(process)  # before any await: the cap cannot be overrun by a race
        log.info("gate: kiosk started for %s (%d running)", session.user.username, len(self.live))
        try:
            await websocket.prepare(request)
            await process.start(width, height)
            try:
                await self._process_messages(websocket, process)
            finally:
                await process.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # noqa: BLE001 - logged; the browser sees the session end
            log.exception(error)
        finally:
            await process.stop()
            await _reap(process)
            self.live.discard(process)
        return websocket


async def _reap(process: KioskProcess) -> None:
    """Wait for the kiosk process to end (it was told to quit), so its place under the cap is
    given back only when its memory is; kill it if it does not end within 10 s."""
    child = process._process
    if child is None or child.returncode is not None:
        return
    try:
        await asyncio.wait_for(child.wait(), 10)
    except asyncio.TimeoutError:
        child.kill()
        await child.wait()
    except asyncio.CancelledError:  # the server is stopping: do not leave the process behind
        child.kill()
        raise


@web.middleware
async def _security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    """No framing, no sniffing, no referrer to other sites, no caching of pages."""
    response = await handler(request)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on the
    # sign-in form, which same_origin() must refuse
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
