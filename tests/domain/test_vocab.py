"""The vocabularies of :mod:`shared.vocab`: every member is worded in Indonesian and English, every
state a writer stores is one the report and the monitor count (and they count it alike), the
models read typed columns back as members, and no state is written as a bare string literal."""

from __future__ import annotations

import ast
import importlib.util
from enum import StrEnum
from pathlib import Path

import pytest
from sqlalchemy import Enum, select

from shared import classification, messages, vocab, workflow
from shared.i18n import all_msgids
from shared.models import Announcement, Base, Delivery
from shared.records import charts, month_of
from shared.records.report import COLUMN_LABEL, REPORT_COLUMN, ReportColumn, _counts, collect
from shared.vocab import (LABELS, SHORT_LABELS, VOCABULARIES, DeliveryState, State, document_label, label,
                          label_of, short_label)

ROOT = Path(__file__).resolve().parents[2]


# -- labels ------------------------------------------------------------------------------------


@pytest.mark.parametrize("enum", VOCABULARIES, ids=lambda e: e.__name__)
def test_every_member_has_an_indonesian_and_an_english_label(enum, monkeypatch):
    english = set(all_msgids())
    for member in enum:
        indonesian = document_label(member)
        assert indonesian.strip(), member
        assert label(member) == indonesian  # WARTA_LANG=id (the tests' default)
        monkeypatch.setenv("WARTA_LANG", "en")
        assert label(member) != indonesian or indonesian in english, (member, indonesian)
        monkeypatch.setenv("WARTA_LANG", "id")


@pytest.mark.parametrize("enum", list(SHORT_LABELS), ids=lambda e: e.__name__)
def test_every_short_form_covers_its_vocabulary(enum, monkeypatch):
    english = set(all_msgids())
    assert set(SHORT_LABELS[enum]) == set(enum)
    monkeypatch.setenv("WARTA_LANG", "en")
    for member in enum:
        assert SHORT_LABELS[enum][member] in english, member
        assert short_label(member)


def test_every_label_map_is_exactly_its_vocabulary():
    for enum, labels in LABELS.items():
        assert set(labels) == {m.value for m in enum}, enum.__name__


def test_one_place_to_import_vocabularies_from():
    assert (vocab.State, vocab.Role, vocab.Action) == (workflow.State, workflow.Role, workflow.Action)
    assert (vocab.Channel, vocab.Klasifikasi, vocab.Sasaran) == (
        classification.Channel, classification.Klasifikasi, classification.Sasaran)
    assert (vocab.Kind, vocab.Outcome, vocab.VersionKind) == (
        messages.Kind, messages.Outcome, messages.VersionKind)
    # and every StrEnum of those modules and of shared.vocab has a label map
    for module in (vocab, workflow, classification, messages):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum:
                assert value in LABELS, value


def test_a_value_outside_its_vocabulary_is_shown_as_it_is():
    assert label_of(DeliveryState, "retrying") == "Gagal, dicoba ulang"
    assert label_of(DeliveryState, "failed") == "failed"  # never written since 0008_vocab
    assert label_of(DeliveryState, None) == ""


# -- writers and readers agree -------------------------------------------------------------------


def test_the_report_counts_every_delivery_state_in_one_column():
    assert set(REPORT_COLUMN) == set(DeliveryState)
    assert set(COLUMN_LABEL) == set(ReportColumn) == set(charts.COLORS)
    counts = _counts([Delivery(state=st) for st in DeliveryState])
    assert sum(counts.values()) == len(DeliveryState)
    # "gagal" is what did not reach the public while the worker retries; parked has its own column
    assert counts == {"confirmed": 2, "failed": 1, "parked": 1, "superseded": 1, "open": 3}


def test_the_monitor_counts_every_delivery_state_as_the_report_does():
    from shared.services.monitor import FIGURES, MONITOR_COLUMN, figures

    assert set(MONITOR_COLUMN) == set(DeliveryState)
    assert {c for c in MONITOR_COLUMN.values() if c is not None} <= set(FIGURES)
    for state in DeliveryState:
        for column in (ReportColumn.FAILED, ReportColumn.PARKED):
            assert (REPORT_COLUMN[state] == column) == (MONITOR_COLUMN[state] == column.value), state
    shown = figures({st: 1 for st in DeliveryState})
    assert sum(shown.values()) == sum(1 for c in MONITOR_COLUMN.values() if c is not None)


def test_every_written_delivery_state_reaches_the_report_and_the_monitor(warta):
    """Two approved announcements (all four channels each), their deliveries put in every state:
    the report and the monitor count each exactly once, none as 0 by a misspelt name."""
    from tests.domain.helpers import draft, to_state

    items = [draft(warta, "renstra") for _ in range(2)]
    for item in items:
        to_state(warta, item, "approved")
    states = list(DeliveryState)
    with warta.ctx.tx() as s:
        rows = list(s.execute(select(Delivery).where(Delivery.announcement_id.in_(items))
                              .order_by(Delivery.id)).scalars())
        assert len(rows) >= len(states)
        for d, state in zip(rows[:len(states)], states, strict=True):
            d.state = state
        approved = rows[0].announcement_id
    with warta.ctx.read() as s:
        read = list(s.execute(select(Delivery).where(Delivery.announcement_id.in_(items))).scalars())
        assert all(type(d.state) is DeliveryState for d in read)
        month = month_of(s.get(Announcement, approved).approved_at, warta.ctx.tz)
        report = collect(s, month, warta.ctx.profile, warta.ctx.tz, warta.ctx.settings.archive)
    totals = report["totals"]
    assert totals["deliveries"] == len(rows)
    assert sum(totals[c] for c in ReportColumn) == totals["deliveries"]
    assert totals["failed"] == 1 and totals["parked"] == 1 and totals["superseded"] == 1
    assert sum(sum(row[c] for c in ReportColumn) for row in report["channels"]) == len(rows)
    status = warta.monitor.channel_status(warta.ids["ppid1"])
    assert sum(r["failed"] for r in status) == 1 and sum(r["parked"] for r in status) == 1
    assert sum(r["proof_pending"] for r in status) == 1


# -- the schema ------------------------------------------------------------------------------------


def _migration_0008():
    path = ROOT / "shared" / "migrations" / "versions" / "0008_vocab.py"
    spec = importlib.util.spec_from_file_location("migration_0008_vocab", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_typed_column_is_a_vocabulary_the_migration_checks():
    typed = {(t.name, c.name): c.type for t in Base.metadata.tables.values() for c in t.columns
             if isinstance(c.type, Enum)}
    assert {(t.name, c.name) for t in Base.metadata.tables.values() for c in t.columns
            if c.name in ("state", "role", "decision", "channel", "kind", "status", "step")} == set(typed)
    for column_type in typed.values():
        assert column_type.enum_class in VOCABULARIES
        assert column_type.native_enum is False and column_type.validate_strings is True
        assert column_type.length >= max(len(m.value) for m in column_type.enum_class)
    checked = {(table, column): members for table, column, members, _ in _migration_0008().COLUMNS}
    assert set(checked) == set(typed)
    for key, members in checked.items():
        # a member may be added later (no migration: no CHECK constraint), none removed
        assert set(members) <= {m.value for m in typed[key].enum_class}, key


# -- no bare state literals ------------------------------------------------------------------------

STATE_VALUES = {m.value for m in DeliveryState} | {m.value for m in State}
"""The delivery and announcement states: never written as bare strings outside their enums."""
EXEMPT = ("shared/vocab.py", "shared/workflow.py", "shared/messages.py", "shared/migrations/")
AREAS = ("shared/services", "shared", "workers", "channels", "kiosk", "warta")


def _strings(node: ast.AST) -> list[ast.Constant]:
    """The string constants ``node`` is, or chooses between, or lists."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [c for e in node.elts for c in _strings(e)]
    return []


class _StateLiterals(ast.NodeVisitor):
    """Bare state values where a state is compared, assigned, passed as ``state=``, returned, used
    as a dict's keys or listed in a collection of states. Positional arguments and subscripts are
    not looked at (audit action names and report keys share some of the words)."""

    def __init__(self) -> None:
        self.found: set[tuple[int, str]] = set()

    def _flag(self, nodes: list[ast.Constant]) -> None:
        self.found |= {(c.lineno, c.value) for c in nodes if c.value in STATE_VALUES}

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if any(getattr(b, "id", getattr(b, "attr", "")).endswith("Enum") for b in node.bases):
            return  # an enum's own definition
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        for operand in (node.left, *node.comparators):
            self._flag(_strings(operand))
        self.generic_visit(node)

    def _assigned(self, value: ast.AST | None) -> None:
        if value is None:
            return
        if isinstance(value, ast.Tuple) and not all(isinstance(e, ast.Constant) for e in value.elts):
            for e in value.elts:  # a, b = "parked", None
                if not isinstance(e, (ast.Tuple, ast.List, ast.Set)):
                    self._flag(_strings(e))
            return
        found = _strings(value)
        if found and all(c.value in STATE_VALUES for c in found):
            self._flag(found)

    def visit_Assign(self, node: ast.Assign) -> None:
        self._assigned(node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._assigned(node.value)
        self.generic_visit(node)

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg in ("state", "decision", "status"):
            self._flag(_strings(node.value))
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        if isinstance(node.value, (ast.Constant, ast.IfExp)):
            self._flag(_strings(node.value))
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        keys = [k for k in node.keys if k is not None]
        strings = [k for k in keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        if strings and len(strings) == len(keys) and all(k.value in STATE_VALUES for k in strings):
            self._flag(strings)  # a map keyed by states (a label map outside shared.vocab)
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value in ("state", "decision", "status"):
                self._flag(_strings(value))
        self.generic_visit(node)

    def _collection(self, node: ast.Tuple | ast.List | ast.Set) -> None:
        strings = [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        if strings and len(strings) == len(node.elts) and all(c.value in STATE_VALUES for c in strings):
            self._flag(strings)
        self.generic_visit(node)

    visit_Tuple = visit_List = visit_Set = _collection


def _state_literals(area: str) -> list[str]:
    base = ROOT / area
    found = []
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(EXEMPT) or (area == "shared" and rel.startswith("shared/services/")):
            continue
        visitor = _StateLiterals()
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        found += [f"{rel}:{line}: {value!r}" for line, value in sorted(visitor.found)]
    return found


@pytest.mark.parametrize("area", AREAS)
def test_no_state_is_written_as_a_bare_string(area):
    """Use the members of :class:`shared.vocab.DeliveryState` and :class:`shared.vocab.State`: a
    misspelt member fails at import, a misspelt string counts 0 for ever."""
    assert _state_literals(area) == []


def test_the_literal_check_finds_what_it_looks_for():
    visitor = _StateLiterals()
    visitor.visit(ast.parse('d.state = "parked"\nif x.state == "retrying": pass\n'
                            'a, b = "queued", None\nS = {"confirmed", "revoked"}\n'
                            'f(state="pending")\nL = {"pending": "Menunggu"}\n'
                            'audit.record(s, "sistem", "disseminated")\nt["approved"]\n'))
    assert sorted(v for _, v in visitor.found) == ["confirmed", "parked", "pending", "pending",
                                                    "queued", "retrying", "revoked"]
