"""Text for the ear: an announcement rewritten as it should be read on air, and its air time.

Pure functions, no audio: the kiosk can preview a script with :func:`script_for` without rendering.
:func:`spoken_text` makes the script an announcer reads: money, dates, times, ranges, fractions,
ordinals, phone and emergency numbers, units, abbreviations and web addresses written out the way
they are said (the forms themselves are in :mod:`channels.radio.spoken_forms`; numbers through
num2words ``lang="id"``), acronyms expanded or marked for spelling from the glossary. The zone stays
written as WIB/WITA/WIT there (announcers know them); :func:`for_voice` gives the synthetic voice
the words the listener hears: "Waktu Indonesia Barat", letter names for spelled acronyms, and the
glossary's respellings for words espeak-ng would mispronounce.

The glossary (``WARTA_RADIO_GLOSSARY``, see ``glossary.toml``) is read on top of the bundled one.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from channels.radio import spoken_forms as forms
from channels.radio.spoken_forms import digits, spoken_time, words  # noqa: F401 - public helpers
from channels.web.text import clean
from shared.messages import AnnouncementSnapshot, Kind
from shared.settings import RadioSettings
from shared.timefmt import DAYS_ID, MONTHS_ID, local, zone_abbrev

DEFAULT_GLOSSARY = Path(__file__).with_name("glossary.toml")
"""The bundled glossary of common government acronyms."""

LETTERS = {"A": "a", "B": "be", "C": "ce", "D": "de", "E": "e", "F": "ef", "G": "ge", "H": "ha",
           "I": "i", "J": "je", "K": "ka", "L": "el", "M": "em", "N": "en", "O": "o", "P": "pe",
           "Q": "ki", "R": "er", "S": "es", "T": "te", "U": "u", "V": "fe", "W": "we", "X": "eks",
           "Y": "ye", "Z": "zet"}
"""Indonesian names of the letters, for spelled acronyms in the synthetic voice."""

ZONES_SPOKEN = {"WIB": "Waktu Indonesia Barat", "WITA": "Waktu Indonesia Tengah",
                "WIT": "Waktu Indonesia Timur"}
"""The three zones as the listener hears them."""

_SYMBOLS = {"/": "garis miring", "-": "strip", "_": "garis bawah", "@": "et", ":": "titik dua"}


@dataclass(frozen=True)
class Glossary:
    """How written forms are read: acronyms as their full name (``expand``) or letter by letter
    (``spell``), ``abbreviations`` and ``units`` with their spoken form, and ``voice`` respellings
    for the synthetic voice only."""

    expand: dict[str, str] = field(default_factory=dict)
    spell: frozenset[str] = frozenset()
    abbreviations: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    voice: dict[str, str] = field(default_factory=dict)


class GlossaryError(ValueError):
    """The glossary file cannot be used; ``str()`` says why in Indonesian."""


def _read_toml(path: Path) -> dict:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise GlossaryError(f"Glosarium radio {path} tidak dapat dibaca: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise GlossaryError(f"Glosarium radio {path} bukan TOML yang sah: {exc}") from None
    for section in ("expand", "abbreviations", "units", "voice"):
        table = data.get(section, {})
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise GlossaryError(f"Glosarium radio {path}: bagian [{section}] harus berisi "
                                f'pasangan SINGKATAN = "bacaan"')
    spell = data.get("spell", {}).get("words", [])
    if not isinstance(spell, list) or not all(isinstance(w, str) for w in spell):
        raise GlossaryError(f"Glosarium radio {path}: [spell] words harus daftar teks")
    return data


@lru_cache(maxsize=8)
def load_glossary(path: Path | None = None) -> Glossary:
    """The bundled glossary with the TOML file at ``path`` read on top of it (an entry there wins;
    an acronym moved to ``[spell]`` is no longer expanded and vice versa); None: the bundled one
    alone. Raises :class:`GlossaryError` with the reason when the file is unreadable or malformed."""
    layers = [_read_toml(DEFAULT_GLOSSARY)]
    if path is not None and Path(path).resolve() != DEFAULT_GLOSSARY.resolve():
        layers.append(_read_toml(Path(path)))
    expand: dict[str, str] = {}
    spell: set[str] = set()
    tables: dict[str, dict[str, str]] = {"abbreviations": {}, "units": {}, "voice": {}}
    for data in layers:
        own_expand = dict(data.get("expand", {}))
        own_spell = set(data.get("spell", {}).get("words", []))
        spell = (spell - set(own_expand)) | own_spell
        expand = {k: v for k, v in expand.items() if k not in own_spell} | own_expand
        for name, table in tables.items():
            table.update(data.get(name, {}))
    return Glossary(expand=expand, spell=frozenset(spell), **tables)


def spoken_datetime(value: datetime, tz: str, with_time: bool = True) -> str:
    """A moment in the zone ``tz`` as it is said on air:
    ``Sabtu, dua puluh satu November dua ribu dua puluh enam, pukul sembilan WIB``."""
    d = local(value, tz)
    text = f"{DAYS_ID[d.weekday()]}, {words(d.day)} {MONTHS_ID[d.month - 1]} {words(d.year)}"
    if with_time:
        text += f", pukul {spoken_time(d.hour, d.minute)} {zone_abbrev(tz)}"
    return text


def _address(match: re.Match) -> str:
    """A web or e-mail address read out: ``sscasn.bkn.go.id`` → ``sscasn titik bkn titik go titik id``."""
    text = re.sub(r"^https?://", "", match.group(0)).rstrip("/")
    out = []
    for part in re.split(r"([./@:_-])", text):
        if part == ".":
            out.append("titik")
        elif part in _SYMBOLS:
            out.append(_SYMBOLS[part])
        elif part.lower() == "www":
            out.append("we we we")
        elif part.isdigit():
            out.append(digits(part))
        elif part:
            out.append(part.lower())
    return " ".join(out)


_ADDRESS = re.compile(r"(?:https?://)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                      r"|https?://[^\s<>()\"']+[^\s<>()\"'.,;:!?]"
                      r"|\b(?:www\.)?[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)*\.(?:id|com|org|net|go\.id|info)"
                      r"(?:/[^\s<>()\"']*[^\s<>()\"'.,;:!?])?\b")
_NUMBER = re.compile(r"(?<![\w])\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\d)|(?<![\w])\d+(?:,\d+)?(?!\d)")


def _drop_echo(text: str) -> str:
    """Drop a bracket repeating what precedes it: ``tujuh (tujuh) hari``, ``Rencana Strategis
    (Rencana Strategis)`` (the acronym was expanded), ``enam ratus ribu rupiah (enam ratus ...)``."""
    def repl(match: re.Match) -> str:
        inner = " ".join(match.group(1).split()).lower()
        before = " ".join(match.string[:match.start()].split()).lower()
        return "" if inner and before.endswith(inner) else match.group(0)
    return re.sub(r"\s*\(([^()]{1,200})\)", repl, text)


def _acronyms(text: str, gl: Glossary) -> str:
    out = text
    for acronym, full in gl.expand.items():
        out = re.sub(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", full, out)
    for acronym in gl.spell:
        out = re.sub(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", "-".join(acronym), out)
    return out


def spoken_text(text: str, glossary: Glossary | None = None) -> str:
    """``text`` rewritten for the ear (see the module docstring), with ``glossary`` or the bundled
    one. The order matters: addresses
    before abbreviations (their dots), phone numbers and dates before ranges (their dashes), ranges
    before times and money, everything else before plain numbers."""
    gl = glossary if glossary is not None else load_glossary()
    out = _ADDRESS.sub(_address, clean(text))
    out = forms.abbreviations(out, gl.abbreviations)
    out = forms.neighbourhoods(out)
    out = forms.phones(out)
    out = forms.dates(out)
    out = forms.ranges(out)
    out = forms.times(out)
    out = forms.money(out)
    out = forms.percent(out)
    out = forms.fractions(out)
    out = forms.ordinals(out)
    out = forms.romans(out)
    out = forms.multipliers(out)
    out = forms.units(out, gl.units)
    out = forms.per(out)
    out = re.sub(r"(?<![\w\d])[-−](?=\d)", "minus ", out)
    out = _NUMBER.sub(lambda m: forms.number(m.group(0)), out)
    out = _acronyms(out, gl)
    out = _drop_echo(out)
    return re.sub(r"[ \t]+", " ", out).replace(" ,", ",").replace(" .", ".").strip()


def for_voice(script: str, glossary: Glossary | None = None) -> str:
    """What the listener hears, as the synthetic voice should get it: spelled acronyms (``A-S-N``)
    as letter names, the zones in full ("Waktu Indonesia Barat"), and with ``glossary`` its
    ``[voice]`` respellings (``Celsius`` → ``selsius``) for words espeak-ng would mispronounce."""
    out = re.sub(r"\b[A-Z](?:-[A-Z])+\b",
                 lambda m: " ".join(LETTERS[c] for c in m.group(0).split("-")), script)
    out = re.sub(r"\b(WIB|WITA|WIT)\b", lambda m: ZONES_SPOKEN[m.group(1)], out)
    for written, said in (glossary.voice.items() if glossary else ()):
        out = re.sub(rf"(?<![\w-]){re.escape(written)}(?![\w-])", said, out)
    return out


_VOWELS = re.compile(r"[aiueo]+|y(?=[^aiueo]|$)", re.IGNORECASE)

WEIGHTS = (0.2405, 0.3239, 0.5514)
"""Seconds per syllable, per comma (or ; :) and per full stop (or ! ?) when espeak-ng's ``id``
voice reads at rate 130: a least-squares fit (non-negative) on the scripts of the sample
announcements (``python -m bench.radio_bench --calibrate`` prints it again)."""


def air_features(text: str) -> tuple[int, int, int]:
    """Syllables (vowel groups), commas and full stops of what the voice says for ``text``."""
    said = for_voice(text)  # "WIB" is said as "Waktu Indonesia Barat": count what is heard
    syllables = sum(len(_VOWELS.findall(w)) or 1 for w in re.findall(r"[^\W\d_]+|\d+", said))
    return (syllables, len(re.findall(r"[,;:]", said)), len(re.findall(r"[.!?](?=\s|$)", said)))


def air_seconds(text: str, words_per_minute: int) -> int:
    """Estimated air time of ``text`` in whole seconds when the voice reads at ``words_per_minute``
    (espeak-ng's ``-s``). Indonesian words are long, so it counts syllables and the pauses at
    commas and full stops, weighted by :data:`WEIGHTS`; within 10 % of the audio on the sample
    announcements (``tests/channels/test_radio_audio.py``)."""
    if not re.search(r"\w", text):
        return 0
    at_130 = sum(w * n for w, n in zip(WEIGHTS, air_features(text), strict=True))
    # espeak-ng's speech and pauses both scale with its rate
    return math.ceil(at_130 * 130 / words_per_minute)


def duration_text(seconds: float) -> str:
    """``83`` → ``1 menit 23 detik``."""
    total = int(round(seconds))
    minutes, secs = divmod(total, 60)
    return f"{minutes} menit {secs} detik" if minutes else f"{secs} detik"


def name_case(text: str) -> str:
    """``DINAS KOMUNIKASI DAN INFORMATIKA`` → ``Dinas Komunikasi dan Informatika``."""
    small = {"dan", "atau", "di", "ke", "dari", "untuk", "pada", "yang"}
    return " ".join(w.lower() if i and w.lower() in small else w.capitalize()
                    for i, w in enumerate(text.split()))


def _fill(template: str, **values: str) -> str:
    """``template`` with {station}/{unit}; unknown or broken placeholders are left as written."""
    try:
        return template.format_map(_Keep(values))
    except (ValueError, IndexError, AttributeError):
        return template


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def paragraphs(snap: AnnouncementSnapshot, settings: RadioSettings | None = None,
               kind: Kind = Kind.PUBLISH) -> list[str]:
    """The spoken paragraphs of the script, in reading order (``settings``: ``settings.radio`` of
    the root; its defaults when None)."""
    cfg = settings if settings is not None else RadioSettings.defaults()
    gl = load_glossary(cfg.glossary)
    tz = snap.agency.timezone
    unit = name_case(snap.agency.unit)
    say = lambda text: spoken_text(text, gl)  # noqa: E731
    paras = [say(_fill(cfg.opening, station=cfg.station, unit=unit))]
    if kind == Kind.REVOKE:
        when = spoken_datetime(snap.revoked_at or snap.approved_at, tz)
        paras.append(say(f"Pencabutan pengumuman. Pengumuman tentang {snap.title} yang disiarkan "
                         f"sebelumnya telah dicabut pada {when}."))
        if snap.revoked_reason:
            paras.append(say(f"Alasan pencabutan: {snap.revoked_reason}"))
        paras.append("Mohon pengumuman tersebut tidak lagi disiarkan dan diabaikan.")
    else:
        if snap.klasifikasi == "serta-merta":
            paras.append("Perhatian, perhatian. Berikut informasi serta merta yang perlu segera "
                         "diketahui masyarakat.")
        if kind == Kind.UPDATE or snap.corrects_number:
            paras.append("Ralat atas pengumuman yang disiarkan sebelumnya.")
        paras.append(say(f"Pengumuman tentang {snap.title}."))
        paras.extend(say(p) for p in re.split(r"\n\s*\n", clean(snap.body)) if p.strip())
        if snap.start and snap.end:
            paras.append(f"Pengumuman ini berlaku mulai {spoken_datetime(snap.start, tz)}, "
                         f"sampai {spoken_datetime(snap.end, tz)}.")
        elif snap.start:
            paras.append(f"Pengumuman ini berlaku mulai {spoken_datetime(snap.start, tz)}.")
        paras.append(f"Pengumuman ini ditetapkan pada {spoken_datetime(snap.approved_at, tz)}.")
    paras.append(say(_fill(cfg.closing, station=cfg.station, unit=unit)))
    return [p for p in paras if p]


def script_for(snap: AnnouncementSnapshot, settings: RadioSettings | None = None,
               kind: Kind = Kind.PUBLISH) -> tuple[str, int]:
    """``(text to read, estimated air time in seconds)`` of an announcement, without audio
    (``settings``: ``settings.radio`` of the root; its defaults when None)."""
    cfg = settings if settings is not None else RadioSettings.defaults()
    text = "\n\n".join(paragraphs(snap, cfg, kind))
    return text, air_seconds(text, cfg.words_per_minute)
