"""Reading a job's CloudWatch log streams: choosing streams by run, reading, merging in time
order, and following.

Streams are listed with DescribeLogStreams (newest activity first) and read with
GetLogEvents, one stream at a time: that keeps each stream in order, lets `--follow` resume
from each stream's forward token (no gaps, no duplicates), and does not depend on
FilterLogEvents' prefix filter. Container streams are `copilot/<container>/<task id>`, so one
run (one ECS task) is every stream that ends with the same task id, sidecars included.
"""

from __future__ import annotations

import heapq
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from components.contract import STATES_STREAM_PREFIX as STATES_PREFIX
from components.contract import parse_log_stream

# GetLogEvents returns at most 10,000 events per call.
MAX_PAGE = 10_000
# lastEventTimestamp is updated "on an eventual consistency basis" (CloudWatch Logs API),
# so a listing sorted by it is only trusted this far back before stopping.
LAST_EVENT_SLACK_MS = 3_600_000


@dataclass(frozen=True)
class Event:
    timestamp: int  # milliseconds since the epoch, as CloudWatch Logs records it
    stream: str
    message: str
    ingestion_time: int | None = None

    def as_json(self) -> str:
        return json.dumps(
            {
                "logStreamName": self.stream,
                "timestamp": self.timestamp,
                "ingestionTime": self.ingestion_time,
                "message": self.message,
            },
            ensure_ascii=False,
        )


@dataclass(frozen=True)
class Stream:
    name: str
    last_event: int | None
    created: int | None

    @property
    def activity(self) -> int:
        return self.last_event or self.created or 0


def task_id(stream: str) -> str | None:
    """`copilot/report/0a1b...` -> `0a1b...`; None for a stream that is not a container's."""
    parsed = parse_log_stream(stream)
    return parsed[1] if parsed else None


def short_name(stream: str) -> str:
    """What a human line starts with: `<container>/<first 8 of the task id>`."""
    parsed = parse_log_stream(stream)
    if parsed:
        return f"{parsed[0]}/{parsed[1][:8]}"
    if stream.startswith(STATES_PREFIX):
        return f"{STATES_PREFIX}{stream.rsplit('/', 1)[-1][:8]}"
    return stream[:25]


# ---------------------------------------------------------------------------------------------
# Choosing streams


@dataclass(frozen=True)
class Selection:
    """Which streams to read: the newest `last` runs, or the runs of `tasks` (task ID
    prefixes); plus state machine streams when `include_state_machine`."""

    last: int | None = 1  # None: every run
    tasks: tuple[str, ...] = ()
    include_state_machine: bool = False

    def wants(self, stream: str) -> bool:
        """Whether a stream can belong to the selection at all (used by follow)."""
        if stream.startswith(STATES_PREFIX):
            return self.include_state_machine
        ident = task_id(stream)
        if ident is None:
            return False
        return not self.tasks or any(ident.startswith(t) for t in self.tasks)

    def choose(self, streams: Iterable[Stream]) -> list[str]:
        """From streams ordered newest activity first, the names to read."""
        runs: dict[str, list[str]] = {}
        states: list[str] = []
        for stream in streams:
            if not self.wants(stream.name):
                continue
            if stream.name.startswith(STATES_PREFIX):
                states.append(stream.name)
            else:
                runs.setdefault(task_id(stream.name) or "", []).append(stream.name)
        chosen_runs = list(runs.values())
        if self.last is not None and not self.tasks:
            chosen_runs = chosen_runs[: self.last]
            states = states[: self.last]
        return [name for run in chosen_runs for name in run] + states

    def listed_enough(self, streams: list[Stream]) -> bool:
        """Whether listing can stop: one run more than needed has been seen (so every stream of
        the runs wanted is very likely listed), and as many state machine streams."""
        if self.last is None or self.tasks:
            return False
        runs = {task_id(s.name) for s in streams if task_id(s.name) and self.wants(s.name)}
        states = [s for s in streams if s.name.startswith(STATES_PREFIX)]
        return len(runs) > self.last and (
            not self.include_state_machine or len(states) >= self.last
        )


# ---------------------------------------------------------------------------------------------
# Reading


class LogReader:
    """Reads one log group. Each call is bounded and retried by the client's own retry mode
    (cli/ops/session.py); riding out longer outages is the follower's job (cli/ops/outage.py)."""

    def __init__(self, client: Any, group: str, *, sleep: Callable[[float], None] = time.sleep):
        self.client = client
        self.group = group
        self.sleep = sleep

    def _call(self, method: str, **kwargs: Any) -> dict:
        return getattr(self.client, method)(**kwargs)

    def streams(
        self,
        *,
        wants: Callable[[str], bool],
        active_since: int | None = None,
        enough: Callable[[list[Stream]], bool] | None = None,
    ) -> list[Stream]:
        """Streams `wants` accepts, newest activity first; stops paging once `enough` says so
        or (with `active_since`) once streams are older than that, allowing for slack."""
        found: list[Stream] = []
        kwargs: dict[str, Any] = {
            "logGroupName": self.group,
            "orderBy": "LastEventTime",
            "descending": True,
        }
        while True:
            page = self._call("describe_log_streams", **kwargs)
            too_old = False
            for item in page.get("logStreams", []):
                stream = Stream(
                    name=item["logStreamName"],
                    last_event=item.get("lastEventTimestamp"),
                    created=item.get("creationTime"),
                )
                if (
                    active_since is not None
                    and stream.activity < active_since - LAST_EVENT_SLACK_MS
                ):
                    too_old = True
                    break
                if wants(stream.name):
                    found.append(stream)
            token = page.get("nextToken")
            if too_old or not token or (enough is not None and enough(found)):
                return found
            kwargs["nextToken"] = token

    def read_forward(
        self,
        stream: str,
        *,
        start: int | None = None,
        end: int | None = None,
        token: str | None = None,
    ) -> tuple[list[Event], str | None]:
        """Every event of `stream` from `start` (or from `token`) to `end`, oldest first, and
        the forward token to resume from."""
        events: list[Event] = []
        kwargs: dict[str, Any] = {
            "logGroupName": self.group,
            "logStreamName": stream,
            "startFromHead": True,
        }
        # The window goes with every call, token or not: a token is a position within the
        # results of the same request (moto counts it that way, AWS accepts it).
        if token:
            kwargs["nextToken"] = token
        if start is not None:
            kwargs["startTime"] = start
        if end is not None:
            kwargs["endTime"] = end
        while True:
            page = self._call("get_log_events", **kwargs)
            events.extend(_events(stream, page.get("events", [])))
            new_token = page.get("nextForwardToken")
            # The same token back means the end of the stream, for now.
            if not new_token or new_token == kwargs.get("nextToken"):
                return events, new_token or kwargs.get("nextToken")
            kwargs["nextToken"] = new_token

    def read_backward(
        self, stream: str, limit: int, *, start: int | None = None, end: int | None = None
    ) -> list[Event]:
        """The newest `limit` events of `stream` within the window, oldest first."""
        kwargs: dict[str, Any] = {
            "logGroupName": self.group,
            "logStreamName": stream,
            "startFromHead": False,
            "limit": min(limit, MAX_PAGE),
        }
        if start is not None:
            kwargs["startTime"] = start
        if end is not None:
            kwargs["endTime"] = end
        pages: list[list[Event]] = []
        count = 0
        while count < limit:
            page = self._call("get_log_events", **kwargs)
            batch = _events(stream, page.get("events", []))
            if not batch:
                break
            pages.append(batch)
            count += len(batch)
            token = page.get("nextBackwardToken")
            if not token or token == kwargs.get("nextToken"):
                break
            kwargs["nextToken"] = token
        events = [e for batch in reversed(pages) for e in batch]
        return events[-limit:]

    def read(
        self,
        selection: Selection,
        *,
        start: int | None = None,
        end: int | None = None,
        limit: int | None = None,
    ) -> list[Event]:
        """The selected runs' events in time order (the newest `limit` when given)."""
        streams = self.streams(
            wants=selection.wants,
            active_since=start,
            enough=selection.listed_enough,
        )
        names = selection.choose(streams)
        per_stream = []
        for name in names:
            if limit is not None:
                per_stream.append(self.read_backward(name, limit, start=start, end=end))
            else:
                per_stream.append(self.read_forward(name, start=start, end=end)[0])
        merged = merge(per_stream)
        return merged[-limit:] if limit is not None else merged

    def follow(
        self,
        wants: Callable[[str], bool],
        *,
        start: int,
        poll: float = 1.0,
        patience: Any = None,
    ) -> Iterator[list[Event]]:
        """Batches of new events, each in time order, about every `poll` seconds, forever:
        the caller stops iterating (Ctrl-C, or the execution it watches has ended). With
        `patience` (cli.ops.outage.Patience), a round lost to an outage is polled again
        later from the same place; without, its error propagates."""
        tokens: dict[str, str | None] = {}
        while True:
            if patience is None:
                yield self.poll(wants, start=start, tokens=tokens)
                self.sleep(poll)
                continue
            batch = patience.attempt(lambda: self.poll(wants, start=start, tokens=tokens))
            if batch is not None:
                yield batch
            elif patience.expired():
                raise patience.gave_up("Nothing was lost: run the command again to go on.")
            self.sleep(patience.delay())

    def poll(
        self, wants: Callable[[str], bool], *, start: int, tokens: dict[str, str | None]
    ) -> list[Event]:
        """One round of follow: new events of every wanted stream since the last round
        (`tokens` remembers where each stream was left). `tokens` changes only when the whole
        round succeeds, so a round cut short by a fault is read again in full, and nothing is
        skipped or repeated."""
        per_stream = []
        moved: dict[str, str | None] = {}
        for stream in self.streams(wants=wants, active_since=start):
            token = tokens.get(stream.name)
            events, moved[stream.name] = self.read_forward(stream.name, start=start, token=token)
            per_stream.append(events)
        tokens.update(moved)
        return merge(per_stream)


def _events(stream: str, raw: list[dict]) -> list[Event]:
    return [
        Event(
            timestamp=item["timestamp"],
            stream=stream,
            message=item.get("message", ""),
            ingestion_time=item.get("ingestionTime"),
        )
        for item in raw
    ]


def merge(per_stream: Iterable[list[Event]]) -> list[Event]:
    """Streams that are each in time order -> one list in time order (stable for ties)."""
    return list(heapq.merge(*per_stream, key=lambda e: e.timestamp))


# ---------------------------------------------------------------------------------------------
# Printing

_RED = re.compile(r"\b(FATA|FATAL|fatal|ERR|ERROR|error)\b")
_YELLOW = re.compile(r"\b(WARN|warn|WARNING|warning)\b")


def human_line(event: Event, colour: bool) -> str:
    message = event.message.rstrip("\n")
    prefix = short_name(event.stream)
    if not colour:
        return f"{prefix} {message}"
    message = _RED.sub("\x1b[31m\\1\x1b[0m", message)
    message = _YELLOW.sub("\x1b[33m\\1\x1b[0m", message)
    return f"\x1b[90m{prefix}\x1b[0m {message}"


def render(events: Iterable[Event], *, as_json: bool, colour: bool) -> str:
    """Events as output text, one line each (empty string for none)."""
    lines = [e.as_json() for e in events] if as_json else [human_line(e, colour) for e in events]
    return "\n".join(lines) + "\n" if lines else ""
