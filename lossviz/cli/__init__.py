"""The ``lossviz`` command: ``lossviz [SCENE]`` opens the app; the subcommands (``lossviz.cli.commands``) run
without a window. Bad input exits 2 with one ``lossviz: error: …`` line and writes nothing."""

from __future__ import annotations

import os
import sys

from lossviz.cli.terminal import quiet_stdout_at_exit
from lossviz.core.errors import LossvizError, printable
from lossviz.process import tune_process

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> int:
    """Run ``lossviz`` with ``argv`` (default: the process's arguments); returns the exit status."""
    from lossviz.cli.parser import SUBCOMMANDS

    argv = sys.argv[1:] if argv is None else list(argv)
    tune_process()  # numpy's temporaries reused and one BLAS thread (process.py)
    if sys.stderr is not None and hasattr(sys.stderr, "reconfigure"):
        sys.stderr.reconfigure(errors="backslashreplace")  # an error line never fails for want of an encoding
    try:
        if not argv or (argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help", "--version")):
            return _open_window(argv)
        _run_command(argv)
        return 0
    except LossvizError as error:
        print(f"lossviz: error: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # stdout closed early (e.g. piped into head): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    finally:
        quiet_stdout_at_exit()


def _run_command(argv: list[str]) -> None:
    """Parse ``argv`` and run its command with the options as named, typed parameters."""
    from lossviz.cli.commands import COMMANDS
    from lossviz.cli.parser import build_parser

    options = vars(build_parser().parse_args(argv))
    COMMANDS[options.pop("command")](**options)


def _open_window(argv: list[str]) -> int:
    """``lossviz [SCENE]``: the window (the only place the command line imports the GUI)."""
    from lossviz.cli.parser import window_parser

    scene = window_parser().parse_args(argv).scene
    from lossviz.gui.app import run_app

    return run_app(scene)
