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

from cli.output import UserError, error

# (command name, module, function) for plain commands; (group name, module, "app") for groups.
# Order is the order `jobs --help` lists them.
COMMANDS: list[tuple[str, str, str]] = [
    ("init", "cli.commands.init", "init"),
    ("validate", "cli.commands.validate", "validate"),
    ("schema", "cli.commands.schema", "schema"),
    ("render", "cli.commands.render", "render"),
    ("deploy", "cli.commands.deploy", "deploy"),
    ("package", "cli.commands.package", "package"),
    ("destroy", "cli.commands.destroy", "destroy"),
    ("delete", "cli.commands.delete", "delete"),
    ("run", "cli.commands.run", "run"),
    ("logs", "cli.commands.logs", "logs"),
    ("show", "cli.commands.show", "show"),
    ("ls", "cli.commands.ls", "ls"),
    ("exec", "cli.commands.exec", "exec_"),
]
GROUPS: list[tuple[str, str, str]] = [
    ("env", "cli.commands.env", "app"),
    ("migrate", "cli.commands.migrate", "app"),
]


class JobsGroup(typer.core.TyperGroup):
    """Turns a user's mistake into one message and a non-zero exit, wherever it is raised."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(self.commands)  # keep registration order, not alphabetical

    def invoke(self, ctx: typer.Context):  # type: ignore[override]
        from components.errors import ManifestError, SettingsError

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
            typer.echo(f"jobs {version('scheduled-jobs')}")
        except PackageNotFoundError:  # running from a checkout that was not installed
            typer.echo("jobs (not installed)")
        raise typer.Exit()


app = typer.Typer(
    name="jobs",
    cls=JobsGroup,
    help="Scheduled container jobs on AWS (ECS Fargate, Step Functions, EventBridge), "
    "from Copilot-style manifests.",
    no_args_is_help=True,
    add_completion=False,
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
