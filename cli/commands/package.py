"""`jobs package`: what a deploy would change (a Pulumi preview), for review and for CI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.options import BackendOption, TagOption, env_option, jobs_argument, json_option
from cli.output import info, result

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

    from cli.project import find_project
    from cli.stacks import preflight, update
    from cli.stacks import seam as stacks
    from cli.stacks.progress import format_counts, has_changes, op_name

    project = find_project()
    preflight.check_env_name(env)
    jobs = project.select_jobs(names)
    session = preflight.open_session(
        project, env, backend_flag=backend, create=True, builds=True, image_tag=tag
    )
    image_tag = session.image_tag
    targets: list[str] | None = None
    excludes: list[str] | None = None
    if jobs:
        targets, excludes = stacks.job_targets(env, project.name, jobs, project.job_names())

    preview, plan = update.preview(
        session.stack,
        env,
        retry="Fix the cause and run jobs package again.",
        target=targets,
        exclude=excludes or None,
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
        output_dir.mkdir(parents=True, exist_ok=True)
        data = output_dir / f"preview-{env}.json"
        text = output_dir / f"preview-{env}.txt"
        data.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        text.write_text(preview.stdout or "", encoding="utf-8")
        info(f"Wrote {data} and {text}.")
    if detailed_exitcode:
        raise typer.Exit(_EXIT_CHANGES if changed else _EXIT_NO_CHANGES)
