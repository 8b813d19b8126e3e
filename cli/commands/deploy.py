"""`jobs deploy`: preview, confirm, then update an environment's stack with live progress."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli.options import BackendOption
from cli.output import UserError, info, result


def _job_outputs(outputs: dict[str, Any], job: str) -> dict[str, Any]:
    """The outputs that belong to one job: an output named after it (a map), or outputs whose
    names start with it."""
    own = outputs.get(job)
    if isinstance(own, dict):
        return own
    jobs = outputs.get("jobs")
    if isinstance(jobs, dict) and isinstance(jobs.get(job), dict):
        return jobs[job]
    prefixed = {}
    for key, value in outputs.items():
        for sep in ("-", "_", "."):
            if key.startswith(job + sep):
                prefixed[key[len(job) + 1 :]] = value
    return prefixed


def render_outputs(outputs: dict[str, Any], jobs: list[str]) -> list[str]:
    import json

    lines: list[str] = []
    for job in jobs:
        values = _job_outputs(outputs, job)
        lines.append(f"{job}:")
        if not values:
            lines.append("  (no outputs)")
        for key, value in values.items():
            text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
            lines.append(f"  {key}: {text}")
    return lines


def deploy(
    env: Annotated[str, typer.Option("--env", "-e", help="Environment (stack) to deploy to.")],
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Jobs to deploy; default: every job.", show_default=False),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Deploy without asking for confirmation.")
    ] = False,
    tag: Annotated[
        str | None,
        typer.Option(
            help="Image tag; default: the git short commit if the tree is clean, else a digest."
        ),
    ] = None,
    refresh: Annotated[
        bool, typer.Option(help="Refresh the stack's state from AWS before the update.")
    ] = False,
    backend: BackendOption = None,
) -> None:
    """Deploy jobs to an environment (like `copilot job deploy`), through Pulumi."""
    from cli.project import find_project
    from cli.stacks import preflight
    from cli.stacks import seam as stacks
    from cli.stacks.progress import Recorder, format_counts, format_duration, has_changes

    project = find_project()
    preflight.check_env_name(env)
    jobs = preflight.check_jobs(project, names or [])
    all_excluded = preflight.excluded_jobs(project, env)
    excluded = [job for job in jobs if job in all_excluded]
    if excluded:
        raise UserError(
            f"{', '.join(excluded)} is excluded from {env} (deleted with `jobs delete`)",
            hint=f"To deploy it again, remove it from scheduled-jobs:excludedJobs in "
            f"{project.stack_file(env).name}, then run this command again.",
        )
    preflight.can_confirm(yes=yes, action="deploy")

    session = preflight.open_session(
        project, env, backend_flag=backend, create=True, builds=True, image_tag=tag
    )
    from cli.ops.capacity import check_spot_cluster

    check_spot_cluster(project, env, jobs)
    image_tag = session.image_tag
    stack = session.stack
    targets: list[str] | None = None
    excludes: list[str] | None = None
    if jobs:
        targets, excludes = stacks.job_targets(env, project.name, jobs, project.job_names())
    what = ", ".join(jobs) if jobs else "all jobs"
    retry = f"Fix the cause, then run `jobs deploy --env {env}` again; finished changes are kept."

    info(f"Previewing {what} in {env} (image tag {image_tag}) ...")
    plan = Recorder()
    with stacks.pulumi_errors(env, action="preview", recorder=plan, retry=retry):
        preview = stack.preview(
            target=targets,
            exclude=excludes or None,
            refresh=refresh or None,
            on_event=plan,
            color="never",
        )
    for change in plan.planned:
        info("  " + change.line())
    info(f"Plan: {format_counts(preview.change_summary)}")
    if not has_changes(preview.change_summary):
        info(f"No changes: {env} is up to date.")
        return

    preflight.confirm(f"Deploy these changes to {env}?", yes=yes, action="deploy")
    info(f"Deploying {what} to {env} ...")
    progress = Recorder(emit=info)
    try:
        with stacks.pulumi_errors(env, action=f"deploy to {env}", recorder=progress, retry=retry):
            done = stack.up(
                target=targets,
                exclude=excludes or None,
                refresh=refresh or None,
                on_event=progress,
                color="never",
            )
    except KeyboardInterrupt:
        raise stacks.interrupted(
            stack, env, "deploy", resume=f"jobs deploy --env {env} --refresh"
        ) from None

    counts = done.summary.resource_changes or {}
    info(f"Deployed to {env} in {format_duration(progress.elapsed())}: {format_counts(counts)}")
    outputs = {key: getattr(value, "value", value) for key, value in (done.outputs or {}).items()}
    shown = jobs or [job for job in project.job_names() if job not in all_excluded]
    for line in render_outputs(outputs, shown):
        result(line)
    first = shown[0] if shown else "NAME"
    info(f"Next: `jobs run {first} --env {env}` to run it now, `jobs logs {first} --env {env}`.")
