"""lossviz.core must work with Qt absent: import every module with PySide6/pyqtgraph blocked."""

import pkgutil
import subprocess
import sys

import lossviz.core

BLOCKER = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph', 'superqt', 'PyQt5', 'PyQt6'):
            raise ImportError('Qt is blocked in this test: ' + name)
sys.meta_path.insert(0, Block())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
from lossviz.cli import main
assert main(['fit', 'binary-2d-blobs', '--steps', '3']) == 0
assert main(['surface', 'multiclass-3', '--resolution', '4']) == 0
"""


def test_core_and_headless_cli_import_no_qt():
    modules = [f"lossviz.core.{info.name}" for info in pkgutil.iter_modules(lossviz.core.__path__)]
    assert len(modules) >= 8
    result = subprocess.run([sys.executable, "-c", BLOCKER, *modules], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
