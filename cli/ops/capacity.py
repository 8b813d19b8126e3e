"""`capacity: spot` on a cluster of the user's own (`scheduled-jobs:cluster`): RunTask can name
FARGATE_SPOT only when the cluster has that capacity provider, which the program cannot add to a
cluster it does not own (it adds FARGATE and FARGATE_SPOT to the cluster it creates).
`deploy` checks the cluster first and refuses with what to add; `validate --env` checks it
when AWS credentials are at hand and otherwise says it did not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scheduled_jobs.cli.output import UserError

PROVIDERS = ("FARGATE", "FARGATE_SPOT")


def missing_providers(cluster: dict[str, Any] | None) -> list[str]:
    """Capacity providers a `capacity: spot` job needs that a DescribeClusters entry lacks."""
    have = set((cluster or {}).get("capacityProviders") or [])
    return [p for p in PROVIDERS if p not in have]


def fix_command(cluster: str, region: str | None, described: dict[str, Any] | None = None) -> str:
    """The AWS CLI call that adds the providers. PutClusterCapacityProviders replaces the
    cluster's list and default strategy (both required), so the ones it has are kept."""
    described = described or {}
    providers = list(dict.fromkeys([*(described.get("capacityProviders") or []), *PROVIDERS]))
    strategy = described.get("defaultCapacityProviderStrategy") or [
        {"capacityProvider": "FARGATE", "weight": 1}
    ]
    items = " ".join(
        ",".join(
            f"{key}={item[key]}" for key in ("capacityProvider", "weight", "base") if key in item
        )
        for item in strategy
    )
    where = f" --region {region}" if region else ""
    return (
        f"aws ecs put-cluster-capacity-providers --cluster {cluster}{where} "
        f"--capacity-providers {' '.join(providers)} "
        f"--default-capacity-provider-strategy {items}"
    )


@dataclass(frozen=True)
class SpotCluster:
    """The environment's own cluster and its `capacity: spot` jobs, before it is described."""

    cluster: str
    jobs: list[str]
    setting: str  # where the cluster is set, for messages


def spot_cluster(project: Any, env: str, spot_jobs: list[str]) -> SpotCluster | None:
    """What to check, or None: no spot job, or the program creates the cluster."""
    cluster = project.settings(env).cluster
    if not cluster or not spot_jobs:
        return None
    where = f"{project.setting_key('cluster')} in {project.stack_file(env).name}"
    return SpotCluster(str(cluster), list(spot_jobs), where)


def cluster_problem(project: Any, env: str, target: SpotCluster) -> UserError | None:
    """Describe the cluster: a UserError saying what to add, or None when it is ready. Raises
    the UserError of cli.ops.session when AWS cannot be asked (credentials, network)."""
    from scheduled_jobs.cli.ops.session import aws_errors, for_project

    region = project.region(env)
    with aws_errors():
        ecs = for_project(project, env).client("ecs")
        found = ecs.describe_clusters(clusters=[target.cluster])
    clusters = [c for c in found.get("clusters", []) if c.get("status") != "INACTIVE"]
    jobs = ", ".join(target.jobs)
    if not clusters:
        reason = next((f.get("reason") for f in found.get("failures", [])), None) or "INACTIVE"
        return UserError(
            f"cluster {target.cluster} ({target.setting}) was not found "
            f"in {region or 'the default region'} ({reason}); {jobs} cannot run there",
            hint="Check the cluster's name or ARN and aws:region in the stack file.",
        )
    missing = missing_providers(clusters[0])
    if not missing:
        return None
    return UserError(
        f"{jobs} has capacity: spot, but cluster {target.cluster} ({target.setting}) lacks "
        f"the capacity provider(s) {', '.join(missing)}",
        hint=f"Add them: {fix_command(target.cluster, region, clusters[0])} (it keeps the "
        "cluster's other providers and its default strategy).",
    )


def check_spot_cluster(project: Any, env: str, jobs: list[str]) -> None:
    """For `deploy`: a UserError when a job to deploy has `capacity: spot` and the
    environment's own cluster lacks FARGATE or FARGATE_SPOT (or does not exist)."""
    target = spot_cluster(project, env, _spot_jobs(project, env, jobs))
    if target is None:
        return
    problem = cluster_problem(project, env, target)
    if problem is not None:
        raise problem


def _spot_jobs(project: Any, env: str, jobs: list[str]) -> list[str]:
    from scheduled_jobs.components.errors import ManifestError
    from scheduled_jobs.components.manifest.load import load_manifest

    found = []
    for name in jobs or project.job_names():
        try:
            job = load_manifest(project.manifest_path(name), env, app=project.app_name(env))
        except ManifestError:
            continue  # the deploy reports manifest problems itself
        if job.capacity == "spot":
            found.append(name)
    return found
