"""Step Functions executions of a job: start one with overrides, wait for it, and read what
happened (ECS task ARNs, the main container's exit code, the failure reason) from the
execution history that the `ecs:runTask.sync` integration writes.
"""

from __future__ import annotations

import json
import re
import secrets
import shlex
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from scheduled_jobs.cli.output import UserError
from scheduled_jobs.components.contract import FORCE_KEY, OVERRIDES_KEY, parse_task_arn

RUNNING_STATES = {"RUNNING", "PENDING_REDRIVE"}
# Exit codes `jobs run --wait` uses when the container's own code is unknown.
EXIT_FAILED = 1
EXIT_TIMED_OUT = 124  # as timeout(1)
EXIT_ABORTED = 125
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_env_vars(pairs: Iterable[str]) -> list[dict[str, str]]:
    """`["K=V", "X=a=b"]` -> ECS `environment` entries; a later K wins, order kept."""
    entries: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not _ENV_NAME.match(key):
            raise UserError(
                f"--env-var {pair!r} is not NAME=VALUE",
                hint="Names are letters, digits and _ and do not start with a digit.",
            )
        entries.pop(key, None)
        entries[key] = value
    return [{"name": k, "value": v} for k, v in entries.items()]


def parse_command(text: str) -> list[str]:
    """Split `--command` the way a shell would (no shell runs it), as Copilot splits a string
    `command:` in a manifest."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise UserError(f"--command {text!r}: {exc}") from None
    if not words:
        raise UserError("--command must not be empty")
    return words


def execution_input(
    command: list[str] | None,
    environment: list[dict[str, str]],
    *,
    size: tuple[int, int] | None = None,
    force: bool = False,
) -> dict:
    """The execution input the job's state machine reads its overrides from; `size` is a
    (cpu, memory) pair for the task; `force` skips the job's concurrency policy."""
    overrides: dict[str, Any] = {}
    if command:
        overrides["command"] = command
    if environment:
        overrides["environment"] = environment
    if size is not None:
        # ECS RunTask takes task-level cpu and memory as strings.
        overrides["cpu"], overrides["memory"] = str(size[0]), str(size[1])
    payload: dict[str, Any] = {OVERRIDES_KEY: overrides} if overrides else {}
    if force:
        payload[FORCE_KEY] = True
    return payload


def parse_size(cpu: int | None, memory: int | None) -> tuple[int, int] | None:
    """--cpu/--memory as a Fargate (cpu, memory) pair; UserError when it is not one."""
    from scheduled_jobs.components.manifest.rules import FARGATE_SIZES, fargate_size_problem

    if cpu is None and memory is None:
        return None
    if cpu is None or memory is None:
        raise UserError(
            "--cpu and --memory go together: Fargate takes a task size as a pair",
            hint=f"For example --cpu 1024 --memory 2048; cpu units: "
            f"{', '.join(map(str, FARGATE_SIZES))}.",
        )
    problem = fargate_size_problem(cpu, memory)
    if problem:
        raise UserError(f"--cpu {cpu} --memory {memory}: {problem}")
    return cpu, memory


def accepts_overrides(definition: str) -> bool:
    """Whether a state machine definition reads the overrides (Copilot's does not)."""
    return f"$.{OVERRIDES_KEY}." in definition


def accepts_command(definition: str) -> bool:
    """Whether a definition reads command and environment overrides: not one deployed from a
    manifest with `run_overrides: false` (which still reads the size), nor Copilot's."""
    return f"$.{OVERRIDES_KEY}.command" in definition


def accepts_size(definition: str) -> bool:
    """Whether a state machine definition reads task size overrides (older ones do not)."""
    return f"$.{OVERRIDES_KEY}.cpu" in definition


def new_execution_name(now: datetime | None = None) -> str:
    """`manual-20240501T090000Z-1a2b3c`: sortable, unique, and says it was started by hand."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return f"manual-{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


# ---------------------------------------------------------------------------------------------
# Reading the execution history


@dataclass
class TaskOutcome:
    """What the history says about the ECS task(s) one execution ran."""

    task_arns: list[str] = field(default_factory=list)
    exit_code: int | None = None  # the main container's, of the last attempt
    reason: str | None = None  # why the task or execution failed, as AWS recorded it
    capacity: str | None = None  # "spot" or "on-demand": where the last attempt ran
    skipped: str | None = None  # `concurrency: forbid` skipped the run: why


def _json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _task_document(details: dict) -> dict | None:
    """The ECS task (DescribeTasks shape) in a TaskSucceeded `output` or TaskFailed `cause`."""
    doc = _json(details.get("output") or details.get("cause"))
    return doc if isinstance(doc, dict) else None


def _main_container(task: dict, container: str) -> dict | None:
    containers = task.get("Containers") or task.get("containers") or []
    for item in containers:
        if (item.get("Name") or item.get("name")) == container:
            return item
    return None


def task_outcome(events: Iterable[dict], container: str) -> TaskOutcome:
    """Task ARNs (every retry), and the exit code and failure reason of the last attempt."""
    outcome = TaskOutcome()
    for event in events:
        kind = event.get("type")
        if kind == "TaskSubmitted":
            doc = _json(event.get("taskSubmittedEventDetails", {}).get("output")) or {}
            for task in doc.get("Tasks", []) if isinstance(doc, dict) else []:
                arn = task.get("TaskArn")
                if arn and arn not in outcome.task_arns:
                    outcome.task_arns.append(arn)
        elif kind in ("TaskSucceeded", "TaskFailed"):
            details = (
                event.get("taskSucceededEventDetails") or event.get("taskFailedEventDetails") or {}
            )
            task = _task_document(details)
            if task is not None:
                arn = task.get("TaskArn")
                if arn and arn not in outcome.task_arns:
                    outcome.task_arns.append(arn)
                provider = task.get("CapacityProviderName") or task.get("capacityProviderName")
                outcome.capacity = "spot" if provider == "FARGATE_SPOT" else "on-demand"
                main = _main_container(task, container)
                code = (main or {}).get("ExitCode")
                outcome.exit_code = code if isinstance(code, int) else None
                if kind == "TaskFailed":
                    outcome.reason = (main or {}).get("Reason") or task.get("StoppedReason")
                else:
                    outcome.reason = None
            elif kind == "TaskFailed":
                outcome.exit_code = None
                outcome.reason = _reason(details.get("error"), details.get("cause"))
        elif kind == "ExecutionSucceeded":
            # `concurrency: forbid` ends a run that found another running with this output
            # (components/convert/state_machine.py): a skip, not a run.
            output = _json(event.get("executionSucceededEventDetails", {}).get("output"))
            if isinstance(output, dict) and isinstance(output.get("skipped"), str):
                outcome.skipped = f"skipped: {output['skipped']}"
        elif kind in ("ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"):
            key = {
                "ExecutionFailed": "executionFailedEventDetails",
                "ExecutionTimedOut": "executionTimedOutEventDetails",
                "ExecutionAborted": "executionAbortedEventDetails",
            }[kind]
            details = event.get(key) or {}
            # Without a Catch, a failed `.sync` task's ECS task is also the execution's cause.
            task = _task_document(details)
            if task is not None and outcome.exit_code is None:
                provider = task.get("CapacityProviderName") or task.get("capacityProviderName")
                outcome.capacity = "spot" if provider == "FARGATE_SPOT" else "on-demand"
                main = _main_container(task, container)
                code = (main or {}).get("ExitCode")
                outcome.exit_code = code if isinstance(code, int) else None
                arn = task.get("TaskArn")
                if arn and arn not in outcome.task_arns:
                    outcome.task_arns.append(arn)
            if outcome.reason is None or kind != "ExecutionFailed":
                outcome.reason = (
                    _reason(details.get("error"), details.get("cause")) or outcome.reason
                )
            if outcome.reason is None and kind == "ExecutionTimedOut":
                outcome.reason = "the execution timed out"
    return outcome


def _reason(error: str | None, cause: str | None) -> str | None:
    """`States.TaskFailed: Essential container in task exited` from an error and its cause;
    a JSON cause (an ECS task) gives its StoppedReason."""
    doc = _json(cause)
    if isinstance(doc, dict):
        cause = doc.get("StoppedReason") or doc.get("errorMessage") or None
    parts = [p for p in (error, cause) if p]
    return ": ".join(parts) if parts else None


def history(
    sfn: Any, execution_arn: str, *, newest_first: bool = False, limit: int | None = None
) -> list[dict]:
    events: list[dict] = []
    kwargs: dict[str, Any] = {"executionArn": execution_arn, "reverseOrder": newest_first}
    while True:
        page = sfn.get_execution_history(maxResults=min(limit or 1000, 1000), **kwargs)
        events.extend(page.get("events", []))
        token = page.get("nextToken")
        if not token or (limit and len(events) >= limit):
            return events
        kwargs["nextToken"] = token


def exit_code_from_ecs(ecs: Any, task_arn: str, container: str) -> int | None:
    """The container's exit code from ECS while the stopped task is still described (about
    an hour after it stops)."""
    cluster = parse_task_arn(task_arn)[0] or "default"
    tasks = ecs.describe_tasks(cluster=cluster, tasks=[task_arn]).get("tasks", [])
    for task in tasks:
        for item in task.get("containers", []):
            if item.get("name") == container and isinstance(item.get("exitCode"), int):
                return item["exitCode"]
    return None


def exit_code(status: str, container_exit: int | None) -> int:
    """The exit status of `jobs run --wait`: the container's code when known, else one that
    says how the execution ended."""
    if status == "SUCCEEDED":
        return 0
    if container_exit:
        return container_exit
    return {"TIMED_OUT": EXIT_TIMED_OUT, "ABORTED": EXIT_ABORTED}.get(status, EXIT_FAILED)


# ---------------------------------------------------------------------------------------------
# Waiting


def wait(
    sfn: Any,
    execution_arn: str,
    *,
    on_poll: Callable[[dict], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    first_interval: float = 0.5,
    max_interval: float = 5.0,
    patience: Any = None,
    gave_up: str = "",
) -> dict:
    """Poll DescribeExecution until the execution ends; `on_poll` sees every description
    (this is where `--follow` reads new log events). Returns the final description.

    With `patience` (cli.ops.outage.Patience), a round lost to an outage is polled again with
    backoff, and the wait ends with its error (`gave_up`: what the user should know) only when
    the outage outlasts its deadline."""
    interval = first_interval

    def round_() -> dict:
        described = sfn.describe_execution(executionArn=execution_arn)
        if on_poll is not None:
            on_poll(described)
        return described

    while True:
        described = round_() if patience is None else patience.attempt(round_)
        if described is None:  # an outage: try again later, from the same place
            if patience.expired():
                raise patience.gave_up(gave_up)
            sleep(patience.delay())
            continue
        if described.get("status") not in RUNNING_STATES:
            return described
        sleep(interval)
        interval = min(max_interval, interval * 1.5)


def duration_seconds(described: dict) -> float | None:
    start, stop = described.get("startDate"), described.get("stopDate")
    if start is None or stop is None:
        return None
    return (stop - start).total_seconds()
