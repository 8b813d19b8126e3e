"""`jobs ls`: every job of an environment with its schedule, state, last run and next run;
manifests of the project that are not deployed there are listed as such. A job whose
resources are half gone is listed as `broken` with what is wrong, and the others still are.
An environment or application that does not exist is an error that lists the known ones."""

from __future__ import annotations

from typing import Any

from scheduled_jobs.cli.options import AppOption, EnvOption, JsonOption


def ls(env: EnvOption, app: AppOption = None, as_json: JsonOption = False) -> None:
    """List the jobs of an environment: deployed ones from AWS, and local manifests."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    from scheduled_jobs.cli.ops.finder import Job, tagged_jobs
    from scheduled_jobs.cli.ops.session import connect
    from scheduled_jobs.cli.output import result

    aws = connect(env, app)
    target = aws.target
    jobs = tagged_jobs(aws, target.app, target.env)
    local = target.local_jobs()
    for name in local:
        if name not in jobs:  # deployed without tags (older Copilot stacks)? try the name
            jobs[name] = Job(name=name, app=target.app, env=target.env, found_by="name")
    with ThreadPoolExecutor(max_workers=8) as pool:
        ordered = sorted(jobs.values(), key=_key)
        rows = list(pool.map(lambda job: _row(aws, job, local), ordered))
        recent = list(pool.map(lambda pair: _recent(aws, *pair), zip(ordered, rows, strict=True)))
    if not any(row["deployed"] or row["state"] == "broken" for row in rows):
        _check_exists(aws, explicit_app=app)
    data = {"app": target.app, "env": target.env, "jobs": rows}
    if as_json:
        result(json.dumps(data, indent=2))
    elif not rows:
        result(f"No jobs in application {target.app}, environment {target.env}.")
    else:
        result(_human(rows, recent))
        broken = [row for row in rows if row["problem"]]
        if broken:
            from scheduled_jobs.cli.output import warn

            for row in broken:
                warn(f"{row['name']}: {row['problem']}")


def _check_exists(aws: Any, *, explicit_app: str | None) -> None:
    """Nothing is deployed for this app and env. Fine for an environment of this project's
    application that has a stack file (nothing deployed yet); otherwise an error: the
    application has nothing there (the environment exists: a stack file or other apps'
    jobs), or the environment is unknown. Each lists the known ones."""
    from scheduled_jobs.cli.ops.finder import tag_values
    from scheduled_jobs.cli.output import UserError
    from scheduled_jobs.components.contract import TAG_APP, TAG_ENV

    target, project = aws.target, aws.target.project
    stack_envs = _stack_envs(project)
    has_stack_file = target.env in stack_envs
    if has_stack_file and explicit_app in (None, project.app_name(target.env)):
        return
    apps = tag_values(aws, TAG_APP, {TAG_ENV: target.env})
    if apps or has_stack_file:
        raise UserError(
            f'application "{target.app}" has nothing deployed in environment "{target.env}"',
            hint=f"Applications deployed there: {', '.join(sorted(apps)) if apps else '(none)'}.",
        )
    envs = tag_values(aws, TAG_ENV, {TAG_APP: target.app}) or tag_values(aws, TAG_ENV, {})
    known = sorted(set(stack_envs) | envs)
    where = f"no stack file Pulumi.{target.env}.yaml here, and " if project else ""
    from scheduled_jobs.cli.output import program

    raise UserError(
        f'unknown environment "{target.env}": {where}nothing is deployed under that name',
        hint=f"Known environments (stack files here, or deployed): "
        f"{', '.join(known) if known else '(none)'}."
        + (f" Create it with `{program()} env init {target.env}`." if project else ""),
    )


def _stack_envs(project: Any) -> list[str]:
    """Environments with a stack file, `Pulumi.<env>.yaml`, in the project."""
    if project is None:
        return []
    return sorted(
        p.name[len("Pulumi.") : -len(".yaml")]
        for p in project.root.glob("Pulumi.*.yaml")
        if p.is_file()
    )


def _key(job: Any) -> str:
    return job.name


STRIP_RUNS = 10  # cells of the compact strip


def _recent(aws: Any, job: Any, row: dict[str, Any]) -> list[dict[str, Any]]:
    """The last runs' statuses for the strip: one ListExecutions call, no history reads."""
    from scheduled_jobs.cli.ops.session import aws_errors
    from scheduled_jobs.cli.output import UserError

    if not row["deployed"] or job.state_machine_arn is None:
        return []
    try:
        with aws_errors():
            listed = aws.client("stepfunctions").list_executions(
                stateMachineArn=job.state_machine_arn, maxResults=STRIP_RUNS
            )
    except UserError:  # the strip is a picture: a job that cannot be read shows none
        return []
    return [{"status": e["status"]} for e in listed["executions"]]


def _row(aws: Any, job: Any, local: list[str]) -> dict[str, Any]:
    from scheduled_jobs.cli.output import UserError

    row: dict[str, Any] = {
        "name": job.name,
        "deployed": False,
        "local": job.name in local,
        "schedule": None,
        "description": None,
        "state": "not deployed",
        "lastRun": None,
        "nextRun": None,
        "timezone": None,
        "problem": None,
    }
    try:
        _fill(aws, job, row)
    except UserError as exc:  # one job's resources half gone must not hide the others
        row.update(state="broken", problem=exc.message)
    return row


def _fill(aws: Any, job: Any, row: dict[str, Any]) -> None:
    from scheduled_jobs.cli.ops.finder import find_rule, state_machine_by_name
    from scheduled_jobs.cli.ops.status import recent_executions, schedule_info
    from scheduled_jobs.components.convert import naming

    if job.state_machine_arn is None:
        job.state_machine_arn = state_machine_by_name(aws, job.app, job.env, job.name)
    if job.state_machine_arn is None:
        if job.log_group is not None:  # tagged log group, no state machine: half gone
            row.update(
                state="broken",
                problem=f"its state machine {naming.state_machine_name(job.app, job.env, job.name)}"
                f" is missing (the log group {job.log_group} remains); deploy it again or "
                "delete it",
            )
        return
    row["deployed"] = True
    job.rule = find_rule(aws, job.app, job.env, job.name, job.state_machine_arn)
    schedule = schedule_info(job.rule, count=1)
    last = recent_executions(aws, job, 1)
    row.update(
        schedule=schedule["expression"],
        description=schedule["description"],
        state="enabled" if schedule["enabled"] else ("disabled" if job.rule else "broken"),
        nextRun=(schedule["nextRuns"] or [None])[0],
        timezone=schedule.get("timezone"),
        lastRun={k: last[0][k] for k in ("name", "status", "startDate", "exitCode")}
        if last
        else None,
    )
    if job.rule is None:
        row["problem"] = (
            f"no schedule rule starts it (EventBridge rule "
            f"{naming.rule_name(job.app, job.env, job.name)} or one that targets its state "
            "machine); deploy it again"
        )


def _human(rows: list[dict[str, Any]], recent: list[list[dict[str, Any]]]) -> str:
    import sys

    from scheduled_jobs.cli.ops.pictures import compact, style_for
    from scheduled_jobs.cli.ops.status import table

    style = style_for(sys.stdout)

    def when(value: str | None) -> str:
        return value.replace("T", " ").rstrip("Z") if value else "-"

    def next_run(row: dict[str, Any]) -> str:
        """UTC, then the job's own zone when it has one: `2030-01-01 09:00 (10:00 Europe/Paris)`."""
        value, zone_name = row["nextRun"], row.get("timezone")
        if not value or not zone_name or zone_name == "UTC":
            return when(value)
        from datetime import datetime, timezone

        from scheduled_jobs.components.manifest.zones import zone

        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        return f"{when(value)} ({moment.astimezone(zone(zone_name)):%H:%M} {zone_name})"

    lines = [
        ("NAME", "SCHEDULE", "STATE", "LAST RUN (UTC)", "LAST STATUS", "NEXT RUN (UTC)", "RUNS")
    ]
    for row, runs in zip(rows, recent, strict=True):
        last = row["lastRun"] or {}
        status = last.get("status") or "-"
        if last.get("exitCode") not in (None, 0):
            status += f" (exit {last['exitCode']})"
        lines.append(
            (
                row["name"],
                row["schedule"] or "-",
                row["state"],
                when(last.get("startDate")),
                status,
                next_run(row),
                compact(runs, style, STRIP_RUNS) if row["deployed"] else "-",
            )
        )
    return "\n".join(table(lines))
