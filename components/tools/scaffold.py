"""The files `jobs init` writes: a commented manifest (loadable as is) and, in a folder that is
not a project yet, the project around it (Pulumi.yaml, __main__.py, requirements.txt, .gitignore
entries). Pure text; the command decides what is missing and writes it."""

from __future__ import annotations

import json
import re

from scheduled_jobs.components.contract import PACKAGE_NAME, SCHEMA_FILE

# The console script has the distribution's name; the files speak of it (never bare `jobs`,
# a shell builtin in bash and zsh).
COMMAND = PACKAGE_NAME


def _q(value: str) -> str:
    """A YAML-safe scalar (a JSON string is valid YAML)."""
    return json.dumps(value)


def render_manifest(
    name: str,
    schedule: str,
    *,
    dockerfile: str | None = None,
    image: str | None = None,
    retries: int | None = None,
    timeout: str | None = None,
) -> str:
    if (dockerfile is None) == (image is None):
        raise ValueError("give exactly one of dockerfile or image")
    if dockerfile is not None:
        image_block = (
            "# Built from this Dockerfile (paths are relative to the project root) and pushed to\n"
            "# the job's ECR repository on deploy.\n"
            f"image:\n  build:\n    dockerfile: {_q(dockerfile)}\n"
        )
    else:
        image_block = f"# An existing image, run as is.\nimage:\n  location: {_q(image or '')}\n"
    retries_line = f"retries: {retries}\n" if retries is not None else "# retries: 2\n"
    timeout_line = f"timeout: {_q(timeout)}\n" if timeout is not None else "# timeout: 1h\n"
    return f"""\
# yaml-language-server: $schema=../{SCHEMA_FILE}
# The manifest for the "{name}" job, in AWS Copilot's "Scheduled Job" format.
# Check it with `scheduled-jobs validate {name}`; see what it deploys with
# `scheduled-jobs render --env dev {name}`.
name: {name}
type: Scheduled Job

# When to run, in UTC: a 5-field cron ("0 9 * * 1-5"), @hourly/@daily/@weekly/@monthly/@yearly,
# "@every 6h", AWS's rate(...)/cron(...), or "none" to run only on demand (`scheduled-jobs run`).
on:
  schedule: {_q(schedule)}

# How many times to retry a failed run (0-10), and how long a whole execution may take,
# retries included (e.g. 90s, 15m, 1h30m).
{retries_line}{timeout_line}
{image_block}
# Fargate task size: cpu units and MiB of memory (a valid Fargate pair).
cpu: 256
memory: 512

# Environment variables and secrets for the container:
# variables:
#   LOG_LEVEL: info
# secrets:
#   DB_PASSWORD: /myapp/dev/db-password    # an SSM parameter name or ARN
# command: ["python", "main.py", "--verbose"]

# Per-environment overrides: maps merge, other values replace.
# environments:
#   prod:
#     cpu: 512
#     memory: 1024
"""


def project_name_from(folder: str) -> str | None:
    """A project name made from a folder's name (`My_App` -> `my-app`): lowercase letters,
    digits and single hyphens, starting with a letter; None when nothing is left."""
    name = re.sub(r"[^a-z0-9]+", "-", folder.lower())
    name = re.sub(r"^[^a-z]+", "", name)[:40].rstrip("-")
    return name if len(name) >= 2 else None


def project_file(name: str, app: str) -> str:
    """Pulumi.yaml of a new project: the Python runtime in a virtualenv of its own, and the
    application name every resource name starts with."""
    return f"""\
# The Pulumi project of this folder's scheduled jobs (written by `{COMMAND} init`): the
# program is __main__.py, the jobs are manifests/<job>/manifest.yml, one stack per
# environment (`{COMMAND} env init dev`).
name: {name}
description: Scheduled jobs of {name} (ECS Fargate, Step Functions, EventBridge).
runtime:
  name: python
  options:
    # `pulumi up` (and `{COMMAND} deploy`) create .venv and install requirements.txt.
    toolchain: pip
    virtualenv: .venv
config:
  app:
    type: string
    default: {app}
    description: Application name; the first part of every resource name ({{app}}-{{env}}-{{job}}).
"""


PROGRAM_FILE = f'''\
"""The Pulumi program of this project (`pulumi up`, `{COMMAND} deploy`): every job under
manifests/, run by scheduled_jobs.components.resources.program (`{COMMAND} init` writes this
same file into a new project)."""

from scheduled_jobs.components.resources.program import main

main()
'''


def compatible_range(version: str) -> str:
    """The releases that keep `version`'s interface: the same minor before 1.0 (a minor may
    break there), the same major after.

    >>> compatible_range("0.1.0"), compatible_range("1.4.2")
    ('>=0.1.0,<0.2', '>=1.4.2,<2')
    """
    match = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", version)
    if not match:
        raise ValueError(f"not a release version: {version!r}")
    major, minor, patch = int(match[1]), int(match[2]), int(match[3] or 0)
    upper = f"0.{minor + 1}" if major == 0 else f"{major + 1}"
    return f">={major}.{minor}.{patch},<{upper}"


def requirements_file(version: str | None) -> str:
    """requirements.txt of a new project: this distribution, in the range compatible with the
    version that wrote it (its dependencies follow from its own metadata)."""
    pin = compatible_range(version) if version else ""
    return (
        "# The Pulumi program's dependencies: `pulumi up` installs them into .venv (Pulumi.yaml).\n"
        f"{PACKAGE_NAME}{pin}\n"
    )


def gitignore_additions(existing: str, entries: list[str]) -> str:
    """The lines to append to a .gitignore holding `existing` so that it has every entry
    (an entry already there, with or without its leading or trailing slash, is kept as is);
    "" when nothing is missing."""
    have = {line.strip().strip("/") for line in existing.splitlines()}
    missing = [entry for entry in entries if entry.strip("/") not in have]
    if not missing:
        return ""
    lead = "\n" if existing and not existing.endswith("\n") else ""
    lead += "\n" if existing.strip() else ""
    return lead + f"# {COMMAND}\n" + "".join(f"{entry}\n" for entry in missing)
