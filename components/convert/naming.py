"""Names and tags shared by the deploy side (component) and the operate side (CLI).

Both sides must agree without importing each other's heavy dependencies, so the rules live
here as pure functions. They follow Copilot's conventions so that jobs Copilot deployed can be
found and operated with the same code.
"""

from __future__ import annotations

import hashlib

from components.contract import (  # noqa: F401 - re-exported names
    LOG_STREAM_PREFIX,
    OVERRIDES_KEY,
    TAG_APP,
    TAG_ENV,
    TAG_JOB,
)

# Length limits of the AWS names built from `{app}-{env}-{job}`.
MAX_STATE_MACHINE_NAME = 80
MAX_RULE_NAME = 64
MAX_FAMILY = 255


def base_name(app: str, env: str, job: str) -> str:
    """`{app}-{env}-{job}`, the stem Copilot uses for every per-job resource."""
    return f"{app}-{env}-{job}"


def fit(name: str, limit: int) -> str:
    """Shorten `name` to `limit` characters, keeping it unique with a short hash suffix.

    >>> fit("a-b-c", 64)
    'a-b-c'
    """
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: limit - 9]}-{digest}"


def state_machine_name(app: str, env: str, job: str) -> str:
    return fit(base_name(app, env, job), MAX_STATE_MACHINE_NAME)


def task_family(app: str, env: str, job: str) -> str:
    return fit(base_name(app, env, job), MAX_FAMILY)


def rule_name(app: str, env: str, job: str) -> str:
    return fit(base_name(app, env, job), MAX_RULE_NAME)


def log_group_name(app: str, env: str, job: str) -> str:
    return f"/copilot/{base_name(app, env, job)}"


def repository_name(app: str, env: str, job: str) -> str:
    """ECR repository `{app}/{env}/{job}`.

    Copilot shares `{app}/{job}` between environments through an app-level stack; here each
    environment is its own stack, and two of them in one account and region would both try to
    create a shared repository, so each environment has its own.
    """
    return f"{app}/{env}/{job}"


def job_tags(app: str, env: str, job: str) -> dict[str, str]:
    return {TAG_APP: app, TAG_ENV: env, TAG_JOB: job}
