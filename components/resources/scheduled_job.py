"""The `ScheduledJob` component: one manifest's job, built from plain documents.

Every document (container definitions, state machine definition, IAM policies, names, tags)
comes from a pure function in this package; this module only wires them into `pulumi_aws` and
`pulumi_docker` resources, named `<job>-<role>` and parented to the component.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from components.convert import arns, naming, policies
from components.convert.container_definitions import (
    ContainerContext,
    container_definitions,
    exports_used,
    secret_reads,
)
from components.convert.state_machine import RunTaskSpec, definition_json
from components.convert.tags import resource_tags
from components.errors import ManifestError, Problem
from components.manifest.model import BuildArgs, FromCfn, Job, PlacementMap, SubnetsFromTags
from components.manifest.rules import build_paths

TOKEN = "scheduled-jobs:index:ScheduledJob"
IMAGE_TAG_VARIABLE = "SCHEDULED_JOBS_IMAGE_TAG"
# Images kept in a job's repository; older ones expire (task definitions pin digests, so only
# revisions this far back become unrunnable).
KEEP_IMAGES = 30
# EventBridge needs an expression even on a disabled rule; it never fires.
DISABLED_SCHEDULE_EXPRESSION = "rate(5 minutes)"


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
        account: pulumi.Input[str] | None = None,
        tags: Mapping[str, str] | None = None,
        image_tag: str | None = None,
        root: str | os.PathLike[str] = ".",
        artifacts_bucket: pulumi.Input[str] | None = None,
    ) -> None:
        """`job` is the merged manifest (`load_manifest(path, env)`); `cluster` a cluster name or
        ARN; `subnets`/`security_groups` where the task runs (the manifest's own security groups
        are added after these); `account` defaults to the caller's; `root` is the folder build
        paths and env files are relative to; `artifacts_bucket` receives env files."""
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

    @classmethod
    def from_manifest(
        cls, path: str | os.PathLike[str], environment, *, root=None, image_tag=None, account=None
    ) -> ScheduledJobArgs:
        """Args for the manifest at `path` in an `Environment` component (its settings choose
        the application, region, cluster, subnets and tags)."""
        from components.manifest.load import load_manifest

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
        placement = job.network.vpc.placement
        if placement == "private":
            if not settings.private_subnets:
                raise ManifestError(
                    [
                        Problem(
                            f"private placement needs private subnets: set "
                            f"scheduled-jobs:privateSubnets in Pulumi.{settings.env}.yaml "
                            "(subnets with a NAT route), or use placement: public",
                            path=f"{job.name}: network.vpc.placement",
                        )
                    ]
                )
            subnets, public_ip = environment.private_subnets, False
        elif isinstance(placement, PlacementMap):
            subnets, public_ip = _explicit_subnets(placement, environment), False
        else:
            subnets, public_ip = environment.public_subnets, True
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
        )


def _explicit_subnets(placement: PlacementMap, parent) -> pulumi.Output:
    if isinstance(placement.subnets, SubnetsFromTags):
        filters = [
            aws.ec2.GetSubnetsFilterArgs(
                name=f"tag:{key}", values=value if isinstance(value, list) else [value]
            )
            for key, value in placement.subnets.from_tags.items()
        ]
        found = aws.ec2.get_subnets_output(
            filters=filters, opts=pulumi.InvokeOptions(parent=parent)
        )
        return found.ids.apply(sorted)
    return pulumi.Output.from_input(list(placement.subnets))


class ScheduledJob(pulumi.ComponentResource):
    """A Copilot-style scheduled job: image, log group, task definition, roles, a Step
    Functions state machine that runs the task, and the EventBridge rule that starts it."""

    state_machine_arn: pulumi.Output[str]
    """ARN of the state machine; StartExecution on it runs the job now."""
    rule_name: pulumi.Output[str]
    """Name of the EventBridge rule (disabled for `schedule: none`)."""
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
        super().__init__(TOKEN, name, None, opts)
        job, app, env, region = args.job, args.app, args.env, args.region
        child = pulumi.ResourceOptions(parent=self)
        partition = arns.partition_of(region)
        tags = resource_tags(app, env, job.name, args.tags)
        # A blocking lookup: a known account keeps the documents below plain values.
        account = (
            args.account
            if args.account is not None
            else aws.get_caller_identity(opts=pulumi.InvokeOptions(parent=self)).account_id
        )
        exports = _exports(exports_used(job), self)

        log_group = aws.cloudwatch.LogGroup(
            f"{name}-log-group",
            name=naming.log_group_name(app, env, job.name),
            retention_in_days=job.logging.retention,
            tags=tags,
            opts=child,
        )

        # Images: built ones go to the job's repository, located ones are used as they are.
        builds = {job.name: job.image.build} if job.image.build else {}
        builds.update({n: s.image.build for n, s in job.sidecars.items() if s.image.build})
        images: dict[str, pulumi.Input[str]] = {}
        if job.image.location:
            images[job.name] = job.image.location
        for sidecar_name, sidecar in job.sidecars.items():
            if sidecar.image.location:
                images[sidecar_name] = sidecar.image.location
        pull_arns: list[pulumi.Input[str]] = [
            arn
            for location in (job.image.location, *(s.image.location for s in job.sidecars.values()))
            if location and (arn := arns.ecr_repository_arn(location, partition=partition))
        ]
        self.repository_url = None
        if builds:
            repository = self._repository(name, naming.repository_name(app, env, job.name), tags)
            self.repository_url = repository.repository_url
            pull_arns.append(repository.arn)
            tag = args.image_tag or os.environ.get(IMAGE_TAG_VARIABLE) or _default_tag(args.root)
            for container, build in builds.items():
                images[container] = self._image(
                    f"{name}-image" if container == job.name else f"{name}-{container}-image",
                    repository,
                    build,
                    tag if container == job.name else f"{container}-{tag}",
                    job,
                    args.root,
                )

        env_files, env_file_grants = self._env_files(name, job, args, partition, tags)

        assume_ecs = _combine(
            [account],
            lambda v: _json(policies.assume_role_policy("ecs-tasks.amazonaws.com", account=v[0])),
        )
        execution_role = aws.iam.Role(
            f"{name}-execution-role",
            description=f"Starts the containers of job {job.name} ({app}-{env})",
            assume_role_policy=assume_ecs,
            tags=tags,
            opts=child,
        )
        task_role = aws.iam.Role(
            f"{name}-task-role",
            description=f"The containers of job {job.name} ({app}-{env}) run as this role",
            assume_role_policy=assume_ecs,
            tags=tags,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-task-role-policy",
            role=task_role.id,
            policy=_json(policies.task_role_policy()),
            opts=child,
        )

        def containers(values: list) -> list[dict]:
            values = iter(values)
            acct = next(values)
            ctx = ContainerContext(
                app=app,
                env=env,
                region=region,
                account=acct,
                partition=partition,
                log_group=log_group_name,
                images={container: next(values) for container in images},
                exports={export: next(values) for export in exports},
                env_files={container: next(values) for container in env_files},
            )
            return container_definitions(job, ctx)

        # The log group's name is known; the task definition waits for the group (depends_on).
        log_group_name = naming.log_group_name(app, env, job.name)
        definitions = _combine(
            [account, *images.values(), *exports.values(), *env_files.values()], containers
        )

        def execution_policy(values: list) -> str:
            acct, group_arn, defs = values[:3]
            repo_arns = values[3 : 3 + len(pull_arns)]
            file_grants = values[3 + len(pull_arns) :]
            reads = secret_reads(defs)
            return _json(
                policies.execution_role_policy(
                    policies.ExecutionGrants(
                        region=region,
                        account=acct,
                        partition=partition,
                        log_group_arn=group_arn,
                        repository_arns=repo_arns,
                        ssm_parameter_arns=reads.ssm_parameter_arns,
                        secret_arns=reads.secret_arns,
                        env_file_objects=[tuple(g) for g in file_grants],
                    )
                )
            )

        execution_policy_resource = aws.iam.RolePolicy(
            f"{name}-execution-role-policy",
            role=execution_role.id,
            policy=_combine(
                [account, log_group.arn, definitions, *pull_arns, *env_file_grants],
                execution_policy,
            ),
            opts=child,
        )

        platform = job.platform_or_default
        runtime_platform = None
        if job.platform and (platform.is_windows or platform.is_arm):
            runtime_platform = aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family=platform.ecs_os_family,
                cpu_architecture=platform.ecs_cpu_architecture,
            )
        ephemeral = None
        if job.storage.ephemeral and job.storage.ephemeral > 20:  # 20 GiB is Fargate's default
            ephemeral = aws.ecs.TaskDefinitionEphemeralStorageArgs(
                size_in_gib=job.storage.ephemeral
            )
        family = naming.task_family(app, env, job.name)
        task_definition = aws.ecs.TaskDefinition(
            f"{name}-task-definition",
            family=family,
            cpu=str(job.cpu),
            memory=str(job.memory),
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            execution_role_arn=execution_role.arn,
            task_role_arn=task_role.arn,
            runtime_platform=runtime_platform,
            ephemeral_storage=ephemeral,
            volumes=[aws.ecs.TaskDefinitionVolumeArgs(name=v) for v in job.storage.volumes] or None,
            container_definitions=_combine([definitions], lambda v: _json(v[0])),
            tags=tags,
            # The role must be able to pull and read secrets before a task can start.
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[execution_policy_resource, log_group]
            ),
        )

        cluster_arn = _combine(
            [account, args.cluster],
            lambda v: arns.cluster_arn(v[1], partition=partition, region=region, account=v[0]),
        )
        # The environment's groups come first, then the manifest's; `deny_default: true`
        # leaves the environment's out (Copilot parses it but always keeps them).
        environment_groups = (
            () if job.network.vpc.security_groups.deny_default else args.security_groups
        )
        security_groups = _combine(
            [environment_groups, *_manifest_security_groups(job, exports)],
            lambda v: list(dict.fromkeys([*v[0], *v[1:]])),
        )

        state_machine_role = aws.iam.Role(
            f"{name}-state-machine-role",
            description=f"Runs the task of job {job.name} ({app}-{env})",
            assume_role_policy=_combine(
                [account],
                lambda v: _json(policies.assume_role_policy("states.amazonaws.com", account=v[0])),
            ),
            tags=tags,
            opts=child,
        )
        state_machine_policy = aws.iam.RolePolicy(
            f"{name}-state-machine-role-policy",
            role=state_machine_role.id,
            policy=_combine(
                [account, cluster_arn, execution_role.arn, task_role.arn],
                lambda v: _json(
                    policies.state_machine_role_policy(
                        policies.StateMachineGrants(
                            region=region,
                            account=v[0],
                            partition=partition,
                            task_family=family,
                            cluster_arn=v[1],
                            cluster_name=arns.cluster_name(v[1]),
                            execution_role_arn=v[2],
                            task_role_arn=v[3],
                        )
                    )
                ),
            ),
            opts=child,
        )
        state_machine = aws.sfn.StateMachine(
            f"{name}-state-machine",
            name=naming.state_machine_name(app, env, job.name),
            type="STANDARD",
            role_arn=state_machine_role.arn,
            definition=_combine(
                [cluster_arn, task_definition.arn, args.subnets, security_groups],
                lambda v: definition_json(
                    RunTaskSpec(
                        container=job.name,
                        cluster=v[0],
                        task_definition=v[1],
                        subnets=v[2],
                        security_groups=v[3],
                        assign_public_ip=args.assign_public_ip,
                        retries=job.retries or 0,
                        timeout_seconds=job.timeout_seconds,
                        windows=platform.is_windows,
                        partition=partition,
                    )
                ),
            ),
            logging_configuration=aws.sfn.StateMachineLoggingConfigurationArgs(
                # Same log group as the containers; Step Functions' streams start with states/.
                log_destination=log_group.arn.apply(lambda arn: f"{arn}:*"),
                include_execution_data=True,
                level="ALL",
            ),
            tags=tags,
            # Step Functions checks the role's log delivery permissions when it is created.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[state_machine_policy]),
        )

        expression = job.schedule_expression
        rule = aws.cloudwatch.EventRule(
            f"{name}-rule",
            name=naming.rule_name(app, env, job.name),
            description=f"Starts job {job.name} ({app}-{env}): {job.on.schedule}",
            schedule_expression=expression or DISABLED_SCHEDULE_EXPRESSION,
            # `schedule: none` keeps a disabled rule rather than none: see docs/component.md.
            state="ENABLED" if expression else "DISABLED",
            tags=tags,
            opts=child,
        )
        rule_role = aws.iam.Role(
            f"{name}-rule-role",
            description=f"Lets the schedule of job {job.name} ({app}-{env}) start it",
            assume_role_policy=_combine(
                [account],
                lambda v: _json(policies.assume_role_policy("events.amazonaws.com", account=v[0])),
            ),
            tags=tags,
            opts=child,
        )
        rule_policy = aws.iam.RolePolicy(
            f"{name}-rule-role-policy",
            role=rule_role.id,
            policy=state_machine.arn.apply(lambda arn: _json(policies.rule_role_policy(arn))),
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-rule-target",
            rule=rule.name,
            target_id="statemachine",
            arn=state_machine.arn,
            role_arn=rule_role.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[rule_policy]),
        )

        self.state_machine_arn = state_machine.arn
        self.rule_name = rule.name
        self.log_group_name = log_group.name
        self.task_definition_arn = task_definition.arn
        self.task_role_arn = task_role.arn
        self.execution_role_arn = execution_role.arn
        self.register_outputs(self.outputs())

    def outputs(self) -> dict[str, pulumi.Output]:
        """The job's outputs by name, as the program exports them."""
        out = {
            "state_machine_arn": self.state_machine_arn,
            "rule_name": self.rule_name,
            "log_group_name": self.log_group_name,
            "task_definition_arn": self.task_definition_arn,
            "task_role_arn": self.task_role_arn,
            "execution_role_arn": self.execution_role_arn,
        }
        if self.repository_url is not None:
            out["repository_url"] = self.repository_url
        return out

    def _repository(self, name: str, repo_name: str, tags: dict) -> aws.ecr.Repository:
        child = pulumi.ResourceOptions(parent=self)
        repository = aws.ecr.Repository(
            f"{name}-repository",
            name=repo_name,
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(
                scan_on_push=True
            ),
            image_tag_mutability="MUTABLE",
            # The repository only holds images this stack built; destroying the job removes them.
            force_delete=True,
            tags=tags,
            opts=child,
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-repository-lifecycle",
            repository=repository.name,
            policy=_json(
                {
                    "rules": [
                        {
                            "rulePriority": 1,
                            "description": f"Keep the {KEEP_IMAGES} newest images",
                            "selection": {
                                "tagStatus": "any",
                                "countType": "imageCountMoreThan",
                                "countNumber": KEEP_IMAGES,
                            },
                            "action": {"type": "expire"},
                        }
                    ]
                }
            ),
            opts=child,
        )
        return repository

    def _image(self, logical, repository, build: BuildArgs, tag: str, job: Job, root: Path):
        import pulumi_docker as docker

        dockerfile, context = build_paths(build.dockerfile, build.context)
        token = aws.ecr.get_authorization_token_output(
            registry_id=repository.registry_id, opts=pulumi.InvokeOptions(parent=self)
        )
        image = docker.Image(
            logical,
            image_name=repository.repository_url.apply(lambda url: f"{url}:{tag}"),
            build=docker.DockerBuildArgs(
                context=str(root / context),
                dockerfile=str(root / dockerfile),
                args=dict(build.args) or None,
                target=build.target,
                cache_from=docker.CacheFromArgs(images=list(build.cache_from))
                if build.cache_from
                else None,
                platform=job.platform_or_default.docker_platform,
            ),
            registry=docker.RegistryArgs(
                server=repository.repository_url,
                username=token.user_name,
                password=token.password,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        # The digest, not the tag: every new image is a new task definition revision.
        return image.repo_digest

    def _env_files(self, name, job: Job, args: ScheduledJobArgs, partition: str, tags: dict):
        """Upload each container's env file; returns ({container: object ARN}, [(bucket ARN,
        object ARN)])."""
        files = {job.name: job.env_file} if job.env_file else {}
        files.update({n: s.env_file for n, s in job.sidecars.items() if s.env_file})
        if not files:
            return {}, []
        if args.artifacts_bucket is None:
            raise ManifestError(
                [
                    Problem(
                        "env_file needs an artifacts bucket (ScheduledJobArgs.artifacts_bucket)",
                        path=f"{job.name}: env_file",
                    )
                ]
            )
        bucket = pulumi.Output.from_input(args.artifacts_bucket)
        object_arns: dict[str, pulumi.Output[str]] = {}
        grants: list[pulumi.Output] = []
        for container, relative in files.items():
            path = args.root / relative
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise ManifestError(
                    [Problem(f"cannot read {path}: {exc.strerror}", path=f"{container}: env_file")]
                ) from None
            # Copilot's layout: a new object per content, so a changed file is a new revision.
            key = (
                f"manual/env-files/{Path(relative).name}/{hashlib.sha256(content).hexdigest()}.env"
            )
            suffix = "" if container == job.name else f"-{container}"
            aws.s3.BucketObjectv2(
                f"{name}{suffix}-env-file",
                bucket=bucket,
                key=key,
                source=pulumi.FileAsset(str(path)),
                content_type="text/plain",
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self),
            )
            object_arn = bucket.apply(
                lambda b, k=key: arns.s3_object_arn(b, k, partition=partition)
            )
            object_arns[container] = object_arn
            grants.append(
                pulumi.Output.all(
                    bucket.apply(lambda b: arns.s3_bucket_arn(b, partition=partition)), object_arn
                )
            )
        return object_arns, grants


def _exports(names: list[str], parent) -> dict[str, pulumi.Output[str]]:
    """CloudFormation exports the manifest imports with `from_cfn`, read at deploy time."""
    invoke = pulumi.InvokeOptions(parent=parent)
    return {n: aws.cloudformation.get_export_output(name=n, opts=invoke).value for n in names}


def _manifest_security_groups(job: Job, exports: Mapping[str, pulumi.Output[str]]) -> list:
    return [
        exports[group.from_cfn] if isinstance(group, FromCfn) else group
        for group in job.network.vpc.security_groups.groups
    ]


def _default_tag(root: Path) -> str:
    from components.tools.image_tag import default_image_tag

    return default_image_tag(root)


def _combine(values: Sequence, fn: Callable[[list], Any]) -> Any:
    """`fn(values)` now when every value is known, else an Output of it once they are: a plain
    value skips the SDK's Output machinery, which dominates the cost of a render."""
    if all(_known(v) for v in values):
        return fn(list(values))
    return pulumi.Output.all(*values).apply(fn)


def _known(value: Any) -> bool:
    """True for a plain value: no Output or awaitable in it, however deep (as an Input may be)."""
    if isinstance(value, list | tuple):
        return all(_known(v) for v in value)
    if isinstance(value, dict):
        return all(_known(v) for v in value.values())
    return not isinstance(value, pulumi.Output) and not inspect.isawaitable(value)


def _json(document) -> str:
    return json.dumps(document, indent=2)
