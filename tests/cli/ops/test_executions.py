"""Execution inputs, and reading an execution's end from its history (AWS-shaped events)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from scheduled_jobs.cli.ops.executions import (
    EXIT_ABORTED,
    EXIT_FAILED,
    EXIT_TIMED_OUT,
    accepts_overrides,
    execution_input,
    exit_code,
    new_execution_name,
    parse_command,
    parse_env_vars,
    task_outcome,
)
from scheduled_jobs.cli.output import UserError
from scheduled_jobs.components.convert.state_machine import RunTaskSpec, definition_json
from tests.cli.seed import copilot_definition, ecs_task_document

TASK = "arn:aws:ecs:us-east-1:123456789012:task/demo-test/0f1e2d3c4b5a69788796a5b4c3d2e1f0"
RETRY_TASK = "arn:aws:ecs:us-east-1:123456789012:task/demo-test/99998888777766665555444433332222"


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        pytest.param([], [], id="none"),
        pytest.param(["A=1"], [{"name": "A", "value": "1"}], id="one"),
        pytest.param(["URL=a=b"], [{"name": "URL", "value": "a=b"}], id="equals-in-value"),
        pytest.param(["A="], [{"name": "A", "value": ""}], id="empty-value"),
        pytest.param(
            ["A=1", "B=2", "A=3"],
            [{"name": "B", "value": "2"}, {"name": "A", "value": "3"}],
            id="later-wins",
        ),
    ],
)
def test_parse_env_vars(pairs, expected):
    assert parse_env_vars(pairs) == expected


@pytest.mark.parametrize(
    "pair",
    [
        pytest.param("A", id="no-equals"),
        pytest.param("=1", id="no-name"),
        pytest.param("1A=x", id="starts-with-digit"),
        pytest.param("A-B=x", id="dash"),
    ],
)
def test_parse_env_vars_rejects(pair):
    with pytest.raises(UserError, match="NAME=VALUE"):
        parse_env_vars([pair])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("echo hi", ["echo", "hi"], id="words"),
        pytest.param("sh -c 'echo $HOME'", ["sh", "-c", "echo $HOME"], id="quoted"),
        pytest.param("python manage.py migrate", ["python", "manage.py", "migrate"], id="migrate"),
    ],
)
def test_parse_command(text, expected):
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    "text", [pytest.param("", id="empty"), pytest.param("echo 'unclosed", id="unbalanced")]
)
def test_parse_command_rejects(text):
    with pytest.raises(UserError):
        parse_command(text)


@pytest.mark.parametrize(
    ("command", "environment", "expected"),
    [
        pytest.param(None, [], {}, id="no-overrides"),
        pytest.param(["a"], [], {"overrides": {"command": ["a"]}}, id="command"),
        pytest.param(
            None,
            [{"name": "K", "value": "V"}],
            {"overrides": {"environment": [{"name": "K", "value": "V"}]}},
            id="environment",
        ),
    ],
)
def test_execution_input(command, environment, expected):
    assert execution_input(command, environment) == expected


def test_accepts_overrides_tells_project_from_copilot_definitions():
    ours = definition_json(
        RunTaskSpec(container="report", cluster="c", task_definition="td", subnets=["s"])
    )
    assert accepts_overrides(ours)
    assert not accepts_overrides(copilot_definition("c", "td"))


def test_execution_name_is_valid_and_unique():
    moment = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
    first, second = new_execution_name(moment), new_execution_name(moment)
    assert first.startswith("manual-20240501T090000Z-")
    assert first != second
    # Step Functions: 1-80 characters, no spaces or special characters.
    assert len(first) <= 80 and all(c.isalnum() or c in "-_" for c in first)


def _submitted(arn: str) -> dict:
    return {
        "type": "TaskSubmitted",
        "taskSubmittedEventDetails": {
            "resourceType": "ecs",
            "resource": "runTask.sync",
            "output": json.dumps({"Tasks": [{"TaskArn": arn, "LastStatus": "PROVISIONING"}]}),
        },
    }


def _failed(job: str, code: int, task_id: str) -> dict:
    return {
        "type": "TaskFailed",
        "taskFailedEventDetails": {
            "resourceType": "ecs",
            "resource": "runTask.sync",
            "error": "States.TaskFailed",
            "cause": json.dumps(ecs_task_document(job, code, task_id)),
        },
    }


def _succeeded(job: str, task_id: str) -> dict:
    return {
        "type": "TaskSucceeded",
        "taskSucceededEventDetails": {
            "resourceType": "ecs",
            "resource": "runTask.sync",
            "output": json.dumps(ecs_task_document(job, 0, task_id)),
        },
    }


@pytest.mark.parametrize(
    ("events", "tasks", "code", "reason"),
    [
        pytest.param(
            [_submitted(TASK), _succeeded("report", TASK.rsplit("/", 1)[1])],
            [TASK],
            0,
            None,
            id="succeeded",
        ),
        pytest.param(
            [
                _submitted(TASK),
                _failed("report", 2, TASK.rsplit("/", 1)[1]),
                _submitted(RETRY_TASK),
                _failed("report", 3, RETRY_TASK.rsplit("/", 1)[1]),
                {
                    "type": "ExecutionFailed",
                    "executionFailedEventDetails": {"error": "States.TaskFailed", "cause": "{}"},
                },
            ],
            [TASK, RETRY_TASK],
            3,
            "Essential container in task exited",
            id="retried-last-attempt-wins",
        ),
        pytest.param(
            [
                {
                    "type": "TaskFailed",
                    "taskFailedEventDetails": {
                        "error": "ECS.AmazonECSException",
                        "cause": "Subnet subnet-x not found",
                    },
                },
                {
                    "type": "ExecutionFailed",
                    "executionFailedEventDetails": {"error": "ECS.AmazonECSException"},
                },
            ],
            [],
            None,
            "ECS.AmazonECSException: Subnet subnet-x not found",
            id="task-never-started",
        ),
        pytest.param(
            [_submitted(TASK), {"type": "ExecutionTimedOut", "executionTimedOutEventDetails": {}}],
            [TASK],
            None,
            "the execution timed out",
            id="timed-out",
        ),
        pytest.param(
            [
                {
                    "type": "ExecutionFailed",
                    "executionFailedEventDetails": {
                        "error": "States.TaskFailed",
                        "cause": json.dumps(ecs_task_document("report", 7)),
                    },
                }
            ],
            [ecs_task_document("report", 7)["TaskArn"]],
            7,
            "States.TaskFailed: Essential container in task exited",
            id="task-in-execution-cause",
        ),
        pytest.param(
            [_failed("sidecar-only", 1, "abc")],
            [ecs_task_document("x", 1, "abc")["TaskArn"]],
            None,
            "Essential container in task exited",
            id="main-container-missing",
        ),
    ],
)
def test_task_outcome(events, tasks, code, reason):
    outcome = task_outcome(events, "report")
    assert outcome.task_arns == tasks
    assert outcome.exit_code == code
    assert outcome.reason == reason


@pytest.mark.parametrize(
    ("status", "container", "expected"),
    [
        pytest.param("SUCCEEDED", 0, 0, id="succeeded"),
        pytest.param("SUCCEEDED", None, 0, id="succeeded-unknown-code"),
        pytest.param("FAILED", 3, 3, id="failed-container-code"),
        pytest.param("FAILED", None, EXIT_FAILED, id="failed-unknown-code"),
        pytest.param("FAILED", 0, EXIT_FAILED, id="failed-container-said-0"),
        pytest.param("TIMED_OUT", None, EXIT_TIMED_OUT, id="timed-out"),
        pytest.param("ABORTED", None, EXIT_ABORTED, id="aborted"),
    ],
)
def test_exit_code(status, container, expected):
    assert exit_code(status, container) == expected
