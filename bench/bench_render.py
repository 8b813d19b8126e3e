"""Render time of `jobs render`, beside AWS CDK and a bare import, interleaved in one run.

Contenders, each a fresh process (imports included) as a user or CI would run it:
- `python -m scheduled_jobs render --env dev --json` in generated projects of 1, 10 and
  100 jobs. Half the jobs build their image (pulumi_docker is loaded, nothing is built
  under mocks), half use one from a registry.
- AWS CDK synthesizing as many `aws_ecs_patterns.ScheduledFargateTask`s as the largest project
  has jobs (bench/cdk_app.py), run the way `cdk synth` runs an app: `python cdk_app.py` with
  CDK_OUTDIR and CDK_CONTEXT_JSON set, the context holding what the CDK CLI adds by default plus
  `@aws-cdk/core:stackResourceLimit: 0` (more than 500 resources in one stack). aws-cdk-lib and
  constructs live in their own venv (default .cache/bench-cdk-venv, made on first use; jsii
  needs `node` on PATH). The CDK CLI itself (npm aws-cdk) is not needed and not timed: after
  the app exits it only reads the cloud assembly and prints the template, which would add to
  CDK's time, not ours.
- `python -c "import pydantic, yaml"`: the issue's baseline. `import pydantic` is lazy (pydantic
  2 loads its model machinery on first use), so this is less than loading a manifest needs.
- The floor of the libraries: Typer, pydantic's models, YAML and building the manifest's
  validator, with none of the render's own work (FLOOR below).

These machines are noisy, so every round runs each contender once, the order reversed every
other round, after one warm-up round that is not counted. Figures are medians, and the ratios
are the median of the per-round ratios (each taken within one round, so drift cancels), of wall
time (what the targets are about) and of CPU time.
Figures, not pass/fail; the targets (issue 8): our 100-job render at most 0.25x CDK's time,
one-job render within 2x of the bare import. CPU time (user + system, children included) is
less sensitive to load than wall time.

    python bench/bench_render.py [--rounds 5] [--jobs 1 10 100] [--no-cdk]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from timing import timed_run

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
CDK_VENV = ROOT / ".cache" / "bench-cdk-venv"
CDK_PACKAGES = ["aws-cdk-lib>=2,<3", "constructs>=10,<11"]
CDK_INSTALL_TIMEOUT = 900  # seconds; aws-cdk-lib is a large wheel
RUN_TIMEOUT = 600  # seconds for one contender run; nothing may hang
# Context the CDK CLI passes by default (aws-cdk-cli, toolkit-lib `contextFromSettings`:
# pathMetadata, assetMetadata, versionReporting default to true, bundlingStacks to ["**"]),
# plus the limit the issue asks for.
CDK_CONTEXT = {
    "aws:cdk:enable-path-metadata": True,
    "aws:cdk:enable-asset-metadata": True,
    "aws:cdk:version-reporting": True,
    "aws:cdk:bundling-stacks": ["**"],
    "@aws-cdk/core:stackResourceLimit": 0,
}

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


@dataclass
class Contender:
    """One command timed every round; `check` reads its output and returns a size note."""

    label: str
    command: list[str]
    env: dict[str, str]
    check: Callable[[subprocess.CompletedProcess[str], Path], str]
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    outdir: bool = False  # set CDK_OUTDIR to a fresh scratch dir for every run
    size: str = ""

    def run(self, record: bool) -> None:
        # A fresh scratch dir per run: CDK writes its cloud assembly there (CDK_OUTDIR).
        with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
            env = {**self.env, "CDK_OUTDIR": scratch} if self.outdir else self.env
            done, wall, cpu = timed_run(
                self.label, self.command, env=env, cwd=ROOT, timeout=RUN_TIMEOUT, text=True
            )
            self.size = self.check(done, Path(scratch))
        if record:
            self.walls.append(wall)
            self.cpus.append(cpu)


def _python_env() -> dict[str, str]:
    """This environment, but with bytecode caching on: an installed package (and the
    baseline's pydantic and yaml) has its .pyc files, and a user's checkout writes them on the
    first run; PYTHONDONTWRITEBYTECODE (set on some machines) would compile every module of
    the project from source on every run and time the compiler instead."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def render_contender(project: Path, jobs: int) -> Contender:
    def check(done: subprocess.CompletedProcess[str], _: Path) -> str:
        return f"{len(json.loads(done.stdout)['resources'])} resources"

    env = {**_python_env(), "JOBS_PROJECT_DIR": str(project), "SCHEDULED_JOBS_IMAGE_TAG": "bench"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return Contender(
        label=f"jobs render, {jobs} job{'s' if jobs != 1 else ''}",
        command=[sys.executable, "-m", "scheduled_jobs", "render", "--env", "dev", "--json"],
        env=env,
        check=check,
    )


def import_contender() -> Contender:
    return Contender(
        label='python -c "import pydantic, yaml"',
        command=[sys.executable, "-c", "import pydantic, yaml"],
        env=_python_env(),
        check=lambda done, _: "",
    )


# What any `render` pays before a line of its own work: the CLI framework, pydantic's model
# machinery (`import pydantic` alone is lazy and loads none of it), YAML, and building the
# manifest's validator (the schema of the Copilot manifest, compiled by pydantic-core).
FLOOR = (
    "import typer, yaml, pydantic.main; "
    "from scheduled_jobs.components.manifest.model import Job; Job.model_rebuild()"
)


def floor_contender() -> Contender:
    env = _python_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return Contender(
        label="floor: typer, pydantic models, Job validator",
        command=[sys.executable, "-c", FLOOR],
        env=env,
        check=lambda done, _: "",
    )


def cdk_contender(python: Path, tasks: int) -> Contender:
    def check(done: subprocess.CompletedProcess[str], outdir: Path) -> str:
        templates = list(outdir.glob("*.template.json"))
        if len(templates) != 1:
            raise SystemExit(f"cdk synth: expected one template in {outdir}, found {templates}")
        resources = json.loads(templates[0].read_text())["Resources"].values()
        task_definitions = sum(r["Type"] == "AWS::ECS::TaskDefinition" for r in resources)
        if task_definitions != tasks:
            raise SystemExit(
                f"cdk synth: {task_definitions} AWS::ECS::TaskDefinition resources, "
                f"expected {tasks}"
            )
        return f"{len(resources)} resources, {task_definitions} AWS::ECS::TaskDefinition"

    return Contender(
        label=f"cdk synth, {tasks} ScheduledFargateTask",
        command=[str(python), str(BENCH / "cdk_app.py"), str(tasks)],
        env={**os.environ, "CDK_CONTEXT_JSON": json.dumps(CDK_CONTEXT)},
        check=check,
        outdir=True,
    )


def cdk_versions(python: Path) -> str | None:
    """'aws-cdk-lib X, constructs Y' when the venv is complete, else None."""
    if not (python.exists() and (python.parents[1] / ".complete").exists()):
        return None
    done = subprocess.run(
        [
            str(python),
            "-c",
            "from importlib.metadata import version as v; "
            "print(f\"aws-cdk-lib {v('aws-cdk-lib')}, constructs {v('constructs')}\")",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return done.stdout.strip() if done.returncode == 0 else None


def ensure_cdk_venv(venv: Path) -> tuple[Path | None, str]:
    """The venv's python and a description, or None and why the CDK part is skipped."""
    if shutil.which("node") is None:
        return None, "node is not on PATH (jsii, which runs aws-cdk-lib, needs it)"
    python = venv / "bin" / "python"
    versions = cdk_versions(python)
    if versions:
        return python, versions
    # Absent or half made (no .complete marker): start again from nothing.
    shutil.rmtree(venv, ignore_errors=True)
    print(f"creating {venv} (pip install {' '.join(CDK_PACKAGES)}) ...", file=sys.stderr)
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(python), "-m", "pip", "install", "--quiet", "--retries", "1", "--timeout", "30",
         *CDK_PACKAGES],
    ]  # fmt: skip
    for step in steps:
        try:
            done = subprocess.run(
                step, capture_output=True, text=True, check=False, timeout=CDK_INSTALL_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            shutil.rmtree(venv, ignore_errors=True)
            return None, f"`{' '.join(step[1:4])}` took more than {CDK_INSTALL_TIMEOUT} s"
        if done.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            lines = [x for x in done.stderr.splitlines() if x.strip() and "WARNING" not in x]
            why = lines[-1].strip() if lines else f"exit {done.returncode}"
            return None, f"could not create {venv} ({why}; no network?)"
    (venv / ".complete").write_text("")
    return python, cdk_versions(python) or "aws-cdk-lib"


def paired_ratios(top: list[float], bottom: list[float]) -> list[float]:
    return [a / b for a, b in zip(top, bottom, strict=True)]


def print_ratio(top: Contender, bottom: Contender, name: str, target: float | None) -> None:
    """Wall ratio (median, range) against the target, and the CPU ratio beside it."""
    walls = paired_ratios(top.walls, bottom.walls)
    median = statistics.median(walls)
    line = f"  {top.label + ' / ' + name:<44} {median:5.2f}x  [{min(walls):.2f}-{max(walls):.2f}]"
    line += f"  cpu {statistics.median(paired_ratios(top.cpus, bottom.cpus)):5.2f}x"
    if target is not None:
        line += f"  target <= {target:g}x: {'met' if median <= target else 'not met'}"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", "--repeat", type=int, default=5, help="counted rounds")
    parser.add_argument("--warmup", type=int, default=1, help="rounds run first, not counted")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--no-cdk", action="store_true", help="skip the AWS CDK contender")
    parser.add_argument("--cdk-venv", type=Path, default=CDK_VENV)
    args = parser.parse_args()
    if args.rounds < 1 or args.warmup < 0 or min(args.jobs) < 1:
        parser.error("--rounds and --jobs must be at least 1, --warmup at least 0")

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, load average {load}, "
        f"{args.rounds} rounds (+{args.warmup} warm-up), order reversed every other round"
    )

    largest = max(args.jobs)
    cdk: Contender | None = None
    if args.no_cdk:
        print("cdk synth: skipped (--no-cdk)")
    else:
        python, about = ensure_cdk_venv(args.cdk_venv.resolve())
        if python is None:
            print(f"cdk synth: skipped, {about}")
        else:
            node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
            print(f"cdk synth: {about}, node {node.strip()}, venv {args.cdk_venv}")
            cdk = cdk_contender(python, largest)

    # As an install would: compile the project's modules once, so every contender starts
    # from .pyc files (the warm-up round would write them too).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "components"),
                    str(ROOT / "cli")], env=_python_env(), check=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-projects-") as tmp:
        renders: dict[int, Contender] = {}
        for jobs in sorted(set(args.jobs)):
            project = Path(tmp) / f"jobs-{jobs}"
            project.mkdir()
            make_project(project, jobs)
            renders[jobs] = render_contender(project, jobs)
        baseline = import_contender()
        floor = floor_contender()
        contenders = [*renders.values(), *([cdk] if cdk else []), floor, baseline]
        for round_ in range(args.warmup + args.rounds):
            order = contenders if round_ % 2 == 0 else contenders[::-1]
            for contender in order:
                contender.run(record=round_ >= args.warmup)

    print()
    print(f"{'contender':<40}  {'median s':>8}  {'min s':>6}  {'max s':>6}  {'cpu s':>6}  size")
    for c in contenders:
        print(
            f"{c.label:<40}  {statistics.median(c.walls):>8.2f}  {min(c.walls):>6.2f}  "
            f"{max(c.walls):>6.2f}  {statistics.median(c.cpus):>6.2f}  {c.size}"
        )
    print()
    print("ratios of wall time (median of per-round ratios, [min-max]), then of cpu time:")
    if cdk:
        # The target is stated for 100 jobs.
        print_ratio(renders[largest], cdk, "cdk synth", 0.25 if largest == 100 else None)
    else:
        print("  jobs render / cdk synth: no CDK figures (skipped above)")
    if 1 in renders:
        print_ratio(renders[1], baseline, "import pydantic, yaml", 2)
        print_ratio(floor, baseline, "import pydantic, yaml", None)
        print_ratio(renders[1], floor, "floor", None)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at the end {load}")


if __name__ == "__main__":
    main()
