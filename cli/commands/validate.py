"""`jobs validate`: check manifests before anything reaches AWS."""

from __future__ import annotations

import typer

from cli.output import UserError, error, info, result, warn


def selected_jobs(project, names: list[str] | None) -> list[str]:
    """The named jobs (each must have a manifest), or every job in the project."""
    known = project.job_names()
    if not known:
        raise UserError(
            f"no manifests found in {project.manifests_dir}",
            hint="Create one with: jobs init --name <job> --image <uri> --schedule @daily",
        )
    unknown = [n for n in names or [] if n not in known]
    if unknown:
        raise UserError(
            f"no manifest for {', '.join(unknown)} (looked in {project.manifests_dir}/<job>/"
            f"manifest.yml); jobs here: {', '.join(known)}"
        )
    return list(dict.fromkeys(names)) if names else known


def validate(
    names: list[str] = typer.Argument(None, help="Jobs to check (default: every job)."),
    env: str = typer.Option(
        None, "--env", "-e", help="Merge this environment's overrides before checking."
    ),
) -> None:
    """Check manifests and print every problem; exit 1 if any."""
    from cli.project import find_project
    from components.errors import ManifestError
    from components.manifest.load import load_manifest

    project = find_project()
    jobs = selected_jobs(project, names)
    app = project.app_name(env)
    failed = 0
    for name in jobs:
        try:
            job = load_manifest(project.manifest_path(name), env, app=app, root=project.root)
        except ManifestError as exc:
            failed += 1
            for problem in exc.problems:
                error(str(problem))
        else:
            result(f"ok  {name}" + (f" ({env})" if env else ""))
            _warn_past_run(job, project.manifest_path(name))
    where = f" for environment {env}" if env else ""
    if failed:
        info(f"{failed} of {len(jobs)} manifest(s) have problems{where}")
        raise typer.Exit(1)
    info(f"{len(jobs)} manifest(s) valid{where}")


def _warn_past_run(job, path) -> None:
    """A one-time `at()` already past: a warning here, an error at deploy."""
    from components.manifest.rules import past_one_time_run

    late = past_one_time_run(job)
    if late:
        warn(f"{path}: on.schedule: {late} (deploy refuses it)")
