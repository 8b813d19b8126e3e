"""Engine events (pulumi.automation.EngineEvent) made readable: a plan, the resources in flight
(with their elapsed time and last output line), a plain line per event, change counts and the
engine's own error lines for resources that failed.

Pure over the event objects' attributes, so it needs no Pulumi import of its own (and no rich:
cli/stacks/live.py draws the in-flight resources on a terminal).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scheduled_jobs.cli.ops.times import format_duration

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
DOING = {
    "create": "creating",
    "update": "updating",
    "delete": "deleting",
    "replace": "replacing",
    "create-replacement": "creating replacement",
    "delete-replaced": "deleting original",
    "import": "importing",
    "import-replacement": "importing replacement",
}


def op_name(op: Any) -> str:
    return str(getattr(op, "value", op))


def resource_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def resource_type(urn: str) -> str:
    """The type token of a URN (`...::parent$aws:s3/bucket:Bucket::name` -> the last type)."""
    parts = urn.split("::")
    return parts[-2].rsplit("$", 1)[-1] if len(parts) >= 3 else ""


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


# --- resources in flight ----------------------------------------------------------------------

# What a provider prints while it works arrives as DiagnosticEvents carrying the resource's URN:
# severity "info" (stdout) or "info#err" (stderr), `ephemeral` for status lines that only the
# live display shows. The docker-build provider sends every line of the build's output that way
# and an empty status when the build ends (pulumi/pulumi-docker-build, provider/internal/cli.go,
# `tail`: `InfoStatus` per line); the engine passes `Ephemeral` through to the event stream
# (pulumi/pulumi, pkg/backend/display/events.go, `ConvertEngineEvent`).
OUTPUT_SEVERITIES = {"info", "info#err"}
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f]")


def output_lines(message: str) -> list[str]:
    """The non-empty lines of a provider's message, without terminal control sequences."""
    lines = []
    for raw in (message or "").replace("\r", "\n").splitlines():
        line = _CONTROL.sub("", raw).strip()
        if line:
            lines.append(line)
    return lines


@dataclass
class Flight:
    """A resource operation that started and has not finished."""

    urn: str
    op: str
    type: str
    started: float  # seconds, the engine's clock (the event's Unix timestamp)
    last_line: str = ""

    @property
    def name(self) -> str:
        return resource_name(self.urn)

    def line(self, now: float) -> str:
        """` + creating report-image (Image)  1m05s  #8 [2/4] RUN make`: the type's last part
        only, to leave a narrow terminal room for the output line."""
        kind = self.type.rsplit(":", 1)[-1]
        text = (
            f"{SYMBOLS.get(self.op, '?'):>2} {DOING.get(self.op, self.op)} {self.name} "
            f"({kind})  {format_duration(max(0.0, now - self.started))}"
        )
        return text + (f"  {self.last_line}" if self.last_line else "")


@dataclass(frozen=True)
class Happening:
    """One thing an engine event tells a person: a resource started, printed a line, finished
    or failed, or a warning."""

    kind: str  # "start", "output", "done", "failed", "warning", "info"
    urn: str  # "" when the engine said no resource
    type: str = ""
    op: str = ""
    text: str = ""
    took: float | None = None  # seconds, for done and failed

    @property
    def name(self) -> str:
        return resource_name(self.urn) if self.urn else ""

    def line(self) -> str:
        """The line without the time prefix (see plain_line)."""
        who = f"{self.name} ({self.type})"
        took = f" {format_duration(self.took)}" if self.took is not None else ""
        if self.kind == "start":
            return f"{SYMBOLS.get(self.op, '?'):>2} {who} {DOING.get(self.op, self.op)}"
        if self.kind == "done":
            after = f" in{took}" if took else ""
            return f"{SYMBOLS.get(self.op, '?'):>2} {who} {PAST.get(self.op, self.op)}{after}"
        if self.kind == "failed":
            return f" x {who} failed" + (f" after{took}" if took else "")
        prefix = f"{self.name}: " if self.name else ""
        mark = " !" if self.kind == "warning" else "  "
        return f"{mark} {prefix}{self.text}"


def plain_line(happening: Happening, elapsed: float) -> str:
    """`[   12s]  + report-log-group (aws:cloudwatch/logGroup:LogGroup) created in 2s`: one line
    per event outside a terminal, prefixed with the time since the update started."""
    return f"[{format_duration(elapsed):>6}] {happening.line()}"


class Flights:
    """The resources in flight, from a sequence of engine events: what started and has not
    finished, since when and the last line it printed. Pure: `apply` each event in order; the
    caller supplies `now` (for events without a timestamp) and asks `lines(now)`."""

    def __init__(self) -> None:
        self.active: dict[str, Flight] = {}
        self.done = 0
        self.failed = 0

    def apply(self, event: Any, now: float = 0.0) -> list[Happening]:
        """Update the state with one event; what it tells a person, in order."""
        stamp = float(getattr(event, "timestamp", 0) or 0) or now
        pre = event.resource_pre_event
        if pre is not None and not pre.planning:
            meta = pre.metadata
            op = op_name(meta.op)
            if op not in QUIET_OPS:
                self.active[meta.urn] = Flight(meta.urn, op, meta.type, stamp)
                return [Happening("start", meta.urn, meta.type, op)]
        outputs = event.res_outputs_event
        if outputs is not None and not outputs.planning:
            # A component's outputs come a second time (registerOutputs): only the first ends it.
            flight = self.active.pop(outputs.metadata.urn, None)
            if flight is not None:
                self.done += 1
                took = max(0.0, stamp - flight.started)
                return [Happening("done", flight.urn, flight.type, flight.op, took=took)]
        failed = event.res_op_failed_event
        if failed is not None:
            meta = failed.metadata
            flight = self.active.pop(meta.urn, None)
            self.failed += 1
            took = max(0.0, stamp - flight.started) if flight else None
            return [Happening("failed", meta.urn, meta.type, op_name(meta.op), took=took)]
        diag = event.diagnostic_event
        if diag is not None:
            return self._diagnostic(diag)
        return []

    def _diagnostic(self, diag: Any) -> list[Happening]:
        urn_ = diag.urn or ""
        flight = self.active.get(urn_)
        kind_of = flight.type if flight else resource_type(urn_)
        lines = output_lines(diag.message)
        if diag.severity == "warning":
            return [Happening("warning", urn_, kind_of, text=" ".join(lines))] if lines else []
        if diag.severity not in OUTPUT_SEVERITIES:
            return []  # errors are gathered by Recorder and shown once; debug is noise
        if flight is not None:
            flight.last_line = lines[-1] if lines else ""  # an empty status clears it
            return [Happening("output", urn_, flight.type, flight.op, text=line) for line in lines]
        if diag.ephemeral:
            return []  # a status line of something no longer in flight
        return [Happening("info", urn_, kind_of, text=line) for line in lines]

    def in_flight(self) -> list[Flight]:
        """Longest-running first."""
        return sorted(self.active.values(), key=lambda flight: flight.started)

    def lines(self, now: float) -> list[str]:
        return [flight.line(now) for flight in self.in_flight()]


def in_flight(events: Iterable[Any]) -> list[Flight]:
    """The resources in flight after a sequence of engine events."""
    flights = Flights()
    for event in events:
        flights.apply(event)
    return flights.in_flight()


# How a Recorder shows what happens: plain lines, or a live view (cli/stacks/live.py).
Show = Callable[[Happening, float], None]


def plain(emit: Callable[[str], None]) -> Show:
    """A plain line for every happening, through `emit` (outside a terminal)."""
    return lambda happening, elapsed: emit(plain_line(happening, elapsed))


class Recorder:
    """An `on_event` callback that remembers the plan, the resources in flight, failures and
    the summary, and shows what happens through `show` (cli/stacks/live.py on a terminal);
    `emit` alone means a plain line per event."""

    def __init__(
        self,
        emit: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        *,
        show: Show | None = None,
        wall: Callable[[], float] = time.time,
    ):
        self.show = show if show is not None else (plain(emit) if emit else None)
        self.clock = clock
        self.wall = wall  # the engine's timestamps are Unix time
        self.started = clock()
        self.changes: dict[str, Change] = {}
        self.flights = Flights()
        self.failed: list[str] = []  # URNs whose operation failed
        self.errors: dict[str, list[str]] = {}  # URN ("" for the stack) -> error messages
        self.summary: Any = None
        self.lock = threading.Lock()  # events come on the SDK's thread; a live view reads too

    def __call__(self, event: Any) -> None:
        with self.lock:
            happenings = self._record(event)
            elapsed = self.elapsed() if happenings else 0.0
        # Outside the lock: a live view takes it again to draw.
        if self.show is not None:
            for happening in happenings:
                self.show(happening, elapsed)

    def _record(self, event: Any) -> list[Happening]:
        pre = event.resource_pre_event
        if pre is not None and op_name(pre.metadata.op) not in QUIET_OPS:
            self.changes[pre.metadata.urn] = _change(pre.metadata)
        if event.res_op_failed_event is not None:
            self.failed.append(event.res_op_failed_event.metadata.urn)
        diag = event.diagnostic_event
        if diag is not None and diag.severity == "error":
            message = " ".join(diag.message.split())
            if message:
                self.errors.setdefault(diag.urn or "", []).append(message)
        if event.summary_event is not None:
            self.summary = event.summary_event
        return self.flights.apply(event, self.wall())

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
                kind = change.type if change else resource_type(urn_)
                who = f"{kind} {resource_name(urn_)}: "
            for message in messages:
                line = who + message
                if line not in lines:
                    lines.append(line)
        return lines

    def elapsed(self) -> float:
        return self.clock() - self.started
