"""Translations. Source strings are Bahasa Indonesia (the default language); the English catalog is
gettext PO files (one per area, ``shared/locale/en/LC_MESSAGES/*.po``) read with Babel, selected with
``WARTA_LANG=en``."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

CATALOGS = Path(__file__).with_name("locale")


@lru_cache(maxsize=4)
def _catalog(lang: str) -> dict[str, str]:
    if lang == "id":
        return {}
    from babel.messages.pofile import read_po

    # one PO file per area (core.po, kiosk.po, records.po, ...), merged
    merged: dict[str, str] = {}
    for path in sorted((CATALOGS / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as fh:
            catalog = read_po(fh)
        merged.update({m.id: m.string for m in catalog
                       if m.id and m.string and isinstance(m.id, str)})
    return merged


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
