"""Reading a job's CloudWatch log streams: choosing streams by run, reading, merging in time
order, and following.

Streams are listed with DescribeLogStreams (newest activity first) and read with
GetLogEvents, one stream at a time: that keeps each stream in order, lets `--follow` resume
from each stream's forward token (no gaps, no duplicates), and does not depend on
FilterLogEvents' prefix filter. Container streams are `copilot/<container>/<task id>`, so one
run (one ECS task) is every stream that ends with the same task id, sidecars included.

Events are plain tuples `(timestamp, stream, message, ingestion_time)` from the response to
the output line, with no object per event: `jobs logs` prints 100,000s of them and the
client's own work should stay close to what botocore spends parsing the responses
(bench/bench_ops.py measures it).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import chain
from json.encoder import encode_basestring  # json's C encoder (CPython builds _json)
from operator import itemgetter
from typing import Any

from scheduled_jobs.components.contract import STATES_STREAM_PREFIX as STATES_PREFIX
from scheduled_jobs.components.contract import parse_log_stream

# GetLogEvents returns at most 10,000 events per call.
MAX_PAGE = 10_000
# lastEventTimestamp is updated "on an eventual consistency basis" (CloudWatch Logs API),
# so a listing sorted by it is only trusted this far back before stopping.
LAST_EVENT_SLACK_MS = 3_600_000


# An event: (timestamp in ms since the epoch, stream name, message, ingestion time or None).
Event = tuple[int, str, str, "int | None"]
TIMESTAMP, STREAM, MESSAGE, INGESTION_TIME = range(4)


def event(timestamp: int, stream: str, message: str, ingestion_time: int | None = None) -> Event:
    """One event, spelled out (for callers and tests; the reader builds the tuples itself)."""
    return (timestamp, stream, message, ingestion_time)


@dataclass(frozen=True)
class Stream:
    name: str
    last_event: int | None
    created: int | None
    first_event: int | None = None

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
                    first_event=item.get("firstEventTimestamp"),
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

    def latest_run(self, selection: Selection) -> tuple[int, str | None] | None:
        """Where following starts when no time is given: when the newest run `selection`
        picks began (its streams' earliest event, or creation), and its task ID; with
        `selection.tasks`, every run of those tasks counts. None when there is no run yet."""
        latest = Selection(
            last=1, tasks=selection.tasks, include_state_machine=selection.include_state_machine
        )
        streams = self.streams(wants=latest.wants, enough=latest.listed_enough)
        chosen = set(latest.choose(streams))
        starts = [s.first_event or s.created for s in streams if s.name in chosen]
        starts = [start for start in starts if start is not None]
        if not starts:
            return None
        ident = next(
            (task_id(s.name) for s in streams if s.name in chosen and task_id(s.name)), None
        )
        return min(starts), ident

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
    # botocore leaves out members a response does not carry, hence .get for the optional ones.
    return [
        (item["timestamp"], stream, item.get("message", ""), item.get("ingestionTime"))
        for item in raw
    ]


_BY_TIME = itemgetter(TIMESTAMP)


def merge(per_stream: Iterable[list[Event]]) -> list[Event]:
    """Streams that are each in time order -> one list in time order; events with the same
    timestamp keep stream order, then their order within the stream.

    A stable sort of the streams laid end to end is that merge: Timsort finds each stream as
    one sorted run and merges the runs in C, about 3x faster than heapq.merge's Python loop
    (100,000 events over 20 interleaved streams), with the same result, ties included
    (tests/cli/ops/test_logreader_json.py compares the two).
    """
    lists = [events for events in per_stream if events]
    if len(lists) == 1:
        return lists[0]
    return sorted(chain.from_iterable(lists), key=_BY_TIME)


# ---------------------------------------------------------------------------------------------
# Printing

# One pass over a line: group 1 is painted red, group 2 yellow.
_LEVELS = re.compile(r"\b(?:(FATA|FATAL|fatal|ERR|ERROR|error)|(WARN|warn|WARNING|warning))\b")


def _paint(match: re.Match[str]) -> str:
    red = match[1]
    return f"\x1b[31m{red}\x1b[0m" if red else f"\x1b[33m{match[2]}\x1b[0m"


class _Memo(dict):
    """A dict that makes a missing value with `make` and keeps it: one lookup in C per event
    for what is the same for a whole stream (or second)."""

    def __init__(self, make: Callable[[Any], Any]):
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.make(key)
        return value


def _json_prefix(stream: str) -> str:
    return f'{{"logStreamName": {encode_basestring(stream)}, "timestamp": '


def json_lines(events: Iterable[Event]) -> list[str]:
    """One JSON object per event, byte for byte what `json.dumps({"logStreamName": ...,
    "timestamp": ..., "ingestionTime": ..., "message": ...}, ensure_ascii=False)` writes
    (tests/cli/ops/test_logreader_json.py holds it to that), built from a cached prefix per
    stream and json's own C string encoder."""
    prefixes = _Memo(_json_prefix)
    return [
        f'{prefixes[stream]}{timestamp}, "ingestionTime": '
        f'{"null" if ingested is None else ingested}, "message": {encode_basestring(message)}}}'
        for timestamp, stream, message, ingested in events
    ]


def _local_second(second: int) -> tuple[str, str]:
    """A second since the epoch in the viewer's zone: (`2024-05-01T11:00:00`, `+02:00`)."""
    text = datetime.fromtimestamp(second, timezone.utc).astimezone().isoformat()
    return text[:19], text[19:]


def human_lines(events: Iterable[Event], *, colour: bool, timestamps: bool = False) -> list[str]:
    """`<container>/<task id prefix> <message>`, after the event's time in the viewer's zone
    (RFC 3339 with milliseconds, as --start-time reads it) when `timestamps`; with `colour`
    the prefix is grey and level words red (errors) or yellow (warnings)."""
    names = _Memo(short_name)
    stamps = _Memo(_local_second)
    grey, plain = ("\x1b[90m", "\x1b[0m") if colour else ("", "")
    lines = []
    for timestamp, stream, message, _ in events:
        message = message.rstrip("\n")
        if colour:
            message = _LEVELS.sub(_paint, message)
        if timestamps:
            second, millis = divmod(timestamp, 1000)
            base, offset = stamps[second]
            lines.append(f"{grey}{base}.{millis:03d}{offset} {names[stream]}{plain} {message}")
        else:
            lines.append(f"{grey}{names[stream]}{plain} {message}")
    return lines


def human_line(event: Event, colour: bool, timestamps: bool = False) -> str:
    return human_lines([event], colour=colour, timestamps=timestamps)[0]


def render(
    events: Iterable[Event], *, as_json: bool, colour: bool, timestamps: bool = False
) -> str:
    """Events as output text, one line each (empty string for none). `timestamps` is for
    human lines only: a JSON line carries its timestamp already."""
    if as_json:
        lines = json_lines(events)
    else:
        lines = human_lines(events, colour=colour, timestamps=timestamps)
    return "\n".join(lines) + "\n" if lines else ""
