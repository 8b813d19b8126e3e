"""A stack's settings (`Pulumi.<env>.yaml`) as one plain, checked value.

Pure: the program reads the values through `pulumi.Config`, `jobs render` from the file; both
hand them here, so the rules (defaults, types, what is required) live in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scheduled_jobs.components.contract import DEFAULT_APP, DEFAULT_REGION
from scheduled_jobs.components.contract import DEFAULT_PROJECT as PROJECT
from scheduled_jobs.components.convert.naming import name_problem
from scheduled_jobs.components.errors import Problem, SettingsError

__all__ = ["DEFAULT_APP", "DEFAULT_REGION", "PROJECT", "EnvironmentSettings"]

# Keys under `config:` in Pulumi.<env>.yaml (without the project prefix) and their shapes.
LIST_KEYS = ("subnets", "privateSubnets", "securityGroups", "excludedJobs")
MAP_KEYS = ("tags", "imports")
# Child roles an `imports` entry may name: what a migration adopts.
IMPORTABLE_ROLES = ("log-group",)
STRING_KEYS = ("app", "cluster")


@dataclass(frozen=True)
class EnvironmentSettings:
    env: str
    app: str = DEFAULT_APP
    region: str = DEFAULT_REGION
    cluster: str | None = None  # existing cluster name or ARN; None = create one
    subnets: tuple[str, ...] = ()  # public subnets; () = the default VPC's
    private_subnets: tuple[str, ...] = ()
    security_groups: tuple[str, ...] = ()  # () = an egress-only group created for the env
    tags: Mapping[str, str] = field(default_factory=dict)
    excluded_jobs: frozenset[str] = frozenset()
    # Existing resources to adopt (Pulumi's `import`): job -> {child role: physical ID}, e.g.
    # {"report": {"log-group": "/copilot/demo-dev-report"}} (written by `migrate copilot`).
    imports: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # The project's name in Pulumi.yaml: the config namespace (`<namespace>:app`) and the name
    # messages give a setting.
    namespace: str = PROJECT

    def setting(self, key: str) -> str:
        """The full config key of a setting, e.g. `billing-jobs:privateSubnets`."""
        return f"{self.namespace}:{key}"

    @property
    def uses_default_vpc(self) -> bool:
        return not self.subnets and not self.private_subnets


def settings_from_config(
    env: str,
    values: Mapping[str, Any],
    *,
    default_app: str = DEFAULT_APP,
    file: str | None = None,
    namespace: str = PROJECT,
) -> EnvironmentSettings:
    """Build the settings from config values keyed as in the stack file (`aws:region`,
    `<namespace>:app`, ...; `namespace` is the project's name); keys of other namespaces are
    ignored. A wrong shape is an error
    naming the key and (given `file`) the stack file: a SettingsError."""
    problems: list[Problem] = []

    def get(key: str) -> Any:
        return values.get(f"{namespace}:{key}")

    def as_list(key: str) -> tuple[str, ...]:
        value = get(key)
        if value is None:
            return ()
        if isinstance(value, str):  # "a,b" is accepted, as Copilot's imports are
            return tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(value)
        problems.append(Problem("must be a list of strings", path=f"{namespace}:{key}", file=file))
        return ()

    def as_str(key: str) -> str | None:
        value = get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return value
        problems.append(Problem("must be a string", path=f"{namespace}:{key}", file=file))
        return None

    tags = get("tags") or {}
    if not isinstance(tags, Mapping):
        problems.append(
            Problem("must be a map of tag names to values", path=f"{namespace}:tags", file=file)
        )
        tags = {}
    region = values.get("aws:region") or DEFAULT_REGION
    if not isinstance(region, str):
        problems.append(Problem("must be a string", path="aws:region", file=file))
        region = DEFAULT_REGION
    app = as_str("app") or default_app
    # Both are in every physical name; Copilot's rule keeps them valid for every service.
    if problem := name_problem("environment", env):
        problems.append(Problem(problem, path="environment", file=file))
    if problem := name_problem("application", app):
        problems.append(Problem(problem, path=f"{namespace}:app", file=file))
    imports = get("imports") or {}
    if not _is_imports(imports):
        problems.append(
            Problem(
                "must map job names to {role: physical ID} with roles from "
                + ", ".join(IMPORTABLE_ROLES),
                path=f"{namespace}:imports",
                file=file,
            )
        )
        imports = {}
    settings = EnvironmentSettings(
        env=env,
        app=app,
        region=region,
        cluster=as_str("cluster"),
        subnets=as_list("subnets"),
        private_subnets=as_list("privateSubnets"),
        security_groups=as_list("securityGroups"),
        tags={str(k): str(v) for k, v in tags.items()},
        excluded_jobs=frozenset(as_list("excludedJobs")),
        imports={job: dict(roles) for job, roles in imports.items()},
        namespace=namespace,
    )
    if problems:
        raise SettingsError(problems)
    return settings


def _is_imports(value: Any) -> bool:
    return isinstance(value, Mapping) and all(
        isinstance(job, str)
        and isinstance(roles, Mapping)
        and all(role in IMPORTABLE_ROLES and isinstance(i, str) and i for role, i in roles.items())
        for job, roles in value.items()
    )


def config_values_from_pulumi(
    config: Any, aws_config: Any, *, namespace: str = PROJECT
) -> dict[str, Any]:
    """Read the keys this project uses from `pulumi.Config` objects into a plain dict.

    Lists and maps are structured config (YAML lists/maps in the stack file), read as objects;
    a plain string list "a,b" still works through `settings_from_config`.
    """
    values: dict[str, Any] = {"aws:region": aws_config.get("region")}
    for key in STRING_KEYS:
        values[f"{namespace}:{key}"] = config.get(key)
    for key in LIST_KEYS + MAP_KEYS:
        raw = config.get(key)
        if raw is None:
            continue
        try:
            values[f"{namespace}:{key}"] = config.get_object(key)
        except Exception:  # noqa: BLE001 - not JSON: a plain comma-separated string
            values[f"{namespace}:{key}"] = raw
    return values
