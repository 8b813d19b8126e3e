"""`jobs destroy`: remove every job of an environment (running tasks stopped first)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.options import BackendOption
from cli.output import info


def destroy(
    env: Annotated[str, typer.Option("--env", "-e", help="Environment (stack) to destroy.")],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Destroy without asking for confirmation.")
    ] = False,
    remove_stack: Annotated[
        bool,
        typer.Option(help="Also remove the stack, its history and Pulumi.<env>.yaml."),
    ] = False,
    backend: BackendOption = None,
) -> None:
    """Delete every resource of an environment, after stopping its running job tasks."""
    from cli.ops import tasks
    from cli.ops.session import aws_errors
    from cli.project import find_project
    from cli.stacks import preflight
    from cli.stacks import seam as stacks
    from cli.stacks.progress import Recorder, format_counts, format_duration
    from components.convert import naming

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

    app = project.app_name(env)
    families = [naming.task_family(app, env, job) for job in project.job_names()]
    cluster = tasks.cluster_from(project.setting(env, "cluster"), preflight.outputs_of(stack))
    with aws_errors():
        stopped = tasks.stop_job_tasks(
            families, cluster=cluster, region=session.region, command="destroy", env=env
        )
    info(f"Stopped {len(stopped)} running task(s).")

    info(f"Destroying {env} ...")
    progress = Recorder(emit=info)
    retry = f"Fix the cause, then run `jobs destroy --env {env}` again."
    try:
        with stacks.pulumi_errors(env, action=f"destroy {env}", recorder=progress, retry=retry):
            done = stack.destroy(on_event=progress, remove=remove_stack or None, color="never")
    except KeyboardInterrupt:
        raise stacks.interrupted(
            stack, env, "destroy", resume=f"jobs destroy --env {env}"
        ) from None
    counts = done.summary.resource_changes or {}
    info(f"Destroyed {env} in {format_duration(progress.elapsed())}: {format_counts(counts)}")
    if remove_stack:
        info(f"Removed the stack {env} and {project.stack_file(env).name}.")
    else:
        info(
            f"The stack and {project.stack_file(env).name} are kept; deploy again with "
            f"`jobs deploy --env {env}`, or remove them with --remove-stack."
        )
