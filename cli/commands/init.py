"""`jobs init`: scaffold manifests/<name>/manifest.yml for a new job."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from scheduled_jobs.cli.output import UserError, info, program, result

# A manifest field -> (its flag, its question), for messages that speak of what was used.
_FIELDS = {
    "name": ("--name", "Job name"),
    "on.schedule": ("--schedule", "Schedule"),
    "image.location": ("--image", "Image URI"),
    "image.build": ("--dockerfile", "Dockerfile path"),
    "retries": ("--retries", "--retries"),
    "timeout": ("--timeout", "--timeout"),
}
_ASKED_AS = {"name": "name", "on.schedule": "schedule", "image.location": "image"}
_ASKED_AS["image.build"] = "image"


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
    from scheduled_jobs.cli.project import find_project
    from scheduled_jobs.components.errors import ManifestError
    from scheduled_jobs.components.manifest.load import load_manifest_text
    from scheduled_jobs.components.tools.scaffold import render_manifest

    project = find_project()
    if dockerfile and image:
        raise UserError("--dockerfile and --image cannot be used together; choose one")
    missing = [flag for flag, value in (("--name", name), ("--schedule", schedule)) if not value]
    if not (dockerfile or image):
        missing.append("--dockerfile or --image")
    if missing and not _interactive():
        raise UserError(
            f"missing {', '.join(missing)} (not asking: no terminal)",
            hint=f"Example: {program()} init --name report --image public.ecr.aws/docker/library/"
            'busybox:stable --schedule "0 9 * * 1-5"',
        )
    if missing:  # a person at a terminal: ask, checking each answer as it is given
        name, dockerfile, image, schedule = _ask(
            project, name=name, dockerfile=dockerfile, image=image, schedule=schedule, force=force
        )
    asked = {q for q, given in (("name", "--name"), ("schedule", "--schedule")) if given in missing}
    if "--dockerfile or --image" in missing:
        asked.add("image")

    target = project.manifest_path(name)
    if dockerfile:
        dockerfile = _relative_to_root(Path(dockerfile), project.root)
    text = render_manifest(
        name, schedule, dockerfile=dockerfile, image=image, retries=retries, timeout=timeout
    )
    try:
        load_manifest_text(text, file=str(target.relative_to(project.root)), root=project.root)
    except ManifestError as exc:
        reasons = [f"{_label(p.path, asked)}: {p.message}" for p in exc.problems]
        raise UserError("; ".join(reasons), hint="Nothing was written.") from None
    if target.exists() and not force:
        raise UserError(
            f"{target.relative_to(project.root)} already exists; nothing was written",
            hint="Use --force to overwrite it.",
        )
    _write(target, text)
    result(str(target.relative_to(project.root)))
    info(
        f"Created the {name} job. Next: {program()} validate {name}, then "
        f"{program()} render --env dev {name}"
    )


def _label(path: str, asked: set[str]) -> str:
    """What a problem of `path` is about: the question when the user answered one, else the
    flag."""
    field = next((f for f in _FIELDS if path == f or path.startswith(f + ".")), None)
    if field is None:
        return path
    flag, question = _FIELDS[field]
    return f"{question} (question)" if _ASKED_AS.get(field) in asked else flag


def _ask(
    project,
    *,
    name: str | None,
    dockerfile: str | None,
    image: str | None,
    schedule: str | None,
    force: bool,
) -> tuple[str, str | None, str | None, str]:
    """Ask for what the flags left out. Each answer is checked at once (by the manifest's own
    rules, on a manifest with that answer) and asked again with the reason."""
    # typer.BadParameter is a UsageError, which the prompt shows as "Error: ..." and asks again.
    refuse = typer.BadParameter

    def checker(field: str, make):
        def check(raw: str) -> str:
            value = raw.strip()
            if not value:
                raise refuse("an answer is needed")
            problems = _problems(project, make(value), field)
            if problems:
                raise refuse("; ".join(problems))
            return value

        return check

    def manifest(**values):
        base = {"name": name or "job", "schedule": schedule or "@daily", "image": image}
        base["dockerfile"] = dockerfile if not image else None
        if base["image"] is None and base["dockerfile"] is None:
            base["image"] = "busybox"
        base.update(values)
        return base

    if not name:
        check_name = checker("name", lambda v: manifest(name=v))

        def new_name(raw: str) -> str:
            value = check_name(raw)
            if project.manifest_path(value).exists() and not force:
                raise refuse(
                    f"{project.manifest_path(value).relative_to(project.root)} already exists; "
                    "choose another name (or run again with --force to overwrite it)"
                )
            return value

        name = typer.prompt("Job name", value_proc=new_name)
    if not (dockerfile or image):

        def choice(raw: str) -> str:
            value = raw.strip().lower()
            if value not in ("dockerfile", "image"):
                raise refuse(f"{raw.strip()!r} is not one of 'dockerfile', 'image'.")
            return value

        source = typer.prompt(
            "Build from a Dockerfile or use an existing image? (dockerfile, image)",
            default="dockerfile",
            value_proc=choice,
        )
        if source == "image":
            image = typer.prompt(
                "Image URI",
                value_proc=checker("image.location", lambda v: manifest(image=v, dockerfile=None)),
            )
        else:

            def with_dockerfile(value: str) -> dict:
                try:
                    relative = _relative_to_root(Path(value), project.root)
                except UserError as exc:
                    raise refuse(exc.message) from None
                return manifest(image=None, dockerfile=relative)

            dockerfile = typer.prompt(
                "Dockerfile path",
                default="Dockerfile",
                value_proc=checker("image.build", with_dockerfile),
            )
    if not schedule:
        schedule = typer.prompt(
            "Schedule (cron in UTC, @daily, @every 6h, none)",
            default="@daily",
            value_proc=checker("on.schedule", lambda v: manifest(schedule=v)),
        )
    return name, dockerfile, image, schedule


def _problems(project, values: dict, field: str) -> list[str]:
    """The loader's messages about `field` for a scaffold made of `values`."""
    from scheduled_jobs.components.errors import ManifestError
    from scheduled_jobs.components.manifest.load import load_manifest_text
    from scheduled_jobs.components.tools.scaffold import render_manifest

    text = render_manifest(
        values["name"],
        values["schedule"],
        dockerfile=values.get("dockerfile"),
        image=values.get("image"),
    )
    file = f"manifests/{values['name']}/manifest.yml"
    try:
        load_manifest_text(text, file=file, root=project.root)
    except ManifestError as exc:
        return [
            p.message for p in exc.problems if p.path == field or p.path.startswith(field + ".")
        ] or ([] if field != "name" else [p.message for p in exc.problems if not p.path])
    except Exception as exc:  # e.g. a name no file can have: still a reason to ask again
        return [str(exc)]
    return []


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
    from scheduled_jobs.cli.files import write_text

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {target.parent}: {exc.strerror or exc}") from None
    write_text(target, text)
