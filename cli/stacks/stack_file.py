"""Writing an environment's settings file, `Pulumi.<env>.yaml`, the one the program reads.

Keys the CLI does not own (`encryptionsalt`, `secretsprovider`, other config) are kept; YAML
comments are not (PyYAML cannot keep them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cli.project import Project, _read_yaml


def read(project: Project, env: str) -> dict[str, Any]:
    path = project.stack_file(env)
    data = _read_yaml(path) if path.is_file() else None
    return data if isinstance(data, dict) else {}


def update_config(project: Project, env: str, values: Mapping[str, Any]) -> None:
    """Set `config:` keys (full keys, e.g. `aws:region`); a None value removes the key."""
    import yaml

    data = read(project, env)
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    for key, value in values.items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    data["config"] = config
    text = yaml.safe_dump(data, sort_keys=False, default_flow_style=False)
    project.stack_file(env).write_text(text, encoding="utf-8")


def add_to_list(project: Project, env: str, key: str, item: str) -> bool:
    """Append `item` to the list setting `key` unless it is there; True if it was added."""
    current = read(project, env).get("config") or {}
    value = current.get(key) or []
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if item in value:
        return False
    update_config(project, env, {key: [*value, item]})
    return True
