"""cli/project.py: the CLI's one settings API, read the way the program reads settings."""

from __future__ import annotations

import pytest

from scheduled_jobs.cli.output import UserError
from scheduled_jobs.cli.project import find_project
from scheduled_jobs.components.errors import SettingsError
from tests.cli.fake_stacks import write_env


@pytest.mark.parametrize(
    ("value", "excluded"),
    [
        pytest.param(["report", "cleanup"], {"report", "cleanup"}, id="list"),
        pytest.param("report,cleanup", {"report", "cleanup"}, id="comma-string"),
        pytest.param(" report , ", {"report"}, id="string-with-blanks"),
        pytest.param(None, set(), id="unset"),
    ],
)
def test_excluded_jobs_are_parsed_as_the_program_parses_them(project_dir, value, excluded):
    config = {} if value is None else {"scheduled-jobs:excludedJobs": value}
    write_env(project_dir, "dev", config)
    assert find_project().excluded_jobs("dev") == excluded


def test_settings_read_the_projects_own_namespace(project_dir):
    (project_dir / "Pulumi.yaml").write_text("name: payroll\nruntime: python\n")
    write_env(project_dir, "dev", {"payroll:app": "pay", "payroll:excludedJobs": "report"})
    project = find_project()
    assert project.app_name("dev") == "pay"
    assert project.excluded_jobs("dev") == {"report"}
    assert project.setting_key("excludedJobs") == "payroll:excludedJobs"


def test_app_defaults_to_pulumi_yaml(project_dir):
    project = find_project()
    assert project.app_name("nosuchenv") == project.default_app
    assert project.app_name(None) == project.default_app


def test_wrong_settings_are_a_settings_error_naming_the_stack_file(project_dir):
    write_env(project_dir, "dev", {"scheduled-jobs:subnets": 5, "scheduled-jobs:tags": "x"})
    with pytest.raises(SettingsError) as caught:
        find_project().settings("dev")
    assert {p.file for p in caught.value.problems} == {"Pulumi.dev.yaml"}
    assert {p.path for p in caught.value.problems} == {
        "scheduled-jobs:subnets",
        "scheduled-jobs:tags",
    }


@pytest.mark.parametrize(
    ("names", "default_all", "selected"),
    [
        pytest.param(None, False, [], id="none-means-none"),
        pytest.param(None, True, ["cleanup", "report", "report-daily"], id="none-means-all"),
        pytest.param(["report", "cleanup", "report"], False, ["report", "cleanup"], id="dedup"),
    ],
)
def test_select_jobs(project_dir, names, default_all, selected):
    assert find_project().select_jobs(names, default_all=default_all) == selected


def test_unknown_job_lists_the_known_ones(project_dir):
    with pytest.raises(UserError) as caught:
        find_project().select_jobs(["nope", "report", "other"])
    assert caught.value.message == "unknown jobs: nope, other"
    assert "cleanup, report, report-daily" in (caught.value.hint or "")


def test_no_manifests_at_all(project_dir):
    for manifest in (project_dir / "manifests").glob("*/manifest.yml"):
        manifest.unlink()
    with pytest.raises(UserError, match="no manifests found"):
        find_project().select_jobs(None, default_all=True)


def test_a_renamed_project_names_its_own_keys_in_messages(project_dir):
    (project_dir / "Pulumi.yaml").write_text("name: payroll\nruntime: python\n")
    write_env(project_dir, "dev", {"payroll:subnets": 5, "scheduled-jobs:app": "ignored"})
    with pytest.raises(SettingsError) as caught:
        find_project().settings("dev")
    assert {p.path for p in caught.value.problems} == {"payroll:subnets"}
