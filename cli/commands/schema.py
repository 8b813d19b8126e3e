"""`jobs schema`: the manifest's JSON Schema, for editors and CI."""

from __future__ import annotations

import typer

from cli.output import result


def schema(
    output: str = typer.Option(
        None, "--output", "-o", help="Write to this file instead of standard output."
    ),
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
