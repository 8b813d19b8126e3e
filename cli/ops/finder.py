"""Finding a deployed job's resources in AWS, without Pulumi state.

A job is found by its three Copilot tags (so jobs Copilot deployed are found too), then by
the names both Copilot and this project give (`{app}-{env}-{job}`). Every lookup filters on
the application and the environment, so jobs of other apps or environments are never touched.
EventBridge rules are invisible to the tagging API: the rule is looked up by this project's
rule name, then by the state machine it targets (Copilot's rule name is CloudFormation's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scheduled_jobs.cli.ops.session import Aws, aws_errors
from scheduled_jobs.cli.output import UserError, program
from scheduled_jobs.components import contract
from scheduled_jobs.components.convert import naming

STATE_MACHINE_TYPE = "states:stateMachine"
LOG_GROUP_TYPE = "logs"


@dataclass
class Rule:
    """What starts the job: an EventBridge rule, or an EventBridge Scheduler schedule
    (`kind="schedule"`, in `group`, evaluated in `timezone`)."""

    name: str
    arn: str
    expression: str | None
    enabled: bool
    kind: str = "rule"
    group: str | None = None
    timezone: str | None = None
    window_minutes: int | None = None


@dataclass
class Job:
    name: str
    app: str
    env: str
    state_machine_arn: str | None = None
    log_group: str | None = None
    rule: Rule | None = None
    # How the state machine was found: "tags" or "name".
    found_by: str = "tags"


def _tag_filters(app: str, env: str, job: str | None) -> list[dict[str, Any]]:
    filters = [
        {"Key": contract.TAG_APP, "Values": [app]},
        {"Key": contract.TAG_ENV, "Values": [env]},
    ]
    if job:
        filters.append({"Key": contract.TAG_JOB, "Values": [job]})
    return filters


def _log_group_from_arn(arn: str) -> str:
    """`arn:aws:logs:r:a:log-group:/copilot/x[:*]` -> `/copilot/x`."""
    name = arn.split(":log-group:", 1)[-1]
    return name[:-2] if name.endswith(":*") else name


def tagged_jobs(aws: Aws, app: str, env: str, job: str | None = None) -> dict[str, Job]:
    """Jobs whose state machine or log group carries this app's and env's tags, by job name."""
    found: dict[str, Job] = {}
    with aws_errors():
        paginator = aws.client("resourcegroupstaggingapi").get_paginator("get_resources")
        pages = paginator.paginate(
            TagFilters=_tag_filters(app, env, job),
            ResourceTypeFilters=[STATE_MACHINE_TYPE, LOG_GROUP_TYPE],
        )
        for page in pages:
            for item in page.get("ResourceTagMappingList", []):
                tags = {t["Key"]: t["Value"] for t in item.get("Tags", [])}
                # Check again on our side: a job of another app or env is never ours to touch.
                if tags.get(contract.TAG_APP) != app or tags.get(contract.TAG_ENV) != env:
                    continue
                name = tags.get(contract.TAG_JOB)
                if not name or (job and name != job):
                    continue
                entry = found.setdefault(name, Job(name=name, app=app, env=env))
                arn = item["ResourceARN"]
                if ":states:" in arn and ":stateMachine:" in arn:
                    entry.state_machine_arn = arn
                elif ":logs:" in arn:
                    entry.log_group = _log_group_from_arn(arn)
    return found


def tag_values(aws: Aws, tag: str, filters: dict[str, str]) -> set[str]:
    """The values of `tag` on the job resources (state machines, log groups) that carry
    every tag in `filters`: the environments an app is deployed in, the apps of an env."""
    values: set[str] = set()
    with aws_errors():
        paginator = aws.client("resourcegroupstaggingapi").get_paginator("get_resources")
        pages = paginator.paginate(
            TagFilters=[{"Key": k, "Values": [v]} for k, v in filters.items()] + [{"Key": tag}],
            ResourceTypeFilters=[STATE_MACHINE_TYPE, LOG_GROUP_TYPE],
        )
        for page in pages:
            for item in page.get("ResourceTagMappingList", []):
                tags = {t["Key"]: t["Value"] for t in item.get("Tags", [])}
                if all(tags.get(k) == v for k, v in filters.items()) and tags.get(tag):
                    values.add(tags[tag])
    return values


def state_machine_by_name(aws: Aws, app: str, env: str, job: str) -> str | None:
    arn = (
        f"arn:{aws.partition}:states:{aws.region}:{aws.account}:stateMachine:"
        f"{naming.state_machine_name(app, env, job)}"
    )
    sfn = aws.client("stepfunctions")
    with aws_errors():
        try:
            sfn.describe_state_machine(stateMachineArn=arn)
        except sfn.exceptions.StateMachineDoesNotExist:
            return None
    return arn


def _log_group_by_name(aws: Aws, app: str, env: str, job: str) -> str | None:
    name = naming.log_group_name(app, env, job)
    with aws_errors():
        groups = aws.client("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return name if any(g["logGroupName"] == name for g in groups) else None


def _rule(aws: Aws, name: str) -> Rule | None:
    events = aws.client("events")
    with aws_errors():
        try:
            data = events.describe_rule(Name=name)
        except events.exceptions.ResourceNotFoundException:
            return None
    return Rule(
        name=data["Name"],
        arn=data["Arn"],
        expression=data.get("ScheduleExpression"),
        enabled=data.get("State") == "ENABLED",
    )


def find_schedule(aws: Aws, app: str, env: str, job: str) -> Rule | None:
    """The job's EventBridge Scheduler schedule (jobs with a time zone, a window or `at()`):
    named like the rule, in the environment's schedule group."""
    from scheduled_jobs.components.convert.scheduler import group_name

    scheduler = aws.client("scheduler")
    with aws_errors():
        try:
            data = scheduler.get_schedule(
                Name=naming.rule_name(app, env, job), GroupName=group_name(app, env)
            )
        except scheduler.exceptions.ResourceNotFoundException:
            return None
        except scheduler.exceptions.ClientError as exc:
            # Credentials made for jobs Copilot deployed may lack scheduler:GetSchedule: look
            # for the rule instead of failing.
            if "AccessDenied" in exc.response.get("Error", {}).get("Code", ""):
                return None
            raise
    window = data.get("FlexibleTimeWindow") or {}
    return Rule(
        name=data["Name"],
        arn=data["Arn"],
        expression=data.get("ScheduleExpression"),
        enabled=data.get("State") == "ENABLED",
        kind="schedule",
        group=data.get("GroupName"),
        timezone=data.get("ScheduleExpressionTimezone") or "UTC",
        window_minutes=window.get("MaximumWindowInMinutes") if window.get("Mode") == "FLEXIBLE"
        else None,
    )  # fmt: skip


def find_rule(aws: Aws, app: str, env: str, job: str, state_machine_arn: str | None) -> Rule | None:
    """What starts the job: its Scheduler schedule, else the EventBridge rule of this project's
    name, else the rule that targets the state machine (how Copilot's CloudFormation-named
    rules are found)."""
    schedule = find_schedule(aws, app, env, job)
    if schedule is not None:
        return schedule
    rule = _rule(aws, naming.rule_name(app, env, job))
    if rule is not None or not state_machine_arn:
        return rule
    with aws_errors():
        names = (
            aws.client("events")
            .list_rule_names_by_target(TargetArn=state_machine_arn)
            .get("RuleNames", [])
        )
    for name in names:
        rule = _rule(aws, name)
        if rule is not None and rule.expression:
            return rule
    return None


def find_job(
    aws: Aws,
    job: str,
    *,
    need_state_machine: bool = False,
    need_log_group: bool = False,
    with_rule: bool = False,
) -> Job:
    """The job's resources, or a UserError that lists the jobs that do exist there."""
    app, env = aws.target.app, aws.target.env
    found = tagged_jobs(aws, app, env, job).get(job) or Job(name=job, app=app, env=env)
    # Untagged resources (an old stack, a tag lost in a console edit) are still found by name.
    if found.state_machine_arn is None:
        found.state_machine_arn = state_machine_by_name(aws, app, env, job)
        found.found_by = "name"
    if found.log_group is None:
        found.log_group = _log_group_by_name(aws, app, env, job)
    if found.state_machine_arn is None and found.log_group is None:
        raise unknown_job(aws, job)
    if need_state_machine and found.state_machine_arn is None:
        raise UserError(
            f'job "{job}" has logs in application "{app}", environment "{env}", but no state '
            "machine: it is not deployed there any more",
            hint=f"Deploy it with `{program()} deploy --env {env}`.",
        )
    if need_log_group and found.log_group is None:
        raise UserError(
            f'job "{job}" has no log group {naming.log_group_name(app, env, job)} in '
            f'application "{app}", environment "{env}"'
        )
    if with_rule:
        found.rule = find_rule(aws, app, env, job, found.state_machine_arn)
    return found


def find_log_group(aws: Aws, job: str) -> str:
    """The job's log group, for commands that need nothing else (`logs`). Its name is
    deterministic (ours and Copilot's: naming.log_group_name), so one DescribeLogGroups on the
    logs client the command uses anyway answers; the tag search (another client, another
    round trip) runs only when no group has that name, and reports the unknown job."""
    app, env = aws.target.app, aws.target.env
    group = _log_group_by_name(aws, app, env, job)
    if group is not None:
        return group
    found = find_job(aws, job, need_log_group=True)
    assert found.log_group is not None  # find_job raised otherwise
    return found.log_group


def unknown_job(aws: Aws, job: str) -> UserError:
    app, env = aws.target.app, aws.target.env
    deployed = sorted(tagged_jobs(aws, app, env))
    local = aws.target.local_jobs()
    parts = [f"Jobs deployed there: {', '.join(deployed) if deployed else '(none)'}."]
    if local:
        parts.append(f"Manifests in this project: {', '.join(local)}.")
    if job in local:
        parts.append(f"Deploy it with `{program()} deploy --env {env}`.")
    return UserError(
        f'job "{job}" not found in application "{app}", environment "{env}"',
        hint=" ".join(parts),
    )
