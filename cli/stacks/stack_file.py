"""Writing an environment's settings file, `Pulumi.<env>.yaml`, the one the program reads.

Keys the CLI does not own (`encryptionsalt`, `secretsprovider`, other config) are kept; YAML
comments are not (PyYAML cannot keep them). Reading goes through cli.project.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scheduled_jobs.cli.project import Project


def update_config(project: Project, env: str, values: Mapping[str, Any]) -> None:
    """Set `config:` keys (full keys, e.g. `aws:region`); a None value removes the key. The
    file is replaced atomically, so an interrupted write never leaves half of it."""
    import yaml

    data = project.stack_data(env)
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    for key, value in values.items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    data["config"] = config
    text = yaml.safe_dump(data, sort_keys=False, default_flow_style=False)
    from scheduled_jobs.cli.files import write_text

    write_text(project.stack_file(env), text)


def exclude_job(project: Project, env: str, job: str) -> bool:
    """Add `job` to the environment's `excludedJobs` unless it is there; True if it was
    added. The list is written sorted, as a YAML list."""
    excluded = project.excluded_jobs(env)
    if job in excluded:
        return False
    update_config(project, env, {project.setting_key("excludedJobs"): sorted(excluded | {job})})
    return True


def _ids(values: list[str] | None) -> list[str] | None:
    """Repeated options and comma-separated lists alike: `--subnets a,b --subnets c`."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def config_from_flags(
    project: Project,
    *,
    region: str | None,
    app_name: str | None,
    cluster: str | None,
    subnets: list[str] | None,
    private_subnets: list[str] | None,
    security_groups: list[str] | None,
) -> dict[str, Any]:
    """The `config:` keys the flags of `jobs env init` set (flags not given are left out)."""
    values: dict[str, Any] = {
        "aws:region": region,
        project.setting_key("app"): app_name,
        project.setting_key("cluster"): cluster,
        project.setting_key("subnets"): _ids(subnets),
        project.setting_key("privateSubnets"): _ids(private_subnets),
        project.setting_key("securityGroups"): _ids(security_groups),
    }
    return {key: value for key, value in values.items() if value}
