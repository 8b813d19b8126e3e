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
        pairs = list(pool.map(lambda job: _row(aws, job, local), sorted(jobs.values(), key=_key)))
    rows = [row for row, _ in pairs]
    data = {"app": target.app, "env": target.env, "jobs": rows}
    if as_json:
        result(json.dumps(data, indent=2))
    elif not rows:
        result(f"No jobs in application {target.app}, environment {target.env}.")
    else:
        result(_human(rows, [runs for _, runs in pairs]))


def _key(job: Any) -> str:
    return job.name


STRIP_RUNS = 10  # cells of the compact strip


def _recent(aws: Any, job: Any) -> list[dict[str, Any]]:
    """The last runs' statuses for the strip: one ListExecutions call, no history reads."""
    from cli.ops.session import aws_errors

    sfn = aws.client("stepfunctions")
    with aws_errors():
        listed = sfn.list_executions(stateMachineArn=job.state_machine_arn, maxResults=STRIP_RUNS)
    return [{"status": e["status"]} for e in listed["executions"]]


def _row(aws: Any, job: Any, local: list[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
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
    }
    if not deployed:
        return row, []
    job.rule = find_rule(aws, job.app, job.env, job.name, job.state_machine_arn)
    schedule = schedule_info(job.rule, count=1)
    last = recent_executions(aws, job, 1)
    row.update(
        schedule=schedule["expression"],
        description=schedule["description"],
        state="enabled" if schedule["enabled"] else ("disabled" if job.rule else "no schedule"),
        nextRun=(schedule["nextRuns"] or [None])[0],
        lastRun={k: last[0][k] for k in ("name", "status", "startDate", "exitCode")}
        if last
        else None,
    )
    return row, _recent(aws, job)


def _human(rows: list[dict[str, Any]], recent: list[list[dict[str, Any]]]) -> str:
    import sys

    from cli.ops.pictures import compact, style_for
    from cli.ops.status import table

    style = style_for(sys.stdout)

    def when(value: str | None) -> str:
        return value.replace("T", " ").rstrip("Z") if value else "-"

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
                when(row["nextRun"]),
                compact(runs, style, STRIP_RUNS) if row["deployed"] else "-",
            )
        )
    return "\n".join(table(lines))
