"""The plan is pure: a discovered job stack (plain data) in, actions and steps out."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from scheduled_jobs.cli.migrate.discover import JobStack, LogGroup, Resource, Rule
from scheduled_jobs.cli.migrate.plan import Expected, classify, plan_job, retained_ids, text_lines

TAGS = {
    "team": "data",
    "copilot-application": "shop",
    "copilot-environment": "test",
    "copilot-service": "report",
}
EXPECTED = Expected(
    schedule="cron(0 9 ? * 2-6 *)", retention=14, tags=TAGS, project="scheduled-jobs"
)
GROUP = "/copilot/shop-test-report"
MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:shop-test-report"
RESOURCES = (
    Resource("LogGroup", "AWS::Logs::LogGroup", GROUP, "CREATE_COMPLETE"),
    Resource(
        "EnvControllerAction", "Custom::EnvControllerFunction", "envcontoller/x", "CREATE_COMPLETE"
    ),
    Resource("EnvControllerFunction", "AWS::Lambda::Function", "fn", "CREATE_COMPLETE"),
    Resource("EnvControllerRole", "AWS::IAM::Role", "r0", "CREATE_COMPLETE"),
    Resource("ExecutionRole", "AWS::IAM::Role", "r1", "CREATE_COMPLETE"),
    Resource("TaskDefinition", "AWS::ECS::TaskDefinition", "td:1", "CREATE_COMPLETE"),
    Resource("StateMachine", "AWS::StepFunctions::StateMachine", MACHINE, "CREATE_COMPLETE"),
    Resource("Rule", "AWS::Events::Rule", "shop-test-report-Rule-X", "CREATE_COMPLETE"),
    Resource("AddonsStack", "AWS::CloudFormation::Stack", "arn:stack/addons", "CREATE_COMPLETE"),
)
STACK = JobStack(
    app="shop",
    env="test",
    job="report",
    name="shop-test-report",
    status="CREATE_COMPLETE",
    resources=RESOURCES,
    parameters={"Schedule": "cron(0 9 ? * 2-6 *)", "AddonsTemplateURL": ""},
    rule=Rule("shop-test-report-Rule-X", "cron(0 9 ? * 2-6 *)", "ENABLED", (MACHINE,)),
    log_group=LogGroup(GROUP, True, 14, dict(TAGS), None, 2),
)


@pytest.mark.parametrize(
    ("logical_id", "kind", "action"),
    [
        pytest.param("LogGroup", "AWS::Logs::LogGroup", "adopt", id="log-group"),
        pytest.param("StateMachine", "AWS::StepFunctions::StateMachine", "replace", id="sfn"),
        pytest.param("Rule", "AWS::Events::Rule", "replace", id="rule"),
        pytest.param("TaskDefinition", "AWS::ECS::TaskDefinition", "replace", id="taskdef"),
        pytest.param("TaskRole", "AWS::IAM::Role", "replace", id="task-role"),
        pytest.param("EnvControllerRole", "AWS::IAM::Role", "remove", id="controller-role"),
        pytest.param("EnvControllerFunction", "AWS::Lambda::Function", "remove", id="lambda"),
        pytest.param("EnvControllerAction", "Custom::EnvControllerFunction", "keep", id="custom"),
        pytest.param("AddonsStack", "AWS::CloudFormation::Stack", "keep", id="addons"),
        pytest.param("ReportSNSTopic", "AWS::SNS::Topic", "keep", id="topic"),
        pytest.param("Thing", "AWS::Some::New", "keep", id="unknown-kept"),
    ],
)
def test_classify(logical_id, kind, action):
    assert (
        classify(Resource(logical_id, kind, "id", "x"), "shop", "test", "report").action == action
    )


def test_plan_of_a_copilot_job():
    plan = plan_job(STACK, EXPECTED)
    assert plan.imports == {"log-group": GROUP}
    assert retained_ids(plan.actions) == ["LogGroup", "EnvControllerAction", "AddonsStack"]
    assert [s.step for s in plan.steps] == [
        "retain",
        "remove-stack",
        "write-imports",
        "deploy",
        "verify",
    ]
    assert not any(s.done for s in plan.steps)
    assert plan.problems == []
    replaced = {a.logical_id: a.detail for a in plan.actions if a.action == "replace"}
    assert "same name shop-test-report" in replaced["StateMachine"]
    assert "created again as shop-test-report" in replaced["Rule"]


def test_json_is_plain_data_with_stable_keys():
    data = json.loads(json.dumps(plan_job(STACK, EXPECTED).to_json()))
    assert set(data) == {
        "env", "job", "stack", "stackStatus", "resources", "imports", "steps", "problems",
        "warnings", "noSchedule", "rollback",
    }  # fmt: skip
    assert data["resources"][0] == {
        "logicalId": "LogGroup",
        "type": "AWS::Logs::LogGroup",
        "physicalId": GROUP,
        "action": "adopt",
        "detail": data["resources"][0]["detail"],
    }
    assert data["steps"][0]["step"] == "retain" and data["steps"][0]["done"] is False


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        pytest.param({"running": 1}, "run(s) of report in test are in progress", id="running"),
        pytest.param(
            {"collisions": {"AWS::StepFunctions::StateMachine": MACHINE + "-x"}},
            "already exists outside the Copilot stack",
            id="collision",
        ),
        pytest.param({"status": "UPDATE_IN_PROGRESS"}, "is UPDATE_IN_PROGRESS", id="busy"),
        pytest.param(
            {"log_group": LogGroup(GROUP, True, 30, dict(TAGS), None, 2)},
            "keeps logs 30 days, the manifest says 14",
            id="retention",
        ),
        pytest.param(
            {"log_group": LogGroup(GROUP, True, 14, {"copilot-application": "shop"}, None, 2)},
            "aws logs tag-log-group --log-group-name /copilot/shop-test-report --tags "
            "copilot-environment=test,copilot-service=report,team=data",
            id="tags",
        ),
        pytest.param(
            {"log_group": LogGroup(GROUP, True, 14, dict(TAGS), "arn:kms:key", 2)},
            "encrypted with arn:kms:key",
            id="kms",
        ),
    ],
)
def test_problems_block_the_apply(change, problem):
    plan = plan_job(replace(STACK, **change), EXPECTED)
    assert any(problem in p for p in plan.problems), plan.problems


def test_a_changed_schedule_is_a_warning():
    plan = plan_job(STACK, replace(EXPECTED, schedule="rate(1 hour)"))
    assert plan.problems == []
    assert any("schedule changes" in w for w in plan.warnings)


def test_steps_done_from_what_aws_and_the_project_say():
    retained = replace(
        STACK, retained=frozenset({"LogGroup", "EnvControllerAction", "AddonsStack"})
    )
    assert [s.done for s in plan_job(retained, EXPECTED).steps] == [
        True,
        False,
        False,
        False,
        False,
    ]
    record = {
        "resources": [r.__dict__ for r in RESOURCES],
        "rule": {"name": "r", "schedule": "cron(0 9 ? * 2-6 *)", "state": "ENABLED", "targets": []},
    }
    gone = replace(STACK, status=None, resources=(), rule=None, retained=frozenset())
    plan = plan_job(gone, EXPECTED, record=record, written={"log-group": GROUP})
    assert [s.done for s in plan.steps] == [True, True, True, False, False]
    assert plan.imports == {"log-group": GROUP}  # from the saved record
    assert plan.problems == []
    plan = plan_job(gone, EXPECTED, record=record, written={"log-group": GROUP}, verified=True)
    assert plan.done


def test_no_stack_and_no_record_is_nothing_to_migrate():
    gone = replace(STACK, status=None, resources=(), rule=None)
    assert "not deployed in test" in plan_job(gone, EXPECTED).problems[0]


def test_text_names_every_resource_and_the_gap():
    now = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # a Tuesday
    lines = text_lines(plan_job(STACK, EXPECTED, now=now))
    text = "\n".join(lines)
    for resource in RESOURCES:
        assert resource.logical_id in text
    assert "1. [todo] retain" in text and "5. [todo] verify" in text
    assert "the next run is due 2026-12-02 09:00 UTC" in text
    assert "going back:" in text


def test_addons_are_deployed_by_the_new_stack_and_the_plan_says_what_that_means():
    """Addons deploy now (components/convert/addons.py): the plan must not say their outputs no
    longer reach the job, and must say the new stack's resources are new (data stays behind)."""
    url = "https://b.s3/x.yml"
    with_addons = replace(STACK, parameters={**STACK.parameters, "AddonsTemplateURL": url})
    plan = plan_job(with_addons, EXPECTED)
    (warning,) = [w for w in plan.warnings if "addons" in w]
    assert "no longer reach" not in warning
    assert "the deploy creates shop-test-report-AddonsStack from manifests/report/addons/" in (
        warning
    )
    assert "reach the job as Copilot's did" in warning
    assert "data is not moved" in warning and "fixed name" in warning
    (kept,) = [a for a in plan.actions if a.logical_id == "AddonsStack"]
    assert kept.action == "keep"
    assert "no longer reach" not in kept.detail
    assert "creates shop-test-report-AddonsStack anew from manifests/report/addons/" in kept.detail
    assert plan_job(STACK, EXPECTED).warnings == []  # no addons: nothing said
