"""Run a Pulumi program under recording mocks and return what it registers.

No credentials, no Pulumi CLI, no network and no Docker: every resource's inputs are recorded
as the program registers them, with the placeholders of components/tools/placeholders.py for
what AWS computes. `jobs render` does not use this (it prints the plan directly, see
render.py); the tests use it to prove that the plan is exactly what the program registers.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from scheduled_jobs.components.tools.placeholders import (
    SECRET_PLACEHOLDER,
    lookup,
    resource_outputs,
)
from scheduled_jobs.components.tools.render import check_unique

# How the Pulumi runtime wraps a secret value on the wire.
_SECRET_SIG = "4dabf18193072939515e22adb298388d"


def render(
    program: Callable[[], Any],
    *,
    project: str,
    stack: str,
    config: Mapping[str, Any],
    region: str,
    relations: bool = False,
    preview: bool = False,
) -> list[dict]:
    """Run `program` (a Pulumi program function) under mocks (as a preview with `preview`);
    return its resources as
    `{"type", "name", "inputs"}` dicts sorted by name (a component, then its children). With
    `relations`, each also has "parent" (a logical name or None) and "dependsOn" (sorted
    logical names), as the engine would receive them."""
    import pulumi

    mocks = _recording_mocks(region)
    pulumi.runtime.set_all_config(
        {
            key: value if isinstance(value, str) else json.dumps(value)
            for key, value in config.items()
        }
    )
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview)
    seen: dict[str, dict] = {}
    with _without_source_positions(), _recording_relations(seen):
        pulumi.runtime.test(program)()
    resources = [_clean(record) for record in mocks.records]
    check_unique(resources)
    if relations:
        for resource in resources:
            resource.update(seen.get(resource["name"], {"parent": None, "dependsOn": []}))
    # Registration is asynchronous; sort so that renders (and golden files) are stable.
    return sorted(resources, key=lambda r: (r["name"], r["type"]))


def _name_of(urn: str) -> str | None:
    """The logical name in a URN (`urn:pulumi:stack::project::type::name`); None for the
    stack itself, which the program's top-level resources are parented to."""
    if not urn:
        return None
    _, _, type_chain, name = urn.split("::", 3)
    return None if type_chain.rsplit("$", 1)[-1] == "pulumi:pulumi:Stack" else name


@contextlib.contextmanager
def _recording_relations(seen: dict[str, dict]):
    """Record each registration's parent and dependencies: the mocks' own hook does not see
    them, the mock monitor's RegisterResource does."""
    from pulumi.runtime.mocks import MockMonitor

    original = MockMonitor.RegisterResource

    def register(self, request):
        seen[request.name] = {
            "parent": _name_of(request.parent),
            "dependsOn": sorted(n for n in map(_name_of, request.dependencies) if n),
            **({"importId": request.importId} if request.importId else {}),
        }
        return original(self, request)

    MockMonitor.RegisterResource = register
    try:
        yield
    finally:
        MockMonitor.RegisterResource = original


@contextlib.contextmanager
def _without_source_positions():
    """Skip the stack trace the SDK captures for every resource: only the engine shows it, the
    mocks never do, and it costs about a fifth of a render. Restored afterwards; if the SDK no
    longer has the hook, nothing is changed."""
    from pulumi.runtime import resource as sdk

    original = getattr(sdk, "_get_stack_trace", None)
    if original is None:
        yield
        return
    try:
        from pulumi.runtime.proto import source_pb2

        sdk._get_stack_trace = source_pb2.StackTrace
    except ImportError:  # pragma: no cover - SDK layout changed; keep its behaviour
        yield
        return
    try:
        yield
    finally:
        sdk._get_stack_trace = original


def _clean(record: dict) -> dict:
    return {"type": record["type"], "name": record["name"], "inputs": _plain(record["inputs"])}


def _plain(value: Any) -> Any:
    """Undo the wire's quirks: secrets arrive wrapped, every number arrives as a float."""
    if isinstance(value, dict):
        if value.get(_SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270":
            return SECRET_PLACEHOLDER
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if type(value).__name__ in ("FileAsset", "FileArchive"):
        return {"file": str(value.path)}  # uploaded from this path by the real engine
    return value


def _recording_mocks(region: str):
    import pulumi

    class RecordingMocks(pulumi.runtime.Mocks):
        def __init__(self) -> None:
            self.records: list[dict] = []

        def new_resource(self, args: pulumi.runtime.MockResourceArgs):
            self.records.append({"type": args.typ, "name": args.name, "inputs": args.inputs})
            return list(resource_outputs(args.typ, args.name, args.inputs, region=region))

        def call(self, args: pulumi.runtime.MockCallArgs):
            return lookup(args.token, args.args, region=region)

    return RecordingMocks()
