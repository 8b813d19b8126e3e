"""The plan of a stack as plain data: each resource's type, logical name, parent and inputs.

Conversions build `Resource`s; the Pulumi components register exactly those (components/
resources/wiring.py) and `jobs render` prints them with placeholders (components/tools/
render.py), so both are the same values by construction. A value known only once something is
deployed or looked up is an `Out` (another resource's or lookup's output); a value computed from
such values is a `Derived`, whose function runs as soon as its arguments are known.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Out:
    """Output `attr` (camelCase, as the provider names it) of resource or lookup `source`."""

    source: str
    attr: str


@dataclass(frozen=True)
class Derived:
    """`fn(**args)` once every value in `args` (which may hold `Out`s, `Derived`s or any
    value the wiring knows how to wait for) is known."""

    fn: Callable[..., Any]
    args: Mapping[str, Any]


@dataclass(frozen=True)
class FileAsset:
    """A local file the engine uploads (an S3 object's `source`)."""

    path: str


@dataclass(frozen=True)
class Resource:
    """A resource (or, with `lookup=True`, a data-source call) to register."""

    type: str
    name: str
    inputs: Mapping[str, Any]
    parent: str | None = None
    depends_on: tuple[str, ...] = ()
    lookup: bool = False
    # The physical ID to adopt with Pulumi's `import` option instead of creating it.
    import_id: str | None = None
    # Output names (camelCase) the provider marks as secret.
    secret_outputs: tuple[str, ...] = field(default=())


def derive(fn: Callable[..., Any], **args: Any) -> Any:
    """`fn(**args)` now when every argument is plain data, else a `Derived` of it. Plain
    documents stay plain, which keeps the render (and the engine's diff) simple."""
    if is_plain(args):
        return fn(**args)
    return Derived(fn, args)


def is_plain(value: Any) -> bool:
    """True when `value` holds nothing that is known only later."""
    if isinstance(value, dict):
        return all(is_plain(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(is_plain(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool | FileAsset)


def without_none(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs as the engine receives them: keys whose value is None are not sent."""
    return {key: value for key, value in inputs.items() if value is not None}
