"""A project's jobs: `manifests/<job>/manifest.yml`, loaded for one environment."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from scheduled_jobs.components.errors import ManifestError
from scheduled_jobs.components.manifest.discover import discover_jobs
from scheduled_jobs.components.manifest.load import load_manifest
from scheduled_jobs.components.manifest.model import Job


def manifest_paths(root: Path) -> dict[str, Path]:
    """Job name (its folder) -> manifest path, sorted by name."""
    return discover_jobs(root).jobs


def load_jobs(
    root: Path,
    *,
    env: str,
    app: str,
    excluded: Collection[str] = (),
    only: Sequence[str] | None = None,
    manifests: Mapping[str, Path] | None = None,
) -> list[Job]:
    """The merged manifests of environment `env`, minus `excluded`, limited to `only`;
    `manifests` (job -> path) replaces the project's files. Every manifest's problems are
    reported together."""
    jobs: list[Job] = []
    problems = []
    if manifests is None:
        # Entries that look like jobs but cannot be read: a deploy must not drop them quietly.
        found = discover_jobs(root)
        paths = found.jobs
        problems += [p for p in found.problems if only is None or _job_of(p.file) in only]
    else:
        paths = manifests
    for name, path in paths.items():
        if name in excluded or (only is not None and name not in only):
            continue
        try:
            jobs.append(load_manifest(path, env, app=app, root=root))
        except ManifestError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ManifestError(problems)
    return jobs


def _job_of(file: str | None) -> str | None:
    """`manifests/<job>/...` -> `<job>`."""
    parts = (file or "").split("/")
    return parts[1] if len(parts) > 1 else None
