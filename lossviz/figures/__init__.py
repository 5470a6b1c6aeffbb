"""Headless figures: what `lossviz render`, `sweep` and `animate` and the app's exports draw, from the plot items."""
