"""`jobs render`: what a deploy would register, offline, straight from the plan.

No Pulumi, credentials, CLI, network or Docker: the program's plan (components/convert: the
same values the components register) is resolved with placeholders for what AWS computes
(components/tools/placeholders.py). tests/components/tools/test_fidelity.py proves the result
equal to what the real program registers under Pulumi's mocks.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from scheduled_jobs.components.contract import DEFAULT_APP, IMAGE_TOKEN
from scheduled_jobs.components.convert.environment import environment_needs, environment_plan
from scheduled_jobs.components.convert.job import JobContext, job_plan, placement
from scheduled_jobs.components.convert.plan import Derived, FileAsset, Out, Resource
from scheduled_jobs.components.convert.settings import EnvironmentSettings, settings_from_config
from scheduled_jobs.components.manifest.model import Job
from scheduled_jobs.components.tools.placeholders import (
    PLACEHOLDER_ACCOUNT,
    lookup,
    resource_outputs,
)


class DuplicateResourceError(ValueError):
    """Two resources share a type and logical name: the real engine would refuse the program."""


def check_unique(resources: list[dict]) -> None:
    counts = Counter((r["type"], r["name"]) for r in resources)
    duplicates = sorted(f"{name} ({kind})" for (kind, name), n in counts.items() if n > 1)
    if duplicates:
        raise DuplicateResourceError("duplicate logical names: " + ", ".join(duplicates))


def stack_plan(
    root: Path,
    settings: EnvironmentSettings,
    jobs: Sequence[Job],
    *,
    account: str = PLACEHOLDER_ACCOUNT,
    image_tag: str | None = None,
) -> list[Resource]:
    """The plan of the program (components/resources/program.py) for `jobs`: the environment,
    then each job, in registration order."""
    env = environment_plan(settings.env, settings, **environment_needs(jobs))
    resources = list(env.resources)
    if image_tag is None and any(_builds(job) for job in jobs):
        from scheduled_jobs.components.tools.image_tag import image_tag as default_tag

        image_tag = default_tag(root)
    for job in jobs:
        subnets, public_ip = placement(
            job,
            public_subnets=env.public_subnets,
            private_subnets=list(settings.private_subnets),
            private_setting=f"{settings.setting('privateSubnets')} in Pulumi.{settings.env}.yaml",
            public_setting=f"{settings.setting('subnets')} in Pulumi.{settings.env}.yaml",
        )
        plan = job_plan(
            job,
            JobContext(
                name=job.name,
                app=settings.app,
                env=settings.env,
                region=settings.region,
                account=account,
                cluster=env.cluster_arn,
                subnets=subnets,
                security_groups=env.security_groups,
                assign_public_ip=public_ip,
                tags=settings.tags,
                image_tag=image_tag if _builds(job) else None,
                root=root,
                artifacts_bucket=env.artifacts_bucket,
                imports=settings.imports.get(job.name, {}),
                file_system=env.file_system,
                schedule_group=env.schedule_group,
                alerts_topic=env.alerts_topic,
            ),
        )
        resources += plan.resources
    return resources


def _builds(job: Job) -> bool:
    return bool(job.image.build or any(s.image.build for s in job.sidecars.values()))


class Resolver:
    """Plan values with placeholders for what is known only after a deploy."""

    def __init__(self, region: str) -> None:
        self.region = region
        self.outputs: dict[str, dict[str, Any]] = {}
        self.depends: dict[str, set[str]] = {}  # lookups: the resources their inputs came from

    def value(self, value: Any) -> Any:
        if isinstance(value, Out):
            return self.outputs[value.source][value.attr]
        if isinstance(value, Derived):
            return value.fn(**{key: self.value(arg) for key, arg in value.args.items()})
        if isinstance(value, FileAsset):
            return {"file": value.path}  # uploaded from this path by the real engine
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value

    def sources(self, value: Any) -> set[str]:
        """The resources `value` is computed from (what the engine records as dependencies)."""
        if isinstance(value, Out):
            return self.depends.get(value.source, {value.source})
        if isinstance(value, Derived):
            return self.sources(list(value.args.values()))
        if isinstance(value, dict):
            return self.sources(list(value.values()))
        if isinstance(value, list | tuple):
            return set().union(*(self.sources(v) for v in value)) if value else set()
        return set()

    def add(self, resource: Resource) -> dict | None:
        inputs = self.value(dict(resource.inputs))
        if resource.lookup:
            self.outputs[resource.name] = lookup(resource.type, inputs, region=self.region)
            self.depends[resource.name] = self.sources(dict(resource.inputs))
            return None
        id_, outputs = resource_outputs(resource.type, resource.name, inputs, region=self.region)
        self.outputs[resource.name] = {**outputs, "id": id_}
        return {"type": resource.type, "name": resource.name, "inputs": inputs}


def resolve(plan: Iterable[Resource], *, region: str, relations: bool = False) -> list[dict]:
    """The plan as `jobs render --json` prints it: `{"type", "name", "inputs"}` sorted by
    name; with `relations`, also "parent" and "dependsOn" (explicit and through inputs)."""
    resolver = Resolver(region)
    resources = []
    for resource in plan:
        item = resolver.add(resource)
        if item is None:
            continue
        if relations:
            item["parent"] = resource.parent
            depends = set(resource.depends_on) | resolver.sources(dict(resource.inputs))
            item["dependsOn"] = sorted(depends)
            if resource.import_id:
                item["importId"] = resource.import_id
        resources.append(item)
    check_unique(resources)
    return sorted(resources, key=lambda r: (r["name"], r["type"]))


def render_jobs(
    root: Path,
    jobs: Sequence[str],
    *,
    project: str,
    stack: str,
    config: Mapping[str, Any],
    region: str,
    manifests: Mapping[str, Path] | None = None,
    relations: bool = False,
) -> list[dict]:
    """Render the project's program for the jobs named `jobs` (their manifests, minus the
    stack's `excludedJobs`) in environment `stack`, with the stack settings `config`."""
    from scheduled_jobs.components.manifest.project import load_jobs

    # The config keys are the project's own (`<project>:app`), as the program reads them.
    settings = settings_from_config(stack, dict(config), default_app=DEFAULT_APP, namespace=project)
    if settings.region != region:
        settings = EnvironmentSettings(**{**settings.__dict__, "region": region})
    loaded = load_jobs(
        root,
        env=settings.env,
        app=settings.app,
        excluded=settings.excluded_jobs,
        only=list(jobs),
        manifests=manifests,
    )
    return resolve(stack_plan(root, settings, loaded), region=region, relations=relations)


def group_by_owner(resources: list[dict], owners: list[str]) -> dict[str, list[dict]]:
    """Resources by the component that owns them (a job's or the environment's name): a child
    is named `<owner>-<role>`, and the longest matching owner wins (`dev-report-rule` belongs
    to job `dev-report`, not to environment `dev`)."""
    by_length = sorted(owners, key=len, reverse=True)
    grouped: dict[str, list[dict]] = {owner: [] for owner in owners}
    for resource in resources:
        name = resource["name"]
        owner = next((o for o in by_length if name == o or name.startswith(f"{o}-")), None)
        if owner is not None:
            grouped[owner].append(resource)
    return grouped


def job_summary(resources: list[dict]) -> dict[str, Any]:
    """The settings a reader checks first, read back from one job's rendered resources."""
    by_type = {r["type"]: r["inputs"] for r in resources}
    summary: dict[str, Any] = {}
    rule = by_type.get("aws:cloudwatch/eventRule:EventRule")
    if rule:
        enabled = rule.get("state") != "DISABLED"
        summary["schedule"] = rule.get("scheduleExpression") if enabled else "none (rule disabled)"
    task = by_type.get("aws:ecs/taskDefinition:TaskDefinition")
    if task:
        platform = task.get("runtimePlatform") or {}
        summary["size"] = (
            f"{task.get('cpu')} CPU units, {task.get('memory')} MiB, "
            f"{platform.get('operatingSystemFamily', 'LINUX')}/"
            f"{platform.get('cpuArchitecture', 'X86_64')}"
        )
        containers = json.loads(task.get("containerDefinitions") or "[]")
        if containers:
            image = containers[0].get("image", "")
            built = [
                tag
                for r in resources
                if r["type"] == IMAGE_TOKEN
                for tag in (r["inputs"].get("tags") or [])[:1]
                if image.startswith(tag.rsplit(":", 1)[0] + "@")
            ]
            # A built image is deployed by digest; the tag it is pushed with reads better.
            summary["image"] = f"{built[0]} (built, deployed by digest)" if built else image
            if len(containers) > 1:
                summary["sidecars"] = ", ".join(c["name"] for c in containers[1:])
    machine = by_type.get("aws:sfn/stateMachine:StateMachine")
    if machine and machine.get("definition"):
        doc = json.loads(machine["definition"])
        retries = [
            retry.get("MaxAttempts", 0)
            for state in doc.get("States", {}).values()
            for retry in state.get("Retry", [])
        ]
        summary["retries"] = max(retries, default=0)
        timeout = doc.get("TimeoutSeconds")
        summary["timeout"] = f"{timeout} s" if timeout else "none"
    return summary
