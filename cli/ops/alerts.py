"""Where a deployed job's failure alerts go, read from AWS (for `jobs show`): the targets of
its alert rule `{app}-{env}-{job}-failures`, and the email subscriptions of the environment's
topic whose filter policy selects this job (components/convert/alerts.py builds both)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from scheduled_jobs.cli.ops.finder import Job
    from scheduled_jobs.cli.ops.session import Aws


def alert_destinations(aws: Aws, job: Job) -> dict[str, Any]:
    """`{"rule", "topics", "emails"}`; `rule` is None when the job has no alerts (`alerts:
    none`, or deployed by Copilot)."""
    from scheduled_jobs.cli.ops.session import aws_errors
    from scheduled_jobs.components.convert.alerts import rule_name

    events = aws.client("events")
    name = rule_name(job.app, job.env, job.name)
    with aws_errors():
        try:
            targets = events.list_targets_by_rule(Rule=name).get("Targets", [])
        except events.exceptions.ResourceNotFoundException:
            return {"rule": None, "topics": [], "emails": []}
    try:
        return _destinations(aws, job, name, targets)
    except Exception as exc:  # where alerts go is best effort: never fail `show` over it
        if not type(exc).__module__.startswith("botocore"):
            raise
        topics = [target["Arn"] for target in targets]
        return {"rule": name, "topics": topics, "emails": [f"(cannot list: {exc})"]}


def _destinations(aws: Aws, job: Job, name: str, targets: list[dict]) -> dict[str, Any]:
    from scheduled_jobs.components.convert.alerts import topic_name

    topics = [target["Arn"] for target in targets]
    env_topic = f"arn:{aws.partition}:sns:{aws.region}:{aws.account}:{topic_name(job.app, job.env)}"
    emails: list[str] = []
    if env_topic not in topics:
        return {"rule": name, "topics": topics, "emails": emails}
    sns = aws.client("sns")
    try:
        pages = sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=env_topic)
        subscriptions = [s for page in pages for s in page.get("Subscriptions", [])]
    except sns.exceptions.NotFoundException:
        subscriptions = []
    for item in subscriptions:
        if item.get("Protocol") != "email":
            continue
        arn = item.get("SubscriptionArn", "")
        if not arn.startswith("arn:"):  # "PendingConfirmation": no filter policy to read yet
            emails.append(f"{item.get('Endpoint')} (pending confirmation, maybe another job's)")
            continue
        attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
        if _selects(attributes.get("FilterPolicy"), job.name):
            emails.append(item.get("Endpoint", ""))
    return {"rule": name, "topics": topics, "emails": emails}


def _selects(policy: str | None, job: str) -> bool:
    try:
        data = json.loads(policy or "")
    except ValueError:
        return False
    return isinstance(data, dict) and job in (data.get("job") or [])
