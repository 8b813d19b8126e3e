"""Find a project's jobs: every `manifests/<job>/manifest.yml`, and a problem for every entry
that looks like a job but cannot be used, so that nothing is skipped without a word (a deploy
would otherwise drop that job).

Pure apart from reading the file system; no Pulumi, no AWS.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from scheduled_jobs.components.contract import MANIFEST_FILE, MANIFESTS_DIR
from scheduled_jobs.components.errors import Problem

# Copilot reads only `manifest.yml`; this spelling is the usual slip.
OTHER_SPELLINGS = ("manifest.yaml",)


@dataclass(frozen=True)
class Discovery:
    """The jobs found (folder name -> manifest path, sorted by name) and the entries under
    `manifests/` that look like jobs but cannot be read, each a Problem with its path."""

    jobs: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def discover_jobs(root: str | os.PathLike[str]) -> Discovery:
    """The jobs of the project in `root`.

    A project without a `manifests/` folder has no jobs (and no problems). Hidden entries and
    plain files directly under `manifests/` (the JSON Schema, a README) are not jobs; a folder
    holding neither `manifest.yml` nor `manifest.yaml` is not a job either (shared addons,
    say). Everything else either is a job or is reported.
    """
    base = Path(root)
    folder = base / MANIFESTS_DIR
    jobs: dict[str, Path] = {}
    problems: list[Problem] = []

    def problem(path: Path, message: str) -> None:
        problems.append(Problem(message, file=_relative(path, base)))

    try:
        info = folder.lstat()
    except FileNotFoundError:
        return Discovery()
    except OSError as exc:
        problem(folder, f"cannot be read: {_reason(exc)}")
        return Discovery(problems=problems)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        why = _not_a_folder(folder)
        if why:
            problem(folder, why)
            return Discovery(problems=problems)
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        problem(folder, f"cannot be listed: {_reason(exc)}")
        return Discovery(problems=problems)

    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            entry_info = entry.lstat()
        except OSError as exc:
            problem(entry, f"cannot be read: {_reason(exc)}")
            continue
        if stat.S_ISLNK(entry_info.st_mode):
            why = _not_a_folder(entry)
            if why == "is not a folder":
                continue  # a link to a plain file: not a job, as a plain file is not
            if why:
                problem(entry, f"{why}; a job is a folder holding {MANIFEST_FILE}")
                continue
        elif not stat.S_ISDIR(entry_info.st_mode):
            continue
        manifest = entry / MANIFEST_FILE
        others = [entry / name for name in OTHER_SPELLINGS if _exists(entry / name)]
        if not _exists(manifest):
            if others:
                problem(
                    others[0],
                    f"is not read: Copilot and scheduled-jobs read only {MANIFEST_FILE}; "
                    f"rename it to {_relative(manifest, base)}",
                )
            continue
        for other in others:
            problem(
                other,
                f"is not read beside {MANIFEST_FILE} (only {MANIFEST_FILE} is); delete it, or "
                f"merge what it holds into {MANIFEST_FILE}",
            )
        why = manifest_problem(manifest)
        if why:
            problem(manifest, why)
        else:
            jobs[entry.name] = manifest
    return Discovery(jobs=jobs, problems=problems)


def _exists(path: Path) -> bool:
    """Whether anything (even a dangling link) is at `path`."""
    try:
        path.lstat()
    except OSError:
        return False
    return True


def _not_a_folder(path: Path) -> str | None:
    """Why `path` (followed through links) is not a folder, or None when it is one."""
    try:
        info = path.stat()
    except OSError as exc:
        return _link_problem(exc)
    return None if stat.S_ISDIR(info.st_mode) else "is not a folder"


def manifest_problem(manifest: Path) -> str | None:
    """Why the manifest cannot be read, or None when it is a readable regular file."""
    try:
        info = manifest.stat()
    except OSError as exc:
        return _link_problem(exc)
    if stat.S_ISDIR(info.st_mode):
        return f"is a folder; {MANIFEST_FILE} must be a file"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a device, socket or pipe cannot be a manifest)"
    try:
        # O_NONBLOCK: never wait on anything that is not a file after all (a raced FIFO).
        descriptor = os.open(manifest, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return f"cannot be read: {_reason(exc)}"
    os.close(descriptor)
    return None


def _link_problem(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "is a symbolic link to nothing (its target does not exist)"
    if exc.errno == errno.ELOOP:
        return "is a symbolic link that loops back to itself"
    return f"cannot be read: {_reason(exc)}"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
