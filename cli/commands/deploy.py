"""`jobs deploy`: preview, confirm, then update an environment's stack with live progress."""

from __future__ import annotations

from typing import Annotated

import typer

from scheduled_jobs.cli.options import (
    BackendOption,
    TagOption,
    env_option,
    jobs_argument,
    yes_option,
)
from scheduled_jobs.cli.output import UserError, info, program, result


def deploy(
    env: Annotated[str, env_option("Environment (stack) to deploy to.")],
    names: Annotated[
        list[str] | None,
        jobs_argument("Jobs to deploy; default: every job."),
    ] = None,
    yes: Annotated[bool, yes_option("Deploy")] = False,
    tag: TagOption = None,
    refresh: Annotated[
        bool, typer.Option(help="Refresh the stack's state from AWS before the update.")
    ] = False,
    backend: BackendOption = None,
) -> None:
    """Deploy jobs to an environment (like `copilot job deploy`), through Pulumi."""
    from scheduled_jobs.cli.project import find_project
    from scheduled_jobs.cli.stacks import preflight, targets, update
    from scheduled_jobs.cli.stacks import seam as stacks
    from scheduled_jobs.cli.stacks.outputs import output_lines, plain
    from scheduled_jobs.cli.stacks.progress import format_counts, has_changes

    project = find_project()
    preflight.check_env_name(env)
    jobs = project.select_jobs(names)
    all_excluded = project.excluded_jobs(env)
    excluded = [job for job in jobs if job in all_excluded]
    if excluded:
        raise UserError(
            f"{', '.join(excluded)} is excluded from {env} (deleted with `{program()} delete`)",
            hint=f"To deploy it again, remove it from {project.setting_key('excludedJobs')} in "
            f"{project.stack_file(env).name}, then run this command again.",
        )
    preflight.can_confirm(yes=yes, action="deploy")
    declared = targets.check_every_job(project, env, jobs)
    planned = targets.planned_resources(project, env, jobs) if jobs else []
    # Whether this deploy may build: Docker then joins the prerequisites checked up front.
    may_build = any(
        job.image.build is not None or any(s.image.build is not None for s in job.sidecars.values())
        for job in declared
        if not jobs or job.name in jobs
    )

    session = preflight.open_session(
        project,
        env,
        backend_flag=backend,
        create=True,
        builds=True,
        image_tag=tag,
        may_build=may_build,
    )
    preflight.check_environment(project, env, jobs)  # capacity: spot, EFS subnets and groups
    stack = session.stack
    scope: dict[str, list[str] | None] = {"target": None}
    if jobs:
        state = stacks.state_resources(stack, env)
        scope["target"] = targets.job_targets(env, project.name, jobs, planned, state)
    what = ", ".join(jobs) if jobs else "all jobs"
    retry = (
        f"Fix the cause, then run `{program()} deploy --env {env}` again; finished changes "
        "are kept."
    )

    info(f"Previewing {what} in {env} (image tag {session.image_tag}) ...")
    preview, plan = update.preview(stack, env, retry=retry, refresh=refresh or None, **scope)
    for change in plan.planned:
        info("  " + change.line())
    info(f"Plan: {format_counts(preview.change_summary)}")
    if not has_changes(preview.change_summary):
        info(f"No changes: {env} is up to date.")
        return

    preflight.check_docker_for(plan.planned, env)
    preflight.confirm(f"Deploy these changes to {env}?", yes=yes, action="deploy")
    info(f"Deploying {what} to {env} ...")
    done = update.run(
        stack,
        env,
        "up",
        command="deploy",
        action=f"deploy to {env}",
        done=f"Deployed to {env}",
        retry=retry,
        resume=f"{program()} deploy --env {env} --refresh",
        refresh=refresh or None,
        **scope,
    )
    shown = jobs or [job for job in project.job_names() if job not in all_excluded]
    for line in output_lines(plain(done.outputs), shown):
        result(line)
    first = shown[0] if shown else "NAME"
    info(
        f"Next: `{program()} run {first} --env {env}` to run it now, "
        f"`{program()} logs {first} --env {env}`."
    )
