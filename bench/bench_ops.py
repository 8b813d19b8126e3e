"""Figures for the operating commands (prints, never asserts).

1. Start-up: `jobs logs --help` and `jobs run --help` against `python -c "import boto3, typer"`
   (the issue's bar: within 1.5x), median of `--runs` runs each (`--runs 0` skips it).
2. Logs throughput: `--events` events over `--streams` streams (one run each), seeded once into
   a moto server on 127.0.0.1 that runs in this process. Contenders, each a fresh process run
   once per round, interleaved (the order reversed every other round, after `--warmup` rounds
   that are not counted):
   - `jobs logs --json` printing every event (`--last` as many runs as there are streams);
   - the raw boto3 floor: a script that pages DescribeLogStreams and GetLogEvents exactly the
     way cli/ops/logreader.py does, and throws the events away (what any client must spend);
   - `awslogs get` (PyPI `awslogs`, in its own venv, default .cache/bench-awslogs-venv, made
     on first use), which reads with FilterLogEvents, beside a FilterLogEvents floor.
   - `jobs logs --json --limit 1` and a one-event floor: the part of each that does not grow
     with the events (start-up, finding the job, the first calls), to tell it apart.
   Client CPU is the child process's user + system time (getrusage of the waited-for child);
   the moto server runs in threads of this process, so its CPU is never counted. Ratios are
   the median of the per-round ratios (taken within one round, so drift cancels).
   The issue's target: `jobs logs --json` client CPU within 1.15x of the floor's.

    python bench/bench_ops.py [--events 100000] [--streams 20] [--rounds 5] [--warmup 1]
                              [--runs 15] [--no-awslogs]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from timing import timed_run

ROOT = Path(__file__).resolve().parent.parent
AWSLOGS_VENV = ROOT / ".cache" / "bench-awslogs-venv"
AWSLOGS_INSTALL_TIMEOUT = 600  # seconds
RUN_TIMEOUT = 900  # seconds for one contender run; nothing may hang
APP, ENV, JOB = "demo", "bench", "report"
GROUP = f"/copilot/{APP}-{ENV}-{JOB}"
TARGET = 1.15

# The floor: the calls cli/ops/logreader.py makes for `jobs logs --last N` (list the streams
# newest first, read each from its head, page until the forward token comes back), nothing
# else. It counts what it read so the bench can check it read everything.
FLOOR_GET = """\
import sys, boto3
group = sys.argv[1]
client = boto3.client("logs")
streams, kwargs = [], {"logGroupName": group, "orderBy": "LastEventTime", "descending": True}
while True:
    page = client.describe_log_streams(**kwargs)
    streams += [s["logStreamName"] for s in page.get("logStreams", [])]
    if not page.get("nextToken"):
        break
    kwargs["nextToken"] = page["nextToken"]
count = 0
for stream in streams:
    kwargs = {"logGroupName": group, "logStreamName": stream, "startFromHead": True}
    while True:
        page = client.get_log_events(**kwargs)
        count += len(page.get("events", []))
        token = page.get("nextForwardToken")
        if not token or token == kwargs.get("nextToken"):
            break
        kwargs["nextToken"] = token
print(count)
"""

# The same for FilterLogEvents, the call awslogs pages with.
FLOOR_FILTER = """\
import sys, boto3
client = boto3.client("logs")
kwargs = {"logGroupName": sys.argv[1], "startTime": int(sys.argv[2]), "interleaved": True}
count = 0
while True:
    page = client.filter_log_events(**kwargs)
    count += len(page.get("events", []))
    if not page.get("nextToken"):
        break
    kwargs["nextToken"] = page["nextToken"]
print(count)
"""


# The floor's fixed part: start, import boto3, make the client, one call of each kind.
FLOOR_ONE = """\
import sys, boto3
client = boto3.client("logs")
page = client.describe_log_streams(
    logGroupName=sys.argv[1], orderBy="LastEventTime", descending=True, limit=1
)
stream = page["logStreams"][0]["logStreamName"]
page = client.get_log_events(
    logGroupName=sys.argv[1], logStreamName=stream, startFromHead=False, limit=1
)
print(len(page["events"]))
"""


def _python_env() -> dict[str, str]:
    """This environment with bytecode caching on (an installed package has its .pyc files)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPATH", None)
    return env


@dataclass
class Contender:
    """One command run every round; its stdout must have `expect` lines (or print `expect`)."""

    label: str
    command: list[str]
    env: dict[str, str]
    expect: int
    counts: bool = False  # stdout is one number (the floors), not one line per event
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)

    def run(self, record: bool) -> None:
        done, wall, cpu = timed_run(
            self.label, self.command, env=self.env, cwd=ROOT, timeout=RUN_TIMEOUT
        )
        got = int(done.stdout) if self.counts else done.stdout.count(b"\n")
        if got != self.expect:
            raise SystemExit(f"{self.label}: {got:,} events, expected {self.expect:,}")
        if record:
            self.walls.append(wall)
            self.cpus.append(cpu)


# ---------------------------------------------------------------------------------------------
# Start-up


def median_wall(cmd: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, check=False, cwd=ROOT)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr.decode()[-2000:]}")
    return wall


def startup(runs: int) -> None:
    """Commands are run in turn within each round, so load on the machine hits them alike."""
    py = sys.executable
    commands = {"python -c 'import boto3, typer'": [py, "-c", "import boto3, typer"]}
    for args in (["logs", "--help"], ["run", "--help"], ["show", "--help"], ["ls", "--help"]):
        commands["jobs " + " ".join(args)] = [py, "-m", "scheduled_jobs", *args]
    # Typer renders help with rich when it is installed; this shows what that costs.
    plain = {**_python_env(), "TYPER_USE_RICH": "0"}
    commands["jobs logs --help (TYPER_USE_RICH=0)"] = [py, "-m", "scheduled_jobs", "logs", "--help"]
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, cmd in commands.items():
            env = plain if "TYPER_USE_RICH" in label else _python_env()
            times[label].append(median_wall(cmd, env))
    medians = {label: statistics.median(values) for label, values in times.items()}
    base = medians["python -c 'import boto3, typer'"]
    print(f"start-up, median of {runs} runs")
    for label, wall in medians.items():
        print(f"  {label:<38} {wall * 1000:7.0f} ms   {wall / base:.2f}x")
    print()


# ---------------------------------------------------------------------------------------------
# Logs throughput


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed_logs(endpoint: str, events: int, streams: int) -> int:
    """A job as deployed (its state machine and log group, tagged, so `jobs logs` finds it
    the way it does in AWS), then `events` events over `streams` streams, timestamps
    interleaved across streams so the merge has real work; returns the earliest timestamp."""
    import boto3

    sys.path.insert(0, str(ROOT))
    from scheduled_jobs.components.convert import naming

    def client(service: str):
        return boto3.client(
            service,
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
        )

    tags = naming.job_tags(APP, ENV, JOB)
    client("stepfunctions").create_state_machine(
        name=naming.state_machine_name(APP, ENV, JOB),
        definition='{"StartAt": "Run", "States": {"Run": {"Type": "Pass", "End": true}}}',
        roleArn="arn:aws:iam::123456789012:role/bench",
        tags=[{"key": k, "value": v} for k, v in tags.items()],
    )
    logs = client("logs")
    logs.create_log_group(logGroupName=GROUP, tags=tags)
    first = int(time.time() * 1000) - 3_600_000
    for s in range(streams):
        stream = f"copilot/{JOB}/{s:032x}"
        logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
        count = events // streams + (1 if s < events % streams else 0)
        # Lines shaped like an application's: a level, quotes now and then, some non-ASCII.
        batch = [
            {
                "timestamp": first + i * streams + s,
                "message": f"{'WARN' if i % 50 == 0 else 'INFO'} worker={s} step={i} "
                f'record="r-{i * 7919 % 100_000:05d}" status=ok city=Zürich elapsed={i % 997}ms',
            }
            for i in range(count)
        ]
        for i in range(0, count, 10_000):
            chunk = batch[i : i + 10_000]
            logs.put_log_events(logGroupName=GROUP, logStreamName=stream, logEvents=chunk)
    return first


def awslogs_venv(venv: Path) -> tuple[Path | None, str]:
    """The venv's `awslogs` and its version, or None and why the awslogs part is skipped."""
    awslogs = venv / "bin" / "awslogs"
    python = venv / "bin" / "python"
    if not (awslogs.exists() and (venv / ".complete").exists()):
        shutil.rmtree(venv, ignore_errors=True)
        print(f"creating {venv} (pip install awslogs) ...", file=sys.stderr)
        steps = [
            [sys.executable, "-m", "venv", str(venv)],
            [str(python), "-m", "pip", "install", "--quiet", "--retries", "1", "--timeout", "30",
             "awslogs"],
        ]  # fmt: skip
        for step in steps:
            try:
                done = subprocess.run(
                    step, capture_output=True, text=True, timeout=AWSLOGS_INSTALL_TIMEOUT
                )
            except subprocess.TimeoutExpired:
                shutil.rmtree(venv, ignore_errors=True)
                return None, f"`{' '.join(step[1:4])}` took more than {AWSLOGS_INSTALL_TIMEOUT} s"
            if done.returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)
                lines = [x for x in done.stderr.splitlines() if x.strip() and "WARNING" not in x]
                why = lines[-1].strip() if lines else f"exit {done.returncode}"
                return None, f"could not create {venv} ({why}; no network?)"
        (venv / ".complete").write_text("")
    done = subprocess.run(
        [str(python), "-c", "from importlib.metadata import version as v; "
         "print(f\"awslogs {v('awslogs')}, boto3 {v('boto3')}\")"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    return awslogs, done.stdout.strip() or "awslogs"


def paired(top: Contender, bottom: Contender, attr: str) -> list[float]:
    return [a / b for a, b in zip(getattr(top, attr), getattr(bottom, attr), strict=True)]


def print_ratio(top: Contender, bottom: Contender, target: float | None = None) -> None:
    cpu = paired(top, bottom, "cpus")
    wall = paired(top, bottom, "walls")
    line = (
        f"  {top.label + ' / ' + bottom.label:<52} cpu {statistics.median(cpu):5.2f}x "
        f"[{min(cpu):.2f}-{max(cpu):.2f}]  wall {statistics.median(wall):5.2f}x "
        f"[{min(wall):.2f}-{max(wall):.2f}]"
    )
    if target is not None:
        met = statistics.median(cpu) <= target
        line += f"  target cpu <= {target:g}x: {'met' if met else 'not met'}"
    print(line)


def throughput(args: argparse.Namespace) -> None:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        with tempfile.TemporaryDirectory(prefix="bench-ops-") as tmp:
            env = {
                **_python_env(),
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": "bench",
                "AWS_SECRET_ACCESS_KEY": "bench",
                "AWS_DEFAULT_REGION": "us-east-1",
                "JOBS_PROJECT_DIR": tmp,  # no project: --app is given
            }
            for key in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
                env.pop(key, None)
            env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
            started = time.perf_counter()
            first = seed_logs(endpoint, args.events, args.streams)
            seeded = time.perf_counter() - started
            py = sys.executable
            ours_env = {**env, "PYTHONPATH": str(ROOT)}
            jobs = Contender(
                "jobs logs --json",
                [py, "-m", "scheduled_jobs", "logs", JOB, "--env", ENV, "--app", APP,
                 "--last", str(args.streams), "--json"],
                ours_env,
                args.events,
            )  # fmt: skip
            floor = Contender(
                "floor (GetLogEvents)", [py, "-c", FLOOR_GET, GROUP], env, args.events, True
            )
            # What does not grow with the events: start-up, finding the job, first calls.
            jobs_one = Contender(
                "jobs logs --json --limit 1",
                [py, "-m", "scheduled_jobs", "logs", JOB, "--env", ENV, "--app", APP,
                 "--limit", "1", "--json"],
                ours_env,
                1,
            )  # fmt: skip
            floor_one = Contender("floor, 1 event", [py, "-c", FLOOR_ONE, GROUP], env, 1, True)
            contenders = [jobs, floor, jobs_one, floor_one]
            awslogs_about = "skipped (--no-awslogs)"
            if not args.no_awslogs:
                awslogs, awslogs_about = awslogs_venv(args.awslogs_venv.resolve())
                if awslogs is not None:
                    contenders.append(
                        Contender(
                            "awslogs get",
                            [
                                str(awslogs),
                                "get",
                                GROUP,
                                "ALL",
                                "--start",
                                "1d",
                                "--no-group",
                                "--no-stream",
                                "--color",
                                "never",
                                "--aws-endpoint-url",
                                endpoint,
                                "--aws-region",
                                "us-east-1",
                            ],
                            env,
                            args.events,
                        )  # fmt: skip
                    )
                    contenders.append(
                        Contender(
                            "floor (FilterLogEvents)",
                            [py, "-c", FLOOR_FILTER, GROUP, str(first - 1)],
                            env,
                            args.events,
                            True,
                        )
                    )
            load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
            print(
                f"logs throughput: {args.events:,} events over {args.streams} streams in moto "
                f"{_version('moto')} (seeded in {seeded:.1f} s), boto3 {_version('boto3')}"
            )
            print(f"  awslogs: {awslogs_about}")
            print(
                f"  {args.rounds} rounds (+{args.warmup} warm-up), order reversed every other "
                f"round; load average {load}"
            )
            for round_ in range(args.warmup + args.rounds):
                order = contenders if round_ % 2 == 0 else contenders[::-1]
                for contender in order:
                    contender.run(record=round_ >= args.warmup)
    finally:
        server.stop()

    print()
    print(f"  {'contender':<26} {'cpu s':>7} {'wall s':>7} {'min':>6} {'max':>6}  {'events/s':>9}")
    for c in contenders:
        wall = statistics.median(c.walls)
        print(
            f"  {c.label:<26} {statistics.median(c.cpus):>7.2f} {wall:>7.2f} "
            f"{min(c.walls):>6.2f} {max(c.walls):>6.2f}  {c.expect / wall:>9,.0f}"
        )

    def beyond(top: Contender, bottom: Contender) -> float:
        return statistics.median([a - b for a, b in zip(top.cpus, bottom.cpus, strict=True)])

    # Per round: each contender less its own 1-event run is what the events cost it.
    rounds = list(zip(jobs.cpus, floor.cpus, jobs_one.cpus, floor_one.cpus, strict=True))
    per_event = statistics.median([(a - a1) / (b - b1) for a, b, a1, b1 in rounds])
    growing = statistics.median([(a - a1) - (b - b1) for a, b, a1, b1 in rounds])
    scale = 100_000 / args.events
    print(
        f"  jobs logs --json cpu beyond the floor: {beyond(jobs, floor):.2f} s in all, "
        f"{beyond(jobs_one, floor_one):.2f} s with 1 event (start-up, finding the job); "
        f"what grows with the events: {growing * scale:.2f} s per 100,000 events beyond the "
        f"floor's, {per_event:.2f}x the floor's"
    )
    print()
    print("ratios (median of per-round ratios [min-max]), client cpu then wall:")
    print_ratio(jobs, floor, TARGET)
    print_ratio(jobs_one, floor_one)
    for c in contenders[4:]:
        if c.label == "awslogs get":
            print_ratio(jobs, c)
            print_ratio(c, contenders[-1])
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at the end {load}")


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000, help="log events seeded")
    parser.add_argument("--streams", type=int, default=20, help="streams (runs) they are in")
    parser.add_argument("--rounds", type=int, default=5, help="counted rounds of the logs part")
    parser.add_argument("--warmup", type=int, default=1, help="rounds run first, not counted")
    parser.add_argument("--runs", type=int, default=15, help="start-up runs (0: skip)")
    parser.add_argument("--no-awslogs", "--skip-awslogs", action="store_true")
    parser.add_argument("--awslogs-venv", type=Path, default=AWSLOGS_VENV)
    args = parser.parse_args()
    if args.events < 1 or args.streams < 1 or args.rounds < 1 or args.warmup < 0:
        parser.error("--events, --streams and --rounds must be at least 1, --warmup at least 0")
    if args.events < args.streams:
        parser.error("--events must be at least --streams (every stream has an event)")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    if args.runs > 0:
        startup(args.runs)
    # As an install would: compile the project's modules once, so every run starts from .pyc.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "components"),
                    str(ROOT / "cli")], env=_python_env(), check=True)  # fmt: skip
    throughput(args)


if __name__ == "__main__":
    main()
