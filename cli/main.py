"""The root of the `jobs` CLI.

Every command lives in its own module under `cli/commands/` and imports only Typer and the
standard library at module level: heavy libraries (pydantic, boto3, pulumi) are imported inside the
command, so `jobs --help` and the operating commands start fast.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import typer
import typer.core

from scheduled_jobs.cli.output import UserError, error, program

# (command name, module, function) for plain commands; (group name, module, "app") for groups.
# Order is the order `jobs --help` lists them.
COMMANDS: list[tuple[str, str, str]] = [
    ("init", "scheduled_jobs.cli.commands.init", "init"),
    ("validate", "scheduled_jobs.cli.commands.validate", "validate"),
    ("schema", "scheduled_jobs.cli.commands.schema", "schema"),
    ("render", "scheduled_jobs.cli.commands.render", "render"),
    ("deploy", "scheduled_jobs.cli.commands.deploy", "deploy"),
    ("package", "scheduled_jobs.cli.commands.package", "package"),
    ("destroy", "scheduled_jobs.cli.commands.destroy", "destroy"),
    ("delete", "scheduled_jobs.cli.commands.delete", "delete"),
    ("run", "scheduled_jobs.cli.commands.run", "run"),
    ("logs", "scheduled_jobs.cli.commands.logs", "logs"),
    ("show", "scheduled_jobs.cli.commands.show", "show"),
    ("ls", "scheduled_jobs.cli.commands.ls", "ls"),
    ("exec", "scheduled_jobs.cli.commands.exec", "exec_"),
]
GROUPS: list[tuple[str, str, str]] = [
    ("env", "scheduled_jobs.cli.commands.env", "app"),
    ("migrate", "scheduled_jobs.cli.commands.migrate", "app"),
]


# One example per command, shown at the end of its --help (tests/cli/test_help.py checks
# that every command has one).
EXAMPLES: dict[str, str] = {
    "init": "scheduled-jobs init --name report --dockerfile Dockerfile --schedule @daily",
    "validate": "scheduled-jobs validate report --env prod",
    "schema": "scheduled-jobs schema -o manifests/manifest.schema.json",
    "render": "scheduled-jobs render --env dev report",
    "deploy": "scheduled-jobs deploy --env dev report",
    "package": "scheduled-jobs package --env prod --output-dir preview/",
    "destroy": "scheduled-jobs destroy --env dev",
    "delete": "scheduled-jobs delete report --env dev",
    "run": "scheduled-jobs run report --env dev --follow",
    "logs": "scheduled-jobs logs report --env dev --since 1h",
    "show": "scheduled-jobs show report --env prod --calendar",
    "ls": "scheduled-jobs ls --env prod",
    "exec": "scheduled-jobs exec report --env prod --command 'ls /data'",
    "migrate": "scheduled-jobs migrate copilot --env test",
    "migrate copilot": "scheduled-jobs migrate copilot --env test report --apply",
    "env": "scheduled-jobs env init dev --region eu-west-1",
    "env init": "scheduled-jobs env init dev --region eu-west-1",
    "env ls": "scheduled-jobs env ls",
}
# Placeholders for options Typer would show as <str>, <int> or <list[str]>.
PLACEHOLDERS = {
    "dockerfile": "PATH",
    "retries": "N",
    "timeout": "DURATION",
    "output": "FILE",
    "output_dir": "DIR",
    "backend": "URL",
    "app_name": "APP",
    "subnets": "IDS",
    "private_subnets": "IDS",
    "security_groups": "IDS",
}


def finish_help(command: typer.core.click.Command, path: str) -> None:
    """Give `command` (and its subcommands) its example and NAME-style placeholders instead of
    Typer's `<str>`, `<int>` and `<list[str]>`."""
    from typer.core import TyperArgument, TyperGroup, TyperOption

    example = EXAMPLES.get(path)
    if example and not command.epilog:
        command.epilog = f"\b\nExample:\n  {example}"
    for param in command.params:
        if isinstance(param, TyperArgument):
            param.metavar = param.metavar or param.name.upper()
            usage = param.metavar if param.required else f"[{param.metavar}]"
            usage += "..." if param.nargs != 1 else ""
            # Per instance: Typer draws arguments as `{name}` and `name <str>` otherwise.
            param._usage_display_name = lambda usage=usage: usage
            param._rich_display_name = lambda usage=usage: usage
            param.make_metavar = lambda *_, usage=usage, **__: usage  # Typer < 0.26 draws this
            param.display_type_rich = lambda ctx: ""
        elif (
            isinstance(param, TyperOption)
            and not (param.is_flag or param.count)
            and param.name
            and param.metavar is None
        ):
            # Typer 0.26+ keeps the annotation; older releases only click's parameter type.
            descriptor = getattr(param, "type_descriptor", None)
            if descriptor is not None:
                is_int = descriptor.annotation in (int, int | None)
            else:
                is_int = getattr(param.type, "name", "") == "integer"
            param.metavar = "N" if is_int else PLACEHOLDERS.get(param.name, param.name.upper())
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            finish_help(sub, f"{path} {name}".strip())


class JobsGroup(typer.core.TyperGroup):
    """Turns a user's mistake into one message and a non-zero exit, wherever it is raised."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(self.commands)  # keep registration order, not alphabetical

    def get_command(self, ctx: typer.Context, cmd_name: str):  # type: ignore[override]
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            finish_help(command, cmd_name)
        return command

    def invoke(self, ctx: typer.Context):  # type: ignore[override]
        from scheduled_jobs.components.errors import ManifestError, SettingsError

        try:
            return super().invoke(ctx)
        except UserError as exc:
            error(exc.message, exc.hint)
            raise typer.Exit(exc.code) from None
        except SettingsError as exc:  # before ManifestError, its base: not a manifest's fault
            error(settings_message(exc))
            raise typer.Exit(1) from None
        except ManifestError as exc:
            error(str(exc))
            raise typer.Exit(1) from None


def settings_message(exc: Exception) -> str:
    """A SettingsError as one message that names the stack file(s) and every wrong key."""
    problems = getattr(exc, "problems", [])
    files = sorted({p.file for p in problems if p.file})
    where = ", ".join(files) if files else "the stack file (Pulumi.<env>.yaml)"
    lines = [f"{p.path}: {p.message}" if p.path else p.message for p in problems]
    return f"invalid stack settings in {where}:\n  " + "\n  ".join(lines)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"{program()} {version('scheduled-jobs')}")
        except PackageNotFoundError:  # running from a checkout that was not installed
            typer.echo(f"{program()} (not installed)")
        raise typer.Exit()


app = typer.Typer(
    name="jobs",
    cls=JobsGroup,
    help="Scheduled container jobs on AWS (ECS Fargate, Step Functions, EventBridge), "
    "from Copilot-style manifests.",
    no_args_is_help=True,
    epilog="\b\nExample:\n  scheduled-jobs render --env dev",
    # --install-completion / --show-completion; job and environment names complete from the
    # project's files (cli/options.py).
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain help: drawing it with rich costs ~150 ms of start-up, which users of the operating
    # commands pay many times a day. Results still go through rich (cli/output.py).
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Scheduled container jobs on AWS, from Copilot-style manifests."""


for _name, _module, _attr in COMMANDS:
    app.command(_name)(getattr(importlib.import_module(_module), _attr))
for _name, _module, _attr in GROUPS:
    app.add_typer(getattr(importlib.import_module(_module), _attr), name=_name)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
