"""`logging` beyond `retention`: FireLens, as Copilot renders it
(templates/workloads/partials/cf/sidecars.yml, logconfig.yml; manifest/workload_ecs.go
Logging). Pure.

Any logging field but `retention` adds the `firelens_log_router` container after the main one
(image `public.ecr.aws/aws-observability/aws-for-fluent-bit:stable` unless `logging.image`),
with Copilot's variables, `logging.variables`, `logging.secrets` and `logging.env_file`, a
`fluentbit` FireLens configuration (ECS log metadata on unless `enableMetadata: false`, the
`configFilePath` as a `file` config) and awslogs for its own output. The main container then
logs through `awsfirelens` with `destination` as options and `secretOptions` as secrets; the
other sidecars keep awslogs.
"""

from __future__ import annotations

from scheduled_jobs.components.manifest.model import Job

ROUTER = "firelens_log_router"
DEFAULT_IMAGE = "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable"


def uses_firelens(job: Job) -> bool:
    log = job.logging
    return any(
        (
            log.image is not None,
            bool(log.destination),
            log.enableMetadata is not None,
            bool(log.secretOptions),
            log.configFilePath is not None,
            bool(log.variables),
            bool(log.secrets),
            log.env_file is not None,
        )
    )


def router_image(job: Job) -> str:
    return job.logging.image or DEFAULT_IMAGE


def firelens_configuration(job: Job) -> dict:
    log = job.logging
    options = {"enable-ecs-log-metadata": "false" if log.enableMetadata is False else "true"}
    if log.configFilePath:
        options["config-file-type"] = "file"
        options["config-file-value"] = log.configFilePath
    return {"type": "fluentbit", "options": options}


def main_log_configuration(job: Job, secret_options: list[dict]) -> dict:
    """The main container's logConfiguration; `secret_options` already as name/valueFrom."""
    config: dict = {"logDriver": "awsfirelens"}
    if job.logging.destination:
        config["options"] = dict(sorted(job.logging.destination.items()))  # Go map order
    if secret_options:
        config["secretOptions"] = secret_options
    return config
