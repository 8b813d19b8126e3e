"""`jobs exec`: a shell (or one command) in a job's running task, through ECS Exec.

Copilot has no `job exec` (aws/copilot-cli#4756). The job must set `exec: true` (the state
machine then starts its task with ECS Exec enabled). The session runs through AWS's Session
Manager plugin exactly as `aws ecs execute-command` starts it (awscli customizations/ecs/
executecommand.py): the ExecuteCommand session, the region, "StartSession", the profile, the
target `ecs:<cluster>_<task id>_<container runtime id>` and the ECS endpoint.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from scheduled_jobs.cli.options import AppOption, EnvOption

PLUGIN = "session-manager-plugin"
PLUGIN_DOCS = (
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/"
    "session-manager-working-with-install-plugin.html"
)


def exec_(
    name: Annotated[str, typer.Argument(help="The job's name.", show_default=False)],
    env: EnvOption,
    app: AppOption = None,
    command: Annotated[
        str, typer.Option("--command", "-c", metavar="CMD", help="What to run in the container.")
    ] = "/bin/sh",
    container: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Container to enter. Default: the job's main one."),
    ] = None,
    task: Annotated[
        str | None,
        typer.Option(metavar="ID", help="Task to enter. Default: the newest running task."),
    ] = None,
) -> None:
    """Open a shell (or run --command) in a job's running task (needs `exec: true`)."""
    import shutil
    import subprocess

    from scheduled_jobs.cli.ops.finder import find_job
    from scheduled_jobs.cli.ops.session import aws_errors, connect
    from scheduled_jobs.cli.output import UserError, info

    plugin = shutil.which(PLUGIN)
    if plugin is None:  # checked first: nothing else can work without it
        raise UserError(
            f"the Session Manager plugin ({PLUGIN}) is not installed or not on PATH",
            hint=f"Install it ({PLUGIN_DOCS}), then run this command again.",
        )
    aws = connect(env, app)
    job = find_job(aws, name, need_state_machine=True)
    ecs = aws.client("ecs")
    with aws_errors():
        definition = aws.client("stepfunctions").describe_state_machine(
            stateMachineArn=job.state_machine_arn
        )["definition"]
        cluster = cluster_of(definition)
        chosen = pick_task(ecs, cluster, job, task)
    target_container = container or job.name
    if not chosen.get("enableExecuteCommand"):
        raise UserError(
            f"task {task_id(chosen['taskArn'])} of job {name!r} was started without ECS Exec",
            hint=f"Set `exec: true` in manifests/{name}/manifest.yml, deploy, and start a new "
            f"run (`scheduled-jobs run {name} --env {env}`).",
        )
    runtime_id = next(
        (c.get("runtimeId") for c in chosen.get("containers", []) if c["name"] == target_container),
        None,
    )
    if not runtime_id:
        names = ", ".join(c["name"] for c in chosen.get("containers", []))
        raise UserError(
            f"task {task_id(chosen['taskArn'])} has no running container {target_container!r}",
            hint=f"Its containers: {names}.",
        )
    with aws_errors():
        response = ecs.execute_command(
            cluster=cluster,
            task=chosen["taskArn"],
            container=target_container,
            interactive=True,
            command=command,
        )
    info(f"Connecting to {target_container} in task {task_id(chosen['taskArn'])} ...")
    args = plugin_args(
        response,
        region=aws.region,
        profile=aws.session.profile_name if aws.session.profile_name != "default" else "",
        runtime_id=runtime_id,
        endpoint=ecs.meta.endpoint_url,
    )
    # The plugin owns the terminal until the session ends; its exit status is ours.
    code = subprocess.call([plugin, *args])
    if code:
        raise typer.Exit(code)


def cluster_of(definition: str) -> str:
    """The cluster the state machine runs the job's task in."""
    import json

    for state in json.loads(definition).get("States", {}).values():
        cluster = state.get("Parameters", {}).get("Cluster")
        if state.get("Type") == "Task" and cluster:
            return cluster
    from scheduled_jobs.cli.output import UserError

    raise UserError("the job's state machine names no ECS cluster")


def task_id(task_arn: str) -> str:
    return task_arn.rsplit("/", 1)[-1]


def pick_task(ecs: Any, cluster: str, job: Any, wanted: str | None) -> dict:
    """The task to enter: `wanted` (an ID or ARN), else the newest RUNNING task of the job."""
    from scheduled_jobs.cli.output import UserError
    from scheduled_jobs.components.convert.naming import task_family

    family = task_family(job.app, job.env, job.name)
    arns = [
        arn
        for page in ecs.get_paginator("list_tasks").paginate(
            cluster=cluster, family=family, desiredStatus="RUNNING"
        )
        for arn in page.get("taskArns", [])
    ]
    if wanted:
        arns = [arn for arn in arns if arn == wanted or task_id(arn) == wanted]
    if not arns:
        which = f"task {wanted}" if wanted else "no task"
        raise UserError(
            f"{which} of job {job.name!r} is running in environment {job.env!r}"
            + ("" if not wanted else " (or it is not the job's)"),
            hint=f"Start a run with `scheduled-jobs run {job.name} --env {job.env}`; a job's "
            "task runs only while it works.",
        )
    tasks = ecs.describe_tasks(cluster=cluster, tasks=arns[:100])["tasks"]
    return max(tasks, key=lambda t: str(t.get("startedAt") or t.get("createdAt") or ""))


def plugin_args(
    response: dict, *, region: str, profile: str, runtime_id: str, endpoint: str
) -> list[str]:
    """The Session Manager plugin's arguments, as `aws ecs execute-command` passes them."""
    import json

    cluster = response["clusterArn"].rsplit("/", 1)[-1]
    target = f"ecs:{cluster}_{task_id(response['taskArn'])}_{runtime_id}"
    return [
        json.dumps(response["session"]),
        region,
        "StartSession",
        profile,
        json.dumps({"Target": target}),
        endpoint,
    ]
