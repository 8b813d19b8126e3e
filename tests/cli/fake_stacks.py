"""A stand-in for `pulumi.automation`, for tests of the stack commands on machines without the
Pulumi CLI.

It has the module's function and class names (`PulumiCommand`, `LocalWorkspace`,
`select_stack`, `create_or_select_stack`) with the real signatures, and answers with the real
Automation API objects: `PreviewResult`, `UpResult`, `DestroyResult`, `UpdateSummary`,
`StackSummary`, `OutputValue`, `Deployment`, and `EngineEvent`s parsed by the real
`EngineEvent.from_json` from the JSON the engine emits. Errors are the real classes, built by the
real `create_command_error` from a `CommandResult`, so a lock message becomes a
`ConcurrentUpdateError` exactly as it would. The version check is the SDK's own function.

Install it with the `automation` fixture: `cli.stacks.seam.automation()` then returns it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi.automation as auto
from pulumi.automation import _cmd
from pulumi.automation._minimum_version import _MINIMUM_VERSION
from pulumi.automation._stack import DestroyResult, PreviewResult, UpdateSummary, UpResult
from pulumi.automation.errors import create_command_error

from scheduled_jobs.components.contract import DEFAULT_PROJECT as PROJECT
from scheduled_jobs.components.contract import ENVIRONMENT_TOKEN as ENV_TYPE  # noqa: F401 - for the tests
from scheduled_jobs.components.contract import JOB_TOKEN as JOB_TYPE
from scheduled_jobs.components.contract import MANIFEST_FILE, MANIFESTS_DIR


def urn(env: str, qualified_type: str, name: str) -> str:
    return f"urn:pulumi:{env}::{PROJECT}::{qualified_type}::{name}"


def job_urn(env: str, job: str) -> str:
    return urn(env, JOB_TYPE, job)


def child_urn(env: str, parent_type: str, child_type: str, name: str) -> str:
    return urn(env, f"{parent_type}${child_type}", name)


@dataclass
class Step:
    """One resource operation the engine would report."""

    op: str
    urn: str
    type: str
    diffs: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    # What the provider prints while the step runs (not in a preview), one status line each, as
    # the docker-build provider streams a build's output; and how long the step takes.
    output: list[str] = field(default_factory=list)
    seconds: int = 1

    def metadata(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "op": self.op,
            "urn": self.urn,
            "type": self.type,
            "provider": f"urn:pulumi:x::{PROJECT}::pulumi:providers:aws::default_7_0_0::id",
        }
        if self.diffs:
            data["diffs"] = self.diffs
            data["detailedDiff"] = {
                key: {"diffKind": "update", "inputDiff": True} for key in self.diffs
            }
        if self.keys:
            data["keys"] = self.keys
        return data


# The first event's timestamp is one second after this.
START_TIMESTAMP = 1700000000


def status(urn_: str, message: str, severity: str = "info") -> dict[str, Any]:
    """A provider's ephemeral status line for a resource, as the engine sends it."""
    return {
        "urn": urn_,
        "message": message,
        "color": "never",
        "severity": severity,
        "ephemeral": True,
    }


def job_steps(env: str, job: str, op: str = "create") -> list[Step]:
    """The steps of a job's first deploy: the component and a few of its children."""
    children = [
        ("aws:cloudwatch/logGroup:LogGroup", "log-group"),
        ("aws:ecs/taskDefinition:TaskDefinition", "task-definition"),
        ("aws:sfn/stateMachine:StateMachine", "state-machine"),
    ]
    steps = [Step(op, job_urn(env, job), JOB_TYPE)]
    for kind, role in children:
        steps.append(Step(op, child_urn(env, JOB_TYPE, kind, f"{job}-{role}"), kind))
    return steps


class FakeCommand:
    def __init__(self, version: str):
        self.command = "pulumi"
        self.version = _cmd.VersionInfo.parse(version)


@dataclass
class Failure:
    """An operation that fails: the events the engine sent first, then the CLI's output."""

    stderr: str
    stdout: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    code: int = 255


class FakeStack:
    def __init__(self, fake: FakeAutomation, name: str, workspace: FakeWorkspace):
        self.fake = fake
        self.name = name
        self.workspace = workspace
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.last_result = "succeeded"
        self.version = 0

    # --- operations -----------------------------------------------------------------------

    def _events(self, op: str, steps: list[Step], planning: bool, on_event: Any) -> None:
        if on_event is None:
            return
        seq = 0
        clock = START_TIMESTAMP

        def send(data: dict[str, Any], after: int = 1) -> None:
            nonlocal seq, clock
            seq += 1
            clock += after  # the engine's timestamps: Unix seconds
            on_event(auto.EngineEvent.from_json({"sequence": seq, "timestamp": clock, **data}))

        send({"preludeEvent": {"config": {"aws:region": "us-east-1"}}})
        for step in steps:
            send({"resourcePreEvent": {"metadata": step.metadata(), "planning": planning}})
            if op in self.fake.interrupt:
                self._ctrl_c(op, step, planning, send)
            lines = [] if planning else step.output
            for line in lines:
                send({"diagnosticEvent": status(step.urn, line)})
            if lines:  # docker-build clears its status line when the build ends
                send({"diagnosticEvent": status(step.urn, "")}, after=0)
            send(
                {"resOutputsEvent": {"metadata": step.metadata(), "planning": planning}},
                after=max(1, step.seconds - len(lines)),
            )
        failure = self.fake.failures.get(op)
        for data in failure.events if failure else []:
            send(data)
        send(
            {
                "summaryEvent": {
                    "maybeCorrupt": False,
                    "durationSeconds": 3,
                    "resourceChanges": self._counts(steps),
                    "PolicyPacks": {},
                }
            }
        )

    def _ctrl_c(self, op, step, planning, send) -> None:
        """A terminal's Ctrl-C: SIGINT reaches this process's main thread and the `pulumi`
        child alike. The child, on the first, finishes the operation in flight, records it and
        exits with "update canceled"; on a second it stops at once (and the caller's `cancel`
        is seen here)."""
        import _thread
        import time

        for n in range(self.fake.ctrl_c):
            _thread.interrupt_main()
            time.sleep(0.5)  # the main thread notices between presses
            if n == 0:
                send({"resOutputsEvent": {"metadata": step.metadata(), "planning": planning}})
        if self.fake.ctrl_c >= 2:
            deadline = time.monotonic() + 5
            while ("cancel", {}) not in self.calls and time.monotonic() < deadline:
                time.sleep(0.05)
        self.last_result = "failed"
        raise create_command_error(
            _cmd.CommandResult(stdout="", stderr="error: update canceled", code=255)
        )

    def _counts(self, steps: list[Step]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for step in steps:
            counts[step.op] = counts.get(step.op, 0) + 1
        if self.fake.unchanged:
            counts["same"] = self.fake.unchanged
        return counts

    def _check(self, op: str) -> None:
        failure = self.fake.failures.get(op)
        if failure is not None:
            self.last_result = "failed"
            raise create_command_error(
                _cmd.CommandResult(stdout=failure.stdout, stderr=failure.stderr, code=failure.code)
            )

    def _summary(self, kind: str, steps: list[Step]) -> UpdateSummary:
        self.version += 1
        start = dt.datetime(2026, 1, 1, 12, 0, 0)
        return UpdateSummary(
            kind=kind,
            start_time=start,
            message="",
            environment={"exec.kind": "auto.local"},
            config={"aws:region": {"value": "us-east-1", "secret": False}},
            result=self.last_result,
            end_time=start + dt.timedelta(seconds=42),
            version=self.version,
            resource_changes=self._counts(steps),
        )

    def preview(self, **kwargs: Any) -> PreviewResult:
        self.calls.append(("preview", kwargs))
        steps = self.fake.steps
        self._events("preview", steps, True, kwargs.get("on_event"))
        self._check("preview")
        return PreviewResult(
            stdout=f"Previewing update ({self.name}):\n{len(steps)} changes\n",
            stderr="",
            change_summary=self._counts(steps),
        )

    def up(self, **kwargs: Any) -> UpResult:
        self.calls.append(("up", kwargs))
        steps = self.fake.steps
        self._events("up", steps, False, kwargs.get("on_event"))
        self._check("up")
        self.last_result = "succeeded"
        return UpResult(
            stdout=f"Updating ({self.name}):\n",
            stderr="",
            summary=self._summary("update", steps),
            outputs=self.outputs(),
        )

    def destroy(self, **kwargs: Any) -> DestroyResult:
        self.calls.append(("destroy", kwargs))
        steps = [Step("delete", s.urn, s.type) for s in self.fake.destroy_steps]
        self._events("destroy", steps, False, kwargs.get("on_event"))
        self._check("destroy")
        summary = self._summary("destroy", steps)
        if kwargs.get("remove"):
            self.workspace.remove_stack(self.name)
        return DestroyResult(stdout=f"Destroying ({self.name}):\n", stderr="", summary=summary)

    def cancel(self) -> None:
        self.calls.append(("cancel", {}))
        if self.fake.cancel_fails:
            raise create_command_error(
                _cmd.CommandResult(stdout="", stderr="error: no update in progress", code=255)
            )

    def info(self, show_secrets: bool = True) -> UpdateSummary | None:
        self.calls.append(("info", {}))
        return self._summary("update", [])

    def outputs(self) -> dict[str, Any]:
        self.calls.append(("outputs", {}))
        return {
            key: auto.OutputValue(value=value, secret=False)
            for key, value in self.fake.outputs.items()
        }

    def export_stack(self) -> Any:
        self.calls.append(("export_stack", {}))
        return auto.Deployment(
            version=3, deployment={"manifest": {}, "resources": self.fake.resources}
        )


class FakeWorkspace:
    def __init__(self, fake: FakeAutomation, work_dir: str, env_vars: dict[str, str]):
        self.fake = fake
        self.work_dir = work_dir
        self.env_vars = env_vars

    def list_stacks(self, include_all: bool | None = None) -> list[Any]:
        self.fake.opened.append({"call": "list_stacks", "work_dir": self.work_dir, **self._env()})
        return [
            auto.StackSummary(
                name=name,
                current=False,
                update_in_progress=name in self.fake.updating,
                last_update=dt.datetime(2026, 1, 2, 3, 4, 5)
                if stack.version or name in self.fake.deployed
                else None,
                resource_count=len(self.fake.resources) or None,
            )
            for name, stack in sorted(self.fake.stacks.items())
        ]

    def remove_stack(self, stack_name: str, force: bool | None = None, preserve_config=None):
        self.fake.stacks.pop(stack_name, None)
        path = Path(self.work_dir) / f"Pulumi.{stack_name}.yaml"
        if not preserve_config and path.exists():
            path.unlink()

    def _env(self) -> dict[str, Any]:
        return {"env_vars": dict(self.env_vars)}


class FakeAutomation:
    """What `cli.stacks.seam.automation()` returns in tests."""

    # The real classes: the seam catches and builds these.
    CommandError = auto.CommandError
    ConcurrentUpdateError = auto.ConcurrentUpdateError
    StackNotFoundError = auto.StackNotFoundError
    InvalidVersionError = auto.InvalidVersionError
    LocalWorkspaceOptions = auto.LocalWorkspaceOptions

    def __init__(self) -> None:
        self.cli_installed = True
        self.cli_version = "3.272.0"
        self.stacks: dict[str, FakeStack] = {}
        self.opened: list[dict[str, Any]] = []
        self.steps: list[Step] = []
        self.destroy_steps: list[Step] = []
        self.unchanged = 0
        self.outputs: dict[str, Any] = {}
        self.resources: list[dict[str, Any]] = []
        self.failures: dict[str, Failure] = {}
        self.interrupt: set[str] = set()  # operations interrupted by Ctrl-C
        self.ctrl_c = 1  # how many times it is pressed
        self.cancel_fails = False
        self.updating: set[str] = set()
        self.deployed: set[str] = set()

    # --- module-level API -----------------------------------------------------------------

    def PulumiCommand(self, root=None, version=None, skip_version_check=False):  # noqa: N802
        if not self.cli_installed:
            raise FileNotFoundError(2, "No such file or directory", "pulumi")
        minimum = version if version and version.compare(_MINIMUM_VERSION) > 0 else None
        _cmd._parse_and_validate_pulumi_version(
            min_version=minimum or _MINIMUM_VERSION,
            current_version=self.cli_version,
            opt_out=skip_version_check,
        )
        return FakeCommand(self.cli_version)

    def LocalWorkspace(  # noqa: N802
        self,
        work_dir=None,
        pulumi_home=None,
        program=None,
        env_vars=None,
        secrets_provider=None,
        project_settings=None,
        stack_settings=None,
        pulumi_command=None,
    ) -> FakeWorkspace:
        if pulumi_command is None:
            pulumi_command = self.PulumiCommand()
        return FakeWorkspace(self, work_dir, dict(env_vars or {}))

    def select_stack(self, stack_name, project_name=None, program=None, work_dir=None, opts=None):
        return self._open("select_stack", stack_name, work_dir, opts, create=False)

    def create_or_select_stack(
        self, stack_name, project_name=None, program=None, work_dir=None, opts=None
    ):
        return self._open("create_or_select_stack", stack_name, work_dir, opts, create=True)

    # --- helpers for tests ----------------------------------------------------------------

    def add_stack(self, name: str, work_dir: str | Path = ".") -> FakeStack:
        workspace = FakeWorkspace(self, str(work_dir), {})
        self.stacks[name] = FakeStack(self, name, workspace)
        return self.stacks[name]

    def fail(self, op: str, stderr: str, *, stdout: str = "", events=()) -> None:
        self.failures[op] = Failure(stderr=stderr, stdout=stdout, events=list(events))

    def _open(self, call, stack_name, work_dir, opts, *, create):
        assert opts is None or isinstance(opts, auto.LocalWorkspaceOptions)
        env_vars = dict(opts.env_vars or {}) if opts else {}
        self.opened.append(
            {"call": call, "stack_name": stack_name, "work_dir": work_dir, "env_vars": env_vars}
        )
        if opts is None or opts.pulumi_command is None:
            self.PulumiCommand()  # the real functions run `pulumi version` first
        workspace = FakeWorkspace(self, work_dir, env_vars)
        if stack_name not in self.stacks:
            if not create:
                raise create_command_error(
                    _cmd.CommandResult(
                        stdout="",
                        stderr=f"error: no stack named '{stack_name}' found",
                        code=255,
                    )
                )
            self.stacks[stack_name] = FakeStack(self, stack_name, workspace)
            # `pulumi stack init` with the passphrase provider records its salt in the file.
            path = Path(work_dir) / f"Pulumi.{stack_name}.yaml"
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            path.write_text("encryptionsalt: v1:c2FsdA==:v1:aXY=:Y2lwaGVy\n" + text)
        stack = self.stacks[stack_name]
        stack.workspace = workspace
        return stack


# --- fixtures (import them into a test module to use them) ---------------------------------

import pytest  # noqa: E402

MANIFEST = """\
name: {name}
type: Scheduled Job
on:
  schedule: "@daily"
image:
  location: public.ecr.aws/docker/library/busybox:latest
command: ["echo", "hi"]
cpu: 256
memory: 512
"""


@pytest.fixture
def automation(monkeypatch) -> FakeAutomation:
    """The stand-in, installed where the seam looks for the Automation API."""
    fake = FakeAutomation()
    monkeypatch.setattr("scheduled_jobs.cli.stacks.seam.automation", lambda: fake)
    return fake


@pytest.fixture
def project_dir(tmp_path, monkeypatch, project_root) -> Path:
    """A project with jobs report, report-daily and cleanup, and no Pulumi login, backend or
    passphrase from the machine running the tests."""
    root = tmp_path / "project"
    (root / MANIFESTS_DIR).mkdir(parents=True)
    (root / "Pulumi.yaml").write_text((project_root / "Pulumi.yaml").read_text())
    for job in ("report", "report-daily", "cleanup"):
        (root / MANIFESTS_DIR / job).mkdir()
        (root / MANIFESTS_DIR / job / MANIFEST_FILE).write_text(MANIFEST.format(name=job))
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(root))
    monkeypatch.setenv("PULUMI_HOME", str(tmp_path / "pulumi-home"))
    for var in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE",
                "PULUMI_ACCESS_TOKEN"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    return root


def write_env(root: Path, env: str, config: dict[str, Any] | None = None) -> Path:
    """A Pulumi.<env>.yaml as `jobs env init` leaves it."""
    import yaml

    path = root / f"Pulumi.{env}.yaml"
    data = {"config": {"aws:region": "us-east-1", **(config or {})}}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def jobs(*args: str, input: str | None = None):
    """Run the `jobs` CLI in-process; the result has exit_code, stdout and stderr."""
    from typer.testing import CliRunner

    from scheduled_jobs.cli.main import app

    return CliRunner().invoke(app, list(args), input=input)


def start_tasks(family: str, count: int = 1, cluster: str = "demo-dev") -> list[str]:
    """RUNNING tasks of `family` in moto (fixture `aws`), on an EC2 container instance (moto
    cannot start awsvpc tasks). Returns their ARNs."""
    import json

    import boto3

    ecs = boto3.client("ecs", region_name="us-east-1")
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(
        family=family, containerDefinitions=[{"name": "main", "image": "busybox", "memory": 64}]
    )
    if not ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]:
        instance = boto3.resource("ec2", region_name="us-east-1").create_instances(
            ImageId="ami-12c6146b", MinCount=1, MaxCount=1
        )[0]
        document = {
            "instanceId": instance.id,
            "region": "us-east-1",
            "availabilityZone": instance.placement["AvailabilityZone"],
            "privateIp": instance.private_ip_address,
            "instanceType": instance.instance_type,
            "accountId": "123456789012",
            "imageId": instance.image_id,
        }
        ecs.register_container_instance(
            cluster=cluster, instanceIdentityDocument=json.dumps(document)
        )
    started = ecs.run_task(cluster=cluster, taskDefinition=family, count=count)
    return [task["taskArn"] for task in started["tasks"]]


def running(family: str, cluster: str = "demo-dev") -> list[str]:
    import boto3

    ecs = boto3.client("ecs", region_name="us-east-1")
    return ecs.list_tasks(cluster=cluster, family=family, desiredStatus="RUNNING")["taskArns"]
