"""Proof files in the kiosk: the viewer of one archived artefact of a delivery (a slide as a picture,
the text of a radio script, a PDF, a web page or feed, an audio file's length and format) and the
hand-over of any file to the user (:func:`deliver`): a download in the browser kiosk, a file in
``$WARTA_HOME/exports`` in a terminal. The bytes always come from the service layer
(:meth:`shared.services.records.Reports.proof_file`), which decides who may read them."""

from __future__ import annotations

import io
import json
import mimetypes
import os
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from kiosk.format import channel_label, kind_label
from kiosk.screens.base import WartaScreen
from kiosk.widgets.keybar import KeyBar
from shared.i18n import N_, _

IMAGE, PDF, TEXT, PAGE, FEED, DATA, AUDIO, OTHER = ("image", "pdf", "text", "page", "feed", "data",
                                                    "audio", "other")
SUFFIXES = {".png": IMAGE, ".jpg": IMAGE, ".jpeg": IMAGE, ".gif": IMAGE, ".webp": IMAGE,
            ".pdf": PDF, ".txt": TEXT, ".md": TEXT, ".srt": TEXT, ".vtt": TEXT, ".csv": TEXT,
            ".html": PAGE, ".htm": PAGE, ".xml": FEED, ".rss": FEED, ".atom": FEED,
            ".json": DATA, ".mp3": AUDIO, ".wav": AUDIO, ".ogg": AUDIO, ".opus": AUDIO,
            ".m4a": AUDIO, ".flac": AUDIO}
"""What a proof file holds, from its name (the channels write these suffixes)."""
CONTENT_LABEL = {IMAGE: N_("Gambar"), PDF: N_("PDF"), TEXT: N_("Naskah"), PAGE: N_("Halaman web"),
                 FEED: N_("Umpan"), DATA: N_("Data bukti"), AUDIO: N_("Audio"),
                 OTHER: N_("Lainnya")}
"""How the detail's artefact table names each kind of content."""
TEXT_LIMIT = 200_000
"""Characters of a text shown in the viewer (a whole script or page is far shorter)."""


def content_kind(name: str) -> str:
    """``image``, ``pdf``, ``text``, ``page``, ``feed``, ``data``, ``audio`` or ``other``."""
    return SUFFIXES.get(PurePosixPath(name).suffix.lower(), OTHER)


def content_label(name: str) -> str:
    """What the file holds, in the language shown ('Gambar', 'Audio', …)."""
    return _(CONTENT_LABEL[content_kind(name)])


def place_label(channel: str, endpoint: str | None = None) -> str:
    """'Videotron', or 'Videotron (lobi)' for a channel's named endpoint (screen, station)."""
    return channel_label(channel) + (f" ({endpoint})" if endpoint else "")


def size_text(size: int | None) -> str:
    """'812 B', '85,7 KB', '1,3 MB' (decimal comma, as the kiosk writes numbers)."""
    if size is None:
        return "—"
    if size < 1000:
        return f"{size} B"
    value, unit = (size / 1000, "KB") if size < 1_000_000 else (size / 1_000_000, "MB")
    return f"{value:.1f}".replace(".", ",") + f" {unit}"


@dataclass(frozen=True)
class ArtefactRef:
    """One proof file of one delivery, as the detail lists it and the service is asked for it."""

    item_id: int
    channel: str
    kind: str
    endpoint: str
    name: str
    size: int | None
    path: str
    """Where it is filed, relative to the archive ('' when only referenced elsewhere)."""

    @property
    def filename(self) -> str:
        """The name it is handed over as (no folders)."""
        return PurePosixPath(self.name).name


def artefacts_of(item: dict) -> list[ArtefactRef]:
    """Every proof file of every delivery of ``item`` (as :meth:`Queries.get_item` returns it):
    per channel the publication first, then its pencabutan; files in the order filed."""
    refs = []
    for d in sorted(item.get("deliveries", []),
                    key=lambda d: (d["kind"] == "revoke", d["channel"], d.get("endpoint") or "")):
        for a in d.get("artifacts") or []:
            if not isinstance(a, dict):
                continue
            name = str(a.get("name") or a.get("path") or "")
            if name:
                refs.append(ArtefactRef(item["id"], d["channel"], d["kind"], d.get("endpoint") or "",
                                        name, a.get("size"), str(a.get("path") or "")))
    return refs


def common_folder(refs: list[ArtefactRef], archive: Path) -> str:
    """The archive folder all these files are under (the announcement's proof folder), shown once
    above the list, so each row needs only its channel and file name."""
    # a delivery's folder is its file's path without the name the file is listed by
    # ('…/radio' for 'audio/x.mp3'), so one delivery's files never show a folder twice
    folders = [r.path[:-len(r.name)].rstrip("/") if r.path.endswith(r.name)
               else str(PurePosixPath(r.path).parent) for r in refs if r.path]
    return str(Path(archive, os.path.commonpath(folders))) + os.sep if folders else ""


# -- what the viewer shows -----------------------------------------------------------------------


@dataclass(frozen=True)
class Viewed:
    """One artefact made ready to show: a line about its content and its body."""

    about: str
    body: Text | str


class _TextOf(HTMLParser):
    """The text a reader sees of a web page or a feed: scripts and styles left out, a line break
    at every block (page) or element (feed) end."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "title", "section",
              "article", "header", "footer", "dt", "dd", "table", "ul", "ol", "main", "nav"}

    def __init__(self, feed: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.feed_mode, self.parts, self.skip = feed, [], 0

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ARG002 - HTMLParser's API
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif self.feed_mode or tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:  # spaces at the edges separate words of neighbouring elements
            self.parts.append(" " if data[:1].isspace() else "")
            self.parts.append(" ".join(data.split()))
            self.parts.append(" " if data[-1:].isspace() and data.strip() else "")

    def text(self) -> str:
        lines = [" ".join(line.split()) for line in "".join(self.parts).splitlines()]
        return "\n".join(line for line in lines if line)


def page_text(data: bytes, feed: bool = False) -> str:
    """The visible text of an HTML page (or an XML feed)."""
    parser = _TextOf(feed)
    parser.feed(data.decode("utf-8", "replace"))
    parser.close()
    return parser.text()


def _audio(data: bytes, name: str) -> str:
    import mutagen

    found = mutagen.File(io.BytesIO(data))
    fmt = PurePosixPath(name).suffix.lstrip(".").upper()
    if found is None or found.info is None:
        return _("Audio {fmt}; durasi tidak terbaca", fmt=fmt)
    info = found.info
    minutes, seconds = divmod(round(info.length), 60)
    parts = [_("Audio {fmt}", fmt=fmt), _("durasi {t}", t=f"{minutes}:{seconds:02d}")]
    if getattr(info, "bitrate", 0):
        parts.append(f"{info.bitrate // 1000} kbps")
    if getattr(info, "sample_rate", 0):
        parts.append(f"{info.sample_rate} Hz")
    if getattr(info, "channels", 0):
        parts.append(_("mono") if info.channels == 1 else _("{n} kanal", n=info.channels))
    title = found.tags.get("TIT2") if found.tags is not None and hasattr(found.tags, "get") else None
    text = " · ".join(parts)
    return text + ("\n" + _("Judul: {t}", t=str(title)) if title else "")


def _pdf(data: bytes) -> str:
    from channels.noticeboard.pdftext import PdfTextError, pdf_text

    with tempfile.TemporaryDirectory(prefix="warta-artefak-") as folder:
        path = Path(folder) / "berkas.pdf"
        path.write_bytes(data)
        try:
            return pdf_text(path)
        except PdfTextError as exc:
            return str(exc)


def _image(data: bytes, columns: int) -> Viewed:
    from PIL import Image

    from kiosk.widgets.slide import shrink, to_text

    with Image.open(io.BytesIO(data)) as image:
        about = _("Gambar {fmt} {w}×{h} piksel", fmt=image.format or "", w=image.width,
                  h=image.height)
        return Viewed(about, to_text(shrink(image, columns)))


def view(name: str, data: bytes, columns: int = 72) -> Viewed:
    """What the viewer shows of ``data`` (call in a worker: a PDF or a picture takes a moment)."""
    kind = content_kind(name)
    if kind == IMAGE:
        return _image(data, columns)
    if kind == AUDIO:
        return Viewed(_audio(data, name), _("Audio tidak diputar di kiosk; tekan d untuk "
                                            "mengunduhnya dan memutarnya di komputer."))
    if kind == PDF:
        return Viewed(_("PDF; teksnya:"), _pdf(data)[:TEXT_LIMIT])
    if kind in (PAGE, FEED):
        about = _("Halaman web; teks yang dibaca pengunjung:") if kind == PAGE else _("Umpan; isinya:")
        return Viewed(about, page_text(data, feed=kind == FEED)[:TEXT_LIMIT])
    if kind == DATA:
        try:
            text = json.dumps(json.loads(data), ensure_ascii=False, indent=2)
        except ValueError:
            text = data.decode("utf-8", "replace")
        return Viewed(_("Data bukti (JSON):"), text[:TEXT_LIMIT])
    if kind == TEXT:
        return Viewed(_("Naskah:"), data.decode("utf-8", "replace")[:TEXT_LIMIT])
    return Viewed(_("Tidak ada pratinjau untuk berkas jenis ini."),
                  _("Tekan d untuk mengunduhnya."))


# -- handing a file to the user ------------------------------------------------------------------


def exports_folder(screen: WartaScreen) -> Path:
    """``$WARTA_HOME/exports``: where a terminal kiosk saves what it hands over."""
    return (Path(screen.app.settings.home) / "exports").resolve()


def _save(folder: Path, filename: str, data: bytes) -> Path:
    """Write ``data`` whole under ``folder`` (a temp file renamed into place), so a file that is
    named to the user is always complete."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / PurePosixPath(filename).name
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def deliver(screen: WartaScreen, filename: str, data: bytes,
            done: Callable[[Path | None], Any] | None = None) -> None:
    """Hand ``data`` to the user as ``filename``: in the browser kiosk (textual-serve) Textual's
    ``deliver_binary`` starts a download through the gate; in a terminal the file is written to
    ``$WARTA_HOME/exports``. Textual's own terminal delivery reports completion before its file is
    closed, so there the kiosk writes the file itself. ``done`` gets the saved path (None in the
    browser)."""
    mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if screen.app.is_web:
        screen.app.deliver_binary(io.BytesIO(data), save_filename=filename, mime_type=mime,
                                  open_method="download", name=filename)
        screen.notify(_("Berkas {name} dikirim ke peramban untuk diunduh.", name=filename))
        if done:
            done(None)
        return

    def saved(path: Path) -> None:
        screen.notify(_("Berkas tersimpan: {p}", p=str(path)), timeout=12)
        if done:
            done(path)

    screen.call(_save, exports_folder(screen), filename, data, done=saved, key=f"save:{filename}")


# -- the viewer ----------------------------------------------------------------------------------


class ArtefactScreen(WartaScreen):
    """One proof file: what it holds (picture, text, audio length) and a key to download it."""

    BINDINGS = [
        Binding("escape", "back", N_("Kembali")),
        Binding("d", "download", N_("Unduh")),
    ]
    CSS = """
    ArtefactScreen #artefact-head { height: auto; padding: 0 1; }
    ArtefactScreen #artefact-scroll { height: 1fr; }
    ArtefactScreen #artefact-body { padding: 0 1; }
    """

    def __init__(self, ref: ArtefactRef) -> None:
        super().__init__()
        self.ref = ref
        self.data: bytes | None = None
        """The file's bytes once the service handed them over."""

    def compose(self) -> ComposeResult:
        yield Static(self.top_bar(_("Artefak #{id}", id=self.ref.item_id)), classes="topbar")
        yield Static(self._head(), id="artefact-head")
        with VerticalScroll(id="artefact-scroll"):
            yield Static(_("Memuat…"), id="artefact-body")
        yield KeyBar()

    def _head(self, about: str = "", sha256: str = "") -> str:
        ref = self.ref
        lines = [f"[b]{_escape(ref.filename)}[/b]",
                 _("Kanal: {c} · {k} · Ukuran: {s}", c=place_label(ref.channel, ref.endpoint),
                   k=kind_label(ref.kind),
                   s=size_text(ref.size)) + (f" · SHA-256 {sha256[:16]}…" if sha256 else "")]
        if ref.name != ref.filename:
            lines.append(_("Di folder bukti: {p}", p=_escape(ref.name)))
        if about:
            lines.append(_escape(about))
        return "\n".join(lines)

    def on_mount(self) -> None:
        """Ask the service for the file, and make it ready to show, in a worker."""
        self.query_one("#artefact-scroll").focus()
        columns = max(20, min(self.app.size.width - 4, 120))
        self.call(self._load, columns, done=self.show, failed=self.failed, key="artefact")

    def _load(self, columns: int) -> tuple[dict, Viewed]:
        r = self.ref
        got = self.w.reports.proof_file(self.uid, r.item_id, r.channel, r.kind, r.name, r.endpoint)
        return got, view(r.name, got["data"], columns)

    def show(self, result: tuple[dict, Viewed]) -> None:
        """The file's content as a picture or text."""
        got, viewed = result
        self.data = got["data"]
        self.query_one("#artefact-head", Static).update(self._head(viewed.about, got["sha256"]))
        body = viewed.body if isinstance(viewed.body, Text) else Text(viewed.body)
        self.query_one("#artefact-body", Static).update(body)

    def failed(self, error: str) -> None:
        """Refused or unreadable: the reason where the content would be."""
        self.query_one("#artefact-body", Static).update(Text(error, style="bold red"))
        self.refused(error)

    def action_download(self) -> None:
        """Hand the file to the user (browser download, or a file in the exports folder)."""
        if self.data is None:
            self.notify(_("Berkas belum termuat."), severity="warning")
            return
        deliver(self, self.ref.filename, self.data)

    def action_back(self) -> None:
        """Back to the detail."""
        self.app.pop_screen()


def _escape(text: str) -> str:
    """``text`` shown literally in a Static's markup (file names may hold '[')."""
    from rich.markup import escape

    return escape(text)
