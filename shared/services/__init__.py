"""The use-cases of Warta. The kiosk and the CLI are two faces of these; every rule (roles,
separation of duties, classification, the dikecualikan block) is enforced here."""

from shared.services.context import Context
from shared.services.items import ItemCommands
from shared.services.queries import Queries
from shared.services.users import UserCommands


class Warta(ItemCommands, Queries, UserCommands, Context):
    """All use-cases over one database. ``Warta()`` reads settings from the environment."""


__all__ = ["Warta"]
