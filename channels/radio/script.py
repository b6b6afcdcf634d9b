"""The naskah siaran as files: plain text for the studio printer and Markdown for the CMS. A header
for the announcer (not read on air) above the spoken text from :mod:`channels.radio.speech_text`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from channels.radio.speech_text import ZONES_SPOKEN, duration_text, script_for
from channels.web.text import clean, one_line
from shared.classification import KLASIFIKASI_LABEL, Klasifikasi
from shared.messages import AnnouncementSnapshot, Kind
from shared.settings import RadioSettings
from shared.timefmt import datetime_id, zone_abbrev

URGENT_MARK = "SEGERA DIBACAKAN"
"""The mark on serta-merta scripts."""


@dataclass(frozen=True)
class Script:
    """A rendered script: the spoken text, its estimate, and both file forms."""

    spoken: str
    seconds: int
    text: str
    markdown: str
    urgent: bool


def _md_escape(text: str) -> str:
    """Markdown-inert text: every markup character backslash-escaped, HTML brackets as entities
    (so a title cannot inject markup into a Markdown-to-HTML pipeline)."""
    out = clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*_[]|~":
        out = out.replace(ch, "\\" + ch)
    # block markup only counts at the start of a line
    out = re.sub(r"(?m)^(\s*)([#>+=-])", r"\1\\\2", out)
    return re.sub(r"(?m)^(\s*)(\d+)\.", r"\1\2\\.", out)


def build(snap: AnnouncementSnapshot, kind: Kind, settings: RadioSettings) -> Script:
    """The script of one message (publish, correction or revocation)."""
    spoken, seconds = script_for(snap, settings, kind)
    urgent = snap.klasifikasi == Klasifikasi.SERTA_MERTA and kind != Kind.REVOKE
    tz = snap.agency.timezone
    label = {Kind.PUBLISH: "Pengumuman", Kind.UPDATE: "Ralat", Kind.REVOKE: "Pencabutan"}[kind]
    fields = [
        ("Stasiun", settings.station),
        ("Jenis", label),
        ("Nomor", snap.number),
        ("Judul", one_line(snap.title)),
        ("Klasifikasi", KLASIFIKASI_LABEL[Klasifikasi(snap.klasifikasi)]),
        ("Ditetapkan", datetime_id(snap.approved_at, tz)),
        # the estimate is calibrated on the synthetic voice at this speed (a person reads at their own)
        ("Perkiraan durasi",
         f"{duration_text(seconds)} (suara sintetis, kecepatan {settings.words_per_minute})"),
    ]
    zone = zone_abbrev(tz)
    if zone in ZONES_SPOKEN:
        # the script writes the zone short; on air it is said in full, as the audio does
        fields.append(("Zona waktu", f'{zone}, dibacakan "{ZONES_SPOKEN[zone]}"'))
    if snap.version > 1:
        # the announcer tells the printed scripts of v2 and v3 apart by this line
        fields.insert(2, ("Versi", str(snap.version)))
    if snap.corrects_number:
        fields.insert(fields.index(("Nomor", snap.number)) + 1,
                      ("Ralat atas nomor", snap.corrects_number))
    width = max(len(k) for k, _ in fields)
    head = ["NASKAH SIARAN"] + ([f"*** {URGENT_MARK} ***"] if urgent else [])
    head += [f"{k.ljust(width)} : {one_line(v)}" for k, v in fields]
    rule = "=" * 60
    text = "\n".join(head + [rule, "", spoken, "", rule, "(Akhir naskah)", ""])
    md = ["# Naskah Siaran", ""]
    if urgent:
        md += [f"> **{URGENT_MARK}**", ""]
    md += [f"- **{k}:** {_md_escape(one_line(v))}" for k, v in fields]
    md += ["", "---", ""] + [f"{_md_escape(p)}\n" for p in spoken.split("\n\n")] + ["---", ""]
    return Script(spoken, seconds, text, "\n".join(md), urgent)
