"""A project's jobs: `manifests/<job>/manifest.yml`, loaded for one environment."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from components.contract import MANIFEST_FILE, MANIFESTS_DIR
from components.errors import ManifestError
from components.manifest.load import load_manifest
from components.manifest.model import Job


def manifest_paths(root: Path) -> dict[str, Path]:
    """Job name (its folder) -> manifest path, sorted by name."""
    folder = root / MANIFESTS_DIR
    if not folder.is_dir():
        return {}
    paths = sorted(folder.glob(f"*/{MANIFEST_FILE}"))
    return {path.parent.name: path for path in paths if path.is_file()}


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
    paths = manifest_paths(root) if manifests is None else manifests
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
