"""Driving one announcement's history through the services as the SOP's people do, and what the
test expects of it: its public versions (each with a distinctive text), the drafts that must
never be public, and the revocation."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.workflow import PUBLISHED
from tests.lifecycle.renderers import AUDIO_MARK

CHANNELS = ("videotron", "radio", "web", "print")
PELAKSANA, KABID, SEKRETARIS, KADIS = "pelaksana1", "kabid1", "sekretaris1", "kadis1"


def letters(n: int) -> str:
    """``12`` → ``bc``: a number as letters, which every channel (radio included, which reads
    numbers as words) passes through unchanged."""
    return "".join("abcdefghij"[int(d)] for d in str(n))


def final_text(cell: int, version: int) -> tuple[str, str]:
    """The approved body of ``version`` of cell ``cell``, and its tag (unique in the run)."""
    tag = f"sandi{letters(cell)}x{letters(version)}"
    return (f"Versi {version} sel {cell}: pendaftaran sampai {10 + version} Desember 2026. "
            f"Kode {tag}."), tag


def draft_text(cell: int, version: int) -> tuple[str, str]:
    """A body that a reviewer returns: it must never reach the public."""
    tag = f"konsep{letters(cell)}x{letters(version)}"
    return f"Draf versi {version} sel {cell} yang belum lengkap. Kode {tag}.", tag


@dataclass
class Version:
    version: int
    item_id: int
    title: str
    body: str
    tag: str
    klasifikasi: str
    number: str = ""

    @property
    def kind(self) -> str:
        return "publish" if self.version == 1 else "ralat"


@dataclass
class Story:
    """One announcement key: its approved versions, oldest first, and its revocation."""

    name: str
    cell: int
    audio: bool = False
    key: str = ""
    versions: list[Version] = field(default_factory=list)
    revoked: bool = False
    reason: str = ""
    reason_tag: str = ""
    never_public: list[str] = field(default_factory=list)
    """Tags of texts that were returned or never approved."""
    deterministic: bool = True
    """Each version was confirmed on every channel before the next was approved."""
    page_url: str = ""
    """The page link the feeds gave after version 1 (must never change)."""
    open_item: int | None = None
    """A ralat (or the first draft) still in the review chain."""
    open_state: str = ""
    open_version: int = 0
    advanced: bool = False
    """Something public happened since the last check (a new version or the revocation)."""

    @property
    def latest(self) -> Version:
        return self.versions[-1]

    @property
    def public(self) -> bool:
        return bool(self.versions)

    @property
    def stale(self) -> list[str]:
        """Tags that must not be shown for this key: earlier versions' and drafts'."""
        return [v.tag for v in self.versions[:-1]] + self.never_public

    @property
    def revoke_version(self) -> int:
        return len(self.versions) + 1


class Desk:
    """The SOP's people at their desks: Pelaksana drafts and revises, Kabid/Kasubag, Sekretaris
    and Kepala Dinas approve or return; Kepala Dinas revokes."""

    def __init__(self, w, ids: dict[str, int]) -> None:  # noqa: ANN001
        self.w, self.ids = w, ids

    def _id(self, who: str) -> int:
        return self.ids[who]

    def title_for(self, story: Story, suffix: str = "") -> str:
        mark = f" {AUDIO_MARK}" if story.audio else ""
        return f"Uji siklus sel {story.cell}{mark}: beasiswa daerah{suffix}"

    # -- the first version ---------------------------------------------------------------------

    def publish(self, story: Story, returns: int, klasifikasi: str = "berkala") -> Version:
        """Draft version 1 and take it through the chain with ``returns`` returns."""
        body, tag = final_text(story.cell, 1)
        title = self.title_for(story)
        first = body
        if returns:
            first, draft_tag = draft_text(story.cell, 1)
            story.never_public.append(draft_tag)
        item = self.w.drafting.create_item(self._id(PELAKSANA), title=title, body=first,
                                           klasifikasi=klasifikasi, sasaran="masyarakat",
                                           channels=list(CHANNELS))
        story.key = self.w.queries.get_item(item)["key"]
        self.chain(item, returns, body)
        return self._approved(story, item, title, body, tag, klasifikasi)

    # -- ralat ---------------------------------------------------------------------------------

    def ralat(self, story: Story, returns: int, via: str = "correct", via_version: int | None = None,
              klasifikasi: str | None = None, title_suffix: str = "") -> Version:
        """Make the next version: a ralat started with ``w.drafting.correct`` on version ``via_version``
        (default the newest) or with ``w.drafting.revise`` on the newest approved item, taken through
        the chain with ``returns`` returns."""
        n = len(story.versions) + 1
        body, tag = final_text(story.cell, n)
        first = body
        if returns:
            first, draft_tag = draft_text(story.cell, n)
            story.never_public.append(draft_tag)
        changes = {"body": first}
        if klasifikasi:
            changes["klasifikasi"] = klasifikasi
        title = self.title_for(story, title_suffix) if title_suffix else story.latest.title
        if title != story.latest.title:
            changes["title"] = title
        base = story.versions[(via_version or n - 1) - 1].item_id
        if via == "revise":
            item = self.w.drafting.revise(self._id(PELAKSANA), story.latest.item_id, **changes)
        else:
            item = self.w.drafting.correct(self._id(PELAKSANA), base, **changes)
        assert item not in {v.item_id for v in story.versions}
        shown = self.w.queries.get_item(item)
        assert shown["key"] == story.key and shown["state"] == "draft"
        assert shown["corrects"]["id"] == story.latest.item_id  # a ralat corrects the newest
        self.chain(item, returns, body)
        return self._approved(story, item, title, body, tag, klasifikasi or story.latest.klasifikasi)

    # -- the chain -----------------------------------------------------------------------------

    def chain(self, item: int, returns: int, final_body: str) -> None:
        """submit → Kabid → Sekretaris → Kepala Dinas. One return: Kabid/Kasubag returns it to the
        Pelaksana, who revises it to ``final_body`` and submits again. Two returns: also Kepala
        Dinas returns it (to Kabid/Kasubag), and it goes up the chain again."""
        w = self.w
        w.review.submit(self._id(PELAKSANA), item)
        if returns >= 1:
            w.review.return_item(self._id(KABID), item, "Lengkapi tanggal penutupan pendaftaran")
            assert w.queries.get_item(item)["state"] == "returned"
            w.drafting.revise(self._id(PELAKSANA), item, body=final_body)
            w.review.submit(self._id(PELAKSANA), item)
        w.review.approve(self._id(KABID), item)
        w.review.approve(self._id(SEKRETARIS), item)
        if returns >= 2:
            w.review.return_item(self._id(KADIS), item, "Periksa kembali kuota penerima")
            assert w.queries.get_item(item)["state"] == "review_kabid"
            w.review.approve(self._id(KABID), item)
            w.review.approve(self._id(SEKRETARIS), item)
        assert w.review.approve(self._id(KADIS), item)

    def _approved(self, story: Story, item: int, title: str, body: str, tag: str,
                  klasifikasi: str) -> Version:
        shown = self.w.queries.get_item(item)
        n = len(story.versions) + 1
        # the relay may already have moved it on (approved → disseminating → disseminated)
        assert shown["state"] in PUBLISHED and shown["version"] == n, (shown["state"], shown["version"])
        assert shown["body"] == body
        v = Version(n, item, title, body, tag, klasifikasi, shown["number"])
        story.versions.append(v)
        story.advanced = True
        return v

    # -- pencabutan ----------------------------------------------------------------------------

    def revoke(self, story: Story, via_version: int | None = None) -> None:
        """Kepala Dinas revokes the announcement through version ``via_version`` (default the
        newest): any version withdraws them all."""
        story.reason_tag = f"alasan{letters(story.cell)}"
        story.reason = f"Kuota sel {story.cell} dibatalkan panitia, kode {story.reason_tag}"
        via = story.versions[(via_version or len(story.versions)) - 1].item_id
        self.w.review.revoke(self._id(KADIS), via, story.reason)
        story.revoked = True
        story.advanced = True
