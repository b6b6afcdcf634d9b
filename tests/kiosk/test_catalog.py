"""Every word the kiosk shows has an English translation (WARTA_LANG=en), and the kiosk is not
imported by the headless core."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

from shared.i18n import all_msgids

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "Refused": None, "InvalidInput": None}


def test_every_kiosk_msgid_is_translated() -> None:
    found = {msg for folder in ("kiosk", "warta")
             for _file, _line, msg, _comments, _ctx in extract_from_dir(
                 str(ROOT / folder), keywords=KEYWORDS, comment_tags=())
             if isinstance(msg, str) and (folder == "kiosk" or _file == "cmd_kiosk.py")}
    assert len(found) > 150
    missing = sorted(found - set(all_msgids()))
    assert missing == [], missing


def test_core_never_imports_textual() -> None:
    code = "import sys, shared.services, kiosk.previews, kiosk.forms, kiosk.format; " \
           "print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
