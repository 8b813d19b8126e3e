"""`jobs delete`: remove one job from one environment, and keep it out of later deploys."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.options import BackendOption
from cli.output import info


def delete(
    name: Annotated[str, typer.Argument(help="The job to delete.", show_default=False)],
    env: Annotated[str, typer.Option("--env", "-e", help="Environment to delete it from.")],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Delete without asking for confirmation.")
    ] = False,
    backend: BackendOption = None,
) -> None:
    """Delete a job from an environment: stop its running tasks, destroy its resources."""
    from cli.ops import tasks
    from cli.ops.session import aws_errors
    from cli.project import find_project
    from cli.stacks import preflight, stack_file
    from cli.stacks import seam as stacks
    from cli.stacks.progress import Recorder, format_counts, format_duration
    from components.convert import naming

    project = find_project()
    preflight.check_env_name(env)
    preflight.check_jobs(project, [name])
    preflight.can_confirm(yes=yes, action="delete")
    session = preflight.open_session(project, env, backend_flag=backend)
    stack = session.stack
    preflight.confirm(
        f"Delete job {name} from {env} (its running tasks are stopped)?", yes=yes, action="delete"
    )

    # First keep the program from declaring the job again: if the destroy below fails
    # half-way, the next full deploy finishes the removal instead of undoing it.
    key = f"{project.name}:excludedJobs"
    if stack_file.add_to_list(project, env, key, name):
        info(f"Added {name} to {key} in {project.stack_file(env).name}.")

    app = project.app_name(env)
    cluster = tasks.cluster_from(project.setting(env, "cluster"), preflight.outputs_of(stack))
    with aws_errors():
        stopped = tasks.stop_job_tasks(
            [naming.task_family(app, env, name)],
            cluster=cluster,
            region=session.region,
            command="delete",
            env=env,
        )
    info(f"Stopped {len(stopped)} running task(s) of {name}.")

    with stacks.pulumi_errors(env):
        state = stack.export_stack()
    resources = (state.deployment or {}).get("resources") or []
    job_urn = stacks.urn(env, project.name, stacks.JOB_TYPE, name)
    targets = stacks.descendants(resources, job_urn)
    progress = Recorder(emit=info)
    if targets:
        retry = f"Fix the cause, then run `jobs delete {name} --env {env}` again."
        try:
            with stacks.pulumi_errors(
                env, action=f"delete {name} from {env}", recorder=progress, retry=retry
            ):
                done = stack.destroy(target=targets, on_event=progress, color="never")
        except KeyboardInterrupt:
            raise stacks.interrupted(
                stack, env, "delete", resume=f"jobs delete {name} --env {env}"
            ) from None
        counts = format_counts(done.summary.resource_changes or {})
        info(f"Deleted job {name} from {env} in {format_duration(progress.elapsed())}: {counts}")
    else:
        info(f"Job {name} had no resources in {env}; nothing to destroy.")
    info(
        f"{name} stays listed in {key} in {project.stack_file(env).name}, so later deploys "
        f"leave it out. To deploy it again, remove it from that list and run "
        f"`jobs deploy --env {env} {name}`."
    )
