"""`jobs env init`: create an environment, its stack and its Pulumi.<env>.yaml."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from scheduled_jobs.cli.options import BackendOption
from scheduled_jobs.cli.output import UserError, info, program, result


def init(
    name: Annotated[str, typer.Argument(help="Environment name, e.g. dev.", show_default=False)],
    region: Annotated[
        str | None,
        typer.Option(help="AWS region; default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1."),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(help="Existing ECS cluster name or ARN; default: one is created."),
    ] = None,
    subnets: Annotated[
        list[str] | None,
        typer.Option(help="Public subnet ids (comma-separated or repeated)."),
    ] = None,
    private_subnets: Annotated[
        list[str] | None,
        typer.Option(help="Private subnet ids, for jobs with network.vpc.placement: private."),
    ] = None,
    security_groups: Annotated[
        list[str] | None,
        typer.Option(help="Security group ids; default: an egress-only group is created."),
    ] = None,
    app_name: Annotated[
        str | None,
        typer.Option("--app", help="Application name; default: config.app in Pulumi.yaml."),
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Update an existing environment's settings with these flags.")
    ] = False,
    backend: BackendOption = None,
) -> None:
    """Create an environment: its stack, and Pulumi.<env>.yaml with its settings."""
    from scheduled_jobs.cli.project import find_project
    from scheduled_jobs.cli.stacks import backend as backends
    from scheduled_jobs.cli.stacks import preflight, stack_file
    from scheduled_jobs.cli.stacks import seam as stacks
    from scheduled_jobs.components.contract import DEFAULT_REGION

    project = find_project()
    preflight.check_env_name(name)
    path = project.stack_file(name)
    if path.is_file() and project.stack_config(name) and not force:
        raise UserError(
            f"environment {name} already has settings in {path.name}",
            hint="Pass --force to update them with the flags given, or edit the file.",
        )
    if not region and not project.region(name):
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        if not region:
            region = DEFAULT_REGION
            info(f"No --region given and no AWS_REGION set: using {region}.")
    values = stack_file.config_from_flags(
        project,
        region=region,
        app_name=app_name,
        cluster=cluster,
        subnets=subnets,
        private_subnets=private_subnets,
        security_groups=security_groups,
    )

    existed = path.is_file()
    try:
        command = stacks.pulumi_command()
    except UserError as exc:
        # The settings are ours to write; only the stack needs the CLI.
        stack_file.update_config(project, name, values)
        raise UserError(
            f"wrote the settings of {name} to {path.name}, but creating its stack needs the "
            f"Pulumi CLI: {exc.message}",
            hint=f"{exc.hint} Then run `scheduled-jobs env init {name} --force` (or deploy: a "
            f"deploy creates the stack of an environment that has a {path.name}).",
        ) from None
    chosen = backends.resolve(project, name, backend)
    if chosen.note:
        info(chosen.note)
    # The stack first: `stack init` writes its secrets salt into Pulumi.<env>.yaml, which the
    # settings below are merged into.
    stacks.open_stack(project, name, env_vars=chosen.env_vars, command=command, create=True)
    stack_file.update_config(project, name, values)
    verb = "Updated" if existed else "Created"
    info(f"{verb} environment {name}: stack {name}, settings in {path.name}.")
    for key, value in values.items():
        result(f"  {key}: {', '.join(value) if isinstance(value, list) else value}")
    info(
        f"Next: `{program()} package --env {name}` to preview, "
        f"`{program()} deploy --env {name}` to deploy."
    )
