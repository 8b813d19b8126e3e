"""The project on disk, and the one settings API of the CLI: where the project is, its jobs
(and which of them a command means), and each environment's stack settings.

Read with PyYAML alone (no Pulumi), so operating commands can use it and stay fast. Stack
settings go through the program's own rules (components.convert.settings), so the CLI and
`pulumi up` never read a setting two ways.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scheduled_jobs.cli.output import UserError, program
from scheduled_jobs.components.contract import (
    DEFAULT_APP,
    DEFAULT_PROJECT,
    MANIFEST_FILE,
    MANIFESTS_DIR,
)

if TYPE_CHECKING:  # pragma: no cover
    from scheduled_jobs.components.convert.settings import EnvironmentSettings

PROJECT_FILE = "Pulumi.yaml"


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
        from scheduled_jobs.components.manifest.discover import discover_jobs

        return list(discover_jobs(self.root).jobs)

    def job_problems(self) -> list:
        """Entries under manifests/ that look like jobs but cannot be read (Problems)."""
        from scheduled_jobs.components.manifest.discover import discover_jobs

        return discover_jobs(self.root).problems

    def select_jobs(self, names: list[str] | None, *, default_all: bool = False) -> list[str]:
        """The named jobs, each checked to have a manifest, without duplicates; no names means
        none (`default_all=False`) or every job (`default_all=True`, and then a project with
        no manifests is an error). One message for an unknown job, listing the known ones."""
        known = self.job_names()
        # Folders that look like jobs but cannot be read are reported by the caller.
        if default_all and not known and not self.job_problems():
            raise UserError(
                f"no manifests found in {self.manifests_dir}",
                hint=f"Create one with: {program()} init --name <job> --image <uri> "
                "--schedule @daily",
            )
        unknown = [n for n in names or [] if n not in known]
        if unknown:
            raise UserError(
                f"unknown job{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
                hint=f"Jobs with a manifest in {self.manifests_dir}: "
                f"{', '.join(known) if known else 'none'}.",
            )
        if names:
            return list(dict.fromkeys(names))
        return known if default_all else []

    def project_file(self) -> dict[str, Any]:
        """Pulumi.yaml as a map."""
        data = read_yaml(self.root / PROJECT_FILE)
        return data if isinstance(data, dict) else {}

    def stack_data(self, env: str | None) -> dict[str, Any]:
        """The whole of `Pulumi.<env>.yaml` (config, secretsprovider, ...), or {}."""
        if not env:
            return {}
        path = self.stack_file(env)
        data = read_yaml(path) if path.is_file() else None
        return data if isinstance(data, dict) else {}

    def stack_config(self, env: str) -> dict[str, Any]:
        """The `config:` map of `Pulumi.<env>.yaml`, or {} when the environment has no file."""
        config = self.stack_data(env).get("config")
        return config if isinstance(config, dict) else {}

    def settings(self, env: str) -> EnvironmentSettings:
        """The environment's settings as the program reads them (defaults, `"a,b"` lists,
        Pulumi.yaml's default app); a SettingsError naming the stack file when one is wrong."""
        from scheduled_jobs.components.convert.settings import settings_from_config

        # The program reads its own namespace (`pulumi.Config()`), whatever Pulumi.yaml names
        # the project; messages name the keys the same way.
        return settings_from_config(
            env,
            self.stack_config(env),
            default_app=self.default_app,
            file=self.stack_file(env).name,
            namespace=self.name,
        )

    def excluded_jobs(self, env: str) -> frozenset[str]:
        """`excludedJobs` of the environment (the jobs `jobs delete` removed)."""
        return self.settings(env).excluded_jobs

    def setting_key(self, key: str) -> str:
        """The full config key of a project setting, e.g. `scheduled-jobs:excludedJobs`."""
        return f"{self.name}:{key}"

    def app_name(self, env: str | None = None) -> str:
        return self.settings(env).app if env else self.default_app

    def region(self, env: str) -> str | None:
        """`aws:region` of the stack file; None when it sets none (boto3's chain decides)."""
        value = self.stack_config(env).get("aws:region")
        return str(value) if value else None


def read_yaml(path: Path) -> Any:
    import yaml

    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not valid YAML: {exc}") from None


def project_start() -> Path:
    """Where commands look for the project: $JOBS_PROJECT_DIR, else the current folder."""
    return Path(os.environ.get("JOBS_PROJECT_DIR") or Path.cwd()).resolve()


def find_project(start: Path | None = None) -> Project:
    """The nearest directory at or above `start` (default: cwd, or $JOBS_PROJECT_DIR) with a
    Pulumi.yaml."""
    start = (start or project_start()).resolve()
    found = project_at(start)
    if found is None:
        raise UserError(
            f"no {PROJECT_FILE} found in {start} or any parent directory",
            hint=f"Run {program()} from inside a scheduled-jobs project (the folder with "
            f"Pulumi.yaml and manifests/), or set JOBS_PROJECT_DIR. To make this folder one: "
            f"{program()} init",
        )
    return found


def project_at(start: Path) -> Project | None:
    """The project of the nearest directory at or above `start` with a Pulumi.yaml, or None."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            data = read_yaml(candidate) or {}
            name = str(data.get("name") or DEFAULT_PROJECT)
            default_app = DEFAULT_APP
            config = data.get("config") or {}
            app_decl = config.get("app") if isinstance(config, dict) else None
            if isinstance(app_decl, dict) and app_decl.get("default"):
                default_app = str(app_decl["default"])
            elif isinstance(app_decl, str) and app_decl:
                default_app = app_decl
            return Project(root=folder, name=name, default_app=default_app)
    return None
