"""A job's ECS container definitions (the RegisterTaskDefinition `containerDefinitions` wire
form), from the merged manifest and plain values. Pure.

Values the manifest only names are resolved before this runs and passed in: image URIs (the
pushed digest of a built image), CloudFormation exports (`from_cfn`), env-file object ARNs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from scheduled_jobs.components.contract import LOG_STREAM_PREFIX
from scheduled_jobs.components.convert import arns, firelens
from scheduled_jobs.components.manifest.durations import NS_PER_SECOND, parse_go_duration
from scheduled_jobs.components.manifest.model import FromCfn, HealthCheck, Job, SecretRef

# Copilot's health check defaults when a manifest sets `healthcheck` without them.
HEALTHCHECK_DEFAULTS = {"interval": 10, "retries": 2, "timeout": 5, "startPeriod": 0}


@dataclass(frozen=True)
class ContainerContext:
    app: str
    env: str
    region: str
    account: str
    partition: str
    log_group: str
    images: Mapping[str, str]  # container name -> image URI
    exports: Mapping[str, str] = field(default_factory=dict)  # CloudFormation export -> value
    env_files: Mapping[str, str] = field(default_factory=dict)  # container -> S3 object ARN
    # Outputs of the addons stack (components/convert/addons.py): (NAME, value) pairs.
    addon_variables: Sequence[tuple[str, str]] = ()
    addon_secrets: Sequence[tuple[str, str]] = ()
    topic_arns: Sequence[dict[str, str]] = ()  # COPILOT_SNS_TOPIC_ARNS (convert/publish.py)


def service_discovery_endpoint(app: str, env: str) -> str:
    """Copilot's private DNS namespace of an environment (stack/env.go `%s.%s.local`)."""
    return f"{env}.{app}.local"


def injected_variables(app: str, env: str, job: str) -> list[dict[str, str]]:
    """The variables Copilot sets first in every container, in its order
    (templates/workloads/partials/cf/envvars-common.yml), so migrated programs keep working."""
    return [
        {"name": "COPILOT_APPLICATION_NAME", "value": app},
        {
            "name": "COPILOT_SERVICE_DISCOVERY_ENDPOINT",
            "value": service_discovery_endpoint(app, env),
        },
        {"name": "COPILOT_ENVIRONMENT_NAME", "value": env},
        {"name": "COPILOT_SERVICE_NAME", "value": job},
    ]


def common_variables(job: Job, ctx: ContainerContext) -> list[dict[str, str]]:
    """What envvars-common.yml gives every container: Copilot's variables, the addons stack's
    variable outputs, then the published topics' ARNs."""
    return (
        injected_variables(ctx.app, ctx.env, job.name)
        + [{"name": name, "value": value} for name, value in ctx.addon_variables]
        + list(ctx.topic_arns)
    )


def mount_points_variable(mounts: Mapping[str, str]) -> list[dict[str, str]]:
    """COPILOT_MOUNT_POINTS, after a container's own variables (envvars-container.yml): Go's
    json.Marshal of {volume: path}, so keys sorted and no spaces."""
    if not mounts:
        return []
    value = json.dumps(dict(sorted(mounts.items())), separators=(",", ":"), ensure_ascii=False)
    return [{"name": "COPILOT_MOUNT_POINTS", "value": _go_json_escape(value)}]


def _go_json_escape(text: str) -> str:
    # encoding/json escapes <, > and & for HTML safety; volume paths cannot hold them, names can.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def container_definitions(job: Job, ctx: ContainerContext) -> list[dict]:
    """The main container (named after the job) first, the log router, then the sidecars.

    Every order is Copilot's, so a task definition compares equal and `taskdef_overrides`
    indexes (`ContainerDefinitions[1]`) name the same container: Copilot's templates range over
    Go maps, which visits keys sorted (variables, secrets, depends_on, labels:
    partials/cf/variables.yml, secrets.yml, workload-container.yml), and stack/transformers.go
    sorts sidecars (convertSidecars) and volumes and the main container's mount points
    (convertVolumes, convertMountPoints) by name; sidecar mount points keep the manifest's order
    (a list). Names sort by code point, which is the byte order Go uses for UTF-8 strings.
    """
    main: dict = {
        "name": job.name,
        "image": ctx.images[job.name],
        "essential": True,
    }
    if job.entrypoint:
        main["entryPoint"] = list(job.entrypoint)
    if job.command:
        main["command"] = list(job.command)
    volumes = job.storage.volumes
    main["environment"] = (
        common_variables(job, ctx)
        + _variables(job.variables, ctx)
        + mount_points_variable({name: volume.path for name, volume in volumes.items()})
    )
    _add_secrets(main, job.secrets, ctx)
    if ctx.addon_secrets:  # after the manifest's (secrets.yml)
        main.setdefault("secrets", []).extend(
            {"name": name, "valueFrom": arn} for name, arn in ctx.addon_secrets
        )
    _add_env_file(main, job.name, ctx)
    if volumes:
        main["mountPoints"] = [
            {
                "sourceVolume": name,
                "containerPath": volume.path,
                "readOnly": volume.read_only is not False,  # Copilot's default is read-only
            }
            for name, volume in sorted(volumes.items())
        ]
    if job.image.labels:
        main["dockerLabels"] = dict(sorted(job.image.labels.items()))
    if job.image.depends_on:
        main["dependsOn"] = _depends_on(job.image.depends_on)
    if job.image.healthcheck:
        main["healthCheck"] = health_check(job.image.healthcheck)
    if job.storage.readonly_fs is not None:
        main["readonlyRootFilesystem"] = job.storage.readonly_fs
    if job.image.credentials:
        main["repositoryCredentials"] = {"credentialsParameter": job.image.credentials}
    containers = [main]
    if firelens.uses_firelens(job):
        options = [
            {"name": name, "valueFrom": secret_value_from(value, ctx)}
            for name, value in sorted(job.logging.secretOptions.items())
        ]
        main["logConfiguration"] = firelens.main_log_configuration(job, options)
        containers.append(_log_router(job, ctx))
    else:
        main["logConfiguration"] = _awslogs(ctx)

    for name, sidecar in sorted(job.sidecars.items()):
        container: dict = {
            "name": name,
            "image": ctx.images[name],
            "essential": sidecar.is_essential,
        }
        if sidecar.entrypoint:
            container["entryPoint"] = list(sidecar.entrypoint)
        if sidecar.command:
            container["command"] = list(sidecar.command)
        if sidecar.port:
            port, _, protocol = sidecar.port.partition("/")
            container["portMappings"] = [
                {"containerPort": int(port), "protocol": protocol or "tcp"}
            ]
        container["environment"] = (
            common_variables(job, ctx)
            + _variables(sidecar.variables, ctx)
            + mount_points_variable({m.source_volume: m.path for m in sidecar.mount_points})
        )
        _add_secrets(container, sidecar.secrets, ctx)
        _add_env_file(container, name, ctx)
        if sidecar.mount_points:
            container["mountPoints"] = [
                {
                    "sourceVolume": mount.source_volume,
                    "containerPath": mount.path,
                    "readOnly": mount.read_only is not False,
                }
                for mount in sidecar.mount_points
            ]
        if sidecar.labels:
            container["dockerLabels"] = dict(sorted(sidecar.labels.items()))
        if sidecar.depends_on:
            container["dependsOn"] = _depends_on(sidecar.depends_on)
        if sidecar.healthcheck:
            container["healthCheck"] = health_check(sidecar.healthcheck)
        if sidecar.credentialsParameter:
            container["repositoryCredentials"] = {
                "credentialsParameter": sidecar.credentialsParameter
            }
        container["logConfiguration"] = _awslogs(ctx)
        containers.append(container)
    return containers


def _log_router(job: Job, ctx: ContainerContext) -> dict:
    """Copilot's firelens_log_router container (convert/firelens.py)."""
    router: dict = {
        "name": firelens.ROUTER,
        "image": firelens.router_image(job),
        "essential": True,  # ECS's default, which Copilot leaves implicit
        "environment": common_variables(job, ctx) + _variables(job.logging.variables, ctx),
    }
    _add_secrets(router, job.logging.secrets, ctx)
    _add_env_file(router, firelens.ROUTER, ctx)
    router["firelensConfiguration"] = firelens.firelens_configuration(job)
    router["logConfiguration"] = _awslogs(ctx)
    return router


def health_check(check: HealthCheck) -> dict:
    def seconds(value: str | None, default: int) -> int:
        return default if value is None else parse_go_duration(value) // NS_PER_SECOND

    return {
        "command": list(check.command),
        "interval": seconds(check.interval, HEALTHCHECK_DEFAULTS["interval"]),
        "retries": check.retries if check.retries is not None else HEALTHCHECK_DEFAULTS["retries"],
        "timeout": seconds(check.timeout, HEALTHCHECK_DEFAULTS["timeout"]),
        "startPeriod": seconds(check.start_period, HEALTHCHECK_DEFAULTS["startPeriod"]),
    }


def exports_used(job: Job) -> list[str]:
    """Every CloudFormation export the job's variables and secrets import, sorted."""
    names: set[str] = set()
    logging = job.logging
    for values in [job.variables, job.secrets, logging.variables, logging.secrets,
                   logging.secretOptions] + [
        m for s in job.sidecars.values() for m in (s.variables, s.secrets)
    ]:  # fmt: skip
        for value in values.values():
            if isinstance(value, FromCfn | SecretRef) and value.from_cfn:
                names.add(value.from_cfn)
    for group in job.network.vpc.security_groups.groups:
        if isinstance(group, FromCfn):
            names.add(group.from_cfn)
    for volume in job.storage.volumes.values():
        efs = volume.efs
        if not isinstance(efs, bool) and efs is not None and efs.from_cfn:
            names.add(efs.from_cfn)  # an EFS file system ID exported by another stack
    return sorted(names)


def secret_value_from(value: str | SecretRef, ctx: ContainerContext) -> str:
    """`valueFrom` of one secret: plain SSM names and `secretsmanager` names become ARNs."""
    where = {"partition": ctx.partition, "region": ctx.region, "account": ctx.account}
    if isinstance(value, SecretRef):
        if value.secretsmanager is not None:
            return arns.secret_value_from(value.secretsmanager, **where)
        value = ctx.exports[value.from_cfn]  # an export holds a parameter name or an ARN
    if arns.is_secretsmanager_arn(value):
        return value
    return arns.ssm_parameter_arn(value, **where)


@dataclass(frozen=True)
class SecretReads:
    """What the execution role must read to start the containers."""

    ssm_parameter_arns: tuple[str, ...]
    secret_arns: tuple[str, ...]  # IAM patterns (see arns.secret_policy_arns)


def secret_reads(containers: Sequence[dict]) -> SecretReads:
    """The parameters and secrets the container definitions reference, for the IAM policy."""
    ssm: set[str] = set()
    secrets: set[str] = set()
    for container in containers:
        refs = [s["valueFrom"] for s in container.get("secrets", [])]
        refs += [
            s["valueFrom"] for s in container.get("logConfiguration", {}).get("secretOptions", [])
        ]
        creds = container.get("repositoryCredentials", {}).get("credentialsParameter")
        if creds:
            refs.append(creds)
        for ref in refs:
            if arns.is_secretsmanager_arn(ref):
                secrets.update(arns.secret_policy_arns(ref))
            else:
                ssm.add(ref)
    return SecretReads(tuple(sorted(ssm)), tuple(sorted(secrets)))


def _variables(values: Mapping[str, str | FromCfn], ctx: ContainerContext) -> list[dict]:
    """A container's own variables, sorted by name as Copilot's template ranges over them."""
    out = []
    for name, value in sorted(values.items()):
        text = ctx.exports[value.from_cfn] if isinstance(value, FromCfn) else value
        out.append({"name": name, "value": text})
    return out


def _add_secrets(container: dict, secrets: Mapping[str, str | SecretRef], ctx) -> None:
    if secrets:
        container["secrets"] = [
            {"name": name, "valueFrom": secret_value_from(value, ctx)}
            for name, value in sorted(secrets.items())
        ]


def _add_env_file(container: dict, name: str, ctx: ContainerContext) -> None:
    if name in ctx.env_files:
        container["environmentFiles"] = [{"value": ctx.env_files[name], "type": "s3"}]


def _depends_on(depends_on: Mapping[str, str]) -> list[dict]:
    return [
        {"containerName": name, "condition": condition.upper()}
        for name, condition in sorted(depends_on.items())
    ]


def _awslogs(ctx: ContainerContext) -> dict:
    # Streams are `copilot/<container>/<task id>`: what `jobs logs` and Copilot read.
    return {
        "logDriver": "awslogs",
        "options": {
            "awslogs-region": ctx.region,
            "awslogs-group": ctx.log_group,
            "awslogs-stream-prefix": LOG_STREAM_PREFIX,
        },
    }
