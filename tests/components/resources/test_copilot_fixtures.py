"""Copilot's own scheduled-job test manifests (tests/testdata/copilot/, reconstructed from the
reference) load and render what Copilot's template carries for them (reference section 3): the
rule, the state machine's run, retry and timeout, the task definition, the roles."""

from __future__ import annotations

import json
from pathlib import Path

import botocore.session
import pytest
from botocore.validate import ParamValidator

from tests.components.resources.test_scheduled_job import aws_payloads
from tests.paths import TESTDATA

COPILOT = TESTDATA / "copilot"
PRIVATE = ["subnet-0private0000000a", "subnet-0private0000000b"]
CONFIG = {
    "scheduled-jobs:app": "demo",
    "scheduled-jobs:subnets": ["subnet-0public00000000a"],
    "scheduled-jobs:privateSubnets": PRIVATE,
}

# fixture file, environment, schedule expression, retries, timeout seconds, placement
CASES = [
    pytest.param("job.yml", "test", "cron(0 12 ? * MON *)", 3, 3600, "public",
                 id="integration-job-efs-publish-sidecars"),
    pytest.param("fully-specified-placement.yml", "phonetool", "cron(0 */2 * * ? *)", 3, 5400,
                 "private", id="fully-specified-placement-private-env"),
    pytest.param("fully-specified-placement.yml", "dev", "cron(0 */2 * * ? *)", 3, 5400,
                 "public", id="fully-specified-placement-default-env"),
    pytest.param("no-retries.yml", "dev", "rate(300 minutes)", 0, 10800, "public",
                 id="no-retries"),
    pytest.param("no-timeout.yml", "dev", "rate(300 minutes)", 5, None, "public",
                 id="no-timeout"),
    pytest.param("no-timeout-or-retries.yml", "dev", "cron(0 0 ? * 1 *)", 0, None, "public",
                 id="no-timeout-or-retries"),
]  # fmt: skip


def render(file: str, env: str) -> dict[str, list[dict]]:
    from scheduled_jobs.components.tools.render import render_jobs

    stem = Path(file).stem
    resources = render_jobs(COPILOT, [stem], project="scheduled-jobs", stack=env, config=CONFIG,
                            region="us-east-1", manifests={stem: COPILOT / file})  # fmt: skip
    by_type: dict[str, list[dict]] = {}
    for resource in resources:
        by_type.setdefault(resource["type"], []).append(resource)
    return by_type


# The failure alerts add a rule, its target and a topic of their own (an addition Copilot
# has not got); what Copilot deploys is the schedule's rule and target, and the published topic.
ALERTS = ("-alerts-", "-failures", "job-failures")


def only(by_type, kind) -> dict:
    (resource,) = [r for r in by_type[kind] if not any(a in r["name"] for a in ALERTS)]
    return resource["inputs"]


@pytest.mark.parametrize(("file", "env", "schedule", "retries", "timeout", "placement"), CASES)
def test_copilot_fixture_renders_what_copilot_deploys(
    monkeypatch, file, env, schedule, retries, timeout, placement
):
    monkeypatch.setenv("SCHEDULED_JOBS_IMAGE_TAG", "fixture")
    by_type = render(file, env)
    job = next(r["name"] for r in by_type["scheduled-jobs:index:ScheduledJob"])
    stem = f"demo-{env}-{job}"

    rule = only(by_type, "aws:cloudwatch/eventRule:EventRule")
    assert (rule["name"], rule["scheduleExpression"], rule["state"]) == (stem, schedule, "ENABLED")
    target = only(by_type, "aws:cloudwatch/eventTarget:EventTarget")
    assert target["targetId"] == "statemachine"

    machine = only(by_type, "aws:sfn/stateMachine:StateMachine")
    assert (machine["name"], machine["type"]) == (stem, "STANDARD")
    assert machine["loggingConfiguration"]["level"] == "ALL"
    definition = json.loads(machine["definition"])
    assert definition.get("TimeoutSeconds") == timeout
    run = definition["States"]["Run Fargate Task"]
    parameters = run["Parameters"]
    assert (parameters["LaunchType"], parameters["PlatformVersion"]) == ("FARGATE", "LATEST")
    assert parameters["PropagateTags"] == "TASK_DEFINITION"
    assert parameters["Group.$"] == "$$.Execution.Name"
    network = parameters["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == ("ENABLED" if placement == "public" else "DISABLED")
    if placement == "private":
        assert network["Subnets"] == PRIVATE
    if retries:
        assert run["Retry"] == [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10,
                                 "MaxAttempts": retries, "BackoffRate": 1.5}]  # fmt: skip
    else:
        assert "Retry" not in run

    task = only(by_type, "aws:ecs/taskDefinition:TaskDefinition")
    assert (task["family"], task["cpu"], task["memory"]) == (stem, "256", "512")
    assert (task["networkMode"], task["requiresCompatibilities"]) == ("awsvpc", ["FARGATE"])
    containers = json.loads(task["containerDefinitions"])
    assert containers[0]["name"] == job and containers[0]["essential"] is True
    names = [v["name"] for v in containers[0]["environment"]][:4]
    assert names == ["COPILOT_APPLICATION_NAME", "COPILOT_SERVICE_DISCOVERY_ENDPOINT",
                     "COPILOT_ENVIRONMENT_NAME", "COPILOT_SERVICE_NAME"]  # fmt: skip
    assert containers[0]["logConfiguration"]["options"]["awslogs-stream-prefix"] == "copilot"
    group = only(by_type, "aws:cloudwatch/logGroup:LogGroup")
    assert (group["name"], group["retentionInDays"]) == (f"/copilot/{stem}", 30)

    roles = {r["name"] for r in by_type["aws:iam/role:Role"]}
    kinds = ("task-role", "execution-role", "state-machine-role", "rule-role")
    assert roles == {f"{job}-{kind}" for kind in kinds}

    shapes = botocore.session.get_session()
    for service, operation, payload in aws_payloads([r for rs in by_type.values() for r in rs]):
        shape = shapes.get_service_model(service).operation_model(operation).input_shape
        report = ParamValidator().validate(payload, shape)
        assert not report.has_errors(), f"{service}.{operation}: {report.generate_report()}"


def test_integration_job_carries_efs_publish_sidecars_secrets_and_groups():
    by_type = render("job.yml", "test")
    task = only(by_type, "aws:ecs/taskDefinition:TaskDefinition")
    assert task["ephemeralStorage"] == {"sizeInGib": 200}
    main, nginx = json.loads(task["containerDefinitions"])
    assert main["dependsOn"] == [{"containerName": "nginx", "condition": "START"}]
    assert main["dockerLabels"] == {
        "com.amazonaws.ecs.copilot.description": "Hello world!",
        "com.amazonaws.ecs.copilot.coollabel": "Synecdoche",  # the `test` override, merged
    }
    secrets = {s["name"]: s["valueFrom"] for s in main["secrets"]}
    assert secrets == {
        "SQL_PASS": "arn:aws:ssm:us-east-1:123456789012:parameter/SQL_PASS",
        # The export holds a parameter name (here the placeholder): made an ARN, like names.
        "GIT_USERNAME": "arn:aws:ssm:us-east-1:123456789012:parameter/<export stack-SSMGHUserName>",
        "DB": "arn:aws:secretsmanager:us-east-1:123456789012:secret:demo/test/mysql",
    }
    env = {v["name"]: v["value"] for v in main["environment"]}
    arn = "arn:aws:sns:us-east-1:123456789012:demo-test-job-mytopic.fifo"
    assert env["COPILOT_SNS_TOPIC_ARNS"] == json.dumps({"mytopic.fifo": arn},
                                                       separators=(",", ":"))  # fmt: skip
    assert env["COPILOT_MOUNT_POINTS"] == '{"managedEFSVolume":"/etc/mount1"}'
    assert env["DB_NAME"] == "<export MYDB>"
    assert main["mountPoints"] == [{"sourceVolume": "managedEFSVolume",
                                    "containerPath": "/etc/mount1", "readOnly": False}]  # fmt: skip
    # The orders of Copilot's rendered stack for this manifest (copilot-cli
    # internal/pkg/deploy/cloudformation/stack/testdata/workloads/job-test.stack.yml): secrets
    # sorted though the manifest lists SQL_PASS, GIT_USERNAME, DB; variables between the
    # injected ones and COPILOT_MOUNT_POINTS.
    copilot_first = [
        "COPILOT_APPLICATION_NAME",
        "COPILOT_SERVICE_DISCOVERY_ENDPOINT",
        "COPILOT_ENVIRONMENT_NAME",
        "COPILOT_SERVICE_NAME",
        "COPILOT_SNS_TOPIC_ARNS",
    ]
    assert [s["name"] for s in main["secrets"]] == ["DB", "GIT_USERNAME", "SQL_PASS"]
    assert [s["name"] for s in nginx["secrets"]] == ["DB", "GIT_USERNAME", "SQL_PASS"]
    assert [v["name"] for v in main["environment"]] == [
        *copilot_first,
        "DB_NAME",
        "COPILOT_MOUNT_POINTS",
    ]
    assert [v["name"] for v in nginx["environment"]] == [*copilot_first, "NGINX_PORT",
                                                         "COPILOT_MOUNT_POINTS"]  # fmt: skip
    nginx_env = {v["name"]: v["value"] for v in nginx["environment"]}
    assert nginx_env["NGINX_PORT"] == "8080"
    assert nginx_env["COPILOT_MOUNT_POINTS"] == '{"managedEFSVolume":"/var/www"}'
    assert nginx["portMappings"] == [{"containerPort": 8080, "protocol": "tcp"}]
    assert nginx["dockerLabels"] == {
        "com.amazonaws.ecs.copilot.sidecars.nginx.description": "tricky"
    }
    assert nginx["mountPoints"][0]["readOnly"] is True  # Copilot's default
    topic = only(by_type, "aws:sns/topic:Topic")
    assert (topic["name"], topic["fifoTopic"]) == ("demo-test-job-mytopic.fifo", True)
    point = only(by_type, "aws:efs/accessPoint:AccessPoint")
    assert point["rootDirectory"]["path"] == "/job"
    (volume,) = task["volumes"]
    assert volume["name"] == "managedEFSVolume"
    assert volume["efsVolumeConfiguration"]["authorizationConfig"]["iam"] == "ENABLED"
    definition = json.loads(only(by_type, "aws:sfn/stateMachine:StateMachine")["definition"])
    groups = definition["States"]["Run Fargate Task"]["Parameters"]["NetworkConfiguration"][
        "AwsvpcConfiguration"]["SecurityGroups"]  # fmt: skip
    assert groups[1:] == [
        "sg-0c10c4fe23f5e5361",
        "sg-09295097b2a41b59d",
        "<export MyUserDBAccessSecurityGroup1>",
        "<export MyUserDBAccessSecurityGroup2>",
    ]  # environment's first
    policies = {r["name"]: json.loads(r["inputs"]["policy"])
                for r in by_type["aws:iam/rolePolicy:RolePolicy"]}  # fmt: skip
    task_sids = [s["Sid"] for s in policies["job-task-role-policy"]["Statement"]]
    assert task_sids == ["DenyIAM", "Publish2SNS", "GrantEFSAccess0"]
