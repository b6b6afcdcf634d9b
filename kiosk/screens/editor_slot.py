"""Nothing typed in the editor is lost: the form is kept in the user's draft slot
(:meth:`shared.services.drafting.Drafting.save_slot`) every ``settings.kiosk.autosave_seconds``
when it changed, and by the idle lock before it signs out; opening the draft again offers it back
(restores it at once when the lock kept it, since the sign-in said so); ``Esc`` with changes asks
whether to save, throw them away or stay. A successful save drops the slot."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from textual.widgets import Checkbox, Input, Select, SelectionList, TextArea

from kiosk.dialogs.confirm import ConfirmDialog
from kiosk.dialogs.unsaved import CANCEL, DISCARD, SAVE, UnsavedDialog
from kiosk.format import when
from kiosk.widgets.alert_form import CHOICES, AlertForm
from shared.classification import Channel
from shared.i18n import _

log = logging.getLogger(__name__)

INPUTS = ("title", "summary", "start", "end", "windows", "image", "image-caption")
"""The editor's one-line fields, kept as typed."""


class KeepsDraft:
    """Mixin of :class:`kiosk.screens.editor.EditorScreen` (a ``WartaScreen`` with ``item_id``,
    ``corrects_id``, ``disposition_id``, ``update_channels``, ``validate`` and ``action_save``)."""

    _baseline: dict | None = None
    """The form as last loaded or saved; None until it is known (nothing to keep before)."""
    _kept: dict | None = None
    """The form as the slot holds it now (the baseline when the slot is empty)."""
    _saving = False
    """A save is under way: autosave waits, so it cannot bring back the slot the save drops."""
    _leave_after_save = False
    _autosave_failed = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._slot_lock = threading.Lock()

    # -- the form as typed ---------------------------------------------------------------------

    def slot_key(self) -> str:
        """The slot of what is open (the saved draft once there is one)."""
        from shared.services.drafting import slot_key

        me: Any = self
        return slot_key(me.item_id, me.corrects_id, me.disposition_id)

    def form_state(self) -> dict:
        """Every field as typed, unchecked (JSON-serialisable)."""
        me: Any = self
        q = me.query_one
        state: dict[str, Any] = {name: q(f"#{name}", Input).value for name in INPUTS}
        state["body"] = q("#body", TextArea).text
        state["klas"] = str(q("#klas", Select).value)
        state["sasaran"] = str(q("#sasaran", Select).value)
        state["channels"] = [ch.value for ch in Channel if q(f"#ch-{ch.value}", Checkbox).value]
        state["image-remove"] = q("#image-remove", Checkbox).value
        state["alert"] = q(AlertForm).values()
        return state

    def apply_form_state(self, state: dict) -> None:
        """Put a kept form back into the fields (a value the form no longer offers is skipped)."""
        me: Any = self
        q = me.query_one
        for name in INPUTS:
            q(f"#{name}", Input).value = str(state.get(name) or "")
        q("#body", TextArea).text = str(state.get("body") or "")
        for name in ("klas", "sasaran"):
            self._choose(q(f"#{name}", Select), state.get(name))
        q("#image-remove", Checkbox).value = bool(state.get("image-remove"))
        alert = state.get("alert") or {}
        form = q(AlertForm)
        for field, _label, _enum in CHOICES:
            self._choose(form.query_one(f"#alert-{field.replace('_', '-')}", Select), alert.get(field))
        form.query_one("#alert-instruction", TextArea).text = str(alert.get("instruction") or "")
        areas = form.query_one("#alert-areas", SelectionList)
        areas.deselect_all()
        for code in alert.get("areas") or []:
            try:
                areas.select(code)
            except Exception:  # noqa: BLE001 - an area the profile no longer lists
                continue
        me.update_channels(set(state.get("channels") or []))
        me.validate()

    @staticmethod
    def _choose(select: Select, value: object) -> None:
        try:
            select.value = value
        except Exception:  # noqa: BLE001 - a choice that no longer exists keeps the current one
            pass

    def has_changes(self) -> bool:
        """Whether the form differs from what was loaded or last saved."""
        return self._baseline is not None and self.form_state() != self._baseline

    def mark_clean(self) -> None:
        """The form as it is now is what is stored."""
        self._baseline = self._kept = self.form_state()

    # -- opening: offer the slot back, then keep the form --------------------------------------

    def keep_draft(self) -> None:
        """Start keeping the form (call once the stored draft is in the fields): look for a slot
        to offer back, and autosave from now on."""
        me: Any = self
        me.call_after_refresh(self.mark_clean)
        me.call(me.w.drafting.load_slot, me.uid, self.slot_key(), done=self.offer_slot,
                failed=self._slot_failed, key="slot")
        me.set_interval(me.app.settings.kiosk.autosave_seconds, self.autosave, name="autosave")

    def offer_slot(self, slot: dict | None) -> None:
        """A slot newer than the stored draft: restore it (kept by the lock) or ask."""
        me: Any = self
        if slot is None:
            return
        if self._baseline is None:  # the form is filled after the next refresh
            me.call_after_refresh(self.offer_slot, slot)
            return
        if slot["fields"] == self.form_state():
            self._discard(slot["key"])  # nothing that is not stored already
            return
        moment = when(slot["updated_at"], me.tz)
        if slot["by_lock"]:
            self.restore(slot)
            me.notify(_("Perubahan dari {when} dipulihkan.", when=moment))
            # kept as an ordinary slot now: the next sign-in need not tell about it again
            me.call(self._keep, me.uid, slot["key"], slot["fields"], False,
                    done=self._autosaved, failed=self._slot_failed, key="autosave")
            return
        question = _("Ada perubahan yang belum disimpan dari {when}. Pulihkan?", when=moment)
        me.app.push_screen(ConfirmDialog(question, yes=_("Pulihkan")),
                           lambda yes: self.restore(slot) if yes else None)

    def restore(self, slot: dict) -> None:
        """Put the slot's form in the fields (the slot keeps it until saved or thrown away)."""
        self.apply_form_state(slot["fields"])
        self._kept = self.form_state()

    # -- autosave ------------------------------------------------------------------------------

    def autosave(self) -> None:
        """Keep the form in the slot when it changed since the slot was last written."""
        me: Any = self
        if self._baseline is None or self._saving or me.app.user is None:
            return
        state = self.form_state()
        if state == self._kept:
            return
        self._kept = state
        if state == self._baseline:  # changed back to what is stored: nothing left to keep
            self._discard(self.slot_key())
            return
        me.call(self._keep, me.uid, self.slot_key(), state, False, done=self._autosaved,
                failed=self._autosave_refused, key="autosave")

    def _keep(self, uid: int, key: str, state: dict, by_lock: bool) -> int | None:
        me: Any = self
        with self._slot_lock:  # never after the save that drops the slot (see _saving)
            if self._saving and not by_lock:
                return None
            return me.w.drafting.save_slot(uid, key, state, by_lock=by_lock)

    def _autosaved(self, _slot_id: int | None) -> None:
        self._autosave_failed = False

    def _autosave_refused(self, error: str) -> None:
        me: Any = self
        self._kept = None  # try again at the next tick
        if not self._autosave_failed:  # once, not every few seconds
            self._autosave_failed = True
            me.notify(_("Penyimpanan otomatis gagal: {error}", error=error), severity="warning")

    def _slot_failed(self, error: str) -> None:
        log.warning("draft slot: %s", error)

    def _discard(self, key: str) -> None:
        me: Any = self
        uid, drafting = me.uid, me.w.drafting

        def drop() -> None:
            with self._slot_lock:  # after an autosave still under way, not before it
                drafting.discard_slot(uid, key)

        # the app's worker: it must run even when the editor closes right away (Buang)
        me.app.run_worker(drop, thread=True, name="discard-slot", exit_on_error=False)

    # -- saving and leaving --------------------------------------------------------------------

    def saving(self) -> None:
        """A save starts (autosave pauses until it ends)."""
        self._saving = True

    def drop_slots(self, uid: int, key: str, item_id: int) -> None:
        """After a successful save (in the save's thread): the slot is stored now, drop it (and
        the saved draft's, which a new draft gets from now on)."""
        me: Any = self
        with self._slot_lock:
            for each in dict.fromkeys((key, f"item:{item_id}")):
                me.w.drafting.discard_slot(uid, each)

    def saved(self, leave: bool) -> None:
        """The save ended well: the form is clean; back when Esc asked to save (``leave``)."""
        me: Any = self
        self._saving = False
        self.mark_clean()
        if leave and self._leave_after_save:
            me.call_after_refresh(self._leave_now)  # once the editor has said it is saved
        self._leave_after_save = False

    def _leave_now(self) -> None:
        # not awaited: awaiting its own removal from its own message loop would never end
        me: Any = self
        me.app.pop_screen()

    def save_failed(self, error: str) -> None:
        """The save was refused: stay, with the changes (the slot still holds them)."""
        me: Any = self
        self._saving = self._leave_after_save = False
        me.refused(error)

    def leave(self) -> None:
        """Esc: back at once without changes; with changes, ask."""
        me: Any = self
        if not self.has_changes():
            me.app.pop_screen()
            return
        me.app.push_screen(UnsavedDialog(), self._answered)

    def _answered(self, answer: str | None) -> None:
        me: Any = self
        if answer == SAVE:
            self._leave_after_save = True
            me.action_save()
            if not self._saving:  # the form was refused before anything was sent
                self._leave_after_save = False
        elif answer == DISCARD:
            self._discard(self.slot_key())
            me.app.pop_screen()
        else:
            assert answer in (CANCEL, None)

    async def secure_draft(self) -> None:
        """Before the lock signs out: keep unsaved changes in the slot, marked as the lock's."""
        me: Any = self
        if not self.has_changes() or me.app.user is None:
            return
        state = self.form_state()
        try:
            await asyncio.to_thread(self._keep, me.uid, self.slot_key(), state, True)
            self._kept = state
        except Exception:  # noqa: BLE001 - the lock must happen even when the database is away
            log.exception("the idle lock could not keep the unsaved draft")
