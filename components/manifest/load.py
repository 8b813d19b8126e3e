"""Load a manifest: read -> interpolate -> parse -> merge the environment -> validate.

Every problem becomes a `Problem` with the file, the line and the field path, and all of them
are raised together in one `ManifestError`.
"""

from __future__ import annotations

import difflib
import os
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from components.contract import MANIFEST_FILE, MANIFESTS_DIR
from components.errors import ManifestError, Problem
from components.manifest.interpolate import interpolate
from components.manifest.merge import apply_override
from components.manifest.model import JOB_TYPE, TAGS, Job
from components.manifest.rules import check_job
from components.manifest.source import DuplicateKeyError, Source, parse
from components.manifest.unsupported import find_unsupported

COPILOT_TYPES = (
    "Load Balanced Web Service",
    "Backend Service",
    "Worker Service",
    "Request-Driven Web Service",
    "Static Site",
)
NOT_OVERRIDABLE = ("name", "type", "environments")


def load_manifest(
    path: str | os.PathLike[str],
    env: str | None = None,
    *,
    app: str | None = None,
    environ: Mapping[str, str] | None = None,
    root: str | os.PathLike[str] | None = None,
) -> Job:
    """The job in `path`, merged with `environments.<env>` when `env` is given.

    `app` and `env` are supplied to `${COPILOT_APPLICATION_NAME}` / `${COPILOT_ENVIRONMENT_NAME}`;
    other `${VAR}`s come from `environ` (default: the process environment). With `root` (the
    project folder), files the manifest names (Dockerfiles, env files) must exist under it.
    Without `env`, every environment block is checked as well.
    """
    file = _display(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError([Problem("no such file", file=file)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError([Problem(f"cannot be read: {exc}", file=file)]) from None
    job = load_manifest_text(
        text,
        env,
        app=app,
        environ=os.environ if environ is None else environ,
        file=file,
        root=Path(root) if root is not None else None,
    )
    folder = Path(path).parent
    # Jobs are found by folder (manifests/<job>/manifest.yml); a different name would deploy
    # under one name and be operated under the other.
    in_job_folder = Path(path).name == MANIFEST_FILE and folder.parent.name == MANIFESTS_DIR
    if in_job_folder and job.name != folder.name:
        message = f"{job.name!r} does not match its folder manifests/{folder.name}/; rename one"
        problem = Problem(message, path="name", file=file, line=_name_line(text))
        raise ManifestError([problem])
    return job


def _name_line(text: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("name:"):
            return number
    return None


def load_manifest_text(
    text: str,
    env: str | None = None,
    *,
    app: str | None = None,
    environ: Mapping[str, str] | None = None,
    file: str | None = None,
    root: Path | None = None,
) -> Job:
    """As load_manifest, from text already read (`file` names it in messages)."""
    text = interpolate(text, environ or {}, app=app, env=env, file=file)
    source = _parse(text, file)
    data = source.data
    if not isinstance(data, dict):
        raise ManifestError(
            [
                Problem(
                    "must be a YAML map of fields (name, type, image, on, ...)",
                    file=file,
                    line=source.line_of(()),
                )
            ]
        )
    _check_type(data, source, file)
    base = {k: v for k, v in data.items() if k != "environments"}
    environments = data.get("environments") or {}
    problems: list[Problem] = []
    if not isinstance(environments, dict):
        problems.append(
            Problem(
                "must be a map of environment name to overrides",
                path="environments",
                file=file,
                line=source.line_of(("environments",)),
            )
        )
        environments = {}
    for name, block in environments.items():
        where = ("environments", name)
        if block is not None and not isinstance(block, dict):
            problems.append(
                Problem(
                    "must be a map of fields to override",
                    path=_dotted(where),
                    file=file,
                    line=source.line_of(where),
                )
            )
        for key in NOT_OVERRIDABLE:
            if isinstance(block, dict) and key in block:
                problems.append(
                    Problem(
                        "cannot be overridden per environment",
                        path=_dotted((*where, key)),
                        file=file,
                        line=source.line_of((*where, key)),
                    )
                )
    if problems:
        raise ManifestError(problems)

    if env is not None:
        override = environments.get(env)
        job, problems = _validate(apply_override(base, override), source, file, env, root)
    else:
        job, problems = _validate(base, source, file, None, root)
        seen = {(p.line, p.message) for p in problems}
        for name, override in environments.items():
            if not override:
                continue
            _, env_problems = _validate(apply_override(base, override), source, file, name, root)
            for problem in env_problems:
                if (problem.line, problem.message) not in seen:
                    seen.add((problem.line, problem.message))
                    problems.append(problem)
    if problems:
        raise ManifestError(sorted(problems, key=lambda p: (p.line or 0, p.path)))
    assert job is not None
    return job


def _display(path: str | os.PathLike[str]) -> str:
    """A path as short as possible for messages: relative to cwd when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def _parse(text: str, file: str | None) -> Source:
    try:
        return parse(text)
    except DuplicateKeyError as exc:
        raise ManifestError([Problem(str(exc), file=file, line=exc.line)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        raise ManifestError(
            [Problem(f"not valid YAML: {reason}", file=file, line=mark.line + 1 if mark else None)]
        ) from None


def _check_type(data: dict, source: Source, file: str | None) -> None:
    kind = data.get("type")
    if kind is None or kind == JOB_TYPE:
        return
    if kind in COPILOT_TYPES:
        message = f'"{kind}" manifests are not supported: this tool deploys "{JOB_TYPE}" only'
    else:
        message = f'{kind!r} is not a manifest type; a scheduled job has type: "{JOB_TYPE}"'
    raise ManifestError([Problem(message, path="type", file=file, line=source.line_of(("type",)))])


def _validate(
    data: dict, source: Source, file: str | None, env: str | None, root: Path | None
) -> tuple[Job | None, list[Problem]]:
    def problem(path: tuple, message: str) -> Problem:
        full, line = _locate(path, source, env)
        return Problem(message, path=_dotted(full), file=file, line=line)

    problems = [problem(path, message) for path, message in find_unsupported(data)]
    try:
        job = Job.model_validate(data)
    except ValidationError as exc:
        return None, problems + [problem(p, m) for p, m in _pydantic_problems(exc, data)]
    problems += [problem(path, message) for path, message in check_job(job, root)]
    return job, problems


def _locate(path: tuple, source: Source, env: str | None) -> tuple[tuple, int | None]:
    """The path and line to show: inside `environments.<env>` when the value came from there."""
    if env is not None:
        prefix = ("environments", env)
        for cut in range(len(path), 0, -1):
            if (*prefix, *path[:cut]) in source.lines:
                return (*prefix, *path), source.lines[(*prefix, *path[:cut])]
            if path[:cut] in source.lines:
                break
    return path, source.line_of(path)


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_FRIENDLY = {
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "dict_type": "must be a map",
    "model_type": "must be a map",
    "model_attributes_type": "must be a map",
    "list_type": "must be a list",
    "missing": "is required",
    "invalid_key": "field names must be text",
    "too_short": "must not be empty",
}
_SHOW_INPUT = frozenset(_FRIENDLY) - {"missing", "invalid_key", "too_short"}


def _pydantic_problems(exc: ValidationError, data: Any) -> list[tuple[tuple, str]]:
    found: list[tuple[tuple, str]] = []
    for error in exc.errors():
        loc = tuple(part for part in error["loc"] if part not in TAGS)
        kind = error["type"]
        if kind == "extra_forbidden":
            message = _unknown_field(loc)
        elif kind in _FRIENDLY:
            message = _FRIENDLY[kind]
            if kind in _SHOW_INPUT:
                message += f", not {error.get('input')!r}"
        elif kind == "value_error":
            message = error["msg"].removeprefix("Value error, ")
        else:
            message = error["msg"].replace("Input should be", "must be")
            if kind == "literal_error":
                message = f"{error.get('input')!r} is not allowed; {message}"
        if kind == "missing" and loc == ("on", "schedule") or loc == ("on",) and kind == "missing":
            message = (
                'is required: when to run the job (a cron expression, rate(), @preset or "none")'
            )
        found.append((loc, message))
    # One message per field: union branches can report the same place twice.
    unique: dict[tuple, str] = {}
    for loc, message in found:
        unique.setdefault(loc, message)
    return list(unique.items())


def _unknown_field(loc: tuple) -> str:
    key = str(loc[-1])
    allowed = _allowed_keys(loc[:-1])
    message = f"unknown field {key!r}"
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    if allowed:
        return f"{message}; allowed here: {', '.join(sorted(allowed))}"
    return message


def _allowed_keys(path: tuple) -> list[str]:
    """The field names of the model found at `path`, walking the annotations from Job."""
    current: Any = Job
    for part in path:
        current = _step(current, part)
        if current is None:
            return []
    model = _model_in(current)
    return list(model.model_fields) if model else []


def _unwrap(annotation: Any) -> list[Any]:
    """The alternatives of an annotation, with Annotated/Optional/Union peeled off."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            out += _unwrap(arg)
        return out
    return [annotation]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    for alt in _unwrap(annotation):
        if isinstance(alt, type) and issubclass(alt, BaseModel):
            return alt
    return None


def _step(annotation: Any, part: Any) -> Any:
    for alt in _unwrap(annotation):
        if isinstance(alt, type) and issubclass(alt, BaseModel):
            field = alt.model_fields.get(str(part))
            if field is not None:
                return field.annotation
        elif typing.get_origin(alt) in (dict, list):
            return typing.get_args(alt)[-1]
    return None
