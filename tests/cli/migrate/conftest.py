"""A repository with a Copilot workspace and an (empty) scheduled-jobs project, the
application seeded in moto."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.project import find_project
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
    """moto's CloudFormation has no update handler for AWS::Logs::LogGroup: an update that
    changes only the group's DeletionPolicy leaves the stack listing the group without its IDs.
    CloudFormation changes nothing in the resource for such an update, so the handler added
    here returns the group as it is. (The moto server runs in this process, in a thread.)"""
    from moto.logs.models import LogGroup

    def update(cls, original_resource, new_resource_name, cloudformation_json, **kwargs):
        return original_resource

    monkeypatch.setattr(
        LogGroup, "update_from_cloudformation_json", classmethod(update), raising=False
    )


@pytest.fixture
def project(repo):
    return find_project(repo)
