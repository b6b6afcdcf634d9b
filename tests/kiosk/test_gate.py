"""The browser gate of ``warta kiosk --serve`` (kiosk/serve): nobody gets a kiosk process without
signing in, failed sign-ins are limited, the number of kiosk processes is capped, demo passwords
never reach a browser, and a real Chromium signs in and is shown the kiosk's home.

The HTTP and WebSocket parts run against the real gate with aiohttp's test server and client; every
kiosk process here is a real ``python -m warta.cli kiosk`` that the gate starts, counted in
/proc."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from aiohttp import ClientSession, WSMsgType
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import update

from kiosk.serve import tickets
from kiosk.serve.gate import Gate
from kiosk.serve.guard import COOKIE, Limiter, bind_refusal, client_address
from shared.errors import AuthError
from tests.conftest import require_tool
from tests.kiosk.dataset import PASSWORDS, make_home

pytestmark = pytest.mark.timeout(300)

COMMAND = "python -m warta.cli kiosk"  # what `warta kiosk --serve` runs, with this interpreter
ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|\x1b\][^\x07]*\x07")


def kiosk_processes(home: Path) -> int:
    """Kiosk processes (``python -m warta.cli kiosk``) running over ``home``."""
    count = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if b"warta.cli\0kiosk" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        count += f"WARTA_HOME={home}".encode() in env
    return count


def make_gate(settings, w, port: int = 0, **overrides) -> Gate:  # noqa: ANN001
    """A gate over the test home; ``overrides`` change settings (e.g. kiosk={"max_sessions": 1})."""
    import sys

    command = COMMAND.replace("python", sys.executable, 1)
    return Gate(command, settings.with_overrides(**overrides), w, host="127.0.0.1",
                port=port or 8000)


async def client_for(gate: Gate) -> TestClient:
    client = TestClient(TestServer(await gate._make_app(), host="127.0.0.1"))
    await client.start_server()
    return client


async def sign_in(client: TestClient, username: str, password: str, **headers: str):  # noqa: ANN201
    return await client.post("/masuk", data={"username": username, "password": password},
                             allow_redirects=False, headers=headers)


def plain(data: bytes) -> str:
    """Terminal output as text (escape sequences removed)."""
    return ANSI.sub(b"", data).decode("utf-8", "replace")


async def read_until(ws, needle: str, seen: bytearray, timeout: float = 90.0) -> None:  # noqa: ANN001
    """Collect what the kiosk sends until ``needle`` is on its screen; fail at the deadline."""
    deadline = time.monotonic() + timeout
    while needle not in plain(bytes(seen)):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{needle!r} not shown; last output: {plain(bytes(seen))[-600:]!r}")
        try:
            msg = await asyncio.wait_for(ws.receive(), left)
        except asyncio.TimeoutError:
            continue
        if msg.type == WSMsgType.BINARY:
            seen += msg.data
        elif msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.ERROR):
            raise AssertionError(f"kiosk session closed; output: {plain(bytes(seen))[-600:]!r}")


def no_demo_password(*texts: str | bytes) -> None:
    for text in texts:
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        leaked = [name for name, pw in PASSWORDS.items() if pw in text]
        assert not leaked, f"demo passwords of {leaked} sent to the browser"


def test_wrong_password_is_refused_and_starts_no_kiosk() -> None:
    settings, w, _ids = make_home()

    async def main() -> None:
        gate = make_gate(settings, w)
        client = await client_for(gate)
        try:
            assert (await client.get("/", allow_redirects=False)).headers["Location"] == "/masuk"
            form = await client.get("/masuk")
            assert form.status == 200 and 'type="password"' in await form.text()
            refused = await sign_in(client, "kadis1", "bukan-sandinya")
            assert refused.status == 401 and COOKIE not in refused.cookies
            assert "Nama pengguna atau kata sandi salah" in await refused.text()
            # without a session the WebSocket (the kiosk process) is refused before it starts
            ws = await client.get("/ws")
            assert ws.status == 401
            assert (await client.get("/", allow_redirects=False)).status == 303
            await asyncio.sleep(1.0)  # a process would have been started by now
            assert gate.live == set() and kiosk_processes(settings.home) == 0
        finally:
            await client.close()

    asyncio.run(main())


def test_a_disabled_account_is_refused_at_the_gate_and_told_so() -> None:
    settings, w, ids = make_home()
    w.users.disable_user(ids["admin"], "ppid1")

    async def main() -> None:
        gate = make_gate(settings, w)
        client = await client_for(gate)
        try:
            refused = await sign_in(client, "ppid1", PASSWORDS["ppid1"])
            assert refused.status == 401 and COOKIE not in refused.cookies
            assert "dinonaktifkan; minta Administrator mengaktifkannya kembali" in await refused.text()
            assert gate.live == set()
        finally:
            await client.close()

    asyncio.run(main())


def test_right_password_opens_the_kiosk_signed_in_and_never_sends_demo_passwords() -> None:
    settings, w, _ids = make_home()  # a demo home: demo-accounts.json lists every password

    async def main() -> None:
        gate = make_gate(settings, w)
        client = await client_for(gate)
        pages = []
        try:
            pages.append(await (await client.get("/masuk")).text())
            pages.append(await (await sign_in(client, "admin", "salah-sekali")).text())
            ok = await sign_in(client, "pelaksana1", PASSWORDS["pelaksana1"])
            assert ok.status == 303 and ok.headers["Location"] == "/"
            cookie = ok.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
            page = await client.get("/")
            pages.append(await page.text())
            assert page.status == 200 and "/ws" in pages[-1] and "googleapis" not in pages[-1]
            seen = bytearray()
            async with client.ws_connect("/ws?width=100&height=30") as ws:
                # signed in by the gate's ticket: straight to the home screen, no password typed
                await read_until(ws, "Beranda", seen)
                assert "Rina Marlina" in plain(bytes(seen))
                assert kiosk_processes(settings.home) == 1
                await ws.send_json(["stdin", "\x0c"])  # Ctrl+L: lock, back to the kiosk's sign-in
                await read_until(ws, "Kata sandi", seen)
                # the demo list would come from a worker within moments; give it three seconds
                deadline = time.monotonic() + 3.0
                while time.monotonic() < deadline:
                    try:
                        msg = await ws.receive(timeout=0.5)
                    except asyncio.TimeoutError:
                        continue
                    if msg.type == WSMsgType.BINARY:
                        seen += msg.data
            assert "Akun demo" not in plain(bytes(seen))  # the demo table is never shown
            no_demo_password(bytes(seen), *pages)
            assert not list(tickets.folder(settings).iterdir())  # the ticket was used up
            signed_out = await client.post("/keluar")
            no_demo_password(await signed_out.text())
            assert (await client.get("/", allow_redirects=False)).status == 303
        finally:
            await client.close()
        for _ in range(100):  # the process ends with its WebSocket
            if kiosk_processes(settings.home) == 0:
                break
            await asyncio.sleep(0.1)
        assert kiosk_processes(settings.home) == 0

    asyncio.run(main())


def test_failed_attempts_are_limited_per_address_and_per_username() -> None:
    settings, w, _ids = make_home()
    checked = []
    real = w.users.authenticate
    w.users.authenticate = lambda u, p: (checked.append(u), real(u, p))[1]

    async def main() -> None:
        gate = make_gate(settings, w)
        now = [1000.0]
        gate.limiter = Limiter(limit=5, window_s=60.0, clock=lambda: now[0])
        client = await client_for(gate)
        try:
            # one username guessed from five addresses (behind the proxy: X-Forwarded-For)
            for i in range(5):
                r = await sign_in(client, "kadis1", f"tebakan-{i}", **{"X-Forwarded-For": f"10.0.0.{i}"})
                assert r.status in (401, 429)
            blocked = await sign_in(client, "kadis1", PASSWORDS["kadis1"],
                                    **{"X-Forwarded-For": "10.0.0.99"})
            text = await blocked.text()
            assert blocked.status == 429 and int(blocked.headers["Retry-After"]) == 60
            assert "Terlalu banyak percobaan masuk yang gagal. Tunggu 60 detik" in text
            assert checked.count("kadis1") == 5  # the blocked attempt cost no password check
            # one address guessing five usernames
            for name in ("admin", "ppid1", "kabid1", "sekretaris1", "tidak-ada"):
                await sign_in(client, name, "salah", **{"X-Forwarded-For": "10.9.9.9"})
            r = await sign_in(client, "pelaksana1", PASSWORDS["pelaksana1"],
                              **{"X-Forwarded-For": "10.9.9.9"})
            assert r.status == 429 and "Tunggu" in await r.text()
            # other users from other addresses are not affected
            r = await sign_in(client, "pelaksana1", PASSWORDS["pelaksana1"],
                              **{"X-Forwarded-For": "10.1.1.1"})
            assert r.status == 303
            now[0] += 61  # a minute later the right password works again
            r = await sign_in(client, "kadis1", PASSWORDS["kadis1"], **{"X-Forwarded-For": "10.0.0.99"})
            assert r.status == 303
            no_demo_password(text)
            # a browser on another site cannot post the form (Origin checked)
            r = await sign_in(client, "kadis1", PASSWORDS["kadis1"], Origin="https://jahat.example")
            assert r.status == 403
        finally:
            await client.close()

    asyncio.run(main())


def test_the_session_cap_refuses_one_kiosk_too_many() -> None:
    settings, w, _ids = make_home()

    async def main() -> None:
        gate = make_gate(settings, w, kiosk={"max_sessions": 1})
        client = await client_for(gate)
        try:
            assert (await sign_in(client, "kabid1", PASSWORDS["kabid1"])).status == 303
            seen = bytearray()
            async with client.ws_connect("/ws") as ws:
                await read_until(ws, "Beranda", seen)
                full = await client.get("/")
                text = await full.text()
                assert full.status == 503
                assert "Kiosk penuh: 1 sesi sedang dipakai, batasnya 1." in text
                second = await client.get("/ws")  # the page's script would open this
                assert second.status == 503
                assert kiosk_processes(settings.home) == 1 and len(gate.live) == 1
                no_demo_password(text)
            for _ in range(100):
                if not gate.live:
                    break
                await asyncio.sleep(0.1)
            assert (await client.get("/")).status == 200  # a place is free again
        finally:
            await client.close()

    asyncio.run(main())


def test_tickets_work_once_for_an_active_account_only() -> None:
    from shared.models import User

    settings, w, ids = make_home()
    user = w.users.authenticate("ppid1", PASSWORDS["ppid1"])
    token = tickets.issue(settings, user)
    assert oct(tickets.folder(settings).stat().st_mode & 0o777) == "0o700"
    assert tickets.redeem(settings, token, w) == user
    with pytest.raises(AuthError):
        tickets.redeem(settings, token, w)  # used
    with pytest.raises(AuthError):
        tickets.redeem(settings, tickets.issue(settings, user), w, now=time.time() + 600)
    with pytest.raises(AuthError):
        tickets.redeem(settings, "tebakan", w)
    late = tickets.issue(settings, user)
    with w.ctx.tx() as s:
        s.execute(update(User).where(User.id == ids["ppid1"]).values(active=False))
    with pytest.raises(AuthError, match="dinonaktifkan"):
        tickets.redeem(settings, late, w)


def test_listening_beyond_loopback_needs_tls_or_an_explicit_flag() -> None:
    from typer.testing import CliRunner

    from warta.cli import app

    assert bind_refusal("127.0.0.1", tls=False, insecure=False) is None
    assert bind_refusal("::1", tls=False, insecure=False) is None
    assert bind_refusal("0.0.0.0", tls=True, insecure=False) is None
    assert bind_refusal("10.1.2.3", tls=False, insecure=True) is None
    result = CliRunner().invoke(app, ["kiosk", "--serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "tanpa TLS" in result.output
    assert client_address("127.0.0.1", "1.2.3.4, 10.0.0.7") == "10.0.0.7"
    assert client_address("10.0.0.5", "1.2.3.4") == "10.0.0.5"  # a remote peer cannot pretend


# -- a real browser --------------------------------------------------------------------------------


class Cdp:
    """Just enough of the Chrome DevTools protocol: send a command, wait for its answer."""

    def __init__(self, ws) -> None:  # noqa: ANN001
        self.ws, self.next_id = ws, 0

    async def __call__(self, method: str, **params) -> dict:  # noqa: ANN003
        self.next_id += 1
        await self.ws.send_json({"id": self.next_id, "method": method, "params": params})
        while True:
            msg = json.loads((await self.ws.receive(timeout=60)).data)
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise AssertionError(msg["error"])
                return msg.get("result", {})

    async def js(self, expression: str):  # noqa: ANN201
        result = await self("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def until(self, expression: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not await self.js(expression):
            if time.monotonic() > deadline:
                page = await self.js("location.href + ' ' + document.body.innerText")
                raise AssertionError(f"timed out waiting for {expression}; page: {page}")
            await asyncio.sleep(0.1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_chromium_signs_in_at_the_gate_and_is_shown_the_kiosk_home(tmp_path) -> None:
    chromium = require_tool("chromium")
    settings, w, _ids = make_home()
    port = free_port()

    class Watched(Gate):
        output = bytearray()

        def on_kiosk_output(self, session, payload: bytes) -> None:  # noqa: ANN001
            self.output += payload

    async def main() -> None:
        gate = Watched(make_gate(settings, w).command, settings, w, host="127.0.0.1", port=port)
        server = TestServer(await gate._make_app(), host="127.0.0.1", port=port)
        await server.start_server()
        profile = tmp_path / "chromium"
        browser = await asyncio.create_subprocess_exec(
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--remote-debugging-port=0", "--window-size=1000,700",
            "about:blank", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            active = profile / "DevToolsActivePort"
            for _ in range(300):
                if active.exists() and len(active.read_text().split()) == 2:
                    break
                await asyncio.sleep(0.1)
            debug_port = active.read_text().split()[0]
            async with ClientSession() as http:
                targets = await (await http.get(f"http://127.0.0.1:{debug_port}/json/list")).json()
                page = next(t for t in targets if t["type"] == "page")
                async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                    cdp = Cdp(ws)
                    base = f"http://127.0.0.1:{port}"
                    await cdp("Page.navigate", url=f"{base}/")
                    await cdp.until("location.pathname === '/masuk' && !!document.forms[0]")
                    fill = ("document.getElementById('username').value = {u!r};"
                            "document.getElementById('password').value = {p!r};"
                            "document.forms[0].submit(); true")
                    await cdp.js(fill.format(u="kadis1", p="salah-kata-sandi"))
                    await cdp.until("document.body.innerText.includes('kata sandi salah')")
                    assert gate.live == set() and kiosk_processes(settings.home) == 0
                    no_demo_password(await cdp.js("document.documentElement.outerHTML"))
                    await cdp.js(fill.format(u="kadis1", p=PASSWORDS["kadis1"]))
                    await cdp.until("location.pathname === '/' && !!document.getElementById('terminal')")
                    assert await cdp.js("document.cookie") == ""  # HttpOnly: no script can read it
                    deadline = time.monotonic() + 90
                    while "Beranda" not in plain(bytes(gate.output)):
                        assert time.monotonic() < deadline, plain(bytes(gate.output))[-600:]
                        await asyncio.sleep(0.2)
                    await asyncio.sleep(1.0)  # let xterm.js paint the frame
                    assert "Hendra Wijaya" in plain(bytes(gate.output))  # kadis1's home
                    shot = await cdp("Page.captureScreenshot", format="png")
                    png = base64.b64decode(shot["data"])
                    (tmp_path / "kiosk-home.png").write_bytes(png)
                    assert png.startswith(b"\x89PNG") and len(png) > 10_000
                    no_demo_password(await cdp.js("document.documentElement.outerHTML"),
                                     bytes(gate.output))
                    assert kiosk_processes(settings.home) == 1
        finally:
            browser.kill()
            await browser.wait()
            await server.close()
            shutil.rmtree(profile, ignore_errors=True)

    asyncio.run(main())
