"""The errors a manifest problem, or a stack-settings problem, raises."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a manifest: where (file, line, field path) and what is allowed."""

    message: str
    path: str = ""  # dotted field path, e.g. "on.schedule" or "sidecars.nginx.image"
    file: str | None = None
    line: int | None = None
    hint: str | None = None  # how to fix it, when there is more to say than the message

    def as_dict(self) -> dict[str, str | int | None]:
        """`{"file", "line", "path", "message", "hint"}`: `validate --json`'s shape, with
        null for what is unknown."""
        return {
            "file": self.file,
            "line": self.line,
            "path": self.path or None,
            "message": self.message,
            "hint": self.hint,
        }

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        elif self.line:
            where = f"line {self.line}: "
        field = f"{self.path}: " if self.path else ""
        return f"{where}{field}{self.message}"


class ManifestError(ValueError):
    """A manifest (or a value destined for one) is invalid. Carries every problem found."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SettingsError(ManifestError):
    """A stack's settings (`Pulumi.<env>.yaml`) are invalid: a problem of the environment, not
    of any manifest, reported naming the stack file (`Problem.file`). A ManifestError, so
    code that gathers every problem of a run, and the program's own error handling, keep
    catching it."""
