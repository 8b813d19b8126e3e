"""One routine for a stack update (deploy, destroy, delete) and one for its preview (deploy,
package): live progress lines, the engine's errors as one message with how to retry, Ctrl-C
(cancel the update, say where the stack stands) and the summary line."""

from __future__ import annotations

from typing import Any

from cli.output import info
from cli.stacks import seam
from cli.stacks.progress import Recorder, format_counts


def preview(stack: Any, env: str, *, retry: str, **options: Any) -> tuple[Any, Recorder]:
    """`stack.preview(**options)`; the result and the recorder that holds the plan."""
    plan = Recorder()
    with seam.pulumi_errors(env, action="preview", recorder=plan, retry=retry):
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
    """`stack.<operation>(**options)` ("up" or "destroy") with a line per finished resource;
    then `<done> in <time>: <counts>`. Returns the operation's result.

    `command` names the command in the Ctrl-C message, `action` what failed in an error
    (`deploy to dev`), `retry` how to try again after an error, `resume` the command that
    finishes after Ctrl-C.
    """
    from cli.ops.times import format_duration

    progress = Recorder(emit=info)
    try:
        with seam.pulumi_errors(env, action=action, recorder=progress, retry=retry):
            result = getattr(stack, operation)(on_event=progress, color="never", **options)
    except KeyboardInterrupt:
        raise seam.interrupted(stack, env, command, resume=resume) from None
    counts = format_counts(result.summary.resource_changes or {})
    info(f"{done} in {format_duration(progress.elapsed())}: {counts}")
    return result
