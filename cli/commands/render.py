"""`jobs render`: what a deploy would create, offline (no credentials, Pulumi CLI or Docker)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from scheduled_jobs.cli.options import env_option, jobs_argument, json_option
from scheduled_jobs.cli.output import UserError, info, result


def render(
    env: Annotated[str, env_option("Environment (stack) to render for.")],
    names: Annotated[
        list[str] | None, jobs_argument("Jobs to render (default: every job).")
    ] = None,
    as_json: Annotated[
        bool, json_option('Print {"resources": [...], "estimates": {job: ...}} with every input.')
    ] = False,
    output_dir: Annotated[
        Path | None,
        typer.Option(
            "--output-dir",
            "-o",
            file_okay=False,
            help="Write <job>-<env>.json per job (and <env>.environment.json) into this folder.",
        ),
    ] = None,
) -> None:
    """Show the resources a deploy would create, offline, under Pulumi's mocks.

    Values AWS computes (ARNs, ids, digests) are placeholders in account 123456789012.
    """
    import json

    from scheduled_jobs.cli.project import find_project
    from scheduled_jobs.cli.spinner import after_a_second
    from scheduled_jobs.components.convert.cost import summary_of
    from scheduled_jobs.components.tools.render import (
        DuplicateResourceError,
        group_by_owner,
        job_summary,
        render_jobs,
    )

    project = find_project()
    jobs = project.select_jobs(names, default_all=True)
    settings = project.settings(env)  # read as the program reads them, checked first
    config = dict(project.stack_config(env))
    # `pulumi up` applies Pulumi.yaml's default for the app name; the mocks do not.
    config.setdefault(project.setting_key("app"), project.default_app)
    region = settings.region
    excluded = settings.excluded_jobs
    skipped = [job for job in jobs if job in excluded]
    # On a terminal, a spinner once this takes more than a second; never with --json.
    waiting = f"Rendering {len(jobs)} job(s) for {env} under Pulumi's mocks ..."
    try:
        with after_a_second(waiting, enabled=not as_json):
            resources = render_jobs(
                project.root,
                jobs,
                project=project.name,
                stack=env,
                config=config,
                region=region,
            )
    except DuplicateResourceError as exc:
        raise UserError(
            str(exc), hint="Job names must be unique and differ from the environment's name."
        ) from None
    for job in skipped:
        info(
            f"{job}: skipped, it is in {project.setting_key('excludedJobs')} of "
            f"{project.stack_file(env).name}"
        )
    rendered = [job for job in jobs if job not in excluded]
    groups = group_by_owner(resources, [env, *rendered])
    estimates = _estimates(project, settings, rendered)

    if output_dir is not None:
        from scheduled_jobs.cli.files import output_dir as make_dir
        from scheduled_jobs.cli.files import write_text

        output_dir = make_dir(output_dir)
        files = {f"{env}.environment.json": groups[env]}
        files.update({f"{job}-{env}.json": groups[job] for job in rendered})
        for filename, items in files.items():
            path = output_dir / filename
            write_text(path, json.dumps({"resources": items}, indent=2) + "\n")
            info(f"wrote {path}")
    if as_json:
        result(json.dumps({"resources": resources, "estimates": estimates}, indent=2))
        return
    if output_dir is not None:
        return
    lines = [f"Environment {env} (app {settings.app}, {region}): {len(groups[env])} resources"]
    lines += _resource_lines(groups[env])
    for job in rendered:
        lines.append("")
        lines.append(f"Job {job}: {len(groups[job])} resources")
        for key, value in job_summary(groups[job]).items():
            lines.append(f"  {key:<9} {value}")
        lines.append(f"  {'cost':<9} {summary_of(estimates[job])}")
        lines += _resource_lines(groups[job])
    result("\n".join(lines))


def _estimates(project: Any, settings: Any, jobs: list[str]) -> dict[str, dict]:
    """Each job's monthly Fargate estimate (components/convert/cost.py), from its manifest."""
    from scheduled_jobs.components.convert.cost import job_estimates
    from scheduled_jobs.components.manifest.project import load_jobs

    loaded = load_jobs(project.root, env=settings.env, app=settings.app, only=jobs)
    return job_estimates(loaded, settings.region)


def _resource_lines(resources: list[dict]) -> list[str]:
    if not resources:
        return []
    width = max(len(_kind(r["type"])) for r in resources)
    return [f"    {_kind(r['type']):<{width}}  {r['name']}" for r in resources]


def _kind(token: str) -> str:
    """`aws:ecs/taskDefinition:TaskDefinition` -> `aws:ecs:TaskDefinition`, shorter to read."""
    package, _, rest = token.partition(":")
    module, _, kind = rest.partition(":")
    return f"{package}:{module.split('/')[0]}:{kind}"
