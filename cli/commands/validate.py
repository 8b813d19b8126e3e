"""`jobs validate`: check manifests before anything reaches AWS."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.options import env_option, jobs_argument, json_option
from cli.output import error, info, result, warn


def _addons(project, name: str):
    """The job's addons (manifests/<job>/addons/), read and checked as the deploy reads them."""
    from components.contract import MANIFESTS_DIR
    from components.manifest.addons import addons_folder, read_addons

    display = f"{MANIFESTS_DIR}/{name}/addons"
    return read_addons(addons_folder(project.root, name), display=display)


def validate(
    names: Annotated[list[str] | None, jobs_argument("Jobs to check (default: every job).")] = None,
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
    from components.manifest.addons import describe
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
    if not names:  # a broken entry is a job that would be dropped from every deploy
        for problem in project.job_problems():
            failed += 1
            if as_json:
                result(json.dumps(_relative(problem.as_dict(), project.root)))
            else:
                error(str(problem), _extra_hint(problem))
    for name in jobs:
        try:
            job = load_manifest(project.manifest_path(name), env, app=app, root=project.root)
            addons = _addons(project, name)
        except ManifestError as exc:
            failed += 1
            for problem in exc.problems:
                if as_json:
                    result(json.dumps(_relative(problem.as_dict(), project.root)))
                else:
                    error(str(problem), _extra_hint(problem))
        else:
            if not as_json:
                result(f"ok  {name}" + (f" ({env})" if env else ""))
                if addons is not None:
                    result(f"    addons: {addons.folder}/ ({', '.join(addons.files)}), outputs:")
                    for line in describe(addons):
                        result(f"      {line}")
            _warn_past_run(job, project.manifest_path(name))
    where = f" for environment {env}" if env else ""
    if failed:
        info(f"{failed} of {len(jobs) + len(project.job_problems())} manifest(s) have problems"
             f"{where}")  # fmt: skip
        raise typer.Exit(1)
    info(f"{len(jobs)} manifest(s) valid{where}")


def _warn_past_run(job, path) -> None:
    """A one-time `at()` already past: a warning here, an error at deploy."""
    from components.manifest.rules import past_one_time_run

    late = past_one_time_run(job)
    if late:
        warn(f"{path}: on.schedule: {late} (deploy refuses it)")


def _relative(item: dict, root) -> dict:
    """`file` relative to the project root (what editors and CI annotations expect)."""
    from pathlib import Path

    if item.get("file"):
        path = Path(item["file"])
        if path.is_absolute() and path.is_relative_to(root):
            item["file"] = path.relative_to(root).as_posix()
    return item


def _extra_hint(problem) -> str | None:
    """The hint, unless the message already ends with it (a loader's "did you mean ...?" is
    both: in the message for people, in `hint` for `--json` readers)."""
    hint = problem.hint
    return None if hint and hint.lower() in problem.message.lower() else hint
