"""`jobs logs`: print a deployed job's logs, by run, in time order; or follow them."""

from __future__ import annotations

from typing import Annotated

import typer

from scheduled_jobs.cli.options import AppOption, EnvOption, GiveUpOption, JsonOption, job_argument
from scheduled_jobs.cli.output import UserError

_MAX_LIMIT = 10_000
# Events rendered and written per write: bounded memory, few system calls.
_CHUNK = 5_000


def _check_flags(
    *,
    follow: bool,
    since: str | None,
    start_time: str | None,
    end_time: str | None,
    limit: int | None,
    last: int | None,
    tasks: list[str],
    include_state_machine: bool,
) -> None:
    """Copilot's rules for `job logs` flags, with its messages."""
    if since and start_time:
        raise UserError("only one of --since or --start-time may be used")
    if follow and end_time:
        raise UserError("only one of --follow or --end-time may be used")
    if follow and last is not None:
        raise UserError("only one of --follow or --last may be used")
    if include_state_machine and tasks:
        raise UserError("only one of --include-state-machine or --tasks may be used")
    if limit is not None and not 1 <= limit <= _MAX_LIMIT:
        raise UserError(
            f"--limit {limit} is out-of-bounds, value must be between 1 and {_MAX_LIMIT}"
        )
    if last is not None and last < 1:
        raise UserError("--last must be at least 1")


def _split_ids(values: list[str]) -> tuple[str, ...]:
    """`--tasks a,b --tasks c` -> ("a", "b", "c"); full task ARNs are cut to their ID."""
    from scheduled_jobs.components.contract import parse_task_arn

    ids = []
    for value in values:
        for item in value.split(","):
            item = parse_task_arn(item.strip())[1]
            if item:
                ids.append(item)
    return tuple(ids)


def _following(
    group: str, since: int, *, asked: int | None, latest: tuple[int, str | None] | None
) -> str:
    """The line said before following: what, from when (in the viewer's zone), and why then."""
    from rich.markup import escape

    from scheduled_jobs.cli.ops.times import local_moment

    moment = local_moment(since)
    if asked is not None:
        why = ""
    elif latest is None:
        why = ": no run has logged yet"
    else:
        ident = latest[1]
        why = f", the start of the latest run{f' ({ident[:8]})' if ident else ''}"
    return escape(f"following {group} from {moment}{why}; Ctrl-C to stop")


def _reader_gone() -> None:
    """stdout's reader left (`jobs logs ... | head`): stop quietly, as the reader asked."""
    import os
    import sys

    # Python flushes stdout again at exit; point it at /dev/null so that cannot fail too.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    raise typer.Exit(0)


def logs(
    name: Annotated[str, job_argument()],
    env: EnvOption,
    app: AppOption = None,
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new events until Ctrl-C.")
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(metavar="DURATION", help="Only events newer than this: 30s, 15m, 1h, 2d."),
    ] = None,
    start_time: Annotated[
        str | None, typer.Option(metavar="TIME", help="Only events at or after this RFC 3339 time.")
    ] = None,
    end_time: Annotated[
        str | None,
        typer.Option(metavar="TIME", help="Only events at or before this RFC 3339 time."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(metavar="N", help="Print at most this many events (the newest), 1-10000."),
    ] = None,
    last: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="Show the newest N runs (one run = one ECS task, every container of it). "
            "Default: 1, or every run in the time window when one is given.",
        ),
    ] = None,
    tasks: Annotated[
        list[str] | None,
        typer.Option(
            "--tasks",
            metavar="ID",
            help="Only these task IDs (or ID prefixes); repeat or use commas.",
        ),
    ] = None,
    include_state_machine: Annotated[
        bool,
        typer.Option(
            "--include-state-machine",
            help="Also print the Step Functions execution logs (streams states/...).",
        ),
    ] = False,
    timestamps: Annotated[
        bool,
        typer.Option(
            "--timestamps",
            "-t",
            help="Start each line with the event's time in your time zone (TZ). "
            "--json lines carry `timestamp` already and are unchanged.",
        ),
    ] = False,
    as_json: JsonOption = False,
    give_up_after: GiveUpOption = None,
) -> None:
    """Print a job's logs: by default every container of its latest run."""
    import time

    from scheduled_jobs.cli.ops.finder import find_log_group
    from scheduled_jobs.cli.ops.logreader import LogReader, Selection, render
    from scheduled_jobs.cli.ops.session import aws_errors, connect
    from scheduled_jobs.cli.ops.times import parse_time, to_millis
    from scheduled_jobs.cli.ops.times import since as since_time
    from scheduled_jobs.cli.output import colour_enabled, info, result

    task_ids = _split_ids(tasks or [])
    _check_flags(
        follow=follow,
        since=since,
        start_time=start_time,
        end_time=end_time,
        limit=limit,
        last=last,
        tasks=list(task_ids),
        include_state_machine=include_state_machine,
    )
    now = int(time.time() * 1000)
    start = to_millis(parse_time(start_time, "--start-time")) if start_time else None
    if since:
        start = to_millis(since_time(since))
    end = to_millis(parse_time(end_time, "--end-time")) if end_time else None
    if start is not None and end is not None and start > end:
        raise UserError("--start-time is after --end-time")
    if give_up_after is not None and not follow:
        raise UserError("--give-up-after is only for --follow")
    from scheduled_jobs.cli.ops.outage import Patience, duration_option, poll_interval

    patience_seconds = duration_option(give_up_after)

    aws = connect(env, app)
    group = find_log_group(aws, name)
    reader = LogReader(aws.client("logs"), group)
    colour = not as_json and colour_enabled()

    def emit(events: list) -> None:
        try:
            for i in range(0, len(events), _CHUNK):
                chunk = events[i : i + _CHUNK]
                result(render(chunk, as_json=as_json, colour=colour, timestamps=timestamps))
        except BrokenPipeError:
            _reader_gone()

    windowed = start is not None or end is not None
    selection = Selection(
        last=last if last is not None else (None if (windowed or follow or task_ids) else 1),
        tasks=task_ids,
        include_state_machine=include_state_machine,
    )
    with aws_errors():
        if not follow:
            events = reader.read(selection, start=start, end=end, limit=limit)
            if not events:
                info(f"no log events in {group} for the runs and times asked")
            emit(events)
            return
        first = True
        patience = Patience(
            "CloudWatch Logs", interval=poll_interval(1.0), give_up_after=patience_seconds
        )
        try:
            follow_from, latest = start, None
            if start is None:
                # As `tail -f` does, the latest run's lines come first, then what follows.
                latest = patience.call(
                    lambda: reader.latest_run(selection),
                    what_happens="Nothing was printed: run the command again.",
                    sleep=time.sleep,
                )
                follow_from = now if latest is None else latest[0]
            info(_following(group, follow_from, asked=start, latest=latest))
            for batch in reader.follow(selection.wants, start=follow_from, patience=patience):
                if first and limit is not None:
                    batch = batch[-limit:]  # --limit trims what happened before following
                first = False
                emit(batch)
        except KeyboardInterrupt:
            raise typer.Exit(0) from None
