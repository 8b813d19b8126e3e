"""Writing the project from a Copilot application: `manifests/<job>/` (the manifest and its
addons, byte for byte) and one `Pulumi.<env>.yaml` per environment with the region, the app
and the environment stack's network and cluster. Nothing in AWS changes.

Every change is worked out first. A file that exists with other content is kept and reported
(so a manifest fixed after the first run stays fixed); `force` overwrites it with Copilot's.
Files are written atomically. Running it again on an unchanged application changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scheduled_jobs.cli.migrate.discover import Discovery, Environment
from scheduled_jobs.cli.migrate.files import write_atomically
from scheduled_jobs.cli.output import UserError
from scheduled_jobs.cli.project import Project
from scheduled_jobs.components.contract import MANIFEST_FILE

MAX_ADDON_FILES = 200
MAX_ADDON_BYTES = 5_000_000


@dataclass(frozen=True)
class Change:
    path: Path
    content: bytes
    state: str  # "create", "update", "unchanged", "kept" (differs from Copilot's; no --force)
    note: str = ""


def stack_settings(project_name: str, env: Environment, app: str, tags: dict[str, str]):
    """The `config:` keys of `Pulumi.<env>.yaml` for a Copilot environment.

    The cluster is the stack's `ClusterId` output (the cluster's name); subnets and the
    security group are the ones Copilot's jobs run with, so a deploy lands in the same network.
    The application's tags (SSM) become the stack's tags, so resources carry the same tags as
    under Copilot (CloudFormation put them on every resource from the stack's tags).
    """
    values: dict[str, Any] = {"aws:region": env.region, f"{project_name}:app": app}
    if env.outputs.get("ClusterId"):
        values[f"{project_name}:cluster"] = env.outputs["ClusterId"]
    if env.subnets("PublicSubnets"):
        values[f"{project_name}:subnets"] = env.subnets("PublicSubnets")
    if env.subnets("PrivateSubnets"):
        values[f"{project_name}:privateSubnets"] = env.subnets("PrivateSubnets")
    if env.outputs.get("EnvironmentSecurityGroup"):
        values[f"{project_name}:securityGroups"] = [env.outputs["EnvironmentSecurityGroup"]]
    if tags:
        values[f"{project_name}:tags"] = dict(tags)
    return values


def environment_tags(found: Discovery, env: str) -> dict[str, str]:
    """The tags Copilot's job stacks in `env` carry besides its own keys (the application's
    tags plus any `--resource-tags`), when they all agree; else the application's tags."""
    from scheduled_jobs.components.contract import TAG_APP, TAG_ENV, TAG_JOB

    seen = [
        {k: v for k, v in stack.tags.items() if k not in (TAG_APP, TAG_ENV, TAG_JOB)}
        for (stack_env, _), stack in found.stacks.items()
        if stack_env == env and stack.status is not None
    ]
    if seen and all(tags == seen[0] for tags in seen):
        return seen[0]
    return dict(found.app_tags)


def _read_stack_file(path: Path) -> dict[str, Any]:
    import yaml

    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not valid YAML: {exc}") from None
    return data if isinstance(data, dict) else {}


def stack_file_text(path: Path, values: dict[str, Any], *, force: bool) -> tuple[str, list[str]]:
    """The stack file with `values` set, and the keys it already sets to other values: those
    are kept as they are unless `force`. Other keys (encryptionsalt, settings) are kept."""
    import yaml

    data = _read_stack_file(path)
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    differ = [k for k, v in values.items() if k in config and config[k] != v]
    chosen = values if force else {k: v for k, v in values.items() if k not in differ}
    data = {**data, "config": {**config, **chosen}}
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False), differ


def _addons(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    if len(files) > MAX_ADDON_FILES or sum(p.stat().st_size for p in files) > MAX_ADDON_BYTES:
        raise UserError(f"{folder}: more addon files than a Copilot addons folder holds")
    return files


def planned_changes(project: Project, found: Discovery, *, force: bool = False) -> list[Change]:
    """Every file to write. A file (or stack setting) that exists with other content is kept
    as it is (state `kept`: a manifest fixed after the first run stays fixed) unless `force`,
    which overwrites it with Copilot's."""
    changes: list[Change] = []

    def add(path: Path, content: bytes, note: str = "") -> None:
        if not path.exists():
            changes.append(Change(path, content, "create"))
        elif path.read_bytes() == content:
            changes.append(Change(path, content, "kept" if note else "unchanged", note))
        elif force:
            changes.append(Change(path, content, "update"))
        else:
            changes.append(Change(path, path.read_bytes(), "kept", "differs from Copilot's"))

    for job in found.jobs:
        workload = found.workspace.jobs[job]
        target = project.manifests_dir / job
        add(target / MANIFEST_FILE, workload.manifest.read_bytes())
        for addon in _addons(workload.addons):
            add(target / "addons" / addon.relative_to(workload.addons), addon.read_bytes())
    for name, env in found.environments.items():
        path = project.stack_file(name)
        values = stack_settings(project.name, env, found.app, environment_tags(found, name))
        text, differ = stack_file_text(path, values, force=force)
        content = text.encode("utf-8")
        note = "" if force or not differ else f"keeps its own {', '.join(differ)}"
        if not path.exists():
            changes.append(Change(path, content, "create"))
        elif path.read_bytes() == content:
            changes.append(Change(path, content, "kept" if note else "unchanged", note))
        else:
            changes.append(Change(path, content, "update", note))
    return changes


def write_project(project: Project, found: Discovery, *, force: bool = False) -> list[Change]:
    """Write the files (atomically) and validate every job's manifest in every environment;
    a ManifestError with all problems when some do not load."""
    changes = planned_changes(project, found, force=force)
    for change in changes:
        if change.state in ("create", "update"):
            write_atomically(change.path, change.content)
    validate(project, found)
    return changes


def validate(project: Project, found: Discovery) -> None:
    from scheduled_jobs.components.errors import ManifestError
    from scheduled_jobs.components.manifest.load import load_manifest

    problems = []
    for job in found.jobs:
        for env in found.environments:
            try:
                load_manifest(project.manifest_path(job), env, app=found.app, root=project.root)
            except ManifestError as exc:
                problems.extend(p for p in exc.problems if p not in problems)
    if problems:
        raise ManifestError(problems)
