"""`capacity: spot` on a cluster of the user's own (`scheduled-jobs:cluster`): RunTask can name
FARGATE_SPOT only when the cluster has that capacity provider, which the program cannot add to a
cluster it does not own. `deploy` checks it first and says what to add."""

from __future__ import annotations

from typing import Any

from cli.output import UserError

PROVIDERS = ("FARGATE", "FARGATE_SPOT")


def missing_providers(cluster: dict[str, Any] | None) -> list[str]:
    """Capacity providers a `capacity: spot` job needs that a DescribeClusters entry lacks."""
    have = set((cluster or {}).get("capacityProviders") or [])
    return [p for p in PROVIDERS if p not in have]


def fix_command(cluster: str, region: str | None) -> str:
    where = f" --region {region}" if region else ""
    return (
        f"aws ecs put-cluster-capacity-providers --cluster {cluster}{where} "
        "--capacity-providers FARGATE FARGATE_SPOT "
        "--default-capacity-provider-strategy capacityProvider=FARGATE,weight=1"
    )


def check_spot_cluster(project: Any, env: str, jobs: list[str]) -> None:
    """A UserError when a job to deploy has `capacity: spot` and the environment's own cluster
    lacks FARGATE_SPOT. Nothing to check when the program creates the cluster (it adds both)."""
    cluster = project.settings(env).cluster
    if not cluster:
        return
    spot = _spot_jobs(project, env, jobs)
    if not spot:
        return
    from cli.ops.session import aws_errors, for_project

    region = project.region(env)
    with aws_errors():
        ecs = for_project(project, env).client("ecs")
        found = ecs.describe_clusters(clusters=[str(cluster)])["clusters"]
    missing = missing_providers(found[0] if found else None)
    if missing:
        raise UserError(
            f"{', '.join(spot)} has capacity: spot, but cluster {cluster} "
            f"({project.setting_key('cluster')} in {project.stack_file(env).name}) lacks the "
            "capacity provider(s) "
            f"{', '.join(missing)}",
            hint=f"Add them: {fix_command(str(cluster), region)}",
        )


def _spot_jobs(project: Any, env: str, jobs: list[str]) -> list[str]:
    from components.errors import ManifestError
    from components.manifest.load import load_manifest

    found = []
    for name in jobs or project.job_names():
        try:
            job = load_manifest(project.manifest_path(name), env, app=project.app_name(env))
        except ManifestError:
            continue  # the deploy reports manifest problems itself
        if job.capacity == "spot":
            found.append(name)
    return found
