"""`jobs ls` against moto: deployed jobs of one app/env, local manifests not deployed."""

from __future__ import annotations

import json

import boto3
import pytest

from tests.cli.fake_stacks import jobs, write_env
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
        "timezone": None,
        "problem": None,
    }
    assert rows["report"]["timezone"] == "UTC"  # a rule job
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


def test_ls_environment_with_a_stack_file_and_nothing_deployed_yet(project):
    write_env(project, "staging", {"aws:region": "us-east-1"})
    result = jobs("ls", "--env", "staging")
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == ["draft", "report"]
    assert all("not deployed" in line for line in result.stdout.splitlines()[1:])


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        pytest.param(
            ["--env", "prdo"],
            'unknown environment "prdo": no stack file Pulumi.prdo.yaml here, and nothing is '
            "deployed under that name",
            "Known environments (stack files here, or deployed): prod, test.",
            id="unknown-env",
        ),
        pytest.param(
            ["--env", "test", "--app", "nosuchapp"],
            'application "nosuchapp" has nothing deployed in environment "test"',
            "Applications deployed there: demo, other.",
            id="unknown-app",
        ),
        pytest.param(
            ["--env", "prod", "--app", "nosuchapp"],
            'application "nosuchapp" has nothing deployed in environment "prod"',
            "Applications deployed there: demo.",
            id="unknown-app-no-stack-file",
        ),
    ],
)
def test_ls_unknown_environment_or_app_lists_the_known_ones(deployed, args, message, hint):
    result = jobs("ls", *args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert hint in " ".join(result.stderr.split())
    assert result.stdout == ""


def test_ls_unknown_environment_outside_a_project(aws, tmp_path, monkeypatch):
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    project_job(env="prod")
    result = jobs("ls", "--env", "prdo", "--app", "demo")
    assert result.exit_code == 1
    assert 'unknown environment "prdo": nothing is deployed under that name' in result.stderr
    assert "Known environments (stack files here, or deployed): prod." in result.stderr


@pytest.mark.parametrize("gone", ["state-machine", "rule"])
def test_ls_shows_a_half_gone_job_as_broken_and_lists_the_rest(deployed, gone):
    broken = project_job(job="halfgone")
    if gone == "state-machine":
        boto3.client("stepfunctions").delete_state_machine(stateMachineArn=broken.state_machine_arn)
        problem = "its state machine demo-test-halfgone is missing"
    else:
        events = boto3.client("events")
        events.remove_targets(Rule=broken.rule_name, Ids=["statemachine"])
        events.delete_rule(Name=broken.rule_name)
        problem = "no schedule rule starts it"
    result = jobs("ls", "--env", "test", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)["jobs"]}
    assert list(rows) == ["draft", "halfgone", "legacy", "paused", "report"]
    assert rows["halfgone"]["state"] == "broken"
    assert problem in rows["halfgone"]["problem"]
    assert rows["report"]["state"] == "enabled" and rows["report"]["problem"] is None
    human = jobs("ls", "--env", "test")
    assert "broken" in human.stdout and f"halfgone: {problem}" in human.stderr


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
