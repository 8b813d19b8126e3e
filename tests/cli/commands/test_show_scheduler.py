"""`jobs show` and `jobs ls` for jobs EventBridge Scheduler starts (a time zone, a window, a
one-time run), against moto's scheduler; rule jobs (ours and Copilot's) are shown as before."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import boto3
import pytest

from tests.cli.seed import ACCOUNT, copilot_job, invoke, project_job, write_project


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
    data = json.loads(invoke("show", "report", "--env", "test", "--json").stdout)
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
