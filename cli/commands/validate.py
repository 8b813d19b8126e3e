"""`jobs validate`: check manifests before anything reaches AWS."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.options import env_option, jobs_argument
from cli.output import error, info, result


def validate(
    names: Annotated[list[str] | None, jobs_argument("Jobs to check (default: every job).")] = None,
    env: Annotated[
        str | None, env_option("Merge this environment's overrides before checking.")
    ] = None,
) -> None:
    """Check manifests and print every problem; exit 1 if any."""
    from cli.project import find_project
    from components.errors import ManifestError
    from components.manifest.load import load_manifest

    project = find_project()
    jobs = project.select_jobs(names, default_all=True)
    app = project.app_name(env)
    failed = 0
    for name in jobs:
        try:
            load_manifest(project.manifest_path(name), env, app=app, root=project.root)
        except ManifestError as exc:
            failed += 1
            for problem in exc.problems:
                error(str(problem))
        else:
            result(f"ok  {name}" + (f" ({env})" if env else ""))
    where = f" for environment {env}" if env else ""
    if failed:
        info(f"{failed} of {len(jobs)} manifest(s) have problems{where}")
        raise typer.Exit(1)
    info(f"{len(jobs)} manifest(s) valid{where}")
