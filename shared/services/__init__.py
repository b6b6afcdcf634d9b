"""The use-cases of Warta. The kiosk and the CLI are two faces of these; every rule (roles,
separation of duties, classification, the dikecualikan block) is enforced here."""

from shared.services.context import Context
from shared.services.deliveries import DeliveryCommands
from shared.services.items import ItemCommands
from shared.services.monitor import MonitorQueries
from shared.services.queries import Queries
from shared.services.records import RecordCommands
from shared.services.users import UserCommands


class Warta(ItemCommands, DeliveryCommands, Queries, MonitorQueries, UserCommands, RecordCommands,
            Context):
    """All use-cases over one database. ``Warta()`` reads settings from the environment."""


__all__ = ["Warta"]
