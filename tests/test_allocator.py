"""malloc keeps numpy's large temporaries for reuse where glibc runs (lossviz/allocator.py)."""

import platform
import sys

from lossviz.allocator import keep_freed_memory


def test_the_thresholds_are_set_where_glibc_runs_and_nowhere_else():
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert keep_freed_memory() is glibc
    assert keep_freed_memory() is glibc  # once or twice: the same


def test_the_command_line_and_the_app_set_them(monkeypatch):
    import lossviz.cli
    import lossviz.gui.app

    calls = []
    for module in (lossviz.cli, lossviz.gui.app):
        monkeypatch.setattr(module, "keep_freed_memory", lambda: calls.append(1) or True)
    assert lossviz.cli.main(["presets"]) == 0
    lossviz.gui.app.prepare_application()
    assert len(calls) == 2
