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
def seeded(aws, repo) -> copilot_app.Seeded:
    return copilot_app.seed(repo)


@pytest.fixture
def project(repo):
    return find_project(repo)
