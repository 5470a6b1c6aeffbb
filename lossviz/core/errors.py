"""The one exception type for bad user input."""


class LossvizError(Exception):
    """Input the user can fix: shown as one line (CLI) or one dialog (app), never a traceback."""


class Cancelled(Exception):
    """Long work stopped on request (a window closing, a newer request); nothing was produced."""
