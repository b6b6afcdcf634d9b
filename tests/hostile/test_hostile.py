"""The hostile-input corpus (tests/hostile/cases.py) over the whole path: every case ends in a clear
Indonesian error or a safe render, never a crash, a file outside the output folder, or a message
lost or stuck in a queue."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.hostile.cases import CASES, KNOWN_BUGS
from tests.hostile.helpers import envelope_wire, run_worker_cases, snap_for

IDS = [c[0] for c in CASES]
assert len(CASES) >= 50 and len(set(IDS)) == len(IDS)
INDONESIAN = ("wajib", "tidak", "terlalu", "harus", "hanya", "boleh", "kanal", "sah", "salah",
              "dikenal", "dikecualikan", "sasaran", "pesan", "waktu", "kata sandi")


PARAMS = [pytest.param(*c, id=c[0], marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[c[0]])]
                       if c[0] in KNOWN_BUGS else []) for c in CASES]


@pytest.mark.parametrize("case_id,path,inp,expected", PARAMS)
def test_hostile(case_id, path, inp, expected, request, tmp_path, monkeypatch) -> None:
    """One row of the corpus."""
    if path == "cli":
        _cli(request.getfixturevalue("cli_home"), inp, expected)
    elif path == "kiosk":
        _kiosk(inp, expected)
    elif path == "envelope":
        _envelope(inp, expected)
    elif path.startswith("render:"):
        monkeypatch.setenv("WARTA_RADIO_TTS", "none")
        _render(path.split(":", 1)[1], inp, tmp_path)
    elif path == "worker":
        results = request.getfixturevalue("worker_results")
        outcome, reason = results[case_id]
        if expected == "confirmed_or_parked":
            assert outcome in ("confirmed", "parked:permanent"), (outcome, reason)
        else:
            assert outcome == expected, (outcome, reason)
        if outcome.startswith("parked"):
            assert reason and any(w in reason.lower() for w in INDONESIAN), reason
    else:  # pragma: no cover - a typo in the table
        pytest.fail(f"unknown path {path}")


def _refusal_ok(text: str, expected: str) -> None:
    want = expected.split(":", 1)[1]
    assert want in text, text
    assert any(w in text.lower() for w in INDONESIAN), f"not a clear Indonesian reason: {text!r}"


def _cli(passwords: dict, inp: dict, expected: str) -> None:
    from typer.testing import CliRunner

    from warta.cli import app

    args = ["item", "create", "--as", "pelaksana1", "--title", inp["title"], "--body", inp["body"],
            "--class", inp.get("class", "berkala"), "--audience", "masyarakat",
            "--channels", inp.get("channels", "web"), "--json"]
    if "start" in inp:
        args += ["--start", inp["start"]]
    password = inp.get("password", passwords["pelaksana1"])
    result = CliRunner().invoke(app, args, env={"WARTA_PASSWORD": password})
    assert not isinstance(result.exception, (AssertionError, KeyError, TypeError, AttributeError,
                                             ValueError)), repr(result.exception)
    if expected == "ok":
        assert result.exit_code == 0, result.output
        item = json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else {}
        assert item, result.output
        return
    assert result.exit_code not in (0, 1), result.output  # 1 would be an unhandled crash
    _refusal_ok(result.output, expected)


def _kiosk(inp: dict, expected: str) -> None:
    from shared.errors import InvalidInput, WartaError
    from shared.services.content import validate_content

    fields = {"title": "Judul Uji", "body": "Isi uji.", "summary": "", "klasifikasi": "berkala",
              "sasaran": "masyarakat", "channels": ["web"]}
    fields.update(inp)
    at = datetime(2026, 12, 1, 8, tzinfo=timezone.utc)
    times = {"naive": datetime(2026, 12, 1, 8), "late": at + timedelta(hours=2), "early": at}
    for name in ("start_at", "end_at"):
        if name in fields:
            fields[name] = times[fields[name]]
    if expected == "ok":
        out = validate_content(fields)
        assert "\x00" not in out["title"] and out["title"].strip()
        return
    with pytest.raises((InvalidInput, WartaError)) as err:
        validate_content(fields)
    _refusal_ok(str(err.value), expected)


def _envelope(inp: dict, expected: str) -> None:
    from shared.messages import EnvelopeRejected, open_envelope

    wire, public = envelope_wire(inp["mutate"], "web")
    if expected == "ok":
        env = open_envelope(wire, public, channel="web")
        assert len(env.announcement.body) >= 10_000_000
        return
    with pytest.raises(EnvelopeRejected) as err:
        open_envelope(wire, public, channel="web")
    assert err.value.code == expected.split(":", 1)[1]
    assert any(w in err.value.reason.lower() for w in INDONESIAN), err.value.reason


def _render(channel: str, inp: dict, tmp_path: Path) -> None:
    from channels import get_renderer
    from channels.base import PermanentRenderError
    from shared.config import Settings
    from tests.factories import envelope

    out = tmp_path / "out"
    escape = Path("/tmp/warta-escape")
    renderer = get_renderer(channel, out, Settings())  # as a worker builds it (WARTA_RADIO_TTS)
    env = envelope(channel, snap_for(channel, **inp))
    try:
        files = renderer.render(env)
    except PermanentRenderError as exc:  # a clear refusal is a safe ending too
        assert str(exc).strip() and any(w in str(exc).lower() for w in INDONESIAN), str(exc)
        return
    assert files, "a render without files and without a reason"
    root = out.resolve()
    for f in files:
        assert Path(f).resolve().is_relative_to(root), f"{f} escaped {root}"
        assert Path(f).is_file()
    assert not escape.exists() or not any(escape.rglob("*")), "a file was written outside"
    for f in (p for p in root.rglob("*") if p.is_file()):
        assert f.resolve().is_relative_to(root)
        _well_formed(f)


def _well_formed(path: Path) -> None:
    """Markup parses and no hostile text became markup (a separate script or element); JSON parses.
    Text inside a JSON string in a player's script is data, not markup, and is allowed."""
    if path.suffix in (".html", ".xml", ".rss", ".atom", ".cap"):
        from lxml import etree, html

        doc = html.fromstring(path.read_bytes()) if path.suffix == ".html" else \
            etree.fromstring(path.read_bytes())
        assert not doc.xpath("//evil | //*[local-name()='evil']"), f"CDATA broken out in {path.name}"
        scripts = [s.text or "" for s in doc.iter("script")] if path.suffix == ".html" else []
        assert not any(t.strip().startswith("alert(") for t in scripts), f"script injected in {path.name}"
        assert "</script> Lelang" not in path.read_text(encoding="utf-8"), f"script closed in {path.name}"
    elif path.suffix == ".json":
        json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def worker_results(tmp_path_factory) -> dict:
    """Every worker case pushed at once through the embedded transport to in-process workers."""
    from tests.hostile.cases import WORKER

    return run_worker_cases(WORKER, tmp_path_factory.mktemp("hostile-worker"))


def test_base64_helper_is_really_invalid() -> None:
    """The 'bad base64' case must be invalid base64, not just a wrong signature."""
    wire, _ = envelope_wire("b64", "web")
    sig = json.loads(wire)["sig"]
    with pytest.raises(ValueError):
        base64.b64decode(sig, validate=True)
