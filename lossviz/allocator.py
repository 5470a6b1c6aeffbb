"""Keep numpy's large temporaries in the C heap instead of mapping them afresh for every operation.

glibc's malloc maps each block above ``M_MMAP_THRESHOLD`` (128 KiB to start with) from the system
and gives the heap's free top back above ``M_TRIM_THRESHOLD``; every array of 100,000 samples is
such a block, and the operating system zeroes the pages of each new mapping as they are first
touched. One descent step on 100,000 samples × 3 classes makes about twenty of them: with the
defaults the step took 8–10 ms, 2–3 ms of it arithmetic (benchmarks/bench_scale.py, issue 12).
Raising both thresholds keeps freed blocks for reuse, at the cost of holding up to
``TRIM_THRESHOLD`` of freed memory. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

MMAP_THRESHOLD = 32 << 20  # bytes: blocks up to this size come from the heap (glibc's own ceiling for its adaptive one)
TRIM_THRESHOLD = 128 << 20  # bytes of free heap top kept before any is given back
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers (malloc.h)


def keep_freed_memory() -> bool:
    """Set malloc's thresholds as above (once per process is enough); True where they were set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
