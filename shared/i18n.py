"""Translations. Source strings are Bahasa Indonesia (the default language); the English catalog is a
gettext PO file read with Babel, selected with ``WARTA_LANG=en``."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

CATALOGS = Path(__file__).with_name("locale")


@lru_cache(maxsize=4)
def _catalog(lang: str) -> dict[str, str]:
    if lang == "id":
        return {}
    path = CATALOGS / lang / "LC_MESSAGES" / "warta.po"
    if not path.exists():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        catalog = read_po(fh)
    return {m.id: m.string for m in catalog if m.id and m.string and isinstance(m.id, str)}


def current_lang() -> str:
    """The language users see: ``WARTA_LANG`` (``id`` unless set)."""
    return os.environ.get("WARTA_LANG", "id")


def _(text: str, **params: object) -> str:
    """Translate ``text`` (an Indonesian msgid) and fill ``{named}`` parameters."""
    translated = _catalog(current_lang()).get(text, text)
    return translated.format(**params) if params else translated


def all_msgids() -> list[str]:
    """Every msgid of the English catalog (for the catalog-completeness test)."""
    return list(_catalog("en"))
