"""`jobs delete`: remove one job from one environment, and keep it out of later deploys."""

from __future__ import annotations

from typing import Annotated

from scheduled_jobs.cli.options import BackendOption, env_option, job_argument, yes_option
from scheduled_jobs.cli.output import info, program


def delete(
    name: Annotated[str, job_argument("The job to delete.")],
    env: Annotated[str, env_option("Environment to delete it from.")],
    yes: Annotated[bool, yes_option("Delete")] = False,
    backend: BackendOption = None,
) -> None:
    """Delete a job from an environment: stop its running tasks, destroy its resources."""
    from scheduled_jobs.cli.ops import tasks
    from scheduled_jobs.cli.project import find_project
    from scheduled_jobs.cli.stacks import preflight, stack_file, update
    from scheduled_jobs.cli.stacks import seam as stacks
    from scheduled_jobs.cli.stacks.outputs import stack_outputs
    from scheduled_jobs.components.contract import JOB_TOKEN
    from scheduled_jobs.components.convert import naming

    project = find_project()
    preflight.check_env_name(env)
    project.select_jobs([name])
    preflight.can_confirm(yes=yes, action="delete")
    session = preflight.open_session(project, env, backend_flag=backend)
    stack = session.stack
    preflight.confirm(
        f"Delete job {name} from {env} (its running tasks are stopped)?", yes=yes, action="delete"
    )

    # First keep the program from declaring the job again: if the destroy below fails
    # half-way, the next full deploy finishes the removal instead of undoing it.
    key = project.setting_key("excludedJobs")
    if stack_file.exclude_job(project, env, name):
        info(f"Added {name} to {key} in {project.stack_file(env).name}.")

    settings = project.settings(env)
    cluster = tasks.cluster_from(settings.cluster, stack_outputs(stack))
    stopped = tasks.stop_job_tasks(
        session.aws,
        [naming.task_family(settings.app, env, name)],
        cluster=cluster,
        command="delete",
    )
    info(f"Stopped {len(stopped)} running task(s) of {name}.")

    with stacks.pulumi_errors(env):
        state = stack.export_stack()
    resources = (state.deployment or {}).get("resources") or []
    targets = stacks.descendants(resources, stacks.urn(env, project.name, JOB_TOKEN, name))
    if targets:
        update.run(
            stack,
            env,
            "destroy",
            command="delete",
            action=f"delete {name} from {env}",
            done=f"Deleted job {name} from {env}",
            retry=f"Fix the cause, then run `{program()} delete {name} --env {env}` again.",
            resume=f"{program()} delete {name} --env {env}",
            target=targets,
        )
    else:
        info(f"Job {name} had no resources in {env}; nothing to destroy.")
    info(
        f"{name} stays listed in {key} in {project.stack_file(env).name}, so later deploys "
        f"leave it out. To deploy it again, remove it from that list and run "
        f"`{program()} deploy --env {env} {name}`."
    )
