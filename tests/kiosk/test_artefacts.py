"""Proofs and records in the kiosk (issue 17, point 6): the detail lists every proof file of every
delivery whole (name and size, the archive folder once), the viewer opens a slide as a picture,
the text of a radio script, a PDF and a web page, an MP3's length and format, and ``d`` hands the
file over; the kartu kontrol and tanda terima come from the detail and from Rekap & Arsip. The
proofs are real: the in-process relay, channel workers and archiver deliver one announcement to
the four channels first. The service decides who reads a proof (never a dikecualikan item, never a
changed file or a path outside the archive)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time

import pytest
from sqlalchemy import update

from shared.errors import AuthError, NotFound, Refused
from shared.models import Announcement, Delivery
from tests.conftest import require_tool
from tests.kiosk.conftest import login, screen_name, text_of, until
from tests.kiosk.dataset import make_home
from tests.kiosk.pilot import notices, run
from warta.demo import drive_chain

pytestmark = pytest.mark.timeout(180)

TITLE = "Pemadaman Listrik Bergilir Teminabuan"
BODY = "Pemadaman listrik bergilir di Teminabuan pada Senin pukul 08.00 sampai 12.00 WIT."


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):  # noqa: ANN001, ANN201
    """A demo home with one announcement delivered to web, videotron, radio and print by the real
    in-process backbone (embedded broker), made once for the module: (home folder, ids, item)."""
    from shared.config import Settings
    from shared.db import engine_for
    from workers.inprocess import start_all

    settings = Settings(home=tmp_path_factory.mktemp("delivered") / "var",
                        broker={"url": "embedded", "poll_interval": 0.05})
    settings, w, ids = make_home(settings)
    item = drive_chain(w, ids, {"title": TITLE, "body": BODY, "summary": "Jadwal pemadaman.",
                                "klasifikasi": "berkala", "sasaran": "masyarakat",
                                "channels": ["web", "videotron", "radio", "print"]})
    handle = start_all(settings)
    try:
        deadline = time.monotonic() + 120
        while not all(d["state"] == "confirmed" for d in w.queries.get_item(item)["deliveries"]):
            assert time.monotonic() < deadline, w.queries.get_item(item)["deliveries"]
            time.sleep(0.1)
    finally:
        handle.stop()
    engine_for(settings.db_url).dispose()
    return settings.home, ids, item


@pytest.fixture
def delivered_home(delivered):  # noqa: ANN001, ANN201
    """This test's own copy of the delivered home: settings, services, ids, item id."""
    from shared.config import get_settings
    from warta.common import build_services

    template, ids, item = delivered
    settings = get_settings()
    shutil.copytree(template, settings.home, dirs_exist_ok=True)
    return settings, build_services(settings, "kiosk-redrive"), ids, item


def rows(table) -> list[tuple[str, ...]]:  # noqa: ANN001
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def test_detail_lists_every_proof_file_and_the_viewer_opens_each_kind(delivered_home) -> None:
    require_tool("pdftotext")
    settings, w, _ids, item = delivered_home
    files = [(d["channel"], a) for d in w.queries.get_item(item)["deliveries"] for a in d["artifacts"]]
    by_suffix = {a["name"].rsplit(".", 1)[-1]: a for _ch, a in files}
    assert {"png", "pdf", "txt", "mp3", "html", "json"} <= set(by_suffix)
    exports = (settings.home / "exports").resolve()

    async def open_file(pilot, detail, name: str) -> object:  # noqa: ANN001
        table = detail.query_one("#artefacts")
        table.focus()
        table.move_cursor(row=[r[1] for r in rows(table)].index(name))
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(pilot) == "ArtefactScreen", what=f"viewer of {name}")
        viewer = pilot.app.screen
        await until(pilot, lambda: viewer.data is not None, what=f"{name} loaded")
        return viewer

    async def scenario(pilot) -> None:  # noqa: ANN001
        from kiosk.screens.detail import DetailScreen

        await login(pilot, "pelaksana1")
        await pilot.app.push_screen(DetailScreen(item, live_seconds=0))
        detail = pilot.app.screen
        await until(pilot, lambda: detail.artefacts, what="artefacts listed")
        listed = rows(detail.query_one("#artefacts"))
        # every file of every channel, each name whole (never clipped), its size in KB
        assert sorted(r[1] for r in listed) == sorted(a["name"] for _ch, a in files)
        assert {r[0] for r in listed} == {"Web", "Videotron", "Radio", "Cetak"}
        assert all(r[2].endswith(("KB", "MB", " B")) for r in listed)
        folder = text_of(detail.query_one("#artefact-folder"))
        assert folder.startswith(f"Folder arsip: {settings.archive}")  # the folder, once
        assert not any(str(settings.archive) in r[1] for r in listed)

        # a slide: a picture in half blocks, with its pixel size
        viewer = await open_file(pilot, detail, by_suffix["png"]["name"])
        head = text_of(viewer.query_one("#artefact-head"))
        assert "Gambar PNG 1920×1080 piksel" in head and "Videotron" in head
        body = viewer.query_one("#artefact-body").content
        assert body.plain.count("▀") > 1000 and len(body.spans) > 1000
        await pilot.press("escape")
        # the radio script, the printed PDF (pdftotext), the web page: their text
        for suffix, expected in (("txt", "NASKAH SIARAN"), ("pdf", "PENGUMUMAN"), ("html", BODY)):
            viewer = await open_file(pilot, detail, by_suffix[suffix]["name"])
            shown = text_of(viewer.query_one("#artefact-body"))
            assert expected in shown and TITLE.upper() in shown.upper(), (suffix, shown[:300])
            if suffix == "pdf":  # d: the file itself, byte for byte as archived
                await pilot.press("d")
                saved = exports / by_suffix["pdf"]["name"].rsplit("/", 1)[-1]
                await until(pilot, lambda s=saved: any(str(s) in n for n in notices(pilot)),
                            what="pdf saved")
                assert hashlib.sha256(saved.read_bytes()).hexdigest() == by_suffix["pdf"]["sha256"]
            await pilot.press("escape")
        # the MP3: length and format (it is not played in a terminal)
        viewer = await open_file(pilot, detail, by_suffix["mp3"]["name"])
        head = text_of(viewer.query_one("#artefact-head"))
        assert "Audio MP3 · durasi 0:" in head and "kbps" in head and TITLE in head
        await pilot.press("escape")

        # k in the detail: the kartu kontrol, made by the service the CLI uses
        await pilot.press("k")
        await until(pilot, lambda: screen_name(pilot) == "ChoiceDialog", what="document choice")
        await pilot.click("#choice-card")
        card = exports / f"kartu-kontrol-{item}.pdf"
        await until(pilot, lambda: any(str(card) in n for n in notices(pilot)), what="card saved")
        text = subprocess.run(["pdftotext", "-layout", str(card), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "KARTU KONTROL" in text.upper() and TITLE in " ".join(text.split())

    run(settings, w, scenario, size=(120, 40))


def test_rekap_hands_over_the_kartu_kontrol_and_tanda_terima_of_a_dip_row(home) -> None:
    require_tool("pdftotext")
    settings, w, ids = home
    item = drive_chain(w, ids, {"title": TITLE, "body": BODY, "klasifikasi": "berkala",
                                "sasaran": "masyarakat", "channels": ["web"]})
    exports = (settings.home / "exports").resolve()

    def pdf_text(path) -> str:  # noqa: ANN001
        return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                       text=True, check=True).stdout.split())

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "ppid1")
        await pilot.press("p")
        await until(pilot, lambda: screen_name(pilot) == "RecordsScreen", what="records")
        screen = pilot.app.screen
        await pilot.press("u")  # the approved announcement becomes a DIP proposal
        await until(pilot, lambda: screen.rows, what="proposal")
        # k: the selected row's announcement is filled in; Enter is the kartu kontrol
        await pilot.press("k")
        await until(pilot, lambda: screen_name(pilot) == "DocumentDialog", what="document dialog")
        assert pilot.app.screen.query_one("#doc-item").value == str(item)
        await pilot.press("enter")
        card = exports / f"kartu-kontrol-{item}.pdf"
        await until(pilot, lambda: any(str(card) in n for n in notices(pilot)), what="card")
        assert "KARTU KONTROL" in pdf_text(card).upper() and TITLE in pdf_text(card)
        await pilot.press("k")
        await until(pilot, lambda: screen_name(pilot) == "DocumentDialog", what="document dialog")
        await pilot.click("#doc-receipt")
        receipt = exports / f"tanda-terima-{item}.pdf"
        await until(pilot, lambda: any(str(receipt) in n for n in notices(pilot)), what="receipt")
        assert "TANDA TERIMA" in pdf_text(receipt).upper() and TITLE in pdf_text(receipt)
        # a number that does not exist: the service's refusal, nothing written
        await pilot.press("k")
        await until(pilot, lambda: screen_name(pilot) == "DocumentDialog", what="document dialog")
        pilot.app.screen.query_one("#doc-item").value = "999"
        await pilot.press("enter")
        await until(pilot, lambda: any("#999 tidak ditemukan" in n for n in notices(pilot)),
                    what="refusal")
        assert not (exports / "kartu-kontrol-999.pdf").exists()

    run(settings, w, scenario)


def test_the_service_decides_who_reads_a_proof_and_refuses_a_changed_one(delivered_home) -> None:
    settings, w, ids, item = delivered_home
    web = next(d for d in w.queries.get_item(item)["deliveries"] if d["channel"] == "web")
    page = next(a for a in web["artifacts"] if a["name"].endswith(".html"))
    read = w.reports.proof_file
    got = read(ids["kabid1"], item, "web", "publish", page["name"])
    assert got["sha256"] == page["sha256"] and TITLE.encode() in got["data"]
    with pytest.raises(NotFound, match="tidak tercatat"):
        read(ids["kabid1"], item, "web", "publish", "../../warta.db")
    with pytest.raises(AuthError):
        read(0, item, "web", "publish", page["name"])
    # a changed file is refused, never handed over
    path = settings.archive / page["path"]
    original = path.read_bytes()
    path.write_bytes(original.replace(TITLE.encode(), b"Judul Palsu"))
    with pytest.raises(Refused, match="tidak cocok dengan checksum"):
        read(ids["kabid1"], item, "web", "publish", page["name"])
    path.write_bytes(original)
    # a database row naming a file outside the archive is refused
    with w.ctx.tx() as s:
        s.execute(update(Delivery).where(Delivery.announcement_id == item, Delivery.channel == "web")
                  .values(artifacts=[{**page, "path": "../warta.db"}]))
    with pytest.raises(Refused, match="di luar folder arsip"):
        read(ids["kabid1"], item, "web", "publish", page["name"])
    # dikecualikan: never, not even for the PPID; others are told who may read it
    with w.ctx.tx() as s:
        s.execute(update(Announcement).where(Announcement.id == item).values(klasifikasi="dikecualikan"))
    with pytest.raises(Refused, match="tidak disebarkan"):
        read(ids["ppid1"], item, "radio", "publish", "readback.json")
    with pytest.raises(Refused, match="hanya dapat dibaca oleh Kepala Dinas dan PPID"):
        read(ids["kabid1"], item, "radio", "publish", "readback.json")


def test_the_viewer_reads_pages_and_feeds_as_their_readers_do_and_names_folders_once() -> None:
    from pathlib import Path

    from kiosk.screens.artefacts import ArtefactRef, common_folder, page_text, size_text

    page = (b"<html><head><title>Judul</title><style>p{}</style><script>var a;</script></head>"
            b"<body><p>Satu <b>dua</b>tiga</p><ul><li>A</li><li>B &amp; C</li></ul></body></html>")
    assert page_text(page) == "Judul\nSatu duatiga\nA\nB & C"
    feed = (b"<rss><channel><title>Warta</title><item><title>Satu</title>"
            b"<description>Isi &amp; lain</description></item></channel></rss>")
    assert page_text(feed, feed=True) == "Warta\nSatu\nIsi & lain"
    assert [size_text(n) for n in (812, 85_700, 1_300_000, None)] == ["812 B", "85,7 KB", "1,3 MB", "—"]
    web = ArtefactRef(1, "web", "publish", "", "items/a.html", 1, "2026/12/001/web/items/a.html")
    radio = ArtefactRef(1, "radio", "publish", "", "audio/a.mp3", 1, "2026/12/001/radio/audio/a.mp3")
    assert common_folder([web], Path("/arsip")) == "/arsip/2026/12/001/web/"
    assert common_folder([web, radio], Path("/arsip")) == "/arsip/2026/12/001/"
    assert web.filename == "a.html"
