"""The Pulumi program: every manifest of the project, for the stack's environment.

`__main__.py` calls `run()`; `jobs render` runs the same function under mocks and `jobs deploy`
through the Automation API, so the three never disagree.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pulumi
import pulumi_aws as aws

from components.convert.settings import (
    DEFAULT_APP,
    EnvironmentSettings,
    config_values_from_pulumi,
    settings_from_config,
)
from components.errors import ManifestError
from components.manifest.load import load_manifest
from components.manifest.model import Job
from components.resources.environment import Environment
from components.resources.scheduled_job import IMAGE_TAG_VARIABLE, ScheduledJob, ScheduledJobArgs

MANIFESTS = "manifests"
MANIFEST_FILE = "manifest.yml"


def manifest_paths(root: Path) -> dict[str, Path]:
    """Job name (its folder) -> manifest path, sorted by name."""
    folder = root / MANIFESTS
    if not folder.is_dir():
        return {}
    paths = sorted(folder.glob(f"*/{MANIFEST_FILE}"))
    return {path.parent.name: path for path in paths if path.is_file()}


def load_jobs(
    root: Path,
    settings: EnvironmentSettings,
    only: Sequence[str] | None = None,
    manifests: Mapping[str, Path] | None = None,
) -> list[Job]:
    """The merged manifests of the environment, minus `excludedJobs`; every manifest's
    problems are reported together."""
    jobs: list[Job] = []
    problems = []
    paths = manifest_paths(root) if manifests is None else manifests
    for name, path in paths.items():
        if name in settings.excluded_jobs or (only is not None and name not in only):
            continue
        try:
            jobs.append(load_manifest(path, settings.env, app=settings.app, root=root))
        except ManifestError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ManifestError(problems)
    return jobs


def stack_settings() -> EnvironmentSettings:
    """This stack's settings, read through `pulumi.Config` (Pulumi.<stack>.yaml)."""
    values = config_values_from_pulumi(pulumi.Config(), pulumi.Config("aws"))
    return settings_from_config(pulumi.get_stack(), values, default_app=DEFAULT_APP)


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
    jobs = load_jobs(root, settings, only, manifests)
    environment = Environment(
        settings.env,
        settings,
        needs_artifacts_bucket=any(
            job.env_file or any(s.env_file for s in job.sidecars.values()) for job in jobs
        ),
    )
    # One lookup for every job, instead of one per job; blocking, so that the account is a
    # plain value and the documents built from it need no Outputs.
    account = aws.get_caller_identity().account_id
    image_tag = None
    if any(job.image.build or any(s.image.build for s in job.sidecars.values()) for job in jobs):
        image_tag = os.environ.get(IMAGE_TAG_VARIABLE) or _default_image_tag(root)
    built: dict[str, ScheduledJob] = {}
    for job in jobs:
        args = ScheduledJobArgs.in_environment(
            job, environment, root=root, image_tag=image_tag, account=account
        )
        component = ScheduledJob(job.name, args)
        pulumi.export(job.name, {**component.outputs(), "cluster_arn": environment.cluster_arn})
        built[job.name] = component
    return built


def _default_image_tag(root: Path) -> str:
    from components.tools.image_tag import default_image_tag

    return default_image_tag(root)
