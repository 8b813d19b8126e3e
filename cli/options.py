"""Typer options shared by the commands that drive Pulumi stacks."""

from __future__ import annotations

from typing import Annotated

import typer

BackendOption = Annotated[
    str | None,
    typer.Option(help="Pulumi backend URL; overrides PULUMI_BACKEND_URL and pulumi login."),
]
