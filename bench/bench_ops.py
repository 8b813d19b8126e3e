"""Figures for the operating commands (prints, never asserts).

1. Start-up: `jobs logs --help` and `jobs run --help` against `python -c "import boto3, typer"`
   (the issue's bar: within 1.5x), median of N runs each.
2. Logs throughput: 100,000 events over 20 streams served by a local moto server; wall time
   of `jobs logs --json` printing them all, beside the same read with `awslogs` (PyPI),
   installed by this script into its own virtualenv under a temp dir.

    python bench/bench_ops.py [--runs 15] [--reads 3] [--skip-awslogs]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVENTS, STREAMS = 100_000, 20
GROUP = "/copilot/demo-bench-report"


def median_wall(cmd: list[str], runs: int, env: dict | None = None) -> tuple[float, int]:
    """Median wall seconds of `cmd` over `runs`, and the line count of its last stdout."""
    times, lines = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr.decode()[-2000:]}")
        lines = done.stdout.count(b"\n")
    return statistics.median(times), lines


def startup(runs: int) -> None:
    """Commands are run in turn within each round, so load on the machine hits them alike."""
    py = sys.executable
    commands = {"python -c 'import boto3, typer'": [py, "-c", "import boto3, typer"]}
    for args in (["logs", "--help"], ["run", "--help"], ["show", "--help"], ["ls", "--help"]):
        commands["jobs " + " ".join(args)] = [py, "-m", "cli", *args]
    # Typer renders help with rich when it is installed; this shows what that costs.
    plain = {**os.environ, "TYPER_USE_RICH": "0"}
    commands["jobs logs --help (TYPER_USE_RICH=0)"] = [py, "-m", "cli", "logs", "--help"]
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, cmd in commands.items():
            env = plain if "TYPER_USE_RICH" in label else None
            times[label].append(median_wall(cmd, 1, env)[0])
    medians = {label: statistics.median(values) for label, values in times.items()}
    base = medians["python -c 'import boto3, typer'"]
    print(f"start-up, median of {runs} runs")
    for label, wall in medians.items():
        print(f"  {label:<38} {wall * 1000:7.0f} ms   {wall / base:.2f}x")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed_logs(endpoint: str) -> None:
    import boto3

    logs = boto3.client(
        "logs",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )
    logs.create_log_group(logGroupName=GROUP)
    now = int(time.time() * 1000) - 3_600_000
    per_stream = EVENTS // STREAMS
    for s in range(STREAMS):
        stream = f"copilot/report/{s:032x}"
        logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
        # Interleaved timestamps, so the merge across streams has real work to do.
        batch = [
            {"timestamp": now + i * STREAMS + s, "message": f"stream {s} event {i} some payload"}
            for i in range(per_stream)
        ]
        for i in range(0, per_stream, 10_000):
            chunk = batch[i : i + 10_000]
            logs.put_log_events(logGroupName=GROUP, logStreamName=stream, logEvents=chunk)


def awslogs_venv(tmp: Path) -> Path | None:
    venv = tmp / "awslogs-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "awslogs"], capture_output=True, text=True
    )
    if pip.returncode != 0:
        print(f"  awslogs could not be installed: {pip.stderr.strip()[-300:]}")
        return None
    return venv / "bin" / "awslogs"


def report(label: str, wall: float, lines: int) -> None:
    print(f"  {label:<18} {wall:6.2f} s  {lines:,} lines  {lines / wall:9,.0f} events/s")


def throughput(reads: int, skip_awslogs: bool) -> None:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        with tempfile.TemporaryDirectory() as tmp_dir:
            tmp = Path(tmp_dir)
            env = {
                **os.environ,
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": "bench",
                "AWS_SECRET_ACCESS_KEY": "bench",
                "AWS_DEFAULT_REGION": "us-east-1",
                "JOBS_PROJECT_DIR": str(tmp),  # no project: --app given
            }
            start = time.perf_counter()
            seed_logs(endpoint)
            print(f"logs throughput: {EVENTS:,} events over {STREAMS} streams in moto")
            print(f"  (seeded in {time.perf_counter() - start:.1f} s; median of {reads} reads)")
            cmd = [sys.executable, "-m", "cli", "logs", "report", "--env", "bench", "--app", "demo"]
            cmd += ["--last", str(STREAMS), "--json"]
            report("jobs logs --json", *median_wall(cmd, reads, env))
            if skip_awslogs:
                return
            awslogs = awslogs_venv(tmp)
            if awslogs is None:
                return
            cmd = [str(awslogs), "get", GROUP, "ALL", "--start", "1d", "--no-group", "--no-stream"]
            cmd += ["--aws-endpoint-url", endpoint, "--aws-region", "us-east-1", "--color", "never"]
            done = subprocess.run(cmd, env=env, capture_output=True)
            if done.returncode != 0:
                print(f"  awslogs failed against moto: {done.stderr.decode()[-500:]}")
                return
            report("awslogs get", *median_wall(cmd, reads, env))
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="start-up runs per command")
    parser.add_argument("--reads", type=int, default=3, help="reads of the 100,000 events")
    parser.add_argument("--skip-awslogs", action="store_true")
    args = parser.parse_args()
    os.chdir(ROOT)
    startup(args.runs)
    throughput(args.reads, args.skip_awslogs)


if __name__ == "__main__":
    main()
