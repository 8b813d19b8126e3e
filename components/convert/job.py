"""Every resource of one job, as plan data (components/convert/plan.py).

`job_plan` is the whole ScheduledJob: its log group, image repository and images, env files,
the four roles with their policies, the task definition, the state machine and the schedule.
The component registers exactly these; `jobs render` prints them. Children are named
`<name>-<role>` and parented to the component `<name>`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from scheduled_jobs.components.contract import IMAGE_TOKEN, JOB_TOKEN, MANIFEST_FILE, MANIFESTS_DIR
from scheduled_jobs.components.convert import addons as addon_stack
from scheduled_jobs.components.convert import (
    alerts,
    arns,
    efs,
    naming,
    policies,
    publish,
    scheduler,
)
from scheduled_jobs.components.convert.container_definitions import (
    ContainerContext,
    container_definitions,
    exports_used,
    secret_reads,
)
from scheduled_jobs.components.convert.exec import exec_enabled, exec_statements
from scheduled_jobs.components.convert.firelens import ROUTER, uses_firelens
from scheduled_jobs.components.convert.overrides import overridden_inputs
from scheduled_jobs.components.convert.plan import FileAsset, Out, Resource, derive, without_none
from scheduled_jobs.components.convert.state_machine import RunTaskSpec, definition_json
from scheduled_jobs.components.convert.tags import resource_tags
from scheduled_jobs.components.convert.task_definition import task_definition_inputs
from scheduled_jobs.components.errors import ManifestError, Problem
from scheduled_jobs.components.manifest.addons import addons_folder, read_addons
from scheduled_jobs.components.manifest.model import (
    BuildArgs,
    FromCfn,
    Job,
    PlacementMap,
    SubnetsFromTags,
)
from scheduled_jobs.components.manifest.rules import build_paths, past_one_time_run

# Images kept in a job's repository; older ones expire (task definitions pin digests, so only
# revisions this far back become unrunnable).
KEEP_IMAGES = 30
# EventBridge needs an expression even on a disabled rule; it never fires.
DISABLED_SCHEDULE_EXPRESSION = "rate(5 minutes)"

ECR_TOKEN = "aws:ecr/getAuthorizationToken:getAuthorizationToken"
GET_EXPORT = "aws:cloudformation/getExport:getExport"
GET_SUBNETS = "aws:ec2/getSubnets:getSubnets"


@dataclass(frozen=True)
class JobContext:
    """Where a job runs. `cluster`, `subnets`, `security_groups` and `artifacts_bucket` may be
    values known only later (plan.Out, or whatever the wiring passes); the rest is plain."""

    name: str  # the component's logical name; children are `<name>-<role>`
    app: str
    env: str
    region: str
    account: str
    cluster: Any  # name or ARN
    subnets: Any
    security_groups: Any = ()  # the environment's groups; the manifest's come after them
    assign_public_ip: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)
    image_tag: str | None = None  # needed when the job builds an image
    root: Path = Path(".")  # build paths and env files are relative to it
    artifacts_bucket: Any = None  # receives env files
    imports: Mapping[str, str] = field(default_factory=dict)  # child role -> physical ID
    file_system: Any = None  # the environment's EFS file system ID, for `efs: true` volumes
    schedule_group: Any = None  # Scheduler's group for jobs that need it (None: "default")
    alerts_topic: Any = None  # the environment's failure topic ARN (None: only alerts.topic)


@dataclass(frozen=True)
class SubnetsByTags:
    """Subnets found at deploy time by their tags (`placement.subnets.from_tags`)."""

    filters: tuple[tuple[str, tuple[str, ...]], ...]


def placement(
    job: Job,
    *,
    public_subnets: Any,
    private_subnets: Any,
    private_setting: str,
    public_setting: str = "the stack's subnets setting",
):
    """(subnets, assign_public_ip) for the job's `network.vpc.placement`. The settings name
    where subnets are configured, for the message when a placement would have none (the
    deploy would succeed and every run fail)."""
    where = job.network.vpc.placement
    if where == "public" and public_subnets == []:
        raise ManifestError(
            [
                Problem(
                    "public placement needs public subnets, and this environment has only "
                    f"private ones: set {public_setting} (subnets with an internet gateway "
                    "route), or use placement: private",
                    path="network.vpc.placement",
                    file=manifest_file(job.name),
                )
            ]
        )
    if where == "private":
        if not private_subnets:
            raise ManifestError(
                [
                    Problem(
                        f"private placement needs private subnets: set {private_setting} "
                        "(subnets with a NAT route), or use placement: public",
                        path="network.vpc.placement",
                        file=manifest_file(job.name),
                    )
                ]
            )
        return private_subnets, False
    if isinstance(where, PlacementMap):
        if isinstance(where.subnets, SubnetsFromTags):
            filters = tuple(
                (f"tag:{key}", tuple(value) if isinstance(value, list) else (value,))
                for key, value in where.subnets.from_tags.items()
            )
            return SubnetsByTags(filters), False
        return list(where.subnets), False
    return public_subnets, True


@dataclass(frozen=True)
class JobPlan:
    resources: list[Resource]
    outputs: dict[str, Any]  # the component's outputs by name


def manifest_file(job: str) -> str:
    """The manifest's path in a project, for problems found after loading."""
    return f"{MANIFESTS_DIR}/{job}/{MANIFEST_FILE}"


def project_path(relative: str) -> str:
    """A path inside the project as the program's inputs carry it: relative to the project
    root (POSIX, normalised), never the machine's absolute path, so another checkout or a CI
    runner sees no diff. Pulumi runs the program, and starts its providers, in the root."""
    return PurePosixPath(relative.replace("\\", "/")).as_posix()


def _json(document: Any) -> str:
    return json.dumps(document, indent=2)


class _Builder:
    """Collects a job's resources in registration order."""

    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx
        self.resources: list[Resource] = []

    def add(self, role: str, type_: str, inputs: dict, *, depends_on=(), **extra) -> str:
        name = f"{self.ctx.name}-{role}"
        self.resources.append(
            Resource(
                type=type_,
                name=name,
                inputs=without_none(inputs),
                parent=self.ctx.name,
                depends_on=tuple(f"{self.ctx.name}-{d}" for d in depends_on),
                import_id=self.ctx.imports.get(role),
                **extra,
            )
        )
        return name

    def lookup(self, role: str, token: str, args: dict) -> str:
        name = f"{self.ctx.name}-{role}"
        self.resources.append(Resource(token, name, args, parent=self.ctx.name, lookup=True))
        return name

    def role(
        self,
        role: str,
        *,
        job_name: str,
        description: str,
        service: str,
        policy: Any,
        tags,
        source_arns: Any = (),
    ) -> str:
        """A role that `service` assumes on behalf of this account (and, given `source_arns`,
        only for those resources: policies.assume_role_policy), and its inline policy."""
        ctx = self.ctx
        account = ctx.account
        explicit = naming.role_name(ctx.app, ctx.env, job_name, f"{ctx.name}-{role}", role)
        trust = derive(
            lambda arns: _json(
                policies.assume_role_policy(service, account=account, source_arns=arns)
            ),
            arns=source_arns,
        )
        name = self.add(
            role,
            "aws:iam/role:Role",
            {
                "name": explicit,
                "description": description,
                "assumeRolePolicy": trust,
                "tags": tags,
            },
        )
        self.add(f"{role}-policy", "aws:iam/rolePolicy:RolePolicy",
                 {"policy": policy, "role": Out(name, "id")})  # fmt: skip
        return name


def job_plan(job: Job, ctx: JobContext) -> JobPlan:
    app, env, region, account = ctx.app, ctx.env, ctx.region, ctx.account
    partition = arns.partition_of(region)
    tags = resource_tags(app, env, job.name, ctx.tags)
    who = f"job {job.name} ({app}-{env})"
    b = _Builder(ctx)
    b.resources.append(Resource(JOB_TOKEN, ctx.name, {}))
    exports = {
        export: Out(b.lookup(f"export-{export}", GET_EXPORT, {"name": export}), "value")
        for export in exports_used(job)
    }

    log_group_name = naming.log_group_name(app, env, job.name)
    log_group = b.add("log-group", "aws:cloudwatch/logGroup:LogGroup",
                      {"name": log_group_name, "retentionInDays": job.logging.retention,
                       "tags": tags})  # fmt: skip
    log_group_arn = Out(log_group, "arn")

    images, pull_arns, repository = _images(b, job, tags, partition)
    env_files, env_file_grants = _env_files(b, job, tags, partition)

    topics = publish.topics(job, app=app, env=env, region=region, account=account,
                            partition=partition)  # fmt: skip
    for spec in topics:
        topic = b.add(f"topic-{spec.name}", "aws:sns/topic:Topic", publish.topic_inputs(spec, tags))
        document = publish.topic_policy(spec, account=account, partition=partition)
        b.add(f"topic-{spec.name}-policy", "aws:sns/topicPolicy:TopicPolicy",
              {"arn": Out(topic, "arn"), "policy": _json(document)})  # fmt: skip
    task_statements = publish.publish_statements(topics) + exec_statements(job)
    file_systems, access_point = _file_systems(b, job, exports, tags)
    grants = efs.grants(job, file_system_ids=file_systems,
                        access_point_arn=access_point and Out(access_point, "arn"))  # fmt: skip

    def task_policy(ids, points) -> str:
        resolved = [efs.Grant(i, g.write, p) for i, g, p in zip(ids, grants, points, strict=True)]
        found = efs.statements(resolved, region=region, account=account, partition=partition)
        return _json(policies.task_role_policy(task_statements + found))

    task_role = b.role(
        "task-role",
        job_name=job.name,
        description=f"The containers of {who} run as this role",
        service="ecs-tasks.amazonaws.com",
        tags=tags,
        source_arns=policies.ecs_task_source_arns(partition=partition, region=region,
                                                  account=account),
        policy=derive(task_policy, ids=[g.file_system_id for g in grants],
                      points=[g.access_point for g in grants]),
    )  # fmt: skip

    addons = read_addons(addons_folder(ctx.root, job.name),
                         display=f"{MANIFESTS_DIR}/{job.name}/addons")  # fmt: skip
    addon_outputs: Any = {}
    if addons is not None:
        addon_outputs = _addons(b, job, addons, tags, task_role=task_role,
                                log_group=log_group, log_group_name=log_group_name)  # fmt: skip

    def containers(images, exports, env_files, addon_outputs) -> list[dict]:
        return container_definitions(
            job,
            ContainerContext(
                app=app, env=env, region=region, account=account, partition=partition,
                log_group=log_group_name, images=images, exports=exports, env_files=env_files,
                addon_variables=addon_stack.variables(addons, addon_outputs) if addons else (),
                addon_secrets=addon_stack.secrets(addons, addon_outputs) if addons else (),
                topic_arns=publish.topic_arns_variable(topics),
            ),
        )  # fmt: skip

    definitions = derive(containers, images=images, exports=exports, env_files=env_files,
                         addon_outputs=addon_outputs)  # fmt: skip

    def execution_policy(log_group_arn, definitions, repository_arns, env_file_grants) -> str:
        reads = secret_reads(definitions)
        return _json(
            policies.execution_role_policy(
                policies.ExecutionGrants(
                    region=region,
                    account=account,
                    partition=partition,
                    log_group_arn=log_group_arn,
                    repository_arns=repository_arns,
                    ssm_parameter_arns=reads.ssm_parameter_arns,
                    secret_arns=reads.secret_arns,
                    env_file_objects=[tuple(grant) for grant in env_file_grants],
                )
            )
        )

    execution_role = b.role(
        "execution-role",
        job_name=job.name,
        description=f"Starts the containers of {who}",
        service="ecs-tasks.amazonaws.com",
        tags=tags,
        policy=derive(execution_policy, log_group_arn=log_group_arn, definitions=definitions,
                      repository_arns=pull_arns, env_file_grants=env_file_grants),
    )  # fmt: skip

    family = naming.task_family(app, env, job.name)
    task_inputs = task_definition_inputs(
        job,
        family=family,
        execution_role_arn=Out(execution_role, "arn"),
        task_role_arn=Out(task_role, "arn"),
        container_definitions=derive(lambda d: _json(d), d=definitions),
        tags=tags,
    )
    if file_systems:
        task_inputs["volumes"] = efs.volumes(job, file_system_ids=file_systems,
                                             access_point_id=Out(access_point, "id")
                                             if access_point else None)  # fmt: skip
    if job.taskdef_overrides:  # last, on everything else (Copilot's order)
        rules = [(rule.path, rule.value) for rule in job.taskdef_overrides]
        task_inputs = overridden_inputs(task_inputs, rules, file=manifest_file(job.name))
    task_definition = b.add(
        "task-definition",
        "aws:ecs/taskDefinition:TaskDefinition",
        task_inputs,
        # The role must be able to pull and read secrets before a task can start.
        depends_on=("execution-role-policy", "log-group"),
    )

    cluster_arn = derive(
        lambda cluster: arns.cluster_arn(cluster, partition=partition, region=region,
                                         account=account),
        cluster=ctx.cluster,
    )  # fmt: skip
    # The environment's groups come first, then the manifest's; `deny_default: true` leaves
    # the environment's out (Copilot parses it but always keeps them).
    environment_groups = () if job.network.vpc.security_groups.deny_default else ctx.security_groups
    manifest_groups = [
        exports[group.from_cfn] if isinstance(group, FromCfn) else group
        for group in job.network.vpc.security_groups.groups
    ]
    # Then the addons' security group outputs (Copilot's order, state-machine.yml).
    security_groups = derive(
        lambda first, then, outputs: list(
            dict.fromkeys(
                [*first, *then, *(addon_stack.security_groups(addons, outputs) if addons else [])]
            )
        ),
        first=environment_groups,
        then=manifest_groups,
        outputs=addon_outputs,
    )

    def state_machine_policy(cluster_arn, execution_role_arn, task_role_arn) -> str:
        return _json(
            policies.state_machine_role_policy(
                policies.StateMachineGrants(
                    region=region,
                    account=account,
                    partition=partition,
                    task_family=family,
                    cluster_arn=cluster_arn,
                    cluster_name=arns.cluster_name(cluster_arn),
                    execution_role_arn=execution_role_arn,
                    task_role_arn=task_role_arn,
                    state_machine_name=naming.state_machine_name(app, env, job.name),
                    concurrency=job.concurrency or "allow",
                )
            )
        )

    state_machine_role = b.role(
        "state-machine-role",
        job_name=job.name,
        description=f"Runs the task of {who}",
        service="states.amazonaws.com",
        tags=tags,
        source_arns=policies.state_machine_source_arns(
            naming.state_machine_name(app, env, job.name), partition=partition, region=region,
            account=account),
        policy=derive(state_machine_policy, cluster_arn=cluster_arn,
                      execution_role_arn=Out(execution_role, "arn"),
                      task_role_arn=Out(task_role, "arn")),
    )  # fmt: skip

    subnets = ctx.subnets
    if isinstance(subnets, SubnetsByTags):
        filters = [{"name": key, "values": list(values)} for key, values in subnets.filters]
        found = b.lookup("subnets", GET_SUBNETS, {"filters": filters})
        subnets = derive(lambda ids: sorted(ids), ids=Out(found, "ids"))
    platform = job.platform_or_default

    def definition(cluster, task_definition, subnets, security_groups) -> str:
        return definition_json(
            RunTaskSpec(
                container=job.name,
                cluster=cluster,
                task_definition=task_definition,
                subnets=subnets,
                security_groups=security_groups,
                assign_public_ip=ctx.assign_public_ip,
                retries=job.retries or 0,
                timeout_seconds=job.timeout_seconds,
                windows=platform.is_windows,
                partition=partition,
                enable_execute_command=exec_enabled(job),
                concurrency=job.concurrency or "allow",
                capacity=job.capacity or "on-demand",
                run_overrides=job.run_overrides is not False,
            )
        )

    state_machine = b.add(
        "state-machine",
        "aws:sfn/stateMachine:StateMachine",
        {
            "name": naming.state_machine_name(app, env, job.name),
            "type": "STANDARD",
            "roleArn": Out(state_machine_role, "arn"),
            "definition": derive(definition, cluster=cluster_arn,
                                 task_definition=Out(task_definition, "arn"),
                                 subnets=subnets, security_groups=security_groups),
            "loggingConfiguration": {
                # Same log group as the containers; Step Functions' streams start with states/.
                "logDestination": derive(lambda arn: f"{arn}:*", arn=log_group_arn),
                "includeExecutionData": True,
                "level": "ALL",
            },
            "tags": tags,
        },
        # Step Functions checks the role's log delivery permissions when it is created.
        depends_on=("state-machine-role-policy",),
    )  # fmt: skip

    trigger = _trigger(b, job, who, state_machine, tags)
    _alerts(b, job, who, state_machine, tags, trigger)

    outputs = {
        "state_machine_arn": Out(state_machine, "arn"),
        **trigger,
        "log_group_name": Out(log_group, "name"),
        "task_definition_arn": Out(task_definition, "arn"),
        "task_role_arn": Out(task_role, "arn"),
        "execution_role_arn": Out(execution_role, "arn"),
    }
    if repository is not None:
        outputs["repository_url"] = Out(repository, "repositoryUrl")
    return JobPlan(b.resources, outputs)


def _trigger(b: _Builder, job: Job, who: str, state_machine: str, tags: dict) -> dict:
    """What starts the job on schedule: Copilot's EventBridge rule, or an EventBridge
    Scheduler schedule for a job that needs one (components/convert/scheduler.py). Returns the
    component's output naming it."""
    ctx = b.ctx
    if job.uses_scheduler:
        return _schedule(b, job, who, state_machine)
    partition = arns.partition_of(ctx.region)
    expression = job.schedule_expression
    rule = b.add(
        "rule",
        "aws:cloudwatch/eventRule:EventRule",
        {
            "name": naming.rule_name(ctx.app, ctx.env, job.name),
            "description": f"Starts {who}: {job.on.schedule}",
            "scheduleExpression": expression or DISABLED_SCHEDULE_EXPRESSION,
            # `schedule: none` keeps a disabled rule rather than none: see docs/component.md.
            "state": "ENABLED" if expression else "DISABLED",
            "tags": tags,
        },
    )
    rule_role = b.role(
        "rule-role",
        job_name=job.name,
        description=f"Lets the schedule of {who} start it",
        service="events.amazonaws.com",
        tags=tags,
        source_arns=policies.rule_source_arns(
            naming.rule_name(ctx.app, ctx.env, job.name), partition=partition, region=ctx.region,
            account=ctx.account),
        policy=derive(lambda arn: _json(policies.rule_role_policy(arn)),
                      arn=Out(state_machine, "arn")),
    )  # fmt: skip
    b.add(
        "rule-target",
        "aws:cloudwatch/eventTarget:EventTarget",
        {"rule": Out(rule, "name"), "targetId": "statemachine", "arn": Out(state_machine, "arn"),
         "roleArn": Out(rule_role, "arn")},
        depends_on=("rule-role-policy",),
    )  # fmt: skip
    return {"rule_name": Out(rule, "name")}


def _schedule(b: _Builder, job: Job, who: str, state_machine: str) -> dict:
    ctx = b.ctx
    partition = arns.partition_of(ctx.region)
    past = past_one_time_run(job)
    if past:
        raise ManifestError(
            [Problem(f"{past}; set a future time or schedule: none", path="on.schedule",
                     file=manifest_file(job.name))]
        )  # fmt: skip
    role = b.role(
        "schedule-role",
        job_name=job.name,
        description=f"Lets the schedule of {who} start it",
        service="scheduler.amazonaws.com",
        tags=resource_tags(ctx.app, ctx.env, job.name, ctx.tags),
        source_arns=derive(
            lambda group: policies.schedule_group_source_arns(
                group, partition=partition, region=ctx.region, account=ctx.account),
            group=ctx.schedule_group or scheduler.DEFAULT_GROUP),
        policy=derive(lambda arn: _json(policies.rule_role_policy(arn)),
                      arn=Out(state_machine, "arn")),
    )  # fmt: skip
    schedule = b.add(
        "schedule",
        "aws:scheduler/schedule:Schedule",
        scheduler.schedule_inputs(
            job,
            name=naming.rule_name(ctx.app, ctx.env, job.name),
            group=ctx.schedule_group or scheduler.DEFAULT_GROUP,
            state_machine_arn=Out(state_machine, "arn"),
            role_arn=Out(role, "arn"),
            description=f"Starts {who}: {job.on.schedule}",
        ),
        # Scheduler checks that it may assume the role when the schedule is created.
        depends_on=("schedule-role-policy",),
    )
    return {"schedule_name": Out(schedule, "name")}


def _alerts(b: _Builder, job: Job, who: str, state_machine: str, tags: dict, trigger: dict):
    """The job's failure alerts (components/convert/alerts.py): a rule on its executions'
    failures, targets on the environment's topic and `alerts.topic`, email subscriptions, and
    an alarm on failed starts of a rule job."""
    settings = job.alerts_or_default
    if settings is None:
        return
    ctx = b.ctx
    topics = [t for t in (ctx.alerts_topic, settings.topic) if t is not None]
    if settings.email and ctx.alerts_topic is None:
        raise ManifestError(
            [Problem("needs the environment's failure topic (the Environment component's, or "
                     "ScheduledJobArgs.alerts_topic)", path="alerts.email",
                     file=manifest_file(job.name))]
        )  # fmt: skip
    if not topics:
        return  # a library user without a topic and no alerts.topic: nothing to send to
    partition = arns.partition_of(ctx.region)
    rule = b.add(
        "alerts-rule",
        "aws:cloudwatch/eventRule:EventRule",
        {
            "name": alerts.rule_name(ctx.app, ctx.env, job.name),
            "description": f"Failed runs of {who}: {', '.join(settings.on)}",
            "eventPattern": derive(
                lambda arn: _json(alerts.event_pattern(arn, settings)),
                arn=Out(state_machine, "arn"),
            ),
            "tags": tags,
        },
    )
    transformer = alerts.input_transformer(
        job=job.name, app=ctx.app, env=ctx.env, region=ctx.region, partition=partition
    )
    for index, topic in enumerate(topics):
        role = "alerts-target" if index == 0 else "alerts-target-topic"
        b.add(role, "aws:cloudwatch/eventTarget:EventTarget",
              {"rule": Out(rule, "name"), "targetId": role.removeprefix("alerts-"),
               "arn": topic, "inputTransformer": transformer})  # fmt: skip
    for index, address in enumerate(settings.email):
        b.add(
            f"alerts-email-{index}",
            "aws:sns/topicSubscription:TopicSubscription",
            {"topic": ctx.alerts_topic, "protocol": "email", "endpoint": address,
             "filterPolicy": alerts.subscription_filter(job.name),
             "filterPolicyScope": "MessageBody"},
        )  # fmt: skip
    if "rule_name" in trigger and ctx.alerts_topic is not None:
        b.add(
            "start-failures-alarm",
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            alerts.start_failures_alarm(
                name=f"{naming.base_name(ctx.app, ctx.env, job.name)}-start-failures",
                description=f"EventBridge could not start {who} (its rule's target failed)",
                namespace="AWS/Events",
                metric="FailedInvocations",
                dimensions={"RuleName": trigger["rule_name"]},
                topic_arn=ctx.alerts_topic,
                tags=tags,
            ),
        )


def _file_systems(b: _Builder, job: Job, exports: dict, tags: dict):
    """{volume: file system ID} of the job's EFS volumes, and the access point of its
    Copilot-managed one (created here, on the environment's file system)."""
    ids: dict[str, Any] = {}
    access_point = None
    for name, volume in job.storage.volumes.items():
        if efs.is_external(volume):
            config = volume.efs
            ids[name] = config.id if config.id else exports[config.from_cfn]  # type: ignore[union-attr]
        elif efs.is_managed(volume):
            if b.ctx.file_system is None:
                raise ManifestError(
                    [Problem("a Copilot-managed EFS volume needs the environment's file system "
                             "(the Environment component creates it when a job asks for one; as "
                             "a library, pass ScheduledJobArgs.file_system)",
                             path=f"storage.volumes.{name}.efs", file=manifest_file(job.name))]
                )  # fmt: skip
            ids[name] = b.ctx.file_system
            access_point = b.add(
                "access-point",
                "aws:efs/accessPoint:AccessPoint",
                efs.access_point_inputs(job, b.ctx.file_system, tags),
            )
    return ids, access_point


def _addons(b: _Builder, job: Job, addons, tags: dict, *, task_role, log_group, log_group_name):
    """The addons stack and the task role's managed policies from it; returns its `outputs`."""
    ctx = b.ctx
    body = addon_stack.template_body(addons)
    if len(body.encode()) > addon_stack.MAX_TEMPLATE_BODY:
        raise ManifestError(
            [Problem(f"the merged template is {len(body.encode())} bytes as JSON; CloudFormation "
                     f"takes at most {addon_stack.MAX_TEMPLATE_BODY} inline: split off part of "
                     "it into its own stack", file=addons.folder)]
        )  # fmt: skip
    refs = {
        "task_role_name": Out(task_role, "name"),
        "task_role_arn": Out(task_role, "arn"),
        "log_group_name": log_group_name,
        "log_group_arn": Out(log_group, "arn"),
    }
    stack = b.add(
        "addons",
        "aws:cloudformation/stack:Stack",
        {
            "name": addon_stack.stack_name(ctx.app, ctx.env, job.name),
            "templateBody": body,
            "parameters": addon_stack.stack_parameters(
                addons, app=ctx.app, env=ctx.env, job=job.name, refs=refs
            ),
            "capabilities": list(addon_stack.CAPABILITIES),
            "tags": tags,
        },
    )
    outputs = Out(stack, "outputs")
    for output in addon_stack.policy_outputs(addons):
        b.add(
            f"task-role-{output}",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            {"role": Out(task_role, "id"),
             "policyArn": derive(lambda outputs, key=output: outputs[key], outputs=outputs)},
        )  # fmt: skip
    return outputs


def _images(b: _Builder, job: Job, tags: dict, partition: str):
    """Container -> image (a location as given, or the digest of an image built and pushed to
    the job's repository); the repository ARNs the execution role pulls from; the repository."""
    builds: dict[str, BuildArgs] = {job.name: job.image.build} if job.image.build else {}
    builds.update({n: s.image.build for n, s in job.sidecars.items() if s.image.build})
    images: dict[str, Any] = {}
    if job.image.location:
        images[job.name] = job.image.location
    for sidecar_name, sidecar in job.sidecars.items():
        if sidecar.image.location:
            images[sidecar_name] = sidecar.image.location
    pull_arns: list[Any] = [
        arn
        for location in (job.image.location, *(s.image.location for s in job.sidecars.values()))
        if location and (arn := arns.ecr_repository_arn(location, partition=partition))
    ]
    if not builds:
        return images, pull_arns, None

    ctx = b.ctx
    repository = b.add(
        "repository",
        "aws:ecr/repository:Repository",
        {
            "name": naming.repository_name(ctx.app, ctx.env, job.name),
            "imageScanningConfiguration": {"scanOnPush": True},
            "imageTagMutability": "MUTABLE",
            # The repository only holds images this stack built; destroying the job removes them.
            "forceDelete": True,
            "tags": tags,
        },
    )
    lifecycle = {
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
    b.add("repository-lifecycle", "aws:ecr/lifecyclePolicy:LifecyclePolicy",
          {"repository": Out(repository, "name"), "policy": _json(lifecycle)})  # fmt: skip
    pull_arns.append(Out(repository, "arn"))
    if ctx.image_tag is None:
        raise ValueError("JobContext.image_tag is required for a job that builds an image")
    url = Out(repository, "repositoryUrl")
    token = b.lookup("registry-token", ECR_TOKEN, {"registryId": Out(repository, "registryId")})
    platform = job.platform_or_default.docker_platform
    for container, build in builds.items():
        tag = ctx.image_tag if container == job.name else f"{container}-{ctx.image_tag}"
        role = "image" if container == job.name else f"{container}-image"
        dockerfile, context = build_paths(build.dockerfile, build.context)
        # pulumi-docker-build, not pulumi-docker: its provider reaches the Docker daemon only
        # to build, so previews, refreshes and destroys work without one (docs/deploying.md).
        image = b.add(
            role,
            IMAGE_TOKEN,
            {
                "tags": [derive(lambda url, tag=tag: f"{url}:{tag}", url=url)],
                # Relative to the project root, the folder Pulumi runs the program in: the
                # same inputs on every machine and checkout path.
                "context": {"location": project_path(context)},
                "dockerfile": {"location": project_path(dockerfile)},
                "buildArgs": dict(build.args) or None,
                "target": build.target,
                "cacheFrom": [{"registry": {"ref": ref}} for ref in build.cache_from] or None,
                "platforms": [platform],
                "push": True,
                "registries": [
                    {
                        "address": url,
                        "username": Out(token, "userName"),
                        "password": Out(token, "password"),
                    }
                ],
                # A preview never builds: it needs no daemon, and an update builds only when
                # the tag or the build context changed (the provider hashes the context).
                "buildOnPreview": False,
                "network": "default",  # the SDK's default, sent by it: stated so the plan is whole
            },
        )
        # The digest, not the tag: every new image is a new task definition revision.
        images[container] = derive(
            lambda url, digest: f"{url}@{digest}", url=url, digest=Out(image, "digest")
        )
    return images, pull_arns, repository


def _env_files(b: _Builder, job: Job, tags: dict, partition: str):
    """Upload each container's env file; returns ({container: object ARN}, [[bucket ARN,
    object ARN], ...])."""
    files = {job.name: job.env_file} if job.env_file else {}
    files.update({n: s.env_file for n, s in job.sidecars.items() if s.env_file})
    if job.logging.env_file and uses_firelens(job):
        files[ROUTER] = job.logging.env_file
    if not files:
        return {}, []
    ctx = b.ctx
    manifest = manifest_file(job.name)
    if ctx.artifacts_bucket is None:
        raise ManifestError(
            [Problem("needs an artifacts bucket (the environment's, or "
                     "ScheduledJobArgs.artifacts_bucket)", path="env_file", file=manifest)]
        )  # fmt: skip
    object_arns: dict[str, Any] = {}
    grants: list[Any] = []
    for container, relative in files.items():
        path = ctx.root / relative
        source = project_path(relative)
        try:
            content = path.read_bytes()
        except OSError as exc:
            field_path = (
                "env_file" if container == job.name
                else "logging.env_file" if container == ROUTER
                else f"sidecars.{container}.env_file"
            )  # fmt: skip
            raise ManifestError(
                [Problem(f"cannot read {path}: {exc.strerror}", path=field_path, file=manifest)]
            ) from None
        # Copilot's layout: a new object per content, so a changed file is a new revision.
        key = f"manual/env-files/{Path(relative).name}/{hashlib.sha256(content).hexdigest()}.env"
        suffix = "env-file" if container == job.name else f"{container}-env-file"
        b.add(
            suffix,
            "aws:s3/bucketObjectv2:BucketObjectv2",
            {"bucket": ctx.artifacts_bucket, "key": key, "source": FileAsset(source),
             "contentType": "text/plain", "tags": tags},
        )  # fmt: skip
        object_arn = derive(
            lambda bucket, key=key: arns.s3_object_arn(bucket, key, partition=partition),
            bucket=ctx.artifacts_bucket,
        )
        object_arns[container] = object_arn
        grants.append(
            [derive(lambda bucket: arns.s3_bucket_arn(bucket, partition=partition),
                    bucket=ctx.artifacts_bucket), object_arn]
        )  # fmt: skip
    return object_arns, grants
