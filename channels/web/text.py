"""Making user text safe for every output: XML 1.0 forbids most control characters (lxml refuses
them and feed readers choke on them), and HTML must never carry a title's markup."""

from __future__ import annotations

import html
import re

# XML 1.0 allows TAB, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD and U+10000 up. C1 controls (U+0080-
# U+009F) are allowed but "discouraged" by the spec and show as garbage, so they go too.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: str | None) -> str:
    """``text`` without characters XML 1.0 forbids (and C1 controls); CR LF becomes LF."""
    if not text:
        return ""
    return _FORBIDDEN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str | None) -> str:
    """``clean`` text folded to a single line (titles, headlines)."""
    return " ".join(clean(text).split())


def esc(text: str | None) -> str:
    """Cleaned text escaped for HTML element content and attribute values."""
    return html.escape(clean(text), quote=True)


def paragraphs_html(text: str | None) -> str:
    """Plain text as escaped ``<p>`` paragraphs (blank lines separate them, single breaks kept)."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", clean(text)) if p.strip()]
    return "\n".join(f"<p>{esc(p).replace(chr(10), '<br>')}</p>" for p in parts)
