"""One routine for a stack update (deploy, destroy, delete) and one for its preview (deploy,
package): live progress (on a terminal the resources in flight with their elapsed time and last
output line, cli/stacks/live.py; elsewhere a plain line per event), the engine's errors as one
message with how to retry, Ctrl-C and the summary line.

Ctrl-C: a terminal sends SIGINT to the whole foreground process group, so the `pulumi` child
gets it too and, on the first one, stops gracefully: it finishes the operations in flight and
records them in the state, then exits. The Automation API call runs in a worker thread so that
our KeyboardInterrupt (main thread only) never abandons the child: the SDK keeps reading its
output until it exits (abandoning it would close the pipes it writes to). A second Ctrl-C makes
the CLI stop at once; only then do we also call `stack.cancel()`, and we say what that costs:
operations in flight may have changed AWS without being recorded (the SDK's own warning on
`cancel`), so the next command should refresh.
"""

from __future__ import annotations

from typing import Any

from scheduled_jobs.cli.output import info
from scheduled_jobs.cli.stacks import seam
from scheduled_jobs.cli.stacks.progress import Recorder, format_counts


def preview(stack: Any, env: str, *, retry: str, **options: Any) -> tuple[Any, Recorder]:
    """`stack.preview(**options)`; the result and the recorder that holds the plan."""
    from scheduled_jobs.cli.spinner import after_a_second

    plan = Recorder()
    with (
        seam.pulumi_errors(env, action="preview", recorder=plan, retry=retry),
        after_a_second(f"Pulumi is previewing {env} ..."),
    ):
        result = stack.preview(on_event=plan, color="never", **options)
    return result, plan


def run(
    stack: Any,
    env: str,
    operation: str,
    *,
    command: str,
    action: str,
    done: str,
    retry: str,
    resume: str,
    **options: Any,
) -> Any:
    """`stack.<operation>(**options)` ("up" or "destroy") with live progress; then
    `<done> in <time>: <counts>`. Returns the operation's result.

    `command` names the command in the Ctrl-C message, `action` what failed in an error
    (`deploy to dev`), `retry` how to try again after an error, `resume` the command that
    finishes after Ctrl-C.
    """
    from scheduled_jobs.cli.ops.times import format_duration
    from scheduled_jobs.cli.output import stderr
    from scheduled_jobs.cli.stacks.live import showing

    progress = Recorder(emit=_plain)
    call = lambda: getattr(stack, operation)(on_event=progress, color="never", **options)  # noqa: E731
    with showing(progress, stderr()):  # the drawing ends before any error or summary
        outcome, interrupts = _in_worker(stack, call)
    if interrupts:
        raise seam.interrupted(stack, env, command, resume=resume, interrupts=interrupts)
    with seam.pulumi_errors(env, action=action, recorder=progress, retry=retry):
        result = outcome()
    counts = format_counts(result.summary.resource_changes or {})
    info(f"{done} in {format_duration(progress.elapsed())}: {counts}")
    return result


def _plain(line: str) -> None:
    """A progress line on stderr as is: provider output like `#1 [internal] load ...` is not
    rich markup."""
    from scheduled_jobs.cli.output import info_text

    info_text(line)


# How long to wait for the engine after a second Ctrl-C and `cancel` (it stops at once then).
AFTER_CANCEL_SECONDS = 60.0


def _in_worker(stack: Any, call: Any) -> tuple[Any, int]:
    """Run `call` in a thread; wait for it through Ctrl-C. Returns (a function that returns
    the result or raises the call's exception, the number of Ctrl-Cs)."""
    import threading

    box: dict[str, Any] = {}
    # An Event, not Thread.join: a KeyboardInterrupt inside join() can leave the thread marked
    # as finished while it still runs (CPython's join releases the thread's lock on any error).
    done = threading.Event()

    def work() -> None:
        try:
            box["result"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=work, name="pulumi-update", daemon=True)
    interrupts = 0
    started = False
    while not done.is_set():
        try:
            if not started:  # a Ctrl-C may come while start() waits for the thread
                started = True
                worker.start()
            elif interrupts >= 2:
                done.wait(AFTER_CANCEL_SECONDS)
                break
            else:
                done.wait(0.2)
        except KeyboardInterrupt:
            interrupts += 1
            if interrupts == 1:
                info(
                    "Ctrl-C: Pulumi is stopping after the operations in flight and records "
                    "them; wait for it. Press Ctrl-C again to stop at once (then resources "
                    "being changed may exist in AWS without being in the stack's state)."
                )
            elif interrupts == 2:
                info("Second Ctrl-C: cancelling the update now.")
                seam.cancel(stack)

    def outcome() -> Any:
        if "error" in box:
            raise box["error"]
        return box.get("result")

    return outcome, interrupts
