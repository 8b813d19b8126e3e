"""The exact URNs a deploy of some jobs targets: no globs and no `--exclude`.

A glob `report-*` would also catch a job named `report-daily`, and keeping that one out needs
`--exclude`, whose combination with `--target` the engine's versions have not all treated alike.
Exact URNs need neither: every resource the program will register for the named jobs and the
environment (from the same plan `jobs render` prints, built without Pulumi), plus every resource
the stack's state already holds below them (so a resource dropped from a manifest is deleted),
plus the stack itself (its outputs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scheduled_jobs.components.contract import ENVIRONMENT_TOKEN, JOB_TOKEN
from scheduled_jobs.components.contract import MANIFESTS_DIR as MANIFESTS

ROOT_TYPE = "pulumi:pulumi:Stack"


def urn(env: str, project: str, qualified_type: str, name: str) -> str:
    return f"urn:pulumi:{env}::{project}::{qualified_type}::{name}"


def plan_urns(env: str, project: str, resources: Iterable[Any], owners: Sequence[str]) -> list[str]:
    """URNs of the plan's resources (components/convert/plan.Resource) that belong to
    `owners` (component names): the components and everything below them. A child's URN type
    is its parent's qualified type, `$`, its own type; components sit under the stack."""
    resources = [r for r in resources if not r.lookup]
    qualified: dict[str, str] = {}
    owner_of: dict[str, str] = {}
    for r in resources:  # registration order: parents first
        if r.parent is None:
            qualified[r.name] = r.type
            owner_of[r.name] = r.name
        else:
            qualified[r.name] = f"{qualified[r.parent]}${r.type}"
            owner_of[r.name] = owner_of[r.parent]
    wanted = set(owners)
    return [
        urn(env, project, qualified[r.name], r.name)
        for r in resources
        if owner_of[r.name] in wanted
    ]


def state_urns(state: Iterable[Mapping[str, Any]], roots: Iterable[str]) -> list[str]:
    """URNs of `roots` and everything below them (by `parent`) in a stack export."""
    state = list(state)
    found = [r["urn"] for r in state if r.get("urn") in set(roots)]
    frontier = set(found)
    while frontier:
        children = [
            r["urn"] for r in state if r.get("parent") in frontier and r["urn"] not in found
        ]
        found += children
        frontier = set(children)
    return found


def job_targets(
    env: str,
    project: str,
    jobs: Sequence[str],
    plan: Iterable[Any],
    state: Iterable[Mapping[str, Any]] = (),
) -> list[str]:
    """The targets of an update limited to `jobs` (plus the environment and the stack)."""
    owners = [env, *sorted(set(jobs))]
    roots = [urn(env, project, ENVIRONMENT_TOKEN, env)]
    roots += [urn(env, project, JOB_TOKEN, job) for job in sorted(set(jobs))]
    targets = [urn(env, project, ROOT_TYPE, f"{project}-{env}")]
    targets += plan_urns(env, project, plan, owners)
    targets += state_urns(state, roots)
    return list(dict.fromkeys(targets))


def planned_resources(project: Any, env: str, jobs: Sequence[str]) -> list[Any]:
    """The plan of the environment and `jobs` as the program will register it (names and
    types only matter here: placeholders stand for the account and the image tag)."""
    from scheduled_jobs.components.manifest.project import load_jobs
    from scheduled_jobs.components.tools.render import stack_plan

    settings = project.settings(env)
    loaded = load_jobs(
        project.root, env=env, app=settings.app, excluded=settings.excluded_jobs, only=list(jobs)
    )
    return stack_plan(project.root, settings, loaded, image_tag="plan")


def check_every_job(project: Any, env: str, jobs: Sequence[str]) -> list[Any]:
    """Every manifest the program declares must load, even for a deploy of other jobs: the
    program registers every job of the environment (an undeclared job's resources would be
    deleted), so one invalid manifest stops every deploy, `pulumi up` included. Say so.
    Returns the environment's jobs."""
    from scheduled_jobs.cli.output import UserError
    from scheduled_jobs.components.errors import ManifestError
    from scheduled_jobs.components.manifest.project import load_jobs

    settings = project.settings(env)
    try:
        return load_jobs(project.root, env=env, app=settings.app, excluded=settings.excluded_jobs)
    except ManifestError as exc:
        if not jobs:
            raise
        named = tuple(f"{MANIFESTS}/{job}/" for job in jobs)
        files = {str(p.file) for p in exc.problems if p.file}
        others = sorted(f for f in files if not any(n in f.replace("\\", "/") for n in named))
        if not others:
            raise
        raise UserError(
            f"cannot deploy {', '.join(jobs)} to {env}: {', '.join(others)} is invalid, and the "
            "Pulumi program declares every job of the environment (leaving one out would delete "
            f"it), so it stops this deploy too (and `pulumi up`):\n{exc}",
            hint=f"Fix that manifest, or leave the job out of {env} by adding it to "
            f"{project.setting_key('excludedJobs')} in {project.stack_file(env).name}.",
        ) from None
