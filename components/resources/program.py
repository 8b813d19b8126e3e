"""The Pulumi program: every manifest of the project, for the stack's environment.

A project's `__main__.py` calls `main()` (`run()`, with the errors Pulumi shows plainly); `jobs
render` runs the same function under mocks and `jobs deploy` through the Automation API, so the
three never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pulumi
import pulumi_aws as aws

from scheduled_jobs.components.convert.environment import environment_needs
from scheduled_jobs.components.convert.settings import (
    DEFAULT_APP,
    EnvironmentSettings,
    config_values_from_pulumi,
    settings_from_config,
)
from scheduled_jobs.components.manifest.project import load_jobs
from scheduled_jobs.components.resources.environment import Environment
from scheduled_jobs.components.resources.scheduled_job import ScheduledJob, ScheduledJobArgs
from scheduled_jobs.components.tools.image_tag import image_tag


def stack_settings() -> EnvironmentSettings:
    """This stack's settings, read through `pulumi.Config` (Pulumi.<stack>.yaml)."""
    # The project's own namespace, whatever Pulumi.yaml names it.
    namespace = pulumi.get_project()
    values = config_values_from_pulumi(pulumi.Config(), pulumi.Config("aws"), namespace=namespace)
    stack = pulumi.get_stack()
    return settings_from_config(
        stack, values, default_app=DEFAULT_APP, namespace=namespace, file=f"Pulumi.{stack}.yaml"
    )


def run(
    root: Path | None = None,
    only: Sequence[str] | None = None,
    manifests: Mapping[str, Path] | None = None,
) -> dict[str, ScheduledJob]:
    """Build the environment once and one ScheduledJob per manifest; export each job's outputs
    under its name. `only` limits the jobs (`jobs render NAME...`); `manifests` replaces the
    project's `manifests/<job>/manifest.yml` files (job name -> path)."""
    root = (root or Path.cwd()).resolve()
    settings = stack_settings()
    jobs = load_jobs(
        root,
        env=settings.env,
        app=settings.app,
        excluded=settings.excluded_jobs,
        only=only,
        manifests=manifests,
    )
    environment = Environment(settings.env, settings, **environment_needs(jobs))
    # One lookup for every job, instead of one per job; blocking, so that the account is a
    # plain value and the documents built from it need no Outputs.
    account = aws.get_caller_identity().account_id
    tag = None
    if any(job.image.build or any(s.image.build for s in job.sidecars.values()) for job in jobs):
        tag = image_tag(root)
    built: dict[str, ScheduledJob] = {}
    for job in jobs:
        args = ScheduledJobArgs.in_environment(
            job, environment, root=root, image_tag=tag, account=account
        )
        component = ScheduledJob(job.name, args)
        pulumi.export(job.name, {**component.outputs(), "cluster_arn": environment.cluster_arn})
        built[job.name] = component
    return built


def main() -> None:
    """The program as a project's `__main__.py` runs it (`pulumi up`, `jobs deploy`): a user's
    mistake in a manifest or in the stack settings is a RunError, which Pulumi prints as the
    message alone, without a Python traceback."""
    from scheduled_jobs.components.errors import ManifestError, SettingsError

    try:
        run()
    except SettingsError as exc:
        raise pulumi.RunError(f"invalid stack settings:\n{exc}") from None
    except ManifestError as exc:
        raise pulumi.RunError(f"invalid manifest:\n{exc}") from None
