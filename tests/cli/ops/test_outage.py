"""`logs --follow` and `run --wait` through a fault-injecting proxy in front of moto: drops,
HTTP 500, throttling, latency and a long outage are ridden out without gaps or duplicates;
`--give-up-after` ends the wait with its own exit status."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import boto3
import pytest

from cli.ops.executions import EXIT_ABORTED
from cli.ops.outage import EXIT_UNAVAILABLE
from tests.cli.fault_proxy import FaultProxy
from tests.cli.seed import Lines, container_stream, project_job, put_logs, write_project

T1, T2 = "1" * 32, "2" * 32


@pytest.fixture
def project(aws, tmp_path, monkeypatch):
    write_project(tmp_path, jobs=("report",))
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def proxy(aws):
    with FaultProxy(aws, lifetime=90, max_requests=20_000) as running:
        yield running


def _start(proxy: FaultProxy, *args: str) -> tuple[subprocess.Popen, Lines, Lines]:
    """`jobs ARGS` in a subprocess that talks to AWS through the proxy, with short intervals
    and timeouts so outages are noticed (and ridden out) in a test's time."""
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": proxy.url,
        "AWS_MAX_ATTEMPTS": "2",
        "JOBS_POLL_INTERVAL": "0.1",
        "JOBS_AWS_CONNECT_TIMEOUT": "1",
        "JOBS_AWS_READ_TIMEOUT": "1",
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, Lines(proc.stdout), Lines(proc.stderr)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)


# (fault, options): each hits every call for a while, as a flaky network or a busy service.
PHASES = [
    pytest.param("drop", {}, id="drops"),
    pytest.param("500", {}, id="http-500"),
    pytest.param("throttle", {}, id="throttling"),
    pytest.param("latency", {"delay": 0.3}, id="latency-within-timeout"),
    pytest.param("latency", {"delay": 1.5}, id="latency-past-read-timeout"),
]


def test_logs_follow_rides_out_faults_and_a_long_outage(project, proxy):
    job = project_job()
    proc, out, err = _start(proxy, "logs", "report", "--env", "test", "--follow", "--json")
    received: list[dict] = []
    written: list[str] = []
    try:
        time.sleep(1.0)  # following from "now": write only after it started
        base = int(time.time() * 1000)
        put_logs(job.log_group, container_stream("report", T1), [(base, "ready")])
        received.append(json.loads(out.next()))
        seq = 0
        phases = [(p.values[0], dict(p.values[1])) for p in PHASES] + [("drop", {"outage": 4.0})]
        for kind, options in phases:
            seconds = options.pop("outage", 1.0)
            proxy.inject(kind, seconds=seconds, **options)
            end = time.monotonic() + seconds
            while time.monotonic() < end:  # events keep coming while AWS does not answer
                batch = []
                for stream in (T1, T2):
                    seq += 1
                    batch.append((stream, base + seq, f"event {seq:04d}"))
                for stream in (T1, T2):
                    put_logs(
                        job.log_group,
                        container_stream("report", stream),
                        [(ts, msg) for s, ts, msg in batch if s == stream],
                    )
                written.extend(msg for _, _, msg in batch)
                time.sleep(0.2)
            # The service answers again: everything written meanwhile arrives, once.
            proxy.clear()
            while len(received) < 1 + len(written):
                received.append(json.loads(out.next(timeout=30)))
        seq += 1
        put_logs(job.log_group, container_stream("report", T2), [(base + seq, "the end")])
        while received[-1]["message"] != "the end":
            received.append(json.loads(out.next(timeout=30)))
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        rest, messages = out.rest(), err.rest()
    finally:
        _stop(proc)
    got = [e["message"] for e in received]
    assert proc.returncode == 0, messages
    assert rest == ""  # nothing printed twice after the end
    assert len(got) == len(set(got))  # no duplicates
    assert got[1:-1] == written  # no gaps, and here (written in time order) in time order
    assert "does not answer" in messages and proxy.url in messages
    assert "answers again" in messages
    assert "Traceback" not in messages
    assert all(proxy.injected[kind] > 0 for kind in ("drop", "500", "throttle", "latency"))


def test_logs_follow_gives_up_after_the_deadline(project, proxy):
    project_job()
    proc, out, err = _start(
        proxy, "logs", "report", "--env", "test", "--follow", "--give-up-after", "2s"
    )
    try:
        time.sleep(1.0)
        proxy.inject("drop", seconds=60)
        started = time.monotonic()
        proc.wait(timeout=30)
        took = time.monotonic() - started
        messages = err.rest()
    finally:
        _stop(proc)
    assert proc.returncode == EXIT_UNAVAILABLE, messages
    assert "CloudWatch Logs did not answer for 2s; gave up" in messages
    assert "Traceback" not in messages
    assert took < 15


def _execution_arn(job) -> str:
    sfn = boto3.client("stepfunctions")  # straight to moto, not through the proxy
    for _ in range(100):
        listed = sfn.list_executions(stateMachineArn=job.state_machine_arn)["executions"]
        if listed:
            return listed[0]["executionArn"]
        time.sleep(0.1)
    raise AssertionError("no execution started")


@pytest.mark.parametrize(
    ("kind", "options"), [*PHASES, pytest.param("drop", {"outage": 4.0}, id="long-outage")]
)
def test_run_wait_rides_out_faults(project, proxy, kind, options):
    """The execution ends while AWS does not answer; the wait reports the real result after."""
    job = project_job()
    proc, out, err = _start(proxy, "run", "report", "--env", "test", "--wait")
    try:
        assert "Waiting" in err.next()
        options = dict(options)
        proxy.inject(kind, seconds=options.pop("outage", 2.0), **options)
        time.sleep(0.5)
        boto3.client("stepfunctions").stop_execution(
            executionArn=_execution_arn(job), error="Stopped"
        )
        proc.wait(timeout=60)
        messages = err.rest()
    finally:
        _stop(proc)
    assert proc.returncode == EXIT_ABORTED, messages  # the job's result, not a fault's
    assert "ABORTED" in messages
    assert "Traceback" not in messages
    if kind != "latency" or options["delay"] > 1:
        assert "does not answer" in messages and "answers again" in messages


def test_run_wait_gives_up_with_its_own_exit_status(project, proxy):
    job = project_job()
    proc, out, err = _start(
        proxy, "run", "report", "--env", "test", "--wait", "--give-up-after", "2s"
    )
    try:
        assert "Waiting" in err.next()
        proxy.inject("throttle", seconds=60)
        proc.wait(timeout=30)
        messages = err.rest()
    finally:
        _stop(proc)
    assert proc.returncode == EXIT_UNAVAILABLE, messages
    assert "AWS did not answer for 2s; gave up" in messages
    assert "may still be running" in messages
    status = boto3.client("stepfunctions").describe_execution(executionArn=_execution_arn(job))
    assert status["status"] == "RUNNING"  # giving up on waiting never touches the job
