"""One rule for every public address Warta makes: ``WARTA_PUBLIC_URL`` is the **site root**, and the
output folder (``$WARTA_OUTPUT_DIR``, default ``$WARTA_HOME/out``) is served at it one to one, so
the file ``<out>/<path>`` is the URL ``<root>/<path>``:

============================  =====================================  ==============================
what                          file under the output folder           public URL
============================  =====================================  ==============================
web pages                     ``web/index.html``, ``web/items/*``    ``<root>/web/…``
feeds                         ``web/rss.xml``, ``atom.xml``,         ``<root>/web/…``
                              ``feed.json``
CAP alerts                    ``web/cap/index.xml``, ``web/cap/*``   ``<root>/web/cap/…``
podcast feed and audio        ``radio/feed.xml``, ``radio/audio/*``  ``<root>/radio/…``
slides (the player page)      ``videotron/index.html``, ``slides/*`` ``<root>/videotron/…``
the DIP                       ``dip/dip-YYYY-MM.pdf|xlsx|csv``       ``<root>/dip/…``
printed notices               ``print/*``                            never served (404)
============================  =====================================  ==============================

Every producer builds its addresses here: the web and radio renderers (feeds, pages, CAP
``<web>`` and ``<uri>``), the approval side (the snapshot's ``public_url``, which the QR codes on
slides and printed notices carry) and the records (the monthly report). ``deploy/nginx/warta.conf``
serves exactly this layout (``tests/channels/test_public_links.py`` requests every link of every
output through it). A QR code on paper cannot be changed afterwards: these paths stay fixed.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

DEFAULT_ROOT = "http://localhost:8000"
"""The root used when ``WARTA_PUBLIC_URL`` is unset: what ``python -m http.server -d var/out``
serves on this machine, so links stay absolute and a local preview works (with a warning)."""

WEB, RADIO, VIDEOTRON, DIP, PRINT = "web", "radio", "videotron", "dip", "print"
"""The output folders, which are also the first path segment of their URLs."""

SERVED = (WEB, RADIO, VIDEOTRON, DIP)
"""Folders the public web server serves; ``print`` (notices for the board) and dot-files (worker
state) are not published."""


def root(url: str | None) -> str:
    """The effective site root, without a trailing slash (:data:`DEFAULT_ROOT` when unset)."""
    return (url or DEFAULT_ROOT).rstrip("/")


def check_root(url: str | None) -> str | None:
    """``url`` when it can be the site root, else ``ValueError`` saying why (a settings validator):
    an absolute ``http``/``https`` URL without query or fragment. A root that ends in one of the
    output folders (``…/web``) is the old per-folder convention and would double the segment."""
    if url is None or not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"WARTA_PUBLIC_URL '{url}' bukan alamat situs yang sah; contoh: "
                         "https://ppid.example.go.id")
    last = PurePosixPath(parts.path or "/").name
    if last in SERVED or last == PRINT:
        raise ValueError(f"WARTA_PUBLIC_URL '{url}' harus alamat akar situs, tanpa /{last} di "
                         f"ujungnya: folder {last}/ sudah ditambahkan sendiri")
    return url.strip()


def folder(site: str | None, name: str) -> str:
    """The URL of output folder ``name`` (``web``, ``radio``, ...), without a trailing slash."""
    return f"{root(site)}/{name}"


def web_base(site: str | None) -> str:
    """Where ``<out>/web/`` is served: the base of pages, feeds and CAP."""
    return folder(site, WEB)


def web_home(site: str | None) -> str:
    """The website's home page (``index.html`` of the web folder)."""
    return f"{web_base(site)}/"


def item_page(site: str | None, page: str) -> str:
    """The page of an announcement, ``page`` being its file name under ``web/items/`` (named after
    its first version, so the address printed in a QR code never changes)."""
    return f"{web_base(site)}/items/{page}"


def radio_base(site: str | None) -> str:
    """Where ``<out>/radio/`` is served: the podcast feed, its cover and the audio."""
    return folder(site, RADIO)


def videotron_player(site: str | None) -> str:
    """The videotron player page (``<out>/videotron/index.html``)."""
    return f"{folder(site, VIDEOTRON)}/"


def dip_name(month: str, fmt: str) -> str:
    """The file name of a month's published DIP in ``<out>/dip/``."""
    return f"dip-{month}.{fmt}"


def dip_url(site: str | None, month: str, fmt: str = "pdf") -> str:
    """The public address of a month's DIP."""
    return f"{folder(site, DIP)}/{dip_name(month, fmt)}"


def file_url(site: str | None, out: Path, path: Path) -> str:
    """The public URL of ``path``, a file under the output folder ``out`` (the one-to-one rule);
    ``ValueError`` for a file outside it or in a folder that is not served."""
    rel = Path(path).resolve().relative_to(Path(out).resolve())
    if not rel.parts or rel.parts[0] not in SERVED or any(p.startswith(".") for p in rel.parts):
        raise ValueError(f"{path} is not published")
    return f"{root(site)}/{rel.as_posix()}"
