"""The component as a Pulumi package, for TypeScript, Go, C#, Java and YAML programs.

`Job` is a thin component whose args are plain values any Pulumi language can pass (the
manifest as a path or as text, and the environment's settings); it builds ScheduledJobArgs
and one ScheduledJob under itself. The Python SDK's component provider host
(`pulumi.provider.experimental.component_provider_host`) serves it: its analyzer reads the
schema from the type annotations below (the args' and the outputs'), and the docstrings
under each attribute become the schema's descriptions. components/resources/plugin/ holds the
PulumiPlugin.yaml that `pulumi package add` uses; docs/component.md shows a YAML program.
"""

# No `from __future__ import annotations`: the SDK's analyzer reads these annotations as types.
from pathlib import Path
from typing import TypedDict

import pulumi

from scheduled_jobs.components.contract import PACKAGE_NAME

__all__ = ["PACKAGE_NAME", "Job", "JobArgs"]


class JobArgs(TypedDict):
    """Where the job runs. Give exactly one of manifestPath and manifest. The manifest and
    the names are plain values: they decide which resources exist, so they must be known
    before anything is created; the cluster, subnets and groups may be other resources'
    outputs."""

    manifest_path: str | None
    """Path of the job's manifest (manifests/<job>/manifest.yml), Copilot's Scheduled Job format."""
    manifest: str | None
    """The manifest's text, instead of a path."""
    app: str
    """The application's name (Copilot's copilot-application tag)."""
    env: str
    """The environment's name: selects the manifest's environments.<env> override."""
    region: str
    """The AWS region the job runs in (as the aws provider's)."""
    cluster: pulumi.Input[str]
    """The ECS cluster (name or ARN) the task runs on."""
    subnets: pulumi.Input[list[str]]
    """Subnets the task runs in (public ones for the default placement)."""
    security_groups: pulumi.Input[list[str] | None]
    """Security groups for the task; the manifest's own are added after these."""
    assign_public_ip: bool | None
    """Give the task a public IP; default: true unless the manifest's placement is private."""
    account: str | None
    """The AWS account id; default: the caller's."""
    tags: dict[str, str] | None
    """Extra tags on every resource (Copilot's three tags are always set)."""
    image_tag: str | None
    """Tag for a built image; default: the git commit of root."""
    root: str | None
    """The folder build contexts and env files are relative to; default: the project that
    holds manifestPath (three levels up), else the current folder."""
    artifacts_bucket: pulumi.Input[str | None]
    """An S3 bucket for env files, when the manifest uses env_file."""


class Job(pulumi.ComponentResource):
    """A Copilot-style scheduled job from its manifest: image, log group, task definition,
    roles, the Step Functions state machine that runs the task, and the schedule."""

    state_machine_arn: pulumi.Output[str]
    """ARN of the state machine; StartExecution on it runs the job now."""
    rule_name: pulumi.Output[str]
    """Name of the EventBridge rule that starts the job."""
    log_group_name: pulumi.Output[str]
    """The job's log group (/copilot/<app>-<env>-<job>)."""
    task_definition_arn: pulumi.Output[str]
    """ARN of the task definition."""
    task_role_arn: pulumi.Output[str]
    """The role the job's containers run as: attach policies to it for what the job calls."""
    execution_role_arn: pulumi.Output[str]
    """The role ECS pulls the image and reads secrets with."""

    def __init__(
        self, name: str, args: JobArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        from scheduled_jobs.components.contract import PACKAGE_JOB_TOKEN
        from scheduled_jobs.components.resources.scheduled_job import ScheduledJob

        super().__init__(PACKAGE_JOB_TOKEN, name, None, opts)
        job_args = scheduled_job_args(args)
        job = ScheduledJob(job_args.job.name, job_args, pulumi.ResourceOptions(parent=self))
        self.state_machine_arn = job.state_machine_arn
        self.rule_name = job.rule_name
        self.log_group_name = job.log_group_name
        self.task_definition_arn = job.task_definition_arn
        self.task_role_arn = job.task_role_arn
        self.execution_role_arn = job.execution_role_arn
        self.register_outputs(
            {
                "state_machine_arn": self.state_machine_arn,
                "rule_name": self.rule_name,
                "log_group_name": self.log_group_name,
                "task_definition_arn": self.task_definition_arn,
                "task_role_arn": self.task_role_arn,
                "execution_role_arn": self.execution_role_arn,
            }
        )


def _plain(args: JobArgs, key: str) -> object:
    value = args.get(key)
    if isinstance(value, pulumi.Output):
        # The manifest decides which resources exist, so it must be known when the job is built.
        raise ValueError(f"{key} must be a plain value, not the output of another resource")
    return value


def scheduled_job_args(args: JobArgs):  # -> ScheduledJobArgs (imported lazily)
    """The ScheduledJobArgs for the package's plain args (checked: one manifest source)."""
    from scheduled_jobs.components.manifest.load import load_manifest, load_manifest_text
    from scheduled_jobs.components.resources.scheduled_job import ScheduledJobArgs

    path, text = _plain(args, "manifest_path"), _plain(args, "manifest")
    if (path is None) == (text is None):
        raise ValueError("give exactly one of manifestPath and manifest (the manifest's text)")
    app, env, region = (_plain(args, key) for key in ("app", "env", "region"))
    for key, value in (("app", app), ("env", env), ("region", region)):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{key} must be a non-empty string")
    root_arg = _plain(args, "root")
    if root_arg is not None:
        root = Path(str(root_arg))
    elif path is not None:
        root = Path(str(path)).resolve().parents[2]
    else:
        root = Path(".")
    if path is not None:
        job = load_manifest(str(path), env, app=app, root=root)
    else:
        job = load_manifest_text(str(text), env, app=app, file="manifest", root=root)
    public_ip = args.get("assign_public_ip")
    return ScheduledJobArgs(
        job,
        app=app,
        env=env,
        region=region,
        cluster=args["cluster"],
        subnets=args["subnets"],
        security_groups=args.get("security_groups") or [],
        assign_public_ip=job.placement == "public" if public_ip is None else public_ip,
        account=_plain(args, "account"),
        tags=_plain(args, "tags") or {},
        image_tag=_plain(args, "image_tag"),
        root=root,
        artifacts_bucket=args.get("artifacts_bucket"),
    )
