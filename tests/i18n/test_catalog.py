"""The English catalog covers the code: every msgid ``pybabel extract`` finds (``babel.cfg``, the
same extraction as ``make catalogs``) has a whole English translation with the same ``{named}``
parameters, and the catalog holds nothing ``make catalogs`` would drop."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from shared.i18n import CATALOGS, DOMAIN, Lazy, _, _catalog

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("shared", "workers", "channels", "kiosk", "warta")
PO = CATALOGS / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"

@lru_cache(maxsize=1)
def extracted() -> dict[str, list[str]]:
    """msgid → where it is used (``package/file.py:line``), as ``make catalogs`` extracts them."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[str, list[str]] = {}
    for package in PACKAGES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
                str(ROOT / package), method_map, options_map, keywords={}, comment_tags=()):
            msgid = message if isinstance(message, str) else message[0]
            found.setdefault(msgid, []).append(f"{package}/{filename}:{lineno}")
    return found


def fields(text: str) -> set[str]:
    """The ``{named}`` parameters of a message."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_msgid_in_the_code_has_english() -> None:
    found = extracted()
    assert len(found) > 500  # the extraction itself works (keywords, label maps, f-strings)
    english = _catalog("en")
    missing = {msgid: where[:2] for msgid, where in found.items() if not english.get(msgid, "").strip()}
    assert missing == {}, "\n".join(f"{where}: {msgid!r}" for msgid, where in sorted(missing.items()))


def test_the_english_keeps_the_parameters() -> None:
    wrong = {msgid: text for msgid, text in _catalog("en").items() if fields(msgid) != fields(text)}
    assert wrong == {}


def test_make_catalogs_would_drop_nothing() -> None:
    """Every translation in the domain's PO file is of a msgid the extraction finds; otherwise
    ``pybabel update`` would make it obsolete and the English would vanish from the .mo."""
    with PO.open("rb") as fh:
        active = {m.id for m in read_po(fh) if m.id and m.string}
    found = set(extracted())
    assert sorted(active - found) == []


def test_no_fuzzy_entries() -> None:
    """A fuzzy entry (an edited msgid's old English, or a guess) is not compiled: it would show in
    Indonesian. Check the English, then drop the ``#, fuzzy`` flag."""
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    assert [m.id for m in catalog if m.id and m.fuzzy] == []


def test_label_parameters_are_translated_with_their_message(monkeypatch) -> None:
    """A refusal names the role in the language of the whole sentence."""
    from shared.errors import Refused
    from shared.workflow import Action, State, check

    monkeypatch.setenv("WARTA_LANG", "en")
    with pytest.raises(Refused) as refused:
        check(Action.APPROVE, State.REVIEW_KABID, "sekretaris")
    assert str(refused.value) == ("Secretary is not authorised to approve the announcement at this "
                                  "step; this step belongs to the Head of Division")
    assert _("{role} tidak berwenang menyetujui pengumuman", role=Lazy("Kepala Dinas")) \
        == "Head of Office is not authorised to approve the announcement"
    monkeypatch.setenv("WARTA_LANG", "id")
    assert _("{role} tidak berwenang menyetujui pengumuman", role=Lazy("Kepala Dinas")) \
        == "Kepala Dinas tidak berwenang menyetujui pengumuman"


def test_the_compiled_catalog_is_read_unless_older_than_its_po(tmp_path, monkeypatch) -> None:
    """``make install`` compiles warta.mo; it is read when present and not older than the .po
    (an edited .po is read as it is until it is compiled again); a fresh clone reads the .po."""
    import os

    from babel.messages.mofile import write_mo

    import shared.i18n as i18n

    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / f"{DOMAIN}.po"
    po.write_bytes(PO.read_bytes())
    monkeypatch.setattr(i18n, "CATALOGS", tmp_path)
    with po.open("rb") as fh:
        catalog = read_po(fh)
    catalog["Judul"].string = "Heading (compiled)"
    with (folder / f"{DOMAIN}.mo").open("wb") as fh:
        write_mo(fh, catalog)
    try:
        _catalog.cache_clear()
        assert _catalog("en")["Judul"] == "Heading (compiled)"
        assert len(_catalog("en")) >= len({m.id for m in catalog if m.id and m.string and not m.fuzzy})
        later = (folder / f"{DOMAIN}.mo").stat().st_mtime + 10
        os.utime(po, (later, later))  # the .po edited after the last compile
        _catalog.cache_clear()
        assert _catalog("en")["Judul"] == "Title"
        (folder / f"{DOMAIN}.mo").unlink()
        _catalog.cache_clear()
        assert _catalog("en")["Judul"] == "Title"
    finally:
        _catalog.cache_clear()
