"""`jobs show` and `jobs ls` for jobs EventBridge Scheduler starts (a time zone, a window, a
one-time run), against moto's scheduler; rule jobs (ours and Copilot's) are shown as before."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import boto3
import pytest

from tests.cli.fake_stacks import jobs as invoke
from tests.cli.seed import ACCOUNT, copilot_job, project_job, write_project


@pytest.fixture
def project(aws, tmp_path, monkeypatch):
    write_project(tmp_path, jobs=("report",))
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    return tmp_path


def scheduled_job(expression: str, zone: str, *, window: int | None = None, enabled=True):
    """A project job whose trigger is a Scheduler schedule in the environment's group, as the
    component creates it (components/convert/scheduler.py)."""
    job = project_job(with_rule=False)
    scheduler = boto3.client("scheduler")
    scheduler.create_schedule_group(Name="demo-test")
    scheduler.create_schedule(
        Name="demo-test-report",
        GroupName="demo-test",
        ScheduleExpression=expression,
        ScheduleExpressionTimezone=zone,
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": window}
        if window
        else {"Mode": "OFF"},
        State="ENABLED" if enabled else "DISABLED",
        Target={"Arn": job.state_machine_arn, "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/x",
                "Input": "{}"},
    )  # fmt: skip
    return job


def test_show_reads_the_schedule_and_its_zone(project):
    scheduled_job("cron(0 9 ? * MON-FRI *)", "Europe/London", window=15)
    result = invoke("show", "report", "--env", "test", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    schedule = data["schedule"]
    assert schedule["trigger"] == "schedule"
    assert schedule["timezone"] == "Europe/London"
    assert schedule["description"] == (
        "at 09:00 Europe/London, Monday through Friday, starting within 15 minutes"
    )
    assert len(schedule["nextRuns"]) == 5
    for when in schedule["nextRuns"]:
        moment = datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        there = moment.astimezone(ZoneInfo("Europe/London"))
        assert (there.hour, there.minute) == (9, 0) and there.weekday() < 5
    resources = data["resources"]
    assert resources["schedule"]["group"] == "demo-test"
    assert resources["schedule"]["name"] == "demo-test-report"
    assert resources["schedule"]["consoleUrl"].endswith("#schedules/demo-test/demo-test-report")
    assert resources["rule"] is None


def test_show_human_prints_next_runs_in_the_zone_and_utc(project):
    scheduled_job("cron(30 6 * * ? *)", "Asia/Tokyo")
    result = invoke("show", "report", "--env", "test")
    assert result.exit_code == 0, result.output
    assert "cron(30 6 * * ? *): at 06:30 Asia/Tokyo" in result.stdout
    assert "06:30 JST Asia/Tokyo (21:30 UTC" in result.stdout
    assert "Schedule (EventBridge Scheduler): demo-test-report" in result.stdout
    assert "Schedule rule:" not in result.stdout


def test_show_one_time_run(project):
    scheduled_job("at(2099-01-04T06:30:00)", "America/New_York")
    done = invoke("show", "report", "--env", "test", "--json")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["schedule"]["description"] == "once, at 2099-01-04 06:30 America/New_York"
    assert data["schedule"]["nextRuns"] == ["2099-01-04T11:30:00Z"]


def test_ls_reads_schedules_and_rules(project):
    scheduled_job("cron(0 9 * * ? *)", "Europe/Paris")
    copilot_job(schedule="rate(1 hour)")
    result = invoke("ls", "--env", "test", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)["jobs"]}
    assert rows["report"]["schedule"] == "cron(0 9 * * ? *)"
    assert rows["report"]["description"] == "at 09:00 Europe/Paris"
    assert rows["report"]["state"] == "enabled"
    next_run = datetime.strptime(rows["report"]["nextRun"], "%Y-%m-%dT%H:%M:%SZ")
    assert next_run.replace(tzinfo=timezone.utc).astimezone(ZoneInfo("Europe/Paris")).hour == 9
    assert rows["legacy"]["schedule"] == "rate(1 hour)"
    assert rows["legacy"]["state"] == "enabled"


def test_a_disabled_schedule_is_disabled(project):
    scheduled_job("cron(0 9 * * ? *)", "Europe/Paris", enabled=False)
    data = json.loads(invoke("show", "report", "--env", "test", "--json").stdout)
    assert data["schedule"]["enabled"] is False and data["schedule"]["nextRuns"] == []


def test_show_tells_a_skipped_run_from_a_failure(project, aws):
    from scheduled_jobs.components.convert.state_machine import SKIPPED_OUTPUT
    from tests.cli.seed import moto_config

    skipping = json.dumps(
        {"StartAt": "Skip", "States": {"Skip": {"Type": "Pass", "Result": SKIPPED_OUTPUT,
                                                "End": True}}}
    )  # fmt: skip
    moto_config(aws, execute=True)
    try:
        job = project_job(definition=skipping)
        boto3.client("stepfunctions").start_execution(
            stateMachineArn=job.state_machine_arn, name="nightly", input="{}"
        )
        data = json.loads(invoke("show", "report", "--env", "test", "--json").stdout)
        human = invoke("show", "report", "--env", "test").stdout
    finally:
        moto_config(aws, execute=False)
    (execution,) = data["executions"]
    assert execution["status"] == "SUCCEEDED" and execution["skipped"] is True
    assert execution["reason"] == "skipped: previous run still running"
    assert "SKIPPED" in human and "skipped: previous run still running" in human


@pytest.mark.parametrize(
    "provider, expected",
    [pytest.param("FARGATE_SPOT", "spot", id="spot"),
     pytest.param(None, "on-demand", id="launch-type"),
     pytest.param("FARGATE", "on-demand", id="fargate-provider")],
)  # fmt: skip
def test_the_capacity_a_run_used_comes_from_its_task(provider, expected):
    from scheduled_jobs.cli.ops.executions import task_outcome

    task = {"TaskArn": "arn:aws:ecs:us-east-1:1:task/c/abc", "LaunchType": "FARGATE",
            "Containers": [{"Name": "report", "ExitCode": 0}]}  # fmt: skip
    if provider:
        task["CapacityProviderName"] = provider
    events = [{"type": "TaskSucceeded", "taskSucceededEventDetails": {"output": json.dumps(task)}}]
    assert task_outcome(events, "report").capacity == expected


def test_show_says_where_alerts_go(project):
    job = project_job()
    events, sns = boto3.client("events"), boto3.client("sns")
    topic = sns.create_topic(Name="demo-test-job-failures")["TopicArn"]
    pager = sns.create_topic(Name="pager")["TopicArn"]
    for address, selected in (("oncall@example.com", "report"), ("other@example.com", "other")):
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=address,
                      Attributes={"FilterPolicy": json.dumps({"job": [selected]}),
                                  "FilterPolicyScope": "MessageBody"})  # fmt: skip
    events.put_rule(
        Name="demo-test-report-failures",
        EventPattern=json.dumps(
            {"source": ["aws.states"], "detail": {"stateMachineArn": [job.state_machine_arn]}}
        ),
    )
    targets = [{"Id": "target", "Arn": topic}, {"Id": "target-topic", "Arn": pager}]
    events.put_targets(Rule="demo-test-report-failures", Targets=targets)
    data = json.loads(invoke("show", "report", "--env", "test", "--json").stdout)
    assert data["alerts"]["rule"] == "demo-test-report-failures"
    assert data["alerts"]["topics"] == [topic, pager]
    assert [e.split(" ")[0] for e in data["alerts"]["emails"]] == ["oncall@example.com"]
    human = invoke("show", "report", "--env", "test").stdout
    assert f"Failure alerts\n  topic {topic}\n  topic {pager}\n  email oncall@example.com" in human


def test_show_a_copilot_job_has_no_alerts(project):
    copilot_job()
    data = json.loads(invoke("show", "legacy", "--env", "test", "--json").stdout)
    assert data["alerts"] == {"rule": None, "topics": [], "emails": []}
    assert "off (alerts: none" in invoke("show", "legacy", "--env", "test").stdout


def test_ls_human_prints_the_next_run_in_utc_and_the_jobs_zone(project):
    scheduled_job("cron(0 9 * * ? *)", "Asia/Tokyo")
    result = invoke("ls", "--env", "test")
    assert result.exit_code == 0, result.output
    assert " 00:00:00 (09:00 Asia/Tokyo)" in result.stdout
    assert json.loads(invoke("ls", "--env", "test", "--json").stdout)["jobs"][0]["timezone"] == (
        "Asia/Tokyo"
    )
