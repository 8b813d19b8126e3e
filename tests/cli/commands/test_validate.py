from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.cli.project_factory import VALID, make_project

runner = CliRunner()


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    return tmp_path


def test_all_valid(project):
    make_project(project, {"alpha": VALID, "beta": VALID})
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "ok  alpha" in result.stdout and "ok  beta" in result.stdout


def test_every_problem_printed_and_exit_1(project):
    make_project(project, {"good": VALID, "bad": VALID + "retries: -1\nmemry: 1\n"})
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert "manifests/bad/manifest.yml:7: retries: cannot be negative" in result.stderr
    assert "did you mean 'memory'?" in result.stderr
    assert "ok  good" in result.stdout
    assert "1 of 2 manifest(s) have problems" in result.stderr


def test_named_jobs_and_environment(project):
    make_project(project, {"alpha": VALID + "environments:\n  prod:\n    cpu: 3\n", "beta": VALID})
    assert runner.invoke(app, ["validate", "beta", "--env", "prod"]).exit_code == 0
    result = runner.invoke(app, ["validate", "alpha", "--env", "prod"])
    assert result.exit_code == 1
    assert "environments.prod.cpu: 3 is not a Fargate CPU size" in result.stderr
    assert runner.invoke(app, ["validate", "alpha", "--env", "dev"]).exit_code == 0


@pytest.mark.parametrize(
    ("jobs", "args", "message"),
    [
        pytest.param(
            {"alpha": VALID}, ["validate", "zzz"], "no manifest for zzz", id="unknown-job"
        ),
        pytest.param({}, ["validate"], "no manifests found", id="no-manifests"),
    ],
)
def test_user_errors_are_one_line(project, jobs, args, message):
    make_project(project, jobs)
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_outside_a_project(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert "no Pulumi.yaml found" in result.stderr


def test_a_past_one_time_run_is_a_warning(project):
    past = VALID.replace("@daily", "at(2001-01-01T00:00:00)")
    assert "at(2001" in past
    make_project(project, {"once": past})
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "ok  once" in result.stdout
    assert "on.schedule: 'at(2001-01-01T00:00:00)' is in the past" in result.stderr
    assert "deploy refuses it" in result.stderr
