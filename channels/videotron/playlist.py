"""The videotron's local state (which announcements are on air, with their slides and windows) and
the aggregate outputs rebuilt from it on every render: ``playlist.json``, ``playlist.m3u``,
``playlist.js`` (the same data for a player opened from ``file://``) and ``index.html``.

The state lives under ``<root>/.state/`` next to the outputs, never in a database, so the worker can
run on the videotron PC by itself.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
from contextlib import contextmanager
from datetime import datetime, time
from importlib.resources import files
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

from channels.base import atomic_write

STATE_VERSION = 1


def publish(path: Path, data: bytes) -> Path:
    """Write atomically and make the file world-readable: the player page and a web server on the
    videotron PC may run as another user (``atomic_write``'s temp files are owner-only)."""
    atomic_write(path, data)
    path.chmod(0o644)
    return path


@contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold the channel's state lock (one render at a time, even across processes)."""
    state_dir = root / ".state"
    state_dir.mkdir(parents=True, exist_ok=True)
    with open(state_dir / "lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def state_path(root: Path) -> Path:
    """Where the state file is."""
    return root / ".state" / "state.json"


def load_state(root: Path) -> dict[str, dict]:
    """The announcements on file, by key (empty when there is no state yet)."""
    path = state_path(root)
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return dict(data.get("items", {}))


def save_state(root: Path, items: dict[str, dict]) -> None:
    """Write the state atomically."""
    data = {"v": STATE_VERSION, "items": {k: items[k] for k in sorted(items)}}
    atomic_write(state_path(root), json.dumps(data, ensure_ascii=False, indent=1).encode())


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def in_window(windows: list[list[str]], local: time) -> bool:
    """True when ``local`` lies in one of the daily windows (``[start, end]`` as ``HH:MM:SS``; an end
    before the start runs past midnight; equal ends mean the whole day). No windows: always."""
    if not windows:
        return True
    now = local.strftime("%H:%M:%S")
    for start, end in windows:
        if start == end:
            return True
        if (start <= now < end) if start < end else (now >= start or now < end):
            return True
    return False


def is_expired(entry: dict, now: datetime) -> bool:
    """True once the announcement's end has passed."""
    end = _parse(entry.get("end"))
    return end is not None and end <= now


def is_active(entry: dict, now: datetime) -> bool:
    """True when the announcement should be on screen at ``now`` (start, end and daily windows)."""
    start = _parse(entry.get("start"))
    if start is not None and now < start:
        return False
    if is_expired(entry, now):
        return False
    return in_window(entry.get("windows", []), now.astimezone(ZoneInfo(entry["timezone"])).time())


def order_key(entry: dict) -> tuple:
    """Serta-merta first, then higher priority, then the most recently approved."""
    return (not entry.get("alert"), -int(entry.get("priority", 0)),
            -datetime.fromisoformat(entry["approved_at"]).timestamp(), entry["number"], entry["key"])


def _public(entry: dict) -> dict:
    """What the player needs of an entry. ``version`` goes into its proof-of-play reports;
    ``night`` (``[start, end]`` local hours) and each slide's ``night_src`` choose the night palette
    when the layout made one; ``video`` is the entry's MP4 when one was made."""
    item = {"key": entry["key"], "number": entry["number"], "title": entry["title"],
            "alert": entry["alert"], "version": entry.get("version", 1),
            "start": entry.get("start"), "end": entry.get("end"),
            "windows": entry.get("windows", []), "timezone": entry["timezone"],
            "slides": entry["slides"]}
    for optional in ("night", "video"):
        if entry.get(optional):
            item[optional] = entry[optional]
    return item


def playlist_data(items: dict[str, dict], now: datetime, timezone: str, poll_seconds: int) -> dict:
    """The playlist: every announcement not yet expired, in playing order, with its windows so the
    player can honour them by itself, and ``active`` as of ``now``."""
    entries = sorted((e for e in items.values() if not is_expired(e, now)), key=order_key)
    public = [_public(e) for e in entries]
    # The version names the content only (not ``active``), so players reload when it changes.
    canonical = json.dumps([public, timezone], sort_keys=True, ensure_ascii=False)
    version = hashlib.sha256(canonical.encode()).hexdigest()[:16]
    for item, entry in zip(public, entries, strict=True):
        item["active"] = is_active(entry, now)
    return {"version": version, "timezone": timezone, "poll_seconds": poll_seconds, "items": public}


def m3u_text(data: dict) -> str:
    """An extended M3U of the slides active now, each with its duration in seconds."""
    lines = ["#EXTM3U", "#PLAYLIST:Videotron"]
    for item in data["items"]:
        if not item["active"]:
            continue
        count = len(item["slides"])
        for i, slide in enumerate(item["slides"], start=1):
            title = item["title"].replace("\n", " ").replace(",", " ")
            suffix = f" ({i}/{count})" if count > 1 else ""
            lines.append(f"#EXTINF:{round(slide['seconds'])},{item['number']} - {title}{suffix}")
            lines.append(slide["src"])
    return "\n".join(lines) + "\n"


def _script_json(data: dict) -> str:
    # JSON inside a <script> element: "</" and the two JS line separators must be escaped.
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def player_html(data: dict, title: str) -> str:
    """The self-contained player page with the playlist embedded (it also works from ``file://``,
    where a page may not fetch files) and the first active slide as its initial image."""
    template = files("channels.videotron").joinpath("player.html").read_text(encoding="utf-8")
    first = next((s["src"] for item in data["items"] if item["active"] for s in item["slides"]), "")
    from html import escape

    return (template.replace("{{TITLE}}", escape(title))
            .replace("{{FIRST}}", escape(first, quote=True))
            .replace("/*{{PLAYLIST}}*/null", _script_json(data)))


def write_outputs(root: Path, items: dict[str, dict], now: datetime, timezone: str,
                  poll_seconds: int, title: str, video_fps: int = 0) -> list[Path]:
    """Rebuild every aggregate output from ``items``; returns their paths. ``video_fps``: make the
    missing MP4s at that frame rate (0: none; the renderer passes its settings' rate when
    ``settings.videotron.video`` is on)."""
    if video_fps:
        items = with_videos(root, items, video_fps)
    data = playlist_data(items, now, timezone, poll_seconds)
    outputs = [
        publish(root / "playlist.json",
                     json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode()),
        publish(root / "playlist.m3u", m3u_text(data).encode()),
        publish(root / "playlist.js", f"wartaPlaylist({_script_json(data)});\n".encode()),
        publish(root / "index.html", player_html(data, title).encode()),
    ]
    return outputs


def with_videos(root: Path, items: dict[str, dict], fps: int) -> dict[str, dict]:
    """``items`` with ``video`` set on every entry whose MP4 exists, making the missing ones (a
    new or corrected announcement: its slide names carry the version, so an MP4 never goes stale).
    An MP4 that cannot be made is logged and left out; the slides still go on air and the next
    rebuild tries again."""
    from channels.videotron.video import make_video, video_src

    out = {}
    for key, entry in items.items():
        src = video_src(entry["slides"])
        if src and not (root / src).is_file():
            try:
                make_video([(root / s["src"], float(s["seconds"])) for s in entry["slides"]],
                           root / src, fps)
            except Exception as exc:  # noqa: BLE001 - the MP4 is a by-product; never block the slides
                from shared.observability import get_logger

                get_logger(channel="videotron").warning("video_failed", key=key, error=repr(exc))
        out[key] = {**entry, "video": src} if src and (root / src).is_file() else entry
    return out


def remove_orphans(root: Path, items: dict[str, dict], keep: set[Path]) -> None:
    """Delete slide files and MP4s no entry refers to (revoked, replaced, expired), except
    ``keep``."""
    from channels.videotron.video import video_src

    slides = root / "slides"
    if not slides.is_dir():
        return
    wanted = {root / s[k] for e in items.values() for s in e["slides"]
              for k in ("src", "night_src") if s.get(k)} | keep
    wanted |= {root / v for e in items.values() if (v := video_src(e["slides"]))}
    for path in [*slides.glob("*.png"), *slides.glob("*.mp4")]:
        if path not in wanted:
            path.unlink(missing_ok=True)
