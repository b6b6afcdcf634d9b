"""The text of a PDF as a reader gets it: ``pdftotext`` (poppler-utils) when installed, else a
small pure-Python extraction for the PDFs this channel writes.

Why our own extraction: pypdf is not a dependency and poppler-utils may be missing on the print
PC. fpdf2 writes plain PDF 1.x: numbered objects without object streams, page contents compressed
with FlateDecode, text in Type0 fonts (Identity-H, two-byte codes) whose ``/ToUnicode`` CMap maps
codes to characters. That is enough to read: walk the pages in order, follow each page's
``/Font`` resources to their CMaps, and decode the strings of ``Tj`` / ``TJ`` operators, with a
line break at every text object (fpdf2 writes one per line). Anything else (encryption, object
streams) raises :class:`PdfTextError`; it never guesses.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

PDFTOTEXT_TIMEOUT = 30


class PdfTextError(Exception):
    """The PDF's text cannot be read (``str()`` says why, in Indonesian)."""


def reader() -> str:
    """Which extraction :func:`pdf_text` uses on this machine."""
    return "pdftotext" if shutil.which("pdftotext") else "warta-pdfteks"


def pdf_text(path: Path) -> str:
    """The text of the PDF at ``path``, pages in order."""
    tool = shutil.which("pdftotext")
    if tool:
        try:
            done = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True,
                                  timeout=PDFTOTEXT_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise PdfTextError(f"pdftotext tidak selesai dalam {PDFTOTEXT_TIMEOUT} detik") from None
        if done.returncode != 0:
            raise PdfTextError("pdftotext gagal membaca PDF: "
                               + done.stderr.decode("utf-8", "replace").strip()[:200])
        return done.stdout.decode("utf-8", "replace")
    return extract(Path(path).read_bytes())


# -- the pure-Python extraction ----------------------------------------------------------------

_OBJ = re.compile(rb"(\d+)\s+0\s+obj\b")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_REF = r"(\d+)\s+0\s+R"


def _objects(data: bytes) -> dict[int, tuple[str, bytes | None]]:
    """Object number → (dictionary text, raw stream bytes or None). A stream is cut by its
    ``/Length``, so compressed bytes that happen to spell "endobj" cannot end it early."""
    if b"/Encrypt" in data:
        raise PdfTextError("PDF terenkripsi tidak dapat dibaca")
    out: dict[int, tuple[str, bytes | None]] = {}
    pos = 0
    while (found := _OBJ.search(data, pos)) is not None:
        start = found.end()
        stream, end = data.find(b"stream", start), data.find(b"endobj", start)
        if end == -1:
            break
        raw = None
        if stream != -1 and stream < end:
            head = data[start:stream]
            body = stream + len(b"stream")
            body += 2 if data[body:body + 2] == b"\r\n" else 1
            length = _LENGTH.search(head)
            stop = body + int(length.group(1)) if length else data.find(b"endstream", body)
            if stop < body:
                raise PdfTextError("Stream PDF tidak berujung")
            raw = data[body:stop]
            end = data.find(b"endobj", stop)
            if end == -1:
                break
        else:
            head = data[start:end]
        out[int(found.group(1))] = (head.decode("latin-1"), raw)
        pos = end + len(b"endobj")
    if not out:
        raise PdfTextError("Struktur PDF tidak dikenali")
    return out


def _stream(objects: dict, number: int) -> bytes:
    head, raw = objects.get(number, ("", None))
    if raw is None:
        raise PdfTextError(f"Objek {number} bukan stream")
    if "/FlateDecode" in head:
        try:
            return zlib.decompress(raw)
        except zlib.error:
            raise PdfTextError(f"Stream objek {number} rusak") from None
    if "/Filter" in head:
        raise PdfTextError(f"Filter stream objek {number} tidak didukung")
    return raw


def _cmap(data: bytes) -> dict[bytes, str]:
    """A ToUnicode CMap's ``bfchar`` and ``bfrange`` entries: code bytes → text."""
    text = data.decode("latin-1")
    out: dict[bytes, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[bytes.fromhex(src)] = bytes.fromhex(dst).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>",
                                      block):
            width, start, first = len(lo) // 2, int(lo, 16), int(dst, 16)
            for i in range(int(hi, 16) - start + 1):
                out[(start + i).to_bytes(width, "big")] = chr(first + i)
    return out


def _fonts(objects: dict, page_head: str) -> dict[str, dict[bytes, str]]:
    """The page's font resource names (``F1``) → their ToUnicode maps."""
    res = re.search(r"/Resources\s+" + _REF, page_head)
    resources = objects[int(res.group(1))][0] if res else page_head
    block = re.search(r"/Font\s*<<(.*?)>>", resources, re.S)
    fonts = {}
    for name, ref in re.findall(r"/(\w+)\s+" + _REF, block.group(1) if block else ""):
        head = objects.get(int(ref), ("", None))[0]
        uni = re.search(r"/ToUnicode\s+" + _REF, head)
        fonts[name] = _cmap(_stream(objects, int(uni.group(1)))) if uni else {}
    return fonts


def _pages(objects: dict) -> list[str]:
    """Page dictionaries in reading order (the page tree's ``/Kids``, depth first)."""
    root = next((h for h, _ in objects.values() if re.search(r"/Type\s*/Catalog", h)), None)
    found = re.search(r"/Pages\s+" + _REF, root or "")
    if not found:
        raise PdfTextError("Daftar halaman PDF tidak ditemukan")
    pages: list[str] = []

    def walk(number: int, depth: int) -> None:
        head = objects.get(number, ("", None))[0]
        if depth > 32:
            raise PdfTextError("Pohon halaman PDF terlalu dalam")
        kids = re.search(r"/Kids\s*\[(.*?)\]", head, re.S)
        if kids:
            for ref in re.findall(_REF, kids.group(1)):
                walk(int(ref), depth + 1)
        elif re.search(r"/Type\s*/Page\b", head):
            pages.append(head)

    walk(int(found.group(1)), 0)
    return pages


_TOKEN = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|\[|\]|/[^\s/\[\]()<>]+|[^\s\[\]()<>/]+",
                    re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(token: bytes) -> bytes:
    """A PDF literal string's bytes (backslash escapes and octal codes resolved)."""
    body, out, i = token[1:-1], bytearray(), 0
    while i < len(body):
        ch = body[i:i + 1]
        if ch != b"\\":
            out += ch
            i += 1
            continue
        nxt = body[i + 1:i + 2]
        octal = re.match(rb"[0-7]{1,3}", body[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            i += 1 + len(octal.group(0))
        else:
            out += _ESCAPES.get(nxt, nxt)
            i += 2
    return bytes(out)


def _decode(raw: bytes, cmap: dict[bytes, str]) -> str:
    """Two-byte codes through the font's CMap (one-byte text as Latin-1 when it has none)."""
    if not cmap:
        return raw.decode("latin-1")
    return "".join(cmap.get(raw[i:i + 2], "\ufffd") for i in range(0, len(raw) - 1, 2))


def _page_text(content: bytes, fonts: dict[str, dict[bytes, str]]) -> str:
    out: list[str] = []
    operands: list[bytes] = []
    font: dict[bytes, str] = {}
    for token in _TOKEN.findall(content):
        if token == b"Tf" and len(operands) >= 2:
            font = fonts.get(operands[-2].lstrip(b"/").decode("latin-1"), {})
        elif token in (b"Tj", b"'", b'"', b"TJ"):
            for op in operands:
                if op.startswith(b"("):
                    out.append(_decode(_literal(op), font))
                elif op.startswith(b"<"):
                    out.append(_decode(bytes.fromhex(op[1:-1].decode().replace(" ", "")), font))
        elif token in (b"ET", b"T*"):
            out.append("\n")
        if token.startswith((b"(", b"<", b"/", b"[", b"]")) or re.fullmatch(rb"[-+.\d]+", token):
            operands.append(token)
        else:
            operands = []
    return "".join(out)


def extract(data: bytes) -> str:
    """The text of a PDF made by fpdf2 (see the module docstring); pages separated by form feeds."""
    objects = _objects(data)
    texts = []
    for head in _pages(objects):
        fonts = _fonts(objects, head)
        refs = re.search(r"/Contents\s*(\[.*?\]|" + _REF + ")", head, re.S)
        numbers = [int(n) for n in re.findall(_REF, refs.group(1))] if refs else []
        content = b"\n".join(_stream(objects, n) for n in numbers)
        texts.append(_page_text(content, fonts))
    return "\f".join(texts)
