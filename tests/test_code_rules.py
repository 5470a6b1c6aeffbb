"""Rules of the code base that a reader relies on, checked on the source files themselves.

The layers are folders (docs/architecture.md): ``core`` (numbers) → ``plots`` (pyqtgraph items) → ``figures``
(headless figures) → ``gui`` (the window); ``cli`` beside them. Which layer may import which is read off the
imports in the source (``ast``), not kept in a list of module names.
"""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lossviz"
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 60


def python_files(*folders: str) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@dataclass(frozen=True)
class Import:
    """One import of a lossviz module: who imports what, and whether at the top of the module."""

    importer: str
    imported: str
    top_level: bool
    line: int


def lossviz_imports(path: Path) -> list[Import]:
    """Every import of a ``lossviz`` module in ``path`` (``from lossviz.x import y`` counts ``lossviz.x.y`` when that
    is a module of its own), with whether it runs when the module is imported (top level, not under TYPE_CHECKING)."""
    importer = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lazy: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or (
                isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)):
            lazy.update(id(child) for child in ast.walk(node) if child is not node)
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            names = [name for name in names if name == node.module or _is_module(name)]
        found += [Import(importer, name, id(node) not in lazy, node.lineno) for name in names
                  if name == "lossviz" or name.startswith("lossviz.")]
    return found


def _is_module(name: str) -> bool:
    base = ROOT / name.replace(".", "/")
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def all_imports() -> list[Import]:
    return [imp for path in python_files("lossviz") for imp in lossviz_imports(path)]


def layer(module: str) -> str:
    """``core``, ``plots``, ``figures``, ``cli``, ``gui.state`` … ``gui`` (the window's own modules), or ``lossviz``."""
    parts = module.split(".")
    if len(parts) >= 3 and parts[1] == "gui" and (PACKAGE / "gui" / parts[2]).is_dir():
        return f"gui.{parts[2]}"
    return parts[1] if len(parts) > 1 else "lossviz"


def broken(rule, imports: list[Import]) -> list[str]:
    return [f"{imp.importer}:{imp.line} imports {imp.imported}" for imp in imports if rule(imp)]


def test_core_imports_no_other_lossviz_package():
    """``core`` is numbers only: it never imports the plots, the figures, the window or the command line."""
    assert broken(lambda i: layer(i.importer) == "core" and layer(i.imported) not in ("core", "lossviz"),
                  all_imports()) == []


def test_plots_import_only_core_and_figures_only_plots_and_core():
    allowed = {"plots": {"plots", "core"}, "figures": {"figures", "plots", "core"}}
    assert broken(lambda i: layer(i.importer) in allowed and layer(i.imported) not in allowed[layer(i.importer)]
                  | {"lossviz"}, all_imports()) == []


def test_the_window_state_and_workers_never_import_what_shows_or_drives_them():
    """``gui.state`` and ``gui.workers`` are read by the views, the panel, the dialogs and the controllers — never the
    other way round — and never import the window itself (``gui.messages``, the status bar's durations, is a leaf)."""
    above = {"gui.views", "gui.panel", "gui.dialogs", "gui.controllers"}
    window = {"lossviz.gui.main_window", "lossviz.gui.app", "lossviz.gui.actions", "lossviz.gui.presentation"}
    assert broken(lambda i: layer(i.importer) in ("gui.state", "gui.workers")
                  and (layer(i.imported) in above or i.imported in window), all_imports()) == []


def test_the_panel_and_the_dialogs_never_import_the_state():
    """The panel shows values and says what was edited; the window wires it to the document."""
    assert broken(lambda i: layer(i.importer) in ("gui.panel", "gui.dialogs") and layer(i.imported) in
                  ("gui.state", "gui.workers", "gui.controllers"), all_imports()) == []


def test_nothing_outside_the_window_imports_it_and_the_command_line_draws_lazily():
    """``gui`` is imported only by itself, ``lossviz/__main__.py``'s command, the command line's window command and
    the Python API's ``show`` (inside the functions that open it); the command line imports ``figures`` only inside
    the commands that draw."""
    imports = all_imports()
    outside = broken(lambda i: i.imported.startswith("lossviz.gui") and not layer(i.importer).startswith("gui")
                     and (i.top_level or layer(i.importer) not in ("cli", "lossviz", "api")), imports)
    assert outside == []
    assert broken(lambda i: layer(i.importer) == "cli" and layer(i.imported) in ("figures", "plots") and i.top_level,
                  imports) == []


def test_no_module_imports_itself_through_others():
    """No import cycle between modules (any import counts: at the top, in a function or for type checking)."""
    graph: dict[str, set[str]] = {}
    for imp in all_imports():
        if imp.imported != imp.importer and _is_module(imp.imported):
            graph.setdefault(imp.importer, set()).add(imp.imported)
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" → ".join([*stack[stack.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    packages = {module_name(path) for path in python_files("lossviz") if path.name == "__init__.py"}
    assert [cycle for cycle in cycles if not set(cycle.split(" → ")) & packages] == []


def test_files_and_functions_stay_small_and_public_names_have_docstrings():
    """Files under 600 lines, functions under 60, a docstring on every public class and function, anywhere under
    ``lossviz/``."""
    problems = []
    for path in python_files("lossviz"):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        if len(text.splitlines()) >= MAX_FILE_LINES:
            problems.append(f"{name}: {len(text.splitlines())} lines")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                    node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES:
                problems.append(f"{name}:{node.lineno} {node.name}: {node.end_lineno - node.lineno + 1} lines")
        problems += [f"{name}:{node.lineno} {node.name}: no docstring" for node in public_definitions(tree)
                     if ast.get_docstring(node) is None]
    assert problems == []


def public_definitions(tree: ast.Module):
    """The classes and functions a reader can reach by name: at the top of a module and in its classes (not the
    helpers nested in a function), whose names do not start with ``_``."""
    stack: list[ast.AST] = [tree]
    while stack:
        for node in getattr(stack.pop(), "body", []):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                yield node
            if isinstance(node, ast.ClassDef):
                stack.append(node)


def code_names(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every name in the code of ``path`` — never inside a string or a comment."""
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))
    found = []
    for i in range(len(tokens) - 2):
        first, dot, second = tokens[i:i + 3]
        if first.type == tokenize.NAME and dot.string == "." and second.type == tokenize.NAME:
            found.append((second.start[0], f"{first.string}.{second.string}"))
    return found


def test_tests_benchmarks_and_scripts_use_public_names_only():
    """Tests ask the parts; they never reach into ``window._…`` or ``document._…`` (``#`` in a string is no
    comment, and a name in a string is no access)."""
    found = []
    for path in python_files("tests", "benchmarks", "scripts"):
        for line, name in code_names(path):
            owner, attribute = name.split(".")
            if attribute.startswith("_") and not attribute.startswith("__") and owner not in ("self", "cls", "sys", "os"):
                found.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert found == []


def test_the_private_access_rule_reads_code_not_text(tmp_path):
    """The rule above sees ``part._live`` after a string holding ``#``, and not inside a string."""
    sample = tmp_path / "sample.py"
    sample.write_text('x = "#"; y = part._live\nz = "part._hidden"  # live._note\n', encoding="utf-8")
    assert code_names(sample) == [(1, "part._live")]


def test_the_headless_renderer_does_not_load_the_window():
    """``import lossviz.figures.figure`` brings the plot items, nothing of the window."""
    code = ("import sys, lossviz.figures.figure; "
            "print(sorted(m for m in sys.modules if m.startswith('lossviz.')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    loaded = set(eval(result.stdout))
    assert not {m for m in loaded if m.startswith("lossviz.gui")}, loaded
    assert "lossviz.figures.figure" in loaded


def test_the_canvas_loads_no_qt_before_it_chooses_the_platform():
    """``use_offscreen_if_headless`` must run before Qt is imported: importing the module that holds it loads none."""
    code = "import sys, lossviz.figures.canvas; print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stdout + result.stderr


def test_no_test_marks_itself_gui_while_it_runs():
    """``-m "not gui"`` selects before tests run: a marker applied at run time is not seen (CI's headless run)."""
    found = [path.name for path in python_files("tests") if "applymarker(pytest.mark.gui" in path.read_text("utf-8")
             and path.name != "test_code_rules.py"]
    assert found == [], f"mark these cases with pytest.param(..., marks=pytest.mark.gui): {found}"
