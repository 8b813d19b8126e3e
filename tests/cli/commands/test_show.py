"""`jobs show` against moto: schedule, executions, resources, for both kinds of deployment."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import boto3
import pytest

from tests.cli.fake_stacks import jobs
from tests.cli.seed import (
    copilot_job,
    ending_definition,
    moto_config,
    project_job,
    run_without_pulumi,
    write_project,
)


@pytest.fixture
def project(aws, tmp_path, monkeypatch):
    write_project(tmp_path, jobs=("report",))
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    return tmp_path


def _start(arn: str, name: str) -> str:
    return boto3.client("stepfunctions").start_execution(
        stateMachineArn=arn, name=name, input="{}"
    )["executionArn"]


def test_show_json_project_job(project):
    job = project_job(schedule="cron(0 9 ? * MON-FRI *)")
    sfn = boto3.client("stepfunctions")
    sfn.stop_execution(executionArn=_start(job.state_machine_arn, "first"))
    _start(job.state_machine_arn, "second")
    result = jobs("show", "report", "--env", "test", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {
        "job", "app", "env", "region", "schedule", "executions", "resources", "alerts",
        "estimate",
    }  # fmt: skip
    schedule = data["schedule"]
    assert schedule["expression"] == "cron(0 9 ? * MON-FRI *)"
    assert schedule["description"] == "at 09:00 UTC, Monday through Friday"
    assert schedule["enabled"] is True
    assert len(schedule["nextRuns"]) == 5
    for when in schedule["nextRuns"]:
        moment = datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ")
        assert (moment.hour, moment.minute) == (9, 0) and moment.weekday() < 5
    by_name = {e["name"]: e for e in data["executions"]}
    assert by_name["first"]["status"] == "ABORTED"
    assert by_name["first"]["stopDate"] is not None
    assert by_name["second"]["status"] == "RUNNING"
    assert by_name["second"]["stopDate"] is None
    assert set(by_name["first"]) == {
        "name",
        "status",
        "startDate",
        "stopDate",
        "durationSeconds",
        "exitCode",
        "reason",
        "taskArn",
        "consoleUrl",
        "logStreamUrl",
        "skipped",
        "capacity",
    }
    resources = data["resources"]
    assert resources["stateMachine"]["arn"] == job.state_machine_arn
    assert resources["logGroup"]["name"] == "/copilot/demo-test-report"
    assert resources["rule"]["name"] == "demo-test-report"
    assert resources["taskDefinition"]["arn"] == job.task_definition_arn
    assert resources["logGroup"]["consoleUrl"].endswith(
        "log-group/$252Fcopilot$252Fdemo-test-report"
    )


def test_show_copilot_job_finds_its_cloudformation_rule(project):
    job = copilot_job(schedule="rate(1 hour)")
    result = jobs("show", "legacy", "--env", "test")
    assert result.exit_code == 0, result.output
    assert "rate(1 hour): every hour" in result.stdout
    assert f"Schedule rule: {job.rule_name}" in result.stdout
    assert "none yet" in result.stdout


def test_show_disabled_schedule_has_no_next_runs(project):
    project_job(schedule="cron(0 3 * * ? *)", enabled=False)
    data = json.loads(jobs("show", "report", "--env", "test", "--json").stdout)
    assert data["schedule"]["enabled"] is False
    assert data["schedule"]["nextRuns"] == []
    assert data["schedule"]["description"] == "disabled: runs only with `scheduled-jobs run`"
    human = jobs("show", "report", "--env", "test").stdout
    assert "cron(0 3 * * ? *), disabled: runs only with `scheduled-jobs run`" in human


def test_show_failed_execution_exit_code_and_reason(project, aws):
    moto_config(aws, execute=True)
    try:
        job = project_job(definition=ending_definition("report", exit_code=4))
        _start(job.state_machine_arn, "nightly")
        result = jobs("show", "report", "--env", "test", "--json")
    finally:
        moto_config(aws, execute=False)
    assert result.exit_code == 0, result.output
    (execution,) = json.loads(result.stdout)["executions"]
    assert execution["status"] == "FAILED"
    assert execution["exitCode"] == 4
    assert execution["reason"] == "TaskFailed: Essential container in task exited"
    assert execution["taskArn"].endswith("/0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    assert execution["logStreamUrl"].endswith(
        "log-events/copilot$252Freport$252F0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    )


def test_show_human_sections(project):
    job = project_job()
    _start(job.state_machine_arn, "manual-1")
    result = jobs("show", "report", "--env", "test")
    assert result.exit_code == 0, result.output
    for heading in ("Schedule", "Next runs:", "Recent executions", "Resources"):
        assert heading in result.stdout
    assert "RUNNING" in result.stdout and "manual-1" in result.stdout
    assert "https://us-east-1.console.aws.amazon.com/states/home" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["nope", "--env", "test"], 'job "nope" not found', id="unknown-job"),
        pytest.param(["report", "--env", "prod"], 'environment "prod"', id="wrong-environment"),
        pytest.param(
            ["report", "--env", "test", "--app", "other"], 'application "other"', id="other-app"
        ),
    ],
)
def test_show_unknown(project, args, message):
    project_job()
    result = jobs("show", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_show_never_imports_pulumi(project):
    project_job()
    done = run_without_pulumi("show", "report", "--env", "test")
    assert done.returncode == 0, done.stderr


def _failing_describe_task_definition(monkeypatch, code: str, message: str) -> None:
    """DescribeTaskDefinition answers `code`, as ECS would; every other call goes to moto."""
    import botocore.client
    from botocore.exceptions import ClientError

    real = botocore.client.BaseClient._make_api_call

    def call(self, operation, params):
        if operation == "DescribeTaskDefinition":
            raise ClientError({"Error": {"Code": code, "Message": message}}, operation)
        return real(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", call)


def test_show_a_job_without_task_definition_says_not_found(project, monkeypatch):
    project_job()
    # ECS's answer for a family with no ACTIVE revision (moto's for an unknown family).
    _failing_describe_task_definition(
        monkeypatch, "ClientException", "Unable to describe task definition."
    )
    result = jobs("show", "report", "--env", "test")
    assert result.exit_code == 0, result.output
    assert "Task definition: not found" in result.stdout


def test_show_reports_access_denied_instead_of_not_found(project, monkeypatch):
    project_job()
    _failing_describe_task_definition(
        monkeypatch, "AccessDeniedException", "no ecs:DescribeTaskDefinition"
    )
    result = jobs("show", "report", "--env", "test")
    assert result.exit_code == 1
    assert "not allowed to call DescribeTaskDefinition" in result.stderr
    assert "not found" not in result.output
    assert "Traceback" not in result.output


def test_show_estimates_the_month_from_the_deployed_job(project):
    job = project_job(schedule="rate(1 hour)")
    sfn = boto3.client("stepfunctions")
    sfn.stop_execution(executionArn=_start(job.state_machine_arn, "done"))
    result = jobs("show", "report", "--env", "test", "--json")
    assert result.exit_code == 0, result.output
    cost = json.loads(result.stdout)["estimate"]
    # 256 CPU units and 512 MiB from the task definition, 730 runs from rate(1 hour); the run
    # that stopped at once is billed as Fargate's one-minute minimum.
    assert (cost["vcpu"], cost["memoryGb"], cost["runsPerMonth"]) == (0.25, 0.5, 730.0)
    assert cost["durationBasis"] == "median of the last 1 run"
    assert cost["billedSeconds"] == 60
    assert cost["monthlyUsd"] == pytest.approx(730 * 60 / 3600 * (0.25 * 0.04048 + 0.5 * 0.004445))
    human = jobs("show", "report", "--env", "test")
    assert "Cost" in human.stdout and "$0.15/month" in human.stdout


def test_show_draws_the_runs_and_the_week(project, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    job = project_job(schedule="cron(0 9 ? * MON-FRI *)")
    sfn = boto3.client("stepfunctions")
    sfn.stop_execution(executionArn=_start(job.state_machine_arn, "first"))
    _start(job.state_machine_arn, "second")
    plain = jobs("show", "report", "--env", "test", "--json")
    result = jobs("show", "report", "--env", "test", "--calendar")
    assert result.exit_code == 0, result.output
    assert "  runs     ⏸▶" in result.stdout  # stopped, then the one still running
    assert "0% succeeded (0 of 1 finished)" in result.stdout
    week = result.stdout.split("Next seven days\n")[1].split("\n\n")[0].splitlines()
    assert week[0].endswith("(UTC)") and len(week) == 8
    # Five weekdays in any seven days, one run each at 09:00 UTC, less today's if it is past.
    now = datetime.now(timezone.utc)
    today_passed = now.weekday() < 5 and (now.hour, now.minute) >= (9, 0)
    assert sum(int(line.split()[-1]) for line in week[1:]) == 5 - today_passed
    assert "estimate" in json.loads(plain.stdout) and "runs     " not in plain.stdout
