"""`jobs migrate copilot`: take a Copilot application's scheduled jobs over (see cli/migrate)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from scheduled_jobs.cli.options import BackendOption
from scheduled_jobs.cli.output import UserError, info, result, warn

app = typer.Typer(
    name="migrate",
    help="Move jobs deployed with another tool into this project.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help, as the root app (see cli/main.py)
)

NOTES = [
    "The Copilot environment stack {stack} (VPC, subnets, security group, cluster) is "
    "referenced, never changed: Pulumi.{env}.yaml points at it. Do not delete it with "
    "Copilot (`copilot env delete`): that removes the network the migrated jobs run in.",
    "Copilot's ECR repository {app}/<job> is not reused: each environment gets its own "
    "repository {app}/{env}/<job> at the first deploy of a job that builds its image.",
]


def _expected(project: Any, found: Any, env: str, job: str) -> Any:
    from scheduled_jobs.cli.migrate.plan import Expected
    from scheduled_jobs.components.convert.tags import resource_tags
    from scheduled_jobs.components.manifest.load import load_manifest

    manifest = load_manifest(project.manifest_path(job), env, app=found.app, root=project.root)
    return Expected(
        schedule=manifest.schedule_expression,
        retention=manifest.logging.retention,
        # The tags the program will set: the stack file's, as written (or edited) now.
        tags=resource_tags(found.app, env, job, project.settings(env).tags),
        project=project.name,
    )


def _plans(project: Any, found: Any) -> list[tuple[Any, Any, Any]]:
    from datetime import datetime, timezone

    from scheduled_jobs.cli.migrate import apply
    from scheduled_jobs.cli.migrate.plan import plan_job

    now = datetime.now(timezone.utc)
    plans = []
    for (env, job), stack in found.stacks.items():
        expected = _expected(project, found, env, job)
        record = apply.read_record(project, stack.name)
        plan = plan_job(
            stack,
            expected,
            record=record,
            written=apply.written_imports(project, env, job),
            verified=bool((record or {}).get("verified")),
            now=now,
        )
        plans.append((plan, stack, expected))
    return plans


def _document(found: Any, changes: list[Any], plans: list[Any], project: Any) -> dict[str, Any]:
    return {
        "app": found.app,
        "account": found.account,
        "environments": [
            {
                "name": env.name,
                "region": env.region,
                "stack": env.stack,
                "cluster": env.outputs.get("ClusterId"),
                "vpc": env.outputs.get("VpcId"),
                "publicSubnets": env.subnets("PublicSubnets"),
                "privateSubnets": env.subnets("PrivateSubnets"),
                "securityGroup": env.outputs.get("EnvironmentSecurityGroup"),
            }
            for env in found.environments.values()
        ],
        "leftAlone": [{"name": n, "type": t} for n, t in found.left_alone.items()],
        "files": [
            {"path": c.path.relative_to(project.root).as_posix(), "state": c.state, "note": c.note}
            for c in changes
        ],
        "jobs": [plan.to_json() for plan, _, _ in plans],
        "notes": [
            note.format(stack=env.stack, env=env.name, app=found.app)
            for env in found.environments.values()
            for note in NOTES[:1]
        ]
        + [NOTES[1].format(app=found.app, env="<env>")],
    }


def _print_text(document: dict[str, Any], plans: list[Any]) -> None:
    from scheduled_jobs.cli.migrate.plan import text_lines

    result(f"Copilot application {document['app']} (account {document['account']})")
    for env in document["environments"]:
        result(
            f"environment {env['name']} ({env['region']}): stack {env['stack']}, cluster "
            f"{env['cluster']}, public subnets {', '.join(env['publicSubnets']) or '-'}, "
            f"private subnets {', '.join(env['privateSubnets']) or '-'}, security group "
            f"{env['securityGroup']}"
        )
    for item in document["leftAlone"]:
        result(f"left alone: {item['name']} ({item['type']})")
    result("project files:")
    for item in document["files"]:
        note = f" ({item['note']}; --force writes Copilot's)" if item["note"] else ""
        result(f"  {item['state']:<9} {item['path']}{note}")
    for plan, _, _ in plans:
        for line in text_lines(plan):
            result(line)
    for note in document["notes"]:
        result(f"note: {note}")


@app.command("copilot")
def copilot(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Jobs to migrate; default: every scheduled job.", show_default=False),
    ] = None,
    copilot_dir: Annotated[
        Path, typer.Option("--copilot-dir", help="The Copilot workspace folder.")
    ] = Path("copilot"),
    app_name: Annotated[
        str | None,
        typer.Option("--app", help="Copilot application; default: the workspace's."),
    ] = None,
    envs: Annotated[
        list[str] | None,
        typer.Option("--env", "-e", help="Environment to migrate (repeat); default: all."),
    ] = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Take the jobs over (changes AWS); default: plan.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    force: Annotated[
        bool, typer.Option(help="Overwrite project files that differ from Copilot's.")
    ] = False,
    backend: BackendOption = None,
) -> None:
    """Import a Copilot application's environments and scheduled jobs, plan, and with --apply
    take each job over without losing its logs or colliding with Copilot's resources."""
    import json

    from scheduled_jobs.cli.migrate.discover import Clients, discover
    from scheduled_jobs.cli.migrate.project import write_project
    from scheduled_jobs.cli.migrate.workspace import read_workspace
    from scheduled_jobs.cli.project import find_project
    from scheduled_jobs.cli.stacks.preflight import can_confirm, confirm

    project = find_project()
    workspace = read_workspace(
        copilot_dir if copilot_dir.is_absolute() else Path.cwd() / copilot_dir
    )
    if apply:
        can_confirm(yes=yes, action="migrate --apply")
    found = discover(workspace, Clients(), app=app_name, envs=envs, jobs=names)
    changes = write_project(project, found, force=force)
    plans = _plans(project, found)
    document = _document(found, changes, plans, project)
    if as_json:
        result(json.dumps(document, indent=2))
    else:
        _print_text(document, plans)
    if not apply:
        pending = [p for p, _, _ in plans if not p.done]
        if pending:
            info("Nothing in AWS was changed. Run again with --apply to take the jobs over.")
        return

    pending = [(p, s, e) for p, s, e in plans if not p.done]
    if not pending:
        info("Every job is migrated already; nothing to do.")
        return
    blocked = [f"{p.job} in {p.env}: {problem}" for p, _, _ in pending for problem in p.problems]
    if blocked:
        raise UserError(
            "cannot migrate yet; nothing was changed:\n  " + "\n  ".join(blocked),
            hint="Fix these, then run the command again.",
        )
    for plan, _, _ in pending:
        for warning in plan.warnings:
            warn(f"{plan.job} in {plan.env}: {warning}")
    what = ", ".join(f"{p.job} in {p.env}" for p, _, _ in pending)
    confirm(f"Take over {what} from Copilot?", yes=yes, action="migrate --apply")

    from scheduled_jobs.cli.migrate import apply as applying

    deploy = applying.seam_deploy(project, backend)
    for plan, stack, expected in pending:
        ctx = applying.Context(
            project=project,
            clients=Clients(),
            env=found.environments[plan.env],
            expected=expected,
            deploy=deploy,
        )
        applying.apply_job(ctx, plan, stack)
    info(
        "Done. Next: `scheduled-jobs run <job> --env <env> --follow` for a first run, and "
        "remove the job from Copilot's workspace so `copilot deploy` does not bring it back."
    )
