"""`jobs migrate copilot` end to end: a Copilot application seeded in moto, the Pulumi step
through the Automation API stand-in."""

from __future__ import annotations

import json
import subprocess
import sys

import boto3
import pytest
import yaml

from tests.cli.fake_stacks import FakeStack, job_steps, jobs
from tests.cli.migrate import conftest as migrate_fixtures
from tests.cli.migrate import copilot_app as c
from tests.cli.migrate.test_apply import GROUP, create_ours

STACK = "shop-test-report"
# The fixtures of tests/cli/migrate (a conftest there applies only to that folder).
repo, seeded = migrate_fixtures.repo, migrate_fixtures.seeded


def stack_status():
    cfn = boto3.client("cloudformation", region_name=c.REGION)
    try:
        return cfn.describe_stacks(StackName=STACK)["Stacks"][0]["StackStatus"]
    except cfn.exceptions.ClientError:
        return None


@pytest.fixture
def deployable(seeded, automation, monkeypatch):
    """The stand-in's `up` creates in moto what the component would (rule, state machine)."""
    automation.steps = job_steps("test", "report")
    original = FakeStack.up

    def up(self, **kwargs):
        done = original(self, **kwargs)
        create_ours()
        return done

    monkeypatch.setattr(FakeStack, "up", up)
    return automation


def test_plan_writes_the_project_and_changes_nothing_in_aws(seeded, repo):
    out = jobs("migrate", "copilot")
    assert out.exit_code == 0, out.output
    text = out.stdout
    assert "Copilot application shop (account 123456789012)" in text
    assert "environment test (us-east-1): stack shop-test, cluster shop-test-Cluster-" in text
    assert "left alone: api (Backend Service)" in text
    assert "  create    manifests/report/manifest.yml" in text
    assert "  create    Pulumi.test.yaml" in text
    assert "report in test: Copilot stack shop-test-report (CREATE_COMPLETE)" in text
    for line in (
        "adopt    LogGroup",
        "replace  StateMachine",
        "replace  Rule",
        "replace  TaskDefinition",
        "remove   EnvControllerFunction",
        "keep     AddonsStack",
    ):
        assert line in text, line
    assert "1. [todo] retain:" in text and "5. [todo] verify:" in text
    assert "note: The Copilot environment stack shop-test" in text
    assert "ECR repository shop/<job> is not reused" in text
    assert "Nothing in AWS was changed" in out.stderr
    assert (repo / "manifests/report/manifest.yml").read_text() == c.JOB_MANIFEST
    assert stack_status() == "CREATE_COMPLETE"
    assert not (repo / ".scheduled-jobs").exists()


def test_help_needs_nothing():
    out = jobs("migrate", "--help")
    assert out.exit_code == 0 and "copilot" in out.stdout
    out = jobs("--help")
    assert "migrate" in out.stdout


def test_json(seeded):
    out = jobs("migrate", "copilot", "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert set(data) == {"app", "account", "environments", "leftAlone", "files", "jobs", "notes"}
    assert data["leftAlone"] == [{"name": "api", "type": "Backend Service"}]
    assert {"path": "Pulumi.test.yaml", "state": "create", "note": ""} in data["files"]
    assert data["environments"][0]["name"] == "test"
    assert len(data["environments"][0]["publicSubnets"]) == 2
    (job,) = data["jobs"]
    assert job["imports"] == {"log-group": GROUP}
    assert {r["logicalId"]: r["action"] for r in job["resources"]} == {
        "LogGroup": "adopt",
        "EnvControllerRole": "remove",
        "EnvControllerFunction": "remove",
        "ExecutionRole": "replace",
        "TaskRole": "replace",
        "TaskDefinition": "replace",
        "StateMachineRole": "replace",
        "StateMachine": "replace",
        "RuleRole": "replace",
        "Rule": "replace",
        "AddonsStack": "keep",
    }
    assert [s["step"] for s in job["steps"]] == [
        "retain",
        "remove-stack",
        "write-imports",
        "deploy",
        "verify",
    ]
    assert job["problems"] == []
    assert any("the job has addons" in w for w in job["warnings"])


def test_apply_takes_the_job_over(deployable, repo):
    out = jobs("migrate", "copilot", "--env", "test", "report", "--apply", "--yes")
    assert out.exit_code == 0, out.output
    assert stack_status() is None
    logs = boto3.client("logs", region_name=c.REGION)
    streams = logs.describe_log_streams(logGroupName=GROUP)["logStreams"]
    assert sorted(s["logStreamName"] for s in streams) == sorted(c.STREAMS)
    config = yaml.safe_load((repo / "Pulumi.test.yaml").read_text())["config"]
    assert config["scheduled-jobs:imports"] == {"report": {"log-group": GROUP}}
    (up,) = [kw for name, kw in deployable.stacks["test"].calls if name == "up"]
    assert any(t.endswith("ScheduledJob::report") for t in up["target"])
    assert "5. verify ..." in out.stderr and "now runs from the new stack" in out.stderr

    again = jobs("migrate", "copilot", "--apply", "--yes")
    assert again.exit_code == 0, again.output
    assert "Every job is migrated already" in again.stderr
    assert "[done] verify" in again.stdout


def test_apply_needs_confirmation(seeded):
    out = jobs("migrate", "copilot", "--apply")
    assert out.exit_code == 1
    assert "needs confirmation and this is not a terminal" in out.stderr
    assert "Traceback" not in out.output
    assert stack_status() == "CREATE_COMPLETE"


def test_a_run_in_progress_blocks_the_apply(seeded):
    sfn = boto3.client("stepfunctions", region_name=c.REGION)
    machine = sfn.list_state_machines()["stateMachines"][0]["stateMachineArn"]
    sfn.start_execution(stateMachineArn=machine)
    out = jobs("migrate", "copilot", "--apply", "--yes")
    assert out.exit_code == 1
    assert "cannot migrate yet; nothing was changed" in out.stderr
    assert "run(s) of report in test are in progress" in out.stderr
    assert stack_status() == "CREATE_COMPLETE"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--env", "prod"], "unknown environment: prod", id="env"),
        pytest.param(["--app", "other"], "no Copilot application 'other'", id="app"),
        pytest.param(["nightly"], "unknown job: nightly", id="job"),
        pytest.param(["--copilot-dir", "elsewhere"], "no Copilot workspace in", id="workspace"),
    ],
)
def test_mistakes_are_one_message(seeded, args, message):
    out = jobs("migrate", "copilot", *args)
    assert out.exit_code == 1
    assert message in out.stderr
    assert "Traceback" not in out.output


def test_missing_credentials(seeded, monkeypatch, tmp_path):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    out = jobs("migrate", "copilot")
    assert out.exit_code == 1
    assert "no AWS credentials found" in out.stderr
    assert "Traceback" not in out.output


def test_the_plan_does_not_import_pulumi(seeded, repo):
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from scheduled_jobs.cli.main import app\n"
        "out = CliRunner().invoke(app, ['migrate', 'copilot', '--json'])\n"
        "assert out.exit_code == 0, out.output\n"
        "heavy = [m for m in ('pulumi', 'pulumi_aws') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    from tests.paths import ROOT

    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=repo, env=env, timeout=120)
