"""One output channel for every command: results on stdout, messages on stderr.

Rich consoles are created on first use, so importing this module costs nothing.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console


class UserError(Exception):
    """A mistake or a missing prerequisite on the user's side: shown as one line, no traceback."""

    def __init__(self, message: str, *, hint: str | None = None, code: int = 1):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code


@functools.cache
def stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


@functools.cache
def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def info(message: str) -> None:
    """A progress or status line for a person (stderr, so stdout stays machine-readable)."""
    stderr().print(message)


def info_text(message: str) -> None:
    """`info` for text that is not ours (provider and build output such as `#1 [internal]`):
    printed as is, never read as rich markup."""
    stderr().print(message, markup=False)


def warn(message: str) -> None:
    stderr().print(f"[yellow]warning:[/yellow] {message}")


def error(message: str, hint: str | None = None) -> None:
    from rich.markup import escape

    stderr().print(f"[red]error:[/red] {escape(message)}")
    if hint:
        stderr().print(escape(hint))


def colour_enabled() -> bool:
    """Whether stdout may carry ANSI colours: a terminal, and neither NO_COLOR nor TERM=dumb."""
    import os
    import sys

    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def result(text: str) -> None:
    """Plain text on stdout, printed as is (no markup, no wrapping): safe for JSON."""
    import sys

    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def program() -> str:
    """The program's name as the user invoked it, for hints and next steps: `scheduled-jobs`
    or `jobs` when typed so, `python -m scheduled_jobs` (or `python -m cli` in a clone) when run
    as a module; `scheduled-jobs` otherwise (never assume `jobs`, a shell builtin in bash and
    zsh)."""
    import os
    import sys

    argv0 = sys.argv[0] if sys.argv else ""
    name = os.path.basename(argv0)
    if name.lower().endswith(".exe"):  # Windows launchers
        name = name[:-4]
    if name in ("scheduled-jobs", "jobs"):
        return name
    if name == "__main__.py":
        # `python -m X` runs X's __main__.py; its spec names X (argv0 alone cannot tell
        # `python -m cli` from `python -m scheduled_jobs.cli` in a clone).
        spec = getattr(sys.modules.get("__main__"), "__spec__", None)
        module = getattr(spec, "name", "").removesuffix(".__main__")
        if module in _MODULE_ENTRIES:
            return f"python -m {module}"
        if os.path.basename(os.path.dirname(argv0)) in ("cli", "scheduled_jobs"):
            return "python -m scheduled_jobs"
    return "scheduled-jobs"


# The modules that run the CLI with `python -m`.
_MODULE_ENTRIES = ("scheduled_jobs", "scheduled_jobs.cli", "cli")
