"""The kiosk's contract with the services (kiosk/screens/base.py): ``call(fn, *args, done=...,
failed=..., key=...)`` hands the result to ``done`` and a refusal to ``failed`` (by default an error
notification) on the UI thread; a newer call with the same key makes an older one's answer stale.
And the signed-in account is typed: ``app.user`` is the :class:`Account` ``authenticate`` returns."""

from __future__ import annotations

import asyncio
import threading

from textual.app import App, ComposeResult
from textual.widgets import Static

from kiosk.screens.base import WartaScreen
from shared.errors import Refused
from shared.services.users import Account
from shared.workflow import Role
from tests.kiosk.conftest import until
from tests.kiosk.pilot import notices


class Probe(WartaScreen):
    """A screen that records what its calls answered."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[object] = []
        self.refusals: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(self.top_bar("Uji") if self.app.user else "")

    def show(self, value: object) -> None:
        self.shown.append(value)

    def refusal(self, error: str) -> None:
        self.refusals.append(error)


class ProbeApp(App[None]):
    def __init__(self, user: Account | None = None) -> None:
        super().__init__()
        self.user = user

    def on_mount(self) -> None:
        self.push_screen(Probe())


def _run(scenario, user: Account | None = None) -> None:  # noqa: ANN001
    async def main() -> None:
        async with ProbeApp(user).run_test() as pilot:
            await until(pilot, lambda: isinstance(pilot.app.screen, Probe), what="probe screen")
            await scenario(pilot, pilot.app.screen)
    asyncio.run(main())


def _held(gate: threading.Event, value: object, error: Exception | None = None):  # noqa: ANN202
    def fn() -> object:
        assert gate.wait(10)
        if error is not None:
            raise error
        return value
    return fn


def test_a_newer_call_with_the_same_key_makes_the_older_answer_stale() -> None:
    async def scenario(pilot, screen: Probe) -> None:  # noqa: ANN001
        gate = threading.Event()
        screen.call(_held(gate, "halaman lama"), done=screen.show, key="page")
        screen.call(lambda: "halaman baru", done=screen.show, key="page")
        await until(pilot, lambda: screen.shown == ["halaman baru"], what="the newer page")
        gate.set()  # the older answer arrives late ...
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.shown == ["halaman baru"]  # ... and is dropped

        # a late refusal is dropped the same way
        gate = threading.Event()
        screen.call(_held(gate, None, Refused("lama")), done=screen.show, failed=screen.refusal,
                    key="page")
        screen.call(lambda: "terbaru", done=screen.show, failed=screen.refusal, key="page")
        await until(pilot, lambda: screen.shown[-1] == "terbaru", what="the newest page")
        gate.set()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.refusals == [] and not notices(pilot)

    _run(scenario)


def test_other_keys_and_calls_without_a_key_are_never_stale() -> None:
    async def scenario(pilot, screen: Probe) -> None:  # noqa: ANN001
        gate = threading.Event()
        screen.call(_held(gate, "status"), done=screen.show, key="status")
        screen.call(lambda: "layar", done=screen.show, key="screens")
        await until(pilot, lambda: screen.shown == ["layar"], what="the other key")
        gate.set()
        await until(pilot, lambda: screen.shown == ["layar", "status"], what="the first key")
        screen.call(lambda: 1, done=screen.show)
        screen.call(lambda: 1, done=screen.show)
        await until(pilot, lambda: screen.shown[2:] == [1, 1], what="both keyless answers")

    _run(scenario)


def test_refusals_go_to_failed_or_to_an_error_notification() -> None:
    def refuse() -> None:
        raise Refused("Nama pengguna '{username}' sudah dipakai", username="tamu")

    def crash() -> None:
        raise ValueError("rusak")

    async def scenario(pilot, screen: Probe) -> None:  # noqa: ANN001
        screen.call(refuse, done=screen.show, failed=screen.refusal, key="x")
        await until(pilot, lambda: screen.refusals == ["Nama pengguna 'tamu' sudah dipakai"])
        screen.call(crash, done=screen.show, failed=screen.refusal)
        await until(pilot, lambda: len(screen.refusals) == 2)
        assert screen.refusals[1] == "Galat tak terduga: ValueError: rusak"
        screen.call(refuse, done=screen.show, key="y")  # no failed: the error notification
        await until(pilot, lambda: "Nama pengguna 'tamu' sudah dipakai" in notices(pilot))
        assert [n.title for n in pilot.app._notifications] == ["Ditolak"]
        assert screen.shown == []

    _run(scenario)


def test_the_signed_in_account_is_typed_and_signing_out_leaves_no_rights() -> None:
    kabid = Account(id=7, username="kabid1", name="Agus Santoso", role=Role.KABID, nip="1980")

    async def scenario(pilot, screen: Probe) -> None:  # noqa: ANN001
        assert screen.user is kabid and screen.uid == 7 and screen.role == Role.KABID
        assert "Uji · Agus Santoso (" in str(screen.query_one(Static).content)
        pilot.app.user = None  # the lock clears the account before it closes the screens
        assert screen.uid == 0 and screen.role is None

    _run(scenario, kabid)
