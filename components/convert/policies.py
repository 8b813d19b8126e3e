"""IAM policy documents of a job, as plain dicts (json.dumps them for AWS).

Tighter than Copilot's: the execution role reads only the secrets and parameters the
manifest names (Copilot allows every one tagged for the app and environment), pulls only this
job's images and writes only its log group; the state machine role runs only this task
definition family in this cluster. Every wildcard left is one AWS offers nothing narrower for,
and says so next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

VERSION = "2012-10-17"
ECS_SYNC_RULE = "StepFunctionsGetEventsForECSTaskRule"


def assume_role_policy(service: str, *, account: str, source_arns: Sequence[str] = ()) -> dict:
    """Trust for one AWS service, only on behalf of this account and, given `source_arns`,
    only for those resources (no confused deputy).

    AWS recommends both keys in a service role's trust policy; each service documents what it
    passes as `aws:SourceArn` (see `source_arn_patterns`). ArnLike, because some of them are
    patterns (`arn:aws:ecs:<region>:<account>:*`); it also matches an exact ARN.
    """
    condition: dict = {"StringEquals": {"aws:SourceAccount": account}}
    if source_arns:
        arns = sorted(set(source_arns))
        condition["ArnLike"] = {"aws:SourceArn": arns[0] if len(arns) == 1 else arns}
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": condition,
            }
        ],
    }


def ecs_task_source_arns(*, partition: str, region: str, account: str) -> list[str]:
    """`aws:SourceArn` of the task role: any ECS resource of this account and region.

    The narrowest AWS documents for ecs-tasks.amazonaws.com ("Amazon ECS task IAM role",
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html: ArnLike
    `arn:aws:ecs:<region>:<account>:*` with aws:SourceAccount); a cluster or task pattern is
    not supported there (awsdocs/amazon-ecs-developer-guide#208). AWS gives no such condition
    for the task execution role, which keeps aws:SourceAccount only.
    """
    return [f"arn:{partition}:ecs:{region}:{account}:*"]


def state_machine_source_arns(name: str, *, partition: str, region: str, account: str) -> list[str]:
    """`aws:SourceArn` of a state machine's role: that state machine (Step Functions, "Prevent
    cross-service confused deputy issue", https://docs.aws.amazon.com/step-functions/latest/dg/
    procedure-create-iam-role.html), and its executions, in case the service presents an
    execution's ARN while one runs. Built from the deterministic name, not the resource's ARN
    output: the state machine needs the role first (role -> state machine -> role is a cycle).
    """
    states = f"arn:{partition}:states:{region}:{account}"
    return [f"{states}:stateMachine:{name}", f"{states}:execution:{name}:*"]


def rule_source_arns(rule: str, *, partition: str, region: str, account: str) -> list[str]:
    """`aws:SourceArn` of an EventBridge rule target's role: the rule's ARN ("For EventBridge
    event bus rule targets, the value of aws:SourceArn must be the rule ARN",
    https://docs.aws.amazon.com/eventbridge/latest/userguide/
    cross-service-confused-deputy-prevention.html). Rules on the default bus."""
    return [f"arn:{partition}:events:{region}:{account}:rule/{rule}"]


def schedule_group_source_arns(
    group: str, *, partition: str, region: str, account: str
) -> list[str]:
    """`aws:SourceArn` of an EventBridge Scheduler execution role: the schedule's group, never
    the schedule ("The ARN you specify must be a schedule group",
    https://docs.aws.amazon.com/scheduler/latest/UserGuide/
    cross-service-confused-deputy-prevention.html)."""
    return [f"arn:{partition}:scheduler:{region}:{account}:schedule-group/{group}"]


@dataclass(frozen=True)
class ExecutionGrants:
    """What a job's execution role may read to start its containers."""

    region: str
    account: str
    partition: str
    log_group_arn: str
    repository_arns: Sequence[str] = field(default_factory=tuple)  # private ECR images
    ssm_parameter_arns: Sequence[str] = field(default_factory=tuple)
    secret_arns: Sequence[str] = field(default_factory=tuple)  # IAM patterns, see arns.py
    env_file_objects: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (bucket, object)


def execution_role_policy(grants: ExecutionGrants) -> dict:
    g = grants
    statements: list[dict] = [
        {
            "Sid": "WriteLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{g.log_group_arn}:log-stream:*",
        }
    ]
    if g.repository_arns:
        statements += [
            {
                "Sid": "EcrLogin",
                "Effect": "Allow",
                "Action": "ecr:GetAuthorizationToken",
                # GetAuthorizationToken has no resource-level permissions: "*" is all AWS offers.
                "Resource": "*",
            },
            {
                "Sid": "PullImages",
                "Effect": "Allow",
                "Action": [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchGetImage",
                ],
                "Resource": sorted(set(g.repository_arns)),
            },
        ]
    if g.ssm_parameter_arns:
        statements.append(
            {
                "Sid": "ReadParameters",
                "Effect": "Allow",
                "Action": "ssm:GetParameters",
                "Resource": sorted(set(g.ssm_parameter_arns)),
            }
        )
    if g.secret_arns:
        statements.append(
            {
                "Sid": "ReadSecrets",
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": sorted(set(g.secret_arns)),
            }
        )
    statements += _decrypt_statements(g)
    for index, (bucket_arn, object_arn) in enumerate(g.env_file_objects):
        statements.append(
            {
                "Sid": f"ReadEnvFile{index}",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": object_arn,
            }
        )
        statements.append(
            {
                "Sid": f"LocateEnvFileBucket{index}",
                "Effect": "Allow",
                "Action": "s3:GetBucketLocation",
                "Resource": bucket_arn,
            }
        )
    return {"Version": VERSION, "Statement": statements}


def _decrypt_statements(g: ExecutionGrants) -> list[dict]:
    """kms:Decrypt for parameters and secrets encrypted with a customer managed key.

    The manifest names the parameters and secrets, not their keys, so the resource is every key
    of the account and region that holds them; the conditions narrow it to decrypting exactly
    those parameters and secrets, through their own service in their own region (AWS managed
    keys need no IAM grant at all). A KMS key is regional and a parameter or secret is
    encrypted with a key of its own region (and account: a shared one with its owner's), so a
    reference to `eu-west-1` from a stack in `us-east-1` needs the `eu-west-1` keys, through
    `ssm.eu-west-1.amazonaws.com`: one statement per region and account.
    """
    out = []
    for (region, account), arns in _by_home(g, g.ssm_parameter_arns).items():
        out.append(
            {
                "Sid": _home_sid("DecryptParameters", g, region, account),
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": f"arn:{g.partition}:kms:{region}:{account}:key/*",
                "Condition": {
                    "StringEquals": {
                        "kms:ViaService": f"ssm.{region}.amazonaws.com",
                        "kms:EncryptionContext:PARAMETER_ARN": arns,
                    }
                },
            }
        )
    for (region, account), arns in _by_home(g, g.secret_arns).items():
        out.append(
            {
                "Sid": _home_sid("DecryptSecrets", g, region, account),
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": f"arn:{g.partition}:kms:{region}:{account}:key/*",
                "Condition": {
                    "StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"},
                    "StringLike": {"kms:EncryptionContext:SecretARN": arns},
                },
            }
        )
    return out


def _by_home(g: ExecutionGrants, arns: Sequence[str]) -> dict[tuple[str, str], list[str]]:
    """ARNs grouped by the (region, account) they name, the stack's first; a value that is
    not an ARN with both (never expected: references are ARNs by now) counts as the stack's."""
    groups: dict[tuple[str, str], list[str]] = {(g.region, g.account): []}
    for arn in sorted(set(arns)):
        parts = arn.split(":")
        home = (parts[3], parts[4]) if len(parts) > 5 and parts[3] and parts[4] else None
        groups.setdefault(home or (g.region, g.account), []).append(arn)
    return {home: found for home, found in groups.items() if found}


def _home_sid(prefix: str, g: ExecutionGrants, region: str, account: str) -> str:
    """`DecryptParameters` for the stack's own region and account; `DecryptParametersEuWest1`
    (and the account, when another) for the others. Sids are alphanumeric."""
    if (region, account) == (g.region, g.account):
        return prefix
    suffix = "".join(part.capitalize() for part in region.split("-"))
    return prefix + suffix + ("" if account == g.account else account)


def task_role_policy(statements: Sequence[dict] = ()) -> dict:
    """The task role starts with no permissions; like Copilot, it may never change IAM, so a
    policy attached later cannot escalate through it. `statements` are what the manifest's
    features grant (publish, exec, EFS), each from its own module."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "DenyIAM",
                "Effect": "Deny",
                "Action": "iam:*",
                "Resource": "*",  # a Deny: the wider the better
            },
            *statements,
        ],
    }


@dataclass(frozen=True)
class StateMachineGrants:
    region: str
    account: str
    partition: str
    task_family: str
    cluster_arn: str
    cluster_name: str
    execution_role_arn: str
    task_role_arn: str
    # The state machine's own name, for `concurrency: forbid | replace` (None: allow).
    state_machine_name: str | None = None
    concurrency: str = "allow"


def concurrency_statements(g: StateMachineGrants) -> list[dict]:
    """Listing this state machine's executions (forbid, replace) and stopping them (replace)."""
    if g.concurrency == "allow" or not g.state_machine_name:
        return []
    states = f"arn:{g.partition}:states:{g.region}:{g.account}"
    statements = [
        {
            "Sid": "ListOwnExecutions",
            "Effect": "Allow",
            "Action": "states:ListExecutions",
            "Resource": f"{states}:stateMachine:{g.state_machine_name}",
        }
    ]
    if g.concurrency == "replace":
        statements.append(
            {
                "Sid": "StopOwnExecutions",
                "Effect": "Allow",
                "Action": "states:StopExecution",
                "Resource": f"{states}:execution:{g.state_machine_name}:*",
            }
        )
    return statements


def state_machine_role_policy(g: StateMachineGrants) -> dict:
    ecs = f"arn:{g.partition}:ecs:{g.region}:{g.account}"
    in_cluster = {"ArnEquals": {"ecs:cluster": g.cluster_arn}}
    tasks = f"{ecs}:task/{g.cluster_name}/*"
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "RunTask",
                "Effect": "Allow",
                "Action": "ecs:RunTask",
                # Any revision of this family: the definition moves to each new revision.
                "Resource": f"{ecs}:task-definition/{g.task_family}:*",
                "Condition": in_cluster,
            },
            {
                "Sid": "WatchTasks",
                "Effect": "Allow",
                "Action": ["ecs:StopTask", "ecs:DescribeTasks"],
                "Resource": tasks,
                "Condition": in_cluster,
            },
            {
                # Tags propagate from the task definition; accounts with ECS tagging
                # authorization need this to let RunTask tag the task it creates.
                "Sid": "TagTasksOnRun",
                "Effect": "Allow",
                "Action": "ecs:TagResource",
                "Resource": tasks,
                "Condition": {"StringEquals": {"ecs:CreateAction": "RunTask"}},
            },
            {
                "Sid": "PassTaskRoles",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": [g.execution_role_arn, g.task_role_arn],
                "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
            },
            {
                # The managed rule through which `ecs:runTask.sync` learns that the task stopped.
                "Sid": "SyncRule",
                "Effect": "Allow",
                "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                "Resource": f"arn:{g.partition}:events:{g.region}:{g.account}:rule/{ECS_SYNC_RULE}",
            },
            {
                "Sid": "ExecutionLogging",
                "Effect": "Allow",
                "Action": [
                    "logs:CreateLogDelivery",
                    "logs:GetLogDelivery",
                    "logs:UpdateLogDelivery",
                    "logs:DeleteLogDelivery",
                    "logs:ListLogDeliveries",
                    "logs:PutResourcePolicy",
                    "logs:DescribeResourcePolicies",
                    "logs:DescribeLogGroups",
                ],
                # Step Functions' log delivery APIs have no resource-level permissions.
                "Resource": "*",
            },
            *concurrency_statements(g),
        ],
    }


def rule_role_policy(state_machine_arn: str) -> dict:
    """The schedule's role may start this state machine and nothing else."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "StartJob",
                "Effect": "Allow",
                "Action": "states:StartExecution",
                "Resource": state_machine_arn,
            }
        ],
    }
