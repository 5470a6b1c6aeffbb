"""The control panel and its sections."""
