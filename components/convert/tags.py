"""Tags every taggable resource carries: Copilot's three keys plus the stack's extra tags."""

from __future__ import annotations

from collections.abc import Mapping

from scheduled_jobs.components.contract import TAG_APP, TAG_ENV
from scheduled_jobs.components.convert.naming import job_tags


def environment_tags(app: str, env: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Tags of environment-wide resources (cluster, security group, artifacts bucket).

    Extra tags come first so that Copilot's keys always win: the operating commands find
    resources by them, and a stack setting must not be able to hide a job from them.
    """
    return {**{str(k): str(v) for k, v in (extra or {}).items()}, TAG_APP: app, TAG_ENV: env}


def resource_tags(
    app: str, env: str, job: str, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Tags of one job's resources: the environment's tags plus `copilot-service`."""
    return {**environment_tags(app, env, extra), **job_tags(app, env, job)}
