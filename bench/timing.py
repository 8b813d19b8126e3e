"""One timed run of a contender, shared by the bench scripts: wall time and the child's CPU
(user + system), with a deadline so nothing hangs and a failure that says who failed."""

from __future__ import annotations

import resource
import subprocess
import time
from pathlib import Path


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(
    label: str,
    command: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    timeout: float,
    text: bool = False,
) -> tuple[subprocess.CompletedProcess, float, float]:
    """(the finished process, wall seconds, CPU seconds); SystemExit on a timeout or a
    non-zero exit, with the end of its stderr."""
    cpu = children_cpu()
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, env=env, cwd=cwd, capture_output=True, text=text, check=False,
            timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise SystemExit(f"{label}: no result after {timeout:g} s") from None
    wall = time.perf_counter() - start
    cpu = children_cpu() - cpu
    if done.returncode != 0:
        stderr = done.stderr if text else done.stderr.decode(errors="replace")
        raise SystemExit(f"{label} failed (exit {done.returncode}):\n{stderr[-3000:]}")
    return done, wall, cpu
