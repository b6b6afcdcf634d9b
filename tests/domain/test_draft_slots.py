"""Draft slots (the editor's unsaved form): kept as typed, only ever read by their owner (a
dikecualikan draft's text is as sensitive as the item), dropped once a newer revision is saved,
and the idle lock's slots listed for the next sign-in. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from shared.errors import InvalidInput, Refused
from tests.domain.helpers import draft

TYPED = {"title": "", "body": "Setengah kalimat yang belum", "klas": "berkala", "start": "besok pagi",
         "channels": ["web"], "image-remove": False}
"""A form no rule would accept (empty title, a start that is no date): a slot keeps it as it is."""


def test_a_slot_keeps_the_form_as_typed_until_discarded(warta):
    p = warta.ids["pelaksana1"]
    assert warta.drafting.load_slot(p, "new") is None
    slot_id = warta.drafting.save_slot(p, "new", TYPED)
    slot = warta.drafting.load_slot(p, "new")
    assert slot["id"] == slot_id and slot["fields"] == TYPED and slot["by_lock"] is False
    # saving again replaces the one slot of that key
    assert warta.drafting.save_slot(p, "new", {**TYPED, "title": "Jadwal"}) == slot_id
    assert warta.drafting.load_slot(p, "new")["fields"]["title"] == "Jadwal"
    assert warta.drafting.discard_slot(p, "new") is True
    assert warta.drafting.load_slot(p, "new") is None
    assert warta.drafting.discard_slot(p, "new") is False


def test_the_slot_of_one_user_is_refused_to_another(warta):
    p, kadis, ppid = warta.ids["pelaksana1"], warta.ids["kadis1"], warta.ids["ppid1"]
    item = draft(warta, "renstra", klasifikasi="dikecualikan", channels=[])
    key = f"item:{item}"
    secret = {"title": "Hasil audit investigasi", "body": "Nama saksi: ..."}
    slot_id = warta.drafting.save_slot(p, key, secret)
    # the Kepala Dinas and the PPID may read the saved dikecualikan item, not the drafter's slot
    for other in (kadis, ppid, warta.ids["kabid1"]):
        with pytest.raises(Refused, match="hanya dapat dibuka oleh penyusunnya"):
            warta.drafting.open_slot(other, slot_id)
        assert warta.drafting.load_slot(other, key) is None  # each user has only their own slots
        assert warta.drafting.discard_slot(other, key) is False
        assert warta.drafting.secured_slots(other) == []
    assert warta.drafting.open_slot(p, slot_id)["fields"] == secret
    # another user's autosave of the same item is a separate slot; the owner's is untouched
    warta.drafting.save_slot(kadis, key, {"title": "x"})
    assert warta.drafting.load_slot(p, key)["fields"] == secret


def test_a_disabled_owner_reads_nothing(warta):
    p = warta.ids["pelaksana1"]
    slot_id = warta.drafting.save_slot(p, "new", TYPED)
    warta.users.disable_user(warta.ids["admin"], "pelaksana1")
    with pytest.raises(Exception, match="tidak aktif"):
        warta.drafting.open_slot(p, slot_id)


def test_a_newer_revision_makes_an_older_slot_out_of_date(warta):
    p = warta.ids["pelaksana1"]
    item = draft(warta)
    key = f"item:{item}"
    warta.drafting.save_slot(p, key, {"title": "Perubahan yang belum disimpan"})
    assert warta.drafting.load_slot(p, key) is not None  # newer than revision 1
    warta.drafting.revise(p, item, title="Disimpan dari CLI")
    assert warta.drafting.load_slot(p, key) is None
    with warta.ctx.read() as s:  # dropped, not only hidden
        from shared.models import DraftSlot

        assert s.query(DraftSlot).count() == 0


def test_slots_saved_by_the_lock_are_listed_until_saved_again(warta):
    p = warta.ids["pelaksana1"]
    warta.drafting.save_slot(p, "disposition:3", {"title": "a"})
    warta.drafting.save_slot(p, "new", {"title": "b"}, by_lock=True)
    assert [s["key"] for s in warta.drafting.secured_slots(p)] == ["new"]
    warta.drafting.save_slot(p, "new", {"title": "b"})  # reopened: the editor keeps it as usual
    assert warta.drafting.secured_slots(p) == []


def test_unknown_keys_are_refused(warta):
    for key in ("", "item:", "item:0", "item:x", "ralat:-1", "all", "new:1", "item:1234567890"):
        with pytest.raises(InvalidInput, match="Kunci slot draf"):
            warta.drafting.save_slot(warta.ids["pelaksana1"], key, {})


def test_the_lock_notice_leaves_out_slots_a_later_revision_replaced(warta):
    p = warta.ids["pelaksana1"]
    item = draft(warta)
    warta.drafting.save_slot(p, f"item:{item}", {"title": "dikunci"}, by_lock=True)
    assert len(warta.drafting.secured_slots(p)) == 1
    warta.drafting.revise(p, item, title="Disimpan di kiosk lain")
    assert warta.drafting.secured_slots(p) == []
