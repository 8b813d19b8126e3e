"""`${VAR}` substitution in manifest text, as Copilot does before parsing, and the shell
forms Copilot does not expand (`${VAR:-default}` ...), which are refused."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from scheduled_jobs.components.errors import ManifestError, Problem

_VAR = re.compile(r"(\\?)\$\{([_a-zA-Z][_a-zA-Z0-9]*)\}")

APP_VAR = "COPILOT_APPLICATION_NAME"
ENV_VAR = "COPILOT_ENVIRONMENT_NAME"


def interpolate(
    text: str,
    environ: Mapping[str, str],
    *,
    app: str | None = None,
    env: str | None = None,
    file: str | None = None,
) -> str:
    """Replace `${NAME}` with its value; `\\${NAME}` stays as the literal `${NAME}`.

    The application and environment names are supplied as COPILOT_APPLICATION_NAME and
    COPILOT_ENVIRONMENT_NAME (they win over the process environment, as in Copilot). An unset
    variable is an error naming every one missing, with its line.
    """
    result, problems = interpolate_collect(text, environ, app=app, env=env, file=file)
    if problems:
        raise ManifestError(problems)
    return result


def interpolate_collect(
    text: str,
    environ: Mapping[str, str],
    *,
    app: str | None = None,
    env: str | None = None,
    file: str | None = None,
) -> tuple[str, list[Problem]]:
    """As `interpolate`, returning the problems instead of raising them; an unset variable's
    reference is left as it is, so the rest of the manifest can still be checked."""
    values = dict(environ)
    if app is not None:
        values[APP_VAR] = app
    if env is not None:
        values[ENV_VAR] = env
    problems: list[Problem] = []

    def substitute(match: re.Match[str]) -> str:
        escaped, name = match.group(1), match.group(2)
        if escaped:
            return "${" + name + "}"
        if name in values:
            return values[name]
        if name in (APP_VAR, ENV_VAR):
            # Checked without an application or environment (`jobs validate` with no --env):
            # keep the reference, it is filled in when the job is loaded for a deploy.
            return match.group(0)
        line = text.count("\n", 0, match.start()) + 1
        problems.append(
            Problem(
                f"${{{name}}}: environment variable {name} is not set; set it, or write "
                f"\\${{{name}}} for a literal ${{{name}}}",
                file=file,
                line=line,
            )
        )
        return match.group(0)

    return _VAR.sub(substitute, text), problems


# `${` not followed by a plain `NAME}`: `${VAR:-x}`, `${VAR-x}`, `${VAR:=x}`, `${VAR:?x}`,
# `${#VAR}`, `${ VAR}`... Copilot's pattern matches only `${NAME}` and leaves these as text.
_SHELL_FORM = re.compile(r"\$\{(?![_a-zA-Z][_a-zA-Z0-9]*\})[^}\n]{0,60}\}?")
_NAME_IN_FORM = re.compile(r"\$\{[#!]?\s*([_a-zA-Z][_a-zA-Z0-9]*)")

# Fields whose text is a command the container runs: there `${VAR:-x}` is ordinary shell
# syntax that the container's own shell expands at run time, so it is passed on as Copilot
# passes it. "*" is any one key (a sidecar's name, an environment's name).
COMMAND_FIELDS: tuple[tuple[str, ...], ...] = (
    ("entrypoint",),
    ("command",),
    ("image", "healthcheck", "command"),
    ("sidecars", "*", "entrypoint"),
    ("sidecars", "*", "command"),
    ("sidecars", "*", "healthcheck", "command"),
)


def _is_command(path: tuple) -> bool:
    if path[:1] == ("environments",):
        path = path[2:]
    for pattern in COMMAND_FIELDS:
        if len(path) >= len(pattern) and all(
            want == "*" or want == part for want, part in zip(pattern, path, strict=False)
        ):
            return True
    return False


def find_shell_forms(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, message) for every string value holding a shell parameter form other than
    `${NAME}`, outside the command fields."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from find_shell_forms(value, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from find_shell_forms(item, (*path, index))
    elif isinstance(data, str) and "${" in data and not _is_command(path):
        match = _SHELL_FORM.search(data)
        if match:
            named = _NAME_IN_FORM.match(match.group(0))
            name = named.group(1) if named else "NAME"
            yield (
                path,
                f"{match.group(0)!r} is not expanded (Copilot substitutes only ${{NAME}}) and "
                f"would be deployed as this text; set {name} where you deploy and write "
                f"${{{name}}}",
            )
