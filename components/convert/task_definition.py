"""A job's ECS task definition inputs (everything but the container definitions' contents).

Fargate rules that shape the document live here: 20 GiB of ephemeral storage is Fargate's
default and is not sent, the runtime platform is sent only when it is not Linux/x86 (Copilot
renders it only for Windows and ARM), and every named volume is declared.
"""

from __future__ import annotations

from typing import Any

from scheduled_jobs.components.convert.plan import without_none
from scheduled_jobs.components.manifest.model import Job

# Fargate gives every task 20 GiB of ephemeral storage; EphemeralStorage only asks for more.
FARGATE_DEFAULT_EPHEMERAL_GIB = 20


def ephemeral_storage(job: Job) -> dict[str, int] | None:
    size = job.storage.ephemeral
    if size and size > FARGATE_DEFAULT_EPHEMERAL_GIB:
        return {"sizeInGib": size}
    return None


def runtime_platform(job: Job) -> dict[str, str] | None:
    platform = job.platform_or_default
    if job.platform and (platform.is_windows or platform.is_arm):
        return {
            "operatingSystemFamily": platform.ecs_os_family,
            "cpuArchitecture": platform.ecs_cpu_architecture,
        }
    return None


def volumes(job: Job) -> list[dict[str, str]] | None:
    # Sorted by name, as Copilot's convertVolumes (stack/transformers.go) renders them.
    return [{"name": name} for name in sorted(job.storage.volumes)] or None


def task_definition_inputs(
    job: Job,
    *,
    family: str,
    execution_role_arn: Any,
    task_role_arn: Any,
    container_definitions: Any,
    tags: dict[str, str],
) -> dict[str, Any]:
    """The TaskDefinition's inputs (camelCase); role ARNs and the definitions JSON may be
    values known later (plan.Out / plan.Derived)."""
    return without_none(
        {
            "family": family,
            "cpu": str(job.cpu),
            "memory": str(job.memory),
            "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "executionRoleArn": execution_role_arn,
            "taskRoleArn": task_role_arn,
            "runtimePlatform": runtime_platform(job),
            "ephemeralStorage": ephemeral_storage(job),
            "volumes": volumes(job),
            "containerDefinitions": container_definitions,
            "tags": tags,
        }
    )
