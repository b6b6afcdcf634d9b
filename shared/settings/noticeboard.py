"""The print section (``settings.print``, variables ``WARTA_PRINT_*``): the notice board's printer."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings.base import Section


class PrintSettings(Section):
    """Where printouts go besides the PDF file."""

    model_config = SettingsConfigDict(env_prefix="WARTA_PRINT_")

    printer: str | None = None
    """CUPS printer name (as ``lpstat -p`` lists it); empty or unset means PDF only, no paper."""

    lp_command: str = "lp"
    """The CUPS client used to print (``lp -d PRINTER file``)."""

    copies: int = Field(1, ge=1, le=20)
    """Copies printed of each notice."""

    timeout_seconds: float = Field(60.0, gt=0, le=600)
    """How long ``lp`` may take to accept a job before the attempt counts as failed."""
