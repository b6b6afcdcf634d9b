"""Translations. Source strings are Bahasa Indonesia (the default language) with ``{named}``
parameters; the English catalog is the gettext catalog ``shared/locale/en/LC_MESSAGES/warta.po``,
selected with ``WARTA_LANG=en`` (``settings.lang``).

``make catalogs`` extracts the msgids from the code (``pybabel extract``, ``babel.cfg``), updates
the PO file and compiles it to ``warta.mo``; ``make install`` compiles it too. The compiled ``.mo``
is read when present and not older than its ``.po``; otherwise the ``.po`` itself is read, so a
fresh clone works before any ``make``."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from shared.settings import active_settings

CATALOGS = Path(__file__).with_name("locale")
DOMAIN = "warta"
"""The gettext domain: ``<lang>/LC_MESSAGES/warta.po`` (and ``.mo``)."""


def catalog_files(lang: str) -> list[Path]:
    """The PO files of ``lang``: the domain's, and any other ``*.po`` left beside it."""
    return sorted((CATALOGS / lang / "LC_MESSAGES").glob("*.po"))


@lru_cache(maxsize=4)
def _catalog(lang: str) -> dict[str, str]:
    """msgid → translation of ``lang`` (empty for Indonesian); untranslated and fuzzy entries
    are left out, so they show in Indonesian."""
    if lang == "id":
        return {}
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    merged: dict[str, str] = {}
    for po in catalog_files(lang):
        mo = po.with_suffix(".mo")
        compiled = mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime
        with (mo if compiled else po).open("rb") as fh:
            catalog = read_mo(fh) if compiled else read_po(fh)
        merged.update({m.id: m.string for m in catalog
                       if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string
                       and not m.fuzzy})
    return merged


def current_lang() -> str:
    """The language users see: ``lang`` of the settings the entry point activated
    (:func:`shared.settings.activate`, from ``WARTA_LANG``); without active settings (a library
    user, a test) ``WARTA_LANG`` itself; ``id`` unless set."""
    active = active_settings()
    return active.lang if active is not None else os.environ.get("WARTA_LANG", "id")


def _(text: str, **params: object) -> str:
    """Translate ``text`` (an Indonesian msgid) and fill ``{named}`` parameters."""
    translated = _catalog(current_lang()).get(text, text)
    return translated.format(**params) if params else translated


def N_(text: str) -> str:  # noqa: N802 - the gettext name for a marker
    """Mark ``text`` as a msgid without translating it (yet): for labels kept in tables and
    translated where they are shown, ``_(label)``. ``pybabel extract`` collects it."""
    return text


class Lazy(str):
    """A msgid given as a parameter of another message (a role or state label): translated when
    that message is formatted, so ``Refused("{role} ...", role=Lazy(ROLE_LABEL[r]))`` reads whole
    in the language shown, like the message itself."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        return format(_(str.__str__(self)), spec)


def all_msgids() -> list[str]:
    """Every translated msgid of the English catalog (for the catalog-completeness tests)."""
    return list(_catalog("en"))
