"""Pemeriksaan with the outputs in view. The first tab is a WORD-level diff (``[-lama-]{+baru+}``)
against the revision this reviewer last saw, over every field that changes what goes out (texts,
channels, start/end, daily windows, picture, early warning); for a ralat, first what it changes
against the published version it corrects. The other tabs are the channels' own renderings of
what will go out (keys 1-5, or F5-F9 as in the editor): the radio script with its air time, the
slide as a picture, the printout and the web text. Above the tabs, the notes of the returns
that brought the item back, in full, so a reviewer sees who returned it and why even when the
text did not change. Approve or return with a note; approval at the Kepala Dinas level asks for
confirmation and shows the number it will get: Batal has the focus, and only the key written in
the dialog (``y``) or its button approves."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static, TabbedContent, TabPane

from kiosk.format import (channel_label, klas_label, latest_returns, return_text, sasaran_label,
                          state_label)
from kiosk.screens.base import WartaScreen
from kiosk.widgets import channel_previews
from kiosk.widgets.keybar import KeyBar
from shared.i18n import N_, _
from shared.services.history import CHANGE_LABELS
from shared.services.queries import content_lines, word_diff
from shared.workflow import State

_IMAGE_FIELDS = {"image_sha256": "sha256", "image_caption": "caption"}
"""Fields of the picture, read from ``get_item``'s ``image``."""

TAB_KEYS = {"diff": "1", "radio": "2", "videotron": "3", "print": "4", "web": "5"}
"""The key that opens each tab (written in the tab's title too)."""

F_KEYS = {"diff": "f5", "radio": "f6", "videotron": "f7", "print": "f8", "web": "f9"}
"""The same tabs on the keys the editor uses for its own (F5 the first tab, F6-F9 the previews),
so a Kepala Dinas who reviews and writes a ralat finds a preview on the same key in both."""

TAB_TITLES = {"diff": N_("Perubahan"), "radio": N_("Pratinjau radio"),
              "videotron": N_("Pratinjau videotron"), "print": N_("Pratinjau cetak"),
              "web": N_("Pratinjau web")}
"""What each tab's keys do, in F1 and in the command palette."""

CONTEXT_WORDS = 8
"""Unchanged words kept on each side of a change in a long paragraph; the rest is '…' (the
whole text is in the previews)."""


def _field(item: dict, name: str) -> object:
    if name in _IMAGE_FIELDS:
        value = (item.get("image") or {}).get(_IMAGE_FIELDS[name])
        return value or ("" if name == "image_caption" else None)
    return item.get(name)


def changed_fields(before: dict, after: dict) -> list[str]:
    """The labels of what ``after`` (a ralat) changes against ``before`` (the version it
    corrects), in the order the public reads them."""
    return [_(label) for name, label in CHANGE_LABELS.items()
            if _field(before, name) != _field(after, name)]


def published_changes(published: dict, ralat: dict, tz: str) -> list[dict]:
    """The word-level changes from the published version's content to the ralat's."""
    return word_diff(content_lines(published, tz), content_lines(ralat, tz))


def _context(text: str, first: bool, last: bool) -> str:
    """An unchanged run of words, shortened to the words next to the changes around it."""
    words = text.split(" ")
    keep = CONTEXT_WORDS
    if len(words) <= 2 * keep + 1:
        return text
    if first and last:
        return text
    if first:  # before the first change: only its end matters
        return "… " + " ".join(words[-keep:])
    if last:
        return " ".join(words[:keep]) + " …"
    return " ".join(words[:keep]) + " … " + " ".join(words[-keep:])


def changes_text(changes: list[dict]) -> Text:
    """Word-level changes for the terminal: a changed line keeps its unchanged words and marks
    the removed ones ``[-…-]`` (red) and the added ones ``{+…+}`` (green), so the change reads
    the same without colour; whole lines only on one side start with ``-`` or ``+``."""
    text = Text()
    for entry in changes:
        parts = entry["parts"]
        if entry["op"] == "change":
            text.append("~ ", style="yellow")
            for i, (op, part) in enumerate(parts):
                if op == "=":
                    text.append(_context(part, i == 0, i == len(parts) - 1))
                elif op == "-":
                    text.append(f"[-{part}-]", style="bold red")
                else:
                    text.append(f"{{+{part}+}}", style="bold green")
        elif entry["op"] == "del":
            text.append(f"- {parts[0][1]}", style="red")
        else:
            text.append(f"+ {parts[0][1]}", style="green")
        text.append("\n")
    return text


@dataclass(frozen=True)
class ReviewData:
    """One load of the review: the item and, for a ralat, the version it corrects (both as
    ``Queries.get_item`` returns them), and the changes since this reviewer last saw it."""

    item: dict
    published: dict | None
    diff: dict


class ReviewScreen(WartaScreen):
    """Review one announcement at the current level."""

    BINDINGS = [
        Binding("escape", "back", N_("Kembali")),
        Binding("s", "approve", N_("Setujui")),
        Binding("k", "return", N_("Kembalikan")),
        Binding("i", "detail", N_("Detail")),
        *(Binding(key, f"tab('{tab}')", what, show=False)
          for tab, what in TAB_TITLES.items() for key in (TAB_KEYS[tab], F_KEYS[tab])),
    ]

    DEFAULT_CSS = """
    ReviewScreen #return-notes { height: auto; padding: 0 1; color: $warning; }
    ReviewScreen #review-tabs { height: 1fr; }
    ReviewScreen #review-tabs TabPane { height: 1fr; padding: 0; }
    """

    def __init__(self, item_id: int) -> None:
        super().__init__()
        self.item_id = item_id
        self.item: dict = {}
        self.previews: dict = {}
        """The rendered previews once they are shown (for tests and the snapshot)."""

    def compose(self) -> ComposeResult:
        yield Static(self.top_bar(_("Pemeriksaan #{id}", id=self.item_id)), classes="topbar")
        yield Static(_("Memuat…"), id="item-head")
        yield Static("", id="return-notes")
        with TabbedContent(id="review-tabs"):
            with TabPane(f"{TAB_KEYS['diff']} {_('Perubahan')}", id="tab-diff"):
                with VerticalScroll(id="diff-scroll"):
                    yield Static("", id="diff")
            yield from channel_previews.panes(_("Menyiapkan pratinjau…"), TAB_KEYS)
        yield KeyBar()

    def on_mount(self) -> None:
        """Load the item and the diff in a worker."""
        self.query_one("#return-notes").display = False
        self.call(self._load, done=self.show_review, key="review")

    def _load(self) -> ReviewData:
        item = self.w.queries.get_item(self.item_id, self.uid)
        corrects = item.get("corrects")
        # a ralat is read against what the public saw: the version it corrects
        published = self.w.queries.get_item(corrects["id"], self.uid) if corrects else None
        return ReviewData(item=item, published=published,
                          diff=self.w.queries.diff_since_seen(self.uid, self.item_id))

    def show_review(self, data: ReviewData) -> None:
        """Header, return notes and the changes (for a ralat: against the published version
        first); then the previews are rendered in a worker."""
        self.item = item = data.item
        head = [f"[b]{item['title']}[/b]",
                _("Status: {s} · Revisi {r} · Penyusun: {a}", s=state_label(item["state"]),
                  r=item["revision"], a=item["author_name"]),
                _("Klasifikasi: {k} · Sasaran: {t} · Kanal: {c}", k=klas_label(item["klasifikasi"]),
                  t=sasaran_label(item["sasaran"]),
                  c=", ".join(channel_label(c) for c in item["channels"]) or "—")]
        published = data.published
        if published:
            changed = changed_fields(published, item)
            head.insert(1, _("Ralat atas {n} (versi {v}) · Yang diubah: {f}",
                             n=published["number"] or "—", v=published["version"] or "—",
                             f=", ".join(changed) or _("tidak ada")))
        self.query_one("#item-head", Static).update("\n".join(head))
        returns = latest_returns(item["steps"])
        notes = self.query_one("#return-notes", Static)
        notes.update(Text("\n".join("⚠ " + return_text(st, self.tz) for st in returns)))
        notes.display = bool(returns)
        tabs = self.query_one("#review-tabs", TabbedContent)
        for channel, _title in channel_previews.TABS:
            if channel not in item["channels"]:  # only what goes out is previewed
                tabs.hide_tab(f"tab-{channel}")
        self.query_one("#diff", Static).update(self._changes(data, published))
        self.call(self._previews, item,
                  done=self.show_previews, failed=self.failed_previews, key="previews")

    def _changes(self, data: ReviewData, published: dict | None) -> Text:
        item = self.item
        text = Text()
        if published:
            text.append(_("Perubahan terhadap versi {v} yang terbit ({n}):",
                          v=published["version"] or "—", n=published["number"] or "—") + "\n\n",
                        style="bold")
            changes = published_changes(published, item, self.tz)
            text += changes_text(changes) if changes else Text(
                _("Tidak ada perubahan terhadap versi yang terbit.") + "\n")
        diff = data.diff
        if published and diff["from_revision"] in (None, diff["to_revision"]):
            return text  # the whole ralat is already shown against the published text above
        if diff["from_revision"] is None:
            intro = _("Belum pernah Anda periksa: seluruh isi revisi {r} ditampilkan.",
                      r=diff["to_revision"])
            body = Text("\n".join(content_lines(item, self.tz)))
        elif diff["from_revision"] == diff["to_revision"]:
            intro = _("Tidak ada perubahan sejak revisi {r} yang terakhir Anda lihat.",
                      r=diff["from_revision"])
            body = Text()
        else:
            intro = _("Perubahan sejak revisi {a} (terakhir Anda lihat) ke revisi {b}:",
                      a=diff["from_revision"], b=diff["to_revision"])
            body = changes_text(diff["changes"]) if diff["changes"] else Text(
                _("Isi tidak berubah."))
        since = Text(intro + "\n\n", style="bold") + body
        return text + Text("\n") + since if published else since

    def _previews(self, item: dict) -> dict:
        from kiosk.previews import fields_of

        fields = fields_of(item)
        if item.get("image"):
            fields["image"] = self.w.queries.item_picture(self.item_id, self.uid)
        return channel_previews.render(fields, self.w.ctx.profile, self.tz, self.app.clock(),
                                       number=item.get("number") or "", settings=self.w.ctx.settings)

    def show_previews(self, result: dict) -> None:
        """The channels' renderings of what will go out."""
        self.previews = result
        channel_previews.show(self, result)

    def failed_previews(self, error: str) -> None:
        """A preview that cannot be made is said in its tabs; the review itself goes on."""
        for channel, _title in channel_previews.TABS:
            self.query_one(f"#pv-{channel}", Static).update(
                _("Pratinjau tidak dapat dibuat: {e}", e=error))

    def action_tab(self, name: str) -> None:
        """Open a tab with one key; a channel the item does not go to has none."""
        tabs = self.query_one("#review-tabs", TabbedContent)
        if name != "diff" and name not in self.item.get("channels", []):
            self.notify(_("Pengumuman ini tidak dikirim ke kanal {c}.", c=channel_label(name)),
                        severity="warning")
            return
        tabs.active = f"tab-{name}"

    def action_approve(self) -> None:
        """Approve; at the Kepala Dinas level, first confirm with the number it will get."""
        if not self.item:
            return
        if self.item["state"] == State.REVIEW_KADIS:
            self.call(self.w.queries.next_number, done=self.show_peek, key="peek")
        else:
            self.call(self.w.review.approve, self.uid, self.item_id,
                      done=self.show_approve, key="approve")

    def show_peek(self, number: str) -> None:
        """Ask the Kepala Dinas to confirm the final approval."""
        from kiosk.dialogs.confirm import ConfirmDialog

        question = _("Setujui dan terbitkan \"{t}\"?\n\nPengumuman akan mendapat nomor {n} dan "
                     "langsung dikirim ke kanal: {c}.", t=self.item["title"], n=number,
                     c=", ".join(channel_label(c) for c in self.item["channels"]))
        self.app.push_screen(ConfirmDialog(question, _("Setujui & terbitkan")), self._confirmed)

    def _confirmed(self, yes: bool | None) -> None:
        if yes:
            self.call(self.w.review.approve, self.uid, self.item_id,
                      done=self.show_approve, key="approve")

    def show_approve(self, number: str | None) -> None:
        """Approved: say what happened and show the detail (final) or go home."""
        if number:
            self.notify(_("Disetujui dengan nomor {n}; penyebarluasan dimulai.", n=number))
            from kiosk.screens.detail import DetailScreen

            self.app.switch_screen(DetailScreen(self.item_id))
        else:
            self.notify(_("Disetujui; diteruskan ke tahap berikutnya."))
            self.app.pop_screen()

    def action_return(self) -> None:
        """Return with a required note."""
        from kiosk.dialogs.note import NoteDialog

        self.app.push_screen(NoteDialog(
            _("Kembalikan pengumuman #{id} untuk diperbaiki. Tulis catatannya:", id=self.item_id),
            _("Pengembalian wajib disertai catatan yang menjelaskan perbaikan"),
            _("Kembalikan")), self._returned)

    def _returned(self, note: str | None) -> None:
        if note:
            self.call(self.w.review.return_item, self.uid, self.item_id, note,
                      done=self.show_return, key="return")

    def show_return(self, _result: None) -> None:
        """Returned: back to the home screen."""
        self.notify(_("Pengumuman #{id} dikembalikan.", id=self.item_id))
        self.app.pop_screen()

    def action_detail(self) -> None:
        """The full detail (timeline, deliveries)."""
        from kiosk.screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(self.item_id))

    def action_back(self) -> None:
        """Back without deciding."""
        self.app.pop_screen()
