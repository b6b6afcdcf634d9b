"""Creating or upgrading a Warta home: folders, schema, the signing key, one receipt key per
local worker (registered for its channel), demo profile and accounts."""

from __future__ import annotations

import shutil

from shared.config import DEMO_PROFILE, Settings
from shared.db import upgrade
from shared.classification import Channel
from shared.messages import generate_keypair
from shared.receipt_keys import generate_worker_key, private_key_path


def init_home(settings: Settings, demo: bool = False) -> list[dict]:
    """Create or upgrade everything under ``settings.home``; with ``demo`` add the demo profile and
    one account per role. Returns the demo accounts (username, role, password) or []."""
    home = settings.home
    for folder in (home, settings.out, settings.archive):
        folder.mkdir(parents=True, exist_ok=True)
    upgrade(settings.db_url)
    if not settings.signing_key_path.exists():
        generate_keypair(settings.signing_key_path, settings.verify_key_path)
    # the workers on this machine (kiosk --with-workers, warta run, the demo) sign their receipts
    for channel in Channel:
        if not private_key_path(home, channel.value).exists():
            generate_worker_key(home, channel.value, channel.value)
    if not demo:
        return []
    profile = home / "profile.toml"
    if not profile.exists() and settings.profile is None:
        shutil.copyfile(DEMO_PROFILE, profile)
    from shared.services.root import Services

    return Services.build(settings).users.ensure_demo_accounts()
