"""Composition root: the ``warta`` command line and process wiring. No domain logic lives here."""
