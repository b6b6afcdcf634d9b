"""The written forms an announcer rewrites before reading on air, one function per form.

Each function takes text and returns it with one kind of written form (money, dates, phone numbers,
units, abbreviations...) turned into the words a careful announcer says. Numbers become words with
num2words (``lang="id"``); :func:`channels.radio.speech_text.spoken_text` applies these in order, so
that, for instance, a phone number is read digit by digit before the plain-number rule sees it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from num2words import num2words

from shared.timefmt import DAYS_ID, MONTHS_ID


def words(n: int | str) -> str:
    """An integer in Indonesian words (``1250000`` → ``satu juta dua ratus lima puluh ribu``)."""
    return num2words(int(n), lang="id")


def digits(text: str) -> str:
    """Digits read one by one (phone numbers, numbers with leading zeros)."""
    return " ".join(words(d) for d in text if d.isdigit())


def number(token: str) -> str:
    """``1.250.000``, ``97,4``, ``045`` or ``2026`` as spoken words (the decimals after "koma" digit
    by digit, as num2words and announcers read them)."""
    whole, _, frac = token.partition(",")
    whole = whole.replace(".", "")
    if len(whole) > 1 and whole.startswith("0"):
        return digits(whole)
    spoken = words(whole)
    return f"{spoken} koma {digits(frac)}" if frac else spoken


def groups(run: str) -> str:
    """An unseparated digit string read in groups a listener can write down (``081234567890`` →
    four, four, four); a comma between groups makes the voice pause."""
    n = len(run)
    if n <= 5:
        sizes = [n]
    elif n <= 8:
        sizes = [n // 2, n - n // 2]
    else:
        sizes = [4] * (n // 4) + ([n % 4] if n % 4 else [])
        if sizes[-1] == 1:  # a lone last digit is easy to miss: read it with its neighbours
            sizes[-2:] = [2, 3]
    out, i = [], 0
    for size in sizes:
        out.append(digits(run[i:i + size]))
        i += size
    return ", ".join(out)


# -- phone, emergency, postal and identity numbers ---------------------------------------------

EMERGENCY = {"110", "112", "113", "115", "117", "118", "119", "123", "129"}
"""Indonesian emergency and public service numbers (112 darurat, 110 polisi, 113 pemadam, 115
Basarnas, 117 BNPB, 118/119 ambulans, 123 PLN, 129 posko bencana): always read digit by digit."""

_INTL = re.compile(r"\+62[\s-]?(\d{2,4}(?:[\s-]?\d{2,4}){1,3})(?![\d])")
_AREA = re.compile(r"\((0\d{2,4})\)\s?(\d{3,8}(?:[- ]\d{3,4})?)(?![\d])")
_SPLIT = re.compile(r"(?<![\d.,/])(0\d{2,4}(?:[- ]\d{2,8}){1,3})(?![\d]|[.,]\d)")
_RUN = re.compile(r"(?<![\d.,/])(0\d{8,12})(?![\d]|[.,]\d)")
_SERVICE = re.compile(r"(?i)(\b(?:call center|hotline|telepon|telp\.?|tlp\.?|hubungi|sms|wa|whatsapp"
                      r"|pengaduan|darurat|kebakaran|damkar|ambulans|polisi|basarnas)\s*:?\s*)"
                      r"(\d{3,5}(?:-\d{2,4})?)(?![\d]|[.,]\d)")
_EMERGENCY_AFTER = re.compile(r"(?i)(\bnomor\s+)(\d{3})(?![\d]|[.,]\d)")
_IDENTITY = re.compile(r"(\b(?:NIP|NIK|NPWP|NIB|NUPTK)\.?\s*:?\s*)(\d[\d .-]{6,}\d)")
_POSTAL = re.compile(r"(?i:(\bkode\s+pos\s*:?\s*))(\d{5})\b|\b([A-Z][a-z]+)\s(\d{5})(?=\s*(?:[.,;)]|\n|$))")
_LONG = re.compile(r"(?<![\d.,])\d{8,}(?![\d]|[.,]\d)")


def _split_groups(text: str) -> str:
    return ", ".join(groups(g) for g in re.split(r"[\s-]+", text.strip()) if g)


def phones(text: str) -> str:
    """Telephone, emergency, postal and identity numbers read digit by digit, in groups."""
    out = _INTL.sub(lambda m: "plus enam dua, " + _split_groups(m.group(1)), text)
    out = _AREA.sub(lambda m: f"{groups(m.group(1))}, {_split_groups(m.group(2))}", out)
    out = _SPLIT.sub(lambda m: _split_groups(m.group(1)), out)
    out = _RUN.sub(lambda m: groups(m.group(1)), out)
    out = _SERVICE.sub(lambda m: m.group(1) + _split_groups(m.group(2)), out)
    out = _EMERGENCY_AFTER.sub(
        lambda m: m.group(1) + (digits(m.group(2)) if m.group(2) in EMERGENCY else m.group(2)), out)
    out = _IDENTITY.sub(lambda m: m.group(1) + _split_groups(m.group(2).replace(".", " ")), out)
    out = _POSTAL.sub(lambda m: (m.group(1) + digits(m.group(2))) if m.group(1) is not None
                      else f"{m.group(3)} {digits(m.group(4))}", out)
    return _LONG.sub(lambda m: groups(m.group(0)), out)


# -- dates, times and ranges ----------------------------------------------------------------------

_DMY = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\d/-]|[.,]\d)")
_ISO = re.compile(r"(?<![\d/.-])(\d{4})-(\d{2})-(\d{2})(?![\d/-]|[.,]\d)")
_MONTHS = "|".join(MONTHS_ID)
_DAYS = "|".join(DAYS_ID)


def _date(day: str, month: str, year: str, original: str) -> str:
    d, m = int(day), int(month)
    if not (1 <= d <= 31 and 1 <= m <= 12):
        return original
    return f"{words(d)} {MONTHS_ID[m - 1]} {words(year)}"


def dates(text: str) -> str:
    """``31/12/2026``, ``31-12-2026``, ``31.12.2026`` and ``2026-12-31`` as a spoken date."""
    out = _DMY.sub(lambda m: _date(m.group(1), m.group(3), m.group(4), m.group(0)), text)
    return _ISO.sub(lambda m: _date(m.group(3), m.group(2), m.group(1), m.group(0)), out)


def ranges(text: str) -> str:
    """A dash between two amounts, times, dates, days or months is read "sampai"."""
    out = re.sub(r"(?<=[\d%])\s*[-–]\s*(?=(?:Rp\.?\s?)?\d)", " sampai ", text)
    out = re.sub(rf"\b({_DAYS}|{_MONTHS})\s*[-–]\s*(?=\d|{_DAYS}|{_MONTHS})", r"\1 sampai ", out)
    return re.sub(r"(?<=\d)\s*[-–]\s*(?=(?i:selesai|sekarang)\b)", " sampai ", out)


_TIME = re.compile(r"(?<![\d.,])([01]?\d|2[0-4])[.:]([0-5]\d)(?![\d]|[.,]\d)")


def spoken_time(hour: int, minute: int) -> str:
    """``9, 30`` → ``sembilan lewat tiga puluh menit``; whole hours without minutes; midnight as
    "nol nol", as announcers read 00.00."""
    spoken = "nol nol" if hour == 0 else words(hour)
    return spoken + (f" lewat {words(minute)} menit" if minute else "")


def times(text: str) -> str:
    """``09.00`` → ``pukul sembilan``; no second "pukul" after "pukul" or "jam"."""
    def repl(match: re.Match) -> str:
        before = match.string[max(0, match.start() - 8):match.start()]
        spoken = spoken_time(int(match.group(1)), int(match.group(2)))
        return spoken if re.search(r"(?i)\b(pukul|jam)\s*$", before) else f"pukul {spoken}"
    return _TIME.sub(repl, text)


# -- money, percentages, fractions, ordinals, multipliers, units ---------------------------------

_AMOUNT = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_SCALES = {"ribu": "ribu", "rb": "ribu", "juta": "juta", "jt": "juta", "miliar": "miliar",
           "milyar": "miliar", "m": "miliar", "triliun": "triliun", "t": "triliun"}
_MONEY = re.compile(rf"\bRp\.?\s?({_AMOUNT})(?:\s(?:sampai dengan|sampai|hingga)\s(?:Rp\.?\s?)?"
                    rf"({_AMOUNT}))?(?:\s?((?i:ribu|rb|juta|jt|miliar|milyar|triliun)\b\.?|[MT]\b))?"
                    r"(?:,-)?")


def _money(match: re.Match) -> str:
    first, second, scale = match.group(1), match.group(2), match.group(3)
    if scale:
        unit = _SCALES[scale.rstrip(".").lower()]
        amount = number(first) + (f" sampai {number(second)}" if second else "")
        return f"{amount} {unit} rupiah"
    sen = ""
    whole, _, cents = first.partition(",")
    if len(cents) == 2:  # Rp 3.044.300,50: the cents are spoken as sen (",00" is silent)
        first, sen = whole, (f" {words(cents)} sen" if int(cents) else "")
    if second:
        return f"{number(first)} sampai {number(second.partition(',')[0])} rupiah"
    return f"{number(first)} rupiah{sen}"


def money(text: str) -> str:
    """``Rp1.250.000``, ``Rp 1,5 miliar``, ``Rp2-3 juta``, ``Rp.50.000,-`` read with "rupiah" last."""
    return _MONEY.sub(_money, text)


def percent(text: str) -> str:
    """``97,4%`` → ``97,4 persen`` (the number is read later)."""
    return re.sub(r"(\d)\s?%", r"\1 persen", text)


_FRACTION_NAMES = {(1, 2): "setengah", (1, 3): "sepertiga", (1, 4): "seperempat"}


def fractions(text: str) -> str:
    """``1/2`` → ``setengah``, ``1/5`` → ``seperlima``, ``3/4`` → ``tiga per empat``."""
    def repl(match: re.Match) -> str:
        n, d = int(match.group(1)), int(match.group(2))
        if not 0 < n < d:
            return match.group(0)
        if (n, d) in _FRACTION_NAMES:
            return _FRACTION_NAMES[(n, d)]
        return f"seper{words(d)}" if n == 1 else f"{words(n)} per {words(d)}"
    return re.sub(r"(?<![\d/.,])(\d{1,2})/(\d{1,3})(?![\d/]|[.,]\d)", repl, text)


def ordinals(text: str) -> str:
    """``ke-3`` → ``ketiga``, ``Ke-21`` → ``Kedua puluh satu``; ``1990-an`` → ``... sembilan
    puluhan``."""
    out = re.sub(r"\b([Kk])e-(\d+)\b", lambda m: (lambda w: w.capitalize() if m.group(1) == "K"
                                                   else w)(num2words(int(m.group(2)), lang="id",
                                                                     to="ordinal")), text)
    return re.sub(r"(?<![\d.,])(\d+)-an\b", lambda m: words(m.group(1)) + "an", out)


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ROMAN_AFTER = (r"(\b(?i:tahap|wilayah|golongan|bab|jilid|angkatan|gelombang|periode|tingkat|kelas"
                r"|sesi|zona|bagian|lantai|regu|seri|babak|putaran|triwulan|semester))")


def roman(text: str) -> int | None:
    """The value of a Roman numeral (``IV`` → 4), or None when ``text`` is not one."""
    total, prev = 0, 0
    for ch in reversed(text):
        value = _ROMAN.get(ch)
        if value is None:
            return None
        total += -value if value < prev else value
        prev = max(prev, value)
    return total or None


_ROMAN_TOKEN = r"([IVXLC]+)(?:/([a-e])\b)?"


def romans(text: str) -> str:
    """``Tahap III`` → ``Tahap tiga`` after the words that take a Roman numeral, with a second
    numeral of a range (``Wilayah I sampai dengan IV``) and a grade letter (``Golongan III/a`` →
    ``Golongan tiga a``)."""
    def one(numeral: str, letter: str | None) -> str | None:
        value = roman(numeral)
        return None if value is None else words(value) + (f" {letter}" if letter else "")

    def repl(match: re.Match) -> str:
        first = one(match.group(2), match.group(3))
        if first is None:
            return match.group(0)
        out = f"{match.group(1)} {first}"
        if match.group(5):
            second = one(match.group(5), match.group(6))
            joint = " sampai " if match.group(4).strip() in "-–" else match.group(4)
            out += f"{joint}{second}" if second else match.group(0)[match.start(4) - match.start():]
        return out
    link = r"(\s*(?:sampai dengan|sampai|hingga|s\.d\.|s/d|dan|atau|[-–])\s*)"
    return re.sub(rf"{_ROMAN_AFTER}\s+{_ROMAN_TOKEN}\b(?:{link}{_ROMAN_TOKEN}\b)?", repl, text)


def multipliers(text: str) -> str:
    """``3x`` → ``3 kali``, ``3 x 24 jam`` → ``3 kali 24 jam``."""
    return re.sub(r"(?<![\w.,])(\d+)\s?[xX×](?=\s|\d|$|[.,;:)])\s?", r"\1 kali ", text)


def neighbourhoods(text: str) -> str:
    """``RT 003/RW 005`` and ``RT/RW 03/05`` → ``RT 3 RW 5`` (announcers drop the zeros)."""
    out = re.sub(r"\bRT\s*/\s*RW\.?\s*0*(\d{1,3})\s*/\s*0*(\d{1,3})\b", r"RT \1 RW \2", text)
    out = re.sub(r"\bRT\.?\s*0*(\d{1,3})\s*/\s*RW\.?\s*0*(\d{1,3})\b", r"RT \1 RW \2", out)
    return re.sub(r"\b(RT|RW)\.?\s*0*(\d{1,3})\b", r"\1 \2", out)


def units(text: str, table: Mapping[str, str]) -> str:
    """Units after a number (``5 km`` → ``5 kilometer``, ``35°C`` → ``35 derajat Celsius``) from
    the glossary's ``[units]``; a "Km 12" road marker too."""
    out = re.sub(r"\bKm\.?\s?(?=\d)", "kilometer ", text)
    if not table:
        return out
    keys = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.sub(rf"(?<=\d)\s?({keys})(?![\w²³])", lambda m: f" {table[m.group(1)]}", out)


_PER = ("bulan|tahun|hari|minggu|jam|menit|detik|orang|jiwa|keluarga|kk|unit|paket|kg|kilogram"
        "|liter|lembar|ekor|hektare|ha|meter|km|porsi|rumah|sekolah|siswa|peserta|semester|kali")


def per(text: str) -> str:
    """``Rp600.000/bulan`` → ``... per bulan``; between two words ``/`` is "atau"."""
    out = re.sub(rf"(?<=[\w%])\s?/\s?(?=(?i:{_PER})\b)", " per ", text)
    out = re.sub(r"\bdan/atau\b", "dan atau", out)
    out = re.sub(r"(?<=[^\W\d])/(?=[^\W\d])", " atau ", out)
    return re.sub(r"(?<=\w)/(?=\w)", " ", out)


# -- abbreviations ----------------------------------------------------------------------------------

_MAY_END = {"dll.", "dsb.", "dst.", "dkk.", "cs."}
"""Abbreviations that often end a sentence: their dot is also the full stop before a capital."""


def _variants(table: Mapping[str, str]) -> dict[str, str]:
    """Each abbreviation as written and in lower, upper and title case, the written one winning
    (``dr.`` dokter vs ``Dr.`` doktor); one-letter ones (``H.``) only as written."""
    out = dict(table)
    for key, value in table.items():
        if sum(c.isalpha() for c in key) < 2:
            continue  # "H." stays as written; "&" has no case
        for variant in (key.lower(), key.upper(), key[:1].upper() + key[1:]):
            out.setdefault(variant, value)
    return out


def abbreviations(text: str, table: Mapping[str, str]) -> str:
    """``Jl.`` → ``Jalan``, ``s.d.`` → ``sampai dengan`` ... from the glossary's
    ``[abbreviations]``; the full stop survives when the abbreviation ended the sentence."""
    if not table:
        return text
    full = _variants(table)
    keys = "|".join(re.escape(k) for k in sorted(full, key=len, reverse=True))

    def repl(match: re.Match) -> str:
        key = match.group(1)
        rest = match.string[match.end():]
        if sum(c.isalpha() for c in key) == 1 and not re.match(r"\s+[A-Z]", rest):
            return key  # "H." is Haji only before a name
        stop = key.endswith(".") and (not rest.strip(" \t") or rest.lstrip(" \t").startswith("\n")
                                      or (key.lower() in _MAY_END and re.match(r"\s+[A-Z]", rest)))
        return full[key] + ("." if stop else "")
    return re.sub(rf"(?<![\w.])({keys})(?!(?<=\w)\w)", repl, text)
