"""scheduled-jobs: Copilot-style scheduled container jobs on AWS, as a Pulumi component.

The distribution's one import package: `scheduled_jobs.components` (the library) and
`scheduled_jobs.cli` (the `scheduled-jobs` command), so an installed copy never takes the
common top-level names `cli` and `components`. Installed, both are real subpackages. In a
clone the folders stay at the repository's root (the product's layout), so the package adds
the root to its search path and the same import names work there too; either way there is one
module per file (no second `components.errors` whose ManifestError an `except` would miss).

`from scheduled_jobs import ScheduledJob` is the library's shortcut; like
`scheduled_jobs.components`, it loads Pulumi only when the component is first used.
"""

from __future__ import annotations

import os as _os
from typing import TYPE_CHECKING, Any

_HERE = _os.path.dirname(_os.path.abspath(__file__))
if not _os.path.isdir(_os.path.join(_HERE, "components")):
    __path__.append(_os.path.dirname(_HERE))  # noqa: F821 (a package's __path__)

__all__ = [
    "ManifestError",
    "Problem",
    "ScheduledJob",
    "ScheduledJobArgs",
    "load_manifest",
    "to_aws_schedule",
]

if TYPE_CHECKING:  # pragma: no cover
    from scheduled_jobs.components import (
        ManifestError,
        Problem,
        ScheduledJob,
        ScheduledJobArgs,
        load_manifest,
        to_aws_schedule,
    )


def __getattr__(name: str) -> Any:
    # Unknown names raise AttributeError, so `from scheduled_jobs import cli` still imports
    # the subpackage.
    if name not in __all__:
        raise AttributeError(f"module 'scheduled_jobs' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module("scheduled_jobs.components"), name)
