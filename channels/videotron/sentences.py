"""Where Indonesian text may be broken between slides: at sentence ends, and — only for a sentence
too long for one slide — at clause boundaries.

A slide break in mid-sentence changes what an order says ("segera menuju titik evakuasi" on one
slide, "bila air naik." alone on the next reads as unconditional), so slides break here only.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset("""
a.n an u.p up d.a dll dsb dst dkk yth tsb jl jln no nmr hlm tgl kab kec kel kel prov ds dsn rt rw
dr drs dra ir prof h hj kh tn ny nn sdr sdri bpk yg dg kom si sos pd ak mm mt sh se sp st ssi skm
kes ked psi ph rp tlp telp hp fax s.d sd vs a.md amd
""".split())
"""Words that end with a full stop without ending the sentence (titles, degrees, addresses)."""

# A sentence ends at . ! ? or … (with any closing quotes or brackets) followed by a space and a
# capital, a digit or an opening quote/bracket.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9À-Þ])")

CONJUNCTIONS = ("dan", "atau", "yang", "bila", "jika", "apabila", "serta", "sehingga", "karena",
                "namun", "tetapi", "melainkan", "agar", "supaya", "untuk", "maka", "sedangkan",
                "ketika", "setelah", "sebelum", "hingga", "sampai", "kecuali", "khususnya")
"""Words a clause may start with: a long sentence may be split just before one of them."""

_CLAUSE = re.compile(r"(?<=[,;:])\s+|\s+(?=(?:%s)\b)" % "|".join(CONJUNCTIONS))


def _is_abbreviation(text: str, end: int) -> bool:
    """True when the full stop at ``end`` closes an abbreviation or an initial (``S.Kom.``,
    ``Jl.``, ``H.``), which does not end a sentence."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:end].strip("\"'“‘([").lower()
    if len(word) == 1 and word.isalpha():
        return True
    return word in ABBREVIATIONS or word.rsplit(".", 1)[-1] in ABBREVIATIONS


def sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph, in order, without surrounding spaces."""
    out, start = [], 0
    for match in _END.finditer(paragraph):
        if match.group()[0] == "." and len(match.group()) == 1 and _is_abbreviation(paragraph, match.start()):
            continue
        piece = paragraph[start:match.end()].strip()
        if piece:
            out.append(piece)
        start = match.end()
    rest = paragraph[start:].strip()
    if rest:
        out.append(rest)
    return out


def clauses(sentence: str) -> list[str]:
    """The sentence cut before each clause boundary (after a comma, semicolon or colon, before a
    conjunction); joining the pieces with single spaces gives the sentence back."""
    pieces, start = [], 0
    for match in _CLAUSE.finditer(sentence):
        if match.start() > start:
            pieces.append(sentence[start:match.start()])
            start = match.end()
    pieces.append(sentence[start:])
    return [p for p in pieces if p]
