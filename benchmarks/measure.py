"""What the benchmark scripts share: how to call lossviz, time a whole process, and tell how busy
the machine was meanwhile (these machines are shared; ratios are measured side by side)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def lossviz_command() -> list[str]:
    """The installed ``lossviz`` console script of this interpreter (not a pyenv shim, whose
    bash wrapper would add its own start-up time), else ``python -m lossviz``."""
    script = Path(sys.executable).with_name("lossviz")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "lossviz"]


def cpu_snapshot() -> tuple[float, float, float] | None:
    """(wall time, CPU seconds busy machine-wide, CPU seconds of this process and its children),
    from /proc/stat and getrusage; None where /proc/stat is missing (not Linux)."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(v) for v in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    import resource

    busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle, iowait
    ours = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))
    return time.perf_counter(), busy, ours


def other_load(before, after) -> str:
    """How many CPUs other processes kept busy between two snapshots, on average."""
    if before is None or after is None:
        return "unknown (no /proc/stat)"
    wall = after[0] - before[0]
    others = max(0.0, (after[1] - before[1]) - (after[2] - before[2]))
    return f"{others / wall:.2f} of {os.cpu_count()} CPUs busy with other processes during the timed runs"


def run(command: list[str], cwd: str) -> float:
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        sys.exit(f"command failed ({completed.returncode}): {' '.join(command)}\n{completed.stderr}")
    return elapsed
