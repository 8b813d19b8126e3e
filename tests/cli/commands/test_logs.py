"""`jobs logs` against moto: runs, time filters, limits, ordering, JSON, follow, mistakes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest

from tests.cli.fake_stacks import jobs
from tests.cli.seed import (
    Lines,
    container_stream,
    copilot_job,
    project_job,
    put_logs,
    run_without_pulumi,
    write_project,
)

T1, T2, T3 = "1" * 32, "2" * 32, "3" * 32


@pytest.fixture
def project(aws, tmp_path, monkeypatch):
    write_project(tmp_path, jobs=("report",))
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def runs(project):
    """Three runs of `report`, two hours, one hour and one minute ago; the middle one with a
    sidecar; plus a state machine stream. Returns the base time in ms."""
    job = project_job()
    now = int(time.time() * 1000)
    put_logs(
        job.log_group,
        container_stream("report", T1),
        [(now - 7_200_000 + i, f"run1 {i}") for i in range(2)],
    )
    put_logs(
        job.log_group,
        container_stream("report", T2),
        [(now - 3_600_000 + 2 * i, f"run2 {i}") for i in range(3)],
    )
    put_logs(
        job.log_group,
        container_stream("report", T2, "nginx"),
        [(now - 3_600_000 + 2 * i + 1, f"nginx {i}") for i in range(3)],
    )
    put_logs(
        job.log_group,
        container_stream("report", T3),
        [(now - 60_000 + i, f"run3 {i} ERROR") for i in range(2)],
    )
    put_logs(
        job.log_group,
        "states/demo-test-report/2024-05-01/abcdef123456",
        [(now - 59_000, "ExecutionStarted")],
    )
    return now


def _messages(stdout: str) -> list[str]:
    return [line.split(" ", 1)[1] for line in stdout.splitlines()]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param([], ["run3 0 ERROR", "run3 1 ERROR"], id="default-last-run"),
        pytest.param(
            ["--last", "2"],
            [
                "run2 0",
                "nginx 0",
                "run2 1",
                "nginx 1",
                "run2 2",
                "nginx 2",
                "run3 0 ERROR",
                "run3 1 ERROR",
            ],
            id="last-counts-runs-with-sidecars",
        ),
        pytest.param(["--tasks", T1[:6]], ["run1 0", "run1 1"], id="tasks-prefix"),
        pytest.param(
            ["--tasks", f"{T1},{T3}"],
            ["run1 0", "run1 1", "run3 0 ERROR", "run3 1 ERROR"],
            id="tasks-comma-list",
        ),
        pytest.param(
            ["--include-state-machine"],
            ["run3 0 ERROR", "run3 1 ERROR", "ExecutionStarted"],
            id="include-state-machine",
        ),
        pytest.param(
            ["--since", "90m"],
            [
                "run2 0",
                "nginx 0",
                "run2 1",
                "nginx 1",
                "run2 2",
                "nginx 2",
                "run3 0 ERROR",
                "run3 1 ERROR",
            ],
            id="since-all-runs-in-window",
        ),
        pytest.param(
            ["--since", "90m", "--limit", "3"],
            ["nginx 2", "run3 0 ERROR", "run3 1 ERROR"],
            id="limit-newest",
        ),
        pytest.param(["--last", "3", "--limit", "1"], ["run3 1 ERROR"], id="limit-with-last"),
    ],
)
def test_logs_selects_runs_in_time_order(runs, args, expected):
    result = jobs("logs", "report", "--env", "test", *args)
    assert result.exit_code == 0, result.output
    assert _messages(result.stdout) == expected


def test_logs_time_window(runs):
    start = datetime.fromtimestamp((runs - 3_600_000) / 1000, tz=timezone.utc)
    end = datetime.fromtimestamp((runs - 3_600_000 + 2) / 1000, tz=timezone.utc)
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ"
    result = jobs(
        "logs",
        "report",
        "--env",
        "test",
        "--start-time",
        start.strftime(fmt),
        "--end-time",
        end.strftime(fmt),
    )
    assert result.exit_code == 0, result.output
    assert _messages(result.stdout) == ["run2 0", "nginx 0", "run2 1"]


def test_logs_human_lines_name_the_container_and_task(runs):
    result = jobs("logs", "report", "--env", "test", "--last", "2")
    first, *_ = result.stdout.splitlines()
    assert first == f"report/{T2[:8]} run2 0"
    assert f"nginx/{T2[:8]} nginx 0" in result.stdout
    assert "\x1b[" not in result.stdout  # no colour when stdout is not a terminal


def test_logs_json_lines(runs):
    result = jobs("logs", "report", "--env", "test", "--last", "2", "--json")
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(events) == 8
    assert all(set(e) == {"logStreamName", "timestamp", "ingestionTime", "message"} for e in events)
    assert [e["timestamp"] for e in events] == sorted(e["timestamp"] for e in events)
    assert events[1]["logStreamName"] == f"copilot/nginx/{T2}"


def test_logs_of_copilot_deployed_job(project):
    job = copilot_job()
    put_logs(
        job.log_group, container_stream("legacy", T1), [(int(time.time() * 1000), "from copilot")]
    )
    result = jobs("logs", "legacy", "--env", "test")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"legacy/{T1[:8]} from copilot\n"


def test_logs_empty_group_says_so(project):
    project_job()
    result = jobs("logs", "report", "--env", "test")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no log events" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--since", "1h", "--start-time", "2024-01-01T00:00:00Z"],
            "only one of --since or --start-time",
            id="since-and-start",
        ),
        pytest.param(
            ["--follow", "--end-time", "2024-01-01T00:00:00Z"],
            "only one of --follow or --end-time",
            id="follow-and-end",
        ),
        pytest.param(
            ["--follow", "--last", "2"], "only one of --follow or --last", id="follow-and-last"
        ),
        pytest.param(
            ["--include-state-machine", "--tasks", "abc"],
            "only one of --include-state-machine or --tasks",
            id="sm-and-tasks",
        ),
        pytest.param(
            ["--limit", "0"],
            "--limit 0 is out-of-bounds, value must be between 1 and 10000",
            id="limit-zero",
        ),
        pytest.param(["--limit", "10001"], "--limit 10001 is out-of-bounds", id="limit-too-big"),
        pytest.param(["--last", "0"], "--last must be at least 1", id="last-zero"),
        pytest.param(["--since", "0m"], "--since must be greater than 0", id="since-zero"),
        pytest.param(["--since", "yesterday"], "is not a duration", id="since-words"),
        pytest.param(
            ["--since", "99999999d"], "--since 99999999d is out of range", id="since-too-long"
        ),
        pytest.param(["--since", "9" * 400 + "d"], "is out of range", id="since-huge-number"),
        pytest.param(
            ["--start-time", "0001-01-01"], "no events before 1970", id="start-before-epoch"
        ),
        pytest.param(
            ["--end-time", "1969-12-31T23:00:00Z"], "no events before 1970", id="end-before-epoch"
        ),
        pytest.param(
            ["--give-up-after", "1m"], "--give-up-after is only for --follow", id="give-up-alone"
        ),
        pytest.param(
            ["--follow", "--give-up-after", "soon"], "is not a duration", id="give-up-words"
        ),
        pytest.param(["--start-time", "May 1st"], "is not a time", id="start-time-words"),
        pytest.param(
            ["--start-time", "2024-05-02T00:00:00Z", "--end-time", "2024-05-01T00:00:00Z"],
            "--start-time is after --end-time",
            id="start-after-end",
        ),
    ],
)
def test_logs_rejects_bad_flags(project, args, message):
    result = jobs("logs", "report", "--env", "test", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_logs_unknown_job(project):
    project_job()
    result = jobs("logs", "nope", "--env", "test")
    assert result.exit_code == 1
    assert 'job "nope" not found in application "demo", environment "test"' in result.stderr


def test_logs_other_app_is_not_read(project):
    theirs = project_job(app="other")
    put_logs(
        theirs.log_group, container_stream("report", T1), [(int(time.time() * 1000), "secret")]
    )
    result = jobs("logs", "report", "--env", "test")
    assert result.exit_code == 1
    assert "secret" not in result.output


def test_logs_follow_prints_new_events_and_exits_0_on_ctrl_c(runs):
    job_group = "/copilot/demo-test-report"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scheduled_jobs",
            "logs",
            "report",
            "--env",
            "test",
            "--follow",
            "--since",
            "2m",
            "--json",
        ],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out_lines, err_lines = Lines(proc.stdout), Lines(proc.stderr)
    try:
        # Events from before following (within --since) come first...
        assert json.loads(out_lines.next())["message"] == "run3 0 ERROR"
        assert json.loads(out_lines.next())["message"] == "run3 1 ERROR"
        # ...then what is written while following, from an existing and a new run.
        now = int(time.time() * 1000)
        put_logs(job_group, container_stream("report", T3), [(now, "late line")])
        put_logs(job_group, container_stream("report", "4" * 32), [(now + 1, "next run")])
        seen = [json.loads(out_lines.next())["message"] for _ in range(2)]
        assert seen == ["late line", "next run"]
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        out, err = out_lines.rest(), err_lines.rest()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert out == ""  # nothing printed twice


def test_logs_never_imports_pulumi(runs):
    done = run_without_pulumi("logs", "report", "--env", "test")
    assert done.returncode == 0, done.stderr
    assert "run3 0 ERROR" in done.stdout


def test_logs_into_a_closed_pipe_stops_quietly(project):
    """`jobs logs ... | head -1`: no BrokenPipeError traceback when the reader leaves."""
    job = project_job()
    now = int(time.time() * 1000)
    # Far more than a pipe buffer holds, so the writer is still writing when the reader leaves.
    put_logs(
        job.log_group,
        container_stream("report", T1),
        [(now + i, f"line {i:06d} " + "x" * 60) for i in range(20_000)],
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "scheduled_jobs", "logs", "report", "--env", "test"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away after one line
    err = proc.stderr.read()
    proc.wait(timeout=30)
    assert first.startswith(f"report/{T1[:8]} line 000000")
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert proc.returncode == 0
