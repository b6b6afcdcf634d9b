"""Modal dialogs that ``dismiss()`` a result."""
