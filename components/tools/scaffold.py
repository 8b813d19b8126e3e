"""The text of a new manifest, written by `jobs init`: commented, and loadable as is."""

from __future__ import annotations

import json


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
