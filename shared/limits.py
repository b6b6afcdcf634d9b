"""Channel limits: what one announcement may be on each channel it goes to. One place for the
rules: the services check them when a draft is saved and when it is submitted (the kiosk and the
CLI get the same refusal), and the kiosk's editor calls :func:`breaches` as the user types.

Pure and without the channel packages (``shared`` never imports ``channels``): the radio air
time is estimated here the way ``channels.radio.speech_text.air_seconds`` does it (syllables and
pauses, weighted, scaled by the reading rate ``WARTA_RADIO_WORDS_PER_MINUTE``), from the written
text instead of the spoken script; ``tests/domain/test_limits.py`` keeps the two within 10 %.
The slide count needs the videotron renderer, so only the kiosk's preview can check it."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from datetime import datetime

from shared import printable
from shared.errors import InvalidInput, WartaError
from shared.i18n import _

VIDEOTRON_TITLE_MAX = 120
"""Longer titles cannot be read from the road before the slide changes."""
VIDEOTRON_SLIDES_MAX = 4
"""More slides than this and passers-by never see the end."""
RADIO_SECONDS_MAX = 300
"""Air time of one announcement at most (five minutes)."""
WEB_SUMMARY_MAX = 500
"""Feed readers cut longer descriptions."""
PRINT_BODY_MAX = 6000
"""About two A4 pages of the notice board printout."""

WORDS_PER_MINUTE = 130
"""The radio voice's default reading rate (``shared.settings.RadioSettings``)."""
RATE_ENV = "WARTA_RADIO_WORDS_PER_MINUTE"
"""The radio channel's own setting: the estimate here follows the same variable."""

WEIGHTS = (0.2405, 0.3239, 0.5514)
"""Seconds per syllable, per comma and per full stop at rate 130: the radio channel's calibration
(``channels.radio.speech_text.WEIGHTS``; a test fails when the two differ)."""
FRAME_SECONDS = 28.5
"""At rate 130: the opening, "Pengumuman tentang …", the approval date and the closing the script
adds around every announcement (measured on the channel's default script)."""
URGENT_SECONDS = 8.9
"""At rate 130: "Perhatian, perhatian. …" read before a serta-merta announcement."""
VALIDITY_SECONDS = 10.0
"""At rate 130: each of "berlaku mulai <date>" and "sampai <date>" when the item has one."""
DIGIT_SYLLABLES = 2.5
"""Numbers are read as words ("dua ribu dua puluh enam"): syllables per written digit, fitted on
the demo announcements."""

_VOWELS = re.compile(r"[aiueo]+|y(?=[^aiueo]|$)", re.IGNORECASE)


def reading_rate() -> int:
    """The radio voice's words per minute from ``WARTA_RADIO_WORDS_PER_MINUTE`` (60–300, as the
    radio settings accept it); the default when unset or unusable."""
    try:
        rate = int(os.environ.get(RATE_ENV, WORDS_PER_MINUTE))
    except ValueError:
        return WORDS_PER_MINUTE
    return rate if 60 <= rate <= 300 else WORDS_PER_MINUTE


def _features(text: str) -> tuple[float, int, int]:
    """Syllables, commas (or ; :) and full stops (or ! ?) of ``text`` as the voice would say it."""
    syllables = 0.0
    for word in re.findall(r"[^\W\d_]+|\d+", text):
        if word.isdigit():
            syllables += DIGIT_SYLLABLES * len(word.lstrip("0") or "0")
        elif len(word) > 1 and word.isupper():
            syllables += 2 * len(word)  # an acronym is spelled or expanded: longer than written
        else:
            syllables += len(_VOWELS.findall(word)) or 1
    return (syllables, len(re.findall(r"[,;:]", text)),
            len(re.findall(r"[.!?](?=\s|$)", text)))


def air_seconds(title: str, body: str, start: datetime | str | None = None,
                end: datetime | str | None = None, words_per_minute: int | None = None,
                klasifikasi: str = "") -> int:
    """Estimated air time in whole seconds of the radio script of an announcement."""
    if not re.search(r"\w", f"{title}{body}"):
        return 0
    spoken = sum(w * n for w, n in zip(WEIGHTS, _features(f"{title}. {body}"), strict=True))
    at_130 = (FRAME_SECONDS + spoken + VALIDITY_SECONDS * (bool(start) + bool(start and end))
              + URGENT_SECONDS * (str(klasifikasi) == "serta-merta"))
    # the voice's speech and pauses both scale with its rate
    return math.ceil(at_130 * 130 / (words_per_minute or reading_rate()))


@dataclass(frozen=True)
class Breach:
    """One broken limit: the channel, the Indonesian message and its figures."""

    channel: str
    msgid: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return _(self.msgid, **self.params)

    def error(self, kind: type[WartaError] = InvalidInput) -> WartaError:
        """The refusal the services raise for it (InvalidInput on save, Refused on submit)."""
        return kind(self.msgid, **self.params)


def breaches(fields: dict, slide_count: int | None = None) -> list[Breach]:
    """Every limit the content breaks on the channels it goes to (empty: it fits everywhere).
    ``fields``: title, summary, body, channels, start_at, end_at; ``slide_count`` when a
    preview has counted the slides."""
    chosen = {str(c) for c in fields.get("channels") or []}
    title, summary = fields.get("title") or "", fields.get("summary") or ""
    body = fields.get("body") or ""
    found = []
    if "videotron" in chosen and len(title) > VIDEOTRON_TITLE_MAX:
        found.append(Breach("videotron", "Videotron: judul {n} karakter; paling banyak {m}",
                            {"n": len(title), "m": VIDEOTRON_TITLE_MAX}))
    if "videotron" in chosen and slide_count and slide_count > VIDEOTRON_SLIDES_MAX:
        found.append(Breach("videotron", "Videotron: {n} slide; paling banyak {m}",
                            {"n": slide_count, "m": VIDEOTRON_SLIDES_MAX}))
    if "radio" in chosen:
        seconds = air_seconds(title, body, fields.get("start_at"), fields.get("end_at"),
                              klasifikasi=fields.get("klasifikasi") or "")
        if seconds > RADIO_SECONDS_MAX:
            found.append(Breach(
                "radio", "Radio: durasi siar ± {n} detik; paling lama {m} detik "
                         "(dibaca {wpm} kata per menit)",
                {"n": seconds, "m": RADIO_SECONDS_MAX, "wpm": reading_rate()}))
    if "web" in chosen and len(summary) > WEB_SUMMARY_MAX:
        found.append(Breach("web", "Web: ringkasan {n} karakter; paling banyak {m}",
                            {"n": len(summary), "m": WEB_SUMMARY_MAX}))
    if "print" in chosen and len(body) > PRINT_BODY_MAX:
        found.append(Breach("print", "Cetak: isi {n} karakter; paling banyak {m}",
                            {"n": len(body), "m": PRINT_BODY_MAX}))
    if "print" in chosen:  # the paper must not silently lose an emoji or a word in another script
        missing = printable.unprintable(" ".join(
            str(fields.get(k) or "") for k in ("title", "summary", "body", "image_caption")))
        if missing:
            found.append(Breach("print", *printable.reason(missing)))
    return found


def check(fields: dict, kind: type[WartaError] = InvalidInput) -> None:
    """Refuse the first broken limit with its reason."""
    found = breaches(fields)
    if found:
        raise found[0].error(kind)
