"""`jobs exec`: the plugin check, the task choice and the plugin's arguments."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from scheduled_jobs.cli.commands import exec as exec_command
from scheduled_jobs.cli.main import app
from scheduled_jobs.cli.ops.finder import Job

runner = CliRunner()
CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/demo-dev"
TASK = "arn:aws:ecs:us-east-1:123456789012:task/demo-dev/0a1b2c3d"
DEFINITION = json.dumps(
    {"States": {"Run Fargate Task": {"Type": "Task", "Parameters": {"Cluster": CLUSTER}}}}
)


class FakeEcs:
    meta = SimpleNamespace(endpoint_url="https://ecs.us-east-1.amazonaws.com")

    def __init__(self, tasks):
        self.tasks = tasks
        self.executed = None

    def get_paginator(self, name):
        assert name == "list_tasks"
        tasks = self.tasks

        class Pages:
            def paginate(self, **kwargs):
                assert kwargs == {
                    "cluster": CLUSTER,
                    "family": "demo-dev-report",
                    "desiredStatus": "RUNNING",
                }
                return [{"taskArns": [t["taskArn"] for t in tasks]}]

        return Pages()

    def describe_tasks(self, cluster, tasks):
        return {"tasks": [t for t in self.tasks if t["taskArn"] in tasks]}

    def execute_command(self, **kwargs):
        self.executed = kwargs
        return {
            "clusterArn": CLUSTER,
            "taskArn": kwargs["task"],
            "containerName": kwargs["container"],
            "session": {"sessionId": "s-1"},
        }


@pytest.fixture
def fake(monkeypatch):
    def setup(tasks, plugin="/usr/bin/session-manager-plugin"):
        ecs = FakeEcs(tasks)
        sfn = SimpleNamespace(describe_state_machine=lambda **_: {"definition": DEFINITION})
        aws = SimpleNamespace(
            region="us-east-1",
            session=SimpleNamespace(profile_name="default"),
            client=lambda service: {"ecs": ecs, "stepfunctions": sfn}[service],
        )
        calls = []
        monkeypatch.setattr("shutil.which", lambda name: plugin)
        monkeypatch.setattr("scheduled_jobs.cli.ops.session.connect", lambda env, app: aws)
        monkeypatch.setattr(
            "scheduled_jobs.cli.ops.finder.find_job",
            lambda aws, name, **_: Job(name, "demo", "dev", state_machine_arn="arn:sm"),
        )
        monkeypatch.setattr("subprocess.call", lambda args: calls.append(args) or 0)
        return ecs, calls

    return setup


def task(exec_enabled=True, started="2026-12-01T09:00:00", arn=TASK):
    return {"taskArn": arn, "enableExecuteCommand": exec_enabled, "startedAt": started,
            "containers": [{"name": "report", "runtimeId": "0a1b2c3d-1234"}]}  # fmt: skip


def test_missing_plugin_is_one_clear_message_before_any_aws_call(fake, monkeypatch):
    fake([task()], plugin=None)
    monkeypatch.setattr(
        "scheduled_jobs.cli.ops.session.connect", lambda *a: pytest.fail("no AWS call")
    )
    result = runner.invoke(app, ["exec", "report", "--env", "dev"])
    assert result.exit_code == 1
    assert "Session Manager plugin (session-manager-plugin) is not installed" in result.stderr
    assert "session-manager-working-with-install-plugin" in result.stderr
    assert "Traceback" not in result.output


def test_opens_the_session_as_the_aws_cli_does(fake):
    older = task(started="2026-12-01T08:00:00", arn=TASK + "old")
    ecs, calls = fake([older, task()])
    result = runner.invoke(app, ["exec", "report", "--env", "dev", "--command", "ls /"])
    assert result.exit_code == 0, result.output
    assert ecs.executed == {"cluster": CLUSTER, "task": TASK, "container": "report",
                            "interactive": True, "command": "ls /"}  # fmt: skip
    (args,) = calls
    assert args == [
        "/usr/bin/session-manager-plugin",
        json.dumps({"sessionId": "s-1"}),
        "us-east-1",
        "StartSession",
        "",
        json.dumps({"Target": "ecs:demo-dev_0a1b2c3d_0a1b2c3d-1234"}),
        "https://ecs.us-east-1.amazonaws.com",
    ]


@pytest.mark.parametrize(
    ("tasks", "args", "message"),
    [
        pytest.param([], [], "no task of job 'report' is running", id="nothing-running"),
        pytest.param([task(exec_enabled=False)], [], "was started without ECS Exec",
                     id="task-without-exec"),
        pytest.param([task()], ["--container", "proxy"], "has no running container 'proxy'",
                     id="unknown-container"),
        pytest.param([task()], ["--task", "ffff"], "task ffff of job 'report' is running",
                     id="unknown-task"),
    ],
)  # fmt: skip
def test_problems_are_one_message(fake, tasks, args, message):
    fake(tasks)
    result = runner.invoke(app, ["exec", "report", "--env", "dev", *args])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_plugin_args_with_a_profile():
    response = {"clusterArn": CLUSTER, "taskArn": TASK, "session": {"a": 1}}
    args = exec_command.plugin_args(response, region="eu-west-1", profile="ops",
                                    runtime_id="r-1", endpoint="https://e")  # fmt: skip
    assert args[1:5] == [
        "eu-west-1",
        "StartSession",
        "ops",
        '{"Target": "ecs:demo-dev_0a1b2c3d_r-1"}',
    ]
