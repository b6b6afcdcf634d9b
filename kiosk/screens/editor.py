"""Editor: draft, revise or correct an announcement, with live validation (the channel limits of
:mod:`shared.limits`, the same the services refuse with), channels the rules forbid disabled with
the reason, per-channel previews (radio script with air time, the slide as a picture, the
printout, the web text), and for a returned draft the return notes in full at the top. A
dikecualikan item is saved without channels: it goes to the PPID's exempt register, never out."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (Checkbox, Input, Label, Select, Static, TabbedContent,
                             TabPane, TextArea)

from kiosk import forms
from kiosk.format import channel_label, klas_label, latest_returns, return_text, sasaran_label
from kiosk.screens.base import WartaScreen
from kiosk.screens.editor_slot import KeepsDraft
from kiosk.widgets.alert_form import AlertForm
from kiosk.widgets import channel_previews
from kiosk.widgets.keybar import KeyBar
from shared.classification import Channel, Klasifikasi, Sasaran, channel_refusal
from shared.errors import InvalidInput, WartaError
from shared.i18n import N_, _


@dataclass(frozen=True)
class Saved:
    """What saving did: the announcement's id, whether it was handed in, the item as stored (as
    ``Queries.get_item`` returns it) and, when handing in was refused, the reason."""

    item_id: int
    submitted: bool
    item: dict
    refusal: str | None = None


class EditorScreen(KeepsDraft, WartaScreen):
    """A new draft (optionally from a disposition), an existing draft, or a correction (ralat);
    unsaved changes are kept in the user's draft slot (:mod:`kiosk.screens.editor_slot`)."""

    BINDINGS = [
        Binding("escape", "back", N_("Kembali")),
        Binding("ctrl+s", "save", N_("Simpan draf")),
        Binding("f3", "submit", N_("Ajukan ke Kabid")),
        Binding("f4", "preview", N_("Pratinjau")),
        # one key per tab, priority: the body's TextArea would take F6/F7 (select line/all)
        Binding("f5", "tab('form')", N_("Isian"), show=False, priority=True),
        Binding("f6", "tab('radio')", N_("Pratinjau radio"), show=False, priority=True),
        Binding("f7", "tab('videotron')", N_("Pratinjau videotron"), show=False, priority=True),
        Binding("f8", "tab('print')", N_("Pratinjau cetak"), show=False, priority=True),
        Binding("f9", "tab('web')", N_("Pratinjau web"), show=False, priority=True),
    ]

    def action_tab(self, name: str) -> None:
        """Open a tab with one key (F5 the form, F6-F9 the previews, rendered as they open); F5
        returns to the field that was being typed in."""
        from textual.widgets import Tabs

        tabs = self.query_one("#editor-tabs", TabbedContent)
        if name == "form":
            tabs.active = "tab-form"
            field = getattr(self, "_last_field", None)
            if field is not None and field.is_attached:
                field.focus()
            return
        if tabs.active == "tab-form":
            self._last_field = self.focused
        # a focused field of the form would bring its tab back: the tab strip takes the focus
        tabs.query_one(Tabs).focus()
        tabs.active = f"tab-{name}"

    DEFAULT_CSS = """
    EditorScreen #return-notes { height: auto; padding: 0 1; color: $warning; }
    """

    def __init__(self, item_id: int | None = None, disposition_id: int | None = None,
                 corrects_id: int | None = None) -> None:
        super().__init__()
        self.item_id = item_id
        self.disposition_id = disposition_id
        self.corrects_id = corrects_id
        self.preview_stats: dict = {}
        self.stored_image: dict | None = None
        """The saved revision's picture (size, caption), when it has one."""

    def compose(self) -> ComposeResult:
        heading = (_("Ralat pengumuman #{id}", id=self.corrects_id) if self.corrects_id else
                   _("Draf #{id}", id=self.item_id) if self.item_id else _("Draf baru"))
        yield Static(self.top_bar(heading), classes="topbar", id="editor-title")
        yield Static("", id="return-notes")
        with TabbedContent(id="editor-tabs"):
            with TabPane(f"F5 {_('Isian')}", id="tab-form"):
                with VerticalScroll(id="editor-form"):
                    yield Static("", id="problems")
                    yield Input(placeholder=_("Judul"), id="title")
                    yield Input(placeholder=_("Ringkasan (satu-dua kalimat)"), id="summary")
                    yield TextArea(id="body", soft_wrap=True)
                    with Horizontal(classes="row"):
                        yield Select([(klas_label(k), k.value) for k in Klasifikasi],
                                     value=Klasifikasi.BERKALA.value, allow_blank=False, id="klas")
                        yield Select([(sasaran_label(s), s.value) for s in Sasaran],
                                     value=Sasaran.MASYARAKAT.value, allow_blank=False,
                                     id="sasaran")
                    yield Static("", id="priority", classes="hint")
                    yield Label(_("Kanal"), classes="section")
                    with Horizontal(id="channels"):
                        for ch in Channel:
                            yield Checkbox(channel_label(ch), id=f"ch-{ch.value}")
                    yield Static("", id="channel-reasons", classes="hint")
                    with Horizontal(classes="row"):
                        yield Input(placeholder=_("Mulai (TTTT-BB-HH JJ:MM)"), id="start")
                        yield Input(placeholder=_("Selesai (TTTT-BB-HH JJ:MM)"), id="end")
                    yield Input(placeholder=_("Jendela harian, mis. 06:00-09:00, 16:00-18:00"),
                                id="windows")
                    yield Label(_("Gambar (opsional)"), classes="section")
                    with Horizontal(classes="row"):
                        yield Input(placeholder=_("Lokasi berkas JPEG/PNG, mis. /home/op/foto.jpg"),
                                    id="image")
                        yield Input(placeholder=_("Keterangan gambar"), id="image-caption")
                    yield Static(_("Tidak ada gambar."), id="image-state", classes="hint")
                    yield Checkbox(_("Hapus gambar yang tersimpan"), id="image-remove")
                    yield AlertForm(self.w.ctx.profile.areas, id="alert")
            yield from channel_previews.panes(_("Tekan F4 untuk pratinjau."), {
                "radio": "F6", "videotron": "F7", "print": "F8", "web": "F9"})
        yield KeyBar()

    def on_mount(self) -> None:
        """Load the announcement being edited or corrected; otherwise start empty."""
        self.query_one("#body", TextArea).show_line_numbers = False
        self.query_one("#image-remove").display = False
        self.query_one("#return-notes").display = False  # only a returned draft has notes
        self.query_one(AlertForm).display = False  # until the class is known (update_channels)
        source = self.item_id or self.corrects_id
        if source:
            self.call(self.w.queries.get_item, source, self.uid, done=self.show_load, key="load")
        else:
            self.update_channels()
            self.validate()
            self.keep_draft()
        self.query_one("#title", Input).focus()

    def show_load(self, item: dict) -> None:
        """Fill the form from the stored announcement."""
        self.query_one("#title", Input).value = item["title"]
        self.query_one("#summary", Input).value = item["summary"] or ""
        self.query_one("#body", TextArea).text = item["body"]
        self.query_one("#klas", Select).value = item["klasifikasi"]
        self.query_one("#sasaran", Select).value = item["sasaran"]
        self.query_one("#start", Input).value = forms.show_local(item["start_at"], self.tz)
        self.query_one("#end", Input).value = forms.show_local(item["end_at"], self.tz)
        self.query_one("#windows", Input).value = forms.show_windows(item["daily_windows"])
        self.stored_image = item.get("image")
        if self.stored_image:
            self.query_one("#image-caption", Input).value = self.stored_image["caption"]
            self.query_one("#image-state", Static).update(forms.image_text(self.stored_image))
            self.query_one("#image-remove").display = True
        self.query_one(AlertForm).load(item.get("alert"))
        self.update_channels(set(item["channels"]))
        self.validate()
        if self.item_id:  # a ralat starts from the published item: its old returns are done
            self.show_returns(latest_returns(item["steps"]))
        self.keep_draft()

    def show_returns(self, steps: list[dict]) -> None:
        """The notes of the returns that sent the draft back, in full (they wrap)."""
        widget = self.query_one("#return-notes", Static)
        widget.update("\n".join("⚠ " + return_text(st, self.tz) for st in steps))
        widget.display = bool(steps)

    # -- live validation -----------------------------------------------------------------------

    def update_channels(self, chosen: set[str] | None = None) -> None:
        """Disable the channels the rules forbid for this class and audience, with the reason."""
        klas = str(self.query_one("#klas", Select).value)
        sasaran = str(self.query_one("#sasaran", Select).value)
        reasons = []
        for ch in Channel:
            box = self.query_one(f"#ch-{ch.value}", Checkbox)
            refusal = channel_refusal(klas, sasaran, ch)
            box.disabled = refusal is not None
            if chosen is not None:
                box.value = ch.value in chosen and refusal is None
            elif refusal is not None:
                box.value = False
            if refusal is not None:
                reasons.append(f"{channel_label(ch)}: {refusal}")
                box.tooltip = str(refusal)
        self.query_one("#channel-reasons", Static).update("\n".join(reasons))
        self.query_one("#priority", Static).update(forms.priority_text(klas))
        # only a serta-merta announcement raises an early warning (CAP)
        self.query_one(AlertForm).display = klas == Klasifikasi.SERTA_MERTA.value

    def gather(self) -> dict:
        """The form as the services take it; raises :class:`WartaError` with the reason."""
        from shared.services.content import validate_content

        fields = {
            "title": self.query_one("#title", Input).value,
            "summary": self.query_one("#summary", Input).value,
            "body": self.query_one("#body", TextArea).text,
            "klasifikasi": str(self.query_one("#klas", Select).value),
            "sasaran": str(self.query_one("#sasaran", Select).value),
            "channels": [ch.value for ch in Channel
                         if self.query_one(f"#ch-{ch.value}", Checkbox).value],
            "start_at": forms.parse_local(self.query_one("#start", Input).value, self.tz,
                                          _("Mulai")),
            "end_at": forms.parse_local(self.query_one("#end", Input).value, self.tz, _("Selesai")),
            "daily_windows": forms.parse_windows(self.query_one("#windows", Input).value),
            "image_caption": self.query_one("#image-caption", Input).value,
            "image_path": forms.check_image_path(self.query_one("#image", Input).value,
                                                 self.app.settings.image_dir),
            "image_remove": self.query_one("#image-remove", Checkbox).value,
        }
        if fields["klasifikasi"] == Klasifikasi.SERTA_MERTA.value:
            # other classes have no early warning: nothing is sent, the service stores None
            fields["alert"] = self.query_one(AlertForm).values()
        if fields["image_remove"] and fields["image_path"] is None:
            fields["image_caption"] = ""  # the caption goes with the picture
        keeps = self.stored_image is not None and not fields["image_remove"]
        has_image = fields["image_path"] is not None or keeps
        # the picture is read and checked when saving (in a worker); here only whether there is one
        # the channel limits are listed by validate(), all of them, not only the first
        validate_content({**fields, "image_sha256": "?" if has_image else None},
                         self.w.ctx.profile.areas, check_limits=False)
        return fields

    def validate(self) -> list[str]:
        """Check the form now; show and return the problems (empty: ready to submit)."""
        from kiosk.previews import channel_limits

        from shared.services.content import EXEMPT_NOTE

        problems: list[str] = []
        exempt = self.query_one("#klas", Select).value == Klasifikasi.DIKECUALIKAN.value
        try:
            fields = self.gather()
        except WartaError as exc:
            problems.append(str(exc))
        else:
            # a dikecualikan item goes to no channel at all: it is saved for the PPID's register
            if not fields["channels"] and not exempt:
                problems.append(_("Pilih sedikitnya satu kanal yang diizinkan."))
            problems += channel_limits(fields, self.preview_stats.get("slides"))
        title = self.query_one("#title", Input).value
        counter = _("Judul {n}/300 karakter", n=len(title))
        ready = (_("Siap disimpan.") + " " + _(EXEMPT_NOTE) + "." if exempt else
                 _("Siap diajukan."))
        text = "\n".join(f"⚠ {p}" for p in problems) if problems else "✓ " + ready
        widget = self.query_one("#problems", Static)
        widget.update(f"{counter} · {text}")
        widget.set_class(bool(problems), "error")
        return problems

    def on_input_changed(self, _event: Input.Changed) -> None:
        """Validate as the user types."""
        self.validate()

    def on_text_area_changed(self, _event: TextArea.Changed) -> None:
        """Validate as the user types."""
        self.validate()

    def on_select_changed(self, _event: Select.Changed) -> None:
        """A new class or audience changes which channels are allowed."""
        self.update_channels()
        self.validate()

    def on_checkbox_changed(self, _event: Checkbox.Changed) -> None:
        """Channel limits depend on the chosen channels."""
        self.validate()

    # -- previews ------------------------------------------------------------------------------

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """Opening a preview tab renders the previews."""
        if event.pane.id != "tab-form":
            self.action_preview()

    def action_preview(self) -> None:
        """Render every preview in a worker (the slide takes a moment)."""
        try:
            fields = self.gather()
        except WartaError as exc:
            self.notify(str(exc), title=_("Pratinjau belum dapat dibuat"), severity="warning")
            return
        self.call(self._previews, fields, done=self.show_preview, key="preview")

    def _previews(self, fields: dict) -> dict:
        from shared import images

        if fields["image_path"]:
            picture = images.normalise(images.read_file(fields["image_path"]))
            fields["image"] = images.snapshot(picture, fields["image_caption"])
        elif self.stored_image and not fields["image_remove"]:
            fields["image"] = self.w.queries.item_picture(self.item_id or self.corrects_id, self.uid)
        return channel_previews.render(fields, self.w.ctx.profile, self.tz, self.app.clock(),
                                       settings=self.w.ctx.settings)

    def show_preview(self, result: dict) -> None:
        """Show the previews and check the limit that needs the renderer (the slide count)."""
        self.preview_stats = {"air_seconds": result["air_seconds"], "slides": result["slides"]}
        channel_previews.show(self, result)
        self.validate()

    # -- saving --------------------------------------------------------------------------------

    def action_save(self) -> None:
        """Save the draft (a new revision when it exists)."""
        self._store(submit=False)

    def action_submit(self) -> None:
        """Save and hand in for review by Kabid/Kasubag."""
        self._store(submit=True)

    def _store(self, submit: bool) -> None:
        problems = self.validate()
        if problems:
            self.notify(problems[0], title=_("Belum dapat disimpan"), severity="error")
            return
        fields = self.gather()
        self.saving()
        self.call(self._save, fields, submit, done=self.show_save, failed=self.save_failed,
                  key="save")

    def _save(self, fields: dict, submit: bool) -> Saved:
        from shared import images

        w, uid, key = self.w, self.uid, self.slot_key()
        path, remove = fields.pop("image_path"), fields.pop("image_remove")
        picture = images.read_file(path) if path else None
        # an emptied field is None, which the services read as "unchanged": say it is cleared
        clear = [name for name in ("start_at", "end_at") if fields[name] is None]
        clear += ["image"] if remove and picture is None else []
        if self.item_id is None and self.corrects_id is not None:
            item_id = w.drafting.correct(uid, self.corrects_id, image=picture, clear=clear, **fields)
        elif self.item_id is None:
            item_id = w.drafting.create_item(uid, disposition_id=self.disposition_id, image=picture, **fields)
        else:
            item_id = self.item_id
            try:
                w.drafting.revise(uid, item_id, image=picture, clear=clear, **fields)
            except InvalidInput as exc:
                if exc.msgid != "Tidak ada perubahan":
                    raise
        self.drop_slots(uid, key, item_id)
        refusal = None
        if submit:
            try:
                w.review.submit(uid, item_id)
            except WartaError as exc:
                # saved but not handed in: the editor must now edit this draft, not make another
                submit, refusal = False, str(exc)
        return Saved(item_id, submit, w.queries.get_item(item_id, uid), refusal)

    def show_save(self, result: Saved) -> None:
        """Saved: say so (for a dikecualikan item, where it goes: the services' note); after
        submitting, back to the home screen; a refused submission is shown with its reason."""
        self.item_id, item = result.item_id, result.item
        self.stored_image = item.get("image")
        self.corrects_id = None
        self.query_one("#image", Input).value = ""
        self.query_one("#image-remove", Checkbox).value = False
        self.query_one("#image-remove").display = self.stored_image is not None
        self.query_one("#image-state", Static).update(
            forms.image_text(self.stored_image) if self.stored_image else _("Tidak ada gambar."))
        self.saved(leave=not result.submitted)
        if result.submitted:
            self.notify(_("Pengumuman #{id} diajukan ke Kabid/Kasubag.", id=self.item_id))
            self.app.pop_screen()
        else:
            self.notify(_("Draf #{id} tersimpan.", id=self.item_id))
            if result.refusal:
                self.notify(result.refusal, title=_("Belum dapat diajukan"), severity="error")
            if item.get("register_note"):
                self.notify(item["register_note"], title=_("Informasi dikecualikan"), timeout=15)
            self.query_one("#editor-title", Static).update(
                self.top_bar(_("Draf #{id}", id=self.item_id)))

    def action_back(self) -> None:
        """Back; with unsaved changes, ask first (save, throw away, or stay)."""
        self.leave()
