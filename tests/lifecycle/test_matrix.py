"""The lifecycle matrix: paths {approved after 0, 1 and 2 returns} × scenarios {ralat once, ralat
twice, revoke the original, revoke after a ralat} on all four channels, once embedded and once
over RabbitMQ. All 12 announcements (and one burst variant) run in ONE pipeline per transport:
real relay, real renderers, real archiver.

Ordering: every cell waits until its previous version is final on every channel before its next
step (the cells move in lock-step phases), so those cells expect every delivery ``confirmed``. Two
cells don't wait, to give the ``superseded`` path its chance, and are held to the invariant only:

- ``sel-11`` (2 returns, ralat twice): v2 and v3 approved back to back while the pipeline runs;
  v3 is made serta-merta, so it may overtake v2 in the urgent queue;
- ``sel-13`` (burst): v1, v2 and v3 approved before the pipeline starts, v3 serta-merta: the
  workers find all three waiting and take v3 first, so v1 and v2 should end ``superseded``.

After every phase each cell is read back as its consumers read it (see
:mod:`tests.lifecycle.readers`) and checked (:mod:`tests.lifecycle.invariant`); the failures of
every phase are collected and reported together, per cell and channel."""

from __future__ import annotations

import time
from dataclasses import dataclass

from tests.conftest import unavailable
from tests.lifecycle import readers
from tests.lifecycle.chain import Desk, Story
from tests.lifecycle.conftest import pipeline, settle
from tests.lifecycle.invariant import Public, check_all

PATHS = (0, 1, 2)
SCENARIOS = ("ralat-sekali", "ralat-dua-kali", "cabut-asli", "cabut-setelah-ralat")


@dataclass
class Cell:
    story: Story
    returns: int
    scenario: str
    klasifikasi: str
    back_to_back: bool = False
    burst: bool = False


def plan() -> list[Cell]:
    cells = []
    n = 0
    for returns in PATHS:
        for i, scenario in enumerate(SCENARIOS):
            n += 1
            # serta-merta (CAP) in every scenario and every path; audio in the 1-return path
            klas = "serta-merta" if (returns + i) % 2 == 0 else "berkala"
            story = Story(name=f"sel-{n:02d}[{returns}x-{scenario}]", cell=n, audio=returns == 1)
            cell = Cell(story, returns, scenario, klas)
            if returns == 2 and scenario == "ralat-dua-kali":
                cell.back_to_back, story.deterministic = True, False
            cells.append(cell)
    n += 1
    burst = Story(name=f"sel-{n:02d}[burst-v1-v2-v3]", cell=n, deterministic=False)
    cells.append(Cell(burst, 0, "ralat-dua-kali", "berkala", burst=True))
    return cells


def ralat(desk: Desk, cell: Cell, **kw) -> None:  # noqa: ANN003
    # the 1-return path starts its ralats with w.drafting.revise on the approved item, the others with
    # w.drafting.correct on version 1 (the ralat still corrects the newest version)
    if cell.returns == 1:
        desk.ralat(cell.story, cell.returns, via="revise", **kw)
    else:
        desk.ralat(cell.story, cell.returns, via_version=1, **kw)


def test_lifecycle_matrix(lc_home, transport_kind) -> None:  # noqa: ANN001
    home = lc_home
    out = home.settings.out
    desk = Desk(home.w, home.ids)
    cells = plan()
    stories = [c.story for c in cells]
    station = readers.Station(out)
    failures: list[str] = []
    timings: dict[str, float] = {}
    began = time.monotonic()

    def check(phase: str) -> None:
        found = check_all(stories, Public.read(out, station), home.w)
        failures.extend(f"[{phase}] {line}" for line in found)

    # phase 1: every v1 (and the burst cell's three versions) approved before the pipeline runs
    for cell in cells:
        desk.publish(cell.story, cell.returns, cell.klasifikasi)
        if cell.burst:
            desk.ralat(cell.story, 0)
            desk.ralat(cell.story, 0, klasifikasi="serta-merta", title_suffix=" (ralat kedua)")
    timings["drive v1"] = time.monotonic() - began

    with pipeline(home) as handles:
        timings["v1 settle"] = settle(home, "every v1 final on every channel")
        check("v1")

        # phase 2: the first ralat, or the revocation of the original
        t = time.monotonic()
        for cell in cells:
            if cell.burst:
                continue
            if cell.scenario == "cabut-asli":
                desk.revoke(cell.story, via_version=1)
            else:
                ralat(desk, cell)
                if cell.back_to_back:  # no waiting: v3 right after v2, serta-merta
                    ralat(desk, cell, klasifikasi="serta-merta", title_suffix=" (ralat kedua)")
        timings["drive v2"] = time.monotonic() - t
        timings["v2 settle"] = settle(home, "every v2 / revocation final on every channel")
        check("v2")

        # phase 3: the second ralat, or the revocation after the ralat
        t = time.monotonic()
        for cell in cells:
            if cell.burst or cell.back_to_back:
                continue
            if cell.scenario == "ralat-dua-kali":
                ralat(desk, cell, title_suffix=" (ralat kedua)")
            elif cell.scenario == "cabut-setelah-ralat":
                # through v1 in the 0-return path, v2 (the newest) in the others
                desk.revoke(cell.story, via_version=1 if cell.returns == 0 else None)
        timings["drive v3"] = time.monotonic() - t
        timings["v3 settle"] = settle(home, "every v3 / revocation final on every channel")
        check("v3")
        errors = [e for h in handles for e in h.errors]

    from workers.archive_check import verify_archive

    timings["total"] = time.monotonic() - began
    superseded = sorted(f"{d['number']} {d['channel']}" for d in home.w.redrive.list_deliveries(limit=10000)
                        if d["state"] == "superseded")
    print(f"\n[{transport_kind}] timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
    print(f"[{transport_kind}] superseded deliveries ({len(superseded)}): {superseded}")
    assert not errors, errors
    assert verify_archive(home.settings.archive) == []
    assert not failures, f"{len(failures)} invariant failures:\n" + "\n".join(failures)
    if readers.pdftotext_path() is None:  # every other check ran; say what was not read
        reason = "'pdftotext' (poppler-utils) is not installed: the printed notices were not read"
        print(reason)
        unavailable(reason)
