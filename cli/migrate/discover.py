"""What a Copilot application has deployed, read from the current credentials' account.

SSM Parameter Store holds Copilot's config store (application, environments, workloads);
CloudFormation the environment stack `<app>-<env>` (its outputs: VPC, subnets, security group,
cluster) and one stack per job and environment, `<app>-<env>-<job>`, whose resources hold the
physical names (reference/copilot-migration-facts.md, sections 2-3). Everything read here is
plain data for `plan`; nothing is changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from scheduled_jobs.cli.migrate import template as templates
from scheduled_jobs.cli.migrate.workspace import JOB_TYPE, Workspace
from scheduled_jobs.cli.ops.session import aws_errors, error_code
from scheduled_jobs.cli.output import UserError
from scheduled_jobs.components.convert import naming

SSM_ROOT = "/copilot/applications"
# Outputs of the environment stack that the project's settings come from.
ENV_OUTPUTS = ("VpcId", "PublicSubnets", "PrivateSubnets", "EnvironmentSecurityGroup", "ClusterId")
STREAMS_COUNTED = 50  # streams are counted up to this many: "at least 50" is enough to verify


class Clients:
    """boto3 clients per (service, region) from one session, with bounded timeouts."""

    def __init__(self, region: str | None = None):
        with aws_errors():
            import boto3

            self.session = boto3.session.Session(region_name=region)
        self._clients: dict[tuple[str, str | None], Any] = {}

    @property
    def region(self) -> str:
        region = self.session.region_name
        if not region:
            raise UserError(
                "no AWS region configured for Copilot's config store",
                hint="Set AWS_REGION (or AWS_DEFAULT_REGION, or a profile's region) to the "
                "region of the Copilot application.",
            )
        return region

    def __call__(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self.region)
        if key not in self._clients:
            from botocore.config import Config

            with aws_errors():
                self._clients[key] = self.session.client(
                    service,
                    region_name=key[1],
                    config=Config(connect_timeout=5, read_timeout=60, retries={"mode": "standard"}),
                )
        return self._clients[key]


@dataclass(frozen=True)
class Environment:
    name: str
    region: str
    account: str
    execution_role_arn: str
    manager_role_arn: str
    stack: str  # `<app>-<env>`
    outputs: dict[str, str] = field(default_factory=dict)  # {} when the stack is missing

    def subnets(self, key: str) -> list[str]:
        return [s for s in self.outputs.get(key, "").split(",") if s]


@dataclass(frozen=True)
class Resource:
    logical_id: str
    type: str
    physical_id: str
    status: str


@dataclass(frozen=True)
class LogGroup:
    name: str
    exists: bool
    retention: int | None = None
    tags: dict[str, str] = field(default_factory=dict)
    kms_key_id: str | None = None
    streams: int = 0  # counted up to STREAMS_COUNTED


@dataclass(frozen=True)
class Rule:
    name: str
    schedule: str | None
    state: str | None
    targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class JobStack:
    """A job in one environment: its Copilot stack (if there still is one) and the names that
    matter to the migration."""

    app: str
    env: str
    job: str
    name: str  # `<app>-<env>-<job>`
    status: str | None  # None: no such stack (never deployed, or already removed)
    resources: tuple[Resource, ...] = ()
    parameters: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    role_arn: str | None = None
    retained: frozenset[str] = frozenset()  # logical IDs with a Retain policy in its template
    rule: Rule | None = None  # Copilot's rule, while the stack has one
    running: int = 0  # running executions of Copilot's state machine
    log_group: LogGroup | None = None
    # Names our stack creates that exist in AWS outside Copilot's stack: type -> name.
    collisions: dict[str, str] = field(default_factory=dict)

    def resource(self, logical_id: str) -> Resource | None:
        return next((r for r in self.resources if r.logical_id == logical_id), None)

    def of_type(self, kind: str) -> list[Resource]:
        return [r for r in self.resources if r.type == kind]


@dataclass(frozen=True)
class Discovery:
    workspace: Workspace
    app: str
    account: str
    app_tags: dict[str, str]
    environments: dict[str, Environment]
    jobs: list[str]  # the selected scheduled jobs
    left_alone: dict[str, str]  # workload -> type, for everything that is not a selected job
    stacks: dict[tuple[str, str], JobStack]  # (env, job) -> its stack


def _parameter(ssm: Any, name: str) -> dict[str, Any] | None:
    try:
        value = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    except Exception as exc:
        if error_code(exc) == "ParameterNotFound":
            return None
        raise
    try:
        data = json.loads(value)
    except ValueError:
        raise UserError(f"SSM parameter {name} is not Copilot's JSON") from None
    return data if isinstance(data, dict) else None


def _children(ssm: Any, path: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in ssm.get_paginator("get_parameters_by_path").paginate(Path=path, Recursive=False):
        for parameter in page.get("Parameters", []):
            try:
                data = json.loads(parameter["Value"])
            except ValueError:
                continue
            if isinstance(data, dict):
                found.append(data)
    return found


def _stack(cfn: Any, name: str) -> dict[str, Any] | None:
    try:
        return cfn.describe_stacks(StackName=name)["Stacks"][0]
    except Exception as exc:
        if error_code(exc) == "ValidationError" and "does not exist" in str(exc):
            return None
        raise


def _log_group(logs: Any, name: str) -> LogGroup:
    groups = logs.describe_log_groups(logGroupNamePrefix=name).get("logGroups", [])
    group = next((g for g in groups if g.get("logGroupName") == name), None)
    if group is None:
        return LogGroup(name=name, exists=False)
    arn = group.get("logGroupArn") or group["arn"].removesuffix(":*")
    tags = logs.list_tags_for_resource(resourceArn=arn).get("tags", {})
    streams = logs.describe_log_streams(logGroupName=name, limit=STREAMS_COUNTED)
    return LogGroup(
        name=name,
        exists=True,
        retention=group.get("retentionInDays"),
        tags={k: v for k, v in tags.items() if not k.startswith("aws:")},
        kms_key_id=group.get("kmsKeyId"),
        streams=len(streams.get("logStreams", [])),
    )


def rule_state(events: Any, name: str) -> Rule | None:
    try:
        rule = events.describe_rule(Name=name)
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return None
        raise
    targets = events.list_targets_by_rule(Rule=name).get("Targets", [])
    return Rule(
        name=name,
        schedule=rule.get("ScheduleExpression"),
        state=rule.get("State"),
        targets=tuple(t["Arn"] for t in targets),
    )


def _state_machine_exists(sfn: Any, arn: str) -> bool:
    try:
        sfn.describe_state_machine(stateMachineArn=arn)
    except Exception as exc:
        if error_code(exc) in ("StateMachineDoesNotExist", "ResourceNotFound"):
            return False
        raise
    return True


def state_machine_arn(env: Environment, app: str, job: str) -> str:
    from scheduled_jobs.components.convert.arns import partition_of

    name = naming.state_machine_name(app, env.name, job)
    return f"arn:{partition_of(env.region)}:states:{env.region}:{env.account}:stateMachine:{name}"


def read_job(clients: Clients, env: Environment, app: str, job: str) -> JobStack:
    """The job's stack in `env`, its log group and what of ours would collide."""
    region = env.region
    cfn, logs = clients("cloudformation", region), clients("logs", region)
    events, sfn = clients("events", region), clients("stepfunctions", region)
    name = naming.fit(f"{app}-{env.name}-{job}", 128)
    group_name = naming.log_group_name(app, env.name, job)
    with aws_errors():
        stack = _stack(cfn, name)
        resources: tuple[Resource, ...] = ()
        retained: frozenset[str] = frozenset()
        rule = None
        running = 0
        if stack is not None:
            listed = cfn.describe_stack_resources(StackName=name)["StackResources"]
            resources = tuple(
                Resource(
                    logical_id=r["LogicalResourceId"],
                    type=r["ResourceType"],
                    physical_id=r.get("PhysicalResourceId", ""),
                    status=r.get("ResourceStatus", ""),
                )
                for r in listed
                if r.get("LogicalResourceId") and r.get("ResourceType")
            )
            body = cfn.get_template(StackName=name, TemplateStage="Original")["TemplateBody"]
            text = body if isinstance(body, str) else json.dumps(body)
            try:
                retained = frozenset(templates.retained(templates.load(text)))
            except ValueError as exc:
                raise UserError(f"stack {name}: {exc}") from None
            copilot_rule = next((r for r in resources if r.type == "AWS::Events::Rule"), None)
            if copilot_rule and copilot_rule.physical_id:
                rule = rule_state(events, copilot_rule.physical_id)
            machine = next(
                (r for r in resources if r.type == "AWS::StepFunctions::StateMachine"), None
            )
            if machine and machine.physical_id:
                running = len(
                    sfn.list_executions(
                        stateMachineArn=machine.physical_id, statusFilter="RUNNING", maxResults=10
                    ).get("executions", [])
                )
        owned = {r.physical_id for r in resources}
        collisions: dict[str, str] = {}
        ours_machine = state_machine_arn(env, app, job)
        if ours_machine not in owned and _state_machine_exists(sfn, ours_machine):
            collisions["AWS::StepFunctions::StateMachine"] = ours_machine
        ours_rule = naming.rule_name(app, env.name, job)
        if ours_rule not in owned and rule_state(events, ours_rule) is not None:
            collisions["AWS::Events::Rule"] = ours_rule
        log_group = _log_group(logs, group_name)
    return JobStack(
        app=app,
        env=env.name,
        job=job,
        name=name,
        status=stack.get("StackStatus") if stack else None,
        resources=resources,
        parameters={
            p["ParameterKey"]: p.get("ParameterValue", "")
            for p in (stack or {}).get("Parameters", [])
        },
        tags={t["Key"]: t["Value"] for t in (stack or {}).get("Tags", [])},
        role_arn=(stack or {}).get("RoleARN"),
        retained=retained,
        rule=rule,
        running=running,
        log_group=log_group,
        collisions=collisions,
    )


def _environment(clients: Clients, app: str, data: dict[str, Any]) -> Environment:
    name = str(data.get("name", ""))
    region = str(data.get("region") or clients.region)
    stack_name = f"{app}-{name}"
    with aws_errors():
        stack = _stack(clients("cloudformation", region), stack_name)
    outputs = {o["OutputKey"]: o.get("OutputValue", "") for o in (stack or {}).get("Outputs", [])}
    return Environment(
        name=name,
        region=region,
        account=str(data.get("accountID", "")),
        execution_role_arn=str(data.get("executionRoleARN", "")),
        manager_role_arn=str(data.get("managerRoleARN", "")),
        stack=stack_name,
        outputs=outputs if stack else {},
    )


def _unknown(kind: str, names: list[str], known: list[str], where: str) -> UserError:
    plural = "s" if len(names) > 1 else ""
    return UserError(
        f"unknown {kind}{plural}: {', '.join(names)}",
        hint=f"{kind.capitalize()}s of {where}: {', '.join(known) or 'none'}.",
    )


def discover(
    workspace: Workspace,
    clients: Clients,
    *,
    app: str | None = None,
    envs: list[str] | None = None,
    jobs: list[str] | None = None,
) -> Discovery:
    """The application (`app`, default: the workspace's), its environments (`envs`, default:
    all) and scheduled jobs (`jobs`, default: all), with each job's stack per environment."""
    app = app or workspace.app
    with aws_errors():
        ssm = clients("ssm")
        application = _parameter(ssm, f"{SSM_ROOT}/{app}")
        if application is None:
            raise UserError(
                f"no Copilot application {app!r} in this account's SSM Parameter Store "
                f"({clients.region})",
                hint=f"Copilot keeps {SSM_ROOT}/{app} in the application's region: set "
                "AWS_REGION to it, use the application's account, or pass --app.",
            )
        env_data = _children(ssm, f"{SSM_ROOT}/{app}/environments")
        components = _children(ssm, f"{SSM_ROOT}/{app}/components")
    known_envs = sorted(str(e.get("name")) for e in env_data)
    wanted_envs = list(dict.fromkeys(envs or known_envs))
    missing = [e for e in wanted_envs if e not in known_envs]
    if missing:
        raise _unknown("environment", missing, known_envs, f"application {app}")
    kinds = {str(c.get("name")): str(c.get("type")) for c in components}
    known_jobs = sorted(n for n, t in kinds.items() if t == JOB_TYPE)
    wanted_jobs = list(dict.fromkeys(jobs or known_jobs))
    missing = [j for j in wanted_jobs if j not in known_jobs]
    if missing:
        raise _unknown("job", missing, known_jobs, f"application {app}")
    no_manifest = [j for j in wanted_jobs if j not in workspace.jobs]
    if no_manifest:
        raise UserError(
            f"no manifest in {workspace.folder} for job{'s' if len(no_manifest) > 1 else ''} "
            f"{', '.join(no_manifest)}",
            hint="Migrate from the repository Copilot deployed these jobs from, or name the "
            "jobs to migrate.",
        )
    environments = {
        data["name"]: _environment(clients, app, data)
        for data in env_data
        if data.get("name") in wanted_envs
    }
    environments = {name: environments[name] for name in wanted_envs}
    stacks = {
        (env, job): read_job(clients, environments[env], app, job)
        for env in wanted_envs
        for job in wanted_jobs
    }
    left_alone = {n: t for n, t in sorted(kinds.items()) if n not in wanted_jobs}
    for name, workload in workspace.workloads.items():
        if name not in wanted_jobs and name not in left_alone:
            left_alone[name] = workload.type
    tags = application.get("tags") if isinstance(application.get("tags"), dict) else {}
    return Discovery(
        workspace=workspace,
        app=app,
        account=str(application.get("account", "")),
        app_tags={str(k): str(v) for k, v in tags.items()},
        environments=environments,
        jobs=wanted_jobs,
        left_alone=dict(sorted(left_alone.items())),
        stacks=stacks,
    )
