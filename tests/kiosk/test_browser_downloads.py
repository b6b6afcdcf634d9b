"""The browser kiosk hands files to the browser (issue 17, "Done when"): a headless Chromium signs in
at the gate as the PPID, opens Rekap & Arsip with the keyboard, and downloads a kartu kontrol PDF
and the month's DIP as XLSX through textual-serve's file delivery (``/download/<key>``, which the
gate gives only to the session whose kiosk offered the file); a second tab is refused at the
session cap. The files are read as their users read them: the PDF with pdftotext, the workbook
with openpyxl. A download offered to one session is refused to every other."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from openpyxl import load_workbook

from kiosk.serve.gate import Gate, KioskProcess
from kiosk.serve.guard import COOKIE
from shared.records import month_of
from shared.timefmt import utcnow
from tests.conftest import require_tool
from tests.kiosk.dataset import PASSWORDS, make_home
from tests.kiosk.test_gate import (Cdp, client_for, free_port, kiosk_processes, make_gate,
                                   no_demo_password, plain)
from warta.demo import drive_chain

pytestmark = pytest.mark.timeout(240)

TITLE = "Penutupan Jalan Ahmad Yani untuk Karnaval"
KEYS = {"enter": {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"}}


async def press(cdp: Cdp, key: str) -> None:
    """One key typed into the page as a person types it (a trusted event, so the browser lets the
    kiosk open its download)."""
    spec = KEYS.get(key) or {"key": key, "code": f"Key{key.upper()}",
                             "windowsVirtualKeyCode": ord(key.upper()), "text": key}
    await cdp("Input.dispatchKeyEvent", type="keyDown", **spec)
    await cdp("Input.dispatchKeyEvent", type="keyUp", **{k: v for k, v in spec.items() if k != "text"})


async def downloaded(folder: Path, name: str, timeout: float = 60.0) -> Path:
    """The file once Chromium has finished it (it writes ``*.crdownload`` until then)."""
    deadline = time.monotonic() + timeout
    target = folder / name
    while not (target.exists() and not list(folder.glob("*.crdownload"))):
        assert time.monotonic() < deadline, f"{name} not downloaded; folder: {sorted(folder.iterdir())}"
        await asyncio.sleep(0.1)
    return target


def test_chromium_downloads_a_kartu_kontrol_and_the_dip_and_meets_the_session_cap(tmp_path) -> None:
    chromium = require_tool("chromium")
    require_tool("pdftotext")
    settings, w, ids = make_home()
    item = drive_chain(w, ids, {"title": TITLE, "body": "Jalan Ahmad Yani ditutup Sabtu pukul "
                                "15.00-22.00 untuk karnaval.", "klasifikasi": "berkala",
                                "sasaran": "masyarakat", "channels": ["web"]})
    month = month_of(utcnow(), settings.timezone)
    w.dip.propose_dip_entries(month, ids["ppid1"])
    for entry in w.dip.dip_entries(month)["proposals"]:
        w.dip.review_dip_entry(ids["ppid1"], entry["id"], True)
    register = w.dip.dip_entries(month)["register"]
    assert [e["announcement_id"] for e in register] == [item]
    port = free_port()
    downloads = tmp_path / "unduhan"
    downloads.mkdir()

    class Watched(Gate):
        output = bytearray()

        def on_kiosk_output(self, session, payload: bytes) -> None:  # noqa: ANN001
            self.output += payload

    async def main() -> None:
        capped = make_gate(settings, w, kiosk={"max_sessions": 1})
        gate = Watched(capped.command, capped.settings, w, host="127.0.0.1", port=port)
        server = TestServer(await gate._make_app(), host="127.0.0.1", port=port)
        await server.start_server()
        profile = tmp_path / "chromium"
        browser = await asyncio.create_subprocess_exec(
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--remote-debugging-port=0", "--window-size=1100,750",
            "about:blank", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        async def shown(needle: str, since: int, timeout: float = 60.0) -> None:
            deadline = time.monotonic() + timeout
            while needle not in plain(bytes(gate.output[since:])):
                assert time.monotonic() < deadline, (needle, plain(bytes(gate.output))[-800:])
                await asyncio.sleep(0.1)

        try:
            active = profile / "DevToolsActivePort"
            for _ in range(300):
                if active.exists() and len(active.read_text().split()) == 2:
                    break
                await asyncio.sleep(0.1)
            debug_port = active.read_text().split()[0]
            base = f"http://127.0.0.1:{port}"
            async with ClientSession() as http:
                version = await (await http.get(f"http://127.0.0.1:{debug_port}/json/version")).json()
                # the behaviour lasts as long as the DevTools session that set it: kept open
                bws = await http.ws_connect(version["webSocketDebuggerUrl"], max_msg_size=0)
                await Cdp(bws)("Browser.setDownloadBehavior", behavior="allow",
                               downloadPath=str(downloads))
                targets = await (await http.get(f"http://127.0.0.1:{debug_port}/json/list")).json()
                page = next(t for t in targets if t["type"] == "page")
                async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                    cdp = Cdp(ws)
                    await cdp("Page.navigate", url=f"{base}/")
                    await cdp.until("location.pathname === '/masuk' && !!document.forms[0]")
                    await cdp.js(f"document.getElementById('username').value = 'ppid1';"
                                 f"document.getElementById('password').value = {PASSWORDS['ppid1']!r};"
                                 "document.forms[0].submit(); true")
                    await cdp.until("location.pathname === '/' && !!document.getElementById('terminal')")
                    await shown("Beranda", 0, timeout=90)
                    await cdp.until("!!document.querySelector('.xterm-helper-textarea')")
                    await cdp.js("document.querySelector('.xterm-helper-textarea').focus(); true")

                    mark = len(gate.output)
                    await press(cdp, "p")  # Rekap & Arsip, this month: the one register row
                    await shown("1 diterima", mark)
                    mark = len(gate.output)
                    await press(cdp, "k")  # the row's announcement is filled in; Enter: kartu
                    await shown("Tanda terima", mark)
                    await press(cdp, "enter")
                    card = await downloaded(downloads, f"kartu-kontrol-{item}.pdf")
                    text = " ".join(subprocess.run(["pdftotext", str(card), "-"], check=True,
                                                   capture_output=True, text=True).stdout.split())
                    assert "KARTU KONTROL" in text.upper() and TITLE in text

                    mark = len(gate.output)
                    await press(cdp, "e")  # the DIP; XLSX is the first choice
                    await shown("XLSX", mark)
                    await press(cdp, "enter")
                    dip = await downloaded(downloads, f"dip-{month}.xlsx")
                    cells = [str(c) for row in load_workbook(dip).active.iter_rows(values_only=True)
                             for c in row if c is not None]
                    assert "DAFTAR INFORMASI PUBLIK" in cells
                    assert all(any(e["ringkasan"] in c for c in cells) for e in register)
                    # nothing was left on the server for these two
                    assert not (settings.home / "exports").exists()

                    # a second tab while this kiosk runs: the cap (1) refuses it, no process
                    await cdp.js(f"window.open({base + '/'!r}, '_blank'); true")
                    deadline = time.monotonic() + 30
                    while True:
                        targets = await (await http.get(
                            f"http://127.0.0.1:{debug_port}/json/list")).json()
                        second = [t for t in targets if t["type"] == "page" and t["id"] != page["id"]
                                  and t["url"].rstrip("/") == base]
                        if second:
                            break
                        assert time.monotonic() < deadline, targets
                        await asyncio.sleep(0.1)
                    async with http.ws_connect(second[0]["webSocketDebuggerUrl"],
                                               max_msg_size=0) as ws2:
                        tab = Cdp(ws2)
                        await tab.until("document.body && document.body.innerText"
                                        ".includes('Kiosk penuh: 1 sesi sedang dipakai, batasnya 1.')")
                        no_demo_password(await tab.js("document.documentElement.outerHTML"))
                    assert kiosk_processes(settings.home) == 1 and len(gate.live) == 1
                await bws.close()
        finally:
            browser.kill()
            await browser.wait()
            await server.close()
            shutil.rmtree(profile, ignore_errors=True)

    asyncio.run(main())


def test_a_download_is_given_only_to_the_session_whose_kiosk_offered_it() -> None:
    settings, w, _ids = make_home()

    async def main() -> None:
        gate = make_gate(settings, w)
        client = await client_for(gate)
        try:
            owner = gate.sessions.open(w.users.authenticate("ppid1", PASSWORDS["ppid1"]))
            other = gate.sessions.open(w.users.authenticate("kabid1", PASSWORDS["kabid1"]))

            async def nothing(*_args: object) -> None:
                return None

            # a kiosk process of the PPID's session offers a file (as deliver_binary makes it do)
            kiosk = KioskProcess(gate.command, write_bytes=nothing, write_str=nothing, close=nothing,
                                 download_manager=gate.download_manager, ticket="-", gate=gate,
                                 session=gate.sessions.get(owner))
            await gate.download_manager.create_download(
                app_service=kiosk, delivery_key="a1b2c3", file_name="kartu-kontrol-1.pdf",
                open_method="download", mime_type="application/pdf")
            anonymous = await client.get("/download/a1b2c3")
            assert anonymous.status == 401
            stranger = await client.get("/download/a1b2c3", headers={"Cookie": f"{COOKIE}={other}"})
            assert stranger.status == 404 and "tidak ada atau sudah diambil" in await stranger.text()
            unknown = await client.get("/download/tebakan", headers={"Cookie": f"{COOKIE}={owner}"})
            assert unknown.status == 404
            # still offered to its own session (the Chromium test above fetches such files)
            assert (await gate.download_manager.get_download_metadata("a1b2c3")).app_service is kiosk
        finally:
            await client.close()

    asyncio.run(main())
