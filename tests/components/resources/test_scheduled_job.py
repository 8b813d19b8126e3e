"""The ScheduledJob component under Pulumi mocks: the inputs of every resource it registers,
for each manifest in tests/testdata, checked against Copilot's template, botocore's service
models and asl-validator."""

import json

import botocore.session
import pytest
from botocore.validate import ParamValidator

from components.errors import ManifestError
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
]
PRIVATE = {"scheduled-jobs:privateSubnets": ["subnet-0private0000000a", "subnet-0private0000000b"]}
COPILOT_TAGS = {"copilot-application", "copilot-environment", "copilot-service"}
UNTAGGABLE = {
    "aws:iam/rolePolicy:RolePolicy",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    "aws:cloudwatch/eventTarget:EventTarget",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
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
    found = [r["inputs"] for r in resources if r["type"] == kind]
    assert len(found) == 1, f"{kind}: {len(found)} resources"
    return found[0]


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
    assert one(resources, "aws:cloudwatch/eventRule:EventRule")["name"] == stem
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

    from components.resources import program
    from components.tools.mocked import render
    from components.tools.render import DuplicateResourceError

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
    main, proxy, logger = containers_of(resources)
    assert [c["name"] for c in (main, proxy, logger)] == ["with-sidecars", "proxy", "logger"]
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
    allowed = {"EcrLogin", "ExecutionLogging"}
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
            yield (
                "events",
                "PutRule",
                {
                    "Name": i["name"],
                    "ScheduleExpression": i["scheduleExpression"],
                    "State": i["state"],
                    "Description": i["description"],
                    "Tags": _tags(i.get("tags")),
                },
            )
        elif kind == "aws:cloudwatch/eventTarget:EventTarget":
            yield (
                "events",
                "PutTargets",
                {
                    "Rule": i["rule"],
                    "Targets": [{"Id": i["targetId"], "Arn": i["arn"], "RoleArn": i["roleArn"]}],
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


def test_library_use_without_the_program():
    """The docs/component.md example: ScheduledJob in someone else's Pulumi program."""

    import pulumi

    # Same names as `from components import ...` in the docs; imported from their modules
    # because plain `pytest` resolves the top-level `components` to tests/components.
    from components.manifest.load import load_manifest
    from components.resources.scheduled_job import ScheduledJob, ScheduledJobArgs
    from components.tools.mocked import render

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

    from components.convert.settings import EnvironmentSettings
    from components.resources.environment import Environment
    from components.resources.scheduled_job import ScheduledJob, ScheduledJobArgs
    from components.tools.mocked import render

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
    from components.resources import program
    from components.tools.mocked import render

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
    from components.resources import program
    from components.tools.mocked import render

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
