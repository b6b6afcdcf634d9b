"""What every section of the settings root shares."""

from __future__ import annotations

from typing import Self, cast

from pydantic_settings import BaseSettings, SettingsConfigDict


class Section(BaseSettings):
    """A section of the settings root (:class:`shared.config.Settings`), which builds it once and
    passes it on: it reads its own ``WARTA_*`` variables (each section has its prefix). A section
    built on its own (``WebSettings(feed_items=2)`` in a test) reads the environment too."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    @classmethod
    def defaults(cls) -> Self:
        """The section with its defaults only, the environment not read: what a renderer or a
        helper uses when it is called without settings (tests, benchmarks, a library user)."""
        return cast(Self, cls.model_construct())


def env_variable(model: type[BaseSettings], field: str) -> str:
    """The environment variable of ``model``'s ``field`` (or of the alias a validation error
    names): its alias, else prefix + name."""
    if field not in model.model_fields and field.startswith("WARTA_"):
        return field  # an error of an aliased field is located at the alias
    info = model.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, str):
        return alias
    choices = getattr(alias, "choices", None)
    if choices and isinstance(choices[0], str):
        return choices[0]
    return f"{model.model_config.get('env_prefix', '')}{field}".upper()
