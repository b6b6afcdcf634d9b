"""The kiosk shows an announcement's history: the review of a ralat names what it corrects and
diffs it against the PUBLISHED text; the detail shows the version, every version with its public
state (a pencabutan through a ralat revokes the whole announcement) and the kind of each delivery."""

from __future__ import annotations

from sqlalchemy import update

from shared.models import Delivery
from tests.kiosk.conftest import login, text_of, until
from tests.kiosk.pilot import run

BODY = "Pelayanan keliling dibuka Senin pukul 08.00 di Kantor Camat Teminabuan."
FIXED = "Pelayanan keliling dibuka Selasa pukul 09.00 di Kantor Camat Teminabuan."


def _approve(w, ids, item: int) -> str:  # noqa: ANN001
    w.review.submit(ids["pelaksana1"], item)
    w.review.approve(ids["kabid1"], item)
    w.review.approve(ids["sekretaris1"], item)
    return w.review.approve(ids["kadis1"], item)


def _published(w, ids) -> tuple[int, str]:  # noqa: ANN001
    item = w.drafting.create_item(ids["pelaksana1"], title="Pelayanan Keliling Adminduk", body=BODY,
                                  summary="Jadwal pelayanan keliling.", klasifikasi="berkala",
                                  sasaran="masyarakat", channels=["web", "radio"])
    return item, _approve(w, ids, item)


def _rows(table) -> list[tuple[str, ...]]:  # noqa: ANN001
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def test_review_of_a_ralat_diffs_against_the_published_version(home) -> None:
    settings, w, ids = home
    v1, number = _published(w, ids)
    ralat = w.drafting.correct(ids["pelaksana1"], v1, body=FIXED)
    w.review.submit(ids["pelaksana1"], ralat)

    async def scenario(pilot) -> None:  # noqa: ANN001
        from kiosk.screens.review import ReviewScreen

        await login(pilot, "kabid1")
        await pilot.app.push_screen(ReviewScreen(ralat))
        screen = pilot.app.screen
        await until(pilot, lambda: screen.item, what="review loaded")
        head = text_of(screen.query_one("#item-head"))
        assert f"Ralat atas {number} (versi 1)" in head and "Yang diubah: Isi" in head
        diff = text_of(screen.query_one("#diff"))
        assert f"Perubahan terhadap versi 1 yang terbit ({number}):" in diff
        # word by word: Senin 08.00 → Selasa 09.00, the rest of the sentence unchanged
        assert ("~ Pelayanan keliling dibuka [-Senin-]{+Selasa+} pukul [-08.00-]{+09.00+} di "
                "Kantor Camat Teminabuan.") in diff
        assert "Judul" not in diff  # unchanged fields are not shown as changes
        assert "seluruh isi revisi" not in diff

    run(settings, w, scenario)


def test_detail_shows_versions_and_that_a_revoked_ralat_revokes_all(home) -> None:
    settings, w, ids = home
    v1, n1 = _published(w, ids)
    v2 = w.drafting.correct(ids["pelaksana1"], v1, body=FIXED)
    n2 = _approve(w, ids, v2)
    with w.ctx.tx() as s:  # radio took v2 before v1's message: v1's is superseded there
        s.execute(update(Delivery).where(Delivery.announcement_id == v1,
                                         Delivery.channel == "radio").values(state="superseded"))

    async def open_detail(pilot, item: int):  # noqa: ANN001, ANN202
        from kiosk.screens.detail import DetailScreen

        await pilot.app.push_screen(DetailScreen(item, live_seconds=0))
        screen = pilot.app.screen
        await until(pilot, lambda: screen.item, what="detail loaded")
        return screen

    async def before_revocation(pilot) -> None:  # noqa: ANN001
        await login(pilot, "kadis1")
        screen = await open_detail(pilot, v2)
        head = text_of(screen.query_one("#item-head"))
        assert f"Versi 2 · Berlaku · Ralat atas {n1} (versi 1)" in head
        versions = screen.query_one("#versions")
        assert versions.display
        assert [r[:4] for r in _rows(versions)] == [("1", n1, "Terbit", "Digantikan ralat"),
                                                    ("» 2", n2, "Ralat", "Berlaku")]
        kinds = {r[1] for r in _rows(screen.query_one("#deliveries"))}
        assert kinds == {"Ralat"}
        await pilot.press("escape")
        screen = await open_detail(pilot, v1)
        assert "Versi 1 · Digantikan ralat" in text_of(screen.query_one("#item-head"))
        states = {(r[0], r[1], r[2]) for r in _rows(screen.query_one("#deliveries"))}
        assert ("Radio", "Terbit", "Digantikan versi baru") in states

    run(settings, w, before_revocation)
    w.review.revoke(ids["kadis1"], v2, "Pelayanan keliling dibatalkan")  # through the ralat

    async def after_revocation(pilot) -> None:  # noqa: ANN001
        await login(pilot, "kadis1")
        screen = await open_detail(pilot, v1)  # the ORIGINAL
        head = text_of(screen.query_one("#item-head"))
        assert "Versi 1 · Dicabut" in head and "beserta semua versinya" in head
        assert "Tersebar" not in head and "Telah disebarkan" not in head
        rows = _rows(screen.query_one("#versions"))
        assert [r[2:4] for r in rows] == [("Terbit", "Dicabut"), ("Ralat", "Dicabut"),
                                          ("Pencabutan", "Dicabut")]
        assert rows[2][0] == "3"
        await pilot.press("escape")
        screen = await open_detail(pilot, v2)  # the pencabutan travels with the newest version
        kinds = sorted(r[1] for r in _rows(screen.query_one("#deliveries")))
        assert kinds == ["Pencabutan", "Pencabutan", "Ralat", "Ralat"]

    run(settings, w, after_revocation)
