"""`jobs schema`: the manifest's JSON Schema, for editors and CI."""

from __future__ import annotations

from typing import Annotated

import typer

from scheduled_jobs.cli.output import result


def schema(
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output."),
    ] = None,
) -> None:
    """Print the manifest's JSON Schema (for editor autocompletion)."""
    import json

    from scheduled_jobs.components.manifest.schema import manifest_schema

    if output is not None:
        from scheduled_jobs.cli.files import output_file

        target = output_file(output)
    text = json.dumps(manifest_schema(), indent=2) + "\n"
    if output is not None:
        from scheduled_jobs.cli.files import write_text

        write_text(target, text)
    else:
        result(text)
