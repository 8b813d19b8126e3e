"""Rules across fields of a merged manifest (one-field rules live on the models).

Each check returns problems rather than raising, so a user sees everything at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from scheduled_jobs.components.errors import ManifestError
from scheduled_jobs.components.manifest.model import EFSConfig, Job

# Fargate task sizes: cpu units -> allowed memory (MiB).
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}
WINDOWS_MIN_CPU = 1024
WINDOWS_MIN_MEMORY = 2048

FIRELENS_CONTAINER = "firelens_log_router"

# A path from the manifest root, and what is wrong there.
Found = tuple[tuple, str]


def check_job(
    job: Job, root: Path | None = None, *, unreliable: Collection[tuple] = ()
) -> list[Found]:
    """Every cross-field problem of `job`. `root` (the project folder) enables file checks.

    `unreliable` lists paths whose value in `job` is a default or stand-in because the
    user's value did not parse; rules that read one of them are skipped (they would report
    the stand-in), the others run.
    """
    problems: list[Found] = []
    for check, reads in RULES:
        if not _touches(reads, unreliable):
            problems.extend(check(job))
    if root is not None:
        problems.extend(_files_exist(job, root))
    return problems


def _touches(reads: tuple[tuple, ...], unreliable: Collection[tuple]) -> bool:
    return any(
        path[: len(read)] == read or read[: len(path)] == path
        for read in reads
        for path in unreliable
    )


def fargate_size_problem(cpu: int, memory: int) -> str | None:
    """What is wrong with a (cpu, memory) task size on Fargate, or None (for `jobs run`)."""
    allowed = FARGATE_SIZES.get(cpu)
    if allowed is None:
        return f"{cpu} is not a Fargate CPU size; use one of {', '.join(map(str, FARGATE_SIZES))}"
    if memory not in allowed:
        return f"{memory} MiB does not fit cpu {cpu} on Fargate; use {_ranges(allowed)} MiB"
    return None


def _size(job: Job) -> Iterator[Found]:
    allowed = FARGATE_SIZES.get(job.cpu)
    if allowed is None:
        yield (
            ("cpu",),
            (
                f"{job.cpu} is not a Fargate CPU size; use one of "
                f"{', '.join(map(str, FARGATE_SIZES))}"
            ),
        )
    elif job.memory not in allowed:
        yield (
            ("memory",),
            (f"{job.memory} MiB does not fit cpu {job.cpu} on Fargate; use {_ranges(allowed)} MiB"),
        )
    if job.platform_or_default.is_windows:
        for field, value, minimum, unit in (
            ("cpu", job.cpu, WINDOWS_MIN_CPU, "cpu units (1 vCPU)"),
            ("memory", job.memory, WINDOWS_MIN_MEMORY, "MiB"),
        ):
            if value >= minimum:
                continue
            if field in job.model_fields_set:
                yield (field,), f"Windows tasks need at least {minimum} {unit}, not {value}"
            else:  # the default is too small: point at the line that chose Windows
                yield (
                    ("platform",),
                    (
                        f"Windows tasks need {field} of at least {minimum} {unit}; the default "
                        f"{value} is too small, so set {field}: {minimum} or more"
                    ),
                )


def _ranges(values: tuple[int, ...]) -> str:
    if len(values) <= 3:
        return ", ".join(map(str, values))
    step = values[1] - values[0]
    return f"{values[0]} to {values[-1]} in steps of {step}"


def _platform_limits(job: Job) -> Iterator[Found]:
    if not job.platform_or_default.is_windows:
        return
    if job.storage.readonly_fs:
        yield ("storage", "readonly_fs"), "is not supported for Windows containers"
    # Fargate runs EFS volumes for Linux tasks only ("Storage options for Amazon ECS tasks",
    # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_data_volumes.html: EFS,
    # supported operating systems: Linux); Copilot refuses it too (manifest/validate.go,
    # "'EFS' is not supported when deploying a Windows container").
    for name, volume in job.storage.volumes.items():
        if volume.efs not in (None, False):
            yield (
                ("storage", "volumes", name, "efs"),
                "EFS is not supported for Windows containers (Fargate mounts EFS in Linux tasks "
                "only); use efs: false for a scratch volume, or a Linux platform",
            )


def _containers(job: Job) -> Iterator[Found]:
    """Sidecar names, ports and the depends_on graph (known targets, conditions, no cycles)."""
    essential: dict[str, bool] = {job.name: True}
    has_healthcheck = {job.name: job.image.healthcheck is not None}
    deps: dict[str, dict[str, str]] = {job.name: job.image.depends_on}
    where: dict[str, tuple] = {job.name: ("image", "depends_on")}
    if _firelens(job):
        essential[FIRELENS_CONTAINER] = True
        has_healthcheck[FIRELENS_CONTAINER] = False
    ports: dict[str, str] = {}
    for name, sidecar in job.sidecars.items():
        if name == job.name or name == FIRELENS_CONTAINER:
            yield ("sidecars", name), f"{name!r} is taken by the job's own container; rename it"
            continue
        essential[name] = sidecar.is_essential
        has_healthcheck[name] = sidecar.healthcheck is not None
        deps[name] = sidecar.depends_on
        where[name] = ("sidecars", name, "depends_on")
        if sidecar.port:
            number = sidecar.port.split("/")[0]
            if number in ports:
                yield (
                    ("sidecars", name, "port"),
                    f"port {number} is already used by {ports[number]!r}",
                )
            ports[number] = name
    for container, targets in deps.items():
        for target, condition in targets.items():
            path = (*where[container], target)
            if target not in essential:
                yield (
                    path,
                    (
                        f"{target!r} is not a container of this job; use one of "
                        f"{', '.join(sorted(essential))}"
                    ),
                )
            elif target == container:
                yield path, "a container cannot depend on itself"
            elif essential[target] and condition not in ("start", "healthy"):
                yield (
                    path,
                    (
                        f"{target!r} is essential, so only start or healthy can be waited "
                        f"for (the task stops when it exits), not {condition}"
                    ),
                )
            elif condition == "healthy" and not has_healthcheck[target]:
                yield path, f"{target!r} has no healthcheck, so it never becomes healthy"
    cycle = _find_cycle({c: [t for t in ts if t in deps] for c, ts in deps.items()})
    if cycle:
        yield where[cycle[0]], "containers depend on each other in a cycle: " + " -> ".join(cycle)


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt, [*path, nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def _firelens(job: Job) -> bool:
    """Copilot adds a log router when any logging field other than retention is set."""
    return bool(job.logging.model_dump(exclude={"retention"}, exclude_defaults=True))


def _network(job: Job) -> Iterator[Found]:
    groups = job.network.vpc.security_groups
    if groups.deny_default and not groups.groups:
        yield (
            ("network", "vpc", "security_groups", "deny_default"),
            ("leaves the task with no security group; list at least one in groups"),
        )
    elif groups.deny_default:
        managed = [n for n, v in job.storage.volumes.items() if _is_managed_efs(v.efs)]
        if managed:
            # The environment's file system admits NFS (TCP 2049) from the environment's
            # security groups only (components/convert/environment.py), which deny_default
            # takes off the task. Copilot keeps them for jobs whatever deny_default says.
            yield (
                ("network", "vpc", "security_groups", "deny_default"),
                (
                    f"takes the environment's security group off the task, and the managed EFS "
                    f"volume {managed[0]} is reachable only from that group (NFS, TCP 2049): "
                    "remove deny_default, or use a file system of your own (efs: {id: fs-...}) "
                    "whose mount targets admit one of these groups"
                ),
            )


def _is_managed_efs(efs: object) -> bool:
    return efs is True or (isinstance(efs, EFSConfig) and efs.uid is not None)


def _volumes(job: Job) -> Iterator[Found]:
    managed = [name for name, volume in job.storage.volumes.items() if _is_managed_efs(volume.efs)]
    if len(managed) > 1:
        yield (
            ("storage", "volumes"),
            (f"only one managed EFS volume is allowed, found {', '.join(managed)}"),
        )
    for name, sidecar in job.sidecars.items():
        for index, mount in enumerate(sidecar.mount_points):
            if mount.source_volume not in job.storage.volumes:
                known = ", ".join(job.storage.volumes) or "none are declared"
                yield (
                    ("sidecars", name, "mount_points", index, "source_volume"),
                    (f"{mount.source_volume!r} is not a volume in storage.volumes ({known})"),
                )


def _env_file_fields(job: Job) -> Iterator[tuple[tuple, str]]:
    if job.env_file:
        yield ("env_file",), job.env_file
    if job.logging.env_file:
        yield ("logging", "env_file"), job.logging.env_file
    for name, sidecar in job.sidecars.items():
        if sidecar.env_file:
            yield ("sidecars", name, "env_file"), sidecar.env_file


def _env_files(job: Job) -> Iterator[Found]:
    for path, value in _env_file_fields(job):
        if not value.endswith(".env"):
            yield path, f"{value!r} must have a .env extension"


def _schedule(job: Job) -> Iterator[Found]:
    try:
        job.schedule_expression  # noqa: B018 - converting is the check
    except ManifestError as exc:
        for problem in exc.problems:
            yield ("on", "schedule"), problem.message
        return
    from scheduled_jobs.components.manifest.schedule import split_zone

    prefixed = split_zone(job.on.schedule)[0]
    if prefixed and job.on.timezone and prefixed != job.on.timezone:
        yield (
            ("on", "timezone"),
            f"{job.on.timezone!r} differs from the schedule's CRON_TZ={prefixed}; keep one",
        )


def _capacity(job: Job) -> Iterator[Found]:
    platform = job.platform_or_default
    if job.capacity == "spot" and (platform.is_windows or platform.is_arm):
        kind = "Windows" if platform.is_windows else "ARM"
        yield (
            ("capacity",),
            f"Fargate Spot does not run {kind} tasks (AWS offers Spot for Linux x86_64 "
            "only); use capacity: on-demand or platform: linux/x86_64",
        )


def past_one_time_run(job: Job, now=None) -> str | None:
    """A warning when the job's `at()` run is not in the future (`now`: aware, default now).
    `validate` prints it; a deploy refuses the job (AWS would never run it)."""
    from datetime import datetime, timezone

    from scheduled_jobs.components.manifest.schedule import at_time

    when = at_time(job.schedule_expression, job.schedule_timezone)
    if when is None or when > (now or datetime.now(timezone.utc)):
        return None
    return f"{job.on.schedule!r} is in the past ({when.isoformat()}): it will never run"


def _files_exist(job: Job, root: Path) -> Iterator[Found]:
    for path, value in _env_file_fields(job):
        if value.endswith(".env"):
            wrong = _not_a(root, value, "file")
            if wrong:
                yield path, f"{_show(value)} {wrong} (paths are relative to {root})"
    builds = [(("image", "build"), job.image.build)]
    builds += [(("sidecars", n, "image", "build"), s.image.build) for n, s in job.sidecars.items()]
    for path, build in builds:
        if build is None:
            continue
        dockerfile, context = build_paths(build.dockerfile, build.context)
        wrong = _not_a(root, context, "folder")
        if wrong:
            yield path, f"build context {_show(context)} {wrong} (relative to {root})"
            continue
        wrong = _not_a(root, dockerfile, "file")
        if wrong:
            yield path, f"Dockerfile {_show(dockerfile)} {wrong} (relative to {root})"


def _not_a(root: Path, value: str, kind: str) -> str | None:
    """Why `root/value` is not an existing file/folder, or None when it is one."""
    try:
        target = root / value
        found = target.is_dir() if kind == "folder" else target.is_file()
    except ValueError:  # a NUL byte in the path
        return "is not a usable path (it holds a NUL character)"
    except OSError as exc:  # a name too long for the file system, a permission error...
        return f"cannot be checked: {exc.strerror or exc}"
    return None if found else "does not exist"


def _show(value: str) -> str:
    return repr(value) if len(value) <= 60 else repr(value[:60]) + "..."


# ECS refuses a task definition over 64 KiB ("Task definition max size", Amazon ECS service
# quotas: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html).
# The manifest's own values (variables, secrets, commands, labels...) must leave room for what
# the deploy side adds to each container (roles, log configuration, ARNs): a few KiB.
MAX_TASK_DEFINITION_BYTES = 64 * 1024
TASK_DEFINITION_HEADROOM = 8 * 1024


# A secret's valueFrom is an ARN even when the manifest names it: count the longest prefix.
_ARN_PREFIX = "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:"


def _environment(values: dict) -> list[dict]:
    """Variables as the container definition holds them: [{"name": ..., "value": ...}]."""
    return [{"name": k, "value": v} for k, v in values.items()]


def _secrets(values: dict) -> list[dict]:
    return [{"name": k, "valueFrom": _ARN_PREFIX + str(_plain(v))} for k, v in values.items()]


def _container_payloads(job: Job) -> Iterator[tuple[tuple, object]]:
    """What each container's definition carries from the manifest, in the form ECS holds it,
    by the path it comes from."""
    main = job.image
    yield ("variables",), _environment(job.variables)
    yield ("secrets",), _secrets(job.secrets)
    yield ("image",), [main.location, main.labels, main.depends_on, main.healthcheck]
    yield ("command",), job.command
    yield ("entrypoint",), job.entrypoint
    for name, sidecar in job.sidecars.items():
        yield ("sidecars", name, "variables"), _environment(sidecar.variables)
        yield ("sidecars", name, "secrets"), _secrets(sidecar.secrets)
        rest = sidecar.model_dump(exclude={"variables", "secrets"}, exclude_none=True)
        yield ("sidecars", name), rest


def _task_definition_size(job: Job) -> Iterator[Found]:
    sizes = {
        path: len(json.dumps(value, default=_plain, ensure_ascii=False).encode())
        for path, value in _container_payloads(job)
    }
    total = sum(sizes.values())
    limit = MAX_TASK_DEFINITION_BYTES - TASK_DEFINITION_HEADROOM
    if total > limit:
        largest = max(sizes, key=lambda path: sizes[path])
        yield (
            largest,
            (
                f"the task definition would be about {total // 1024} KiB (this holds "
                f"{sizes[largest] // 1024} KiB of it); ECS accepts at most "
                f"{MAX_TASK_DEFINITION_BYTES // 1024} KiB, of which the manifest's values may "
                f"use {limit // 1024} KiB: move large values to an env_file or to secrets"
            ),
        )


# "Containers per task definition: 10", not adjustable (same quotas page).
MAX_CONTAINERS = 10


def _container_count(job: Job) -> Iterator[Found]:
    containers = 1 + len(job.sidecars) + (1 if _firelens(job) else 0)
    if containers > MAX_CONTAINERS:
        yield (
            ("sidecars",),
            (
                f"the task would have {containers} containers (the job's, "
                f"{len(job.sidecars)} sidecars{' and the log router' if _firelens(job) else ''}"
                f"); ECS allows at most {MAX_CONTAINERS} per task definition"
            ),
        )


def _plain(value: object) -> object:
    dump = getattr(value, "model_dump", None)
    return dump(exclude_none=True) if dump else str(value)


# Each rule with the fields it reads: when one of them did not parse, the rule is skipped
# rather than run on a default (see check_job). Rules that can only miss something when a
# field is left out (never report a wrong thing) read nothing here.
RULES: tuple[tuple[Callable[[Job], Iterator[Found]], tuple[tuple, ...]], ...] = (
    (_size, (("cpu",), ("memory",), ("platform",))),
    (_platform_limits, (("platform",),)),
    (_containers, (("name",), ("image",), ("sidecars",), ("logging",))),
    (_network, (("network",), ("storage",))),
    (_volumes, (("storage",), ("sidecars",))),
    (_env_files, ()),
    (_schedule, (("on",),)),
    (_capacity, (("capacity",), ("platform",))),
    (_task_definition_size, ()),
    (_container_count, ()),
)


def build_paths(dockerfile: str | None, context: str | None) -> tuple[str, str]:
    """(dockerfile, context), both relative to the project root, as Copilot resolves them:
    the dockerfile defaults to <context>/Dockerfile, the context to the dockerfile's folder."""
    import posixpath

    if dockerfile is None:
        base = context or "."
        return posixpath.normpath(posixpath.join(base, "Dockerfile")), posixpath.normpath(base)
    if context is None:
        return posixpath.normpath(dockerfile), posixpath.dirname(
            posixpath.normpath(dockerfile)
        ) or "."
    return posixpath.normpath(dockerfile), posixpath.normpath(context)
