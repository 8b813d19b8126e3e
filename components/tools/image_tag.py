"""The default image tag of a deploy: the git short commit when the work tree is clean, else a
digest of the files that make up the build (so a dirty tree never reuses a commit's tag).

Pure apart from reading files and asking git; no Pulumi.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from scheduled_jobs.components.contract import IMAGE_TAG_VARIABLE

# Never part of a build context worth hashing: VCS data, caches, local state.
SKIP_DIRS = {".git", ".venv", "node_modules", "__pycache__", ".pulumi-state", ".pytest_cache"}
DIGEST_PREFIX = "sha-"
DIGEST_LENGTH = 12


def image_tag(root: Path) -> str:
    """The tag of the images a deploy builds: $SCHEDULED_JOBS_IMAGE_TAG when set, else the
    default (`default_image_tag`)."""
    return os.environ.get(IMAGE_TAG_VARIABLE) or default_image_tag(root)


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
    except OSError:  # git not installed
        return None
    return done.stdout if done.returncode == 0 else None


def content_digest(root: Path, files: Iterable[Path]) -> str:
    """`sha-<12 hex>` over the paths (relative to root) and bytes of `files`, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(set(files), key=lambda p: p.relative_to(root).as_posix()):
        if not path.is_file():
            continue  # deleted but still listed by git
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return DIGEST_PREFIX + digest.hexdigest()[:DIGEST_LENGTH]


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        found += [Path(folder) / name for name in names]
    return found


def default_image_tag(root: Path) -> str:
    """The tag `jobs deploy` uses when --tag is not given."""
    root = root.resolve()
    status = _git(root, "status", "--porcelain")
    if status is not None:
        if not status.strip():
            commit = _git(root, "rev-parse", "--short", "HEAD")
            if commit and commit.strip():
                return commit.strip()
        listed = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        if listed is not None:  # git honours .gitignore for us; paths are relative to root
            return content_digest(root, [root / name for name in listed.split("\0") if name])
    return content_digest(root, _walk(root))
