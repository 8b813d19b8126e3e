"""The ScheduledJob component under Pulumi mocks: the inputs of every resource it registers,
for each manifest in tests/testdata, checked against Copilot's template, botocore's service
models and asl-validator."""

import json

import botocore.session
import pytest
from botocore.validate import ParamValidator

from scheduled_jobs.components.errors import ManifestError
from tests.paths import TESTDATA

TESTDATA_FILES = [
    "minimal.yml",
    "fully-specified.yml",
    "arm64.yml",
    "sidecars.yml",
    "secrets.yml",
    "env-file.yml",
    "none-schedule.yml",
    "env-overrides.yml",
    "private-placement.yml",
    "addons.yml",
    "taskdef-overrides.yml",
    "publish.yml",
    "exec.yml",
    "efs.yml",
    "efs-managed.yml",
    "firelens.yml",
    "beyond-copilot.yml",
]
PRIVATE = {"scheduled-jobs:privateSubnets": ["subnet-0private0000000a", "subnet-0private0000000b"]}
COPILOT_TAGS = {"copilot-application", "copilot-environment", "copilot-service"}
UNTAGGABLE = {
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:efs/mountTarget:MountTarget",  # no tags in EFS's CreateMountTarget
    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    "aws:cloudwatch/eventTarget:EventTarget",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:scheduler/schedule:Schedule",  # no tags in Scheduler's API; its group has them
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketPolicy:BucketPolicy",
    "docker-build:index:Image",  # its `tags` are the image's tags
    "scheduled-jobs:index:ScheduledJob",
    "scheduled-jobs:index:Environment",
}


_RENDERS: dict[tuple, list[dict]] = {}


def job_resources(render_testdata, file, env="dev", config=None):
    """Render one testdata manifest (cached: many tests read the same render)."""
    settings = {**PRIVATE, **(config or {})}
    key = (file, env, json.dumps(settings, sort_keys=True))
    if key not in _RENDERS:
        _RENDERS[key] = render_testdata([file], env=env, config=settings)
    resources = _RENDERS[key]
    return {r["type"].split(":")[-1] + ":" + r["name"]: r for r in resources}, resources


def one(resources: list[dict], kind: str) -> dict:
    """The one resource of `kind`, leaving out the failure alerts' rule and targets (see
    `named` for those)."""
    found = [r["inputs"] for r in resources if r["type"] == kind and "-alerts-" not in r["name"]]
    assert len(found) == 1, f"{kind}: {len(found)} resources"
    return found[0]


def named(resources: list[dict], name: str) -> dict:
    return next(r["inputs"] for r in resources if r["name"] == name)


def containers_of(resources) -> list[dict]:
    return json.loads(
        one(resources, "aws:ecs/taskDefinition:TaskDefinition")["containerDefinitions"]
    )


def definition_of(resources) -> dict:
    return json.loads(one(resources, "aws:sfn/stateMachine:StateMachine")["definition"])


def policy_of(resources, name: str) -> dict:
    found = [r for r in resources if r["name"] == name]
    return json.loads(found[0]["inputs"]["policy"])


# --------------------------------------------------------------------- every manifest


@pytest.mark.parametrize("file", TESTDATA_FILES)
def test_every_taggable_resource_carries_the_copilot_tags(render_testdata, file):
    extra = {"scheduled-jobs:tags": {"team": "data"}}
    _, resources = job_resources(render_testdata, file, config=extra)
    for resource in resources:
        if resource["type"] in UNTAGGABLE:
            continue
        tags = resource["inputs"].get("tags") or {}
        # Environment-wide resources serve every job: no copilot-service tag on them.
        shared = resource["name"] == "dev" or resource["name"].startswith("dev-")
        expected = COPILOT_TAGS - {"copilot-service"} if shared else COPILOT_TAGS
        assert set(tags) >= expected | {"team"}, resource["name"]
        assert (tags["copilot-application"], tags["copilot-environment"]) == ("demo", "dev")


@pytest.mark.parametrize("file", TESTDATA_FILES)
def test_children_are_named_after_the_job(render_testdata, file):
    _, resources = job_resources(render_testdata, file)
    jobs = [r["name"] for r in resources if r["type"] == "scheduled-jobs:index:ScheduledJob"]
    assert len(jobs) == 1
    for resource in resources:
        assert resource["name"] == "dev" or resource["name"].startswith(("dev-", jobs[0]))


@pytest.mark.parametrize("file", TESTDATA_FILES)
def test_names_follow_the_naming_contract(render_testdata, file):
    _, resources = job_resources(render_testdata, file)
    job = next(r["name"] for r in resources if r["type"] == "scheduled-jobs:index:ScheduledJob")
    stem = f"demo-dev-{job}"
    assert one(resources, "aws:ecs/taskDefinition:TaskDefinition")["family"] == stem
    assert one(resources, "aws:sfn/stateMachine:StateMachine")["name"] == stem
    triggers = [r["inputs"]["name"] for r in resources
                if r["type"] in ("aws:cloudwatch/eventRule:EventRule",
                                 "aws:scheduler/schedule:Schedule")
                and "-alerts-" not in r["name"]]  # fmt: skip
    assert triggers == [stem]
    assert one(resources, "aws:cloudwatch/logGroup:LogGroup")["name"] == f"/copilot/{stem}"
    assert containers_of(resources)[0]["name"] == job


@pytest.mark.parametrize("file", TESTDATA_FILES)
def test_payloads_are_valid_for_botocore(render_testdata, file):
    _, resources = job_resources(render_testdata, file)
    checked = 0
    for service, operation, payload in aws_payloads(resources):
        shape = SESSION.get_service_model(service).operation_model(operation).input_shape
        report = ParamValidator().validate(payload, shape)
        assert not report.has_errors(), f"{service}.{operation}: {report.generate_report()}"
        checked += 1
    assert checked >= 10


def test_state_machine_definitions_pass_asl_validator(render_testdata, validate_asl):
    definitions = {}
    for file in TESTDATA_FILES:
        _, resources = job_resources(render_testdata, file)
        definitions[file] = one(resources, "aws:sfn/stateMachine:StateMachine")["definition"]
    validate_asl(definitions)


def test_logical_names_are_unique_across_a_render_of_every_job(render_testdata):
    resources = render_testdata(TESTDATA_FILES, config=PRIVATE)
    keys = [(r["type"], r["name"]) for r in resources]
    assert len(keys) == len(set(keys))
    assert sum(r["type"] == "scheduled-jobs:index:ScheduledJob" for r in resources) == len(
        TESTDATA_FILES
    )
    # The environment is built once, whatever the number of jobs.
    assert sum(r["type"] == "scheduled-jobs:index:Environment" for r in resources) == 1


def test_two_manifests_with_one_name_are_refused(tmp_path):

    from scheduled_jobs.components.resources import program
    from scheduled_jobs.components.tools.mocked import render
    from scheduled_jobs.components.tools.render import DuplicateResourceError

    testdata = TESTDATA
    copy = tmp_path / "copy.yml"
    copy.write_text((testdata / "minimal.yml").read_text())
    manifests = {"minimal": testdata / "minimal.yml", "copy": copy}
    with pytest.raises(DuplicateResourceError, match="minimal-task-definition"):
        render(
            lambda: program.run(testdata, manifests=manifests),
            project="scheduled-jobs",
            stack="dev",
            config={},
            region="us-east-1",
        )


# ------------------------------------------------------------------- specific manifests


def test_minimal(render_testdata):
    _, resources = job_resources(render_testdata, "minimal.yml")
    task = one(resources, "aws:ecs/taskDefinition:TaskDefinition")
    assert (task["cpu"], task["memory"]) == ("256", "512")
    assert task["networkMode"] == "awsvpc"
    assert task["requiresCompatibilities"] == ["FARGATE"]
    assert "runtimePlatform" not in task and "ephemeralStorage" not in task
    assert one(resources, "aws:cloudwatch/logGroup:LogGroup")["retentionInDays"] == 30
    rule = one(resources, "aws:cloudwatch/eventRule:EventRule")
    assert (rule["scheduleExpression"], rule["state"]) == ("cron(0 0 * * ? *)", "ENABLED")
    target = one(resources, "aws:cloudwatch/eventTarget:EventTarget")
    assert target["targetId"] == "statemachine"
    assert target["arn"].endswith(":stateMachine:demo-dev-minimal")
    assert target["roleArn"].endswith("minimal-rule-role-0000000")
    doc = definition_of(resources)
    assert "TimeoutSeconds" not in doc
    assert all("Retry" not in s for s in doc["States"].values())
    machine = one(resources, "aws:sfn/stateMachine:StateMachine")
    assert machine["type"] == "STANDARD"
    assert machine["loggingConfiguration"] == {
        "includeExecutionData": True,
        "level": "ALL",
        "logDestination": (
            "arn:aws:logs:us-east-1:123456789012:log-group:/copilot/demo-dev-minimal:*"
        ),
    }
    # A public image: nothing to build, no repository, no ECR permission.
    kinds = {r["type"] for r in resources}
    assert "aws:ecr/repository:Repository" not in kinds and "docker-build:index:Image" not in kinds
    sids = [s["Sid"] for s in policy_of(resources, "minimal-execution-role-policy")["Statement"]]
    assert sids == ["WriteLogs"]
    assert policy_of(resources, "minimal-rule-role-policy")["Statement"][0]["Resource"] == (
        "arn:aws:states:us-east-1:123456789012:stateMachine:demo-dev-minimal"
    )


def test_fully_specified(render_testdata):
    _, resources = job_resources(render_testdata, "fully-specified.yml")
    task = one(resources, "aws:ecs/taskDefinition:TaskDefinition")
    assert (task["cpu"], task["memory"]) == ("1024", "4096")
    assert task["ephemeralStorage"] == {"sizeInGib": 50}
    assert task["volumes"] == [{"name": "scratch"}]
    main, init = containers_of(resources)
    assert main["image"].startswith(
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/dev/report@sha256:"
    )
    assert main["readonlyRootFilesystem"] is True
    assert main["dependsOn"] == [{"containerName": "init", "condition": "COMPLETE"}]
    assert main["environmentFiles"][0]["value"].startswith(
        "arn:aws:s3:::dev-artifacts-0000000/manual/env-files/report.env/"
    )
    assert init["essential"] is False
    image = one(resources, "docker-build:index:Image")
    url = "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/dev/report"
    assert image["tags"] == [f"{url}:test-tag"]
    assert image["target"] == "runtime"
    assert image["buildArgs"] == {"PYTHON_VERSION": "3.12"}
    assert image["platforms"] == ["linux/amd64"]
    # Relative to the project root: no machine's path in the inputs.
    assert image["context"] == {"location": "docker"}
    assert image["dockerfile"] == {"location": "docker/Dockerfile"}
    assert image["push"] is True and image["buildOnPreview"] is False
    assert image["registries"] == [{"address": url, "username": "AWS", "password": "[secret]"}]
    assert main["image"] == f"{url}@sha256:" + main["image"].rsplit(":", 1)[1]
    repository = one(resources, "aws:ecr/repository:Repository")
    assert repository["name"] == "demo/dev/report"
    assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
    lifecycle = json.loads(one(resources, "aws:ecr/lifecyclePolicy:LifecyclePolicy")["policy"])
    assert lifecycle["rules"][0]["selection"]["countType"] == "imageCountMoreThan"
    assert one(resources, "aws:cloudwatch/logGroup:LogGroup")["retentionInDays"] == 90
    doc = definition_of(resources)
    assert doc["TimeoutSeconds"] == 5400
    run = doc["States"]["Run Fargate Task"]
    assert run["Retry"][0]["MaxAttempts"] == 3
    network = run["Parameters"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["SecurityGroups"][1:] == ["sg-0123456789abcdef0"]  # after the env's group
    assert network["AssignPublicIp"] == "ENABLED"
    assert one(resources, "aws:cloudwatch/eventRule:EventRule")["scheduleExpression"] == (
        "cron(0 9 ? * 2-6 *)"
    )
    bucket_object = one(resources, "aws:s3/bucketObjectv2:BucketObjectv2")
    assert bucket_object["key"] == main["environmentFiles"][0]["value"].split("/", 1)[-1]


def test_arm64(render_testdata):
    _, resources = job_resources(render_testdata, "arm64.yml")
    task = one(resources, "aws:ecs/taskDefinition:TaskDefinition")
    assert task["runtimePlatform"] == {"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"}
    assert definition_of(resources)["States"]["Run Fargate Task"]["Parameters"][
        "PlatformVersion"] == "LATEST"  # fmt: skip
    # A private ECR image elsewhere: pull from exactly that repository.
    pull = next(s for s in policy_of(resources, "arm-job-execution-role-policy")["Statement"]
                if s["Sid"] == "PullImages")  # fmt: skip
    assert pull["Resource"] == ["arn:aws:ecr:us-east-1:123456789012:repository/shared/tools"]
    assert one(resources, "aws:cloudwatch/eventRule:EventRule")["scheduleExpression"] == (
        "rate(90 minutes)"
    )


def test_sidecars(render_testdata):
    _, resources = job_resources(render_testdata, "sidecars.yml")
    main, logger, proxy = containers_of(resources)  # sidecars sorted by name, as Copilot's
    assert [c["name"] for c in (main, logger, proxy)] == ["with-sidecars", "logger", "proxy"]
    assert proxy["portMappings"] == [{"containerPort": 8080, "protocol": "tcp"}]
    assert proxy["mountPoints"] == [
        {"sourceVolume": "shared", "containerPath": "/usr/share/nginx/html", "readOnly": True}
    ]
    assert proxy["environmentFiles"][0]["value"].endswith(".env")
    assert logger["repositoryCredentials"]["credentialsParameter"].endswith("registry-creds-Zz9Yy8")
    statements = {
        s["Sid"]: s
        for s in policy_of(resources, "with-sidecars-execution-role-policy")["Statement"]
    }
    assert statements["ReadParameters"]["Resource"] == [
        "arn:aws:ssm:us-east-1:123456789012:parameter/demo/proxy-token"
    ]
    assert (
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-creds-Zz9Yy8"
        in (statements["ReadSecrets"]["Resource"])
    )
    assert {s for s in statements if s.startswith("ReadEnvFile")} == {"ReadEnvFile0"}
    objects = [r for r in resources if r["type"] == "aws:s3/bucketObjectv2:BucketObjectv2"]
    assert [o["name"] for o in objects] == ["with-sidecars-proxy-env-file"]


def test_secrets(render_testdata):
    _, resources = job_resources(render_testdata, "secrets.yml")
    secrets = {s["name"]: s["valueFrom"] for s in containers_of(resources)[0]["secrets"]}
    assert secrets == {
        "PLAIN_SSM": "arn:aws:ssm:us-east-1:123456789012:parameter/db-password",
        "NESTED_SSM": "arn:aws:ssm:us-east-1:123456789012:parameter/demo/dev/token",
        "SSM_ARN": "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/license",
        "BY_NAME": "arn:aws:secretsmanager:us-east-1:123456789012:secret:demo/api-key",
        "JSON_KEY": "arn:aws:secretsmanager:us-east-1:123456789012:secret:demo/db:password::",
        "SM_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:full-name-Ab12Cd",
    }
    statements = {
        s["Sid"]: s for s in policy_of(resources, "secrets-job-execution-role-policy")["Statement"]
    }
    assert statements["ReadParameters"]["Resource"] == sorted(
        v for v in secrets.values() if ":ssm:" in v
    )
    assert statements["ReadSecrets"]["Resource"] == [
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:demo/api-key-??????",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:demo/db-??????",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:full-name-Ab12Cd",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:full-name-Ab12Cd-??????",
    ]


def test_env_file_creates_the_artifacts_bucket(render_testdata):
    _, resources = job_resources(render_testdata, "env-file.yml")
    bucket = one(resources, "aws:s3/bucket:Bucket")
    assert bucket["forceDestroy"] is True
    block = one(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                  "restrictPublicBuckets"))  # fmt: skip
    # Env files often hold secrets: a replaced one can be recovered, and no request without
    # TLS is served.
    versioning = one(resources, "aws:s3/bucketVersioning:BucketVersioning")
    assert versioning == {"bucket": "dev-artifacts-0000000",
                          "versioningConfiguration": {"status": "Enabled"}}  # fmt: skip
    bucket_policy = one(resources, "aws:s3/bucketPolicy:BucketPolicy")
    assert bucket_policy["bucket"] == "dev-artifacts-0000000"
    assert json.loads(bucket_policy["policy"])["Statement"] == [
        {
            "Sid": "DenyWithoutTLS",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [
                "arn:aws:s3:::dev-artifacts-0000000",
                "arn:aws:s3:::dev-artifacts-0000000/*",
            ],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    uploaded = one(resources, "aws:s3/bucketObjectv2:BucketObjectv2")
    assert uploaded["key"].startswith("manual/env-files/report.env/")
    statements = {
        s["Sid"]: s for s in policy_of(resources, "env-file-job-execution-role-policy")["Statement"]
    }
    assert (
        statements["ReadEnvFile0"]["Resource"]
        == f"arn:aws:s3:::dev-artifacts-0000000/{uploaded['key']}"
    )
    assert statements["LocateEnvFileBucket0"]["Resource"] == "arn:aws:s3:::dev-artifacts-0000000"


def test_no_env_file_no_bucket(render_testdata):
    _, resources = job_resources(render_testdata, "minimal.yml")
    assert not [r for r in resources if r["type"].startswith("aws:s3")]


def test_none_schedule_keeps_a_disabled_rule(render_testdata):
    _, resources = job_resources(render_testdata, "none-schedule.yml")
    rule = one(resources, "aws:cloudwatch/eventRule:EventRule")
    assert rule["state"] == "DISABLED"
    assert rule["scheduleExpression"] == "rate(5 minutes)"


@pytest.mark.parametrize(
    "env, cpu, memory, retries, timeout, schedule, mode",
    [
        pytest.param("dev", "256", "512", 1, None, "cron(0 2 * * ? *)", "dry-run", id="dev-base"),
        pytest.param(
            "prod", "1024", "2048", 5, 7200, "cron(0 3 * * ? *)", "live", id="prod-override"
        ),
    ],
)
def test_env_overrides(render_testdata, env, cpu, memory, retries, timeout, schedule, mode):
    resources = render_testdata(["env-overrides.yml"], env=env)
    task = one(resources, "aws:ecs/taskDefinition:TaskDefinition")
    assert (task["cpu"], task["memory"]) == (cpu, memory)
    doc = definition_of(resources)
    assert doc.get("TimeoutSeconds") == timeout
    assert doc["States"]["Run Fargate Task"]["Retry"][0]["MaxAttempts"] == retries
    assert one(resources, "aws:cloudwatch/eventRule:EventRule")["scheduleExpression"] == schedule
    env_vars = {e["name"]: e["value"] for e in containers_of(resources)[0]["environment"]}
    assert env_vars["MODE"] == mode and env_vars["SHARED"] == "base"
    assert env_vars["COPILOT_ENVIRONMENT_NAME"] == env


@pytest.mark.parametrize(
    "env, expression, zone, window, after_completion",
    [
        pytest.param("dev", "cron(0 9 ? * 2-6 *)", "Europe/London", 15, None,
                     id="dev-cron-in-zone"),
        pytest.param("prod", "at(2099-01-04T06:30:00)", "America/New_York", 120, "NONE",
                     id="prod-one-time"),
    ],
)  # fmt: skip
def test_scheduler_for_a_job_with_a_zone(render_testdata, env, expression, zone, window,
                                         after_completion):  # fmt: skip
    resources = render_testdata(["beyond-copilot.yml"], env=env)
    # No rule: the schedule replaces it (a Copilot manifest without the keys keeps its rule).
    assert not [r for r in resources if r["name"] in ("beyond-rule", "beyond-rule-target")]
    schedule = one(resources, "aws:scheduler/schedule:Schedule")
    assert schedule["scheduleExpression"] == expression
    assert schedule["scheduleExpressionTimezone"] == zone
    assert schedule["flexibleTimeWindow"] == {"mode": "FLEXIBLE", "maximumWindowInMinutes": window}
    assert schedule.get("actionAfterCompletion") == after_completion
    assert schedule["groupName"] == f"demo-{env}"
    assert schedule["target"]["arn"].endswith(f":stateMachine:demo-{env}-beyond")
    assert json.loads(schedule["target"]["input"])["scheduled"]["time"] == (
        "<aws.scheduler.scheduled-time>"
    )
    group = one(resources, "aws:scheduler/scheduleGroup:ScheduleGroup")
    assert group["name"] == f"demo-{env}" and group["tags"]["copilot-environment"] == env
    trust = json.loads(next(r for r in resources if r["name"] == "beyond-schedule-role")[
        "inputs"]["assumeRolePolicy"])  # fmt: skip
    assert trust["Statement"][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert policy_of(resources, "beyond-schedule-role-policy")["Statement"] == [
        {"Sid": "StartJob", "Effect": "Allow", "Action": "states:StartExecution",
         "Resource": f"arn:aws:states:us-east-1:123456789012:stateMachine:demo-{env}-beyond"}
    ]  # fmt: skip


def test_copilot_manifests_need_no_schedule_group(render_testdata):
    resources = render_testdata(["minimal.yml", "fully-specified.yml"])
    assert not [r for r in resources if r["type"].startswith("aws:scheduler")]


def test_a_one_time_run_in_the_past_is_refused_at_deploy(render_testdata, tmp_path):
    from scheduled_jobs.components.manifest.load import load_manifest_text
    from scheduled_jobs.components.manifest.rules import past_one_time_run

    text = (TESTDATA / "beyond-copilot.yml").read_text().replace("2099", "2001")
    job = load_manifest_text(text, "prod")  # validate loads it (and warns)
    assert "is in the past" in past_one_time_run(job)
    path = tmp_path / "past.yml"
    path.write_text(text)
    from scheduled_jobs.components.resources import program
    from scheduled_jobs.components.tools.mocked import render

    with pytest.raises(ManifestError, match="on.schedule: .* is in the past"):
        render(lambda: program.run(tmp_path, manifests={"beyond": path}), project="p",
               stack="prod", config={}, region="us-east-1")  # fmt: skip


def test_private_placement_uses_private_subnets(render_testdata):
    _, resources = job_resources(render_testdata, "private-placement.yml")
    network = definition_of(resources)["States"]["Run Fargate Task"]["Parameters"][
        "NetworkConfiguration"]["AwsvpcConfiguration"]  # fmt: skip
    assert network["Subnets"] == PRIVATE["scheduled-jobs:privateSubnets"]
    assert network["AssignPublicIp"] == "DISABLED"


def test_private_placement_without_private_subnets_is_a_clear_error(render_testdata):
    with pytest.raises(ManifestError, match="scheduled-jobs:privateSubnets in Pulumi.dev.yaml"):
        render_testdata(["private-placement.yml"])


def test_iam_wildcards_only_where_aws_offers_nothing_narrower(render_testdata):
    allowed = {"EcrLogin", "ExecutionLogging", "ExecuteCommand"}
    for file in TESTDATA_FILES:
        _, resources = job_resources(render_testdata, file)
        for resource in resources:
            if resource["type"] != "aws:iam/rolePolicy:RolePolicy":
                continue
            for statement in json.loads(resource["inputs"]["policy"])["Statement"]:
                resources_ = statement["Resource"]
                resources_ = resources_ if isinstance(resources_, list) else [resources_]
                if statement["Effect"] == "Allow" and "*" in resources_:
                    assert statement["Sid"] in allowed, (file, resource["name"], statement)


# ------------------------------------------------------------------ botocore payloads

SESSION = botocore.session.get_session()


def _tags(tags: dict, key="Key", value="Value") -> list[dict]:
    return [{key: k, value: v} for k, v in (tags or {}).items()]


def aws_payloads(resources):
    """(service, operation, payload) for every API call the engine would make, built from the
    rendered inputs the way the AWS provider maps them."""
    for r in resources:
        kind, i = r["type"], r["inputs"]
        if kind == "aws:ecs/taskDefinition:TaskDefinition":
            payload = {
                "family": i["family"],
                "containerDefinitions": json.loads(i["containerDefinitions"]),
                "networkMode": i["networkMode"],
                "requiresCompatibilities": i["requiresCompatibilities"],
                "cpu": i["cpu"],
                "memory": i["memory"],
                "executionRoleArn": i["executionRoleArn"],
                "taskRoleArn": i["taskRoleArn"],
                "tags": _tags(i.get("tags"), "key", "value"),
            }
            if "runtimePlatform" in i:
                payload["runtimePlatform"] = i["runtimePlatform"]
            if "ephemeralStorage" in i:
                payload["ephemeralStorage"] = {"sizeInGiB": i["ephemeralStorage"]["sizeInGib"]}
            if "volumes" in i:
                payload["volumes"] = i["volumes"]
            yield "ecs", "RegisterTaskDefinition", payload
        elif kind == "aws:sfn/stateMachine:StateMachine":
            log = i["loggingConfiguration"]
            yield (
                "stepfunctions",
                "CreateStateMachine",
                {
                    "name": i["name"],
                    "definition": i["definition"],
                    "roleArn": i["roleArn"],
                    "type": i["type"],
                    "loggingConfiguration": {
                        "level": log["level"],
                        "includeExecutionData": log["includeExecutionData"],
                        "destinations": [
                            {"cloudWatchLogsLogGroup": {"logGroupArn": log["logDestination"]}}
                        ],
                    },
                    "tags": _tags(i.get("tags"), "key", "value"),
                },
            )
        elif kind == "aws:cloudwatch/eventRule:EventRule":
            rule = {"Name": i["name"], "Description": i["description"],
                    "Tags": _tags(i.get("tags"))}  # fmt: skip
            if "eventPattern" in i:
                json.loads(i["eventPattern"])
                rule["EventPattern"] = i["eventPattern"]
            else:
                rule |= {"ScheduleExpression": i["scheduleExpression"], "State": i["state"]}
            yield "events", "PutRule", rule
        elif kind == "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders":
            yield (
                "ecs",
                "PutClusterCapacityProviders",
                {
                    "cluster": i["clusterName"],
                    "capacityProviders": i["capacityProviders"],
                    "defaultCapacityProviderStrategy": [
                        {"capacityProvider": d["capacityProvider"], "weight": d["weight"],
                         "base": d["base"]}
                        for d in i["defaultCapacityProviderStrategies"]
                    ],
                },
            )  # fmt: skip
        elif kind == "aws:scheduler/scheduleGroup:ScheduleGroup":
            yield (
                "scheduler",
                "CreateScheduleGroup",
                {"Name": i["name"], "Tags": _tags(i.get("tags"))},
            )
        elif kind == "aws:scheduler/schedule:Schedule":
            window = i["flexibleTimeWindow"]
            target = i["target"]
            retry = target["retryPolicy"]
            payload = {
                "Name": i["name"],
                "GroupName": i["groupName"],
                "Description": i["description"],
                "ScheduleExpression": i["scheduleExpression"],
                "ScheduleExpressionTimezone": i["scheduleExpressionTimezone"],
                "State": i["state"],
                "FlexibleTimeWindow": {"Mode": window["mode"]}
                | ({"MaximumWindowInMinutes": window["maximumWindowInMinutes"]}
                   if "maximumWindowInMinutes" in window else {}),
                "Target": {
                    "Arn": target["arn"],
                    "RoleArn": target["roleArn"],
                    "Input": target["input"],
                    "RetryPolicy": {
                        "MaximumEventAgeInSeconds": retry["maximumEventAgeInSeconds"],
                        "MaximumRetryAttempts": retry["maximumRetryAttempts"],
                    },
                },
            }  # fmt: skip
            if "actionAfterCompletion" in i:
                payload["ActionAfterCompletion"] = i["actionAfterCompletion"]
            yield "scheduler", "CreateSchedule", payload
        elif kind == "aws:cloudwatch/eventTarget:EventTarget":
            yield (
                "events",
                "PutTargets",
                {
                    "Rule": i["rule"],
                    "Targets": [
                        {"Id": i["targetId"], "Arn": i["arn"]}
                        | ({"RoleArn": i["roleArn"]} if "roleArn" in i else {})
                        | (
                            {
                                "InputTransformer": {
                                    "InputPathsMap": i["inputTransformer"]["inputPaths"],
                                    "InputTemplate": i["inputTransformer"]["inputTemplate"],
                                }
                            }
                            if "inputTransformer" in i
                            else {}
                        )
                    ],
                },
            )
        elif kind == "aws:kms/key:Key":
            json.loads(i["policy"])
            yield (
                "kms",
                "CreateKey",
                {"Description": i["description"], "Policy": i["policy"],
                 "Tags": _tags(i.get("tags"), "TagKey", "TagValue")},
            )  # fmt: skip
            yield "kms", "EnableKeyRotation", {"KeyId": "00000000-0000-0000-0000-000000000000"}
        elif kind == "aws:sns/topic:Topic":
            yield (
                "sns",
                "CreateTopic",
                {"Name": i["name"], "Attributes": {"KmsMasterKeyId": i["kmsMasterKeyId"]},
                 "Tags": _tags(i.get("tags"))},
            )  # fmt: skip
        elif kind == "aws:sns/topicPolicy:TopicPolicy":
            json.loads(i["policy"])
            yield (
                "sns",
                "SetTopicAttributes",
                {"TopicArn": i["arn"], "AttributeName": "Policy", "AttributeValue": i["policy"]},
            )
        elif kind == "aws:sns/topicSubscription:TopicSubscription":
            yield (
                "sns",
                "Subscribe",
                {"TopicArn": i["topic"], "Protocol": i["protocol"], "Endpoint": i["endpoint"],
                 "Attributes": {"FilterPolicy": i["filterPolicy"],
                                "FilterPolicyScope": i["filterPolicyScope"]}},
            )  # fmt: skip
        elif kind == "aws:cloudwatch/metricAlarm:MetricAlarm":
            yield (
                "cloudwatch",
                "PutMetricAlarm",
                {
                    "AlarmName": i["name"],
                    "AlarmDescription": i["alarmDescription"],
                    "Namespace": i["namespace"],
                    "MetricName": i["metricName"],
                    "Dimensions": [{"Name": k, "Value": v} for k, v in i["dimensions"].items()],
                    "Statistic": i["statistic"],
                    "Period": i["period"],
                    "EvaluationPeriods": i["evaluationPeriods"],
                    "Threshold": float(i["threshold"]),
                    "ComparisonOperator": i["comparisonOperator"],
                    "TreatMissingData": i["treatMissingData"],
                    "AlarmActions": i["alarmActions"],
                    "Tags": _tags(i.get("tags")),
                },
            )
        elif kind == "aws:iam/role:Role":
            yield (
                "iam",
                "CreateRole",
                {
                    "RoleName": f"{r['name']}-0000000",
                    "AssumeRolePolicyDocument": i["assumeRolePolicy"],
                    "Description": i["description"],
                    "Tags": _tags(i.get("tags")),
                },
            )
        elif kind == "aws:iam/rolePolicy:RolePolicy":
            json.loads(i["policy"])
            yield (
                "iam",
                "PutRolePolicy",
                {
                    "RoleName": i["role"],
                    "PolicyName": f"{r['name']}-0000000",
                    "PolicyDocument": i["policy"],
                },
            )
        elif kind == "aws:cloudwatch/logGroup:LogGroup":
            yield "logs", "CreateLogGroup", {"logGroupName": i["name"], "tags": i.get("tags")}
            yield (
                "logs",
                "PutRetentionPolicy",
                {
                    "logGroupName": i["name"],
                    "retentionInDays": i["retentionInDays"],
                },
            )
        elif kind == "aws:ecr/repository:Repository":
            yield (
                "ecr",
                "CreateRepository",
                {
                    "repositoryName": i["name"],
                    "imageScanningConfiguration": i["imageScanningConfiguration"],
                    "imageTagMutability": i["imageTagMutability"],
                    "tags": _tags(i.get("tags")),
                },
            )
        elif kind == "aws:ecr/lifecyclePolicy:LifecyclePolicy":
            yield (
                "ecr",
                "PutLifecyclePolicy",
                {
                    "repositoryName": i["repository"],
                    "lifecyclePolicyText": i["policy"],
                },
            )
        elif kind == "aws:ecs/cluster:Cluster":
            yield (
                "ecs",
                "CreateCluster",
                {
                    "clusterName": i["name"],
                    "settings": i["settings"],
                    "tags": _tags(i.get("tags"), "key", "value"),
                },
            )
        elif kind == "aws:cloudformation/stack:Stack":
            yield (
                "cloudformation",
                "CreateStack",
                {
                    "StackName": i["name"],
                    "TemplateBody": i["templateBody"],
                    "Parameters": _tags(i["parameters"], "ParameterKey", "ParameterValue"),
                    "Capabilities": i["capabilities"],
                    "Tags": _tags(i.get("tags")),
                },
            )
        elif kind == "aws:efs/fileSystem:FileSystem":
            payload = {"CreationToken": r["name"], "Encrypted": i["encrypted"],
                       "Tags": _tags(i.get("tags"))}  # fmt: skip
            yield "efs", "CreateFileSystem", payload
        elif kind == "aws:efs/mountTarget:MountTarget":
            yield "efs", "CreateMountTarget", {"FileSystemId": i["fileSystemId"],
                                               "SubnetId": i["subnetId"],
                                               "SecurityGroups": i["securityGroups"]}  # fmt: skip
        elif kind == "aws:efs/accessPoint:AccessPoint":
            root = i["rootDirectory"]
            yield (
                "efs",
                "CreateAccessPoint",
                {
                    "ClientToken": r["name"],
                    "FileSystemId": i["fileSystemId"],
                    "PosixUser": {"Uid": i["posixUser"]["uid"], "Gid": i["posixUser"]["gid"]},
                    "RootDirectory": {
                        "Path": root["path"],
                        "CreationInfo": {
                            "OwnerUid": root["creationInfo"]["ownerUid"],
                            "OwnerGid": root["creationInfo"]["ownerGid"],
                            "Permissions": root["creationInfo"]["permissions"],
                        },
                    },
                    "Tags": _tags(i.get("tags")),
                },
            )
        elif kind == "aws:sns/topic:Topic":
            attributes = {"KmsMasterKeyId": i["kmsMasterKeyId"]}
            if i.get("fifoTopic"):
                attributes["FifoTopic"] = "true"
            if "contentBasedDeduplication" in i:
                attributes["ContentBasedDeduplication"] = str(
                    i["contentBasedDeduplication"]
                ).lower()
            yield "sns", "CreateTopic", {"Name": i["name"], "Attributes": attributes,
                                         "Tags": _tags(i.get("tags"))}  # fmt: skip
        elif kind == "aws:sns/topicPolicy:TopicPolicy":
            json.loads(i["policy"])
            yield "sns", "SetTopicAttributes", {"TopicArn": i["arn"], "AttributeName": "Policy",
                                                "AttributeValue": i["policy"]}  # fmt: skip
        elif kind == "aws:s3/bucketVersioning:BucketVersioning":
            status = i["versioningConfiguration"]["status"]
            yield (
                "s3",
                "PutBucketVersioning",
                {"Bucket": i["bucket"], "VersioningConfiguration": {"Status": status}},
            )
        elif kind == "aws:s3/bucketPolicy:BucketPolicy":
            yield "s3", "PutBucketPolicy", {"Bucket": i["bucket"], "Policy": i["policy"]}
        elif kind == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            yield "iam", "AttachRolePolicy", {"RoleName": i["role"], "PolicyArn": i["policyArn"]}
        elif kind == "aws:ec2/securityGroup:SecurityGroup":
            yield (
                "ec2",
                "CreateSecurityGroup",
                {
                    "GroupName": f"{r['name']}-0000000",
                    "Description": i["description"],
                    "VpcId": i["vpcId"],
                },
            )


def test_addons_stack_and_what_its_outputs_become(render_testdata):
    _, resources = job_resources(render_testdata, "addons.yml")
    stack = one(resources, "aws:cloudformation/stack:Stack")
    assert stack["name"] == "demo-dev-with-addons-AddonsStack"
    assert stack["parameters"] == {
        "App": "demo",
        "Env": "dev",
        "Name": "with-addons",
        "TableClass": "STANDARD_INFREQUENT_ACCESS",
        "TaskRoleName": "with-addons-task-role-0000000",  # !Ref TaskRole: the role's name
    }
    template = json.loads(stack["templateBody"])
    # Both templates merged: the shared App/Env/Name once, every resource and output.
    assert list(template) == ["Parameters", "Resources", "Outputs"]
    assert set(template["Resources"]) == {
        "myDDBTable", "myDDBTableAccessPolicy", "apiKeySecret", "dbClientGroup"
    }  # fmt: skip
    table = template["Resources"]["myDDBTable"]["Properties"]
    assert table["TableName"] == {"Fn::Sub": "${App}-${Env}-${Name}-table"}
    assert template["Resources"]["myDDBTableAccessPolicy"]["Properties"]["PolicyDocument"][
        "Statement"][0]["Resource"] == {"Fn::GetAtt": ["myDDBTable", "Arn"]}  # fmt: skip
    main, helper = containers_of(resources)
    env = {v["name"]: v["value"] for v in main["environment"]}
    stack_name = "demo-dev-with-addons-AddonsStack"
    # Plain outputs (and the security group) are variables of every container, after
    # Copilot's own, named in SCREAMING_SNAKE_CASE.
    addon_names = ["MY_DDB_TABLE_NAME", "DB_CLIENT_GROUP", "TABLE_REGION"]
    for container in (main, helper):
        assert [v["name"] for v in container["environment"]][4:7] == addon_names
    assert env["MY_DDB_TABLE_NAME"] == f"<output myDDBTableName of {stack_name}>"
    assert "MY_DDB_TABLE_ACCESS_POLICY" not in env and "API_KEY_SECRET" not in env
    secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:apiKeySecret-AbCdEf"
    assert main["secrets"] == [{"name": "API_KEY_SECRET", "valueFrom": secret_arn}]
    assert "secrets" not in helper
    attachment = one(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment == {
        "role": "with-addons-task-role-id",
        "policyArn": f"arn:aws:iam::123456789012:policy/{stack_name}-myDDBTableAccessPolicy"
        "-PLACEHOLDER",
    }
    groups = definition_of(resources)["States"]["Run Fargate Task"]["Parameters"][
        "NetworkConfiguration"]["AwsvpcConfiguration"]["SecurityGroups"]  # fmt: skip
    assert groups[-1] == env["DB_CLIENT_GROUP"] and len(groups) == 2
    reads = policy_of(resources, "with-addons-execution-role-policy")["Statement"]
    assert any(secret_arn in s["Resource"] for s in reads if s.get("Sid") == "ReadSecrets")


def test_taskdef_overrides_apply_last(render_testdata):
    _, resources = job_resources(render_testdata, "taskdef-overrides.yml")
    task = one(resources, "aws:ecs/taskDefinition:TaskDefinition")
    main, helper = containers_of(resources)
    assert main["ulimits"] == [{"name": "nofile", "softLimit": 2048, "hardLimit": 2048}]
    assert main["dockerLabels"] == {"com.example.team": "data", "com-example-tier": "batch"}
    assert main["linuxParameters"] == {"initProcessEnabled": True}
    assert main["mountPoints"][-1] == {"sourceVolume": "cache", "containerPath": "/cache",
                                       "readOnly": False}  # fmt: skip
    assert helper["portMappings"] == [{"containerPort": 9090}]
    assert (task["pidMode"], task["volumes"], task["ephemeralStorage"]) == (
        "task", [{"name": "cache"}], {"sizeInGib": 30}
    )  # fmt: skip
    # Everything the rules did not touch is as rendered without them.
    assert task["family"] == "demo-dev-overridden" and main["environment"][0]["value"] == "demo"


def test_publish_topics(render_testdata):
    _, resources = job_resources(render_testdata, "publish.yml")
    # The job's published topics; the environment's failure topic is the alerts'.
    topics = {
        r["name"]: r["inputs"]
        for r in resources
        if r["type"] == "aws:sns/topic:Topic" and r["name"].startswith("publisher-")
    }
    stem = "demo-dev-publisher"
    assert {t["name"]: (t.get("fifoTopic"), t.get("contentBasedDeduplication"))
            for t in topics.values()} == {
        f"{stem}-reports": (None, None),
        f"{stem}-orders.fifo": (True, True),
        f"{stem}-audit.fifo": (True, None),
    }  # fmt: skip
    assert {t["kmsMasterKeyId"] for t in topics.values()} == {"alias/aws/sns"}
    arn = "arn:aws:sns:us-east-1:123456789012:" + stem
    expected = json.dumps({"audit.fifo": f"{arn}-audit.fifo", "orders.fifo": f"{arn}-orders.fifo",
                           "reports": f"{arn}-reports"}, separators=(",", ":"))  # fmt: skip
    for container in containers_of(resources):  # sidecars too (envvars-common.yml)
        env = {v["name"]: v["value"] for v in container["environment"]}
        assert env["COPILOT_SNS_TOPIC_ARNS"] == expected
        assert [v["name"] for v in container["environment"]].index("COPILOT_SNS_TOPIC_ARNS") == 4
    task = policy_of(resources, "publisher-task-role-policy")["Statement"]
    assert task[1] == {
        "Sid": "Publish2SNS",
        "Effect": "Allow",
        "Action": "sns:Publish",
        "Resource": [f"{arn}-reports", f"{arn}-orders.fifo", f"{arn}-audit.fifo"],
    }
    policies = [
        r
        for r in resources
        if r["type"] == "aws:sns/topicPolicy:TopicPolicy" and r["name"].startswith("publisher-")
    ]
    assert len(policies) == 3
    for policy in policies:
        statement = json.loads(policy["inputs"]["policy"])["Statement"][0]
        assert statement["Action"] == "sns:Subscribe"
        assert statement["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
        assert statement["Condition"] == {"StringEquals": {"sns:Protocol": "sqs"}}
        assert statement["Resource"] == policy["inputs"]["arn"]


@pytest.mark.parametrize(
    ("file", "enabled"),
    [
        pytest.param("exec.yml", True, id="exec-true"),
        pytest.param("minimal.yml", False, id="unset"),
    ],
)
def test_exec_enables_execute_command_and_grants_session_channels(render_testdata, file, enabled):
    _, resources = job_resources(render_testdata, file)
    states = definition_of(resources)["States"]
    runs = [s["Parameters"] for s in states.values() if s["Type"] == "Task"]
    # Every task state (one per combination of run overrides) runs with the same setting.
    assert runs and {p.get("EnableExecuteCommand", False) for p in runs} == {enabled}
    role = next(r["name"] for r in resources if r["name"].endswith("-task-role-policy"))
    statements = policy_of(resources, role)["Statement"]
    granted = [s for s in statements if s.get("Sid") == "ExecuteCommand"]
    actions = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
               "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]  # fmt: skip
    expected = [{"Sid": "ExecuteCommand", "Effect": "Allow", "Action": actions, "Resource": "*"}]
    assert granted == (expected if enabled else [])


def test_external_efs_volumes(render_testdata):
    _, resources = job_resources(render_testdata, "efs.yml")
    volumes = {v["name"]: v for v in one(resources, "aws:ecs/taskDefinition:TaskDefinition")[
        "volumes"]}  # fmt: skip
    assert volumes["shared"]["efsVolumeConfiguration"] == {
        "fileSystemId": "fs-0123456789abcdef0", "rootDirectory": "/",
        "transitEncryption": "ENABLED",
        "authorizationConfig": {"accessPointId": "fsap-0123456789abcdef0", "iam": "ENABLED"},
    }  # fmt: skip
    # IAM authorization stays off unless asked for (Copilot's code, transformers.go).
    assert volumes["reference"]["efsVolumeConfiguration"] == {
        "fileSystemId": "<export shared-reference-fs>", "rootDirectory": "/datasets",
        "transitEncryption": "ENABLED", "authorizationConfig": {"iam": "DISABLED"},
    }  # fmt: skip
    assert volumes["scratch"] == {"name": "scratch"}
    grants = [s for s in policy_of(resources, "efs-reader-task-role-policy")["Statement"]
              if s["Sid"].startswith("GrantEFSAccess")]  # fmt: skip
    base = "arn:aws:elasticfilesystem:us-east-1:123456789012"
    assert grants == [
        {"Sid": "GrantEFSAccess0", "Effect": "Allow", "Action": ["elasticfilesystem:ClientMount"],
         "Resource": f"{base}:file-system/<export shared-reference-fs>"},
        {"Sid": "GrantEFSAccess1", "Effect": "Allow",
         "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
         "Resource": f"{base}:file-system/fs-0123456789abcdef0",
         "Condition": {"StringEquals": {
             "elasticfilesystem:AccessPointArn": f"{base}:access-point/fsap-0123456789abcdef0"}}},
    ]  # fmt: skip
    assert not [r for r in resources if r["type"].startswith("aws:efs/")]  # nothing managed


def test_managed_efs_in_the_environment_and_an_access_point_per_job(render_testdata):
    _, resources = job_resources(render_testdata, "efs-managed.yml")
    fs = next(r for r in resources if r["type"] == "aws:efs/fileSystem:FileSystem")
    assert fs["name"] == "dev-efs" and fs["inputs"]["encrypted"] is True
    mounts = [r["inputs"] for r in resources if r["type"] == "aws:efs/mountTarget:MountTarget"]
    assert [m["subnetId"] for m in mounts] == PRIVATE["scheduled-jobs:privateSubnets"]
    group = next(r["inputs"] for r in resources if r["name"] == "dev-efs-security-group")
    (rule,) = group["ingress"]
    assert (rule["protocol"], rule["fromPort"], rule["toPort"]) == ("tcp", 2049, 2049)
    tasks_group = definition_of(resources)["States"]["Run Fargate Task"]["Parameters"][
        "NetworkConfiguration"]["AwsvpcConfiguration"]["SecurityGroups"]  # fmt: skip
    assert rule["securityGroups"] == tasks_group  # the jobs' tasks, and only them
    point = one(resources, "aws:efs/accessPoint:AccessPoint")
    crc = 1374349410  # zlib.crc32(b"efs-writer"), Copilot's uid = gid
    assert point["posixUser"] == {"uid": crc, "gid": crc}
    assert point["rootDirectory"] == {
        "path": "/efs-writer",
        "creationInfo": {"ownerUid": crc, "ownerGid": crc, "permissions": "0755"},
    }
    (volume,) = one(resources, "aws:ecs/taskDefinition:TaskDefinition")["volumes"]
    config = volume["efsVolumeConfiguration"]
    assert config["fileSystemId"] == point["fileSystemId"] == mounts[0]["fileSystemId"]
    assert config["authorizationConfig"]["iam"] == "ENABLED"
    assert config["authorizationConfig"]["accessPointId"].startswith("fsap-")
    (grant,) = policy_of(resources, "efs-writer-task-role-policy")["Statement"][1:]
    assert grant["Action"] == ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    assert grant["Condition"]["StringEquals"]["elasticfilesystem:AccessPointArn"].endswith(
        config["authorizationConfig"]["accessPointId"]
    )


def test_managed_efs_without_listed_subnets_is_a_clear_error(render_testdata):
    with pytest.raises(ManifestError, match="Copilot-managed EFS .* needs the environment's "
                       "subnets listed"):  # fmt: skip
        render_testdata(["efs-managed.yml"], env="dev", config={})


def test_firelens_router_and_main_container_on_awsfirelens(render_testdata):
    _, resources = job_resources(render_testdata, "firelens.yml")
    main, router, helper = containers_of(resources)
    assert router["name"] == "firelens_log_router"
    assert router["image"] == "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable"
    assert router["firelensConfiguration"] == {
        "type": "fluentbit",
        "options": {
            "enable-ecs-log-metadata": "false",
            "config-file-type": "file",
            "config-file-value": "/fluent-bit/configs/parse-json.conf",
        },
    }
    assert router["logConfiguration"]["logDriver"] == "awslogs"
    assert router["environment"][-1] == {"name": "FLB_LOG_LEVEL", "value": "debug"}
    assert router["environment"][1]["name"] == "COPILOT_SERVICE_DISCOVERY_ENDPOINT"
    assert router["secrets"] == [{"name": "LICENSE", "valueFrom":
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:demo/fluent-license"}]  # fmt: skip
    assert router["environmentFiles"][0]["type"] == "s3"
    api_key = "arn:aws:ssm:us-east-1:123456789012:parameter/demo/dev/log-api-key"
    assert main["logConfiguration"] == {
        "logDriver": "awsfirelens",
        "options": {"Name": "cloudwatch", "region": "us-east-1", "log_group_name": "/shipper/app",
                    "auto_create_group": "true"},
        "secretOptions": [{"name": "apikey", "valueFrom": api_key}],
    }  # fmt: skip
    assert helper["logConfiguration"]["logDriver"] == "awslogs"
    reads = policy_of(resources, "shipper-execution-role-policy")["Statement"]
    ssm = next(s for s in reads if "ssm:GetParameters" in s["Action"])
    assert api_key in ssm["Resource"]
    assert one(resources, "aws:cloudwatch/logGroup:LogGroup")["retentionInDays"] == 14


def test_retention_alone_is_not_firelens(render_testdata):
    _, resources = job_resources(render_testdata, "fully-specified.yml")
    assert all(c["name"] != "firelens_log_router" for c in containers_of(resources))


def test_library_use_without_the_program():
    """The docs/component.md example: ScheduledJob in someone else's Pulumi program."""

    import pulumi

    # Same names as `from scheduled_jobs.components import ...` in the docs; imported
    # from their modules
    # because plain `pytest` resolves the top-level `components` to tests/components.
    from scheduled_jobs.components.manifest.load import load_manifest
    from scheduled_jobs.components.resources.scheduled_job import ScheduledJob, ScheduledJobArgs
    from scheduled_jobs.components.tools.mocked import render

    testdata = TESTDATA
    seen = {}

    def program():
        job = load_manifest(testdata / "arm64.yml", env="dev", app="shop", root=testdata)
        component = ScheduledJob(
            "nightly",
            ScheduledJobArgs(
                job,
                app="shop",
                env="dev",
                region="eu-west-1",
                cluster="arn:aws:ecs:eu-west-1:123456789012:cluster/shared",
                subnets=["subnet-0a1", "subnet-0b2"],
                security_groups=["sg-0e5"],
                tags={"team": "data"},
            ),
        )
        return pulumi.Output.all(**component.outputs()).apply(seen.update)

    resources = render(program, project="mine", stack="dev", config={}, region="eu-west-1")
    names = {r["name"] for r in resources}
    assert "nightly-state-machine" in names and not any(n.startswith("dev") for n in names)
    assert seen["state_machine_arn"] == (
        "arn:aws:states:eu-west-1:123456789012:stateMachine:shop-dev-arm-job"
    )
    assert "repository_url" not in seen  # the image is given by location
    doc = definition_of(resources)
    network = doc["States"]["Run Fargate Task"]["Parameters"]["NetworkConfiguration"]
    assert network["AwsvpcConfiguration"]["SecurityGroups"] == ["sg-0e5"]
    assert doc["States"]["Run Fargate Task"]["Parameters"]["Cluster"] == (
        "arn:aws:ecs:eu-west-1:123456789012:cluster/shared"
    )


def test_args_from_a_manifest_path_in_an_environment(tmp_path):
    """docs/component.md: `ScheduledJobArgs.from_manifest(path, environment)`."""
    import shutil

    import pulumi

    from scheduled_jobs.components.convert.settings import EnvironmentSettings
    from scheduled_jobs.components.resources.environment import Environment
    from scheduled_jobs.components.resources.scheduled_job import ScheduledJob, ScheduledJobArgs
    from scheduled_jobs.components.tools.mocked import render

    manifest = tmp_path / "manifests" / "arm-job" / "manifest.yml"
    manifest.parent.mkdir(parents=True)
    shutil.copy(TESTDATA / "arm64.yml", manifest)
    seen = {}

    def program():
        settings = EnvironmentSettings(env="qa", app="shop", region="eu-west-1",
                                       private_subnets=("subnet-0private",))  # fmt: skip
        environment = Environment("qa", settings)
        args = ScheduledJobArgs.from_manifest(manifest, environment, account="111122223333")
        assert args.root == tmp_path  # manifests/<job>/manifest.yml -> the project root
        job = ScheduledJob("nightly", args)
        return pulumi.Output.all(**job.outputs()).apply(seen.update)

    resources = render(program, project="mine", stack="qa", config={}, region="eu-west-1")
    assert seen["log_group_name"] == "/copilot/shop-qa-arm-job"
    assert seen["state_machine_arn"] == (
        "arn:aws:states:eu-west-1:123456789012:stateMachine:shop-qa-arm-job"
    )
    names = {r["name"] for r in resources}
    assert {"qa", "qa-cluster", "nightly", "nightly-task-definition"} <= names


def test_cloudformation_imports_and_tagged_subnets_resolve_at_deploy_time(tmp_path):
    """from_cfn (variables, secrets, security groups) and placement by subnet tags are looked
    up through AWS data sources; under the mocks they read back as placeholders."""
    from scheduled_jobs.components.resources import program
    from scheduled_jobs.components.tools.mocked import render

    manifest = tmp_path / "imports.yml"
    manifest.write_text(
        "name: imports\ntype: Scheduled Job\nimage: {location: busybox}\n"
        "on: {schedule: '@daily'}\n"
        "variables: {DB_HOST: {from_cfn: shared-db-host}}\n"
        "secrets: {DB_PASSWORD: {from_cfn: shared-db-secret}}\n"
        "network:\n  vpc:\n    placement: {subnets: {from_tags: {tier: private}}}\n"
        "    security_groups: [{from_cfn: shared-db-clients}]\n"
    )
    resources = render(
        lambda: program.run(tmp_path, manifests={"imports": manifest}),
        project="scheduled-jobs",
        stack="dev",
        config={},
        region="us-east-1",
    )
    main = containers_of(resources)[0]
    assert main["environment"][-1] == {"name": "DB_HOST", "value": "<export shared-db-host>"}
    # An export holding a plain name is read as an SSM parameter, as Copilot does.
    assert main["secrets"] == [
        {
            "name": "DB_PASSWORD",
            "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/<export shared-db-secret>",
        }
    ]
    network = definition_of(resources)["States"]["Run Fargate Task"]["Parameters"][
        "NetworkConfiguration"
    ]["AwsvpcConfiguration"]
    assert network["Subnets"] == ["subnet-0000taggeda", "subnet-0000taggedb"]
    assert network["AssignPublicIp"] == "DISABLED"
    assert network["SecurityGroups"][-1] == "<export shared-db-clients>"


@pytest.mark.parametrize(
    ("deny_default", "expected"),
    [
        pytest.param(False, ["sg-0env", "sg-0job"], id="environment-group-first"),
        pytest.param(True, ["sg-0job"], id="deny-default-leaves-it-out"),
    ],
)
def test_deny_default_security_groups(tmp_path, deny_default, expected):
    from scheduled_jobs.components.resources import program
    from scheduled_jobs.components.tools.mocked import render

    manifest = tmp_path / "net.yml"
    manifest.write_text(
        "name: net\ntype: Scheduled Job\nimage: {location: busybox}\n"
        "on: {schedule: '@daily'}\n"
        "network:\n  vpc:\n    security_groups:\n      groups: [sg-0job]\n"
        f"      deny_default: {str(deny_default).lower()}\n"
    )
    resources = render(
        lambda: program.run(tmp_path, manifests={"net": manifest}),
        project="scheduled-jobs",
        stack="dev",
        config={"scheduled-jobs:securityGroups": ["sg-0env"], "scheduled-jobs:subnets": ["s-1"]},
        region="us-east-1",
    )
    network = definition_of(resources)["States"]["Run Fargate Task"]["Parameters"][
        "NetworkConfiguration"
    ]["AwsvpcConfiguration"]
    assert network["SecurityGroups"] == expected


@pytest.mark.parametrize(
    "env, concurrency, spot",
    [pytest.param("dev", "forbid", True, id="dev-forbid-spot"),
     pytest.param("prod", "replace", False, id="prod-replace-on-demand")],
)  # fmt: skip
def test_concurrency_and_capacity_reach_the_state_machine(render_testdata, env, concurrency, spot):
    resources = render_testdata(["beyond-copilot.yml"], env=env)
    states = definition_of(resources)["States"]
    assert ("Skipped: previous run still running" in states) is (concurrency == "forbid")
    assert ("Run Fargate Spot Task" in states) is spot
    sids = {s["Sid"] for s in policy_of(resources, "beyond-state-machine-role-policy")["Statement"]}
    assert "ListOwnExecutions" in sids
    assert ("StopOwnExecutions" in sids) is (concurrency == "replace")
    kind = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
    providers = [r for r in resources if r["type"] == kind]
    if spot:
        assert providers[0]["inputs"]["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
        assert providers[0]["inputs"]["clusterName"] == "demo-dev"
    else:
        assert providers == []


def test_one_managed_file_system_per_environment_however_many_jobs_use_it(render_testdata):
    """Copilot's environment has one managed file system; each job reaches it through its own
    access point (rooted at /<job>)."""
    resources = render_testdata(["efs-managed.yml", "copilot/job.yml"], env="dev",
                                config=PRIVATE)  # fmt: skip
    systems = [r for r in resources if r["type"] == "aws:efs/fileSystem:FileSystem"]
    assert [s["name"] for s in systems] == ["dev-efs"]
    mounts = [r["inputs"] for r in resources if r["type"] == "aws:efs/mountTarget:MountTarget"]
    assert [m["subnetId"] for m in mounts] == PRIVATE["scheduled-jobs:privateSubnets"]
    points = [r["inputs"] for r in resources if r["type"] == "aws:efs/accessPoint:AccessPoint"]
    assert sorted(p["rootDirectory"]["path"] for p in points) == ["/efs-writer", "/job"]
    assert len({p["fileSystemId"] for p in points}) == 1


# ------------------------------------------------------------------ trust policies


def _trust(resources, name: str) -> dict:
    (statement,) = json.loads(named(resources, name)["assumeRolePolicy"])["Statement"]
    return statement


@pytest.mark.parametrize(
    "file, role, service, source",
    [
        pytest.param("minimal.yml", "minimal-state-machine-role", "states.amazonaws.com",
                     "state-machine", id="state-machine"),
        pytest.param("minimal.yml", "minimal-rule-role", "events.amazonaws.com", "rule",
                     id="rule"),
        pytest.param("beyond-copilot.yml", "beyond-schedule-role", "scheduler.amazonaws.com",
                     "schedule-group", id="schedule-group"),
        pytest.param("minimal.yml", "minimal-task-role", "ecs-tasks.amazonaws.com", "ecs",
                     id="task-role"),
        pytest.param("minimal.yml", "minimal-execution-role", "ecs-tasks.amazonaws.com", None,
                     id="execution-role-account-only"),
    ],
)  # fmt: skip
def test_trust_policies_name_the_resource_that_assumes_the_role(render_testdata, file, role,
                                                                service, source):  # fmt: skip
    """aws:SourceArn is the ARN of the resource that assumes the role, as it is deployed: the
    state machine (whose ARN the rule target carries), the rule, the schedule group."""
    import fnmatch

    _, resources = job_resources(render_testdata, file)
    statement = _trust(resources, role)
    assert statement["Principal"] == {"Service": service}
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    patterns = statement["Condition"].get("ArnLike", {}).get("aws:SourceArn")
    if source is None:
        assert patterns is None
        return
    patterns = patterns if isinstance(patterns, list) else [patterns]
    account = "arn:aws:{}:us-east-1:123456789012"
    if source == "state-machine":
        target = one(resources, "aws:cloudwatch/eventTarget:EventTarget")["arn"]
        assert target.startswith(account.format("states") + ":stateMachine:")
        expected = [target, target.replace(":stateMachine:", ":execution:") + ":manual-x"]
        unexpected = [target + "-other", account.format("states") + ":stateMachine:other"]
    elif source == "rule":
        rule = one(resources, "aws:cloudwatch/eventRule:EventRule")["name"]
        expected = [account.format("events") + f":rule/{rule}"]
        unexpected = [account.format("events") + f":rule/{rule}-other"]
    elif source == "schedule-group":
        group = one(resources, "aws:scheduler/schedule:Schedule")["groupName"]
        expected = [account.format("scheduler") + f":schedule-group/{group}"]
        unexpected = [account.format("scheduler") + ":schedule-group/default"]
    else:
        expected = [account.format("ecs") + ":task/demo-dev/0123"]
        unexpected = ["arn:aws:ecs:eu-west-1:123456789012:task/x/1",
                      "arn:aws:ecs:us-east-1:210987654321:task/x/1"]  # fmt: skip
    for arn in expected:
        assert any(fnmatch.fnmatchcase(arn, p) for p in patterns), (arn, patterns)
    for arn in unexpected:
        assert not any(fnmatch.fnmatchcase(arn, p) for p in patterns), (arn, patterns)


@pytest.mark.parametrize(
    "env, reads_command", [pytest.param("dev", False, id="off"), pytest.param("prod", True,
                                                                              id="on-in-prod")]
)  # fmt: skip
def test_run_overrides_false_reaches_the_deployed_definition(render_testdata, env,
                                                             reads_command):  # fmt: skip
    resources = render_testdata(["beyond-copilot.yml"], env=env)
    text = one(resources, "aws:sfn/stateMachine:StateMachine")["definition"]
    assert ("$.overrides.command" in text) is reads_command
    assert ("$.overrides.environment" in text) is reads_command
    assert "$.overrides.cpu" in text
