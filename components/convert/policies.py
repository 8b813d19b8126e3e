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


def assume_role_policy(service: str, *, account: str) -> dict:
    """Trust for one AWS service, only on behalf of this account (no confused deputy)."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            }
        ],
    }


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
    of the account; the conditions narrow it to decrypting exactly those parameters and secrets,
    through their own service (AWS managed keys need no IAM grant at all).
    """
    keys = f"arn:{g.partition}:kms:{g.region}:{g.account}:key/*"
    out = []
    if g.ssm_parameter_arns:
        out.append(
            {
                "Sid": "DecryptParameters",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": keys,
                "Condition": {
                    "StringEquals": {
                        "kms:ViaService": f"ssm.{g.region}.amazonaws.com",
                        "kms:EncryptionContext:PARAMETER_ARN": sorted(set(g.ssm_parameter_arns)),
                    }
                },
            }
        )
    if g.secret_arns:
        out.append(
            {
                "Sid": "DecryptSecrets",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": keys,
                "Condition": {
                    "StringEquals": {"kms:ViaService": f"secretsmanager.{g.region}.amazonaws.com"},
                    "StringLike": {"kms:EncryptionContext:SecretARN": sorted(set(g.secret_arns))},
                },
            }
        )
    return out


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
