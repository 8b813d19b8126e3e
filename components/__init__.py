"""scheduled-jobs: Copilot-style scheduled container jobs on AWS, as a Pulumi component.

Light names (the manifest loader, schedule conversion, errors) import without Pulumi; the
component itself is loaded on first use so that commands which never deploy stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scheduled_jobs.components.errors import ManifestError, Problem

__all__ = [
    "ManifestError",
    "Problem",
    "ScheduledJob",
    "ScheduledJobArgs",
    "load_manifest",
    "to_aws_schedule",
]

_LAZY = {
    "ScheduledJob": "scheduled_jobs.components.resources.scheduled_job",
    "ScheduledJobArgs": "scheduled_jobs.components.resources.scheduled_job",
    "load_manifest": "scheduled_jobs.components.manifest.load",
    "to_aws_schedule": "scheduled_jobs.components.manifest.schedule",
}

if TYPE_CHECKING:  # pragma: no cover
    from scheduled_jobs.components.manifest.load import load_manifest
    from scheduled_jobs.components.manifest.schedule import to_aws_schedule
    from scheduled_jobs.components.resources.scheduled_job import ScheduledJob, ScheduledJobArgs


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'components' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
