"""`jobs package`: what a deploy would change (a Pulumi preview), for review and for CI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scheduled_jobs.cli.options import (
    BackendOption,
    TagOption,
    env_option,
    jobs_argument,
    json_option,
)
from scheduled_jobs.cli.output import info, program, result

_EXIT_NO_CHANGES = 0
_EXIT_CHANGES = 2  # errors exit with 1, as every failing command does


def package(
    env: Annotated[str, env_option("Environment (stack) to preview.")],
    names: Annotated[
        list[str] | None,
        jobs_argument("Jobs to preview; default: every job."),
    ] = None,
    as_json: Annotated[bool, json_option("Print the preview as JSON.")] = False,
    output_dir: Annotated[
        Path | None,
        typer.Option(help="Also save the preview there (JSON, and Pulumi's own text diff)."),
    ] = None,
    detailed_exitcode: Annotated[
        bool,
        typer.Option(help="Exit 0 when nothing would change, 2 when something would, 1 on error."),
    ] = False,
    tag: TagOption = None,
    backend: BackendOption = None,
) -> None:
    """Preview what deploying would change, per resource (like `copilot job package`)."""
    import json

    from scheduled_jobs.cli.project import find_project
    from scheduled_jobs.cli.stacks import preflight, targets, update
    from scheduled_jobs.cli.stacks import seam as stacks
    from scheduled_jobs.cli.stacks.progress import format_counts, has_changes, op_name

    project = find_project()
    preflight.check_env_name(env)
    jobs = project.select_jobs(names)
    planned = targets.planned_resources(project, env, jobs) if jobs else []
    session = preflight.open_session(
        project, env, backend_flag=backend, create=True, builds=True, image_tag=tag
    )
    image_tag = session.image_tag
    scope: list[str] | None = None
    if jobs:
        state = stacks.state_resources(session.stack, env)
        scope = targets.job_targets(env, project.name, jobs, planned, state)

    preview, plan = update.preview(
        session.stack,
        env,
        retry=f"Fix the cause and run `{program()} package` again.",
        target=scope,
        diff=True,
    )
    summary = {op_name(op): n for op, n in (preview.change_summary or {}).items() if n}
    changed = has_changes(preview.change_summary)
    document = {
        "environment": env,
        "jobs": jobs or project.job_names(),
        "imageTag": image_tag,
        "hasChanges": changed,
        "summary": summary,
        "changes": [change.as_dict() for change in plan.planned],
    }

    if as_json:
        result(json.dumps(document, indent=2))
    else:
        for change in plan.planned:
            result(change.line())
        result(f"{env}: {format_counts(preview.change_summary)}")
    if output_dir is not None:
        from scheduled_jobs.cli.files import output_dir as make_dir
        from scheduled_jobs.cli.files import write_text

        output_dir = make_dir(output_dir)
        data = output_dir / f"preview-{env}.json"
        text = output_dir / f"preview-{env}.txt"
        write_text(data, json.dumps(document, indent=2) + "\n")
        write_text(text, preview.stdout or "")
        info(f"Wrote {data} and {text}.")
    if detailed_exitcode:
        raise typer.Exit(_EXIT_CHANGES if changed else _EXIT_NO_CHANGES)
