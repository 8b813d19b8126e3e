"""An update's resources in flight, drawn live on a terminal (rich's Live display, on stderr):
one line per resource with its elapsed time and the last line it printed (an image build shows
its build output from its first second), under the lines of what finished, which stay. The
drawing is transient: when the update ends only the finished lines and the summary remain.

Outside a terminal (a pipe, CI, TERM=dumb, TTY_INTERACTIVE=0) nothing here runs and the
Recorder prints a plain line per event instead. The state and every line's text come from
cli/stacks/progress.py; this module only draws them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from scheduled_jobs.cli.ops.times import format_duration
from scheduled_jobs.cli.stacks.progress import Happening, Recorder, plain_line

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console, ConsoleOptions, RenderResult

# Finished, failed and warned lines stay above the drawing; output lines only update it.
KEPT = ("done", "failed", "warning")
# Redraw for an output line at most this often (a build can print hundreds a second); the
# display also redraws by itself REFRESH_PER_SECOND times, for the elapsed times.
MIN_REFRESH = 0.1
REFRESH_PER_SECOND = 4


def wall_clock() -> float:
    """Unix time: the clock of the engine's event timestamps."""
    return time.time()


def interactive(console: Console) -> bool:
    """A terminal that can redraw: rich's own test (isatty, FORCE_COLOR, TERM=dumb,
    TTY_INTERACTIVE)."""
    return bool(console.is_interactive)


class Board:
    """What the Live display draws, computed at each refresh from the recorder's state."""

    def __init__(self, recorder: Recorder):
        self.recorder = recorder

    def lines(self, now: float, height: int) -> tuple[str, list[str]]:
        """(the header, a line per resource in flight, at most `height`)."""
        with self.recorder.lock:
            flights = self.recorder.flights
            rows = flights.lines(now)
            done = flights.done
        elapsed = format_duration(self.recorder.elapsed())
        header = f"{elapsed} elapsed, {done} done, {len(rows)} in flight"
        if len(rows) > height:
            hidden = len(rows) - height + 1
            rows = rows[: height - 1] + [f"   ... and {hidden} more"]
        return header, rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.spinner import Spinner
        from rich.text import Text

        height = max(1, (options.height or console.height) - 2)
        header, rows = self.lines(wall_clock(), height)
        yield Spinner("dots", text=Text(header, style="dim"))
        for row in rows:
            yield Text(row, no_wrap=True, overflow="ellipsis")


class Live:
    """The Recorder's `show` on a terminal: keeps the finished lines, redraws the board."""

    def __init__(self, recorder: Recorder, console: Console):
        from rich.live import Live as RichLive

        self.recorder = recorder
        self.console = console
        self.display = RichLive(
            Board(recorder),
            console=console,
            refresh_per_second=REFRESH_PER_SECOND,
            transient=True,
            redirect_stdout=False,  # stdout carries results, never the drawing
            redirect_stderr=True,
        )
        self.last_refresh = 0.0

    def __call__(self, happening: Happening, elapsed: float) -> None:
        from rich.text import Text

        if happening.kind in KEPT:
            self.console.print(Text(plain_line(happening, elapsed)), soft_wrap=True)
        now = time.monotonic()
        if happening.kind != "output" or now - self.last_refresh >= MIN_REFRESH:
            self.last_refresh = now
            self.display.refresh()


@contextmanager
def showing(recorder: Recorder, console: Console) -> Iterator[Any]:
    """While inside, a terminal shows the recorder's events live; elsewhere, nothing changes
    (the recorder keeps its plain lines)."""
    if not interactive(console):
        yield None
        return
    live = Live(recorder, console)
    recorder.show = live
    live.display.start()
    try:
        yield live
    finally:
        live.display.stop()
