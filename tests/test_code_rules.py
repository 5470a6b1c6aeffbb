"""Rules of the code base that a reader relies on, checked on the source files themselves."""

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRIVATE_ACCESS = re.compile(r"\b(?!self\b|cls\b)[A-Za-z_][A-Za-z0-9_]*\._[A-Za-z][A-Za-z0-9_]*")


def python_files(*folders):
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


def test_tests_benchmarks_and_scripts_use_public_names_only():
    """Tests ask the parts; they never reach into ``window._…`` or ``document._…``."""
    found = []
    for path in python_files("tests", "benchmarks", "scripts"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            found += [f"{path.relative_to(ROOT)}:{number}: {match.group()}" for match in PRIVATE_ACCESS.finditer(code)
                      if not match.group().startswith(("sys._", "os._"))]
    assert found == []


def test_gui_files_and_functions_stay_small_and_public_names_have_docstrings():
    """Files under 600 lines, functions under 60, a docstring on every public class and function."""
    problems = []
    for path in python_files("lossviz"):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        if len(text.splitlines()) >= 600:
            problems.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            length = node.end_lineno - node.lineno + 1
            if not isinstance(node, ast.ClassDef) and length > 60:
                problems.append(f"{name}:{node.lineno} {node.name}: {length} lines")
            public = not node.name.startswith("_")
            if public and path.parts[-2] == "gui" and ast.get_docstring(node) is None:
                problems.append(f"{name}:{node.lineno} {node.name}: no docstring")
    assert problems == []


def test_the_headless_renderer_does_not_load_the_window():
    """``import lossviz.gui.render`` brings the plot classes, not the window, the live run or its parts."""
    code = ("import sys, lossviz.gui.render, lossviz.gui; "
            "print(sorted(m for m in sys.modules if m.startswith('lossviz.gui')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    loaded = set(eval(result.stdout))  # noqa: S307 (our own printed list)
    for part in ("main_window", "live", "editing", "files", "exports", "views", "workers", "document", "controls"):
        assert f"lossviz.gui.{part}" not in loaded, loaded
    assert {"lossviz.gui.render"} <= loaded
