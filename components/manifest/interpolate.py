"""`${VAR}` substitution in manifest text, as Copilot does before parsing."""

from __future__ import annotations

import re
from collections.abc import Mapping

from components.errors import ManifestError, Problem

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

    result = _VAR.sub(substitute, text)
    if problems:
        raise ManifestError(problems)
    return result
