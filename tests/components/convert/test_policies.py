import json

import botocore.session
import pytest
from botocore.validate import ParamValidator

from scheduled_jobs.components.convert import policies

ACCOUNT = "123456789012"
LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/copilot/demo-dev-report"
# Statements allowed a bare "*" resource, and why (AWS has nothing narrower for them).
WILDCARD_SIDS = {
    "EcrLogin": "ecr:GetAuthorizationToken has no resource-level permissions",
    "ExecutionLogging": "Step Functions log delivery APIs have no resource-level permissions",
    "DenyIAM": "a Deny",
}


def wildcard_statements(document: dict) -> list[str]:
    """Sids of Allow statements with a bare "*" (or no) resource."""
    found = []
    for statement in document["Statement"]:
        resources = statement.get("Resource")
        resources = resources if isinstance(resources, list) else [resources]
        if statement["Effect"] == "Allow" and (None in resources or "*" in resources):
            found.append(statement.get("Sid"))
    return found


def grants(**changes) -> policies.ExecutionGrants:
    base = dict(region="us-east-1", account=ACCOUNT, partition="aws", log_group_arn=LOG_GROUP)
    return policies.ExecutionGrants(**{**base, **changes})


@pytest.mark.parametrize(
    "execution_grants, sids",
    [
        pytest.param(grants(), ["WriteLogs"], id="public-image-no-secrets"),
        pytest.param(
            grants(repository_arns=["arn:aws:ecr:us-east-1:1:repository/demo/report"]),
            ["WriteLogs", "EcrLogin", "PullImages"],
            id="private-image",
        ),
        pytest.param(
            grants(ssm_parameter_arns=["arn:aws:ssm:us-east-1:123456789012:parameter/p"]),
            ["WriteLogs", "ReadParameters", "DecryptParameters"],
            id="ssm-parameter",
        ),
        pytest.param(
            grants(secret_arns=["arn:aws:secretsmanager:us-east-1:123456789012:secret:s-??????"]),
            ["WriteLogs", "ReadSecrets", "DecryptSecrets"],
            id="secret",
        ),
        pytest.param(
            grants(env_file_objects=[("arn:aws:s3:::b", "arn:aws:s3:::b/k.env")]),
            ["WriteLogs", "ReadEnvFile0", "LocateEnvFileBucket0"],
            id="env-file",
        ),
    ],
)
def test_execution_role_grants_only_what_is_named(execution_grants, sids):
    document = policies.execution_role_policy(execution_grants)
    assert [s["Sid"] for s in document["Statement"]] == sids
    assert set(wildcard_statements(document)) <= {"EcrLogin"}


def test_execution_role_reads_exact_resources():
    parameters = [
        "arn:aws:ssm:us-east-1:123456789012:parameter/b",
        "arn:aws:ssm:us-east-1:123456789012:parameter/a",
    ]
    document = policies.execution_role_policy(
        grants(
            ssm_parameter_arns=parameters,
            secret_arns=["arn:aws:secretsmanager:us-east-1:123456789012:secret:s-??????"],
        )
    )
    by_sid = {s["Sid"]: s for s in document["Statement"]}
    assert by_sid["WriteLogs"]["Resource"] == f"{LOG_GROUP}:log-stream:*"
    assert by_sid["ReadParameters"]["Resource"] == [
        "arn:aws:ssm:us-east-1:123456789012:parameter/a",
        "arn:aws:ssm:us-east-1:123456789012:parameter/b",
    ]
    decrypt = by_sid["DecryptParameters"]["Condition"]["StringEquals"]
    assert decrypt["kms:ViaService"] == "ssm.us-east-1.amazonaws.com"
    assert decrypt["kms:EncryptionContext:PARAMETER_ARN"] == by_sid["ReadParameters"]["Resource"]
    secrets = by_sid["DecryptSecrets"]["Condition"]
    assert secrets["StringEquals"]["kms:ViaService"] == "secretsmanager.us-east-1.amazonaws.com"
    assert secrets["StringLike"]["kms:EncryptionContext:SecretARN"] == [
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:s-??????"
    ]


STATE_MACHINE = policies.StateMachineGrants(
    region="us-east-1",
    account=ACCOUNT,
    partition="aws",
    task_family="demo-dev-report",
    cluster_arn="arn:aws:ecs:us-east-1:123456789012:cluster/demo-dev",
    cluster_name="demo-dev",
    execution_role_arn="arn:aws:iam::123456789012:role/exec",
    task_role_arn="arn:aws:iam::123456789012:role/task",
)


def test_state_machine_role_runs_only_this_family_in_this_cluster():
    by_sid = {s["Sid"]: s for s in policies.state_machine_role_policy(STATE_MACHINE)["Statement"]}
    in_cluster = {"ArnEquals": {"ecs:cluster": STATE_MACHINE.cluster_arn}}
    assert by_sid["RunTask"]["Resource"] == (
        "arn:aws:ecs:us-east-1:123456789012:task-definition/demo-dev-report:*"
    )
    assert by_sid["RunTask"]["Condition"] == in_cluster
    assert by_sid["WatchTasks"]["Resource"] == "arn:aws:ecs:us-east-1:123456789012:task/demo-dev/*"
    assert by_sid["WatchTasks"]["Condition"] == in_cluster
    assert by_sid["PassTaskRoles"]["Resource"] == [
        "arn:aws:iam::123456789012:role/exec",
        "arn:aws:iam::123456789012:role/task",
    ]
    assert by_sid["SyncRule"]["Resource"] == (
        "arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForECSTaskRule"
    )
    assert by_sid["TagTasksOnRun"]["Condition"] == {"StringEquals": {"ecs:CreateAction": "RunTask"}}


@pytest.mark.parametrize(
    "document, allowed",
    [
        pytest.param(policies.state_machine_role_policy(STATE_MACHINE), {"ExecutionLogging"},
                     id="state-machine-role"),
        pytest.param(policies.rule_role_policy("arn:aws:states:us-east-1:1:stateMachine:x"), set(),
                     id="rule-role"),
        pytest.param(policies.task_role_policy(), set(), id="task-role-deny-only"),
    ],
)  # fmt: skip
def test_wildcards_only_where_aws_offers_nothing_narrower(document, allowed):
    assert set(wildcard_statements(document)) == allowed
    assert allowed <= set(WILDCARD_SIDS)


def test_task_role_denies_iam():
    assert policies.task_role_policy()["Statement"] == [
        {"Sid": "DenyIAM", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}
    ]


SM_ARNS = policies.state_machine_source_arns("demo-dev-report", partition="aws",
                                             region="us-east-1", account=ACCOUNT)  # fmt: skip


@pytest.mark.parametrize(
    "service, source_arns, arn_like",
    [
        pytest.param("ecs-tasks.amazonaws.com", (), None, id="account-only"),
        pytest.param("ecs-tasks.amazonaws.com",
                     policies.ecs_task_source_arns(partition="aws", region="us-east-1",
                                                   account=ACCOUNT),
                     f"arn:aws:ecs:us-east-1:{ACCOUNT}:*", id="ecs-tasks"),
        pytest.param("states.amazonaws.com", SM_ARNS,
                     [f"arn:aws:states:us-east-1:{ACCOUNT}:execution:demo-dev-report:*",
                      f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:demo-dev-report"],
                     id="state-machine"),
        pytest.param("events.amazonaws.com",
                     policies.rule_source_arns("demo-dev-report", partition="aws",
                                               region="us-east-1", account=ACCOUNT),
                     f"arn:aws:events:us-east-1:{ACCOUNT}:rule/demo-dev-report", id="rule"),
        pytest.param("scheduler.amazonaws.com",
                     policies.schedule_group_source_arns("demo-dev", partition="aws-cn",
                                                         region="cn-north-1", account=ACCOUNT),
                     f"arn:aws-cn:scheduler:cn-north-1:{ACCOUNT}:schedule-group/demo-dev",
                     id="schedule-group-china"),
    ],
)  # fmt: skip
def test_trust_policies_are_valid_create_role_payloads(service, source_arns, arn_like):
    document = policies.assume_role_policy(service, account=ACCOUNT, source_arns=source_arns)
    expected = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    if arn_like:
        expected["ArnLike"] = {"aws:SourceArn": arn_like}
    assert document["Statement"][0]["Condition"] == expected
    model = botocore.session.get_session().get_service_model("iam")
    payload = {"RoleName": "r", "AssumeRolePolicyDocument": json.dumps(document)}
    report = ParamValidator().validate(payload, model.operation_model("CreateRole").input_shape)
    assert not report.has_errors(), report.generate_report()


@pytest.mark.parametrize(
    "changes, expected",
    [
        pytest.param(
            dict(ssm_parameter_arns=["arn:aws:ssm:eu-west-1:123456789012:parameter/p",
                                     "arn:aws:ssm:us-east-1:123456789012:parameter/q"]),
            {
                "DecryptParameters": ("arn:aws:kms:us-east-1:123456789012:key/*",
                                      "ssm.us-east-1.amazonaws.com",
                                      ["arn:aws:ssm:us-east-1:123456789012:parameter/q"]),
                "DecryptParametersEuWest1": ("arn:aws:kms:eu-west-1:123456789012:key/*",
                                             "ssm.eu-west-1.amazonaws.com",
                                             ["arn:aws:ssm:eu-west-1:123456789012:parameter/p"]),
            },
            id="parameter-in-another-region",
        ),
        pytest.param(
            dict(secret_arns=["arn:aws:secretsmanager:ap-south-1:123456789012:secret:s-??????"]),
            {
                "DecryptSecretsApSouth1": (
                    "arn:aws:kms:ap-south-1:123456789012:key/*",
                    "secretsmanager.ap-south-1.amazonaws.com",
                    ["arn:aws:secretsmanager:ap-south-1:123456789012:secret:s-??????"]),
            },
            id="only-a-secret-elsewhere",
        ),
        pytest.param(
            dict(secret_arns=["arn:aws:secretsmanager:us-east-1:210987654321:secret:shared-??????"]),
            {
                "DecryptSecretsUsEast1210987654321": (
                    "arn:aws:kms:us-east-1:210987654321:key/*",
                    "secretsmanager.us-east-1.amazonaws.com",
                    ["arn:aws:secretsmanager:us-east-1:210987654321:secret:shared-??????"]),
            },
            id="secret-shared-by-another-account",
        ),
    ],
)  # fmt: skip
def test_decrypt_is_scoped_to_each_secrets_own_region(changes, expected):
    """A key is regional: a parameter in eu-west-1 is decrypted with an eu-west-1 key, through
    SSM in eu-west-1, whatever region the stack is in."""
    document = policies.execution_role_policy(grants(**changes))
    found = {}
    for statement in document["Statement"]:
        if statement["Action"] != "kms:Decrypt":
            continue
        condition = statement["Condition"]
        context = {**condition.get("StringEquals", {}), **condition.get("StringLike", {})}
        arns = context.get("kms:EncryptionContext:PARAMETER_ARN") or context.get(
            "kms:EncryptionContext:SecretARN"
        )
        found[statement["Sid"]] = (statement["Resource"], context["kms:ViaService"], arns)
    assert found == expected
