"""Failure alerts as plain data: the environment's topic and key, and each job's rule.

Every environment that has a job with alerts gets one SNS topic, `{app}-{env}-job-failures`,
encrypted with a customer-managed KMS key of the environment. EventBridge cannot publish to a
topic under the AWS-managed `aws/sns` key (its key policy cannot be changed to let
events.amazonaws.com use it), hence the environment's own key, whose policy lets EventBridge and
CloudWatch alarms (this account only) use it. The topic policy lets only this account's rules of
this environment, and its alarms, publish.

Each job gets an EventBridge rule on Step Functions "Execution Status Change" events of its own
state machine, for the statuses in `alerts.on`, whose input transformer writes one JSON message:
job, environment, status, error and cause (the cause of a failed task holds its stop reason and
exit code), the console link and the commands to look closer. Email subscriptions (`alerts.email`)
are on the environment's topic with a filter policy on the message body's `job`, so each address
gets that job's failures only. Starts that fail before the state machine runs are alarms: on the
rule's `FailedInvocations` for a rule job, on the schedule group's `InvocationDroppedCount`
(Scheduler's starts dropped after its retries) for the environment.
"""

from __future__ import annotations

import json
from typing import Any

from scheduled_jobs.components.convert.naming import fit
from scheduled_jobs.components.manifest.model import Alerts

STATUSES = {"failed": "FAILED", "timed_out": "TIMED_OUT", "aborted": "ABORTED"}
MAX_TOPIC_NAME = 256
MAX_RULE_NAME = 64
MAX_ALARM_NAME = 255
_CONSOLE = {"aws-cn": "console.amazonaws.cn", "aws-us-gov": "console.amazonaws-us-gov.com"}


def topic_name(app: str, env: str) -> str:
    return fit(f"{app}-{env}-job-failures", MAX_TOPIC_NAME)


def rule_name(app: str, env: str, job: str) -> str:
    return fit(f"{app}-{env}-{job}-failures", MAX_RULE_NAME)


def key_policy(*, account: str, partition: str) -> dict:
    root = f"arn:{partition}:iam::{account}:root"
    use = ["kms:GenerateDataKey*", "kms:Decrypt"]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                # The account administers the key through IAM, as with any key.
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": "kms:*",
                # In a key policy "*" means this key: a key policy names no other resource.
                "Resource": "*",
            },
            {
                "Sid": "EventBridgeAndAlarmsPublish",
                "Effect": "Allow",
                "Principal": {"Service": ["events.amazonaws.com", "cloudwatch.amazonaws.com"]},
                "Action": use,
                "Resource": "*",  # this key (see above)
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            },
        ],
    }


def topic_policy(
    topic_arn: str, *, account: str, partition: str, region: str, app: str, env: str
) -> dict:
    rules = f"arn:{partition}:events:{region}:{account}:rule/{app}-{env}-*"
    alarms = f"arn:{partition}:cloudwatch:{region}:{account}:alarm:{app}-{env}-*"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountManages",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                "Action": [
                    "sns:GetTopicAttributes",
                    "sns:SetTopicAttributes",
                    "sns:Subscribe",
                    "sns:ListSubscriptionsByTopic",
                    "sns:Publish",
                ],
                "Resource": topic_arn,
            },
            {
                "Sid": "EnvironmentRulesPublish",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account},
                    "ArnLike": {"aws:SourceArn": rules},
                },
            },
            {
                "Sid": "EnvironmentAlarmsPublish",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account},
                    "ArnLike": {"aws:SourceArn": alarms},
                },
            },
        ],
    }


def event_pattern(state_machine_arn: str, alerts: Alerts) -> dict:
    return {
        "source": ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        "detail": {
            "stateMachineArn": [state_machine_arn],
            "status": [STATUSES[event] for event in alerts.on],
        },
    }


def _console(region: str, partition: str) -> str:
    domain = _CONSOLE.get(partition, "console.aws.amazon.com")
    host = f"{region}.{domain}" if partition == "aws" else domain
    return f"https://{host}/states/home?region={region}#/v2/executions/details/"


def input_transformer(*, job: str, app: str, env: str, region: str, partition: str) -> dict:
    """The EventBridge target's input transformer: one JSON message per failed run.

    Unquoted placeholders are inserted as JSON values (strings quoted and escaped); quoted ones
    only where the value is an ARN, a name or a time, which hold no quotes. Both forms are
    EventBridge's (docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html).
    """
    paths = {
        "status": "$.detail.status",
        "execution": "$.detail.name",
        "executionArn": "$.detail.executionArn",
        "error": "$.detail.error",
        "cause": "$.detail.cause",
        "time": "$.time",
    }
    where = f"--env {env} --app {app}"
    template = (
        "{"
        f'"summary": "Job {job} ({app}-{env}) ended <status> at <time>", '
        f'"job": "{job}", "application": "{app}", "environment": "{env}", '
        '"status": <status>, "execution": <execution>, "error": <error>, "cause": <cause>, '
        f'"console": "{_console(region, partition)}<executionArn>", '
        f'"show": "scheduled-jobs show {job} {where}", '
        f'"logs": "scheduled-jobs logs {job} {where} --include-state-machine --last 200"'
        "}"
    )
    return {"inputPaths": paths, "inputTemplate": template}


def subscription_filter(job: str) -> str:
    """Filter policy of an email subscription: this job's messages only (body `job` field)."""
    return json.dumps({"job": [job]})


def start_failures_alarm(
    *,
    name: str,
    description: str,
    namespace: str,
    metric: str,
    dimensions: dict[str, Any],
    topic_arn: Any,
    tags: dict,
) -> dict:
    """A CloudWatch alarm that publishes to the topic when a start failed in 5 minutes."""
    return {
        "name": fit(name, MAX_ALARM_NAME),
        "alarmDescription": description,
        "namespace": namespace,
        "metricName": metric,
        "dimensions": dimensions,
        "statistic": "Sum",
        "period": 300,
        "evaluationPeriods": 1,
        "threshold": 1,
        "comparisonOperator": "GreaterThanOrEqualToThreshold",
        # No data means no start was attempted, not a failure.
        "treatMissingData": "notBreaching",
        "alarmActions": [topic_arn],
        "tags": tags,
    }
