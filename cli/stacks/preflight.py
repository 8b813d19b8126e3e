"""Checks the stack commands (deploy, package, destroy, delete, env) share, in the order a
user meets them: a valid environment name, the Pulumi CLI, the backend, the stack, AWS
credentials (through the environment's shared session, cli.ops.session), confirmation. Each
failure is one UserError. Jobs are selected with cli.project.Project.select_jobs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cli.output import UserError, info
from cli.project import Project
from components.contract import IMAGE_TAG_VARIABLE

if TYPE_CHECKING:  # pragma: no cover
    from cli.ops.session import Aws


def check_env_name(env: str) -> None:
    """The rule, and the message, that `render` and `validate` apply to the stack's settings
    (components/convert/naming.py), so no name passes one command and fails another."""
    from components.convert.naming import name_problem

    problem = name_problem("environment", env)
    if problem:
        raise UserError(problem, hint="For example dev or prod-eu.")


def interactive() -> bool:
    return sys.stdin.isatty()


def can_confirm(*, yes: bool, action: str) -> None:
    """Fail early, before any slow work, when no one could answer the confirmation."""
    if not yes and not interactive():
        raise UserError(
            f"{action} needs confirmation and this is not a terminal",
            hint="Pass --yes to confirm.",
        )


def confirm(question: str, *, yes: bool, action: str) -> None:
    """Go on only with --yes or a 'yes' typed in a terminal."""
    if yes:
        return
    can_confirm(yes=yes, action=action)
    import typer

    if not typer.confirm(question, default=False, err=True):
        raise UserError(f"{action} cancelled; nothing was changed")


def check_credentials(aws: Aws) -> str:
    """The caller's AWS account; a UserError (cli.ops.session) when the credentials are missing,
    expired or rejected. Checked before any deploy so Pulumi never starts without them."""
    return str(aws.account)


@dataclass
class Session:
    """An environment's stack opened for a command, with what was learnt on the way."""

    project: Project
    env: str
    stack: Any
    env_vars: dict[str, str]
    aws: Aws  # the environment's AWS session (cli.ops.session), shared by every AWS call
    image_tag: str | None = None

    @property
    def region(self) -> str | None:
        return self.aws.target.region


def open_session(
    project: Project,
    env: str,
    *,
    backend_flag: str | None,
    aws: bool = True,
    create: bool = False,
    builds: bool = False,
    image_tag: str | None = None,
) -> Session:
    """CLI, backend, the stack, then AWS credentials. `create=True` creates the stack when the
    environment has a Pulumi.<env>.yaml but no stack yet; an environment with neither is
    unknown. `builds=True` passes the image tag (given, or the default) to the program."""
    from cli.stacks import backend
    from cli.stacks import seam as stacks

    check_env_name(env)
    from cli.ops.session import for_project

    # Every missing prerequisite in one message, not one per run.
    problems: list[UserError] = []
    command = None
    try:
        command = stacks.pulumi_command()
    except UserError as exc:
        problems.append(exc)
    aws_session = for_project(project, env)
    if aws and command is None:  # with a CLI, after the stack (an unknown env comes first)
        try:
            check_credentials(aws_session)
        except UserError as exc:
            problems.append(exc)
    if problems:
        raise missing(problems)
    chosen = backend.resolve(project, env, backend_flag)
    if chosen.note:
        info(chosen.note)
    env_vars = dict(chosen.env_vars)
    if builds:
        from components.tools.image_tag import default_image_tag

        image_tag = image_tag or default_image_tag(project.root)
        env_vars[IMAGE_TAG_VARIABLE] = image_tag
    has_file = project.stack_file(env).is_file()
    stack = stacks.open_stack(
        project, env, env_vars=env_vars, command=command, create=create and has_file
    )
    if aws:  # after the stack, so an unknown environment is reported first
        check_credentials(aws_session)
    return Session(
        project=project,
        env=env,
        stack=stack,
        env_vars=env_vars,
        aws=aws_session,
        image_tag=image_tag,
    )


def missing(problems: list[UserError]) -> UserError:
    """One error for several missing prerequisites (one alone stays as it is)."""
    if len(problems) == 1:
        return problems[0]
    lines = "\n".join(f"  - {p.message}" for p in problems)
    hints = "\n".join(f"  - {p.hint}" for p in problems if p.hint)
    return UserError(f"{len(problems)} prerequisites are missing:\n{lines}", hint=hints or None)


def docker_problem(timeout: float = 15.0) -> str | None:
    """Why the Docker daemon cannot build now, or None when it answers. Asks the `docker` CLI
    (which honours DOCKER_HOST and docker contexts) when installed, else the socket."""
    import os
    import shutil
    import socket
    import subprocess

    if shutil.which("docker"):
        try:
            done = subprocess.run(
                ["docker", "version", "--format", "{{.Server.Version}}"],
                capture_output=True, text=True, timeout=timeout, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"`docker version` failed: {exc}"
        if done.returncode == 0:
            return None
        lines = (done.stderr or done.stdout).strip().splitlines()
        return lines[-1] if lines else f"`docker version` exited with {done.returncode}"
    host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    try:
        if host.startswith("unix://"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout)
                sock.connect(host[len("unix://") :])
        elif host.startswith("tcp://"):
            address, _, port = host[len("tcp://") :].partition(":")
            socket.create_connection((address, int(port or 2375)), timeout=timeout).close()
        else:
            return None  # ssh:// and others: left to the provider
    except (OSError, ValueError) as exc:
        return f"no Docker daemon answers at {host} ({exc.strerror or exc})"
    return None


def check_docker_for(planned: list[Any], env: str) -> None:
    """Before an update whose plan builds an image: the daemon must answer. Previews,
    refreshes and destroys never need it (docs/deploying.md)."""
    from components.contract import IMAGE_TOKEN

    builds = [c.name for c in planned if c.type == IMAGE_TOKEN and c.op != "delete"]
    if not builds:
        return
    problem = docker_problem()
    if problem:
        raise UserError(
            f"deploying to {env} builds {', '.join(builds)}, and Docker cannot build: {problem}",
            hint="Start Docker (or set DOCKER_HOST), then deploy again; nothing was changed. "
            "A deploy that builds nothing (same tag and build context) needs no Docker.",
        )
