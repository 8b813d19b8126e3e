"""Checks the stack commands (deploy, package, destroy, delete, env) share, in the order a
user meets them: a valid environment name, the Pulumi CLI, the backend, the stack, AWS
credentials (through the environment's shared session, cli.ops.session), confirmation. Each
failure is one UserError. Jobs are selected with cli.project.Project.select_jobs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scheduled_jobs.cli.output import UserError, info
from scheduled_jobs.cli.project import Project
from scheduled_jobs.components.contract import IMAGE_TAG_VARIABLE

if TYPE_CHECKING:  # pragma: no cover
    from scheduled_jobs.cli.ops.session import Aws


def check_env_name(env: str) -> None:
    """The rule, and the message, that `render` and `validate` apply to the stack's settings
    (components/convert/naming.py), so no name passes one command and fails another."""
    from scheduled_jobs.components.convert.naming import name_problem

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
    may_build: bool = False,
) -> Session:
    """CLI, backend, the stack, then AWS credentials. `create=True` creates the stack when the
    environment has a Pulumi.<env>.yaml but no stack yet; an environment with neither is
    unknown. `builds=True` passes the image tag (given, or the default) to the program.
    `may_build=True` (some selected job builds an image) adds an unanswering Docker daemon to
    the missing prerequisites reported together; whether a build is really needed is known
    only after the preview, where `check_docker_for` decides."""
    from scheduled_jobs.cli.stacks import backend
    from scheduled_jobs.cli.stacks import seam as stacks

    check_env_name(env)
    from scheduled_jobs.cli.ops.session import for_project

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
    if problems and may_build:
        why = docker_problem()
        if why:
            problems.append(
                UserError(
                    f"Docker cannot build, which this deploy needs if an image changed: {why}",
                    hint="Start Docker (or set DOCKER_HOST).",
                )
            )
    if problems:
        raise missing(problems)
    chosen = backend.resolve(project, env, backend_flag)
    if chosen.note:
        info(chosen.note)
    env_vars = dict(chosen.env_vars)
    if builds:
        from scheduled_jobs.components.tools.image_tag import default_image_tag

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
    from scheduled_jobs.components.contract import IMAGE_TOKEN

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


# ---------------------------------------------------------------- the environment's network

NFS_PORT = 2049  # components/convert/environment.py: what the file system's group admits


def check_environment(project: Project, env: str, jobs: list[str]) -> None:
    """Before a deploy, what only AWS can tell about the environment the jobs need (AWS
    credentials already checked): the capacity providers of the user's own cluster for
    `capacity: spot` (cli/ops/capacity.py), and for EFS volumes subnets and security groups a
    deploy would otherwise fail on or a run would time out on. Every problem in one error."""
    from scheduled_jobs.cli.ops.capacity import cluster_problem, spot_cluster

    loaded = _loaded_jobs(project, env, jobs)
    problems: list[UserError] = []
    target = spot_cluster(project, env, [j.name for j in loaded if j.capacity == "spot"])
    if target is not None:
        problem = cluster_problem(project, env, target)
        if problem is not None:
            problems.append(problem)
    problems += efs_network_problems(project, env, loaded)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        lines = "\n".join(f"  - {p.message}" for p in problems)
        hints = "\n".join(f"  - {p.hint}" for p in problems if p.hint)
        raise UserError(f"environment {env} is not ready for these jobs:\n{lines}",
                        hint=hints or None)  # fmt: skip


def _loaded_jobs(project: Project, env: str, jobs: list[str]) -> list[Any]:
    from scheduled_jobs.components.errors import ManifestError
    from scheduled_jobs.components.manifest.load import load_manifest

    found = []
    for name in jobs or project.job_names():
        try:
            found.append(load_manifest(project.manifest_path(name), env,
                                       app=project.app_name(env)))  # fmt: skip
        except ManifestError:
            continue  # the deploy reports manifest problems itself
    return found


def same_zone_subnets(described: list[dict]) -> dict[str, list[str]]:
    """{zone: subnet IDs} for zones holding more than one of the DescribeSubnets entries."""
    zones: dict[str, list[str]] = {}
    for subnet in described:
        zones.setdefault(subnet.get("AvailabilityZone", "?"), []).append(subnet["SubnetId"])
    return {zone: ids for zone, ids in sorted(zones.items()) if len(ids) > 1}


def allows_nfs_egress(groups: list[dict]) -> bool:
    """Whether any DescribeSecurityGroups entry lets the task open TCP 2049 (security groups
    add up: one rule in one group is enough). Destinations are not checked."""
    for group in groups:
        for rule in group.get("IpPermissionsEgress", []):
            protocol = str(rule.get("IpProtocol"))
            if protocol == "-1":
                return True
            if protocol in ("tcp", "6") and rule.get("FromPort", 0) <= NFS_PORT <= rule.get(
                "ToPort", 65535
            ):
                return True
    return False


def efs_network_problems(project: Project, env: str, loaded: list[Any]) -> list[UserError]:
    """EFS needs (a) at most one listed subnet per Availability Zone for the environment's
    file system, because EFS takes one mount target per zone and the environment makes one per
    subnet; (b) a security group on the task that lets it open TCP 2049 to the mount targets.
    Only what is known by ID is checked (no `from_cfn` groups)."""
    from scheduled_jobs.cli.ops.session import aws_errors, for_project
    from scheduled_jobs.components.convert import efs
    from scheduled_jobs.components.manifest.model import FromCfn

    settings = project.settings(env)
    stack_file = project.stack_file(env).name
    uses_efs = [j for j in loaded if any(efs.is_managed(v) or efs.is_external(v)
                                         for v in j.storage.volumes.values())]  # fmt: skip
    if not uses_efs:
        return []
    problems: list[UserError] = []
    aws = for_project(project, env)
    managed = [j.name for j in uses_efs if efs.uses_managed_efs(j)]
    subnets = list(dict.fromkeys(settings.private_subnets or settings.subnets))
    if managed and subnets:
        with aws_errors():
            described = aws.client("ec2").describe_subnets(SubnetIds=subnets)["Subnets"]
        key = "privateSubnets" if settings.private_subnets else "subnets"
        for zone, ids in same_zone_subnets(described).items():
            problems.append(
                UserError(
                    f"{', '.join(managed)} uses the environment's EFS file system, which gets a "
                    f"mount target in each subnet of {project.setting_key(key)} "
                    f"({stack_file}), and {', '.join(ids)} are all in {zone}: EFS allows one "
                    "mount target per Availability Zone",
                    hint=f"List one subnet per Availability Zone in {project.setting_key(key)} "
                    "(tasks in any subnet of a zone reach that zone's mount target).",
                )
            )
    for job in uses_efs:
        deny = job.network.vpc.security_groups.deny_default
        if not deny and not settings.security_groups:
            continue  # the environment's own group allows all egress
        listed = [] if deny else list(settings.security_groups)
        listed += job.network.vpc.security_groups.groups
        if any(isinstance(g, FromCfn) for g in listed):
            continue  # an exported group: not known before the deploy
        with aws_errors():
            groups = aws.client("ec2").describe_security_groups(GroupIds=listed)["SecurityGroups"]
        if not allows_nfs_egress(groups):
            problems.append(
                UserError(
                    f"{job.name} mounts EFS, and none of its security groups "
                    f"({', '.join(map(str, listed))}) allows outbound TCP {NFS_PORT} (NFS): "
                    "its runs would fail to mount the volume",
                    hint=f"Add an egress rule for TCP {NFS_PORT} to the mount targets' group "
                    "(or subnets) to one of these groups.",
                )
            )
    return problems
