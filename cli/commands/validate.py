"""`jobs validate`: check manifests before anything reaches AWS."""

from __future__ import annotations

import typer

from cli.output import UserError, error, info, result


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


def _addons(project, name: str):
    """The job's addons (manifests/<job>/addons/), read and checked as the deploy reads them."""
    from components.contract import MANIFESTS_DIR
    from components.manifest.addons import addons_folder, read_addons

    display = f"{MANIFESTS_DIR}/{name}/addons"
    return read_addons(addons_folder(project.root, name), display=display)


def validate(
    names: list[str] = typer.Argument(None, help="Jobs to check (default: every job)."),
    env: str = typer.Option(
        None, "--env", "-e", help="Merge this environment's overrides before checking."
    ),
) -> None:
    """Check manifests and print every problem; exit 1 if any."""
    from cli.project import find_project
    from components.errors import ManifestError
    from components.manifest.addons import describe
    from components.manifest.load import load_manifest

    project = find_project()
    jobs = selected_jobs(project, names)
    app = project.app_name(env)
    failed = 0
    for name in jobs:
        try:
            load_manifest(project.manifest_path(name), env, app=app, root=project.root)
            addons = _addons(project, name)
        except ManifestError as exc:
            failed += 1
            for problem in exc.problems:
                error(str(problem))
        else:
            result(f"ok  {name}" + (f" ({env})" if env else ""))
            if addons is not None:
                result(f"    addons: {addons.folder}/ ({', '.join(addons.files)}), outputs:")
                for line in describe(addons):
                    result(f"      {line}")
    where = f" for environment {env}" if env else ""
    if failed:
        info(f"{failed} of {len(jobs)} manifest(s) have problems{where}")
        raise typer.Exit(1)
    info(f"{len(jobs)} manifest(s) valid{where}")
