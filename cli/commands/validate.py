"""`jobs validate`: check manifests before anything reaches AWS."""

from __future__ import annotations

from typing import Annotated

import typer

from scheduled_jobs.cli.options import env_option, jobs_argument, json_option
from scheduled_jobs.cli.output import error, info, result, warn


def _addons(project, name: str):
    """The job's addons (manifests/<job>/addons/), read and checked as the deploy reads them."""
    from scheduled_jobs.components.contract import MANIFESTS_DIR
    from scheduled_jobs.components.manifest.addons import addons_folder, read_addons

    display = f"{MANIFESTS_DIR}/{name}/addons"
    return read_addons(addons_folder(project.root, name), display=display)


def validate(
    names: Annotated[list[str] | None, jobs_argument("Jobs to check (default: every job).")] = None,
    env: Annotated[
        str | None,
        env_option(
            "Merge this environment's overrides before checking, and check what the jobs need "
            "of it in AWS (a cluster of yours for capacity: spot, subnets and groups for EFS) "
            "when credentials are at hand."
        ),
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

    from scheduled_jobs.cli.project import find_project
    from scheduled_jobs.components.errors import ManifestError, SettingsError
    from scheduled_jobs.components.manifest.addons import describe
    from scheduled_jobs.components.manifest.load import load_manifest

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
    loaded = []  # valid jobs, for the environment checks
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
            for note in addons.warnings if addons is not None else ():
                warn(str(note))
            _warn_past_run(job, project.manifest_path(name))
            loaded.append(job)
    environment_failed = bool(env and _check_environment(project, env, loaded, as_json))
    where = f" for environment {env}" if env else ""
    if failed:
        info(f"{failed} of {len(jobs) + len(project.job_problems())} manifest(s) have problems"
             f"{where}")  # fmt: skip
        raise typer.Exit(1)
    info(f"{len(jobs)} manifest(s) valid{where}")
    if environment_failed:
        raise typer.Exit(1)


def _check_environment(project, env: str, jobs: list, as_json: bool) -> int:
    """What `deploy` checks of the environment before it starts (cli/stacks/preflight.py):
    the own cluster's capacity providers for `capacity: spot`, EFS subnets and NFS egress.
    The number of problems; without AWS credentials or network it says what it did not check
    (deploy checks it) and counts nothing."""
    import json

    from scheduled_jobs.cli.ops.capacity import cluster_problem, spot_cluster
    from scheduled_jobs.cli.output import UserError
    from scheduled_jobs.cli.stacks.preflight import efs_network_problems

    problems: list[UserError] = []
    target = spot_cluster(project, env, [job.name for job in jobs if job.capacity == "spot"])
    if target is not None:
        try:
            problem = cluster_problem(project, env, target)
        except UserError as exc:
            warn(f"cluster {target.cluster} not checked for capacity: spot: {exc.message} "
                 "(deploy checks it)")  # fmt: skip
        else:
            if problem is not None:
                problems.append(problem)
            elif not as_json:
                result(f"ok  cluster {target.cluster} has FARGATE and FARGATE_SPOT")
    try:
        problems += efs_network_problems(project, env, jobs)
    except UserError as exc:
        warn(f"subnets and security groups not checked for EFS: {exc.message} (deploy checks "
             "them)")  # fmt: skip
    for problem in problems:
        if as_json:
            item = {"file": str(project.stack_file(env)), "line": None, "path": None,
                    "message": problem.message, "hint": problem.hint}  # fmt: skip
            result(json.dumps(_relative(item, project.root)))
        else:
            error(problem.message, problem.hint)
    return len(problems)


def _warn_past_run(job, path) -> None:
    """A one-time `at()` already past: a warning here, an error at deploy."""
    from scheduled_jobs.components.manifest.rules import past_one_time_run

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
