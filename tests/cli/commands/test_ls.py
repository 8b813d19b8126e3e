"""`jobs ls` against moto: deployed jobs of one app/env, local manifests not deployed."""

from __future__ import annotations

import json

import boto3
import pytest

from tests.cli.fake_stacks import jobs
from tests.cli.seed import copilot_job, project_job, run_without_pulumi, write_project


@pytest.fixture
def project(aws, tmp_path, monkeypatch):
    write_project(tmp_path, jobs=("report", "draft"))
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def deployed(project):
    report = project_job(job="report", schedule="cron(0 9 ? * MON-FRI *)")
    copilot_job(job="legacy", schedule="rate(1 hour)")
    project_job(job="paused", schedule="cron(0 3 * * ? *)", enabled=False)
    project_job(app="other", job="foreign")  # another application: never listed
    project_job(env="prod", job="prodonly")  # another environment: never listed
    boto3.client("stepfunctions").start_execution(
        stateMachineArn=report.state_machine_arn, name="manual-1", input="{}"
    )
    return report


def test_ls_json(deployed):
    result = jobs("ls", "--env", "test", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["app"], data["env"]) == ("demo", "test")
    rows = {row["name"]: row for row in data["jobs"]}
    assert list(rows) == ["draft", "legacy", "paused", "report"]
    assert rows["draft"] == {
        "name": "draft",
        "deployed": False,
        "local": True,
        "schedule": None,
        "description": None,
        "state": "not deployed",
        "lastRun": None,
        "nextRun": None,
    }
    assert rows["legacy"]["schedule"] == "rate(1 hour)"
    assert rows["legacy"]["state"] == "enabled"
    assert rows["legacy"]["local"] is False
    assert rows["paused"]["state"] == "disabled"
    assert rows["paused"]["nextRun"] is None
    assert rows["report"]["description"] == "at 09:00 UTC, Monday through Friday"
    assert rows["report"]["nextRun"].endswith("T09:00:00Z")
    assert rows["report"]["lastRun"]["name"] == "manual-1"
    assert rows["report"]["lastRun"]["status"] == "RUNNING"


def test_ls_human_table(deployed):
    result = jobs("ls", "--env", "test")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "NAME",
        "SCHEDULE",
        "STATE",
        "LAST",
        "RUN",
        "(UTC)",
        "LAST",
        "STATUS",
        "NEXT",
        "RUN",
        "(UTC)",
        "RUNS",
    ]
    names = [line.split()[0] for line in lines[1:]]
    assert names == ["draft", "legacy", "paused", "report"]
    assert "not deployed" in lines[1]
    assert "foreign" not in result.stdout and "prodonly" not in result.stdout


def test_ls_other_app_flag(deployed):
    data = json.loads(jobs("ls", "--env", "test", "--app", "other", "--json").stdout)
    names = [row["name"] for row in data["jobs"]]
    # The local manifests are listed for any app; only `foreign` is deployed in `other`.
    assert [n for n in names if n not in ("draft", "report")] == ["foreign"]


def test_ls_empty_environment(project):
    result = jobs("ls", "--env", "staging")
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == ["draft", "report"]
    assert all("not deployed" in line for line in result.stdout.splitlines()[1:])


def test_ls_outside_a_project_needs_app(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    result = jobs("ls", "--env", "test")
    assert result.exit_code == 1
    assert "--app is required outside a scheduled-jobs project" in result.stderr
    project_job()
    result = jobs("ls", "--env", "test", "--app", "demo")
    assert result.exit_code == 0, result.output
    assert "report" in result.stdout


def test_ls_never_imports_pulumi(deployed):
    done = run_without_pulumi("ls", "--env", "test")
    assert done.returncode == 0, done.stderr
    assert "report" in done.stdout
