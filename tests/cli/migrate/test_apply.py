"""Apply against moto: the AWS steps for real (retain, stack removal), the Pulumi step through
the Automation API stand-in (tests/cli/fake_stacks.py), failures and reruns.

The stand-in runs no program, so it creates nothing in AWS: where a test needs what the deploy
would have created (our rule and state machine, for the verify step), it creates them in moto
itself, named as components/convert/naming.py names them.
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
import yaml

from scheduled_jobs.cli.migrate import apply
from scheduled_jobs.cli.migrate.discover import Clients, discover
from scheduled_jobs.cli.migrate.plan import Expected, plan_job
from scheduled_jobs.cli.migrate.project import write_project
from scheduled_jobs.cli.migrate.template import load
from scheduled_jobs.cli.migrate.workspace import read_workspace
from scheduled_jobs.cli.output import UserError
from tests.cli.fake_stacks import FakeStack, job_steps
from tests.cli.migrate import copilot_app as c

GROUP = "/copilot/shop-test-report"
MACHINE = f"arn:aws:states:us-east-1:{c.ACCOUNT}:stateMachine:shop-test-report"
TAGS = {
    "team": "data",
    "copilot-application": "shop",
    "copilot-environment": "test",
    "copilot-service": "report",
}
EXPECTED = Expected(schedule=c.SCHEDULE, retention=14, tags=TAGS, project="scheduled-jobs")


def client(name):
    return boto3.client(name, region_name=c.REGION)


def current(project):
    """Discover and plan again, as a new run of the command does."""
    found = discover(read_workspace(project.root / "copilot"), Clients())
    stack = found.stacks[("test", "report")]
    record = apply.read_record(project, stack.name)
    plan = plan_job(
        stack,
        EXPECTED,
        record=record,
        written=apply.written_imports(project, "test", "report"),
        verified=bool((record or {}).get("verified")),
    )
    return found, stack, plan


@pytest.fixture
def migration(seeded, project, automation, monkeypatch):
    """The project written from the seeded application; the stand-in records, for every `up`,
    the stack file the program would have read."""
    found = discover(read_workspace(seeded.root / "copilot"), Clients())
    write_project(project, found)
    automation.steps = job_steps("test", "report")
    seen: list[dict] = []
    original = FakeStack.up

    def up(self, **kwargs):
        path = Path(self.workspace.work_dir) / f"Pulumi.{self.name}.yaml"
        seen.append({"config": yaml.safe_load(path.read_text())["config"], "kwargs": kwargs})
        return original(self, **kwargs)

    monkeypatch.setattr(FakeStack, "up", up)
    automation.seen = seen
    return found


def context(project, found, deploy=None):
    return apply.Context(
        project=project,
        clients=Clients(),
        env=found.environments["test"],
        expected=EXPECTED,
        deploy=deploy or apply.seam_deploy(project, None),
    )


def create_ours():
    """What the deploy creates that verify looks at: our state machine and rule."""
    client("stepfunctions").create_state_machine(
        name="shop-test-report",
        definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}),
        roleArn=f"arn:aws:iam::{c.ACCOUNT}:role/ours",
    )
    client("events").put_rule(Name="shop-test-report", ScheduleExpression=c.SCHEDULE)
    client("events").put_targets(
        Rule="shop-test-report", Targets=[{"Id": "statemachine", "Arn": MACHINE}]
    )


def test_retain_then_remove_keeps_the_log_group_and_nothing_collides(migration, project):
    found, stack, plan = current(project)
    ctx = context(project, found)
    addons = stack.resource("AddonsStack").physical_id
    buckets = {b["Name"] for b in client("s3").list_buckets()["Buckets"]}
    apply.retain(ctx, stack, ["LogGroup", "AddonsStack"])
    cfn = client("cloudformation")
    raw = cfn.get_template(StackName=stack.name)["TemplateBody"]  # botocore parses JSON
    body = load(raw if isinstance(raw, str) else json.dumps(raw))
    assert body["Resources"]["LogGroup"]["DeletionPolicy"] == "Retain"
    assert body["Resources"]["LogGroup"]["UpdateReplacePolicy"] == "Retain"
    assert body["Resources"]["AddonsStack"]["DeletionPolicy"] == "Retain"
    assert "DeletionPolicy" not in body["Resources"]["StateMachine"]
    described = cfn.describe_stacks(StackName=stack.name)["Stacks"][0]
    assert described["StackStatus"] == "UPDATE_COMPLETE"
    assert {p["ParameterKey"]: p["ParameterValue"] for p in described["Parameters"]} == (
        stack.parameters
    )  # every parameter kept its value
    assert client("stepfunctions").describe_state_machine(stateMachineArn=MACHINE)

    apply.remove_stack(ctx, stack)
    assert not [s for s in cfn.list_stacks()["StackSummaries"] if s["StackName"] == stack.name
                and s["StackStatus"] != "DELETE_COMPLETE"]  # fmt: skip
    logs = client("logs")
    streams = logs.describe_log_streams(logGroupName=GROUP)["logStreams"]
    assert sorted(s["logStreamName"] for s in streams) == sorted(c.STREAMS)
    events = logs.get_log_events(
        logGroupName=GROUP, logStreamName=c.STREAMS[0], startFromHead=True
    )["events"]
    assert [e["message"] for e in events] == [f"past run in {c.STREAMS[0]}"]
    assert (
        logs.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"][0]["retentionInDays"]
        == c.RETENTION
    )
    # Nothing left with the names ours will use, or that would run the job twice.
    assert client("stepfunctions").list_state_machines()["stateMachines"] == []
    assert client("events").list_rules(NamePrefix="shop-test-report")["Rules"] == []
    assert [
        r for r in client("iam").list_roles()["Roles"] if "shop-test-report" in r["RoleName"]
    ] == []
    assert client("lambda").list_functions()["Functions"] == []
    # The task definition family is not a collision: ours registers the next revision of it.
    # (CloudFormation deregisters Copilot's revision on delete; moto's leaves it ACTIVE.)
    # The addons stack is kept, with its bucket (the job's data).
    kept = cfn.describe_stacks(StackName=addons)["Stacks"][0]
    assert kept["StackStatus"] == "CREATE_COMPLETE"
    assert {b["Name"] for b in client("s3").list_buckets()["Buckets"]} == buckets
    # The environment stack is untouched.
    assert cfn.describe_stacks(StackName="shop-test")["Stacks"][0]["StackStatus"] == (
        "CREATE_COMPLETE"
    )
    _, again, _ = current(project)
    assert again.collisions == {} and again.status is None


def test_apply_end_to_end_with_a_rerun(migration, project, automation):
    found, stack, plan = current(project)
    assert plan.problems == []
    with pytest.raises(UserError) as caught:
        apply.apply_job(context(project, found), plan, stack)
    # The Pulumi step ran once, for this job, with the import IDs in the stack file.
    (up,) = automation.seen
    assert up["config"]["scheduled-jobs:imports"] == {"report": {"log-group": GROUP}}
    assert up["config"]["scheduled-jobs:cluster"] == found.environments["test"].outputs["ClusterId"]
    targets = up["kwargs"]["target"]
    assert "urn:pulumi:test::scheduled-jobs::scheduled-jobs:index:ScheduledJob::report" in targets
    # The stand-in created nothing, so verification fails and says where things stand.
    message = caught.value.message
    assert "step 5 (verify) failed: rule shop-test-report does not exist" in message
    assert "stack shop-test-report: deleted" in message
    assert f"log group {GROUP}: exists, 2 stream(s)" in message
    assert "migrate copilot --env test report --apply" in caught.value.hint
    record = json.loads(
        (project.root / ".scheduled-jobs/migrate/shop-test-report.json").read_text()
    )
    assert record["rule"]["schedule"] == c.SCHEDULE
    assert "LogGroup" in record["template"]
    assert record.get("verified") is None

    create_ours()  # as the real deploy would have
    found, stack, plan = current(project)
    assert [s.done for s in plan.steps] == [True, True, True, False, False]
    apply.apply_job(context(project, found), plan, stack)
    assert len(automation.seen) == 2
    assert automation.seen[1]["config"]["scheduled-jobs:imports"]["report"] == {"log-group": GROUP}
    found, stack, plan = current(project)
    assert plan.done
    assert (
        json.loads((project.root / ".scheduled-jobs/migrate/shop-test-report.json").read_text())[
            "verified"
        ]
        is True
    )


def test_a_failed_step_stops_reports_and_the_rerun_continues(migration, project, monkeypatch):
    found, stack, plan = current(project)

    def broken(ctx, stack):
        raise apply.StepFailed("stack shop-test-report ended DELETE_FAILED: role is gone")

    working = apply.remove_stack
    monkeypatch.setattr(apply, "remove_stack", broken)
    with pytest.raises(UserError) as caught:
        apply.apply_job(context(project, found, deploy=lambda env, job: None), plan, stack)
    message = caught.value.message
    assert "step 2 (remove-stack) failed: stack shop-test-report ended DELETE_FAILED" in message
    assert "stack shop-test-report: UPDATE_COMPLETE, Retain on AddonsStack, LogGroup" in message
    assert "LogGroup (AWS::Logs::LogGroup)" in message
    assert "continues with step 2" in caught.value.hint
    assert "going back" in caught.value.hint.lower()
    assert apply.written_imports(project, "test", "report") == {}  # stopped at step 2

    monkeypatch.setattr(apply, "remove_stack", working)
    calls = []
    found, stack, plan = current(project)
    assert [s.done for s in plan.steps] == [True, False, False, False, False]
    create_ours_later = lambda env, job: (calls.append((env, job)), create_ours())  # noqa: E731
    apply.apply_job(context(project, found, deploy=create_ours_later), plan, stack)
    assert calls == [("test", "report")]
    assert apply.written_imports(project, "test", "report") == {"log-group": GROUP}
    assert current(project)[2].done


def test_running_twice_after_success_does_nothing(migration, project):
    found, stack, plan = current(project)
    apply.apply_job(context(project, found, deploy=lambda env, job: create_ours()), plan, stack)
    found, stack, plan = current(project)
    assert plan.done
    apply.apply_job(context(project, found, deploy=lambda *a: pytest.fail("deployed")), plan, stack)


def test_a_failed_deploy_says_what_pulumi_said_and_the_rerun_deploys_again(
    migration, project, automation
):
    automation.fail("up", "error: inputs to import do not match the existing resource")
    found, stack, plan = current(project)
    with pytest.raises(UserError) as caught:
        apply.apply_job(context(project, found), plan, stack)
    message = caught.value.message
    assert "step 4 (deploy) failed: deploy to test failed:" in message
    assert "inputs to import do not match the existing resource" in message
    assert f"log group {GROUP}: exists, 2 stream(s)" in message
    assert "rule shop-test-report: not created" in message
    assert "continues with step 4" in caught.value.hint

    automation.failures.clear()
    create_ours()
    found, stack, plan = current(project)
    assert [s.done for s in plan.steps] == [True, True, True, False, False]
    apply.apply_job(context(project, found), plan, stack)
    assert len(automation.seen) == 2 and current(project)[2].done
