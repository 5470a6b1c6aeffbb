"""The window's views, drawn from the state: the three plots, the status line, the notes."""
