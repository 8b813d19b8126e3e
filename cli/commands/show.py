"""`jobs show`: a deployed job's schedule, its recent executions and its resources."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from scheduled_jobs.cli.options import AppOption, EnvOption, JsonOption, job_argument


def show(
    name: Annotated[str, job_argument()],
    env: EnvOption,
    app: AppOption = None,
    executions: Annotated[
        int,
        typer.Option(
            "--executions", "-n", min=0, max=100, metavar="N", help="How many recent executions."
        ),
    ] = 5,
    as_json: JsonOption = False,
    calendar: Annotated[
        bool,
        typer.Option("--calendar", help="Also draw the next seven days of runs as a grid."),
    ] = False,
) -> None:
    """Show a job's schedule (next runs), its last executions and its AWS resources."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    from scheduled_jobs.cli.ops.finder import find_job
    from scheduled_jobs.cli.ops.session import connect
    from scheduled_jobs.cli.ops.status import recent_executions, schedule_info
    from scheduled_jobs.cli.output import result

    aws = connect(env, app)
    job = find_job(aws, name, with_rule=True)
    from scheduled_jobs.cli.ops.alerts import alert_destinations

    with ThreadPoolExecutor(max_workers=3) as pool:
        history = pool.submit(recent_executions, aws, job, executions)
        task_definition = pool.submit(_task_definition, aws, job)
        alerts = pool.submit(alert_destinations, aws, job)
        data = {
            "job": job.name,
            "app": job.app,
            "env": job.env,
            "region": aws.region,
            "schedule": schedule_info(job.rule),
            "executions": history.result(),
            "resources": _resources(aws, job, _arn(task_definition.result())),
            "alerts": alerts.result(),
        }
        data["estimate"] = _estimate(aws, job, task_definition.result(), data)
    if as_json:
        result(json.dumps(data, indent=2))
    else:
        result(_human(data, calendar=calendar))


# What ECS answers for a family with no ACTIVE revision: ClientException, "Unable to describe
# task definition." (the API's error shapes: AccessDeniedException, ServerException,
# InvalidParameterException, ClientException; botocore's ecs service model).
_MISSING_TASK_DEFINITION = {"ClientException"}


def _task_definition(aws: Any, job: Any) -> dict[str, Any] | None:
    """The job's latest ACTIVE task definition (the family is `{app}-{env}-{job}`); None
    when it has none. Any other AWS error (access denied, throttling) is reported as itself."""
    from botocore.exceptions import ClientError

    from scheduled_jobs.cli.ops.session import aws_errors, error_code
    from scheduled_jobs.components.convert.naming import task_family

    ecs = aws.client("ecs")
    with aws_errors():
        try:
            return ecs.describe_task_definition(
                taskDefinition=task_family(job.app, job.env, job.name)
            )["taskDefinition"]
        except ClientError as exc:
            if error_code(exc) in _MISSING_TASK_DEFINITION:
                return None  # a missing task definition is shown as missing, not as an error
            raise


def _arn(task_definition: dict[str, Any] | None) -> str | None:
    return task_definition["taskDefinitionArn"] if task_definition else None


def _estimate(
    aws: Any, job: Any, task_definition: dict[str, Any] | None, data: dict[str, Any]
) -> dict[str, Any] | None:
    """The monthly Fargate estimate from what is deployed: the task definition's size and
    platform, the state machine's capacity and timeout, the rule's schedule, and the median
    duration of the recent runs (components/convert/cost.py). None without a task definition."""
    from scheduled_jobs.components.convert.cost import NoPriceError, estimate, median_duration

    if task_definition is None:
        return None
    definition = _state_machine_definition(aws, job)
    platform = task_definition.get("runtimePlatform") or {}
    finished = [e["durationSeconds"] for e in data["executions"] if e["stopDate"]]
    schedule = data["schedule"]
    try:
        return estimate(
            expression=schedule["expression"] if schedule["enabled"] else None,
            cpu_units=int(task_definition.get("cpu") or 256),
            memory_mib=int(task_definition.get("memory") or 512),
            region=aws.region,
            os_family=platform.get("operatingSystemFamily", "LINUX"),
            architecture=platform.get("cpuArchitecture", "X86_64"),
            ephemeral_gib=(task_definition.get("ephemeralStorage") or {}).get("sizeInGiB"),
            spot="FARGATE_SPOT" in definition,
            median_seconds=median_duration(finished),
            runs_measured=len(finished),
            timeout_seconds=_timeout(definition),
        ).to_json()
    except NoPriceError as exc:
        return {"unavailable": str(exc)}


def _state_machine_definition(aws: Any, job: Any) -> str:
    from scheduled_jobs.cli.ops.session import aws_errors

    if not job.state_machine_arn:
        return "{}"
    with aws_errors():
        return aws.client("stepfunctions").describe_state_machine(
            stateMachineArn=job.state_machine_arn
        )["definition"]


def _timeout(definition: str) -> int | None:
    import json

    try:
        value = json.loads(definition).get("TimeoutSeconds")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def _resources(aws: Any, job: Any, task_definition_arn: str | None) -> dict[str, Any]:
    from scheduled_jobs.cli.ops import console as consolelinks

    region = aws.region
    resources: dict[str, Any] = {
        "stateMachine": None,
        "logGroup": None,
        "rule": None,
        "taskDefinition": None,
    }
    if job.state_machine_arn:
        resources["stateMachine"] = {
            "arn": job.state_machine_arn,
            "consoleUrl": consolelinks.state_machine(region, job.state_machine_arn),
        }
    if job.log_group:
        resources["logGroup"] = {
            "name": job.log_group,
            "consoleUrl": consolelinks.log_group(region, job.log_group),
        }
    if job.rule and job.rule.kind == "schedule":
        resources["schedule"] = {
            "name": job.rule.name,
            "group": job.rule.group,
            "arn": job.rule.arn,
            "timezone": job.rule.timezone,
            "consoleUrl": consolelinks.schedule(region, job.rule.group or "default", job.rule.name),
        }
    elif job.rule:
        resources["rule"] = {
            "name": job.rule.name,
            "arn": job.rule.arn,
            "consoleUrl": consolelinks.rule(region, job.rule.name),
        }
    if task_definition_arn:
        resources["taskDefinition"] = {
            "arn": task_definition_arn,
            "consoleUrl": consolelinks.task_definition(region, task_definition_arn),
        }
    return resources


def _week(data: dict[str, Any], style: Any) -> list[str]:
    """`--calendar`: the next seven days of runs, in the schedule's zone (UTC unless known)."""
    from datetime import datetime, timedelta, timezone

    from scheduled_jobs.cli.ops.pictures import week_grid
    from scheduled_jobs.components.manifest.schedule import next_runs

    schedule = data["schedule"]
    expression = schedule["expression"]
    if not (expression and schedule["enabled"]) or expression.startswith("rate("):
        return [
            "  no calendar: "
            + (
                "a rate counts from when the rule was created"
                if expression and schedule["enabled"]
                else "no schedule"
            )
        ]
    now = datetime.now(timezone.utc)
    zone = schedule.get("timezone")
    extra = {"zone_name": zone} if zone else {}
    from zoneinfo import ZoneInfo

    local = now.astimezone(ZoneInfo(zone) if zone else timezone.utc)
    end = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=7)
    runs = [r for r in next_runs(expression, 7 * 24 * 60, after=now, **extra) if r < end]
    return week_grid(runs, now, zone, style)


def _human(data: dict[str, Any], *, calendar: bool = False) -> str:
    import shutil
    import sys

    from scheduled_jobs.cli.ops.pictures import picture, style_for
    from scheduled_jobs.cli.ops.status import local_time, table
    from scheduled_jobs.cli.ops.times import format_duration
    from scheduled_jobs.cli.output import program

    schedule = data["schedule"]
    lines = [f"Job {data['job']}  (app {data['app']}, env {data['env']}, {data['region']})", ""]
    lines.append("Schedule")
    if schedule["expression"] and schedule["enabled"]:
        lines.append(f"  {schedule['expression']}: {schedule['description']}")
    elif schedule["expression"]:
        lines.append(f"  {schedule['expression']}, {schedule['description']}")
    else:
        lines.append(f"  none: runs only with `{program()} run`")
    if schedule["nextRuns"]:
        lines.append("  Next runs:")
        lines.extend(
            f"    {local_time(when, schedule.get('timezone'))}" for when in schedule["nextRuns"]
        )
    elif schedule["enabled"] and schedule["expression"].startswith("rate("):
        lines.append("  Next runs: counted from when the rule was created (rate schedule)")
    style = style_for(sys.stdout)
    if calendar:
        lines += ["", "Next seven days", *_week(data, style)]
    lines += ["", "Recent executions"]
    lines += picture(data["executions"], shutil.get_terminal_size().columns, style)
    if not data["executions"]:
        lines.append("  none yet")
    else:
        rows = [("STARTED (UTC)", "DURATION", "STATUS", "EXIT", "NAME / REASON")]
        for item in data["executions"]:
            started = (item["startDate"] or "-").replace("T", " ").rstrip("Z")
            exit_code = "-" if item["exitCode"] is None else str(item["exitCode"])
            detail = item["name"] + (f"  {item['reason']}" if item["reason"] else "")
            if item.get("capacity") == "spot":
                detail += "  (Fargate Spot)"
            rows.append(
                (
                    started,
                    format_duration(item["durationSeconds"]),
                    "SKIPPED" if item.get("skipped") else item["status"],
                    exit_code,
                    detail,
                )
            )
        lines.extend("  " + line for line in table(rows))
    lines += ["", "Failure alerts"]
    alerts = data["alerts"]
    if alerts["rule"] is None:
        lines.append("  off (alerts: none, or deployed without alerts)")
    else:
        lines.extend(f"  topic {topic}" for topic in alerts["topics"])
        lines.extend(f"  email {email}" for email in alerts["emails"])
    if data.get("estimate") is not None:
        from scheduled_jobs.components.convert.cost import summary_of

        lines += ["", "Cost", f"  {summary_of(data['estimate'])}"]
    lines += ["", "Resources"]
    labels = {
        "stateMachine": ("State machine", "arn"),
        "logGroup": ("Log group", "name"),
        "rule": ("Schedule rule", "name"),
        "schedule": ("Schedule (EventBridge Scheduler)", "name"),
        "taskDefinition": ("Task definition", "arn"),
    }
    for key, (label, field) in labels.items():
        if key == "schedule" and key not in data["resources"]:
            continue
        if key == "rule" and "schedule" in data["resources"]:
            continue
        item = data["resources"][key]
        if item is None:
            lines.append(f"  {label}: not found")
        else:
            lines.append(f"  {label}: {item[field]}")
            lines.append(f"    {item['consoleUrl']}")
    return "\n".join(lines)
