"""`jobs env`: create environments (one Pulumi stack each) and list them."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from cli.options import BackendOption
from cli.output import UserError, info, result

app = typer.Typer(
    name="env",
    help="Environments: one Pulumi stack each, settings in Pulumi.<env>.yaml.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help, as the root app (see cli/main.py)
)

DEFAULT_REGION = "us-east-1"  # the program's default too (components/settings.py)


def _ids(values: list[str] | None) -> list[str] | None:
    """Repeated options and comma-separated lists alike: `--subnets a,b --subnets c`."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def settings_from_flags(
    project_name: str,
    *,
    region: str | None,
    app_name: str | None,
    cluster: str | None,
    subnets: list[str] | None,
    private_subnets: list[str] | None,
    security_groups: list[str] | None,
) -> dict[str, Any]:
    """The `config:` keys the given flags set (flags not given are left out)."""
    values: dict[str, Any] = {
        "aws:region": region,
        f"{project_name}:app": app_name,
        f"{project_name}:cluster": cluster,
        f"{project_name}:subnets": _ids(subnets),
        f"{project_name}:privateSubnets": _ids(private_subnets),
        f"{project_name}:securityGroups": _ids(security_groups),
    }
    return {key: value for key, value in values.items() if value}


@app.command("init")
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
    from cli.project import find_project
    from cli.stacks import backend as backends
    from cli.stacks import preflight, stack_file
    from cli.stacks import seam as stacks

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
    values = settings_from_flags(
        project.name,
        region=region,
        app_name=app_name,
        cluster=cluster,
        subnets=subnets,
        private_subnets=private_subnets,
        security_groups=security_groups,
    )

    command = stacks.pulumi_command()
    chosen = backends.resolve(project, name, backend)
    if chosen.note:
        info(chosen.note)
    existed = path.is_file()
    # The stack first: `stack init` writes its secrets salt into Pulumi.<env>.yaml, which the
    # settings below are merged into.
    stacks.open_stack(project, name, env_vars=chosen.env_vars, command=command, create=True)
    stack_file.update_config(project, name, values)
    verb = "Updated" if existed else "Created"
    info(f"{verb} environment {name}: stack {name}, settings in {path.name}.")
    for key, value in values.items():
        result(f"  {key}: {', '.join(value) if isinstance(value, list) else value}")
    info(f"Next: `jobs package --env {name}` to preview, `jobs deploy --env {name}` to deploy.")


def _row(project: Any, name: str, summary: Any | None) -> dict[str, Any]:
    last = getattr(summary, "last_update", None) if summary is not None else None
    return {
        "name": name,
        "region": project.region(name),
        "stack": summary is not None,
        "lastUpdate": last.isoformat() if last else None,
        "resourceCount": getattr(summary, "resource_count", None) if summary else None,
        "updateInProgress": bool(getattr(summary, "update_in_progress", False))
        if summary
        else False,
    }


@app.command("ls")
def ls(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    backend: BackendOption = None,
) -> None:
    """List environments with their region and last update."""
    import json

    from cli.project import find_project
    from cli.stacks import backend as backends
    from cli.stacks import seam as stacks

    project = find_project()
    command = stacks.pulumi_command()
    chosen = backends.resolve(project, None, backend, needs_secrets=False)
    if chosen.note:
        info(chosen.note)
    summaries = {
        s.name.rsplit("/", 1)[-1]: s
        for s in stacks.list_stacks(project, env_vars=chosen.env_vars, command=command)
    }
    files = {p.name[len("Pulumi.") : -len(".yaml")] for p in project.root.glob("Pulumi.*.yaml")}
    rows = [_row(project, name, summaries.get(name)) for name in sorted(set(summaries) | files)]

    if as_json:
        result(json.dumps({"environments": rows}, indent=2))
        return
    if not rows:
        info("No environments yet. Create one with `jobs env init dev`.")
        return
    table = [("NAME", "REGION", "LAST UPDATE", "RESOURCES")]
    for row in rows:
        if not row["stack"]:
            last = "no stack yet"
        elif row["updateInProgress"]:
            last = "update in progress"
        else:
            last = row["lastUpdate"] or "never deployed"
        count = "" if row["resourceCount"] is None else str(row["resourceCount"])
        table.append((row["name"], row["region"] or "-", last, count))
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    for r in table:
        result("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
