"""`jobs schema`: the manifest's JSON Schema, for editors and CI."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.output import result


def schema(
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output."),
    ] = None,
) -> None:
    """Print the manifest's JSON Schema (for editor autocompletion)."""
    import json

    from components.manifest.schema import manifest_schema

    text = json.dumps(manifest_schema(), indent=2) + "\n"
    if output:
        from pathlib import Path

        Path(output).write_text(text, encoding="utf-8")
    else:
        result(text)
