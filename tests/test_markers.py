"""The ``gui`` marker: ``python -m pytest -m "not gui"`` runs the headless tests in a process that never imports Qt,
and a headless test that imports Qt is told to take the marker (tests/conftest.py, tests/qt_gate.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def headless_pytest(*args: str, cwd: Path = ROOT, report: Path) -> subprocess.CompletedProcess:
    """``python -m pytest -m "not gui" ARGS`` in a subprocess; the Qt modules it imported are written to ``report``."""
    env = {**os.environ, "LOSSVIZ_QT_REPORT": str(report), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pytest", "-m", "not gui", "-p", "no:cacheprovider", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_a_headless_run_collects_no_qt_test_and_imports_no_qt(tmp_path):
    report = tmp_path / "qt.txt"
    result = headless_pytest("--collect-only", "-q", report=report)
    assert result.returncode == 0, result.stdout + result.stderr
    collected = [line for line in result.stdout.splitlines() if "::" in line]
    assert len(collected) > 300 and not [line for line in collected if line.startswith(("tests/gui/", "tests/figures/"))]
    assert report.read_text() == ""  # no PySide6, shiboken6 or pyqtgraph module


def test_a_headless_test_that_imports_qt_is_told_to_take_the_marker(tmp_path):
    """Our conftest loaded as a plugin (``-p tests.conftest``) over a test of its own that imports Qt unmarked."""
    (tmp_path / "sly").mkdir()
    (tmp_path / "sly" / "test_sly.py").write_text("def test_sly():\n    import PySide6.QtCore  # noqa: F401\n",
                                                  encoding="utf-8")
    result = headless_pytest("sly", "-q", "-p", "tests.conftest", "-c", str(ROOT / "pyproject.toml"),
                             f"--rootdir={tmp_path}", cwd=tmp_path, report=tmp_path / "qt.txt")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "this test imports Qt: mark it @pytest.mark.gui" in result.stdout
