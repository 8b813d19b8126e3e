"""The `ScheduledJob` component: one manifest's job, built from plain documents.

Every document (container definitions, state machine definition, IAM policies, names, tags)
comes from a pure function in this package; this module only wires them into `pulumi_aws` and
`pulumi_docker_build` resources, named `<job>-<role>` and parented to the component.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pulumi
import pulumi_aws as aws

from scheduled_jobs.components.contract import JOB_TOKEN
from scheduled_jobs.components.convert.job import JobContext, job_plan, placement
from scheduled_jobs.components.manifest.model import Job
from scheduled_jobs.components.resources.wiring import Wiring
from scheduled_jobs.components.tools.image_tag import image_tag as build_tag


class ScheduledJobArgs:
    """What a ScheduledJob needs beyond its manifest: where it runs and with which names."""

    def __init__(
        self,
        job: Job,
        *,
        app: str,
        env: str,
        region: str,
        cluster: pulumi.Input[str],
        subnets: pulumi.Input[Sequence[str]],
        security_groups: pulumi.Input[Sequence[str]] = (),
        assign_public_ip: bool = True,
        account: str | None = None,
        tags: Mapping[str, str] | None = None,
        image_tag: str | None = None,
        root: str | os.PathLike[str] = ".",
        artifacts_bucket: pulumi.Input[str] | None = None,
        imports: Mapping[str, str] | None = None,
        file_system: pulumi.Input[str] | None = None,
        schedule_group: pulumi.Input[str] | None = None,
        alerts_topic: pulumi.Input[str] | None = None,
    ) -> None:
        """`job` is the merged manifest (`load_manifest(path, env)`); `cluster` a cluster name or
        ARN; `subnets`/`security_groups` where the task runs (the manifest's own security groups
        are added after these); `account` defaults to the caller's; `root` is the folder build
        paths and env files are relative to (the inputs carry them relative to it, so it must
        be the directory Pulumi runs the program in, the project root); `artifacts_bucket`
        receives env files; `imports` maps a child's role (`log-group`, ...) to the physical ID
        of an existing resource to adopt; `schedule_group` is the EventBridge Scheduler group
        for a job that needs Scheduler (`on.timezone`, `on.window`, `at()`; default: the
        account's `default` group); `alerts_topic` the SNS topic ARN failure alerts go to
        (without it, only the manifest's `alerts.topic`)."""
        self.job = job
        self.app = app
        self.env = env
        self.region = region
        self.cluster = cluster
        self.subnets = subnets
        self.security_groups = security_groups
        self.assign_public_ip = assign_public_ip
        self.account = account
        self.tags = dict(tags or {})
        self.image_tag = image_tag
        self.root = Path(root)
        self.artifacts_bucket = artifacts_bucket
        self.imports = dict(imports or {})
        self.file_system = file_system  # the environment's EFS, for `efs: true` volumes
        self.schedule_group = schedule_group
        self.alerts_topic = alerts_topic

    @classmethod
    def from_manifest(
        cls, path: str | os.PathLike[str], environment, *, root=None, image_tag=None, account=None
    ) -> ScheduledJobArgs:
        """Args for the manifest at `path` in an `Environment` component (its settings choose
        the application, region, cluster, subnets and tags)."""
        from scheduled_jobs.components.manifest.load import load_manifest

        settings = environment.settings
        root = Path(root) if root is not None else Path(path).resolve().parents[2]
        job = load_manifest(path, settings.env, app=settings.app, root=root)
        return cls.in_environment(job, environment, root=root, image_tag=image_tag, account=account)

    @classmethod
    def in_environment(
        cls, job: Job, environment, *, root=".", image_tag=None, account=None
    ) -> ScheduledJobArgs:
        """Args for an already loaded job in an `Environment`: its placement picks the subnets."""
        settings = environment.settings
        subnets, public_ip = placement(
            job,
            public_subnets=environment.public_subnets,
            private_subnets=list(settings.private_subnets),
            private_setting=f"{settings.setting('privateSubnets')} in Pulumi.{settings.env}.yaml",
            public_setting=f"{settings.setting('subnets')} in Pulumi.{settings.env}.yaml",
        )
        return cls(
            job,
            app=settings.app,
            env=settings.env,
            region=settings.region,
            cluster=environment.cluster_arn,
            subnets=subnets,
            security_groups=environment.security_groups,
            assign_public_ip=public_ip,
            account=account,
            tags=settings.tags,
            image_tag=image_tag,
            root=root,
            artifacts_bucket=environment.artifacts_bucket,
            imports=settings.imports.get(job.name, {}),
            file_system=getattr(environment, "file_system", None),
            schedule_group=getattr(environment, "schedule_group", None),
            alerts_topic=getattr(environment, "alerts_topic", None),
        )


class ScheduledJob(pulumi.ComponentResource):
    """A Copilot-style scheduled job: image, log group, task definition, roles, a Step
    Functions state machine that runs the task, and the EventBridge rule that starts it."""

    state_machine_arn: pulumi.Output[str]
    """ARN of the state machine; StartExecution on it runs the job now."""
    rule_name: pulumi.Output[str] | None
    """Name of the EventBridge rule (disabled for `schedule: none`); None for a job started by
    EventBridge Scheduler."""
    schedule_name: pulumi.Output[str] | None
    """Name of the EventBridge Scheduler schedule, for a job that needs one."""
    log_group_name: pulumi.Output[str]
    task_definition_arn: pulumi.Output[str]
    repository_url: pulumi.Output[str] | None
    """URL of the job's ECR repository; None when the image is given by location."""
    task_role_arn: pulumi.Output[str]
    """The role the job's containers run as: attach policies to it for what the job calls."""
    execution_role_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: ScheduledJobArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(JOB_TOKEN, name, None, opts)
        job = args.job
        builds = job.image.build or any(s.image.build for s in job.sidecars.values())
        plan = job_plan(
            job,
            JobContext(
                name=name,
                app=args.app,
                env=args.env,
                region=args.region,
                # A blocking lookup: a known account keeps the documents plain values.
                account=args.account
                if args.account is not None
                else aws.get_caller_identity(opts=pulumi.InvokeOptions(parent=self)).account_id,
                cluster=args.cluster,
                subnets=args.subnets,
                security_groups=args.security_groups,
                assign_public_ip=args.assign_public_ip,
                tags=args.tags,
                image_tag=(args.image_tag or build_tag(args.root)) if builds else None,
                root=args.root,
                artifacts_bucket=args.artifacts_bucket,
                imports=args.imports,
                file_system=args.file_system,
                schedule_group=args.schedule_group,
                alerts_topic=args.alerts_topic,
            ),
        )
        wiring = Wiring({name: self})
        wiring.register(plan.resources)
        outputs = {key: wiring.value(value) for key, value in plan.outputs.items()}
        self.state_machine_arn = outputs["state_machine_arn"]
        self.rule_name = outputs.get("rule_name")
        self.schedule_name = outputs.get("schedule_name")
        self.log_group_name = outputs["log_group_name"]
        self.task_definition_arn = outputs["task_definition_arn"]
        self.task_role_arn = outputs["task_role_arn"]
        self.execution_role_arn = outputs["execution_role_arn"]
        self.repository_url = outputs.get("repository_url")
        self.register_outputs(self.outputs())

    def outputs(self) -> dict[str, pulumi.Output]:
        """The job's outputs by name, as the program exports them."""
        out = {
            "state_machine_arn": self.state_machine_arn,
            "log_group_name": self.log_group_name,
            "task_definition_arn": self.task_definition_arn,
            "task_role_arn": self.task_role_arn,
            "execution_role_arn": self.execution_role_arn,
        }
        if self.rule_name is not None:
            out["rule_name"] = self.rule_name
        if self.schedule_name is not None:
            out["schedule_name"] = self.schedule_name
        if self.repository_url is not None:
            out["repository_url"] = self.repository_url
        return out
