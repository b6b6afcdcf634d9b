"""Several screens per channel (``WARTA_ENDPOINTS``): each named endpoint gets its own copy of
every message, its own delivery, receipts and proof, and an announcement is disseminated only when
every screen confirmed. Over both transports, with the real videotron renderer."""

from __future__ import annotations

import json

import pytest

from shared.config import Settings
from shared.messages import Kind, Outcome, Receipt
from shared.receipt_keys import generate_worker_key
from shared.settings.endpoints import parse_endpoints, serves_endpoint
from tests.backbone.conftest import wait_until
from workers.inprocess import endpoint_out, start_all
from workers.transport.topology import Names, definitions, routing_key

SCREENS = ("lobby", "alun-alun")


@pytest.fixture
def screens(monkeypatch):
    """Two videotron screens configured on the approval side (set before ``home`` reads it); the
    player's HTTP endpoint off, so two screens in one process do not fight over its port."""
    monkeypatch.setenv("WARTA_ENDPOINTS", "videotron=" + ",".join(SCREENS))
    monkeypatch.setenv("WARTA_VIDEOTRON_PLAY_REPORT", "false")
    return SCREENS


def _keys(home) -> None:  # noqa: ANN001
    """Each screen's receipt key, named after its endpoint, registered for the videotron."""
    for screen in SCREENS:
        generate_worker_key(home.settings.home, "videotron", screen)


def _screen(home, screen: str):  # noqa: ANN001, ANN202
    """One screen's worker (its own inbox and output folder), as if on its own PC."""
    bb = home.bb().model_copy(update={"endpoint": screen})
    return start_all(home.settings, channels=["videotron"], bb=bb, relay=False, archiver=False)


def _playlist(home, screen: str) -> set[str]:  # noqa: ANN001
    path = endpoint_out(home.settings, "videotron", screen) / "videotron" / "playlist.json"
    if not path.exists():
        return set()
    return {e["key"] for e in json.loads(path.read_text(encoding="utf-8"))["items"]}


def _rows(home, item_ids: list[int], kind: str = "publish") -> list[dict]:  # noqa: ANN001
    return [d for d in home.w.redrive.list_deliveries() if d["announcement_id"] in set(item_ids)
            and d["kind"] == kind]


def test_every_screen_shows_every_announcement(screens, home) -> None:
    _keys(home)
    items = [home.approve(f"Layar {i}", "videotron") for i in range(10)]
    keys = {home.w.queries.get_item(i)["key"] for i in items}
    rows = _rows(home, items)
    assert sorted((d["endpoint"], d["state"]) for d in rows) == sorted(
        (s, "pending") for s in SCREENS for _ in items)  # one delivery per screen
    assert len({d["message_id"] for d in rows}) == 20  # each screen its own message

    backbone = start_all(home.settings, channels=[], bb=home.bb())  # relay and archiver
    lobby = _screen(home, "lobby")
    alun = None
    try:
        # alun-alun is off: lobby confirms everything, yet nothing is disseminated
        wait_until(lambda: all(d["state"] == "confirmed" for d in _rows(home, items)
                               if d["endpoint"] == "lobby"), 90, what="lobby confirmed")
        assert _playlist(home, "lobby") == keys
        assert {d["state"] for d in _rows(home, items) if d["endpoint"] == "alun-alun"} == {"queued"}
        assert {home.w.queries.get_item(i)["state"] for i in items} == {"disseminating"}
        monitor = {r["channel"]: r for r in home.w.monitor.channel_status(home.ids["ppid1"])}
        assert {e["endpoint"]: (e["confirmed"], e["pending"])
                for e in monitor["videotron"]["endpoints"]} == {"lobby": (10, 0),
                                                                 "alun-alun": (0, 10)}

        alun = _screen(home, "alun-alun")  # the second screen comes up: it gets all ten
        wait_until(lambda: all(home.w.queries.get_item(i)["state"] == "disseminated" for i in items), 90,
                   what="every announcement disseminated")
        assert {d["state"] for d in _rows(home, items)} == {"confirmed"}
        assert _playlist(home, "lobby") == _playlist(home, "alun-alun") == keys

        # each screen's proof on its own, signed by that screen's worker
        for i in items:
            number = home.w.queries.get_item(i)["number"]
            for screen in SCREENS:
                found = [p for p in home.settings.archive.rglob("manifest.json")
                         if p.parent.name == screen and json.loads(p.read_text())["number"] == number]
                assert len(found) == 1, (number, screen)
                manifest = json.loads(found[0].read_text())
                assert (manifest["endpoint"], manifest["worker"]) == (screen, screen)
                assert found[0].parent.parent.name == "videotron"

        # a revocation reaches both screens, and both drop it
        gone = items[:2]
        for i in gone:
            home.w.review.revoke(home.ids["kadis1"], i, "Uji pencabutan di semua layar")
        wait_until(lambda: len(_rows(home, gone, "revoke")) == 4 and all(
            d["state"] == "revoked" for d in _rows(home, gone, "revoke")), 90, what="revoked")
        left = keys - {home.w.queries.get_item(i)["key"] for i in gone}
        wait_until(lambda: _playlist(home, "lobby") == _playlist(home, "alun-alun") == left, 30,
                   what="both playlists without the revoked two")
        revoked_proofs = [p for p in home.settings.archive.rglob("manifest.json")
                          if p.parent.name == "pencabutan"]
        assert sorted(p.parent.parent.name for p in revoked_proofs) == sorted(SCREENS * 2)
    finally:
        for handle in (lobby, alun, backbone):
            if handle is not None:
                handle.stop()
    assert not (backbone.errors or lobby.errors or (alun.errors if alun else []))


def test_a_screen_cannot_confirm_for_another(screens, home) -> None:
    """A receipt for lobby's message signed by alun-alun's worker is not lobby's proof."""
    _keys(home)
    item = home.approve("Bukan layarnya", "videotron")
    lobby = next(d for d in _rows(home, [item]) if d["endpoint"] == "lobby")
    info = home.w.queries.get_item(item)
    receipt = Receipt(message_id=lobby["message_id"], announcement_id=item,
                      announcement_key=info["key"], number=info["number"], channel="videotron",
                      kind=Kind.PUBLISH, outcome=Outcome.CONFIRMED, version=1,
                      at=info["approved_at"], host="h", worker="alun-alun")
    assert home.w.ledger.record_receipt(receipt, lambda *_: ([], "")) == "foreign"
    assert {d["state"] for d in _rows(home, [item])} == {"pending"}
    rotated = receipt.model_copy(update={"worker": "lobby.2"})  # a rotated key of lobby counts
    assert home.w.ledger.record_receipt(rotated, lambda *_: ([], "")) == "applied"


def test_endpoint_names_and_routes() -> None:
    """The setting's syntax, the queue names and routes (the unnamed pair stays as it was)."""
    assert parse_endpoints("videotron=lobby,alun-alun; print=tu") == {
        "videotron": ["lobby", "alun-alun"], "print": ["tu"]}
    for bad in ("tv=lobby", "videotron=", "videotron=a,a", "videotron=a.b", "videotron=urgent",
                "videotron=a;videotron=b"):
        with pytest.raises(ValueError):
            parse_endpoints(bad)
    assert Settings(endpoints="").endpoints_of("videotron") == [""]
    n = Names("p")
    assert (n.queue("web"), n.queue("web", urgent=True)) == ("p.web", "p.web.urgent")
    assert n.queue("videotron", True, "lobby") == "p.videotron.lobby.urgent"
    assert routing_key("videotron", 9, "lobby") == "videotron.lobby.urgent"
    defs = definitions("p", [1], 3, endpoints={"videotron": ["lobby"]})
    routes = {(b["destination"], b["routing_key"]) for b in defs["bindings"]
              if b["source"] == "p.dispatch"}
    assert {("p.videotron", "videotron"), ("p.videotron.lobby", "videotron.lobby"),
            ("p.videotron.lobby.urgent", "videotron.lobby.urgent")} <= routes
    assert serves_endpoint("lobby.2", "lobby") and not serves_endpoint("lobby2", "lobby")
    assert serves_endpoint("anything", "")
