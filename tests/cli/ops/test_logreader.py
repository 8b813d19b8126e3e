"""Reading log streams from moto: choosing runs, time order, limits, follow, throttling."""

from __future__ import annotations

import json
import time

import boto3
import pytest

from scheduled_jobs.cli.ops.logreader import (
    MESSAGE,
    STREAM,
    TIMESTAMP,
    LogReader,
    Selection,
    Stream,
    event,
    human_line,
    render,
    short_name,
)
from tests.cli.fault_proxy import FaultProxy
from tests.cli.seed import container_stream, put_logs

GROUP = "/copilot/demo-test-report"
T1, T2, T3 = "a" * 32, "b" * 32, "c" * 32  # three runs (ECS task IDs)


def _streams(*names: str) -> list[Stream]:
    return [Stream(name=n, last_event=None, created=None) for n in names]


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        pytest.param(
            Selection(last=1),
            ["copilot/report/bbb", "copilot/nginx/bbb"],
            id="last-run-includes-sidecar",
        ),
        pytest.param(
            Selection(last=2),
            ["copilot/report/bbb", "copilot/nginx/bbb", "copilot/report/aaa"],
            id="last-counts-runs-not-streams",
        ),
        pytest.param(
            Selection(last=None),
            ["copilot/report/bbb", "copilot/nginx/bbb", "copilot/report/aaa", "copilot/report/ccc"],
            id="every-run",
        ),
        pytest.param(Selection(last=1, tasks=("aa",)), ["copilot/report/aaa"], id="task-prefix"),
        pytest.param(
            Selection(last=1, include_state_machine=True),
            ["copilot/report/bbb", "copilot/nginx/bbb", "states/sm/2024/x1"],
            id="state-machine",
        ),
    ],
)
def test_selection_choose(selection, expected):
    listed = _streams(
        "copilot/report/bbb",
        "states/sm/2024/x1",
        "copilot/nginx/bbb",
        "copilot/report/aaa",
        "other-stream",
        "states/sm/2024/x0",
        "copilot/report/ccc",
    )
    assert selection.choose(listed) == expected


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        pytest.param(f"copilot/report/{T1}", "report/aaaaaaaa", id="container"),
        pytest.param(
            "states/demo-test-report/2024-05-01-09-00/1a2b3c4d5e", "states/1a2b3c4d", id="states"
        ),
        pytest.param("something-else-entirely-and-long", "something-else-entirely-a", id="other"),
    ],
)
def test_short_name(stream, expected):
    assert short_name(stream) == expected


@pytest.mark.parametrize(
    ("message", "colour", "expected"),
    [
        pytest.param("all good\n", False, "report/aaaaaaaa all good", id="plain"),
        pytest.param(
            "ERROR: boom",
            True,
            "\x1b[90mreport/aaaaaaaa\x1b[0m \x1b[31mERROR\x1b[0m: boom",
            id="error-red",
        ),
        pytest.param(
            "a warning",
            True,
            "\x1b[90mreport/aaaaaaaa\x1b[0m a \x1b[33mwarning\x1b[0m",
            id="warning-yellow",
        ),
        pytest.param("terrors", True, "\x1b[90mreport/aaaaaaaa\x1b[0m terrors", id="word-boundary"),
    ],
)
def test_human_line(message, colour, expected):
    one = event(1, f"copilot/report/{T1}", message)
    assert human_line(one, colour) == expected


def test_render_json_lines_have_stable_keys():
    text = render([event(5, "copilot/report/x", "hi", 6)], as_json=True, colour=False)
    assert json.loads(text) == {
        "logStreamName": "copilot/report/x",
        "timestamp": 5,
        "ingestionTime": 6,
        "message": "hi",
    }


@pytest.fixture
def group(aws):
    boto3.client("logs").create_log_group(logGroupName=GROUP)
    return GROUP


@pytest.fixture
def three_runs(group):
    """Run T1 (old), run T2 (with a sidecar, interleaved), run T3 (newest)."""
    base = int(time.time() * 1000) - 60_000
    put_logs(group, container_stream("report", T1), [(base + i, f"t1 {i}") for i in range(3)])
    put_logs(
        group,
        container_stream("report", T2),
        [(base + 10_000 + 2 * i, f"t2 {i}") for i in range(5)],
    )
    put_logs(
        group,
        container_stream("report", T2, "nginx"),
        [(base + 10_001 + 2 * i, f"nginx {i}") for i in range(5)],
    )
    put_logs(
        group, container_stream("report", T3), [(base + 20_000 + i, f"t3 {i}") for i in range(3)]
    )
    return base


def test_read_merges_streams_in_time_order(group, three_runs):
    reader = LogReader(boto3.client("logs"), group)
    events = reader.read(Selection(last=None))
    stamps = [e[TIMESTAMP] for e in events]
    assert stamps == sorted(stamps)
    assert len(events) == 16
    t2 = [e[MESSAGE] for e in events if T2 in e[STREAM]]
    assert t2 == [
        "t2 0",
        "nginx 0",
        "t2 1",
        "nginx 1",
        "t2 2",
        "nginx 2",
        "t2 3",
        "nginx 3",
        "t2 4",
        "nginx 4",
    ]


def test_read_last_run_and_window(group, three_runs):
    reader = LogReader(boto3.client("logs"), group)
    assert [e[MESSAGE] for e in reader.read(Selection(last=1))] == ["t3 0", "t3 1", "t3 2"]
    window = reader.read(Selection(last=None), start=three_runs + 10_004, end=three_runs + 10_006)
    assert [e[MESSAGE] for e in window] == ["t2 2", "nginx 2", "t2 3"]


def test_read_limit_keeps_newest(group, three_runs):
    reader = LogReader(boto3.client("logs"), group)
    events = reader.read(Selection(last=None), limit=4)
    assert [e[MESSAGE] for e in events] == ["nginx 4", "t3 0", "t3 1", "t3 2"]


def test_follow_picks_up_new_events_without_duplicates(group):
    now = int(time.time() * 1000)
    put_logs(
        group, container_stream("report", T1), [(now - 5_000, "before start"), (now + 1, "first")]
    )
    reader = LogReader(boto3.client("logs"), group, sleep=lambda _: None)
    batches = reader.follow(Selection(last=None).wants, start=now)
    assert [e[MESSAGE] for e in next(batches)] == ["first"]
    assert next(batches) == []  # nothing new: nothing printed twice
    put_logs(group, container_stream("report", T1), [(now + 2, "second")])
    put_logs(group, container_stream("report", T2), [(now + 3, "new run")])
    assert [e[MESSAGE] for e in next(batches)] == ["second", "new run"]
    assert next(batches) == []


@pytest.fixture
def proxy(aws):
    with FaultProxy(aws, lifetime=60) as running:
        yield running


def _client_through(proxy, monkeypatch, attempts: int):
    """A logs client as the CLI makes it (timeouts, botocore's standard retry mode), via the
    proxy."""
    from scheduled_jobs.cli.ops.session import client_config

    monkeypatch.setenv("AWS_MAX_ATTEMPTS", str(attempts))
    monkeypatch.setenv("JOBS_AWS_READ_TIMEOUT", "1")
    return boto3.client("logs", endpoint_url=proxy.url, config=client_config())


@pytest.mark.parametrize("kind", ["throttle", "500", "drop"])
def test_botocore_retries_faults_within_its_attempts(group, three_runs, proxy, monkeypatch, kind):
    """Two faults on GetLogEvents, three attempts: botocore's own retry mode absorbs them."""
    client = _client_through(proxy, monkeypatch, attempts=3)
    LogReader(client, group).read(Selection(last=1))
    calls = proxy.count("GetLogEvents")  # what one read takes without faults
    proxy.inject(kind, count=2, only="GetLogEvents")
    events = LogReader(client, group).read(Selection(last=1))
    assert [e[MESSAGE] for e in events] == ["t3 0", "t3 1", "t3 2"]
    assert proxy.injected[kind] == 2
    assert proxy.count("GetLogEvents") == 2 * calls + 2  # each fault retried once


def test_persistent_faults_end_after_the_attempts(group, three_runs, proxy, monkeypatch):
    from botocore.exceptions import ClientError

    client = _client_through(proxy, monkeypatch, attempts=3)
    proxy.inject("throttle", seconds=30, only="DescribeLogStreams")
    with pytest.raises(ClientError, match="ThrottlingException"):
        LogReader(client, group).read(Selection(last=1))
    assert proxy.count("DescribeLogStreams") == 3  # bounded: exactly max_attempts


def test_latency_past_the_read_timeout_is_a_read_timeout(group, three_runs, proxy, monkeypatch):
    from botocore.exceptions import ReadTimeoutError

    client = _client_through(proxy, monkeypatch, attempts=1)
    proxy.inject("latency", count=1, delay=2.0, only="DescribeLogStreams")
    started = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        LogReader(client, group).read(Selection(last=1))
    assert time.monotonic() - started < 2.0


def test_a_round_cut_short_is_read_again_without_gaps_or_duplicates(group, proxy, monkeypatch):
    """A fault in the middle of a round (second stream) leaves every position as it was."""
    from scheduled_jobs.cli.ops.outage import Patience

    client = _client_through(proxy, monkeypatch, attempts=1)
    now = int(time.time() * 1000)
    put_logs(group, container_stream("report", T1), [(now + 1, "a1")])
    put_logs(group, container_stream("report", T2), [(now + 2, "b1")])
    said: list[str] = []
    patience = Patience("CloudWatch Logs", interval=0.01, say=said.append)
    reader = LogReader(client, group, sleep=lambda _: None)
    batches = reader.follow(Selection(last=None).wants, start=now, patience=patience)
    # One GetLogEvents succeeds, the next one is dropped: the round is lost as a whole.
    proxy.inject("drop", count=1, only="GetLogEvents")
    first = next(batches)
    assert [e[MESSAGE] for e in first] == ["a1", "b1"]
    assert patience.faults == 1 and "does not answer" in said[0] and proxy.url in said[0]
    assert "answers again" in said[-1]
    put_logs(group, container_stream("report", T2), [(now + 3, "b2")])
    assert [e[MESSAGE] for e in next(batches)] == ["b2"]
