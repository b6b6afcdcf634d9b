"""With ``WARTA_LANG=en`` the kiosk and the CLI speak English: pilot flows through the main
screens (sign-in, home, editor, review, detail, monitor, records, list, help and the dialogs) and
the refusals they show, and ``warta`` commands with their refusals, collect every text the user
sees; none may hold the Indonesian of a msgid whose English differs, nor an Indonesian marker word.

What people wrote is not the interface: titles, bodies, notes, names and the agency's profile are
taken out before the scan (they stay as written), and so are the channel previews (the radio script,
slide, printout and web text are what the public gets, in Indonesian) and the stored inbox notices
(worded when they were made; see the report of issue #14). The official documents (control card,
receipt, monthly report, DIP) stay in Bahasa Indonesia (``shared.vocab.document_label``): what the
commands that write them say is scanned, their content is not. A control run in Indonesian shows
that the scan finds Indonesian when it is there."""

from __future__ import annotations

import asyncio
import re
import string
from datetime import datetime, timezone
from functools import lru_cache
from typing import Iterable

import pytest
from rich.text import Text
from sqlalchemy import select

from shared.i18n import _catalog
from tests.kiosk.conftest import login, logout, screen_name, until
from tests.kiosk.dataset import PASSWORDS, make_home, snapshot_data

MARKERS = ("yang", "tidak", "belum", "dengan", "untuk", "pengumuman", "kembalikan", "setujui",
           "simpan", "tutup", "kembali", "batal", "ajukan", "masuk", "keluar", "ditolak", "galat",
           "pemeriksaan", "penyusun", "disposisi", "diajukan", "klasifikasi", "sasaran", "kanal",
           "jejak", "kejadian")
"""Indonesian words (any case) that no English text of Warta contains; the control runs check
that the Indonesian flows show most of them."""

PUBLIC_OUTPUT = re.compile(r"^pv-")
"""Widgets that show what the public gets (channel previews): in the announcement's language."""

CONTENT = "⟦…⟧"


# -- what to look for ------------------------------------------------------------------------------

def _fields(text: str) -> list[tuple[str, str | None]]:
    return [(lit, name) for lit, name, _spec, _conv in string.Formatter().parse(text)]


@lru_cache(maxsize=1)
def indonesian_patterns() -> list[tuple[str, re.Pattern]]:
    """(msgid, regex) for every msgid whose English differs: its literal text with each
    ``{param}`` as a wildcard. A one-word msgid that is also an English word of the catalog
    ("Status", "Detail") is left to the markers."""
    english = _catalog("en")
    english_words = {w for text in english.values() for w in re.findall(r"\w+", text)}
    found = []
    for msgid, text in english.items():
        if text == msgid:
            continue
        parts = _fields(msgid.strip())
        literal = "".join(lit for lit, _name in parts)
        if len(re.sub(r"\W", "", literal)) < 3:
            continue  # "{d} hr {h} j": too little of its own to recognise
        if re.fullmatch(r"\W*\w+\W*", msgid) and re.sub(r"\W", "", msgid) in english_words:
            continue
        regex = "".join(re.escape(re.sub(r"\s+", " ", lit)) + (".+?" if name is not None else "")
                        for lit, name in parts)
        found.append((msgid, re.compile(r"(?<!\w)" + regex + r"(?!\w)")))
    return found


def indonesian_in(texts: Iterable[str], content: list[str]) -> list[str]:
    """The Indonesian found in ``texts`` once people's ``content`` is taken out."""
    found, redact = [], redactor(content)
    for raw in texts:
        text = redact(raw)
        for msgid, pattern in indonesian_patterns():
            if pattern.search(text):
                found.append(f"msgid {msgid!r} in {text!r}")
        for word in MARKERS:
            if re.search(rf"(?<!\w){word}(?!\w)", text, re.IGNORECASE):
                found.append(f"word {word!r} in {text!r}")
    return sorted(set(found))


def redactor(content: list[str]):  # noqa: ANN201
    """A function giving a text with whitespace collapsed and every whole piece of ``content``
    (also upper-cased, or clipped to a table's width with an ellipsis) replaced by a mark."""
    pieces = sorted({p for c in content for p in (c, c.upper())}, key=len, reverse=True)
    whole = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, pieces)) + r")(?!\w)") if pieces else None

    def clipped(m: re.Match) -> str:
        head = m.group(1).strip()
        return CONTENT if len(head) >= 4 and any(p.startswith(head) for p in content) else m.group(0)

    def redact(text: str) -> str:
        text = " ".join(text.split())
        if whole is not None:
            text = whole.sub(CONTENT, text)
        return re.sub(r"([^⟦⟧│|·:()]+)…", clipped, text)  # "Pengumuman Jadwal Sel…"

    return redact


# -- what people wrote -----------------------------------------------------------------------------

WRITTEN = {"users": ("username", "name", "nip"), "dispositions": ("instructions",),
           "announcements": ("title", "number", "revoked_reason"),
           "revisions": ("title", "summary", "body", "image_caption"), "workflow_steps": ("note",),
           "dip_establishments": ("sk_number",),
           "dip_entries": ("ringkasan", "pejabat_unit", "penanggung_jawab", "waktu_pembuatan",
                           "tempat_pembuatan", "jangka_waktu", "note"),
           "exempt_register": ("informasi", "pejabat_unit", "dasar_lain", "konsekuensi",
                               "pertimbangan", "jangka_waktu"),
           "inbox": ("message",), "deliveries": ("last_error",)}
"""The columns people write, and two the system stores already worded: the inbox notices and the
workers' last errors (left for later in issue #14)."""


def people_content(w, settings) -> list[str]:  # noqa: ANN001
    """Every text people (or the seed) wrote, and the agency profile; whitespace collapsed, also
    line by line, longest first."""
    from shared import models

    tables = {t.name: t for t in models.Base.metadata.sorted_tables}
    pieces: set[str] = set()
    with w.ctx.read() as s:
        for name, columns in WRITTEN.items():
            table = tables[name]
            for row in s.execute(select(*(table.c[c] for c in columns))):
                pieces.update(str(v) for v in row if v)
    pieces.update(_strings(w.ctx.profile.model_dump()))
    words = {" ".join(p.split()) for p in pieces}
    words |= {" ".join(line.split()) for p in pieces for line in p.splitlines()}
    return sorted((p for p in words if len(p) >= 3 and not p.isdigit()), key=len, reverse=True)


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


# -- what the kiosk shows --------------------------------------------------------------------------

def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Text):
        return value.plain
    plain = getattr(value, "plain", None)
    return plain if isinstance(plain, str) else str(value) if isinstance(value, str) else ""


def screen_texts(app) -> list[str]:  # noqa: ANN001
    """Every text the current screen holds, visible or scrolled away: labels, statics, buttons,
    table headings and cells, inputs and their placeholders, choices, tab titles, the key bar."""
    from textual.widgets import DataTable, Input, OptionList, Select, TextArea

    texts = [_plain(getattr(app.screen, "title", None)), _plain(getattr(app.screen, "sub_title", None))]
    for widget in app.screen.query("*"):
        if any(PUBLIC_OUTPUT.match(node.id or "") for node in widget.ancestors_with_self):
            continue
        texts += [_plain(widget.border_title), _plain(widget.border_subtitle), _plain(widget.tooltip)]
        if isinstance(widget, DataTable):
            texts += [_plain(c.label) for c in widget.columns.values()]
            texts += [_plain(cell) for i in range(widget.row_count) for cell in widget.get_row_at(i)]
        elif isinstance(widget, Input):
            texts += [widget.value, _plain(widget.placeholder)]
        elif isinstance(widget, TextArea):
            texts.append(widget.text)
        elif isinstance(widget, OptionList):
            texts += [_plain(widget.get_option_at_index(i).prompt) for i in range(widget.option_count)]
        elif isinstance(widget, Select):
            texts += [_plain(prompt) for prompt, _value in widget._options]  # noqa: SLF001
        else:
            try:
                texts.append(_plain(widget.render()))
            except Exception:  # noqa: BLE001 - a widget that renders only inside a layout
                pass
    return [t for t in texts if t and t.strip()]


class Seen:
    """The texts collected along a flow, by where they were seen."""

    def __init__(self) -> None:
        self.texts: dict[str, list[str]] = {}

    def screen(self, pilot, where: str = "") -> None:  # noqa: ANN001
        self.texts.setdefault(where or screen_name(pilot), []).extend(screen_texts(pilot.app))

    def notices(self, pilot) -> None:  # noqa: ANN001
        self.texts.setdefault("notices", []).extend(
            _plain(n.message) for n in pilot.app._notifications)  # noqa: SLF001

    def problems(self, content: list[str]) -> list[str]:
        return [f"{where}: {p}" for where, texts in self.texts.items()
                for p in indonesian_in(texts, content)]


@pytest.fixture
def english(monkeypatch):
    """WARTA_LANG=en for this test, with the catalog read afresh."""
    monkeypatch.setenv("WARTA_LANG", "en")
    _catalog.cache_clear()
    indonesian_patterns.cache_clear()
    yield
    _catalog.cache_clear()


async def _settle(pilot) -> None:  # noqa: ANN001
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)
    await pilot.app.workers.wait_for_complete()


async def _home(pilot, seen: Seen, user: str) -> None:  # noqa: ANN001
    await login(pilot, user)
    await _settle(pilot)
    seen.screen(pilot, f"home of {user}")


async def _open(pilot, seen: Seen, keys: tuple[str, ...], screen: str, ready=lambda s: True) -> None:  # noqa: ANN001
    await pilot.press(*keys)
    await until(pilot, lambda: screen_name(pilot) == screen, what=screen)
    await until(pilot, lambda: ready(pilot.app.screen), what=f"{screen} ready")
    await _settle(pilot)
    seen.screen(pilot)


async def kiosk_flows(pilot, seen: Seen, items: dict[str, int]) -> None:  # noqa: ANN001
    """Sign-in (and a refusal), each role's home, help, review with its dialogs, list, editor
    (new and returned), assignment, detail (and a refused revocation), monitor, records."""
    from kiosk.screens.detail import DetailScreen

    app = pilot.app
    await until(pilot, lambda: screen_name(pilot) == "LoginScreen", what="sign-in")
    await until(pilot, lambda: app.screen.query_one("#demo-accounts").row_count > 0, what="accounts")
    seen.screen(pilot)
    app.screen.query_one("#username").value = "kabid1"
    app.screen.query_one("#password").value = "salah-sekali"
    app.screen.query_one("#password").focus()
    await pilot.press("enter")
    await until(pilot, lambda: "login-error" in {w.id for w in app.screen.query("*")}
                and _plain(app.screen.query_one("#login-error").render()), what="refusal")
    seen.screen(pilot, "sign-in refused")

    # Kabid/Kasubag: home, help, the review with its return dialog (an empty note is refused)
    await _home(pilot, seen, "kabid1")
    await _open(pilot, seen, ("f1",), "HelpDialog")
    await pilot.press("escape")
    await _open(pilot, seen, ("enter",), "ReviewScreen", lambda s: bool(s.item))
    for tab in "23451":
        await pilot.press(tab)
        await _settle(pilot)
        seen.screen(pilot, "ReviewScreen tabs")
    await _open(pilot, seen, ("k",), "NoteDialog")
    await pilot.press("ctrl+s")
    await _settle(pilot)
    seen.screen(pilot, "NoteDialog refused")
    await pilot.press("escape")
    await until(pilot, lambda: screen_name(pilot) == "ReviewScreen")
    await _open(pilot, seen, ("i",), "DetailScreen", lambda s: s.item)
    await pilot.press("escape")
    await until(pilot, lambda: screen_name(pilot) == "ReviewScreen")
    await pilot.press("s")  # approved: on to the Sekretaris
    await until(pilot, lambda: screen_name(pilot) == "HomeScreen", what="approved")
    await _settle(pilot)
    seen.screen(pilot, "home after approving")
    await _open(pilot, seen, ("a",), "AssignDialog")
    await pilot.press("escape")
    await until(pilot, lambda: screen_name(pilot) == "HomeScreen")
    await _open(pilot, seen, ("d",), "ItemListScreen", lambda s: s.query_one("#items").row_count)
    await pilot.press("escape")
    await logout(pilot)

    # Pelaksana: the returned draft with its return note, a new draft with the early warning
    await _home(pilot, seen, "pelaksana1")
    await _open(pilot, seen, ("enter",), "EditorScreen", lambda s: s.query_one("#title").value)
    await pilot.press("f4")
    await until(pilot, lambda: app.screen.preview_stats, what="previews")
    await _settle(pilot)
    seen.screen(pilot, "EditorScreen previews")
    await pilot.press("escape")
    await until(pilot, lambda: screen_name(pilot) == "HomeScreen")
    await _open(pilot, seen, ("n",), "EditorScreen")
    editor = app.screen
    editor.query_one("#klas").value = "serta-merta"
    editor.query_one("#sasaran").value = "pegawai"
    editor.query_one("#title").value = "x" * 301
    await _settle(pilot)
    seen.screen(pilot, "EditorScreen filled")
    await pilot.press("ctrl+s")  # refused: the title is too long
    await _settle(pilot)
    seen.notices(pilot)
    await pilot.press("escape")  # with changes: the editor asks (save, discard or stay)
    await until(pilot, lambda: screen_name(pilot) == "UnsavedDialog", what="unsaved question")
    await _settle(pilot)
    seen.screen(pilot, "leaving the editor")
    await pilot.press("b")  # discard
    await until(pilot, lambda: screen_name(pilot) == "HomeScreen", what="left the editor")
    await logout(pilot)

    # Sekretaris: approves the waiting item; the detail of the approved one, and a revocation
    # the rules refuse
    await _home(pilot, seen, "sekretaris1")
    await _open(pilot, seen, ("enter",), "ReviewScreen", lambda s: bool(s.item))
    await pilot.press("s")
    await until(pilot, lambda: screen_name(pilot) == "HomeScreen", what="approved")
    await app.push_screen(DetailScreen(items["approved"], live_seconds=0))
    await until(pilot, lambda: app.screen.item, what="detail")
    await _settle(pilot)
    seen.screen(pilot)
    # the key is absent for a Sekretaris (only the Kepala Dinas revokes); the service refuses
    # all the same, and says why in English
    assert not app.screen.check_action("revoke", ())
    app.screen._revoked("Coba cabut.")  # noqa: SLF001 - what the dialog's Ctrl+S would send
    await until(pilot, lambda: len(app._notifications) > 0, what="refusal")  # noqa: SLF001
    seen.notices(pilot)
    while screen_name(pilot) != "HomeScreen":
        await pilot.press("escape")
        await _settle(pilot)
    await logout(pilot)

    # PPID: monitor, records (the current month: nothing yet), a redrive it may not do
    await _home(pilot, seen, "ppid1")
    await _open(pilot, seen, ("m",), "MonitorScreen", lambda s: s.query_one("#monitor").row_count)
    await pilot.press("escape")
    await until(pilot, lambda: screen_name(pilot) == "HomeScreen")
    await _open(pilot, seen, ("p",), "RecordsScreen")
    await pilot.press("escape")
    await until(pilot, lambda: screen_name(pilot) == "HomeScreen")
    await logout(pilot)

    # Kepala Dinas: approves with the number (the confirmation), sees the detail, revokes it
    await _home(pilot, seen, "kadis1")
    await _open(pilot, seen, ("enter",), "ReviewScreen", lambda s: bool(s.item))
    await _open(pilot, seen, ("s",), "ConfirmDialog")
    await pilot.click("#yes")
    await until(pilot, lambda: screen_name(pilot) == "DetailScreen" and app.screen.item
                and app.screen.item.get("number"), what="approved detail")
    await _settle(pilot)
    seen.screen(pilot, "DetailScreen after approval")
    await _open(pilot, seen, ("c",), "NoteDialog")
    app.screen.query_one("#note").insert("Acara ditunda oleh panitia.")
    await pilot.press("ctrl+s")
    await until(pilot, lambda: screen_name(pilot) == "DetailScreen"
                and app.screen.item.get("state") == "revoked", what="revoked")
    app.screen.action_reload()
    await _settle(pilot)
    seen.screen(pilot, "DetailScreen revoked")
    await pilot.press("escape")
    await until(pilot, lambda: screen_name(pilot) == "HomeScreen")

    # Rekap & Arsip: proposals, the dialogs of the DIP, report export, seal and verify
    await _open(pilot, seen, ("p",), "RecordsScreen")
    records = app.screen
    await pilot.press("u")
    await until(pilot, lambda: records.rows, what="proposals")
    await _settle(pilot)
    seen.screen(pilot, "RecordsScreen with proposals")
    for key, dialog in (("x", "NoteDialog"), ("s", "InputDialog"), ("e", "ChoiceDialog"),
                        ("l", "ChoiceDialog"), ("a", "ConfirmDialog")):
        records.query_one("#dip").focus()
        await _open(pilot, seen, (key,), dialog)
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(pilot) == "RecordsScreen", what="back to records")
    await pilot.press("s")
    await until(pilot, lambda: screen_name(pilot) == "InputDialog")
    app.screen.query_one("#line").value = "188.4/27/PPID/XI/2026"
    await pilot.press("enter")  # refused: proposals still wait
    await pilot.press("v")
    await _settle(pilot)
    seen.screen(pilot, "RecordsScreen verified")
    seen.notices(pilot)
    await pilot.press("escape")
    await until(pilot, lambda: screen_name(pilot) == "HomeScreen")
    await logout(pilot)
    await _home(pilot, seen, "pelaksana1")
    await pilot.press("p")  # Rekap & Arsip is not for the Pelaksana: refused with the reason
    await _settle(pilot)
    seen.notices(pilot)


def run_kiosk(settings, w, items: dict[str, int]) -> Seen:  # noqa: ANN001
    from kiosk.app import WartaKiosk
    from tests.kiosk.dataset import FROZEN_NOW

    seen = Seen()

    async def main() -> None:
        async with WartaKiosk(settings, w, clock=lambda: FROZEN_NOW).run_test(size=(120, 40)) as pilot:
            await kiosk_flows(pilot, seen, items)
            seen.notices(pilot)

    asyncio.run(main())
    return seen


@pytest.fixture
def dataset():
    """The snapshots' fixed dataset: an item waiting for Kabid, one returned to its drafter, one
    approved with pending deliveries, a disposition."""
    settings, w, ids = make_home()
    return settings, w, snapshot_data(w, ids)


def test_the_kiosk_speaks_english(english, dataset) -> None:
    settings, w, items = dataset
    seen = run_kiosk(settings, w, items)
    assert len(seen.texts) >= 20 and sum(map(len, seen.texts.values())) > 500
    problems = seen.problems(people_content(w, settings))
    assert problems == [], "\n".join(problems)


def test_the_scan_finds_indonesian(dataset) -> None:
    """The control: the same flows in Indonesian trip both the msgids and the markers."""
    settings, w, items = dataset
    seen = run_kiosk(settings, w, items)
    problems = seen.problems(people_content(w, settings))
    assert len([p for p in problems if ": msgid " in p]) > 50
    found_words = {m for m in MARKERS if any(f"word {m!r}" in p for p in problems)}
    assert len(found_words) >= 18, sorted(set(MARKERS) - found_words)


# -- the CLI ---------------------------------------------------------------------------------------

def cli(args: list[str], user: str | None = None) -> tuple[int, str]:
    """``warta ARGS`` (as ``user``) in-process: exit code and everything it printed."""
    from typer.testing import CliRunner

    from warta.cli import app

    env = {"WARTA_PASSWORD": PASSWORDS.get(user, "salah-sekali")} if user else {}
    args = [*args, "--as", user] if user else args
    result = CliRunner().invoke(app, [str(a) for a in args], env=env)
    return result.exit_code, result.stdout + result.stderr


def cli_outputs() -> tuple[list[str], list[str]]:
    """The outputs of a chain of commands with refusals on the way, and what people wrote."""
    from tests.factories import demo_item

    settings, w, _ids = make_home()
    sample = demo_item("cpns")
    outputs = []

    def run(args: list[str], user: str | None = None, code: int = 0) -> str:
        rc, out = cli(args, user)
        assert rc == code, (args, out)
        outputs.append(out)
        return out

    created = run(["item", "create", "--title", sample["title"], "--body", sample["body"],
                   "--summary", sample["summary"], "--class", "berkala", "--audience", "masyarakat",
                   "--channels", "videotron,radio,web,print"], "pelaksana1")
    item = re.search(r"#(\d+)", created).group(1)
    run(["item", "create", "--title", "Gaji", "--body", "Isi", "--class", "berkala",
         "--audience", "pegawai", "--channels", "print,web"], "pelaksana1", code=3)
    run(["item", "create", "--title", "", "--body", "Isi", "--class", "berkala",
         "--audience", "masyarakat", "--channels", "web"], "pelaksana1", code=2)
    run(["item", "submit", item], "kabid1", code=3)
    run(["item", "submit", item], "pelaksana1")
    run(["item", "approve", item], "pelaksana1", code=3)
    run(["item", "approve", item], "sekretaris1", code=3)
    run(["item", "return", item, "--note", " "], "kabid1", code=3)
    run(["item", "return", item, "--note", "Tambahkan tautan pendaftaran"], "kabid1")
    run(["item", "revise", item, "--summary", "Pendaftaran 1-15 Desember 2026."], "pelaksana1")
    run(["item", "submit", item], "pelaksana1")
    for user in ("kabid1", "sekretaris1", "kadis1"):
        run(["item", "approve", item], user)
    run(["item", "revise", item, "--body", "Diubah"], "kabid1", code=3)
    run(["item", "revoke", item, "--reason", "Salah"], "ppid1", code=3)
    run(["item", "assign", "pelaksana1", "--instructions", "Susun pengumuman"], "pelaksana1", code=3)
    run(["item", "assign", "kabid1", "--instructions", "Susun pengumuman"], "kabid1", code=3)
    run(["item", "assign", "pelaksana1", "--instructions", "Susun pengumuman"], "kabid1")
    run(["item", "show", item])
    run(["item", "show", "999"], code=4)
    run(["item", "list"])
    run(["item", "list", "--state", "revoked"])
    run(["item", "submit", item], "pelaksana1", code=3)
    run(["item", "submit", item], "nobody", code=5)
    rc, out = cli(["item", "submit", item, "--as", "kabid1"])  # no password: refused
    outputs.append(out)
    run(["audit", "verify"])
    # the records commands: what they say about the documents they write (the documents
    # themselves are official, in Bahasa Indonesia: shared.vocab.document_label)
    month, out = datetime.now(timezone.utc).strftime("%Y-%m"), settings.home
    run(["item", "card", item, "--output", out / "card.pdf"])
    run(["item", "receipt", item, "--output", out / "receipt.pdf"])
    run(["report", "monthly", "--month", month, "--format", "xlsx", "--output", out / "report.xlsx"])
    run(["dip", "propose", "--month", month])
    run(["dip", "list", "--month", month])
    run(["dip", "establish", "--month", month, "--sk", "188.4/1/PPID/2026"], "ppid1", code=3)
    rc, out_text = cli(["archive", "verify", "--month", month])
    outputs.append(out_text)
    return outputs, people_content(w, settings)


def test_the_cli_speaks_english(english) -> None:
    outputs, content = cli_outputs()
    assert len(outputs) > 20
    problems = indonesian_in(outputs, content)
    assert problems == [], "\n".join(problems)


def test_the_cli_scan_finds_indonesian() -> None:
    outputs, content = cli_outputs()
    problems = indonesian_in(outputs, content)
    assert len([p for p in problems if p.startswith("msgid")]) > 20
    found_words = {m for m in MARKERS if any(f"word {m!r}" in p for p in problems)}
    assert len(found_words) >= 10, found_words
