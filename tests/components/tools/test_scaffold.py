"""The text `jobs init` writes: pure functions of their inputs."""

from __future__ import annotations

import pytest
import yaml

from scheduled_jobs.components.tools import scaffold


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        pytest.param("0.1.0", ">=0.1.0,<0.2", id="pre-1.0-minor"),
        pytest.param("0.12.3", ">=0.12.3,<0.13", id="pre-1.0-two-digits"),
        pytest.param("1.4.2", ">=1.4.2,<2", id="major"),
        pytest.param("2.0", ">=2.0.0,<3", id="no-patch"),
        pytest.param("0.2.0.dev3+g1234", ">=0.2.0,<0.3", id="dev-build"),
    ],
)
def test_compatible_range(version, expected):
    assert scaffold.compatible_range(version) == expected


def test_compatible_range_refuses_what_is_not_a_version():
    with pytest.raises(ValueError, match="not a release version"):
        scaffold.compatible_range("latest")


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        pytest.param("billing", "billing", id="as-is"),
        pytest.param("Billing_Service", "billing-service", id="case-and-underscore"),
        pytest.param("my..app--2", "my-app-2", id="runs-collapse"),
        pytest.param("2024-reports", "reports", id="leading-digits"),
        pytest.param("app-", "app", id="trailing-hyphen"),
        pytest.param("x" * 60, "x" * 40, id="too-long"),
        pytest.param("42", None, id="nothing-left"),
        pytest.param("a", None, id="too-short"),
    ],
)
def test_project_name_from_folder(folder, expected):
    assert scaffold.project_name_from(folder) == expected


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        pytest.param("", "# scheduled-jobs\n.venv/\n__pycache__/\n", id="new-file"),
        pytest.param("dist/\n", "\n# scheduled-jobs\n.venv/\n__pycache__/\n", id="appended"),
        pytest.param("dist/", "\n\n# scheduled-jobs\n.venv/\n__pycache__/\n", id="no-newline"),
        pytest.param("/.venv\n__pycache__/\n", "", id="already-there-other-spelling"),
        pytest.param(".venv/\n", "\n# scheduled-jobs\n__pycache__/\n", id="only-missing"),
    ],
)
def test_gitignore_additions(existing, expected):
    assert scaffold.gitignore_additions(existing, [".venv/", "__pycache__/"]) == expected


def test_project_file_is_the_project_the_cli_reads():
    data = yaml.safe_load(scaffold.project_file("billing", "billing-app"))
    assert data["name"] == "billing"
    assert data["runtime"]["options"] == {"toolchain": "pip", "virtualenv": ".venv"}
    assert data["config"]["app"] == {
        "type": "string",
        "default": "billing-app",
        "description": (
            "Application name; the first part of every resource name ({app}-{env}-{job})."
        ),
    }


@pytest.mark.parametrize(
    ("version", "line"),
    [
        pytest.param("0.1.0", "scheduled-jobs>=0.1.0,<0.2", id="pinned"),
        pytest.param(None, "scheduled-jobs", id="unknown-version"),
    ],
)
def test_requirements_file(version, line):
    assert scaffold.requirements_file(version).splitlines()[-1] == line


def test_the_manifest_points_editors_at_the_schema():
    text = scaffold.render_manifest("report", "@daily", image="busybox")
    assert text.startswith("# yaml-language-server: $schema=../manifest.schema.json\n")
    assert "`jobs " not in text  # the files name the command as it is installed
