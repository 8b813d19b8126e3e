"""A deployed job's status for `jobs show` and `jobs ls`: its schedule in words with the next
run times, and its recent executions with how each ended. Dictionaries use the stable
camelCase keys of the `--json` outputs (docs/operating.md)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from scheduled_jobs.cli.ops import console as consolelinks
from scheduled_jobs.cli.ops.times import iso
from scheduled_jobs.components.contract import log_stream, parse_task_arn

if TYPE_CHECKING:  # pragma: no cover
    from scheduled_jobs.cli.ops.finder import Job, Rule
    from scheduled_jobs.cli.ops.session import Aws

# Enough of the newest history events to reach the last task attempt and the execution's end.
HISTORY_TAIL = 40


def _disabled() -> str:
    from scheduled_jobs.cli.output import program

    return f"disabled: runs only with `{program()} run`"


def schedule_info(rule: Rule | None, count: int = 5, now: datetime | None = None) -> dict[str, Any]:
    """`{"expression", "description", "enabled", "nextRuns"}` for the job's rule."""
    from scheduled_jobs.components.manifest.schedule import describe_schedule, next_runs

    if rule is None or not rule.expression:
        return {"expression": None, "description": "no schedule", "enabled": False, "nextRuns": [],
                "timezone": None, "trigger": None}  # fmt: skip
    zone = getattr(rule, "timezone", None)
    runs: list[datetime] = []
    if rule.enabled:
        try:
            runs = next_runs(
                rule.expression, count, after=now or datetime.now(timezone.utc), zone_name=zone
            )
        except ValueError:  # an expression we cannot read still shows, without next runs
            runs = []
    # A disabled rule's expression is not in effect (`schedule: none` keeps a placeholder).
    description = describe_schedule(rule.expression, zone) if rule.enabled else _disabled()
    window = getattr(rule, "window_minutes", None)
    if window and rule.enabled:
        description += f", starting within {window} minutes"
    return {
        "expression": rule.expression,
        "description": description,
        "enabled": rule.enabled,
        # UTC instants; `timezone` is the zone the schedule runs in (UTC for a rule).
        "nextRuns": [iso(r) for r in runs],
        "timezone": zone or "UTC",
        "trigger": getattr(rule, "kind", "rule"),
    }


def recent_executions(aws: Aws, job: Job, count: int) -> list[dict[str, Any]]:
    """The newest `count` executions, newest first, each with its exit code or failure reason
    when AWS recorded one."""
    from scheduled_jobs.cli.ops.session import aws_errors

    if not job.state_machine_arn or count < 1:
        return []
    sfn = aws.client("stepfunctions")
    with aws_errors():
        listed = sfn.list_executions(stateMachineArn=job.state_machine_arn, maxResults=count)[
            "executions"
        ]
    if not listed:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(listed))) as pool:
        return list(pool.map(lambda item: _summary(aws, job, item), listed))


def _summary(aws: Aws, job: Job, item: dict) -> dict[str, Any]:
    from scheduled_jobs.cli.ops.executions import exit_code_from_ecs, history, task_outcome
    from scheduled_jobs.cli.ops.session import aws_errors
    from scheduled_jobs.cli.output import UserError

    status = item["status"]
    start, stop = item.get("startDate"), item.get("stopDate")
    exit_code = reason = capacity = skipped = None
    task_arn = None
    if status != "RUNNING":
        sfn = aws.client("stepfunctions")
        with aws_errors():
            tail = history(sfn, item["executionArn"], newest_first=True, limit=HISTORY_TAIL)
        outcome = task_outcome(reversed(tail), job.name)
        exit_code, reason = outcome.exit_code, outcome.reason
        capacity, skipped = outcome.capacity, outcome.skipped
        task_arn = outcome.task_arns[-1] if outcome.task_arns else None
        if exit_code is None and task_arn:
            try:
                with aws_errors():
                    exit_code = exit_code_from_ecs(aws.client("ecs"), task_arn, job.name)
            except UserError:  # any AWS error: the exit code stays unknown ("-"), not a failure
                exit_code = None
    return {
        "name": item["name"],
        "status": status,
        "startDate": iso(start),
        "stopDate": iso(stop),
        "durationSeconds": round((stop - start).total_seconds(), 3) if start and stop else None,
        "exitCode": exit_code,
        "reason": skipped or (reason if status != "SUCCEEDED" else None),
        "skipped": skipped is not None,
        "capacity": capacity,
        "taskArn": task_arn,
        "consoleUrl": consolelinks.execution(aws.region, item["executionArn"]),
        "logStreamUrl": _log_stream_url(aws, job, task_arn),
    }


def _log_stream_url(aws: Aws, job: Job, task_arn: str | None) -> str | None:
    """The console page of the main container's log stream of a task."""
    if not task_arn or not job.log_group:
        return None
    stream = log_stream(job.name, parse_task_arn(task_arn)[1])
    return consolelinks.log_stream(aws.region, job.log_group, stream)


def local_time(value: str, zone_name: str | None = None) -> str:
    """`2024-05-01T09:00:00Z` -> `2024-05-01 09:00 UTC (11:00 CEST)` for people; with the
    job's zone first when it has one: `2024-05-01 10:00 BST Europe/London (09:00 UTC)`, then
    the viewer's local time when it differs from both."""
    moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    local = moment.astimezone()
    shown = [moment.utcoffset()]
    if zone_name and zone_name != "UTC":
        from scheduled_jobs.components.manifest.zones import zone

        there = moment.astimezone(zone(zone_name))
        text = f"{there:%Y-%m-%d %H:%M %Z} {zone_name} ({moment:%H:%M} UTC"
        shown.append(there.utcoffset())
        if local.utcoffset() not in shown:
            text += f", {local:%H:%M %Z} local"
        return text + ")"
    text = f"{moment:%Y-%m-%d %H:%M} UTC"
    if local.utcoffset() != moment.utcoffset():
        same_day = local.date() == moment.date()
        text += f" ({local:%H:%M %Z})" if same_day else f" ({local:%Y-%m-%d %H:%M %Z})"
    return text


def table(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows as aligned text columns; the last column is left ragged."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  "
        + row[-1]
        for row in rows
    ]
