"""How the kiosk writes times, durations, states and SLA countdowns (pure; no Textual)."""

from __future__ import annotations

from datetime import datetime

from shared.i18n import _
from shared.timefmt import local, short_id, zone_abbrev
from shared.vocab import (Channel, Decision, DeliveryState, Kind, Klasifikasi, PublicState, Role, Sasaran,
                          State, Step, label_of)

# Every word for a stored value comes from shared.vocab (one label map per vocabulary); the
# functions below accept the plain strings the services' dicts may carry and show a value they
# cannot word as it is.


def parse_iso(value: str | None) -> datetime | None:
    """A stored ISO time (from the services' dicts) as a datetime, or None."""
    return datetime.fromisoformat(value) if value else None


def when(value: str | None, tz: str) -> str:
    """'21/11/2026 09.00 WIB', or a dash for nothing."""
    moment = parse_iso(value)
    return short_id(moment, tz) if moment else "—"


def when_short(value: str | None, tz: str) -> str:
    """'23/11 08.30 WIB' for narrow tables, or a dash."""
    moment = parse_iso(value)
    return f"{local(moment, tz):%d/%m %H.%M} {zone_abbrev(tz)}" if moment else "—"


def clip(text: str | None, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    one = " ".join((text or "").split())
    return one if len(one) <= width else one[:max(1, width - 1)] + "…"


def duration(seconds: float) -> str:
    """A compact duration: '2 hr 3 j', '1 j 5 mnt', '45 mnt', '30 dtk'."""
    total = int(abs(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _("{d} hr {h} j", d=days, h=hours)
    if hours:
        return _("{h} j {m} mnt", h=hours, m=minutes)
    if minutes:
        return _("{m} mnt", m=minutes)
    return _("{s} dtk", s=secs)


def countdown(due_at: str | None, now: datetime) -> tuple[str, bool]:
    """The SLA countdown text and whether it is overdue: ('sisa 45 mnt', False) or
    ('TERLAMBAT 1 j 5 mnt', True)."""
    due = parse_iso(due_at)
    if due is None:
        return "—", False
    left = (due - now).total_seconds()
    if left < 0:
        return _("TERLAMBAT {d}", d=duration(left)), True
    return _("sisa {d}", d=duration(left)), False


def short_state(state: str) -> str:
    """A state in one word (the one-line counts of the home screen, the list)."""
    return label_of(State, state, short=True)


def state_label(state: str) -> str:
    """A state as operators read it."""
    return label_of(State, state)


def role_label(role: str) -> str:
    """A role as operators read it."""
    return label_of(Role, role)


def step_label(step: str) -> str:
    """An SOP step as operators read it."""
    return label_of(Step, step)


def klas_label(value: str) -> str:
    """A classification as operators read it."""
    return label_of(Klasifikasi, value)


def sasaran_label(value: str) -> str:
    """An audience as operators read it."""
    return label_of(Sasaran, value)


def channel_label(channel: str) -> str:
    """A channel as operators read it, in one word (Web, Cetak) for the kiosk's columns."""
    return label_of(Channel, channel, short=True)


def delivery_label(state: str) -> str:
    """A delivery state as operators read it (``superseded``: the channel already showed a newer
    version or the pencabutan, so this message is done without being shown)."""
    return label_of(DeliveryState, state)


def kind_label(kind: str) -> str:
    """A delivery's kind (Terbit, Ralat, Pencabutan) as operators read it."""
    return label_of(Kind, kind)


def public_state_label(state: str) -> str:
    """A version's public state (Berlaku, Digantikan ralat, Dicabut, Belum terbit)."""
    return label_of(PublicState, state)


def sla_label(step: dict) -> str:
    """'tepat waktu', 'terlambat' or 'berjalan' for one timeline step."""
    if step.get("sla_met") is None:
        return _("berjalan")
    return _("tepat waktu") if step["sla_met"] else _("terlambat")


def decision_label(decision: str | None) -> str:
    """A step's decision as operators read it (the end of the dissemination step says what
    happened then, "Terkirim", not a state: a later pencabutan withdraws what was sent)."""
    return label_of(Decision, decision) if decision else "—"


_LOWER_WORDS = {"dan", "atau", "dari", "di", "ke", "untuk", "pada", "yang", "dengan"}


def name_case(text: str) -> str:
    """'DINAS KOMUNIKASI DAN INFORMATIKA' → 'Dinas Komunikasi dan Informatika' (Indonesian title
    case: conjunctions and prepositions stay lower case after the first word)."""
    words = text.lower().split()
    return " ".join(w if i and w in _LOWER_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))


def latest_returns(steps: list[dict]) -> list[dict]:
    """The returns that led to the work now at hand, newest first: the ``returned`` steps since
    the drafter last handed the announcement in (a Sekretaris's return to the Kabid, then the
    Kabid's to the Pelaksana: both notes say what to redo)."""
    found = []
    for step in reversed(steps):
        if step.get("decision") == Decision.SUBMITTED:
            break
        if step.get("decision") == Decision.RETURNED:
            found.append(step)
    return found


def return_text(step: dict, tz: str) -> str:
    """One return in full, never clipped: who, at which step, when, and the whole note."""
    return _("Dikembalikan oleh {who} ({step}, {at}): {note}", who=step.get("actor_name") or "—",
             step=step_label(step["step"]), at=when(step.get("decided_at"), tz),
             note=step.get("note") or "—")
