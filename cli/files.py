"""Files the CLI writes for the user: every one atomically, every path checked.

A file is written to a temporary file in the same folder and renamed over the target
(`os.replace`, atomic on POSIX and Windows), so a failure (full disk, Ctrl-C, a crash) leaves
either the old file or the new one, never half of one; the temporary file is removed on
failure. Paths the user passes are checked first, and an OS error becomes one message.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from scheduled_jobs.cli.output import UserError


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def output_file(path: str | os.PathLike[str], flag: str = "--output") -> Path:
    """A file the user asked for (`-o FILE`): its folder must exist, and it must not be a
    folder itself."""
    target = Path(path).expanduser()
    if str(path).strip() == "":
        raise UserError(f"{flag} must not be empty")
    if target.is_dir():
        raise UserError(f"{flag} {path}: is a folder; give a file name")
    folder = target.parent
    if not folder.is_dir():
        raise UserError(
            f"{flag} {path}: folder {folder} does not exist",
            hint="Create it first, or write somewhere else.",
        )
    return target


def output_dir(path: str | os.PathLike[str], flag: str = "--output-dir") -> Path:
    """A folder the user asked for (`--output-dir DIR`), created with its parents."""
    target = Path(path).expanduser()
    if str(path).strip() == "":
        raise UserError(f"{flag} must not be empty")
    if target.exists() and not target.is_dir():
        raise UserError(f"{flag} {path}: exists and is not a folder")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{flag} {path}: cannot create the folder: {_reason(exc)}") from None
    return target


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically. An existing file keeps its permissions; a
    new one gets the usual ones (0666 less the umask)."""
    target = Path(path)
    folder = target.parent
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as exc:
        raise UserError(f"cannot write {target}: {_reason(exc)}") from None
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise UserError(f"cannot write {target}: {_reason(exc)}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException as exc:  # KeyboardInterrupt too: never leave the temporary behind
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise UserError(
                f"cannot write {target}: {_reason(exc)}", hint="Nothing was changed."
            ) from None
        raise
