"""The seam between the CLI and the Pulumi Automation API: the only module that imports it.

Commands get a real `pulumi.automation.Stack` (or, in tests, the stand-in from
tests/cli/fake_stacks.py, which `automation()` returns instead) and call its own methods
(`preview`, `up`, `destroy`, ...). What lives here is what every command needs around those
calls: finding the CLI, opening the environment's stack on the project's own program, the URN
targets of a job, and turning Automation API errors into one clear message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from scheduled_jobs.cli.output import UserError, program

if TYPE_CHECKING:  # pragma: no cover
    from scheduled_jobs.cli.project import Project

# Targeted updates use exact URNs (cli/stacks/targets.py), never `--exclude` (3.158.0+), so
# the floor is the Automation API's own features used here (`PulumiCommand`, 3.95+ ...); we
# keep the version this was last checked with as the documented minimum.
MIN_CLI_VERSION = "3.158.0"
INSTALL_HINT = (
    f"Install the Pulumi CLI {MIN_CLI_VERSION} or newer and make sure `pulumi` is on PATH: "
    "`curl -fsSL https://get.pulumi.com | sh` (Linux, macOS) or `brew install pulumi/tap/pulumi`; "
    "see https://www.pulumi.com/docs/iac/download-install/"
)

ROOT_TYPE = "pulumi:pulumi:Stack"


def automation() -> Any:
    """The Automation API module (`pulumi.automation`); tests put their stand-in here."""
    import pulumi.automation as auto

    return auto


# --- the CLI -----------------------------------------------------------------------------


def pulumi_command() -> Any:
    """A `PulumiCommand` for the `pulumi` on PATH, checked against the minimum version."""
    import subprocess

    from semver import VersionInfo  # a dependency of the pulumi SDK

    auto = automation()
    with pulumi_errors(None):
        try:
            return auto.PulumiCommand(version=VersionInfo.parse(MIN_CLI_VERSION))
        except subprocess.CalledProcessError as exc:
            raise UserError(
                f"`pulumi version` failed (exit code {exc.returncode})", hint=INSTALL_HINT
            ) from None


# --- stacks --------------------------------------------------------------------------------


def _options(project: Project, env_vars: Mapping[str, str], command: Any) -> Any:
    auto = automation()
    return auto.LocalWorkspaceOptions(
        work_dir=str(project.root), env_vars=dict(env_vars), pulumi_command=command
    )


def open_stack(
    project: Project, env: str, *, env_vars: Mapping[str, str], command: Any, create: bool
) -> Any:
    """The stack named `env` of the project's own program (Pulumi.yaml + __main__.py).

    `create=False` only selects: an environment nobody created is an error, not a new stack.
    """
    auto = automation()
    opts = _options(project, env_vars, command)
    with pulumi_errors(env):
        if create:
            return auto.create_or_select_stack(
                stack_name=env, work_dir=str(project.root), opts=opts
            )
        return auto.select_stack(stack_name=env, work_dir=str(project.root), opts=opts)


def list_stacks(project: Project, *, env_vars: Mapping[str, str], command: Any) -> list[Any]:
    """`StackSummary` of every stack of the project in the current backend."""
    auto = automation()
    with pulumi_errors(None):
        workspace = auto.LocalWorkspace(
            work_dir=str(project.root), env_vars=dict(env_vars), pulumi_command=command
        )
        return list(workspace.list_stacks())


# --- targets -------------------------------------------------------------------------------


def urn(env: str, project: str, qualified_type: str, name: str) -> str:
    return f"urn:pulumi:{env}::{project}::{qualified_type}::{name}"


def state_resources(stack: Any, env: str) -> list[dict[str, Any]]:
    """The resources of the stack's state (`pulumi stack export`)."""
    with pulumi_errors(env):
        state = stack.export_stack()
    return list((state.deployment or {}).get("resources") or [])


def descendants(resources: Iterable[Mapping[str, Any]], root_urn: str) -> list[str]:
    """URNs of `root_urn` and every resource below it (by `parent`), from a stack export.
    Exact URNs, for operations on resources that exist (destroy)."""
    resources = list(resources)
    found = [r["urn"] for r in resources if r.get("urn") == root_urn]
    frontier = set(found)
    while frontier:
        children = [r["urn"] for r in resources if r.get("parent") in frontier]
        children = [u for u in children if u not in found]
        found += children
        frontier = set(children)
    return found


# --- errors --------------------------------------------------------------------------------

_LOCK_OWNER = re.compile(r"created by (?P<who>\S+)(?: \(pid (?P<pid>\d+)\))? at (?P<when>\S+)")


def lock_message(env: str | None, stderr: str) -> UserError:
    """A stack locked by another update: who and when, if the backend said."""
    where = f"environment {env}" if env else "the stack"
    owner = _LOCK_OWNER.search(stderr)
    detail = ""
    if owner:
        detail = f" (started by {owner['who']}"
        detail += f", pid {owner['pid']}" if owner["pid"] else ""
        detail += f", at {owner['when']})"
    stack = f" --stack {env}" if env else ""
    hint = (
        "Wait for that update to finish: it may be running right now (`scheduled-jobs env ls` "
        "shows it in progress), and cancelling a running update leaves the changes it has in "
        "flight unrecorded."
    )
    if owner and _dead_here(owner["who"], owner["pid"]):
        hint = (
            f"That update was started on this machine by process {owner['pid']}, which is no "
            f"longer running: release its lock with `pulumi cancel{stack}`, then run "
            "`scheduled-jobs deploy` with --refresh to record what it changed."
        )
    return UserError(f"{where} is locked by another update{detail}", hint=hint)


def _dead_here(who: str, pid: str | None) -> bool:
    """True when the lock's owner `user@host (pid N)` is this host and N is not running."""
    import os
    import socket

    if not pid or who.rsplit("@", 1)[-1] != socket.gethostname():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (OSError, ValueError):
        return False
    return False


def command_output(exc: BaseException) -> tuple[str, str]:
    """(stdout, stderr) of a failed Pulumi command, from a CommandError's text."""
    text = str(exc)
    out = re.search(r"\n stdout: (.*)\n stderr: ", text, re.S)
    err = re.search(r"\n stderr: (.*)\Z", text, re.S)
    return (out.group(1) if out else ""), (err.group(1) if err else text)


def error_lines(text: str, limit: int = 20) -> list[str]:
    """The `error:` lines of Pulumi's own output, without duplicates."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("error:") and line not in lines:
            lines.append(line)
    return lines[:limit]


@contextmanager
def pulumi_errors(
    env: str | None,
    *,
    action: str = "pulumi",
    recorder: Any = None,
    retry: str | None = None,
) -> Iterator[None]:
    """Turn the Automation API's errors into a UserError (one message, non-zero exit).

    For an update, `recorder` (cli.stacks.progress.Recorder) holds the engine's error lines for the
    failing resources, and `retry` says how to try again.
    """
    auto = automation()
    try:
        yield
    except FileNotFoundError:
        raise UserError(
            "the Pulumi CLI is not installed (no `pulumi` on PATH)", hint=INSTALL_HINT
        ) from None
    except auto.InvalidVersionError as exc:
        raise UserError(f"this Pulumi CLI cannot be used: {exc}", hint=INSTALL_HINT) from None
    except auto.ConcurrentUpdateError as exc:
        raise lock_message(env, command_output(exc)[1]) from None
    except auto.StackNotFoundError:
        raise UserError(
            f"unknown environment {env!r}: no stack named {env!r} in this backend",
            hint=f"Create it with `{program()} env init {env}`, or check the backend (--backend, "
            f"PULUMI_BACKEND_URL, `pulumi whoami`). `{program()} env ls` lists the environments.",
        ) from None
    except auto.CommandError as exc:
        stdout, stderr = command_output(exc)
        lines = recorder.failure_lines() if recorder is not None else []
        lines = lines or error_lines(stderr + "\n" + stdout)
        lines = lines or [stderr.strip() or str(exc).strip()]
        raise UserError(f"{action} failed:\n  " + "\n  ".join(lines), hint=retry) from None
    except RuntimeError as exc:
        # The SDK's preview raises a bare RuntimeError when the engine sent no summary
        # (the CLI died mid-way); anything else is a bug and keeps its traceback.
        if "summary event never found" not in str(exc):
            raise
        raise UserError(
            f"{action} failed: the Pulumi engine stopped without a summary", hint=retry
        ) from None


def cancel(stack: Any) -> bool:
    """`pulumi cancel` on the stack; False when there was nothing to cancel."""
    auto = automation()
    try:
        stack.cancel()
    except (auto.CommandError, FileNotFoundError):
        return False
    return True


def interrupted(stack: Any, env: str, action: str, resume: str, interrupts: int = 1) -> UserError:
    """After Ctrl-C during an update: say where the stack stands and what to do next. One
    Ctrl-C let the engine stop gracefully (nothing is lost); two cancelled it."""
    auto = automation()
    state = "unknown"
    try:
        summary = stack.info()
        state = summary.result if summary is not None else "never updated"
    except (auto.CommandError, FileNotFoundError):
        pass
    if interrupts >= 2:
        return UserError(
            f"{action} interrupted twice: the update of {env} was cancelled at once; its last "
            f"recorded result is {state!r}. Operations that were in flight may have changed "
            "AWS without being recorded in the stack's state.",
            hint=f"Run `{resume}` to read the real state from AWS and finish.",
            code=130,
        )
    return UserError(
        f"{action} interrupted: Pulumi stopped the update of {env} after the operations in "
        f"flight and recorded them; its last recorded result is {state!r}. Nothing was lost; "
        "the changes not yet made are still to do.",
        hint=f"Run `{resume}` to finish.",
        code=130,
    )
