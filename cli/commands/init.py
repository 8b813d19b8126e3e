"""`jobs init`: scaffold manifests/<name>/manifest.yml for a new job, and in a folder that is not
a project yet (an application's repository, beside its Dockerfile) the project around it."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from scheduled_jobs.cli.output import UserError, info, program, result, warn
from scheduled_jobs.cli.project import PROJECT_FILE
from scheduled_jobs.components.contract import PACKAGE_NAME as _DISTRIBUTION

# A new project's program and its dependencies (Pulumi's Python runtime reads both).
_PROGRAM = "__main__.py"
_REQUIREMENTS = "requirements.txt"
# The import package a project's program imports.
_PACKAGE = "scheduled_jobs"

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
    project_name: Annotated[
        str | None,
        typer.Option(
            "--project",
            "-p",
            metavar="NAME",
            help="Name of the project to create when the folder is not one yet (default: the "
            "folder's name); also the application name resources start with.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing manifest.")] = False,
) -> None:
    """Create a commented manifest for a new job; in a folder that is not a project yet, also
    the project around it (Pulumi.yaml, __main__.py, requirements.txt, .gitignore entries).
    Asks for what is missing in a terminal."""
    from scheduled_jobs.cli.project import Project, project_at, project_start
    from scheduled_jobs.components.errors import ManifestError
    from scheduled_jobs.components.manifest.load import load_manifest_text
    from scheduled_jobs.components.tools.scaffold import render_manifest

    start = project_start()
    existing = project_at(start)
    if existing is None and not start.is_dir():
        raise UserError(f"{start} is not a folder; nothing was written")
    if dockerfile and image:
        raise UserError("--dockerfile and --image cannot be used together; choose one")
    if existing is not None and project_name and project_name != existing.name:
        raise UserError(
            f"--project {project_name}: {existing.root / PROJECT_FILE} already names the project "
            f"{existing.name!r}; nothing was written",
            hint="Leave --project out to add the job to that project.",
        )
    if existing is None and project_name and (problem := _project_problem(project_name)):
        raise UserError(f"--project: {problem}", hint="Nothing was written.")
    missing = [flag for flag, value in (("--name", name), ("--schedule", schedule)) if not value]
    if not (dockerfile or image):
        missing.append("--dockerfile or --image")
    if missing and not _interactive():
        build = "--dockerfile Dockerfile" if (start / "Dockerfile").is_file() else None
        source = build or "--image public.ecr.aws/docker/library/busybox:stable"
        raise UserError(
            f"missing {', '.join(missing)} (not asking: no terminal)",
            hint=f'Example: {program()} init --name report {source} --schedule "0 9 * * 1-5"',
        )
    if existing is None:
        if not project_name and missing:  # a person at a terminal: ask this first
            project_name = _ask_project_name(start)
        project_name = project_name or _project_name_from_folder(start)
        project = Project(root=start, name=project_name, default_app=project_name)
    else:
        project = existing
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
    files = _project_files(project) if existing is None else []
    files += _schema_file(project)
    for path, content in files:
        _write(path, content)
    _write(target, text)
    for path, _ in [*files, (target, text)]:
        result(path.relative_to(project.root).as_posix())
    if existing is None:
        info(f"Created the {project.name} project in {project.root} and the {name} job.")
        _check_requirements(project)
    else:
        info(f"Created the {name} job.")
    info(
        f"Next: {program()} validate {name}, then {program()} render --env dev {name}"
        + (f"; to deploy: {program()} env init dev" if existing is None else "")
    )


def _project_problem(value: str) -> str | None:
    """Why `value` cannot name a new project. It is also the application name (the first part
    of every resource name), so it follows that rule, which Pulumi's project names allow."""
    from scheduled_jobs.components.convert.naming import name_problem

    return name_problem("project", value)


def _project_name_from_folder(folder: Path) -> str:
    from scheduled_jobs.components.tools.scaffold import project_name_from

    derived = project_name_from(folder.name)
    if derived is None or _project_problem(derived):
        raise UserError(
            f"cannot make a project name from the folder name {folder.name!r}; nothing was written",
            hint=f"Name it: {program()} init --project NAME ...",
        )
    return derived


def _ask_project_name(folder: Path) -> str:
    from scheduled_jobs.components.tools.scaffold import project_name_from

    def check(raw: str) -> str:
        value = raw.strip()
        if problem := _project_problem(value):
            raise typer.BadParameter(problem)
        return value

    return typer.prompt(
        f"{folder.name} is not a project yet. Project name (also the application name)",
        default=project_name_from(folder.name) or None,
        value_proc=check,
    )


# What a new project ignores: Pulumi's virtualenv (Pulumi.yaml), Python's caches and the local
# state the CLI falls back to without `pulumi login` (cli/stacks/backend.py).
def _gitignore_entries() -> list[str]:
    from scheduled_jobs.cli.stacks.backend import LOCAL_STATE_DIR

    return [".venv/", "__pycache__/", f"{LOCAL_STATE_DIR}/"]


def _project_files(project) -> list[tuple[Path, str]]:
    """The files of a new project that are missing, with their text (the .gitignore with its
    missing entries). An existing __main__.py must already be this program."""
    from scheduled_jobs.components.tools import scaffold

    root = project.root
    files: list[tuple[Path, str]] = []
    program_path = root / _PROGRAM
    if program_path.is_file():
        if _PACKAGE not in _read(program_path):
            raise UserError(
                f"{_PROGRAM} already exists and is not the scheduled-jobs program; Pulumi would "
                "run it as this project's program; nothing was written",
                hint=f"Move it, or make it the program:\n{scaffold.PROGRAM_FILE}",
            )
    else:
        files.append((program_path, scaffold.PROGRAM_FILE))
    requirements = root / _REQUIREMENTS
    if not requirements.exists():
        files.append((requirements, scaffold.requirements_file(_installed_version())))
    ignore = root / ".gitignore"
    current = _read(ignore) if ignore.is_file() else ""
    if extra := scaffold.gitignore_additions(current, _gitignore_entries()):
        files.append((ignore, current + extra))
    # Last: a project file means the project exists, so an init that stopped half-way is
    # finished by the next one (which creates what is missing).
    files.append((root / PROJECT_FILE, scaffold.project_file(project.name, project.default_app)))
    return files


def _schema_file(project) -> list[tuple[Path, str]]:
    """manifests/manifest.schema.json when it is missing (each manifest's first line points
    editors at it); an existing one is the project's own, left as it is."""
    import json

    from scheduled_jobs.components.contract import SCHEMA_FILE
    from scheduled_jobs.components.manifest.schema import manifest_schema

    path = project.manifests_dir / SCHEMA_FILE
    if path.exists():
        return []
    return [(path, json.dumps(manifest_schema(), indent=2) + "\n")]


def _check_requirements(project) -> None:
    """An existing requirements.txt is the app's own; say when Pulumi's virtualenv (made from
    it) would lack this package."""
    from scheduled_jobs.components.tools.scaffold import requirements_file

    text = _read(project.root / _REQUIREMENTS)
    if not re.search(rf"^\s*{re.escape(_DISTRIBUTION)}\b", text, re.MULTILINE | re.IGNORECASE):
        line = requirements_file(_installed_version()).splitlines()[-1]
        warn(
            f"{_REQUIREMENTS} exists and does not list {_DISTRIBUTION}: `pulumi up` installs "
            f"that file into .venv, so add the line {line!r} to it"
        )


def _installed_version() -> str | None:
    """This distribution's version: its metadata when installed, else a clone's pyproject.toml
    (run from the repository without installing it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(_DISTRIBUTION)
    except PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    found = re.search(r'^version\s*=\s*"([^"]+)"', _read(pyproject), re.MULTILINE)
    return found[1] if found else None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


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
