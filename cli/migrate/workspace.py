"""Reading a Copilot workspace (`copilot/`) as Copilot writes it.

`copilot/.workspace` names the application; `copilot/<name>/manifest.yml` is a workload whose
`type:` says what it is (`Scheduled Job` for jobs); `copilot/<name>/addons/` its addons;
`copilot/environments/<env>/manifest.yml` an environment
(reference/copilot-migration-facts.md, section 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scheduled_jobs.cli.output import UserError
from scheduled_jobs.components.contract import MANIFEST_FILE  # Copilot uses the same file name

JOB_TYPE = "Scheduled Job"
WORKSPACE_FILE = ".workspace"

MAX_MANIFEST_BYTES = 1_000_000  # a manifest is a few kB; refuse to read anything huge


@dataclass(frozen=True)
class Workload:
    name: str
    type: str
    folder: Path  # copilot/<name>

    @property
    def manifest(self) -> Path:
        return self.folder / MANIFEST_FILE

    @property
    def addons(self) -> Path:
        return self.folder / "addons"


@dataclass(frozen=True)
class Workspace:
    folder: Path  # the copilot/ folder
    app: str
    workloads: dict[str, Workload] = field(default_factory=dict)
    environments: dict[str, Path] = field(default_factory=dict)  # env -> its manifest

    @property
    def jobs(self) -> dict[str, Workload]:
        return {n: w for n, w in self.workloads.items() if w.type == JOB_TYPE}

    @property
    def others(self) -> dict[str, Workload]:
        return {n: w for n, w in self.workloads.items() if w.type != JOB_TYPE}


def _yaml(path: Path) -> object:
    import yaml

    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise UserError(f"{path}: larger than {MAX_MANIFEST_BYTES} bytes; not a Copilot file")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not valid YAML: {exc}") from None


def read_workspace(folder: Path) -> Workspace:
    """The workspace in `folder` (the `copilot/` directory)."""
    marker = folder / WORKSPACE_FILE
    if not marker.is_file():
        raise UserError(
            f"no Copilot workspace in {folder} (no {WORKSPACE_FILE} file)",
            hint="Run this in the repository that holds the copilot/ folder, or pass "
            "--copilot-dir PATH.",
        )
    data = _yaml(marker)
    app = data.get("application") if isinstance(data, dict) else None
    if not isinstance(app, str) or not app:
        raise UserError(f"{marker}: has no `application:` name")
    workloads: dict[str, Workload] = {}
    for manifest in sorted(folder.glob(f"*/{MANIFEST_FILE}")):
        name = manifest.parent.name
        if name == "environments" or name == "pipelines":
            continue
        content = _yaml(manifest)
        kind = content.get("type") if isinstance(content, dict) else None
        workloads[name] = Workload(name=name, type=str(kind or "unknown"), folder=manifest.parent)
    environments = {
        path.parent.name: path
        for path in sorted((folder / "environments").glob(f"*/{MANIFEST_FILE}"))
    }
    return Workspace(folder=folder, app=app, workloads=workloads, environments=environments)
