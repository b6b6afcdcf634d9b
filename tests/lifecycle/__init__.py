"""Lifecycle tests: an announcement's public versions (publish, ralat, pencabutan) through the real
relay, workers, renderers and archiver, read back the way each channel's consumer reads them."""
