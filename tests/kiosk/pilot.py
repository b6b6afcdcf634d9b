"""Helpers the kiosk's pilot tests share: run a scenario in the app, read its notices."""

from __future__ import annotations

import asyncio

from kiosk.app import WartaKiosk


def run(settings, w, scenario, size=(100, 32)) -> None:  # noqa: ANN001
    """Run ``scenario(pilot)`` in the kiosk."""
    async def main() -> None:
        async with WartaKiosk(settings, w).run_test(size=size) as pilot:
            await scenario(pilot)
    asyncio.run(main())


def notices(pilot) -> list[str]:  # noqa: ANN001
    """The messages of the notifications shown so far."""
    return [n.message for n in pilot.app._notifications]
