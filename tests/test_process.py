"""The process settings of lossviz/process.py: malloc keeps numpy's large temporaries for reuse where glibc runs,
and numpy's OpenBLAS runs on one thread."""

import ctypes
import platform
import sys

import pytest

from lossviz.process import keep_freed_memory, one_blas_thread


def test_malloc_thresholds_are_set_where_glibc_runs_and_nowhere_else():
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert keep_freed_memory() is glibc
    assert keep_freed_memory() is glibc  # once or twice: the same


def test_numpys_openblas_is_left_with_one_thread():
    import numpy as np

    try:  # scipy, where it is installed, brings an OpenBLAS of its own: both are set
        import scipy.linalg  # noqa: F401
    except ImportError:
        pass
    if not one_blas_thread():
        pytest.skip("numpy here uses another BLAS (MKL, Accelerate): lossviz leaves it alone")
    getters = ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads", "openblas_get_num_threads64_",
               "openblas_get_num_threads")
    paths = {line.split()[-1] for line in open("/proc/self/maps") if "openblas" in line.lower() and ".so" in line}
    counts = []
    for path in sorted(paths):
        library = ctypes.CDLL(path)
        counts += [getattr(library, name)() for name in getters if hasattr(library, name)][:1]
    assert counts and set(counts) == {1}
    a = np.arange(300_000.0).reshape(-1, 3)
    np.testing.assert_array_equal(a.T @ a, np.einsum("ni,nj->ij", a, a))  # products are what they were


@pytest.mark.gui
def test_the_command_line_and_the_app_tune_the_process(monkeypatch):
    import lossviz.cli
    import lossviz.gui.app

    calls = []
    for module in (lossviz.cli, lossviz.gui.app):
        monkeypatch.setattr(module, "tune_process", lambda: calls.append(1) or (True, True))
    assert lossviz.cli.main(["presets"]) == 0
    lossviz.gui.app.prepare_application()
    assert len(calls) == 2
