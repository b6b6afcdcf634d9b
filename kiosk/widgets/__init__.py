"""Small widgets of the kiosk."""
