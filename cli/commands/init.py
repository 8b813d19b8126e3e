"""`jobs init`: scaffold manifests/<name>/manifest.yml for a new job."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.output import UserError, info, result


def _interactive() -> bool:
    """Ask for missing answers only when a person is at a terminal (never in CI or a pipe)."""
    return sys.stdin.isatty() and os.environ.get("CI", "").lower() not in ("1", "true")


def init(
    name: Annotated[
        str | None,
        typer.Option("--name", "-n", help="Job name: lowercase letters, digits, -."),
    ] = None,
    dockerfile: Annotated[
        str | None,
        typer.Option(
            "--dockerfile", "-d", help="Dockerfile to build (path from the current folder)."
        ),
    ] = None,
    image: Annotated[
        str | None, typer.Option("--image", "-i", help="Existing image to run instead.")
    ] = None,
    schedule: Annotated[
        str | None,
        typer.Option(
            "--schedule", "-s", help='Cron, @daily, "@every 6h", rate(...), cron(...) or none.'
        ),
    ] = None,
    retries: Annotated[
        int | None, typer.Option("--retries", help="Times to retry a failed run (0-10).")
    ] = None,
    timeout: Annotated[
        str | None, typer.Option("--timeout", help="Limit for a whole run, e.g. 15m, 1h30m.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing manifest.")] = False,
) -> None:
    """Create a commented manifest for a new job (asks for what is missing in a terminal)."""
    from cli.project import find_project
    from components.errors import ManifestError
    from components.manifest.load import load_manifest_text
    from components.tools.scaffold import render_manifest

    project = find_project()
    if dockerfile and image:
        raise UserError("--dockerfile and --image cannot be used together; choose one")
    missing = [flag for flag, value in (("--name", name), ("--schedule", schedule)) if not value]
    if not (dockerfile or image):
        missing.append("--dockerfile or --image")
    if missing and not _interactive():
        raise UserError(
            f"missing {', '.join(missing)} (not asking: no terminal)",
            hint="Example: jobs init --name report --image public.ecr.aws/docker/library/"
            'busybox:stable --schedule "0 9 * * 1-5"',
        )
    name = name or typer.prompt("Job name")
    if not (dockerfile or image):
        source = typer.prompt(
            "Build from a Dockerfile or use an existing image? [dockerfile/image]",
            default="dockerfile",
        )
        if source.strip().lower().startswith("i"):
            image = typer.prompt("Image URI")
        else:
            dockerfile = typer.prompt("Dockerfile path", default="Dockerfile")
    schedule = schedule or typer.prompt(
        "Schedule (cron in UTC, @daily, @every 6h, none)", default="@daily"
    )

    target = project.manifest_path(name)
    if dockerfile:
        dockerfile = _relative_to_root(Path(dockerfile), project.root)
    text = render_manifest(
        name, schedule, dockerfile=dockerfile, image=image, retries=retries, timeout=timeout
    )
    try:
        load_manifest_text(text, file=str(target.relative_to(project.root)), root=project.root)
    except ManifestError as exc:
        flags = {
            "on.schedule": "--schedule",
            "retries": "--retries",
            "timeout": "--timeout",
            "name": "--name",
            "image.build": "--dockerfile",
            "image.location": "--image",
        }
        reasons = [f"{flags.get(p.path, p.path)}: {p.message}" for p in exc.problems]
        raise UserError("; ".join(reasons), hint="Nothing was written.") from None
    if target.exists() and not force:
        raise UserError(
            f"{target.relative_to(project.root)} already exists; nothing was written",
            hint="Use --force to overwrite it.",
        )
    _write(target, text)
    result(str(target.relative_to(project.root)))
    info(f"Created the {name} job. Next: jobs validate {name}, then jobs render --env dev {name}")


def _relative_to_root(path: Path, root: Path) -> str:
    absolute = (Path.cwd() / path).resolve()
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        raise UserError(
            f"{path} is outside the project ({root}); Docker builds need the Dockerfile inside it"
        ) from None


def _write(target: Path, text: str) -> None:
    """Create the job's folder and write the manifest atomically (cli/files.py)."""
    from cli.files import write_text

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {target.parent}: {exc.strerror or exc}") from None
    write_text(target, text)
