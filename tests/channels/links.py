"""Debian's nginx serving an output folder with the shipped ``deploy/nginx/warta.conf``, and every
link of every output as its consumer finds it: a browser (HTML attributes), a feed reader
(feedparser), a CAP consumer (``<web>``, ``<uri>``), a podcast app (enclosures), a phone camera
(QR codes decoded with zbar from the slide PNGs and from PDF pages rasterised by pdftoppm), and a
reader of the monthly report (the PDF's link annotations, the workbook's hyperlinks)."""

from __future__ import annotations

import getpass
import http.client
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree
from lxml import html as lxml_html

from tests.conftest import require_tool

SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "warta.conf"

MAIN = """daemon off;
{user}worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include {mime};
    default_type application/octet-stream;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    sendfile on;
    include {tmp}/warta.conf;
}}
"""
"""The main file around the shipped server block, as the nginx images' ``nginx.conf`` includes
``conf.d/*.conf`` inside ``http``; everything it writes stays in the temp folder."""


def nginx_binary() -> str:
    """Debian's nginx (in /usr/sbin, which a non-root PATH may lack); skips or fails without it."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    return found or require_tool("nginx")


def shipped_config(out: Path, port: int) -> str:
    """The shipped server block with only its root folder and port changed."""
    text = SHIPPED.read_text(encoding="utf-8")
    text, n_listen = re.subn(r"^(\s*)listen 8080;", rf"\1listen 127.0.0.1:{port};", text, flags=re.M)
    text, n_root = re.subn(r"^(\s*)root /srv/warta/out;", rf"\1root {out};", text, flags=re.M)
    assert (n_listen, n_root) == (1, 1), "deploy/nginx/warta.conf: one `listen 8080;` and one root"
    return text


@contextmanager
def nginx(out: Path, tmp: Path, port: int) -> Iterator[subprocess.Popen]:
    """Run nginx in the foreground as the current user on ``port``, serving ``out``."""
    binary = nginx_binary()
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "warta.conf").write_text(shipped_config(out, port), encoding="utf-8")
    mime = "/etc/nginx/mime.types"
    # as root nginx would hand its workers to "nobody", who cannot read pytest's 0700 folders
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    (tmp / "nginx.conf").write_text(MAIN.format(tmp=tmp, user=user, mime=mime), encoding="utf-8")
    proc = subprocess.Popen([binary, "-p", str(tmp), "-c", str(tmp / "nginx.conf"),
                             "-e", str(tmp / "error.log")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while status(port, "/healthz")[0] != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (tmp / "error.log").read_text() if (tmp / "error.log").exists() else ""
                raise AssertionError(f"nginx did not start: {proc.stdout.read().decode()}{log}")
            time.sleep(0.05)  # polling a condition with a deadline
        yield proc
    finally:
        proc.terminate()  # SIGTERM: fast shutdown of the master and its worker
        proc.wait(timeout=10)


def status(port: int, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one request, redirects not followed (0 when refused)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    except OSError:
        return 0, {}, b""
    finally:
        conn.close()


@dataclass(frozen=True)
class Link:
    """A link found in an output: what kind of output, which file, the URL, and what its
    consumer expects of it (an enclosure's length and type)."""

    kind: str
    source: str
    url: str
    length: int | None = None
    mime: str | None = None


def served_url(root: str, out: Path, path: Path) -> str:
    """The URL a file of the output folder is at (one to one)."""
    return f"{root}/{path.relative_to(out).as_posix()}"


def html_links(kind: str, out: Path, root: str, page: Path) -> list[Link]:
    """Every address a browser fetches or follows from ``page``, resolved against its own URL."""
    doc = lxml_html.fromstring(page.read_bytes())
    base = served_url(root, out, page)
    found = doc.xpath("//a/@href | //link/@href | //img/@src | //script/@src | "
                      "//meta[@property='og:image']/@content")
    return [Link(kind, page.name, urljoin(base, str(u))) for u in found]


def feed_links(kind: str, path: Path) -> list[Link]:
    """Feed-level links, entry links and enclosures of an RSS/Atom feed, as feedparser reads them."""
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    found = [Link(kind, path.name, ln.href) for ln in parsed.feed.get("links", [])]
    if parsed.feed.get("image", {}).get("href"):
        found.append(Link(kind, path.name, parsed.feed.image.href))
    for entry in parsed.entries:
        found += [Link(kind, path.name, ln.href) for ln in entry.get("links", [])
                  if ln.get("rel") != "enclosure"]
        found += [Link("enclosure", path.name, e.href, int(e.length) if e.get("length") else None,
                       e.get("type")) for e in entry.get("enclosures", [])]
    return found


def json_feed_links(path: Path) -> list[Link]:
    """``feed.json``: home page, feed URL, each item's page and picture."""
    feed = json.loads(path.read_text(encoding="utf-8"))
    urls = [feed["home_page_url"], feed["feed_url"]]
    for item in feed["items"]:
        urls += [item["url"]] + ([item["image"]] if item.get("image") else [])
    return [Link("feed", path.name, u) for u in urls]


CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


def cap_links(path: Path) -> list[Link]:
    """A CAP alert's ``<web>`` and each resource's ``<uri>``."""
    doc = etree.parse(str(path))
    return [Link("cap", path.name, el.text.strip())
            for el in doc.iter(f"{CAP}web", f"{CAP}uri") if el.text and el.text.strip()]


def playlist_links(out: Path, root: str, videotron: Path) -> list[Link]:
    """What the player loads: every slide (day and night) and video of ``playlist.json``, and the
    entries of ``playlist.m3u``, relative to the player page."""
    base = served_url(root, out, videotron) + "/"
    data = json.loads((videotron / "playlist.json").read_text(encoding="utf-8"))
    srcs = []
    for item in data["items"]:
        srcs += [s[k] for s in item["slides"] for k in ("src", "night_src") if s.get(k)]
        srcs += [item["video"]] if item.get("video") else []
    m3u = (videotron / "playlist.m3u").read_text(encoding="utf-8").splitlines()
    srcs += [line for line in m3u if line.strip() and not line.startswith("#")]
    return [Link("slides", "playlist", urljoin(base, s)) for s in srcs]


ZBAR = "{http://zbar.sourceforge.net/2008/barcode}"


def qr_codes(images: list[Path]) -> dict[Path, list[str]]:
    """The QR codes zbar finds in each picture (one zbarimg run for all; a picture without any
    maps to an empty list)."""
    found: dict[Path, list[str]] = {Path(i).resolve(): [] for i in images}
    if not images:
        return found
    run = subprocess.run([require_tool("zbarimg"), "--quiet", "--xml", "-Sdisable",
                          "-Sqrcode.enable", *map(str, images)], capture_output=True)
    assert run.returncode in (0, 4), run.stderr  # 4: no symbol in any of them
    for source in etree.fromstring(run.stdout).iter(f"{ZBAR}source"):
        found[Path(source.get("href")).resolve()] = [
            d.text for d in source.iter(f"{ZBAR}data") if d.text]
    return found


def pdf_qr_codes(pdfs: list[Path], work: Path) -> dict[Path, list[str]]:
    """The QR codes on every page of each PDF, rasterised in grey at 150 dpi by pdftoppm (a phone
    camera resolves an A4 sheet at reading distance more finely)."""
    pages: dict[Path, list[Path]] = {}
    for n, pdf in enumerate(pdfs):
        folder = work / str(n)
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([require_tool("pdftoppm"), "-r", "150", "-gray", "-png", str(pdf),
                        str(folder / "p")], check=True)
        pages[pdf] = sorted(folder.glob("p*.png"))
    codes = qr_codes([p for group in pages.values() for p in group])
    return {pdf: [c for p in group for c in codes[p.resolve()]] for pdf, group in pages.items()}


def pdf_uris(pdf: Path) -> list[str]:
    """The targets of the PDF's link annotations (what a viewer opens on a click), via qpdf's JSON."""
    run = subprocess.run([require_tool("qpdf"), "--json=2", "--json-key=qpdf", str(pdf)],
                         capture_output=True, text=True, check=True)
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            uri = node.get("/URI")
            if isinstance(uri, str):
                found.append(uri.removeprefix("u:"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(run.stdout))
    return found


def xlsx_uris(path: Path) -> list[str]:
    """Every cell hyperlink of the workbook."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    return [cell.hyperlink.target for ws in book.worksheets for row in ws.iter_rows()
            for cell in row if cell.hyperlink is not None and cell.hyperlink.target]


def on_site(url: str, root: str) -> bool:
    """True for an address under the site root (scheme, host and port the same)."""
    a, b = urlsplit(url), urlsplit(root)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc) and a.path.startswith(b.path + "/")
