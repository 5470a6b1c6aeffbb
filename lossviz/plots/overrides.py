"""Python overrides of Qt's virtual methods: an error inside one must reach Python's excepthook, never crash.

PySide6 6.10 and 6.11 on Python 3.11 segfault (in shiboken's ``PepException_GetArgs``) when an override that C++
calls — ``paintEvent``, ``validate``, ``stepBy``, ``eventFilter``, ``QUndoCommand.redo`` … — ends with an exception
the interpreter raised and has not yet made an object (``1 / 0``, ``[][1]``), while one raised as an object
(``raise ValueError(...)``) is reported as "Error calling Python override of …" and the app goes on. Every override
in lossviz is decorated with ``qt_override``, which re-raises whatever escapes as the object it is; the test in
tests/gui/test_overrides.py finds the overrides and checks that each is decorated.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

Method = TypeVar("Method", bound=Callable[..., Any])


def qt_override(method: Method) -> Method:
    """Decorate a Python override of a Qt virtual method so that an exception in it is reported, not a crash."""

    @functools.wraps(method)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except BaseException as error:  # re-raised as an object: shiboken reports it to sys.excepthook
            raise error

    guarded.qt_override = True  # type: ignore[attr-defined]
    return guarded  # type: ignore[return-value]
