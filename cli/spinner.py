"""A transient spinner on stderr for work that may take a while (`render` under Pulumi's mocks,
a preview): shown only on a terminal, and only once the work has taken more than a second, so
quick commands print nothing extra. It is erased when the work ends; stdout is never touched.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

DELAY_SECONDS = 1.0


@contextmanager
def after_a_second(message: str, *, enabled: bool = True) -> Iterator[threading.Event | None]:
    """While inside, a spinner with `message` appears after DELAY_SECONDS on an interactive
    stderr (and when `enabled`). Yields an Event set once it shows (None when it never can)."""
    from scheduled_jobs.cli import output

    console = output.stderr()
    if not enabled or not console.is_interactive:
        yield None
        return
    from rich.live import Live
    from rich.spinner import Spinner
    from rich.text import Text

    display = Live(
        Spinner("dots", text=Text(message)),
        console=console,
        transient=True,
        refresh_per_second=8,
        redirect_stdout=False,  # results stay on stdout, untouched
        redirect_stderr=True,  # a warning printed meanwhile goes above the spinner
    )
    shown = threading.Event()
    lock = threading.Lock()
    finished = False

    def show() -> None:
        with lock:
            if not finished:
                display.start()
                shown.set()

    timer = threading.Timer(DELAY_SECONDS, show)
    timer.daemon = True
    timer.start()
    try:
        yield shown
    finally:
        timer.cancel()
        with lock:
            finished = True
            if shown.is_set():
                display.stop()
