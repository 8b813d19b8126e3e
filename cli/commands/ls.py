"""`jobs ls`: every job of an environment with its schedule, state, last run and next run;
manifests of the project that are not deployed there are listed as such."""

from __future__ import annotations

from typing import Any

from cli.options import AppOption, EnvOption, JsonOption


def ls(env: EnvOption, app: AppOption = None, as_json: JsonOption = False) -> None:
    """List the jobs of an environment: deployed ones from AWS, and local manifests."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    from cli.ops.finder import Job, tagged_jobs
    from cli.ops.session import connect
    from cli.output import result

    aws = connect(env, app)
    target = aws.target
    jobs = tagged_jobs(aws, target.app, target.env)
    local = target.local_jobs()
    for name in local:
        if name not in jobs:  # deployed without tags (older Copilot stacks)? try the name
            jobs[name] = Job(name=name, app=target.app, env=target.env, found_by="name")
    with ThreadPoolExecutor(max_workers=8) as pool:
        rows = list(pool.map(lambda job: _row(aws, job, local), sorted(jobs.values(), key=_key)))
    data = {"app": target.app, "env": target.env, "jobs": rows}
    if as_json:
        result(json.dumps(data, indent=2))
    elif not rows:
        result(f"No jobs in application {target.app}, environment {target.env}.")
    else:
        result(_human(rows))


def _key(job: Any) -> str:
    return job.name


def _row(aws: Any, job: Any, local: list[str]) -> dict[str, Any]:
    from cli.ops.finder import find_rule, state_machine_by_name
    from cli.ops.status import recent_executions, schedule_info

    if job.state_machine_arn is None:
        job.state_machine_arn = state_machine_by_name(aws, job.app, job.env, job.name)
    deployed = job.state_machine_arn is not None
    row: dict[str, Any] = {
        "name": job.name,
        "deployed": deployed,
        "local": job.name in local,
        "schedule": None,
        "description": None,
        "state": "not deployed",
        "lastRun": None,
        "nextRun": None,
        "timezone": None,
    }
    if not deployed:
        return row
    job.rule = find_rule(aws, job.app, job.env, job.name, job.state_machine_arn)
    schedule = schedule_info(job.rule, count=1)
    last = recent_executions(aws, job, 1)
    row.update(
        schedule=schedule["expression"],
        description=schedule["description"],
        state="enabled" if schedule["enabled"] else ("disabled" if job.rule else "no schedule"),
        nextRun=(schedule["nextRuns"] or [None])[0],
        timezone=schedule.get("timezone"),
        lastRun={k: last[0][k] for k in ("name", "status", "startDate", "exitCode")}
        if last
        else None,
    )
    return row


def _human(rows: list[dict[str, Any]]) -> str:
    from cli.ops.status import table

    def when(value: str | None) -> str:
        return value.replace("T", " ").rstrip("Z") if value else "-"

    def next_run(row: dict[str, Any]) -> str:
        """UTC, then the job's own zone when it has one: `2030-01-01 09:00 (10:00 Europe/Paris)`."""
        value, zone_name = row["nextRun"], row.get("timezone")
        if not value or not zone_name or zone_name == "UTC":
            return when(value)
        from datetime import datetime, timezone

        from components.manifest.zones import zone

        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        return f"{when(value)} ({moment.astimezone(zone(zone_name)):%H:%M} {zone_name})"

    lines = [("NAME", "SCHEDULE", "STATE", "LAST RUN (UTC)", "LAST STATUS", "NEXT RUN (UTC)")]
    for row in rows:
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
            )
        )
    return "\n".join(table(lines))
