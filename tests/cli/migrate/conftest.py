"""A repository with a Copilot workspace and an (empty) scheduled-jobs project, the
application seeded in moto."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduled_jobs.cli.project import find_project
from tests.cli.migrate import copilot_app


@pytest.fixture
def repo(tmp_path, monkeypatch, project_root) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "Pulumi.yaml").write_text((project_root / "Pulumi.yaml").read_text())
    monkeypatch.chdir(root)
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(root))
    monkeypatch.setenv("PULUMI_HOME", str(tmp_path / "pulumi-home"))
    for var in ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"):
        monkeypatch.delenv(var, raising=False)
    return root


@pytest.fixture
def seeded(aws, repo, monkeypatch) -> copilot_app.Seeded:
    _policy_only_updates(monkeypatch)
    return copilot_app.seed(repo)


def _policy_only_updates(monkeypatch) -> None:
    """CloudFormation changes no resource when an update changes only a resource's
    DeletionPolicy/UpdateReplacePolicy; moto's updates the resource (it recreates a nested
    stack, and lists a log group without its IDs: it has no update handler for log groups).
    Here such resources are left out of moto's list of resources to modify, as CloudFormation
    leaves them alone. (The moto server runs in this process, in a thread.)"""
    from moto.cloudformation.parsing import ResourceMap

    policies = ("DeletionPolicy", "UpdateReplacePolicy")
    original = ResourceMap.build_resource_diff

    def build_resource_diff(self, other_template, parameters=None):
        diff = original(self, other_template, parameters)
        old, new = self._resource_json_map, other_template["Resources"]

        def bare(resource):
            return {k: v for k, v in resource.items() if k not in policies}

        diff["Modify"] = [n for n in diff["Modify"] if bare(old[n]) != bare(new[n])]
        return diff

    monkeypatch.setattr(ResourceMap, "build_resource_diff", build_resource_diff)


@pytest.fixture
def project(repo):
    return find_project(repo)
