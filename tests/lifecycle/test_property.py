"""Random histories of one announcement through the real pipeline: hypothesis draws a sequence of
valid moves (approve, return, ralat, revoke; at most six), each example on a fresh announcement
key in one running pipeline (embedded transport, real renderers and archiver). Nothing waits
between moves, so versions and revocations race through the workers; after the last move the test
waits until every delivery is final and holds every channel's output to the invariant of
:mod:`tests.lifecycle.invariant`: the latest approved version (or the withdrawal) and nothing else,
``confirmed`` only where a version really reached the channel.

Moves: ``approve`` takes the announcement (or its open ralat) through the rest of the chain to the
final approval (a returned one is revised with a new text and submitted first); ``return`` takes
it up to a drawn level and returns it there with a note; ``ralat`` starts a correction with a new
text (with ``w.drafting.correct`` on a drawn version or ``w.drafting.revise`` on the newest);
``revoke`` withdraws it through a drawn version (and ends the history: nothing can be approved
after it)."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from shared.workflow import PUBLISHED
from tests.conftest import unavailable
from tests.lifecycle import readers
from tests.lifecycle.chain import (CHANNELS, KABID, KADIS, PELAKSANA, SEKRETARIS, Desk, Story,
                                  Version, letters)
from tests.lifecycle.conftest import pipeline, settle
from tests.lifecycle.invariant import Public, check_all

LEVELS = ("review_kabid", "review_sekretaris", "review_kadis")
REVIEWER = {"review_kabid": KABID, "review_sekretaris": SEKRETARIS, "review_kadis": KADIS}
MAX_MOVES = 6
_cells = itertools.count(100)


class Walker:
    """One announcement moved by the drawn moves; its :class:`Story` says what must be public."""

    def __init__(self, desk: Desk, story: Story, klasifikasi: str) -> None:
        self.desk, self.w, self.ids, self.story = desk, desk.w, desk.ids, story
        self.klasifikasi = klasifikasi
        self.texts = itertools.count(1)
        self.body, self.tag = self._text()
        item = self.w.drafting.create_item(self.ids[PELAKSANA], title=desk.title_for(story), body=self.body,
                                           klasifikasi=klasifikasi, sasaran="masyarakat",
                                           channels=list(CHANNELS))
        story.key = self.w.queries.get_item(item)["key"]
        story.open_item, story.open_state = item, "draft"
        self.log: list[str] = []

    def _text(self) -> tuple[str, str]:
        n = next(self.texts)
        tag = f"acak{letters(self.story.cell)}x{letters(n)}"
        return f"Teks {n} pengumuman acak {self.story.cell}. Kode {tag}.", tag

    def valid(self) -> list[str]:
        s = self.story
        if s.revoked:
            return []
        moves = []
        if s.open_item:
            moves += ["approve", "return"]
        if s.public and not s.open_item:
            moves.append("ralat")
        if s.public:
            moves.append("revoke")
        return moves

    # -- moves ---------------------------------------------------------------------------------

    def _into_review(self) -> None:
        """Submit a draft, or revise a returned one with a new text and submit it."""
        s = self.story
        if s.open_state == "returned":
            s.never_public.append(self.tag)
            self.body, self.tag = self._text()
            self.w.drafting.revise(self.ids[PELAKSANA], s.open_item, body=self.body)
        if s.open_state in ("draft", "returned"):
            self.w.review.submit(self.ids[PELAKSANA], s.open_item)
            s.open_state = "review_kabid"

    def _approve_to(self, level: str) -> None:
        """Approve at each level until the item waits at ``level``."""
        s = self.story
        while LEVELS.index(s.open_state) < LEVELS.index(level):
            self.w.review.approve(self.ids[REVIEWER[s.open_state]], s.open_item)
            s.open_state = LEVELS[LEVELS.index(s.open_state) + 1]

    def approve(self, data) -> None:  # noqa: ANN001
        s = self.story
        self._into_review()
        self._approve_to("review_kadis")
        self.w.review.approve(self.ids[KADIS], s.open_item)
        shown = self.w.queries.get_item(s.open_item)
        # the relay may already have moved it on (approved → disseminating → disseminated)
        assert shown["state"] in PUBLISHED and shown["version"] == len(s.versions) + 1, shown["state"]
        assert shown["body"] == self.body
        s.versions.append(Version(len(s.versions) + 1, s.open_item, shown["title"], self.body,
                                  self.tag, shown["klasifikasi"], shown["number"]))
        s.open_item, s.open_state, s.advanced = None, "", True
        self.log.append(f"approve→v{len(s.versions)}")

    def return_(self, data) -> None:  # noqa: ANN001
        s = self.story
        self._into_review()
        level = data.draw(st.sampled_from(LEVELS[LEVELS.index(s.open_state):]), label="return at")
        self._approve_to(level)
        self.w.review.return_item(self.ids[REVIEWER[level]], s.open_item, f"Perbaiki ({level})")
        s.open_state = "returned" if level == "review_kabid" else "review_kabid"
        assert self.w.queries.get_item(s.open_item)["state"] == s.open_state
        self.log.append(f"return@{level}")

    def ralat(self, data) -> None:  # noqa: ANN001
        s = self.story
        self.body, self.tag = self._text()
        changes = {"body": self.body}
        klas = data.draw(st.sampled_from(["same", "berkala", "serta-merta"]), label="ralat class")
        if klas != "same":
            changes["klasifikasi"] = klas
        if data.draw(st.booleans(), label="ralat via revise"):
            item = self.w.drafting.revise(self.ids[PELAKSANA], s.latest.item_id, **changes)
            how = "revise"
        else:
            via = data.draw(st.sampled_from(s.versions), label="ralat of version").item_id
            item = self.w.drafting.correct(self.ids[PELAKSANA], via, **changes)
            how = "correct"
        assert self.w.queries.get_item(item)["corrects"]["id"] == s.latest.item_id
        s.open_item, s.open_state = item, "draft"
        self.log.append(f"ralat({how},{klas})")

    def revoke(self, data) -> None:  # noqa: ANN001
        s = self.story
        via = data.draw(st.sampled_from(s.versions), label="revoke through version")
        self.desk.revoke(s, via.version)
        if s.open_item:  # an open ralat can never be approved now
            s.never_public.append(self.tag)
        self.log.append(f"revoke(v{via.version})")

    def finish(self) -> None:
        """Whatever is still in the chain stays unpublished: its text must never show."""
        if self.story.open_item and self.tag not in self.story.never_public:
            self.story.never_public.append(self.tag)


def test_random_histories_keep_every_channel_on_the_latest_version(embedded_home) -> None:  # noqa: ANN001
    home = embedded_home
    out = home.settings.out
    desk = Desk(home.w, home.ids)
    station = readers.Station(out)
    stories: list[Story] = []
    histories: list[str] = []

    # no shrinking: each example runs through the real pipeline; a failure names its moves
    @settings(max_examples=10, deadline=None, print_blob=True, report_multiple_bugs=False,
              phases=[Phase.explicit, Phase.reuse, Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data(), klasifikasi=st.sampled_from(["berkala", "serta-merta"]),
           length=st.integers(min_value=3, max_value=MAX_MOVES))
    def history(data, klasifikasi: str, length: int) -> None:  # noqa: ANN001
        cell = next(_cells)
        story = Story(name=f"acak-{cell}", cell=cell, deterministic=False)
        walker = Walker(desk, story, klasifikasi)
        for _ in range(length):
            moves = walker.valid()
            if not moves:
                break
            # approvals weigh double, so most histories reach a ralat or two
            move = data.draw(st.sampled_from(moves + ["approve"] * ("approve" in moves)),
                             label="move")
            getattr(walker, "return_" if move == "return" else move)(data)
        walker.finish()
        histories.append(f"{story.name} {story.key} {klasifikasi}: {' '.join(walker.log)}")
        settle(home, f"{story.name}: every delivery final")
        stories.append(story)
        # earlier examples' stories are checked again: a later history must not disturb them
        failures = check_all(stories, Public.read(out, station), home.w)
        assert not failures, (f"history {' '.join(walker.log)}:\n" + "\n".join(failures))

    with pipeline(home) as handles:
        history()
        errors = [e for h in handles for e in h.errors]
    print("\n" + "\n".join(histories))
    superseded = [f"{d['number']} {d['channel']} {d['kind']}"
                  for d in home.w.redrive.list_deliveries(limit=10000) if d["state"] == "superseded"]
    print(f"superseded deliveries ({len(superseded)}): {superseded}")
    assert not errors, errors
    if readers.pdftotext_path() is None:  # every other check ran; say what was not read
        unavailable("'pdftotext' (poppler-utils) is not installed: the printed notices were not read")
