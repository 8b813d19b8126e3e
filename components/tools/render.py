"""Run the Pulumi program offline under recording mocks and return what it would register.

No credentials, no Pulumi CLI, no network and no Docker: every resource's inputs are recorded
as the program registers them, and values AWS would compute (ARNs, ids, digests) are
placeholders shaped like the real thing, in the made-up account 123456789012.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib
import json
import os
import re
import subprocess
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from components.errors import ManifestError, Problem

PLACEHOLDER_ACCOUNT = "123456789012"
SECRET_PLACEHOLDER = "[secret]"
# How the Pulumi runtime wraps a secret value on the wire.
_SECRET_SIG = "4dabf18193072939515e22adb298388d"


class DuplicateResourceError(ValueError):
    """Two resources share a type and logical name: the real engine would refuse the program."""


def render(
    program: Callable[[], Any],
    *,
    project: str,
    stack: str,
    config: Mapping[str, Any],
    region: str,
) -> list[dict]:
    """Run `program` (a Pulumi program function) under mocks; return its resources as
    `{"type", "name", "inputs"}` dicts sorted by name (a component, then its children)."""
    import pulumi

    mocks = _recording_mocks(region)
    pulumi.runtime.set_all_config(
        {
            key: value if isinstance(value, str) else json.dumps(value)
            for key, value in config.items()
        }
    )
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False)
    with _without_source_positions():
        pulumi.runtime.test(program)()
    resources = [_clean(record) for record in mocks.records]
    check_unique(resources)
    # Registration is asynchronous; sort so that renders (and golden files) are stable.
    return sorted(resources, key=lambda r: (r["name"], r["type"]))


@contextlib.contextmanager
def _without_source_positions():
    """Skip the stack trace the SDK captures for every resource: only the engine shows it, the
    mocks never do, and it costs about a fifth of a render. Restored afterwards; if the SDK no
    longer has the hook, nothing is changed."""
    from pulumi.runtime import resource as sdk

    original = getattr(sdk, "_get_stack_trace", None)
    if original is None:
        yield
        return
    try:
        from pulumi.runtime.proto import source_pb2

        sdk._get_stack_trace = source_pb2.StackTrace
    except ImportError:  # pragma: no cover - SDK layout changed; keep its behaviour
        yield
        return
    try:
        yield
    finally:
        sdk._get_stack_trace = original


def check_unique(resources: list[dict]) -> None:
    counts = Counter((r["type"], r["name"]) for r in resources)
    duplicates = sorted(f"{name} ({kind})" for (kind, name), n in counts.items() if n > 1)
    if duplicates:
        raise DuplicateResourceError("duplicate logical names: " + ", ".join(duplicates))


def _clean(record: dict) -> dict:
    return {"type": record["type"], "name": record["name"], "inputs": _plain(record["inputs"])}


def _plain(value: Any) -> Any:
    """Undo the wire's quirks: secrets arrive wrapped, every number arrives as a float."""
    if isinstance(value, dict):
        if value.get(_SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270":
            return SECRET_PLACEHOLDER
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if type(value).__name__ in ("FileAsset", "FileArchive"):
        return {"file": str(value.path)}  # uploaded from this path by the real engine
    return value


def _recording_mocks(region: str):
    import pulumi

    account = PLACEHOLDER_ACCOUNT

    def digest(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    class RecordingMocks(pulumi.runtime.Mocks):
        def __init__(self) -> None:
            self.records: list[dict] = []

        def new_resource(self, args: pulumi.runtime.MockResourceArgs):
            self.records.append({"type": args.typ, "name": args.name, "inputs": args.inputs})
            outputs = dict(args.inputs)
            outputs.update(_computed(args.typ, args.name, args.inputs))
            return [outputs.get("id") or f"{args.name}-id", outputs]

        def call(self, args: pulumi.runtime.MockCallArgs):
            token = args.token
            if token == "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    "accountId": account,
                    "arn": f"arn:aws:iam::{account}:user/placeholder",
                    "userId": "AIDAPLACEHOLDER",
                    "id": account,
                }
            if token == "aws:index/getRegion:getRegion":
                return {"name": region, "region": region, "id": region}
            if token == "aws:index/getPartition:getPartition":
                return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
            if token == "aws:ec2/getVpc:getVpc":
                return {"id": "vpc-00000000default", "cidrBlock": "172.31.0.0/16"}
            if token == "aws:ec2/getSubnet:getSubnet":
                return {"id": args.args.get("id"), "vpcId": "vpc-00000000placeholder"}
            if token == "aws:ec2/getSubnets:getSubnets":
                tags = "-".join(f.get("name", "") for f in args.args.get("filters") or [])
                stem = "default" if "default-for-az" in tags else "tagged"
                return {"ids": [f"subnet-0000{stem}a", f"subnet-0000{stem}b"], "id": region}
            if token == "aws:ecr/getAuthorizationToken:getAuthorizationToken":
                return {
                    "userName": "AWS",
                    "password": SECRET_PLACEHOLDER,
                    "authorizationToken": SECRET_PLACEHOLDER,
                    "proxyEndpoint": f"https://{account}.dkr.ecr.{region}.amazonaws.com",
                    "expiresAt": "",
                    "id": region,
                }
            if token == "aws:cloudformation/getExport:getExport":
                return {"value": f"<export {args.args.get('name')}>", "id": args.args.get("name")}
            return {}

    def _computed(typ: str, name: str, inputs: dict) -> dict:
        arn = f"arn:aws:{{}}:{region}:{account}:{{}}"
        given = inputs.get("name") or f"{name}-0000000"  # Pulumi appends 7 random characters
        if typ == "aws:ecr/repository:Repository":
            return {
                "arn": arn.format("ecr", f"repository/{given}"),
                "repositoryUrl": f"{account}.dkr.ecr.{region}.amazonaws.com/{given}",
                "registryId": account,
            }
        if typ == "aws:cloudwatch/logGroup:LogGroup":
            return {"arn": arn.format("logs", f"log-group:{given}")}
        if typ == "aws:ecs/taskDefinition:TaskDefinition":
            family = inputs.get("family", name)
            return {
                "arn": arn.format("ecs", f"task-definition/{family}:1"),
                "arnWithoutRevision": arn.format("ecs", f"task-definition/{family}"),
                "revision": 1,
            }
        if typ == "aws:ecs/cluster:Cluster":
            return {"arn": arn.format("ecs", f"cluster/{given}"), "name": given}
        if typ == "aws:iam/role:Role":
            return {"arn": f"arn:aws:iam::{account}:role/{given}", "name": given}
        if typ == "aws:sfn/stateMachine:StateMachine":
            return {"arn": arn.format("states", f"stateMachine:{given}"), "name": given}
        if typ == "aws:cloudwatch/eventRule:EventRule":
            return {"arn": arn.format("events", f"rule/{given}"), "name": given}
        if typ == "aws:ec2/securityGroup:SecurityGroup":
            return {"id": f"sg-{digest(name)[:17]}", "arn": arn.format("ec2", "security-group/x")}
        if typ == "aws:s3/bucket:Bucket":
            bucket = inputs.get("bucket") or f"{name}-0000000"
            return {"bucket": bucket, "arn": f"arn:aws:s3:::{bucket}", "id": bucket}
        if typ == "docker:index/image:Image":
            image = inputs.get("imageName", name)
            repo = image.rsplit(":", 1)[0] if "/" in image else image
            return {
                "repoDigest": f"{repo}@sha256:{digest(image)}",
                "baseImageName": image,
            }
        return {}

    return RecordingMocks()


def group_by_owner(resources: list[dict], owners: list[str]) -> dict[str, list[dict]]:
    """Resources by the component that owns them (a job's or the environment's name): a child
    is named `<owner>-<role>`, and the longest matching owner wins (`dev-report-rule` belongs
    to job `dev-report`, not to environment `dev`)."""
    by_length = sorted(owners, key=len, reverse=True)
    grouped: dict[str, list[dict]] = {owner: [] for owner in owners}
    for resource in resources:
        name = resource["name"]
        owner = next((o for o in by_length if name == o or name.startswith(f"{o}-")), None)
        if owner is not None:
            grouped[owner].append(resource)
    return grouped


def job_summary(resources: list[dict]) -> dict[str, Any]:
    """The settings a reader checks first, read back from one job's rendered resources."""
    by_type = {r["type"]: r["inputs"] for r in resources}
    summary: dict[str, Any] = {}
    rule = by_type.get("aws:cloudwatch/eventRule:EventRule")
    if rule:
        enabled = rule.get("state") != "DISABLED"
        summary["schedule"] = rule.get("scheduleExpression") if enabled else "none (rule disabled)"
    task = by_type.get("aws:ecs/taskDefinition:TaskDefinition")
    if task:
        platform = task.get("runtimePlatform") or {}
        summary["size"] = (
            f"{task.get('cpu')} CPU units, {task.get('memory')} MiB, "
            f"{platform.get('operatingSystemFamily', 'LINUX')}/"
            f"{platform.get('cpuArchitecture', 'X86_64')}"
        )
        containers = json.loads(task.get("containerDefinitions") or "[]")
        if containers:
            image = containers[0].get("image", "")
            built = [
                r["inputs"].get("imageName", "")
                for r in resources
                if r["type"] == "docker:index/image:Image"
                and image.startswith(r["inputs"].get("imageName", "").rsplit(":", 1)[0] + "@")
            ]
            # A built image is deployed by digest; the tag it is pushed with reads better.
            summary["image"] = f"{built[0]} (built, deployed by digest)" if built else image
            if len(containers) > 1:
                summary["sidecars"] = ", ".join(c["name"] for c in containers[1:])
    machine = by_type.get("aws:sfn/stateMachine:StateMachine")
    if machine and machine.get("definition"):
        doc = json.loads(machine["definition"])
        retries = [
            retry.get("MaxAttempts", 0)
            for state in doc.get("States", {}).values()
            for retry in state.get("Retry", [])
        ]
        summary["retries"] = max(retries, default=0)
        timeout = doc.get("TimeoutSeconds")
        summary["timeout"] = f"{timeout} s" if timeout else "none"
    return summary


# Below this many jobs per worker, starting worker processes costs more than it saves.
JOBS_PER_WORKER = 25
# SDK modules every job's component uses: loaded once before forking, not once per worker.
_SHARED_MODULES = (
    "components.resources.program",
    "pulumi_aws.cloudwatch",
    "pulumi_aws.ecs",
    "pulumi_aws.iam",
    "pulumi_aws.sfn",
)


def render_jobs(
    root: Path,
    jobs: Sequence[str],
    *,
    project: str,
    stack: str,
    config: Mapping[str, Any],
    region: str,
    workers: int | None = None,
) -> list[dict]:
    """Render the project's program for `jobs`, split across processes when there are many
    (the SDK's per-resource cost under mocks is CPU-bound). This process renders the first
    share itself; every share includes the environment, whose resources are merged, and
    logical names are checked across all shares."""
    if workers is None:
        workers = min(os.cpu_count() or 1, len(jobs) // JOBS_PER_WORKER)
    workers = min(workers, len(jobs))  # a share per worker, none empty
    request = {"root": str(root), "project": project, "stack": stack, "config": dict(config),
               "region": region}  # fmt: skip
    if workers <= 1:
        return _render_chunk({**request, "jobs": list(jobs)})[0]

    # Contiguous shares keep problems in job order when the replies are joined.
    size = -(-len(jobs) // workers)
    chunks = [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]
    start = _forked if _can_fork() else _spawned
    if start is _forked:
        for module in _shared_modules(stack, config, root, jobs):
            importlib.import_module(module)
    pending = [start({**request, "jobs": chunk}) for chunk in chunks[1:]]
    try:
        own = _reply({**request, "jobs": chunks[0]})
    except BaseException:
        for finish in pending:  # reap the workers before giving up
            with contextlib.suppress(Exception):
                finish()
        raise
    return _merge([own, *(finish() for finish in pending)])


def _shared_modules(
    stack: str, config: Mapping[str, Any], root: Path, jobs: Sequence[str]
) -> list[str]:
    """Modules every share will load: cheaper to load once before forking than once per
    worker. pulumi_aws.ec2 alone takes about half a second; the environment needs it only
    to find the default VPC's subnets or to create its security group. pulumi_docker (0.2 s)
    is needed when a job builds its image."""
    from components.convert.settings import settings_from_config

    modules = list(_SHARED_MODULES)
    if any(_mentions_build(root / "manifests" / job / "manifest.yml") for job in jobs):
        modules.append("pulumi_docker")
    try:
        settings = settings_from_config(stack, config)
    except ManifestError:
        return modules  # the render reports the problem
    if settings.uses_default_vpc or not settings.security_groups:
        modules.append("pulumi_aws.ec2")
    return modules


def _mentions_build(path: Path) -> bool:
    """A cheap look for a `build:` key. Only decides what to load ahead (a wrong guess costs
    time, never correctness), so the manifest is not parsed here."""
    try:
        return re.search(r"^\s*build\s*:", path.read_text(encoding="utf-8"), re.M) is not None
    except OSError:
        return False


def _can_fork() -> bool:
    # Fork only on Linux: on macOS, system libraries may crash in a forked child (which is
    # why multiprocessing spawns there), and Windows has no fork.
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def _forked(request: dict) -> Callable[[], dict]:
    """Render `request` in a forked copy of this process (its imports already done); returns
    a function that waits for the reply."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its reply is what the tests check
        status = 1
        try:
            os.close(read_end)
            # The parent may have run the Pulumi runtime already (tests do): never touch its
            # event loop, whose selector this copy shares.
            asyncio.set_event_loop(asyncio.new_event_loop())
            try:
                reply = _reply(request)
            except Exception:
                reply = {"error": traceback.format_exc()}
            with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
                json.dump(reply, pipe)
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no flushing the parent's buffers twice
    os.close(write_end)

    def finish() -> dict:
        with os.fdopen(read_end, encoding="utf-8") as pipe:
            text = pipe.read()
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0 or not text:
            raise RuntimeError(f"render worker {pid} failed (exit status {status})")
        return json.loads(text)

    return finish


def _spawned(request: dict) -> Callable[[], dict]:
    """Render `request` in a fresh interpreter (not multiprocessing's spawn: it re-imports the
    caller's __main__); returns a function that waits for the reply."""
    process = subprocess.Popen(
        [sys.executable, "-c", "from components.tools.render import _worker; _worker()",
         json.dumps(request)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip

    def finish() -> dict:
        out, err = process.communicate()
        if process.returncode != 0 or not out:
            raise RuntimeError(f"render worker failed:\n{err[-4000:]}")
        return json.loads(out)

    return finish


def _worker() -> None:
    """A spawned render worker: the request as its argument, the reply on stdout."""
    try:
        reply = _reply(json.loads(sys.argv[1]))
    except Exception:
        reply = {"error": traceback.format_exc()}
    sys.stdout.write(json.dumps(reply))


def _reply(request: dict) -> dict:
    """Render one share; the result, or the problems that stopped it, as plain JSON."""
    from dataclasses import asdict

    try:
        resources, names = _render_chunk(request)
    except ManifestError as exc:
        return {"problems": [asdict(p) for p in exc.problems]}
    except DuplicateResourceError as exc:
        return {"duplicate": str(exc)}
    return {"resources": resources, "environment_names": sorted(names)}


def _merge(replies: list[dict]) -> list[dict]:
    """Join the shares' replies: every share's problems together, else the resources with
    the environment's once."""
    for reply in replies:
        if "error" in reply:
            raise RuntimeError(f"render worker failed:\n{reply['error'][-4000:]}")
    problems = [Problem(**p) for reply in replies for p in reply.get("problems", [])]
    if problems:
        raise ManifestError(problems)
    for reply in replies:
        if "duplicate" in reply:
            raise DuplicateResourceError(reply["duplicate"])
    merged: dict[tuple[str, str], dict] = {}
    resources: list[dict] = []
    for reply in replies:
        environment_names = set(reply["environment_names"])
        for resource in reply["resources"]:
            key = (resource["type"], resource["name"])
            if resource["name"] in environment_names and key in merged:
                if merged[key] != resource:
                    raise DuplicateResourceError(f"workers disagree on {resource['name']}")
                continue
            merged[key] = resource
            resources.append(resource)
    check_unique(resources)
    return sorted(resources, key=lambda r: (r["name"], r["type"]))


def _render_chunk(request: dict) -> tuple[list[dict], set[str]]:
    from components.resources import program
    from components.resources.environment import environment_resource_names

    root, jobs = Path(request["root"]), request["jobs"]
    resources = render(
        lambda: program.run(root, only=jobs),
        project=request["project"],
        stack=request["stack"],
        config=request["config"],
        region=request["region"],
    )
    return resources, environment_resource_names(request["stack"])
