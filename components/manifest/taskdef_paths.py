"""The grammar of a `taskdef_overrides` path, as Copilot parses it
(internal/pkg/template/override/rule.go), and the CloudFormation property names it may start
with. Checked when the manifest loads; applied by components/convert/overrides.py.

A path is `.`-separated segments, each `Key`, `Key[N]` or `Key[-]` (Copilot's pattern
`^([a-zA-Z0-9_-]+)(\\[(\\d+|-)\\])?$`). Copilot prefixes it with
`Resources.TaskDefinition.Properties.`, so it names the AWS::ECS::TaskDefinition's properties
in CloudFormation's PascalCase.
"""

from __future__ import annotations

import re

SEGMENT = re.compile(r"^([a-zA-Z0-9_-]+)(?:\[(\d+|-)\])?$")

# AWS::ECS::TaskDefinition properties the deploy can set (pulumi_aws TaskDefinition inputs).
TASK_DEFINITION_PROPERTIES = frozenset(
    {
        "ContainerDefinitions",
        "Cpu",
        "EnableFaultInjection",
        "EphemeralStorage",
        "ExecutionRoleArn",
        "IpcMode",
        "Memory",
        "NetworkMode",
        "PidMode",
        "PlacementConstraints",
        "ProxyConfiguration",
        "RequiresCompatibilities",
        "RuntimePlatform",
        "Tags",
        "TaskRoleArn",
        "Volumes",
    }
)
# AWS::ECS::TaskDefinition ContainerDefinition properties (the ECS API's, PascalCase).
CONTAINER_PROPERTIES = frozenset(
    {
        "Command",
        "Cpu",
        "CredentialSpecs",
        "DependsOn",
        "DisableNetworking",
        "DnsSearchDomains",
        "DnsServers",
        "DockerLabels",
        "DockerSecurityOptions",
        "EntryPoint",
        "Environment",
        "EnvironmentFiles",
        "Essential",
        "ExtraHosts",
        "FirelensConfiguration",
        "HealthCheck",
        "Hostname",
        "Image",
        "Interactive",
        "Links",
        "LinuxParameters",
        "LogConfiguration",
        "Memory",
        "MemoryReservation",
        "MountPoints",
        "Name",
        "PortMappings",
        "Privileged",
        "PseudoTerminal",
        "ReadonlyRootFilesystem",
        "RepositoryCredentials",
        "ResourceRequirements",
        "RestartPolicy",
        "Secrets",
        "StartTimeout",
        "StopTimeout",
        "SystemControls",
        "Ulimits",
        "User",
        "VolumesFrom",
        "WorkingDirectory",
    }
)
VOLUME_PROPERTIES = frozenset(
    {
        "ConfiguredAtLaunch",
        "DockerVolumeConfiguration",
        "EFSVolumeConfiguration",
        "FSxWindowsFileServerVolumeConfiguration",
        "Host",
        "Name",
    }
)
# Copilot's own refusals (manifest/validate.go): full-path regular expressions.
FORBIDDEN = (re.compile(r"^Family$"), re.compile(r"^ContainerDefinitions\[\d+\]\.Name$"))


def parse_path(path: str) -> list[tuple[str, str | None]]:
    """`ContainerDefinitions[0].Ulimits[-]` -> [("ContainerDefinitions", "0"), ("Ulimits", "-")].
    Raises ValueError naming what is wrong."""
    segments = []
    for part in path.split("."):
        match = SEGMENT.match(part)
        if not match:
            raise ValueError(
                f'"{path}": segment "{part}" must be Key, Key[N] or Key[-] (letters, digits, _ '
                "and -; no quoted keys or dots inside keys)"
            )
        segments.append((match.group(1), match.group(2)))
    return segments


def check_path(path: str) -> None:
    """Raise ValueError when `path` is not one Copilot would apply to the task definition."""
    for forbidden in FORBIDDEN:
        if forbidden.match(path):
            raise ValueError(f'"{path}" cannot be overridden with a custom value')
    segments = parse_path(path)
    head, index = segments[0]
    if head not in TASK_DEFINITION_PROPERTIES:
        raise ValueError(
            f'"{path}": {head} is not a property of AWS::ECS::TaskDefinition; use one of '
            + ", ".join(sorted(TASK_DEFINITION_PROPERTIES))
        )
    nested = {"ContainerDefinitions": CONTAINER_PROPERTIES, "Volumes": VOLUME_PROPERTIES}
    if head in nested and len(segments) > 1:
        if index is None:
            raise ValueError(f'"{path}": {head} is a list; name an item ({head}[0]) or [-]')
        name = segments[1][0]
        if name not in nested[head]:
            raise ValueError(
                f'"{path}": {name} is not a property of a {head} item; use one of '
                + ", ".join(sorted(nested[head]))
            )
