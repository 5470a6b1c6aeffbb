"""The one exception type for bad user input, and how its message is printed on one line."""


class LossvizError(ValueError):
    """Input the user can fix: shown as one line (CLI) or one dialog (app), never a traceback."""


class Cancelled(Exception):
    """Long work stopped on request (a window closing, a newer request); nothing was produced."""


def printable(text: str) -> str:
    """``text`` on one line, safe for a terminal: newlines, escape sequences and other control characters shown as
    backslash escapes (a file name with ESC [ 2 J cleared the screen)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
