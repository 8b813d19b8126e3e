"""Load a manifest: read -> interpolate -> parse -> merge the environment -> validate.

Every problem becomes a `Problem` with the file, the line and the field path, and all of them
are raised together in one `ManifestError`.
"""

from __future__ import annotations

import copy
import difflib
import os
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from scheduled_jobs.components.contract import MANIFEST_FILE, MANIFESTS_DIR
from scheduled_jobs.components.errors import ManifestError, Problem
from scheduled_jobs.components.manifest.discover import manifest_problem
from scheduled_jobs.components.manifest.interpolate import find_shell_forms, interpolate_collect
from scheduled_jobs.components.manifest.merge import apply_override
from scheduled_jobs.components.manifest.model import JOB_TYPE, TAGS, Job
from scheduled_jobs.components.manifest.rules import check_job
from scheduled_jobs.components.manifest.source import MAX_MANIFEST_BYTES, Source, SourceError, parse
from scheduled_jobs.components.manifest.unsupported import find_unsupported

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
    text = read_manifest(path, file)
    folder = Path(path).parent
    # Jobs are found by folder (manifests/<job>/manifest.yml); a different name would deploy
    # under one name and be operated under the other.
    in_job_folder = Path(path).name == MANIFEST_FILE and folder.parent.name == MANIFESTS_DIR
    return load_manifest_text(
        text,
        env,
        app=app,
        environ=os.environ if environ is None else environ,
        file=file,
        root=Path(root) if root is not None else None,
        folder=folder.name if in_job_folder else None,
    )


def read_manifest(path: str | os.PathLike[str], file: str | None = None) -> str:
    """The text of a manifest file, refusing what is not a regular file or is too large
    (a FIFO or /dev/zero would otherwise block or fill memory)."""
    file = file or str(path)
    if not os.path.lexists(path):
        raise ManifestError([Problem("no such file", file=file)])
    why = manifest_problem(Path(path))  # a dangling or looping link, a folder, a FIFO...
    if why:
        raise ManifestError([Problem(why, file=file)])
    try:
        size = os.stat(path).st_size
        if size > MAX_MANIFEST_BYTES:
            raise ManifestError([_too_large(size, file)])
        with open(path, "rb") as handle:
            raw = handle.read(MAX_MANIFEST_BYTES + 1)
    except OSError as exc:
        raise ManifestError([Problem(f"cannot be read: {exc.strerror}", file=file)]) from None
    if len(raw) > MAX_MANIFEST_BYTES:
        raise ManifestError([_too_large(len(raw), file)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ManifestError([Problem("is not UTF-8 text", file=file, line=line)]) from None


def _too_large(size: int, file: str | None) -> Problem:
    return Problem(
        f"is {size:,} bytes; a manifest may be at most {MAX_MANIFEST_BYTES:,} bytes", file=file
    )


def load_manifest_text(
    text: str,
    env: str | None = None,
    *,
    app: str | None = None,
    environ: Mapping[str, str] | None = None,
    file: str | None = None,
    root: Path | None = None,
    folder: str | None = None,
) -> Job:
    """As load_manifest, from text already read (`file` names it in messages; `folder`, when
    given, is the job folder the name must match).

    Every check runs in one pass: a field that does not parse hides neither the other
    fields' problems nor the cross-field rules that do not depend on it.
    """
    if len(text) > MAX_MANIFEST_BYTES:  # cheap bound before any work; parse checks bytes
        raise ManifestError([_too_large(len(text.encode("utf-8", "replace")), file)])
    text, unset = interpolate_collect(text, environ or {}, app=app, env=env, file=file)
    parsed = _parse(text, file)
    if isinstance(parsed, Problem):
        raise ManifestError(_sorted([*unset, parsed]))
    source = parsed
    found = [replace(p, path=_path_at_line(source, p.line)) for p in unset]
    data = source.data
    if not isinstance(data, dict):
        message = "must be a YAML map of fields (name, type, image, on, ...)"
        found.append(Problem(message, file=file, line=source.line_of(())))
        raise ManifestError(_sorted(found))
    type_problem = _check_type(data, source, file)
    if type_problem is not None:  # another Copilot type: its fields would only add noise
        raise ManifestError(_sorted([*found, type_problem]))
    literal = [
        Problem(message, path=_dotted(path), file=file, line=source.line_of(path))
        for path, message in find_shell_forms(data)
    ]
    # A line whose ${VAR} is unset or left literal has one problem: that one.
    quiet = {p.line for p in found} | {p.line for p in literal}
    found += literal
    base = {k: v for k, v in data.items() if k != "environments"}
    environments, problems = _environments(data.get("environments"), source, file)
    found += problems
    if folder is not None and isinstance(data.get("name"), str) and data["name"] != folder:
        message = (
            f"{_short(data['name'])} does not match its folder manifests/{folder}/; rename one"
        )
        found.append(Problem(message, path="name", file=file, line=source.line_of(("name",))))

    if env is not None:
        override = environments.get(env)
        job, problems = _validate(apply_override(base, override), source, file, env, root)
    else:
        job, problems = _validate(base, source, file, None, root)
        for name, override in environments.items():
            if override:
                problems += _validate(apply_override(base, override), source, file, name, root)[1]
    seen = {(p.line, p.message) for p in found}
    for problem in problems:
        if problem.line not in quiet and (problem.line, problem.message) not in seen:
            seen.add((problem.line, problem.message))
            found.append(problem)
    if found:
        raise ManifestError(_sorted(found))
    assert job is not None
    return job


def _sorted(problems: list[Problem]) -> list[Problem]:
    """By line, each with its hint (every raise of the loader passes through here)."""
    return sorted((_with_hint(p) for p in problems), key=lambda p: (p.line or 0, p.path))


# The suggestion that ends a message ("...; did you mean 'timezone'?", "...; allowed here: a,
# b"), which `validate --json` also gives as the problem's `hint` for editors and CI.
_SUGGESTION = re.compile(r"; ((?:did you mean|allowed here:) .+)$", re.DOTALL)


def _with_hint(problem: Problem) -> Problem:
    if problem.hint is not None:
        return problem
    match = _SUGGESTION.search(problem.message)
    if not match:
        return problem
    text = match.group(1)
    return replace(problem, hint=text[0].upper() + text[1:])


def _path_at_line(source: Source, line: int | None) -> str:
    """The deepest field path that starts on `line`, for problems found in the text."""
    best: tuple = ()
    for path, start in source.lines.items():
        if start == line and len(path) >= len(best):
            best = path
    return _dotted(best)


def _environments(
    raw: Any, source: Source, file: str | None
) -> tuple[dict[Any, dict | None], list[Problem]]:
    """The usable environment blocks, and the problems of the others (which are left out so
    that the rest of the manifest is still checked)."""
    problems: list[Problem] = []

    def problem(where: tuple, message: str) -> None:
        problems.append(Problem(message, _dotted(where), file, source.line_of(where)))

    if raw is None:
        return {}, problems
    if not isinstance(raw, dict):
        problem(("environments",), "must be a map of environment name to overrides")
        return {}, problems
    usable: dict[Any, dict | None] = {}
    for name, block in raw.items():
        where = ("environments", name)
        if block is not None and not isinstance(block, dict):
            problem(where, "must be a map of fields to override")
            continue
        if block:
            for key in NOT_OVERRIDABLE:
                if key in block:
                    problem((*where, key), "cannot be overridden per environment")
            block = {k: v for k, v in block.items() if k not in NOT_OVERRIDABLE}
        usable[name] = block
    return usable, problems


def _display(path: str | os.PathLike[str]) -> str:
    """A path as short as possible for messages: relative to cwd when inside it."""
    p = Path(path)
    try:
        # abspath, not resolve: a looping symlink must reach read_manifest to be reported.
        return str(Path(os.path.abspath(p)).relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(p)


def _parse(text: str, file: str | None) -> Source | Problem:
    try:
        return parse(text)
    except SourceError as exc:
        return Problem(exc.message, file=file, line=exc.line)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        return Problem(f"not valid YAML: {reason}", file=file, line=mark.line + 1 if mark else None)


def _check_type(data: dict, source: Source, file: str | None) -> Problem | None:
    kind = data.get("type")
    if kind is None or kind == JOB_TYPE:
        return None
    if kind in COPILOT_TYPES:
        message = f'"{kind}" manifests are not supported: this tool deploys "{JOB_TYPE}" only'
    else:
        message = f'{_short(kind)} is not a manifest type; a scheduled job has type: "{JOB_TYPE}"'
    return Problem(message, path="type", file=file, line=source.line_of(("type",)))


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
        problems += [problem(p, m) for p, m in _pydantic_problems(exc, data)]
        # The cross-field rules still run on what did parse; a rule that reads a field left
        # out is skipped, so it cannot report a default as if the user had written it.
        partial, left_out = _partial_job(data, exc)
        if partial is not None:
            found = check_job(partial, root, unreliable=left_out)
            problems += [problem(p, m) for p, m in found]
        return None, problems
    problems += [problem(path, message) for path, message in check_job(job, root)]
    return job, problems


KEY_MARK = "[key]"  # pydantic's marker, after a map key, for a problem with the key itself

# Required fields, and what stands in for them while the other fields are checked.
_STAND_INS: dict[tuple, Any] = {
    ("name",): "job",
    ("image",): {"location": "stand-in"},
    ("on",): {"schedule": "none"},
    ("on", "schedule"): "none",
}
_PARTIAL_ROUNDS = 8


def _partial_job(data: dict, exc: ValidationError) -> tuple[Job | None, frozenset[tuple]]:
    """A Job built from `data` minus the values that failed (required ones replaced by
    stand-ins), and the paths left out; (None, ...) when no such job can be built."""
    current = copy.deepcopy(data)
    left_out: set[tuple] = set()
    for _ in range(_PARTIAL_ROUNDS):
        for error in exc.errors():
            loc = _clean_loc(error["loc"])
            if error["type"] == "missing":
                if loc in _STAND_INS and _set_at(current, loc, copy.deepcopy(_STAND_INS[loc])):
                    left_out.add(loc)
                    continue
                loc = loc[:-1]  # leave out the map that lacks it
            if any(loc[: len(gone)] == gone for gone in left_out):
                continue  # already left out with its parent
            removed = _remove_at(current, loc)
            if removed is None:
                return None, frozenset(left_out)
            left_out.add(removed)
        try:
            return Job.model_validate(current), frozenset(left_out)
        except ValidationError as again:
            exc = again
    return None, frozenset(left_out)


def _clean_loc(loc: tuple) -> tuple:
    return tuple(part for part in loc if part not in TAGS and part != KEY_MARK)


def _set_at(data: dict, path: tuple, value: Any) -> bool:
    node: Any = data
    for part in path[:-1]:
        if not isinstance(node, dict) or not isinstance(node.get(part), dict):
            return False
        node = node[part]
    node[path[-1]] = value
    return True


def _remove_at(data: dict, loc: tuple) -> tuple | None:
    """Remove the value at the longest existing prefix of `loc` (a whole list rather than one
    item, so other items keep their index); the path removed, or None at the top."""
    node: Any = data
    path: tuple = ()
    parent: Any = None
    for part in loc:
        if not isinstance(node, dict) or part not in node:
            break  # a list stops the walk: the list itself is removed
        parent, node, path = node, node[part], (*path, part)
    if parent is None:
        return None
    del parent[path[-1]]
    return path


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
        loc = _clean_loc(error["loc"])
        kind = error["type"]
        if kind == "extra_forbidden":
            message = _unknown_field(loc)
        elif kind in _FRIENDLY:
            message = _FRIENDLY[kind]
            if kind in _SHOW_INPUT:
                message += f", not {_short(error.get('input'))}"
        elif kind == "value_error":
            message = _capped(error["msg"].removeprefix("Value error, "))
        else:
            message = error["msg"].replace("Input should be", "must be")
            if kind == "literal_error":
                message = f"{_short(error.get('input'))} is not allowed; {message}"
        if kind == "missing" and loc in (("on",), ("on", "schedule")):
            message = (
                'is required: when to run the job (a cron expression, rate(), @preset or "none")'
            )
        found.append((loc, message))
    # One message per field: union branches can report the same place twice.
    unique: dict[tuple, str] = {}
    for loc, message in found:
        unique.setdefault(loc, message)
    return list(unique.items())


_SHORT = 60
_LONGEST_MESSAGE = 400


def _capped(message: str) -> str:
    """A backstop for messages that quote a huge value."""
    if len(message) <= _LONGEST_MESSAGE:
        return message
    return message[: _LONGEST_MESSAGE - 3] + "..."


def _short(value: Any) -> str:
    """A value for a message: its repr, cut when long (a 200 kB string stays readable)."""
    if isinstance(value, dict):
        return "a map"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= _SHORT else text[:_SHORT] + "..."


def _unknown_field(loc: tuple) -> str:
    key = str(loc[-1])
    if len(key) > _SHORT:
        key = key[:_SHORT] + "..."
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
