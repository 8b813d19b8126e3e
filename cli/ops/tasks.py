"""Stopping a job's running ECS tasks before its resources go (as `copilot job delete` does).

A job's tasks all share the task definition family `{app}-{env}-{job}`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from scheduled_jobs.cli.ops.session import Aws

# Kept by ECS and read by others in the console: the installed name, not how one user typed it.
STOP_REASON = (
    "Stopped by `scheduled-jobs {command}`: the job is being removed from environment {env}."
)
CLUSTER_OUTPUT_KEYS = ("cluster", "clusterName", "clusterArn", "cluster_name", "cluster_arn")


def cluster_from(config_value: Any, outputs: Mapping[str, Any]) -> str | None:
    """The environment's ECS cluster: the stack's `cluster` setting, else a stack output."""
    if config_value:
        return str(config_value)
    for value in outputs.values():
        if isinstance(value, Mapping):  # e.g. an `environment` output holding several values
            found = cluster_from(None, value)
            if found:
                return found
    for key in CLUSTER_OUTPUT_KEYS:
        if outputs.get(key):
            return str(outputs[key])
    return None


def stop_job_tasks(
    aws: Aws, families: Iterable[str], *, cluster: str | None, command: str
) -> list[str]:
    """Stop every RUNNING task of the given families in the session's environment; returns
    the stopped task ARNs. AWS errors become UserErrors (cli.ops.session).

    Without a known cluster, every cluster in the region is searched (there are few).
    """
    from scheduled_jobs.cli.ops.session import aws_errors

    with aws_errors():
        return _stop(aws.client("ecs"), families, cluster, command, aws.target.env)


def _stop(
    ecs: Any, families: Iterable[str], cluster: str | None, command: str, env: str
) -> list[str]:
    from botocore.exceptions import ClientError

    from scheduled_jobs.cli.ops.session import error_code

    if cluster:
        clusters = [cluster]
    else:
        clusters = [
            arn
            for page in ecs.get_paginator("list_clusters").paginate()
            for arn in page.get("clusterArns", [])
        ]
    reason = STOP_REASON.format(command=command, env=env)
    stopped: list[str] = []
    for name in clusters:
        for family in families:
            pages = ecs.get_paginator("list_tasks").paginate(
                cluster=name, family=family, desiredStatus="RUNNING"
            )
            try:
                tasks = [arn for page in pages for arn in page.get("taskArns", [])]
            except ClientError as exc:
                if error_code(exc) == "ClusterNotFoundException":
                    break  # a cluster that is gone runs nothing
                raise
            for task in tasks:
                ecs.stop_task(cluster=name, task=task, reason=reason)
                stopped.append(task)
    return stopped
