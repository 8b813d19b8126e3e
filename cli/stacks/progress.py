"""Engine events (pulumi.automation.EngineEvent) made readable: a plan, live progress lines,
change counts and the engine's own error lines for resources that failed.

Pure over the event objects' attributes, so it needs no Pulumi import of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cli.ops.times import format_duration

# Operations that change nothing in the cloud.
QUIET_OPS = {"same", "read", "refresh", "discard", "discard-replaced", "remove-pending-replace"}
SYMBOLS = {
    "create": "+",
    "update": "~",
    "delete": "-",
    "replace": "+-",
    "create-replacement": "++",
    "delete-replaced": "--",
    "import": "=",
    "import-replacement": "=>",
}
PAST = {
    "create": "created",
    "update": "updated",
    "delete": "deleted",
    "replace": "replaced",
    "create-replacement": "created replacement",
    "delete-replaced": "deleted original",
    "import": "imported",
    "import-replacement": "imported replacement",
}


def op_name(op: Any) -> str:
    return str(getattr(op, "value", op))


def resource_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


@dataclass
class Change:
    op: str
    urn: str
    type: str
    diffs: list[str] = field(default_factory=list)
    replace_keys: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return resource_name(self.urn)

    def as_dict(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "type": self.type,
            "name": self.name,
            "urn": self.urn,
            "diffs": self.diffs,
            "replaceKeys": self.replace_keys,
        }

    def line(self) -> str:
        text = f"{SYMBOLS.get(self.op, '?'):>2} {self.op:<8} {self.type}  {self.name}"
        if self.diffs:
            text += f"  [{', '.join(self.diffs)}]"
        if self.replace_keys and self.op in ("replace", "create-replacement"):
            text += f"  (replaced because of {', '.join(self.replace_keys)})"
        return text


def _change(metadata: Any) -> Change:
    diffs = list(metadata.diffs or [])
    for key in metadata.detailed_diff or {}:
        if key not in diffs:
            diffs.append(key)
    return Change(
        op=op_name(metadata.op),
        urn=metadata.urn,
        type=metadata.type,
        diffs=diffs,
        replace_keys=list(metadata.keys or []),
    )


def format_counts(counts: Mapping[Any, int]) -> str:
    """`2 to create, 1 to update` style counts of an OpMap, changes first, `same` last."""
    items = {op_name(op): n for op, n in (counts or {}).items() if n}
    order = [op for op in SYMBOLS if op in items] + sorted(
        op for op in items if op not in SYMBOLS and op != "same"
    )
    parts = [f"{items[op]} {op}" for op in order]
    if "same" in items:
        parts.append(f"{items['same']} unchanged")
    return ", ".join(parts) if parts else "no resources"


def has_changes(counts: Mapping[Any, int]) -> bool:
    return any(n for op, n in (counts or {}).items() if op_name(op) not in QUIET_OPS)


class Recorder:
    """An `on_event` callback that remembers the plan, failures and the summary, and (when
    given `emit`) prints a line for each resource change as it finishes."""

    def __init__(self, emit: Callable[[str], None] | None = None, clock=time.monotonic):
        self.emit = emit
        self.clock = clock
        self.started = clock()
        self.changes: dict[str, Change] = {}
        self.failed: list[str] = []  # URNs whose operation failed
        self.errors: dict[str, list[str]] = {}  # URN ("" for the stack) -> error messages
        self.summary: Any = None

    def __call__(self, event: Any) -> None:
        pre = event.resource_pre_event
        if pre is not None and op_name(pre.metadata.op) not in QUIET_OPS:
            self.changes[pre.metadata.urn] = _change(pre.metadata)
        done = event.res_outputs_event
        if done is not None and self.emit and not done.planning:
            op = op_name(done.metadata.op)
            if op not in QUIET_OPS:
                self.emit(
                    f"[{format_duration(self.clock() - self.started):>6}] "
                    f"{SYMBOLS.get(op, '?'):>2} {resource_name(done.metadata.urn)} "
                    f"({done.metadata.type}) {PAST.get(op, op)}"
                )
        failed = event.res_op_failed_event
        if failed is not None:
            self.failed.append(failed.metadata.urn)
            if self.emit:
                self.emit(
                    f"[{format_duration(self.clock() - self.started):>6}]  x "
                    f"{resource_name(failed.metadata.urn)} ({failed.metadata.type}) failed"
                )
        diag = event.diagnostic_event
        if diag is not None and diag.severity == "error":
            message = " ".join(diag.message.split())
            if message:
                self.errors.setdefault(diag.urn or "", []).append(message)
        if event.summary_event is not None:
            self.summary = event.summary_event

    @property
    def planned(self) -> list[Change]:
        return list(self.changes.values())

    def failure_lines(self) -> list[str]:
        """The engine's error lines, failing resources first, as `type name: message`."""
        lines: list[str] = []
        for urn_, messages in sorted(self.errors.items(), key=lambda item: item[0] == ""):
            who = ""
            if urn_:
                change = self.changes.get(urn_)
                kind = change.type if change else urn_.split("::")[-2].rsplit("$", 1)[-1]
                who = f"{kind} {resource_name(urn_)}: "
            for message in messages:
                line = who + message
                if line not in lines:
                    lines.append(line)
        return lines

    def elapsed(self) -> float:
        return self.clock() - self.started
