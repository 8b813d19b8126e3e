"""Start-up and validation speed of the CLI (figures, not pass/fail).

Reports the median wall time of `jobs --help` and of `jobs validate` over 200 generated
manifests, beside `python -c pass` on the same machine.

    python bench/bench_cli.py [--runs 15] [--jobs 200]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MANIFEST = """\
name: {name}
type: Scheduled Job
image:
  location: public.ecr.aws/docker/library/busybox:stable
on:
  schedule: "{minute} {hour} * * 1-5"
cpu: 512
memory: 1024
retries: 2
timeout: 30m
variables: {{JOB: "{name}"}}
environments:
  prod:
    cpu: 1024
    memory: 2048
"""


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--jobs", type=int, default=200)
    args = parser.parse_args()
    jobs_bin = shutil.which("jobs", path=os.path.dirname(sys.executable)) or shutil.which(
        "scheduled-jobs"
    )
    cli = [jobs_bin] if jobs_bin else [sys.executable, "-m", "scheduled_jobs"]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "Pulumi.yaml").write_text("name: scheduled-jobs\nruntime: python\n")
        for i in range(args.jobs):
            name = f"job-{i:03d}"
            path = root / "manifests" / name / "manifest.yml"
            path.parent.mkdir(parents=True)
            path.write_text(MANIFEST.format(name=name, minute=i % 60, hour=i % 24))
        env = {**os.environ, "JOBS_PROJECT_DIR": str(root)}
        baseline = median_seconds([sys.executable, "-c", "pass"], args.runs, env)
        help_time = median_seconds([*cli, "--help"], args.runs, env)
        validate_time = median_seconds([*cli, "validate"], max(3, args.runs // 3), env)
        validate_prod = median_seconds(
            [*cli, "validate", "--env", "prod"], max(3, args.runs // 3), env
        )
    print(f"python -c pass:                     {baseline * 1000:7.0f} ms")
    print(f"jobs --help:                        {help_time * 1000:7.0f} ms")
    print(
        f"jobs validate ({args.jobs} manifests):      {validate_time * 1000:7.0f} ms "
        f"({validate_time / args.jobs * 1000:.1f} ms per manifest)"
    )
    print(f"jobs validate --env prod ({args.jobs}):     {validate_prod * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
