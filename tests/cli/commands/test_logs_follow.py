"""`jobs logs --follow` says what it follows and from when (in the viewer's zone) before the
first event, and starts with the latest run's lines; `--timestamps` in the viewer's zone.
Against moto."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.cli.fake_stacks import jobs
from tests.cli.seed import Lines, container_stream, project_job, put_logs, write_project

OLD, LATEST, NEXT = "1" * 32, "3" * 32, "4" * 32
GROUP = "/copilot/demo-test-report"


@pytest.fixture
def project(aws, tmp_path, monkeypatch):
    write_project(tmp_path, jobs=("report",))
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def two_runs(project):
    """An old run (two hours ago) and the latest run (ten minutes ago, with a sidecar).
    Returns the latest run's first timestamp."""
    project_job()
    now = int(time.time() * 1000)
    put_logs(GROUP, container_stream("report", OLD), [(now - 7_200_000, "old run")])
    latest = now - 600_000
    put_logs(
        GROUP,
        container_stream("report", LATEST),
        [(latest + 2, "latest 1"), (latest + 4, "latest 2")],
    )
    put_logs(GROUP, container_stream("report", LATEST, "nginx"), [(latest, "sidecar up")])
    return latest


def _follow(*args: str, tz: str) -> subprocess.Popen:
    """`jobs logs report --env test --follow ARGS`, stderr into stdout so the order of the
    "following" line and the events can be checked."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scheduled_jobs",
            "logs",
            "report",
            "--env",
            "test",
            "--follow",
            *args,
        ],
        env={**os.environ, "PYTHONUNBUFFERED": "1", "TZ": tz},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(proc: subprocess.Popen, lines: Lines) -> str:
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    return lines.rest()


def _local(millis: int, tz: str) -> str:
    return datetime.fromtimestamp(millis / 1000, ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M:%S")


def test_follow_says_from_when_then_shows_the_latest_run_first(two_runs):
    proc = _follow(tz="Asia/Kolkata")
    lines = Lines(proc.stdout)
    try:
        said = lines.next()
        assert said == (
            f"following {GROUP} from {_local(two_runs, 'Asia/Kolkata')} IST (UTC+05:30), "
            f"the start of the latest run ({LATEST[:8]}); Ctrl-C to stop\n"
        )
        # The latest run, every container, in time order; the old run is not repeated.
        shown = [lines.next().rstrip("\n") for _ in range(3)]
        assert shown == [
            f"nginx/{LATEST[:8]} sidecar up",
            f"report/{LATEST[:8]} latest 1",
            f"report/{LATEST[:8]} latest 2",
        ]
        now = int(time.time() * 1000)
        put_logs(GROUP, container_stream("report", LATEST), [(now, "late line")])
        put_logs(GROUP, container_stream("report", NEXT), [(now + 1, "next run")])
        assert [lines.next().rstrip("\n") for _ in range(2)] == [
            f"report/{LATEST[:8]} late line",
            f"report/{NEXT[:8]} next run",
        ]
        rest = _stop(proc, lines)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "old run" not in rest and "latest 1" not in rest and "Traceback" not in rest


def test_follow_with_since_says_the_window_start_in_the_viewers_zone(two_runs):
    proc = _follow("--since", "3h", "--json", tz="Europe/Paris")
    lines = Lines(proc.stdout)
    try:
        said = lines.next()
        started = int(time.time() * 1000) - 3 * 3_600_000
        found = re.fullmatch(
            rf"following {GROUP} from (\S+ \S+) (CET \(UTC\+01:00\)|CEST \(UTC\+02:00\)); "
            r"Ctrl-C to stop\n",
            said,
        )
        assert found, said
        shown = datetime.strptime(found[1], "%Y-%m-%d %H:%M:%S")
        shown = shown.replace(tzinfo=ZoneInfo("Europe/Paris"))
        assert abs(shown.timestamp() * 1000 - started) < 60_000
        # Every run in the window, the old one included, as JSON.
        messages = [json.loads(lines.next())["message"] for _ in range(4)]
        assert messages == ["old run", "sidecar up", "latest 1", "latest 2"]
        _stop(proc, lines)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0


def test_follow_with_no_run_yet_says_so_and_picks_up_the_first(project):
    project_job()
    proc = _follow(tz="UTC")
    lines = Lines(proc.stdout)
    try:
        said = lines.next()
        assert said.startswith(f"following {GROUP} from ")
        assert said.endswith(" UTC: no run has logged yet; Ctrl-C to stop\n")
        put_logs(GROUP, container_stream("report", NEXT), [(int(time.time() * 1000), "first")])
        assert lines.next() == f"report/{NEXT[:8]} first\n"
        _stop(proc, lines)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0


def test_follow_limit_trims_the_latest_run(two_runs):
    proc = _follow("--limit", "1", tz="UTC")
    lines = Lines(proc.stdout)
    try:
        assert lines.next().startswith("following ")
        assert lines.next() == f"report/{LATEST[:8]} latest 2\n"
        now = int(time.time() * 1000)
        put_logs(GROUP, container_stream("report", LATEST), [(now, "late line")])
        assert lines.next() == f"report/{LATEST[:8]} late line\n"
        rest = _stop(proc, lines)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "latest 1" not in rest and "sidecar" not in rest


@pytest.fixture
def zone(monkeypatch):
    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


def test_timestamps_prefix_human_lines_in_the_viewers_zone(two_runs, zone):
    zone("America/Sao_Paulo")
    result = jobs("logs", "report", "--env", "test", "--timestamps")
    assert result.exit_code == 0, result.output
    stamp = datetime.fromtimestamp(two_runs / 1000, ZoneInfo("America/Sao_Paulo"))
    first = result.stdout.splitlines()[0]
    assert first == f"{stamp.isoformat(timespec='milliseconds')} nginx/{LATEST[:8]} sidecar up"
    assert first.split(" ")[0].endswith("-03:00")
    assert [line.split(" ", 2)[2] for line in result.stdout.splitlines()] == [
        "sidecar up",
        "latest 1",
        "latest 2",
    ]


def test_timestamps_do_not_change_json(two_runs, zone):
    zone("Asia/Kolkata")
    plain = jobs("logs", "report", "--env", "test", "--json")
    stamped = jobs("logs", "report", "--env", "test", "--json", "-t")
    assert stamped.exit_code == 0, stamped.output
    assert stamped.stdout == plain.stdout
    assert [json.loads(line)["message"] for line in stamped.stdout.splitlines()] == [
        "sidecar up",
        "latest 1",
        "latest 2",
    ]
