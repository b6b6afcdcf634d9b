"""Text for the ear: an announcement rewritten as it should be read on air, and its air time.

Pure functions, no audio: the kiosk can preview a script with :func:`script_for` without rendering.
Numbers and money are spelled out in Indonesian (num2words ``lang="id"``), times and dates are spoken
in the agency's zone with WIB/WITA/WIT, acronyms are expanded or marked for spelling from a glossary,
and web addresses are read out.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from num2words import num2words

from channels.radio.settings import RadioSettings
from channels.web.text import clean
from shared.messages import AnnouncementSnapshot, Kind
from shared.timefmt import DAYS_ID, MONTHS_ID, local, zone_abbrev

LETTERS = {"A": "a", "B": "be", "C": "ce", "D": "de", "E": "e", "F": "ef", "G": "ge", "H": "ha",
           "I": "i", "J": "je", "K": "ka", "L": "el", "M": "em", "N": "en", "O": "o", "P": "pe",
           "Q": "ki", "R": "er", "S": "es", "T": "te", "U": "u", "V": "fe", "W": "we", "X": "eks",
           "Y": "ye", "Z": "zet"}
"""Indonesian names of the letters, for spelled acronyms in the synthetic voice."""

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ROMAN_AFTER = r"((?i:tahap|wilayah|golongan|bab|jilid|angkatan|gelombang|periode|tingkat))"
_SYMBOLS = {"/": "garis miring", "-": "strip", "_": "garis bawah", "@": "et", ":": "titik dua"}


@dataclass(frozen=True)
class Glossary:
    """Acronyms read as their full name (``expand``) or letter by letter (``spell``)."""

    expand: dict[str, str] = field(default_factory=dict)
    spell: frozenset[str] = frozenset()


@lru_cache(maxsize=8)
def load_glossary(path: Path) -> Glossary:
    """Read a glossary TOML (``[expand] ASN = "..."``, ``[spell] words = [...]``)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return Glossary(expand=dict(data.get("expand", {})),
                    spell=frozenset(data.get("spell", {}).get("words", [])))


def words(n: int | str) -> str:
    """An integer in Indonesian words (``1250000`` → ``satu juta dua ratus lima puluh ribu``)."""
    return num2words(int(n), lang="id")


def digits(text: str) -> str:
    """Digits read one by one (phone numbers, numbers with leading zeros)."""
    return " ".join(words(d) for d in text if d.isdigit())


def _number(token: str) -> str:
    """``1.250.000``, ``97,4``, ``045`` or ``2026`` as spoken words."""
    whole, _, frac = token.partition(",")
    whole = whole.replace(".", "")
    if len(whole) > 1 and whole.startswith("0"):
        return digits(whole)
    spoken = words(whole)
    return f"{spoken} koma {digits(frac)}" if frac else spoken


def spoken_time(hour: int, minute: int) -> str:
    """``9, 30`` → ``sembilan lewat tiga puluh menit``; whole hours without minutes."""
    return words(hour) + (f" lewat {words(minute)} menit" if minute else "")


def spoken_datetime(value: datetime, tz: str, with_time: bool = True) -> str:
    """A moment in the zone ``tz`` as it is said on air:
    ``Sabtu, dua puluh satu November dua ribu dua puluh enam, pukul sembilan WIB``."""
    d = local(value, tz)
    text = f"{DAYS_ID[d.weekday()]}, {words(d.day)} {MONTHS_ID[d.month - 1]} {words(d.year)}"
    if with_time:
        text += f", pukul {spoken_time(d.hour, d.minute)} {zone_abbrev(tz)}"
    return text


def _roman(text: str) -> int | None:
    total, prev = 0, 0
    for ch in reversed(text):
        value = _ROMAN.get(ch)
        if value is None:
            return None
        total += -value if value < prev else value
        prev = max(prev, value)
    return total or None


def _address(match: re.Match) -> str:
    """A web or e-mail address read out: ``sscasn.bkn.go.id`` → ``sscasn titik bkn titik go titik id``."""
    text = re.sub(r"^https?://(www\.)?", "", match.group(0)).rstrip("/")
    out = []
    for part in re.split(r"([./@:_-])", text):
        if part == ".":
            out.append("titik")
        elif part in _SYMBOLS:
            out.append(_SYMBOLS[part])
        elif part:
            out.append(part.lower())
    return " ".join(out)


_ADDRESS = re.compile(r"(?:https?://)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                      r"|https?://[^\s<>()\"']+[^\s<>()\"'.,;:!?]"
                      r"|\b(?:www\.)?[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)*\.(?:id|com|org|net|go\.id|info)"
                      r"(?:/[^\s<>()\"']*[^\s<>()\"'.,;:!?])?\b")
_MONEY = re.compile(r"\bRp\.?\s?(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{2}))?(?:,-)?")
_PHONE = re.compile(r"(?<![\d.,])0\d{2,4}(?:[- ]\d{3,4}){1,3}(?![\d])|\(0\d{2,4}\)\s?\d{3,8}")
_TIME = re.compile(r"(?<![\d.,])([01]?\d|2[0-3])[.:]([0-5]\d)(?![\d]|[.,]\d)")
_RANGE = re.compile(r"(?<=\d)\s?[-–]\s?(?=\d)")
_NUMBER = re.compile(r"(?<![\w])\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\d)|(?<![\w])\d+(?:,\d+)?(?!\d)")


def _time(match: re.Match) -> str:
    before = match.string[max(0, match.start() - 16):match.start()].lower()
    spoken = spoken_time(int(match.group(1)), int(match.group(2)))
    lead = re.search(r"(pukul|jam|sampai dengan|sampai|hingga|s\.d\.|-)\s*$", before)
    return spoken if lead else f"pukul {spoken}"


def _drop_echo(text: str) -> str:
    """Drop a bracket repeating what precedes it: ``tujuh (tujuh) hari``, ``Rencana Strategis
    (Rencana Strategis)`` (the acronym was expanded), ``enam ratus ribu rupiah (enam ratus ...)``."""
    def repl(match: re.Match) -> str:
        inner = " ".join(match.group(1).split()).lower()
        before = " ".join(match.string[:match.start()].split()).lower()
        return "" if inner and before.endswith(inner) else match.group(0)
    return re.sub(r"\s*\(([^()]{1,200})\)", repl, text)


def spoken_text(text: str, glossary: Glossary | None = None) -> str:
    """``text`` rewritten for the ear (see the module docstring)."""
    gl = glossary or Glossary()
    out = clean(text)
    out = _ADDRESS.sub(_address, out)
    out = _MONEY.sub(lambda m: f"{_number(m.group(1))} rupiah"
                     + (f" {words(m.group(2))} sen" if m.group(2) and int(m.group(2)) else ""), out)
    out = _PHONE.sub(lambda m: digits(m.group(0)), out)
    # "nomor 112", "nomor 0561...": service and phone numbers are read digit by digit
    out = re.sub(r"(?i)(\bnomor\s+)(\d{3,})\b", lambda m: m.group(1) + digits(m.group(2)), out)
    out = re.sub(r"(\d+(?:,\d+)?)\s?%", r"\1 persen", out)
    out = _TIME.sub(_time, out)
    out = _RANGE.sub(" sampai ", out)
    out = re.sub(_ROMAN_AFTER + r"\s+([IVXLC]+)\b",
                 lambda m: f"{m.group(1)} {words(_roman(m.group(2)))}" if _roman(m.group(2))
                 else m.group(0), out)
    out = _NUMBER.sub(lambda m: _number(m.group(0)), out)
    out = re.sub(r"\bdan/atau\b", "dan atau", out)
    out = re.sub(r"(?<=\w)/(?=\w)", " ", out)
    for acronym, full in gl.expand.items():
        out = re.sub(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", full, out)
    for acronym in gl.spell:
        out = re.sub(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", "-".join(acronym), out)
    out = _drop_echo(out)
    return re.sub(r"[ \t]+", " ", out).replace(" ,", ",").replace(" .", ".").strip()


def for_voice(script: str) -> str:
    """The script as the synthetic voice should get it: spelled acronyms (``A-S-N``) and the zone
    names as letter names, since espeak-ng would read ``WIB`` as one word."""
    out = re.sub(r"\b[A-Z](?:-[A-Z])+\b",
                 lambda m: " ".join(LETTERS[c] for c in m.group(0).split("-")), script)
    return re.sub(r"\b(WIB|WIT)\b", lambda m: " ".join(LETTERS[c] for c in m.group(0)), out)


def air_seconds(text: str, words_per_minute: int) -> int:
    """Estimated air time of ``text`` in whole seconds at ``words_per_minute``."""
    count = len(re.findall(r"\w+", text))
    return math.ceil(count * 60 / words_per_minute) if count else 0


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
    """The spoken paragraphs of the script, in reading order."""
    cfg = settings or RadioSettings()
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
    """``(text to read, estimated air time in seconds)`` of an announcement, without audio."""
    cfg = settings or RadioSettings()
    text = "\n\n".join(paragraphs(snap, cfg, kind))
    return text, air_seconds(text, cfg.words_per_minute)
