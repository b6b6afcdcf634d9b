"""Work finds its owner: the "Perlu tindakan" list of each role (waiting steps, parked deliveries,
proofs pending, silent screens, overdue steps of the people one supervises, DIP proposals), the
overdue notice sent once, and the item list's delivery-state filter; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import event, update

from shared.errors import InvalidInput
from shared.models import Delivery
from shared.records import month_of
from shared.timefmt import utcnow
from shared.vocab import DeliveryState
from tests.domain.helpers import draft, to_state

LATE = timedelta(days=2)
"""Far enough ahead that every open step (drafting: one day) is past its limit."""


def kinds(w, user: str, **kw) -> dict[str, list[dict]]:  # noqa: ANN001
    """The user's lines by kind."""
    out: dict[str, list[dict]] = {}
    for line in w.todo.lines(w.ids[user], **kw):
        out.setdefault(line["kind"], []).append(line)
    return out


def park(w, item: int, channel: str, state=DeliveryState.PARKED, reason: str = "") -> None:  # noqa: ANN001
    with w.ctx.tx() as s:
        s.execute(update(Delivery).where(Delivery.announcement_id == item,
                                         Delivery.channel == channel)
                  .values(state=state, last_error=reason or None))


def test_waiting_lines_open_where_each_role_acts(warta):
    w = warta
    submitted, returned = draft(w), draft(w, "cpns")
    to_state(w, submitted, "review_kabid")
    to_state(w, returned, "review_kabid")
    w.review.return_item(w.ids["kabid1"], returned, "Lengkapi narahubung")
    kabid = kinds(w, "kabid1")["waiting"]
    assert [(x["item_id"], x["fix"]) for x in kabid] == [(submitted, "review")]
    assert kabid[0]["text"] == w.queries.get_item(submitted)["title"] and kabid[0]["due_at"]
    mine = kinds(w, "pelaksana1")["waiting"]
    assert {(x["item_id"], x["fix"]) for x in mine} == {(returned, "editor")}
    assert "waiting" not in kinds(w, "ppid1")


def test_parked_deliveries_reach_the_ppid_and_nobody_else(warta):
    w = warta
    item = draft(w, "banjir")
    to_state(w, item, "approved")
    park(w, item, "print", reason="printer macet: kertas habis")
    ppid = kinds(w, "ppid1")["parked"]
    assert len(ppid) == 1
    line = ppid[0]
    assert line["item_id"] == item and line["fix"] == "detail" and line["label"] == "Diparkir"
    assert "Cetak" in line["text"] and "printer macet" in line["text"]
    assert w.queries.get_item(item)["title"] in line["text"]
    for user in ("pelaksana1", "kabid1", "sekretaris1", "kadis1", "admin"):
        assert "parked" not in kinds(w, user), user


def test_proofs_pending_and_silent_screens_reach_the_operators(warta):
    w = warta
    item = draft(w, "banjir")
    to_state(w, item, "approved")
    park(w, item, "radio", DeliveryState.PROOF_PENDING)
    screens = w.ctx.settings.home / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    old = (utcnow() - timedelta(hours=2)).isoformat()
    (screens / "lobby.json").write_text(json.dumps({"screen": "lobby", "last_shown_at": old}))
    (screens / "aula.json").write_text(json.dumps({"screen": "aula",
                                                   "last_shown_at": utcnow().isoformat()}))
    for user in ("ppid1", "admin"):
        got = kinds(w, user)
        assert [(x["item_id"], x["fix"]) for x in got["proof_pending"]] == [(item, "monitor")]
        silent = got["screen_silent"]
        assert len(silent) == 1 and "lobby" in silent[0]["text"] and silent[0]["fix"] == "monitor"
    for user in ("pelaksana1", "kabid1", "kadis1"):
        assert not {"proof_pending", "screen_silent"} & set(kinds(w, user)), user


def test_supervisors_see_the_overdue_steps_of_those_under_them(warta):
    w = warta
    at_kabid, drafting = draft(w), draft(w, "cpns")
    to_state(w, at_kabid, "review_kabid")
    later = utcnow() + LATE
    assert "overdue" not in kinds(w, "sekretaris1")  # nothing is late yet
    sekretaris = kinds(w, "sekretaris1", now=later)["overdue"]
    assert [(x["item_id"], x["step"], x["fix"]) for x in sekretaris] == [
        (at_kabid, "review_kabid", "detail")]
    assert sekretaris[0]["overdue"] and "Kabid/Kasubag" in sekretaris[0]["text"]
    kabid = kinds(w, "kabid1", now=later)
    assert [x["item_id"] for x in kabid["overdue"]] == [drafting]  # the Pelaksana's draft
    assert "Rina Marlina" in kabid["overdue"][0]["text"]
    assert kabid["waiting"][0]["overdue"]  # his own late step is his waiting line, marked
    kadis = kinds(w, "kadis1", now=later)["overdue"]
    assert {x["item_id"] for x in kadis} == {at_kabid, drafting}
    for user in ("pelaksana1", "ppid1"):
        assert "overdue" not in kinds(w, user, now=later), user


def test_an_overdue_step_is_told_once_to_its_actor_and_supervisors(warta):
    w = warta
    item = draft(w)
    to_state(w, item, "review_kabid")
    assert w.todo.notify_overdue() == 0  # not late yet
    later = utcnow() + timedelta(hours=2)
    # review_kabid: the Kabid acts; the Sekretaris and the Kepala Dinas supervise
    assert w.todo.notify_overdue(now=later) == 3
    assert w.todo.notify_overdue(now=later) == 0
    assert w.todo.notify_overdue(now=later + timedelta(hours=1)) == 0
    for user in ("kabid1", "sekretaris1", "kadis1"):
        notes = [n for n in w.queries.inbox(w.ids[user]) if n["kind"] == "overdue"]
        assert len(notes) == 1, user
        assert f"#{item}" in notes[0]["message"] and "melewati batas waktu" in notes[0]["message"]
        assert "Pemeriksaan Kabid/Kasubag" in notes[0]["message"]
    for user in ("pelaksana1", "ppid1"):
        assert not [n for n in w.queries.inbox(w.ids[user]) if n["kind"] == "overdue"], user
    # the next step is a new step: told again, to its own people
    w.review.approve(w.ids["kabid1"], item)
    assert w.todo.notify_overdue(now=utcnow() + timedelta(hours=2)) == 2  # sekretaris, kadis


def test_dip_proposals_wait_for_the_ppid(warta):
    w = warta
    item = draft(w)
    to_state(w, item, "approved")
    assert w.dip.propose_dip_entries(month_of(utcnow(), w.ctx.tz), w.ids["ppid1"]) == 1
    dip = kinds(w, "ppid1")["dip_proposals"]
    assert len(dip) == 1 and dip[0]["fix"] == "records" and dip[0]["text"].startswith("1 usulan")
    assert "dip_proposals" not in kinds(w, "kadis1")


def test_one_query_per_kind_however_many_lines(warta):
    w = warta
    items = []
    for key in ("renstra", "cpns", "banjir"):
        items.append(draft(w, key))
        to_state(w, items[-1], "approved")
    engine = w.ctx._sessions.kw["bind"]
    statements: list[str] = []

    def count(*args) -> None:  # noqa: ANN002
        statements.append(args[2])

    def measured() -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            w.todo.lines(w.ids["ppid1"])
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    park(w, items[0], "print")
    one = measured()
    for item in items:
        park(w, item, "radio")
        park(w, item, "web")
    assert len(kinds(w, "ppid1")["parked"]) == 7
    assert measured() == one


def test_the_item_list_filters_by_delivery_state_in_sql(warta):
    w = warta
    parked, quiet = draft(w), draft(w, "banjir")
    to_state(w, parked, "approved")
    to_state(w, quiet, "approved")
    draft(w, "cpns")  # no deliveries at all
    park(w, parked, "print")
    with w.ctx.tx() as s:  # the parked item's other channels are done
        s.execute(update(Delivery).where(Delivery.announcement_id == parked,
                                         Delivery.channel != "print")
                  .values(state=DeliveryState.CONFIRMED))
    ppid = w.ids["ppid1"]
    assert [r["id"] for r in w.queries.list_items(ppid, delivery="parked")] == [parked]
    assert [r["id"] for r in w.queries.list_items(ppid, delivery="pending")] == [quiet]
    assert [r["id"] for r in w.queries.list_items(ppid, delivery="parked",
                                                  state="disseminating")] == []
    with pytest.raises(InvalidInput):
        w.queries.list_items(ppid, delivery="diparkir")
