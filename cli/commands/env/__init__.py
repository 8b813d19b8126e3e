"""`jobs env`: create environments (one Pulumi stack each) and list them."""

from __future__ import annotations

import typer

# Modules, not their functions: `cli.commands.env.init` stays the module.
from scheduled_jobs.cli.commands.env import init, ls

app = typer.Typer(
    name="env",
    help="Environments: one Pulumi stack each, settings in Pulumi.<env>.yaml.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help, as the root app (see cli/main.py)
)
app.command("init")(init.init)
app.command("ls")(ls.ls)

__all__ = ["app"]
