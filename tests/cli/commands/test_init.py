from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.main import app
from components import load_manifest
from tests.cli.project_factory import make_project

runner = CliRunner()


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path, {})


def test_image_job_is_written_commented_and_loads(project):
    result = runner.invoke(
        app,
        [
            "init",
            "--name",
            "report",
            "--image",
            "busybox",
            "--schedule",
            "0 9 * * 1-5",
            "--retries",
            "2",
            "--timeout",
            "15m",
        ],
    )
    assert result.exit_code == 0, result.output
    path = project / "manifests" / "report" / "manifest.yml"
    text = path.read_text()
    assert text.count("#") > 5
    job = load_manifest(path, root=project)
    assert (job.image.location, job.retries, job.timeout_seconds) == ("busybox", 2, 900)
    assert job.schedule_expression == "cron(0 9 ? * 2-6 *)"
    assert runner.invoke(app, ["validate", "report"]).exit_code == 0


def test_dockerfile_path_is_made_relative_to_the_project(project):
    (project / "src").mkdir()
    (project / "src" / "Dockerfile").write_text("FROM scratch\n")
    result = runner.invoke(app, ["init", "-n", "build-me", "-d", "src/Dockerfile", "-s", "@daily"])
    assert result.exit_code == 0, result.output
    job = load_manifest(project / "manifests" / "build-me" / "manifest.yml", root=project)
    assert job.image.build.dockerfile == "src/Dockerfile"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["-n", "x1", "-i", "img"],
            "missing --schedule (not asking: no terminal)",
            id="missing-schedule-no-terminal",
        ),
        pytest.param(
            ["-n", "x1", "-s", "@daily"],
            "missing --dockerfile or --image",
            id="missing-image-no-terminal",
        ),
        pytest.param(
            ["-n", "x1", "-i", "a", "-d", "b", "-s", "@daily"],
            "cannot be used together",
            id="dockerfile-and-image",
        ),
        pytest.param(
            ["-n", "x1", "-i", "a", "-s", "every day"], "--schedule:", id="invalid-schedule"
        ),
        pytest.param(["-n", "X_1", "-i", "a", "-s", "@daily"], "--name:", id="invalid-name"),
        pytest.param(
            ["-n", "x1", "-i", "a", "-s", "@daily", "--retries", "-3"],
            "--retries: cannot be negative",
            id="negative-retries",
        ),
        pytest.param(
            ["-n", "x1", "-i", "a", "-s", "@daily", "--timeout", "0.5s"],
            "--timeout:",
            id="invalid-timeout",
        ),
        pytest.param(
            ["-n", "x1", "-d", "nope/Dockerfile", "-s", "@daily"],
            "--dockerfile:",
            id="dockerfile-not-found",
        ),
    ],
)
def test_bad_answers_write_nothing(project, args, message):
    result = runner.invoke(app, ["init", *args])
    assert result.exit_code == 1
    assert message in result.stderr
    assert not (project / "manifests" / "x1").exists()


def test_never_overwrites_without_force(project):
    args = ["init", "-n", "report", "-i", "busybox", "-s", "@daily"]
    assert runner.invoke(app, args).exit_code == 0
    path = project / "manifests" / "report" / "manifest.yml"
    path.write_text(path.read_text() + "# my edit\n")
    result = runner.invoke(app, [*args[:-1], "@hourly"])
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert path.read_text().endswith("# my edit\n")
    assert runner.invoke(app, [*args[:-1], "@hourly", "--force"]).exit_code == 0
    assert load_manifest(path).on.schedule == "@hourly"


def test_asks_in_a_terminal(project, monkeypatch):
    monkeypatch.setattr("cli.commands.init._interactive", lambda: True)
    result = runner.invoke(app, ["init"], input="nightly\nimage\nbusybox:1\n@weekly\n")
    assert result.exit_code == 0, result.output
    job = load_manifest(project / "manifests" / "nightly" / "manifest.yml")
    assert (job.image.location, job.on.schedule) == ("busybox:1", "@weekly")
