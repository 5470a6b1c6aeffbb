"""Process-wide settings the ``lossviz`` command and app make once: how numpy's memory and BLAS behave.

Both were found by measuring one descent step over 100,000 samples × 3 classes (``benchmarks/bench_scale.py``):

- **malloc's thresholds.** glibc maps each block above ``M_MMAP_THRESHOLD`` (128 KiB to start with)
  from the system and gives the heap's free top back above ``M_TRIM_THRESHOLD``; every array of
  100,000 samples is such a block, and the system zeroes a new mapping's pages as they are first
  touched. A step makes about twenty of them: 8–10 ms a step with the defaults, 2–3 ms with both
  thresholds raised (freed blocks are reused, at the cost of keeping up to ``TRIM_THRESHOLD`` of
  freed memory).
- **One BLAS thread.** numpy's OpenBLAS runs a product such as (100,000 × 3) @ (3 × 3) on every core
  and its threads spin while they wait. Beside the window's own two threads, and on a machine with
  another busy process, a step then took 40–80 ms and the window stalled 50 ms; on one thread the
  same run made ten times the steps and the window's worst stall was 10–12 ms. lossviz's products
  are all this thin.

Elsewhere than Linux with glibc and numpy's OpenBLAS, the settings that do not apply are skipped.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
from collections.abc import Iterator

MMAP_THRESHOLD = 32 << 20  # bytes: blocks up to this size come from the heap (glibc's own ceiling for its adaptive one)
TRIM_THRESHOLD = 128 << 20  # bytes of free heap top kept before any is given back
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers (malloc.h)
_GET_THREADS = ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads", "openblas_get_num_threads64_",
                "openblas_get_num_threads")
_SET_THREADS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads64_",
                "openblas_set_num_threads")  # what numpy's OpenBLAS builds call the setter


def tune_process() -> tuple[bool, bool]:
    """Both settings (imports numpy, whose BLAS they concern); (malloc's set, BLAS's set)."""
    import numpy  # noqa: F401 (loads the BLAS library)

    return keep_freed_memory(), one_blas_thread()


def keep_freed_memory() -> bool:
    """Raise malloc's thresholds as above; True where they were set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own symbols, libc's among them
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


def one_blas_thread() -> bool:
    """Make every OpenBLAS library this process has loaded (numpy's, and scipy's where it is loaded too) use one
    thread; True where there was one."""
    return set_blas_threads(1)


def blas_threads() -> int | None:
    """The number of threads numpy's OpenBLAS uses now (None where there is no OpenBLAS to ask)."""
    import numpy  # noqa: F401 (loads the BLAS library)

    for path in _loaded_libraries("openblas"):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        getter = next((getattr(library, name) for name in _GET_THREADS if hasattr(library, name)), None)
        if getter is not None:
            getter.argtypes, getter.restype = [], ctypes.c_int
            return int(getter())
    return None


@contextlib.contextmanager
def one_blas_thread_meanwhile() -> Iterator[None]:
    """One BLAS thread inside the block, as the ``lossviz`` command runs (the Python API computes in the user's
    process: a sum split over threads could differ from the command's in the last bits), the user's count after."""
    before = blas_threads()
    if before is None or before == 1:
        yield
        return
    one_blas_thread()
    try:
        yield
    finally:
        set_blas_threads(before)


def set_blas_threads(count: int) -> bool:
    """Give every loaded OpenBLAS ``count`` threads; True where there was one."""
    found = False
    for path in _loaded_libraries("openblas"):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        setter = next((getattr(library, name) for name in _SET_THREADS if hasattr(library, name)), None)
        if setter is not None:
            setter.argtypes, setter.restype = [ctypes.c_int], None
            setter(count)
            found = True
    return found


def _loaded_libraries(part: str) -> list[str]:
    """The paths of the shared libraries mapped into this process whose file name contains ``part``."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            paths = {line.split()[-1] for line in maps if len(line.split()) >= 6}
    except OSError:
        return []
    return sorted(path for path in paths if part in os.path.basename(path).lower() and ".so" in path)
