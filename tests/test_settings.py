"""The settings root (shared/config.py, sections in shared/settings/): ``Settings()`` reads every
section's own variables, under the names the docs and deploy files use; overrides are copies and
never touch the environment; the active settings give the language; fault injection stays out of
the production settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.config import Settings, setting_errors
from shared.settings import (BrokerSettings, KioskSettings, PrintSettings, RadioSettings,
                             VideotronSettings, WebSettings, activate)

SECTION_VARIABLES = {
    # section: (variable, value, field, expected) — one variable per section, as documented
    "broker": ("WARTA_DELIVERY_LIMIT", "4", "delivery_limit", 4),
    "web": ("WARTA_WEB_FEED_ITEMS", "7", "feed_items", 7),
    "radio": ("WARTA_RADIO_TTS", "none", "tts", "none"),
    "videotron": ("WARTA_VIDEOTRON_WIDTH", "1344", "width", 1344),
    "print": ("WARTA_PRINT_PRINTER", "papan-lobi", "printer", "papan-lobi"),
    "kiosk": ("WARTA_KIOSK_MAX_SESSIONS", "2", "max_sessions", 2),
}


@pytest.mark.parametrize("section", sorted(SECTION_VARIABLES))
def test_building_the_root_reads_each_sections_variables(section, monkeypatch) -> None:
    variable, value, field, expected = SECTION_VARIABLES[section]
    assert getattr(getattr(Settings(), section), field) != expected  # not the default already
    monkeypatch.setenv(variable, value)
    assert getattr(getattr(Settings(), section), field) == expected


def test_the_core_fields_and_the_variables_named_outside_a_sections_prefix(monkeypatch, tmp_path) -> None:
    secret = tmp_path / "broker-url"
    secret.write_text("amqp://warta:rahasia@mq/warta\n")
    for name, value in {"WARTA_HOME": str(tmp_path / "rumah"), "WARTA_LANG": "en",
                        "WARTA_PASSWORD": "sandi", "WARTA_BROKER_FILE": str(secret),
                        "WARTA_IDLE_LOCK_SECONDS": "60", "WARTA_PUBLIC_URL": "https://ppid.example",
                        "WARTA_VIDEOTRON_SILENT_MINUTES": "9", "WARTA_AMQP_PREFIX": "uji"}.items():
        monkeypatch.setenv(name, value)
    cfg = Settings()
    assert (cfg.home, cfg.lang, cfg.password, cfg.amqp_prefix) == (tmp_path / "rumah", "en", "sandi", "uji")
    assert cfg.broker.url == "amqp://warta:rahasia@mq/warta" and not cfg.embedded
    assert cfg.kiosk.idle_lock_seconds == 60 and cfg.videotron.silent_minutes == 9
    assert cfg.web.base_url == "https://ppid.example/web" and cfg.radio.base_url == "https://ppid.example/radio"
    monkeypatch.setenv("WARTA_BROKER", "embedded")  # the URL itself wins over its file
    assert Settings().embedded


def test_an_override_is_a_copy_and_never_touches_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("WARTA_BROKER", "amqp://guest:guest@127.0.0.1/")
    monkeypatch.setenv("WARTA_DELIVERY_LIMIT", "4")
    before = dict(os.environ)
    cfg = Settings()
    copy = cfg.with_overrides(broker="embedded", home=Path("/srv/warta"), kiosk={"max_sessions": 1})
    assert dict(os.environ) == before
    assert copy.embedded and copy.broker.delivery_limit == 4  # the rest of the section stays
    assert (copy.home, copy.kiosk.max_sessions) == (Path("/srv/warta"), 1)
    assert not cfg.embedded and cfg.home == Path(os.environ["WARTA_HOME"]) and cfg.kiosk.max_sessions == 4
    assert copy.web is cfg.web  # untouched sections are shared, not read again
    assert Settings().broker.url == "amqp://guest:guest@127.0.0.1/"  # still what the env says
    lobby = cfg.with_overrides(broker={"endpoint": "lobby"})
    assert lobby.broker.endpoint == "lobby" and lobby.broker.url == cfg.broker.url
    with pytest.raises(TypeError, match="bogus"):
        cfg.with_overrides(bogus=1)
    with pytest.raises(TypeError, match="web.bogus"):
        cfg.with_overrides(web={"bogus": 1})


def test_the_cli_settings_apply_options_as_overrides(monkeypatch) -> None:
    from warta.common import settings

    before = dict(os.environ)
    cfg = settings(broker="amqp://u:p@mq/warta", lang=None)  # None: an option not given
    assert cfg.broker.url == "amqp://u:p@mq/warta" and cfg.lang == "id"
    assert dict(os.environ) == before and "WARTA_BROKER" not in os.environ


def test_a_bad_value_names_the_sections_own_variable(monkeypatch) -> None:
    monkeypatch.setenv("WARTA_VIDEOTRON_WIDTH", "5")
    with pytest.raises(ValidationError) as err:
        Settings()
    assert setting_errors(err.value)[0].startswith("WARTA_VIDEOTRON_WIDTH: ")
    monkeypatch.delenv("WARTA_VIDEOTRON_WIDTH")
    monkeypatch.setenv("WARTA_IDLE_LOCK_SECONDS", "lama")
    with pytest.raises(ValidationError) as err:
        Settings()
    assert setting_errors(err.value)[0].startswith("WARTA_IDLE_LOCK_SECONDS: ")


def test_sections_given_to_the_root_read_the_rest_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("WARTA_WEB_SITE_TITLE", "PPID Uji")
    cfg = Settings(broker="embedded", web={"feed_items": 3})
    assert cfg.embedded and (cfg.web.feed_items, cfg.web.site_title) == (3, "PPID Uji")
    assert isinstance(cfg.section_for("print"), PrintSettings)
    assert {type(getattr(cfg, name)) for name in ("broker", "web", "radio", "videotron", "kiosk")} == {
        BrokerSettings, WebSettings, RadioSettings, VideotronSettings, KioskSettings}


def test_a_section_on_its_own_defaults_without_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("WARTA_WEB_FEED_ITEMS", "2")
    assert WebSettings.defaults().feed_items == 50
    assert WebSettings().feed_items == 2  # a section built directly still reads its variables


def test_the_language_is_the_active_settings_lang(monkeypatch) -> None:
    from shared.i18n import current_lang

    assert current_lang() == "id"  # nothing activated: WARTA_LANG
    monkeypatch.setenv("WARTA_LANG", "en")
    assert current_lang() == "en"
    activate(Settings().with_overrides(lang="id"))
    assert current_lang() == "id"  # the entry point's settings, not the environment


def test_fault_injection_is_not_in_the_production_settings(monkeypatch) -> None:
    from workers.faults import injected

    for fields in (Settings.model_fields, BrokerSettings.model_fields):
        assert not [f for f in fields if "fault" in f or f == "render_delay"]
    assert injected() is None  # nothing set: nothing read, no faults
    monkeypatch.setenv("WARTA_RENDER_DELAY", "0.5")
    monkeypatch.setenv("WARTA_FAULT_DELAY_AFTER", "0.25")
    faults = injected()
    assert faults is not None and faults.renders and faults.render_delay == 0.5
    assert faults.fault_delay_after == 0.25 and not faults.fault_relay_crash_after_confirm
