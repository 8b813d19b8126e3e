"""The project on disk: where it is, its manifests and each environment's stack settings.

Read with PyYAML alone (no Pulumi), so operating commands can use it and stay fast.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cli.output import UserError

PROJECT_FILE = "Pulumi.yaml"
MANIFESTS_DIR = "manifests"
MANIFEST_FILE = "manifest.yml"
DEFAULT_APP = "demo"


@dataclass(frozen=True)
class Project:
    root: Path
    name: str
    default_app: str

    @property
    def manifests_dir(self) -> Path:
        return self.root / MANIFESTS_DIR

    def manifest_path(self, job: str) -> Path:
        return self.manifests_dir / job / MANIFEST_FILE

    def stack_file(self, env: str) -> Path:
        return self.root / f"Pulumi.{env}.yaml"

    def job_names(self) -> list[str]:
        """Every job that has a manifest, sorted by name."""
        if not self.manifests_dir.is_dir():
            return []
        return sorted(
            p.parent.name for p in self.manifests_dir.glob(f"*/{MANIFEST_FILE}") if p.is_file()
        )

    def stack_config(self, env: str) -> dict[str, Any]:
        """The `config:` map of `Pulumi.<env>.yaml`, or {} when the environment has no file."""
        path = self.stack_file(env)
        if not path.is_file():
            return {}
        data = _read_yaml(path)
        config = data.get("config") if isinstance(data, dict) else None
        return config if isinstance(config, dict) else {}

    def setting(self, env: str, key: str, default: Any = None) -> Any:
        """A project setting for `env`: `<project>:<key>` in the stack file, else `default`."""
        return self.stack_config(env).get(f"{self.name}:{key}", default)

    def app_name(self, env: str | None = None) -> str:
        if env:
            value = self.setting(env, "app")
            if value:
                return str(value)
        return self.default_app

    def region(self, env: str) -> str | None:
        value = self.stack_config(env).get("aws:region")
        return str(value) if value else None


def _read_yaml(path: Path) -> Any:
    import yaml

    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not valid YAML: {exc}") from None


def find_project(start: Path | None = None) -> Project:
    """The nearest directory at or above `start` (default: cwd, or $JOBS_PROJECT_DIR) with a
    Pulumi.yaml."""
    if start is None:
        start = Path(os.environ.get("JOBS_PROJECT_DIR") or Path.cwd())
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            data = _read_yaml(candidate) or {}
            name = str(data.get("name") or "scheduled-jobs")
            default_app = DEFAULT_APP
            config = data.get("config") or {}
            app_decl = config.get("app") if isinstance(config, dict) else None
            if isinstance(app_decl, dict) and app_decl.get("default"):
                default_app = str(app_decl["default"])
            elif isinstance(app_decl, str) and app_decl:
                default_app = app_decl
            return Project(root=folder, name=name, default_app=default_app)
    raise UserError(
        f"no {PROJECT_FILE} found in {start} or any parent directory",
        hint="Run jobs from inside a scheduled-jobs project (the folder with Pulumi.yaml and "
        "manifests/), or set JOBS_PROJECT_DIR.",
    )
