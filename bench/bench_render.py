"""Render time of `jobs render --env dev --json` for projects of 1, 10 and 100 jobs.

Each run is a fresh process (imports included), as a user or CI would run it. Half the jobs
build their image (pulumi_docker is loaded, nothing is built under mocks), half use one.
Figures, not pass/fail; the goal is 100 jobs under 5 s. Wall time depends on what else the
machine runs (the load average is printed); CPU time (user + system, workers included) much
less so.

    python bench/bench_render.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
  {image}
cpu: 256
memory: 512
variables:
  INDEX: "{index}"
secrets:
  TOKEN: /bench/{name}/token
on:
  schedule: "{minute} * * * *"
retries: 2
timeout: 10m
"""


def make_project(root: Path, jobs: int) -> None:
    (root / "Pulumi.yaml").write_text("name: scheduled-jobs\nruntime: python\n")
    (root / "build").mkdir()
    (root / "build" / "Dockerfile").write_text("FROM busybox\n")
    for index in range(jobs):
        name = f"job-{index:03d}"
        image = (
            "build: build/Dockerfile"
            if index % 2 == 0
            else "location: public.ecr.aws/docker/library/busybox:stable"
        )
        folder = root / "manifests" / name
        folder.mkdir(parents=True)
        (folder / "manifest.yml").write_text(
            MANIFEST.format(name=name, image=image, index=index, minute=index % 60)
        )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_render(root: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and resource count of one `jobs render --json`."""
    env = {**os.environ, "JOBS_PROJECT_DIR": str(root), "SCHEDULED_JOBS_IMAGE_TAG": "bench"}
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "render", "--env", "dev", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"render failed:\n{done.stderr}")
    return elapsed, _children_cpu() - cpu, len(json.loads(done.stdout)["resources"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 10, 100])
    args = parser.parse_args()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, load average {load}, "
          f"median of {args.repeat}")  # fmt: skip
    print(f"{'jobs':>5}  {'resources':>9}  {'median s':>8}  {'min s':>6}  {'max s':>6}  "
          f"{'cpu s':>6}")  # fmt: skip
    for jobs in args.jobs:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            make_project(root, jobs)
            runs = [time_render(root) for _ in range(args.repeat)]
        times = [t for t, _, _ in runs]
        cpu = statistics.median(c for _, c, _ in runs)
        print(
            f"{jobs:>5}  {runs[0][2]:>9}  {statistics.median(times):>8.2f}  "
            f"{min(times):>6.2f}  {max(times):>6.2f}  {cpu:>6.2f}"
        )


if __name__ == "__main__":
    main()
