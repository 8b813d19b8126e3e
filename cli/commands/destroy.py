"""`jobs destroy`: remove every job of an environment (running tasks stopped first)."""

from __future__ import annotations

from typing import Annotated

import typer

from scheduled_jobs.cli.options import BackendOption, env_option, yes_option
from scheduled_jobs.cli.output import info, program


def destroy(
    env: Annotated[str, env_option("Environment (stack) to destroy.")],
    yes: Annotated[bool, yes_option("Destroy")] = False,
    remove_stack: Annotated[
        bool,
        typer.Option(help="Also remove the stack, its history and Pulumi.<env>.yaml."),
    ] = False,
    backend: BackendOption = None,
) -> None:
    """Delete every resource of an environment, after stopping its running job tasks."""
    from scheduled_jobs.cli.ops import tasks
    from scheduled_jobs.cli.project import find_project
    from scheduled_jobs.cli.stacks import preflight, update
    from scheduled_jobs.cli.stacks.outputs import stack_outputs
    from scheduled_jobs.components.convert import naming

    project = find_project()
    preflight.check_env_name(env)
    preflight.can_confirm(yes=yes, action="destroy")
    session = preflight.open_session(project, env, backend_flag=backend)
    stack = session.stack
    preflight.confirm(
        f"Destroy every job and shared resource in {env}"
        + (" and remove the stack" if remove_stack else "")
        + "?",
        yes=yes,
        action="destroy",
    )

    settings = project.settings(env)
    families = [naming.task_family(settings.app, env, job) for job in project.job_names()]
    cluster = tasks.cluster_from(settings.cluster, stack_outputs(stack))
    stopped = tasks.stop_job_tasks(session.aws, families, cluster=cluster, command="destroy")
    info(f"Stopped {len(stopped)} running task(s).")

    info(f"Destroying {env} ...")
    update.run(
        stack,
        env,
        "destroy",
        command="destroy",
        action=f"destroy {env}",
        done=f"Destroyed {env}",
        retry=f"Fix the cause, then run `{program()} destroy --env {env}` again.",
        resume=f"{program()} destroy --env {env}",
        remove=remove_stack or None,
    )
    if remove_stack:
        info(f"Removed the stack {env} and {project.stack_file(env).name}.")
    else:
        info(
            f"The stack and {project.stack_file(env).name} are kept; deploy again with "
            f"`{program()} deploy --env {env}`, or remove them with --remove-stack."
        )
