"""Discovery against moto: SSM, the environment stack and the job stack as Copilot left them."""

from __future__ import annotations

import boto3
import pytest

from scheduled_jobs.cli.migrate.discover import Clients, discover
from scheduled_jobs.cli.migrate.workspace import read_workspace
from scheduled_jobs.cli.output import UserError
from tests.cli.migrate import copilot_app as c


def _discover(seeded, **kwargs):
    return discover(read_workspace(seeded.root / "copilot"), Clients(), **kwargs)


def test_application_environments_and_left_alone(seeded):
    found = _discover(seeded)
    assert (found.app, found.account, found.app_tags) == ("shop", c.ACCOUNT, {"team": "data"})
    assert found.jobs == ["report"]
    assert found.left_alone == {"api": "Backend Service"}
    env = found.environments["test"]
    cfn = boto3.client("cloudformation", region_name=c.REGION)
    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in cfn.describe_stacks(StackName="shop-test")["Stacks"][0]["Outputs"]
    }
    assert env.region == c.REGION and env.stack == "shop-test"
    assert env.outputs == outputs
    assert env.subnets("PublicSubnets") == outputs["PublicSubnets"].split(",")
    assert len(env.subnets("PrivateSubnets")) == 2
    assert env.execution_role_arn.endswith(":role/shop-test-CFNExecutionRole")


def test_job_stack(seeded):
    stack = _discover(seeded).stacks[("test", "report")]
    assert (stack.name, stack.status) == ("shop-test-report", "CREATE_COMPLETE")
    assert {r.logical_id: r.type for r in stack.resources} == {
        "LogGroup": "AWS::Logs::LogGroup",
        "EnvControllerRole": "AWS::IAM::Role",
        "EnvControllerFunction": "AWS::Lambda::Function",
        "ExecutionRole": "AWS::IAM::Role",
        "TaskRole": "AWS::IAM::Role",
        "TaskDefinition": "AWS::ECS::TaskDefinition",
        "StateMachineRole": "AWS::IAM::Role",
        "StateMachine": "AWS::StepFunctions::StateMachine",
        "RuleRole": "AWS::IAM::Role",
        "Rule": "AWS::Events::Rule",
        "AddonsStack": "AWS::CloudFormation::Stack",
    }
    assert stack.resource("LogGroup").physical_id == "/copilot/shop-test-report"
    assert stack.parameters["Schedule"] == c.SCHEDULE
    assert stack.parameters["LogRetention"] == str(c.RETENTION)
    assert stack.tags["copilot-service"] == "report"
    assert stack.role_arn.endswith(":role/shop-test-CFNExecutionRole")
    assert stack.retained == frozenset()
    assert stack.rule.schedule == c.SCHEDULE and stack.rule.state == "ENABLED"
    assert stack.rule.targets == (stack.resource("StateMachine").physical_id,)
    assert stack.running == 0
    assert stack.log_group.exists and stack.log_group.streams == len(c.STREAMS)
    assert stack.log_group.retention == c.RETENTION
    assert stack.log_group.tags == {
        "team": "data",
        "copilot-application": "shop",
        "copilot-environment": "test",
        "copilot-service": "report",
    }
    assert stack.collisions == {}


def test_ours_colliding_outside_the_stack(seeded):
    boto3.client("events", region_name=c.REGION).put_rule(
        Name="shop-test-report", ScheduleExpression="rate(1 hour)"
    )
    stack = _discover(seeded).stacks[("test", "report")]
    assert stack.collisions == {"AWS::Events::Rule": "shop-test-report"}


def test_a_job_never_deployed_in_an_environment(aws, repo):
    c.write_workspace(repo)
    c.write_ssm()
    stack = _discover(c.Seeded(repo, "shop", "test", "report", "", "", "")).stacks[
        ("test", "report")
    ]
    assert stack.status is None and stack.resources == ()
    assert stack.log_group.exists is False


@pytest.mark.parametrize(
    ("kwargs", "message", "hint"),
    [
        pytest.param({"app": "nope"}, "no Copilot application 'nope'", "AWS_REGION", id="app"),
        pytest.param({"envs": ["prod"]}, "unknown environment: prod", "test", id="env"),
        pytest.param({"jobs": ["api", "x"]}, "unknown jobs: api, x", "report", id="jobs"),
    ],
)
def test_unknown_names(seeded, kwargs, message, hint):
    with pytest.raises(UserError) as caught:
        _discover(seeded, **kwargs)
    assert message in caught.value.message
    assert hint in caught.value.hint


def test_job_without_a_manifest_in_the_workspace(seeded):
    (seeded.root / "copilot" / "report" / "manifest.yml").unlink()
    with pytest.raises(UserError, match="no manifest in .* for job report"):
        _discover(seeded)


def test_missing_credentials_are_one_message(seeded, monkeypatch, tmp_path):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(UserError, match="no AWS credentials found"):
        _discover(seeded)
