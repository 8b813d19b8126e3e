"""Names and tags shared by the deploy side (component) and the operate side (CLI).

Both sides must agree without importing each other's heavy dependencies, so the rules live
here as pure functions. They follow Copilot's conventions so that jobs Copilot deployed can be
found and operated with the same code.
"""

from __future__ import annotations

import hashlib
import re

from scheduled_jobs.components.contract import TAG_APP, TAG_ENV, TAG_JOB

# Length limits of the AWS names built from `{app}-{env}-{job}` (each service's documented
# maximum: Step Functions CreateStateMachine, EventBridge PutRule, ECS RegisterTaskDefinition,
# ECR CreateRepository, ECS CreateCluster, CloudWatch Logs CreateLogGroup, IAM CreateRole).
MAX_STATE_MACHINE_NAME = 80
MAX_RULE_NAME = 64
MAX_FAMILY = 255
MAX_REPOSITORY_NAME = 256
MAX_CLUSTER_NAME = 255
MAX_LOG_GROUP_NAME = 512
MAX_ROLE_NAME = 64
# Pulumi names a resource without an explicit name `<logical name>-<7 random characters>`.
AUTONAME_SUFFIX = 8

# Copilot's rule for application, environment and job names (basicNameValidation in
# copilot-cli's internal/pkg/cli/validate.go): a lowercase letter, then lowercase letters,
# digits and single hyphens, not ending in a hyphen.
NAME_PATTERN = re.compile(r"^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))+$")
# Applications and environments are shorter than Copilot's 255: the environment's bucket is
# auto-named `<env>-artifacts-<7 characters>` within S3's 63, and both end up in every name.
MAX_APP_OR_ENV_NAME = 40


def name_problem(kind: str, value: object) -> str | None:
    """Why `value` cannot be an application or environment name (`kind`), or None."""
    if not isinstance(value, str) or not value:
        return f"the {kind} name must be a non-empty string"
    if len(value) > MAX_APP_OR_ENV_NAME or not NAME_PATTERN.match(value):
        return (
            f"{kind} name {value!r} is invalid: use 2 to {MAX_APP_OR_ENV_NAME} lowercase letters, "
            "digits and single hyphens, starting with a letter and not ending with a hyphen"
        )
    return None


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
    # Never leave a separator before the suffix (`a/-1234abcd` is not a valid repository).
    return f"{name[: limit - 9].rstrip('-/_.')}-{digest}"


def state_machine_name(app: str, env: str, job: str) -> str:
    return fit(base_name(app, env, job), MAX_STATE_MACHINE_NAME)


def task_family(app: str, env: str, job: str) -> str:
    return fit(base_name(app, env, job), MAX_FAMILY)


def rule_name(app: str, env: str, job: str) -> str:
    return fit(base_name(app, env, job), MAX_RULE_NAME)


def log_group_name(app: str, env: str, job: str) -> str:
    return fit(f"/copilot/{base_name(app, env, job)}", MAX_LOG_GROUP_NAME)


def cluster_name(app: str, env: str) -> str:
    return fit(f"{app}-{env}", MAX_CLUSTER_NAME)


def role_name(app: str, env: str, job: str, logical: str, role: str) -> str | None:
    """An explicit IAM role name when Pulumi's auto-name (`<logical>-<7 characters>`) would pass
    IAM's 64 characters; None otherwise (auto-named, as before)."""
    if len(logical) + AUTONAME_SUFFIX <= MAX_ROLE_NAME:
        return None
    return fit(f"{base_name(app, env, job)}-{role}", MAX_ROLE_NAME)


def repository_name(app: str, env: str, job: str) -> str:
    """ECR repository `{app}/{env}/{job}`.

    Copilot shares `{app}/{job}` between environments through an app-level stack; here each
    environment is its own stack, and two of them in one account and region would both try to
    create a shared repository, so each environment has its own.
    """
    return fit(f"{app}/{env}/{job}", MAX_REPOSITORY_NAME)


def job_tags(app: str, env: str, job: str) -> dict[str, str]:
    return {TAG_APP: app, TAG_ENV: env, TAG_JOB: job}
