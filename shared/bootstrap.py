"""Creating or upgrading a Warta home: folders, schema, signing keys, demo profile and accounts."""

from __future__ import annotations

import shutil

from shared.config import DEMO_PROFILE, Settings
from shared.db import upgrade
from shared.messages import generate_keypair


def init_home(settings: Settings, demo: bool = False) -> list[dict]:
    """Create or upgrade everything under ``settings.home``; with ``demo`` add the demo profile and
    one account per role. Returns the demo accounts (username, role, password) or []."""
    home = settings.home
    for folder in (home, settings.out, settings.archive):
        folder.mkdir(parents=True, exist_ok=True)
    upgrade(settings.db_url)
    if not settings.signing_key_path.exists():
        generate_keypair(settings.signing_key_path, settings.verify_key_path)
    if not demo:
        return []
    profile = home / "profile.toml"
    if not profile.exists() and settings.profile is None:
        shutil.copyfile(DEMO_PROFILE, profile)
    from shared.services import Warta

    return Warta(settings).ensure_demo_accounts()
