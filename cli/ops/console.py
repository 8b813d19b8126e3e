"""AWS console links to a job's resources: pure string functions."""

from __future__ import annotations

from urllib.parse import quote

_DOMAINS = {"aws-cn": "console.amazonaws.cn", "aws-us-gov": "console.amazonaws-us-gov.com"}


def _base(region: str) -> str:
    from scheduled_jobs.components.convert.arns import partition_of

    domain = _DOMAINS.get(partition_of(region), "console.aws.amazon.com")
    if partition_of(region) == "aws":
        return f"https://{region}.{domain}"
    return f"https://{domain}"


def _console_escape(value: str) -> str:
    """The CloudWatch console's fragment encoding: URL-encode, then write `%` as `$25`.

    >>> _console_escape("/copilot/demo-test-report")
    '$252Fcopilot$252Fdemo-test-report'
    """
    return quote(value, safe="").replace("%", "$25")


def execution(region: str, execution_arn: str) -> str:
    return f"{_base(region)}/states/home?region={region}#/v2/executions/details/{execution_arn}"


def state_machine(region: str, state_machine_arn: str) -> str:
    return f"{_base(region)}/states/home?region={region}#/statemachines/view/{state_machine_arn}"


def log_group(region: str, group: str) -> str:
    return (
        f"{_base(region)}/cloudwatch/home?region={region}"
        f"#logsV2:log-groups/log-group/{_console_escape(group)}"
    )


def log_stream(region: str, group: str, stream: str) -> str:
    return f"{log_group(region, group)}/log-events/{_console_escape(stream)}"


def rule(region: str, name: str, event_bus: str = "default") -> str:
    return f"{_base(region)}/events/home?region={region}#/eventbus/{event_bus}/rules/{name}"


def schedule(region: str, group: str, name: str) -> str:
    return f"{_base(region)}/scheduler/home?region={region}#schedules/{group}/{name}"


def task_definition(region: str, task_definition_arn: str) -> str:
    """`.../task-definition/<family>:<revision>` -> the console page of that revision."""
    family, _, revision = task_definition_arn.rsplit("/", 1)[-1].partition(":")
    path = f"{family}/{revision}" if revision else family
    return f"{_base(region)}/ecs/v2/task-definitions/{path}?region={region}"


def ecs_task(region: str, task_arn: str) -> str:
    """The task's page; an old-format ARN names no cluster, so the clusters page."""
    from scheduled_jobs.components.contract import parse_task_arn

    cluster, task_id = parse_task_arn(task_arn)
    if cluster:
        return f"{_base(region)}/ecs/v2/clusters/{cluster}/tasks/{task_id}?region={region}"
    return f"{_base(region)}/ecs/v2/clusters?region={region}"
