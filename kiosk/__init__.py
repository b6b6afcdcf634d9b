"""The operators' kiosk: a Textual app over :mod:`shared.services` (see docs/KIOSK.md)."""
