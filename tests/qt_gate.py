"""A plugin loaded first (``-p tests.qt_gate`` in pyproject.toml's addopts): for ``python -m pytest -m "not gui"`` it
unloads pytest-qt before pytest configures it, because pytest-qt imports Qt as soon as it is configured — so that
the headless tests run in a process that never imports Qt (tests/test_markers.py checks it)."""

from __future__ import annotations

import pytest

PYTEST_QT = "pytest-qt"  # the name pytest-qt's entry point registers its plugin under


def headless_markexpr(markexpr: str | None) -> bool:
    """True for the marker expression of a run without the Qt tests."""
    return " ".join(str(markexpr or "").split()) == "not gui"


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """Before any plugin is configured: a headless run unregisters pytest-qt (its options stay, unused)."""
    if headless_markexpr(getattr(early_config.known_args_namespace, "markexpr", None)):
        early_config.pluginmanager.set_blocked(PYTEST_QT)
