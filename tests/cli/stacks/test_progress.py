"""Engine events made readable (cli/stacks/progress.py), fed with real EngineEvent objects."""

from __future__ import annotations

import pytest
from pulumi.automation import EngineEvent, OpType

from cli.stacks.progress import Recorder, format_counts, has_changes

URN = "urn:pulumi:dev::scheduled-jobs::scheduled-jobs:index:ScheduledJob$aws:sfn/stateMachine:StateMachine::report-state-machine"  # noqa: E501
TYPE = "aws:sfn/stateMachine:StateMachine"


def event(**data):
    return EngineEvent.from_json({"sequence": 1, "timestamp": 1, **data})


def meta(op, **extra):
    return {"op": op, "urn": URN, "type": TYPE, "provider": "", **extra}


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
    ticks = iter([0.0, 12.0, 15.0])
    recorder = Recorder(emit=lines.append, clock=lambda: next(ticks))
    recorder(event(resourcePreEvent={"metadata": meta("same")}))
    recorder(event(resourcePreEvent={"metadata": meta("update", diffs=["definition"])}))
    recorder(event(resOutputsEvent={"metadata": meta("update")}))
    recorder(event(resOpFailedEvent={"metadata": meta("update"), "status": 2, "steps": 1}))
    recorder(
        event(
            diagnosticEvent={
                "urn": URN,
                "message": "updating State Machine:\n  AccessDenied\n",
                "color": "never",
                "severity": "error",
            }
        )
    )
    recorder(event(diagnosticEvent={"message": "a warning", "color": "", "severity": "warning"}))
    assert [c.line() for c in recorder.planned] == [
        " ~ update   aws:sfn/stateMachine:StateMachine  report-state-machine  [definition]"
    ]
    assert lines == [
        "[   12s]  ~ report-state-machine (aws:sfn/stateMachine:StateMachine) updated",
        "[   15s]  x report-state-machine (aws:sfn/stateMachine:StateMachine) failed",
    ]
    assert recorder.failure_lines() == [
        "aws:sfn/stateMachine:StateMachine report-state-machine: updating State Machine: "
        "AccessDenied"
    ]


def test_preview_outputs_print_nothing():
    lines = []
    recorder = Recorder(emit=lines.append)
    recorder(event(resOutputsEvent={"metadata": meta("create"), "planning": True}))
    assert lines == []
