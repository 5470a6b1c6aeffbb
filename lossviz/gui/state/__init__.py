"""The window's state: the document (the scene, its file, undo) and the live run (θ, histories, surfaces)."""
