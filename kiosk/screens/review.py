"""Pemeriksaan: the diff against the revision this reviewer last saw; for a ralat, first what it
changes against the published version it corrects. Approve or return with a note. Approval at the
Kepala Dinas level asks for confirmation and shows the number it will get."""

from __future__ import annotations

import difflib

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from kiosk.format import channel_label, klas_label, state_label, when
from kiosk.screens.base import WartaScreen
from kiosk.widgets.keybar import KeyBar
from shared.i18n import _
from shared.services.history import CHANGE_LABELS
from shared.workflow import State

_IMAGE_FIELDS = {"image_sha256": "sha256", "image_caption": "caption"}
"""Fields of the picture, read from ``get_item``'s ``image``."""


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


def item_lines(item: dict, tz: str) -> list[str]:
    """An announcement's texts as lines to compare (as the reviewer's diff writes them)."""
    image = item.get("image")
    picture = (_("{w}×{h} piksel, {kb} KB, sidik {sha}", w=image["width"], h=image["height"],
                 kb=image["size"] // 1024, sha=image["sha256"][:12]) if image else _("(tidak ada)"))
    return [f"{_('Judul')}: {item['title']}", f"{_('Ringkasan')}: {item.get('summary') or ''}", "",
            *item["body"].splitlines(), "",
            f"{_('Klasifikasi')}: {item['klasifikasi']}", f"{_('Sasaran')}: {item['sasaran']}",
            f"{_('Kanal')}: {', '.join(item.get('channels') or [])}",
            f"{_('Mulai')}: {when(item.get('start_at'), tz)}",
            f"{_('Selesai')}: {when(item.get('end_at'), tz)}",
            f"{_('Gambar')}: {picture}",
            f"{_('Keterangan gambar')}: {(image or {}).get('caption') or '-'}"]


def published_diff(published: dict, ralat: dict, tz: str) -> list[str]:
    """The unified diff from the published version's texts to the ralat's."""
    return list(difflib.unified_diff(
        item_lines(published, tz), item_lines(ralat, tz), lineterm="",
        fromfile=_("versi {v} yang terbit ({n})", v=published.get("version") or "—",
                   n=published.get("number") or "—"),
        tofile=_("ralat ini")))


def diff_text(lines: list[str]) -> Text:
    """A unified diff coloured for the terminal."""
    text = Text()
    for line in lines:
        style = ("green" if line.startswith("+") and not line.startswith("+++") else
                 "red" if line.startswith("-") and not line.startswith("---") else
                 "cyan" if line.startswith("@@") else "")
        text.append(line + "\n", style=style)
    return text


class ReviewScreen(WartaScreen):
    """Review one announcement at the current level."""

    BINDINGS = [
        Binding("escape", "back", _("Kembali")),
        Binding("s", "approve", _("Setujui")),
        Binding("k", "return", _("Kembalikan")),
        Binding("i", "detail", _("Detail")),
    ]

    def __init__(self, item_id: int) -> None:
        super().__init__()
        self.item_id = item_id
        self.item: dict = {}

    def compose(self) -> ComposeResult:
        yield Static(self.top_bar(_("Pemeriksaan #{id}", id=self.item_id)), classes="topbar")
        yield Static(_("Memuat…"), id="item-head")
        with VerticalScroll(id="diff-scroll"):
            yield Static("", id="diff")
        yield KeyBar()

    def on_mount(self) -> None:
        """Load the item and the diff in a worker."""
        self.call("review", self._load)

    def _load(self) -> dict:
        item = self.w.get_item(self.item_id, self.uid)
        corrects = item.get("corrects")
        # a ralat is read against what the public saw: the version it corrects
        published = self.w.get_item(corrects["id"], self.uid) if corrects else None
        return {"item": item, "published": published,
                "diff": self.w.diff_since_seen(self.uid, self.item_id)}

    def show_review(self, data: dict) -> None:
        """Header and diff (for a ralat: against the published version first)."""
        self.item = item = data["item"]
        head = [f"[b]{item['title']}[/b]",
                _("Status: {s} · Revisi {r} · Penyusun: {a}", s=state_label(item["state"]),
                  r=item["revision"], a=item["author_name"]),
                _("Klasifikasi: {k} · Sasaran: {t} · Kanal: {c}", k=klas_label(item["klasifikasi"]),
                  t=item["sasaran"], c=", ".join(channel_label(c) for c in item["channels"]) or "—")]
        published = data.get("published")
        if published:
            changed = changed_fields(published, item)
            head.insert(1, _("Ralat atas {n} (versi {v}) · Yang diubah: {f}",
                             n=published["number"] or "—", v=published["version"] or "—",
                             f=", ".join(changed) or _("tidak ada")))
        self.query_one("#item-head", Static).update("\n".join(head))
        text = Text()
        if published:
            lines = published_diff(published, item, self.tz)
            text.append(_("Perubahan terhadap versi {v} yang terbit ({n}):",
                          v=published["version"] or "—", n=published["number"] or "—") + "\n\n",
                        style="bold")
            text += diff_text(lines) if lines else Text(_("Tidak ada perubahan terhadap versi "
                                                          "yang terbit.") + "\n")
        diff = data["diff"]
        if published and diff["from_revision"] in (None, diff["to_revision"]):
            # the whole ralat is already shown against the published text above
            self.query_one("#diff", Static).update(text)
            return
        if diff["from_revision"] is None:
            intro = _("Belum pernah Anda periksa: seluruh isi revisi {r} ditampilkan.",
                      r=diff["to_revision"])
        elif diff["from_revision"] == diff["to_revision"]:
            intro = _("Tidak ada perubahan sejak revisi {r} yang terakhir Anda lihat.",
                      r=diff["from_revision"])
        else:
            intro = _("Perubahan sejak revisi {a} (terakhir Anda lihat) ke revisi {b}:",
                      a=diff["from_revision"], b=diff["to_revision"])
        body = diff_text(diff["diff"]) if diff["diff"] else Text(item["body"])
        since = Text(intro + "\n\n", style="bold") + body
        self.query_one("#diff", Static).update(text + Text("\n") + since if published else since)

    def action_approve(self) -> None:
        """Approve; at the Kepala Dinas level, first confirm with the number it will get."""
        if not self.item:
            return
        if self.item["state"] == State.REVIEW_KADIS:
            self.call("peek", self.w.next_number)
        else:
            self.call("approve", self.w.approve, self.uid, self.item_id)

    def show_peek(self, number: str) -> None:
        """Ask the Kepala Dinas to confirm the final approval."""
        from kiosk.dialogs.confirm import ConfirmDialog

        question = _("Setujui dan terbitkan \"{t}\"?\n\nPengumuman akan mendapat nomor {n} dan "
                     "langsung dikirim ke kanal: {c}.", t=self.item["title"], n=number,
                     c=", ".join(channel_label(c) for c in self.item["channels"]))
        self.app.push_screen(ConfirmDialog(question, _("Setujui & terbitkan")), self._confirmed)

    def _confirmed(self, yes: bool | None) -> None:
        if yes:
            self.call("approve", self.w.approve, self.uid, self.item_id)

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
            self.call("return", self.w.return_item, self.uid, self.item_id, note)

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
