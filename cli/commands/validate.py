"""`jobs validate`: check manifests before anything reaches AWS."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.options import env_option, json_option
from cli.output import error, info, result


def validate(
    names: Annotated[
        list[str] | None, typer.Argument(help="Jobs to check (default: every job).")
    ] = None,
    env: Annotated[
        str | None, env_option("Merge this environment's overrides before checking.")
    ] = None,
    as_json: Annotated[
        bool,
        json_option(
            'Print one JSON object per problem and line: {"file", "line", "path", "message", '
            '"hint"} (for editors and CI annotations).'
        ),
    ] = False,
) -> None:
    """Check manifests and print every problem; exit 1 if any."""
    import json

    from cli.project import find_project
    from components.errors import ManifestError, SettingsError
    from components.manifest.load import load_manifest

    project = find_project()
    jobs = project.select_jobs(names, default_all=True)
    try:
        app = project.app_name(env)
    except SettingsError as exc:
        if not as_json:
            raise
        for problem in exc.problems:
            result(json.dumps(_relative(problem.as_dict(), project.root)))
        raise typer.Exit(1) from None
    failed = 0
    for name in jobs:
        try:
            load_manifest(project.manifest_path(name), env, app=app, root=project.root)
        except ManifestError as exc:
            failed += 1
            for problem in exc.problems:
                if as_json:
                    result(json.dumps(_relative(problem.as_dict(), project.root)))
                else:
                    error(str(problem), problem.hint)
        else:
            if not as_json:
                result(f"ok  {name}" + (f" ({env})" if env else ""))
    where = f" for environment {env}" if env else ""
    if failed:
        info(f"{failed} of {len(jobs)} manifest(s) have problems{where}")
        raise typer.Exit(1)
    info(f"{len(jobs)} manifest(s) valid{where}")


def _relative(item: dict, root) -> dict:
    """`file` relative to the project root (what editors and CI annotations expect)."""
    from pathlib import Path

    if item.get("file"):
        path = Path(item["file"])
        if path.is_absolute() and path.is_relative_to(root):
            item["file"] = path.relative_to(root).as_posix()
    return item
