"""The one list of manifest fields Copilot accepts that this project does not deploy.

A manifest that uses one is rejected, naming the field and why: a field is never silently
ignored. Only `network.connect` is left: Service Connect is for services that others call, and
Copilot parses it for jobs but deploys nothing of it either.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scheduled_jobs.components.manifest.source import as_bool

# Field path (with "*" for any map key or list index) -> why, or what to do instead.
UNSUPPORTED: dict[tuple[str, ...], str] = {
    ("network", "connect"): "Service Connect does not apply to jobs",
}


def _is_set(value: Any) -> bool:
    # `connect: false` (or `FALSE`) asks for nothing, so it is allowed.
    return as_bool(value) not in (None, False, {}, [], "")


def find_unsupported(data: Any) -> Iterator[tuple[tuple, str]]:
    """(path, message) for every unsupported field set in raw manifest data."""
    for pattern, why in UNSUPPORTED.items():
        for path, value in _walk(data, pattern, ()):
            if _is_set(value):
                yield path, f"not supported: {why}"


def _walk(node: Any, pattern: tuple[str, ...], path: tuple) -> Iterator[tuple[tuple, Any]]:
    if not pattern:
        yield path, node
        return
    head, rest = pattern[0], pattern[1:]
    if isinstance(node, dict):
        keys = list(node) if head == "*" else [head] if head in node else []
        for key in keys:
            yield from _walk(node[key], rest, (*path, key))
    elif isinstance(node, list) and head == "*":
        for index, item in enumerate(node):
            yield from _walk(item, rest, (*path, index))
