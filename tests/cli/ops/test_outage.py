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
import botocore.exceptions as bex
import pytest

from scheduled_jobs.cli.ops.executions import EXIT_ABORTED
from scheduled_jobs.cli.ops.outage import EXIT_UNAVAILABLE
from tests.cli.fault_proxy import FaultProxy
from tests.cli.seed import Lines, container_stream, project_job, put_logs, write_project

T1, T2 = "1" * 32, "2" * 32


def _client_error(code: str, status: int = 400):

    return bex.ClientError(
        {"Error": {"Code": code, "Message": "msg"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "GetLogEvents",
    )


def test_patience_backs_off_reports_and_gives_up():
    from scheduled_jobs.cli.ops.outage import EXIT_UNAVAILABLE, Patience

    now = [0.0]
    said: list[str] = []
    patience = Patience(
        "Step Functions", interval=1.0, give_up_after=30, say=said.append, clock=lambda: now[0]
    )

    def down():
        raise bex.EndpointConnectionError(endpoint_url="https://states.x")

    assert patience.attempt(down) is None
    assert "Step Functions (https://states.x) does not answer" in said[0]
    delays = []
    for _ in range(5):
        delays.append(patience.delay())
        now[0] += delays[-1]
        assert patience.attempt(down) is None
    assert all(d <= 20 for d in delays) and delays[-1] > delays[0]  # grows, within its cap
    assert patience.attempt(lambda: "ok") == "ok"
    assert "answers again" in said[-1] and not patience.expired()
    assert patience.attempt(down) is None
    now[0] += 31
    assert patience.attempt(down) is None and patience.expired()
    assert patience.delay() == 0.0  # never sleeps past the deadline
    assert patience.gave_up("x").code == EXIT_UNAVAILABLE


@pytest.mark.parametrize(
    "exc",
    [
        pytest.param(_client_error("AccessDeniedException"), id="denied"),
        pytest.param(_client_error("ValidationException"), id="invalid"),
        pytest.param(KeyError("bug"), id="bug"),
    ],
)
def test_patience_does_not_swallow_lasting_errors(exc):
    from scheduled_jobs.cli.ops.outage import Patience

    def fails():
        raise exc

    with pytest.raises(type(exc)):
        Patience("AWS", interval=1.0, say=lambda _: None).attempt(fails)


@pytest.mark.parametrize(
    "exc",
    [
        pytest.param(_client_error("ThrottlingException"), id="throttled"),
        pytest.param(_client_error("InternalFailure", 500), id="500"),
        pytest.param(_client_error("Whatever", 503), id="503"),
        pytest.param(bex.ReadTimeoutError(endpoint_url="u"), id="read-timeout"),
        pytest.param(bex.ConnectionClosedError(endpoint_url="u"), id="dropped"),
    ],
)
def test_patience_rides_out_transient_faults(exc):
    from scheduled_jobs.cli.ops.outage import Patience

    def fails():
        raise exc

    assert Patience("AWS", interval=1.0, say=lambda _: None).attempt(fails) is None


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
        "JOBS_AWS_READ_TIMEOUT": "3",  # short, with room for a busy test machine
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "scheduled_jobs", *args],
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
    pytest.param("latency", {"delay": 3.5}, id="latency-past-read-timeout"),
]


def test_logs_follow_rides_out_faults_and_a_long_outage(project, proxy):
    job = project_job()
    proc, out, err = _start(
        proxy, "logs", "report", "--env", "test", "--follow", "--since", "5m", "--json"
    )
    received: list[dict] = []
    written: list[str] = []
    try:
        base = int(time.time() * 1000)
        put_logs(job.log_group, container_stream("report", T1), [(base, "ready")])
        received.append(json.loads(out.next()))  # it is following: faults may begin
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
    job = project_job()
    proc, out, err = _start(
        proxy,
        "logs",
        "report",
        "--env",
        "test",
        "--follow",
        "--since",
        "5m",
        "--give-up-after",
        "2s",
    )
    try:
        put_logs(job.log_group, container_stream("report", T1), [(int(time.time() * 1000), "up")])
        assert out.next().endswith("up\n")  # it is following
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
    if kind != "latency":  # latency is absorbed by botocore's own retry, or is just slow
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


def test_run_follow_prints_each_line_once_through_faults(project, proxy):
    """Faults on the history and log reads while `run --follow` waits and drains: every line
    of the run once, in order, and the job's own exit status."""
    from tests.cli.seed import ecs_task_document, ending_definition, moto_config

    moto_config(proxy.url, execute=True)  # first: it resets moto's Step Functions
    job = project_job(definition=ending_definition("report", exit_code=2))
    task_id = ecs_task_document("report", 2)["TaskArn"].rsplit("/", 1)[1]
    later = int(time.time() * 1000) + 5_000
    put_logs(
        job.log_group,
        container_stream("report", task_id),
        [(later + i, f"line {i}") for i in range(5)],
    )
    proxy.inject("500", count=3, only="GetExecutionHistory")
    proxy.inject("drop", count=3, only="GetLogEvents")
    proxy.inject("throttle", count=3, only="DescribeLogStreams")
    try:
        proc, out, err = _start(proxy, "run", "report", "--env", "test", "--follow")
        try:
            proc.wait(timeout=60)
            lines, messages = out.rest(), err.rest()
        finally:
            _stop(proc)
    finally:
        moto_config(proxy.url, execute=False)
    assert proc.returncode == 2, messages
    printed = [line for line in lines.splitlines() if line.startswith("report/")]
    assert printed == [f"report/{task_id[:8]} line {i}" for i in range(5)]
    assert "Traceback" not in messages
    assert all(proxy.injected[kind] == 3 for kind in ("500", "drop", "throttle"))
