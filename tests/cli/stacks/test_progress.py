"""Engine events made readable (cli/stacks/progress.py), fed with real EngineEvent objects:
the plan, the resources in flight, the plain line per event, counts and failures."""

from __future__ import annotations

import pytest
from pulumi.automation import EngineEvent, OpType

from scheduled_jobs.cli.stacks.progress import (
    Flights,
    Happening,
    Recorder,
    format_counts,
    has_changes,
    in_flight,
    output_lines,
    plain_line,
)
from scheduled_jobs.components.contract import IMAGE_TOKEN

URN = "urn:pulumi:dev::scheduled-jobs::scheduled-jobs:index:ScheduledJob$aws:sfn/stateMachine:StateMachine::report-state-machine"  # noqa: E501
TYPE = "aws:sfn/stateMachine:StateMachine"


IMAGE_URN = (
    f"urn:pulumi:dev::scheduled-jobs::scheduled-jobs:index:ScheduledJob${IMAGE_TOKEN}::report-image"  # noqa: E501
)


def event(timestamp=1, **data):
    return EngineEvent.from_json({"sequence": 1, "timestamp": timestamp, **data})


def meta(op, urn=URN, type=TYPE, **extra):
    return {"op": op, "urn": urn, "type": type, "provider": "", **extra}


def pre(op, at, urn=URN, type=TYPE, planning=False):
    return event(at, resourcePreEvent={"metadata": meta(op, urn, type), "planning": planning})


def outputs(op, at, urn=URN, type=TYPE):
    return event(at, resOutputsEvent={"metadata": meta(op, urn, type)})


def failed(op, at, urn=URN, type=TYPE):
    return event(at, resOpFailedEvent={"metadata": meta(op, urn, type), "status": 2, "steps": 1})


def diag(message, at, urn=IMAGE_URN, severity="info", ephemeral=True):
    data = {"message": message, "color": "never", "severity": severity, "ephemeral": ephemeral}
    return event(at, diagnosticEvent={**data, **({"urn": urn} if urn else {})})


@pytest.mark.parametrize(
    ("counts", "text"),
    [
        pytest.param({}, "no resources", id="empty"),
        pytest.param({"same": 3}, "3 unchanged", id="same-only"),
        pytest.param(
            {"update": 1, "create": 2, "same": 5}, "2 create, 1 update, 5 unchanged", id="ordered"
        ),  # fmt: skip
        pytest.param({OpType.DELETE: 4}, "4 delete", id="enum-keys"),
    ],
)
def test_format_counts(counts, text):
    assert format_counts(counts) == text


@pytest.mark.parametrize(
    ("counts", "changed"),
    [
        pytest.param({"same": 9}, False, id="same"),
        pytest.param({"same": 9, "read": 1, "create": 0}, False, id="read-and-zero"),
        pytest.param({"same": 9, "update": 1}, True, id="update"),
        pytest.param({OpType.REPLACE: 1}, True, id="replace"),
    ],
)
def test_has_changes(counts, changed):
    assert has_changes(counts) is changed


def test_recorder_plan_progress_and_failures():
    lines = []
    ticks = iter([0.0, 0.0, 12.0, 12.0, 15.0])
    recorder = Recorder(emit=lines.append, clock=lambda: next(ticks), wall=lambda: 0.0)
    update = event(100, resourcePreEvent={"metadata": meta("update", diffs=["definition"])})
    recorder(pre("same", 100))
    recorder(update)
    recorder(outputs("update", 112))
    update.timestamp = 113  # the same step again (a retry), failing this time
    recorder(update)
    recorder(failed("update", 115))
    recorder(diag("updating State Machine:\n  AccessDenied\n", 115, URN, "error", ephemeral=False))
    assert [c.line() for c in recorder.planned] == [
        " ~ update   aws:sfn/stateMachine:StateMachine  report-state-machine  [definition]"
    ]
    assert lines == [
        "[    0s]  ~ report-state-machine (aws:sfn/stateMachine:StateMachine) updating",
        "[   12s]  ~ report-state-machine (aws:sfn/stateMachine:StateMachine) updated in 12s",
        "[   12s]  ~ report-state-machine (aws:sfn/stateMachine:StateMachine) updating",
        "[   15s]  x report-state-machine (aws:sfn/stateMachine:StateMachine) failed after 2s",
    ]
    assert recorder.failed == [URN]
    assert recorder.failure_lines() == [
        "aws:sfn/stateMachine:StateMachine report-state-machine: updating State Machine: "
        "AccessDenied"
    ]


def test_preview_events_print_nothing_and_put_nothing_in_flight():
    lines = []
    recorder = Recorder(emit=lines.append)
    recorder(pre("create", 1, planning=True))
    recorder(event(2, resOutputsEvent={"metadata": meta("create"), "planning": True}))
    assert lines == [] and recorder.flights.in_flight() == []
    assert [c.name for c in recorder.planned] == ["report-state-machine"]


BUILD = [
    pre("create", 100, IMAGE_URN, IMAGE_TOKEN),
    pre("create", 101),
    diag("#1 [internal] load build definition from Dockerfile", 101),
    diag("#5 [2/3] RUN pip install -r requirements.txt", 130),
]


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([], [], id="nothing"),
        pytest.param(
            BUILD,
            [
                ("report-image", "create", 100.0, "#5 [2/3] RUN pip install -r requirements.txt"),
                ("report-state-machine", "create", 101.0, ""),
            ],
            id="build-with-its-last-line-longest-first",
        ),
        pytest.param(
            [*BUILD, diag("", 160)],
            [("report-image", "create", 100.0, ""), ("report-state-machine", "create", 101.0, "")],
            id="an-empty-status-clears-the-line",
        ),
        pytest.param(
            [*BUILD, outputs("create", 102)],
            [("report-image", "create", 100.0, "#5 [2/3] RUN pip install -r requirements.txt")],
            id="finished-leaves",
        ),
        pytest.param(
            [*BUILD, failed("create", 200, IMAGE_URN, IMAGE_TOKEN)],
            [("report-state-machine", "create", 101.0, "")],
            id="failed-leaves",
        ),
        pytest.param(
            [pre("same", 1), pre("read", 1, IMAGE_URN), pre("refresh", 1, "urn:x::y::t::z")],
            [],
            id="quiet-ops-are-not-in-flight",
        ),
        pytest.param(
            [pre("delete", 5), diag("progress 1/3\r\x1b[2Kprogress 2/3", 6, URN)],
            [("report-state-machine", "delete", 5.0, "progress 2/3")],
            id="carriage-returns-and-ansi",
        ),
        pytest.param(
            [pre("create", 5), diag("stderr line", 6, URN, "info#err", ephemeral=False)],
            [("report-state-machine", "create", 5.0, "stderr line")],
            id="stderr-counts",
        ),
        pytest.param(
            [pre("create", 5), diag("a warning", 6, URN, "warning")],
            [("report-state-machine", "create", 5.0, "")],
            id="warnings-are-not-output",
        ),
    ],
)
def test_in_flight(events, expected):
    got = [(f.name, f.op, f.started, f.last_line) for f in in_flight(events)]
    assert got == expected


def test_a_components_second_outputs_event_is_not_a_second_finish():
    flights = Flights()
    flights.apply(pre("create", 1))
    assert [h.kind for h in flights.apply(outputs("create", 1))] == ["done"]
    assert flights.apply(outputs("create", 9)) == []  # registerOutputs
    assert flights.done == 1


def test_an_event_without_timestamp_starts_now():
    flights = Flights()
    flights.apply(pre("create", 0), now=1234.5)
    assert flights.in_flight()[0].started == 1234.5


def test_in_flight_lines_show_elapsed_time_and_last_output():
    flights = Flights()
    for item in BUILD:
        flights.apply(item)
    assert flights.lines(now=165) == [
        " + creating report-image (Image)  1m05s  #5 [2/3] RUN pip install -r requirements.txt",
        " + creating report-state-machine (StateMachine)  1m04s",
    ]
    assert flights.lines(now=50)[0].startswith(" + creating report-image (")  # never negative
    assert "  0s" in flights.lines(now=50)[0]


@pytest.mark.parametrize(
    ("happening", "line"),
    [
        pytest.param(
            Happening("start", IMAGE_URN, IMAGE_TOKEN, "create"),
            "[ 1m05s]  + report-image (docker-build:index:Image) creating",
            id="start",
        ),
        pytest.param(
            Happening("output", IMAGE_URN, IMAGE_TOKEN, "create", text="#5 DONE 0.3s"),
            "[ 1m05s]    report-image: #5 DONE 0.3s",
            id="output",
        ),
        pytest.param(
            Happening("done", IMAGE_URN, IMAGE_TOKEN, "replace", took=200),
            "[ 1m05s] +- report-image (docker-build:index:Image) replaced in 3m20s",
            id="done",
        ),
        pytest.param(
            Happening("done", URN, TYPE, "delete"),
            "[ 1m05s]  - report-state-machine (aws:sfn/stateMachine:StateMachine) deleted",
            id="done-without-time",
        ),
        pytest.param(
            Happening("failed", URN, TYPE, "update", took=3),
            "[ 1m05s]  x report-state-machine (aws:sfn/stateMachine:StateMachine) failed after 3s",
            id="failed",
        ),
        pytest.param(
            Happening("warning", URN, TYPE, text="deprecated"),
            "[ 1m05s]  ! report-state-machine: deprecated",
            id="warning",
        ),
        pytest.param(
            Happening("info", "", text="program says hi"),
            "[ 1m05s]    program says hi",
            id="stack-info",
        ),
    ],
)
def test_plain_line(happening, line):
    assert plain_line(happening, 65) == line


def test_a_plain_line_per_event():
    events = [
        *BUILD,
        diag("", 160),  # a cleared status says nothing
        diag("not in flight", 160, urn=URN, severity="info", ephemeral=True),
        outputs("create", 161, IMAGE_URN, IMAGE_TOKEN),
        diag("after the build", 162, urn=IMAGE_URN, ephemeral=False),
        diag("something to know", 163, urn=None, severity="warning"),
        diag("debugging", 163, urn=None, severity="debug"),
    ]
    flights = Flights()
    kinds = [[h.kind for h in flights.apply(item)] for item in events]
    assert kinds == [
        ["start"],
        ["start"],
        ["output"],
        ["output"],
        [],
        ["output"],  # the state machine is in flight: its line counts
        ["done"],
        ["info"],
        ["warning"],
        [],
    ]


@pytest.mark.parametrize(
    ("message", "lines"),
    [
        pytest.param("", [], id="empty"),
        pytest.param("one\n\n two \n", ["one", "two"], id="blank-lines"),
        pytest.param("\x1b[1m#3\x1b[0m DONE", ["#3 DONE"], id="ansi"),
        pytest.param("a\rb", ["a", "b"], id="carriage-return"),
    ],
)
def test_output_lines(message, lines):
    assert output_lines(message) == lines
