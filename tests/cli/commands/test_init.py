from __future__ import annotations

import pytest
from typer.testing import CliRunner

from scheduled_jobs.cli.main import app
from scheduled_jobs.components import load_manifest
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
    monkeypatch.setattr("scheduled_jobs.cli.commands.init._interactive", lambda: True)
    result = runner.invoke(app, ["init"], input="nightly\nimage\nbusybox:1\n@weekly\n")
    assert result.exit_code == 0, result.output
    job = load_manifest(project / "manifests" / "nightly" / "manifest.yml")
    assert (job.image.location, job.on.schedule) == ("busybox:1", "@weekly")


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr("scheduled_jobs.cli.commands.init._interactive", lambda: True)


def test_each_answer_is_checked_and_asked_again(project, terminal):
    answers = [
        "Bad_Name",  # refused: the name rule
        "nightly",
        "docker",  # not one of the choices
        "image",
        "busybox:1",
        "every day",  # not a schedule
        "@weekly",
    ]
    result = runner.invoke(app, ["init"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("Job name:") == 2
    assert "Error: 'docker' is not one of 'dockerfile', 'image'." in out
    assert out.count("Schedule (cron in UTC") == 2
    assert "--schedule" not in out and "--name" not in out  # speaks of the question
    job = load_manifest(project / "manifests" / "nightly" / "manifest.yml")
    assert (job.image.location, job.on.schedule) == ("busybox:1", "@weekly")


def test_a_missing_dockerfile_is_asked_again(project, terminal):
    (project / "Dockerfile").write_text("FROM scratch\n")
    result = runner.invoke(app, ["init", "-s", "@daily"], input="build\ndockerfile\nnope\n\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Dockerfile path") == 2
    job = load_manifest(project / "manifests" / "build" / "manifest.yml", root=project)
    assert job.image.build.dockerfile == "Dockerfile"


def test_an_existing_job_name_is_asked_again(project, terminal):
    assert (
        runner.invoke(app, ["init", "-n", "report", "-i", "busybox", "-s", "@daily"]).exit_code == 0
    )
    result = runner.invoke(app, ["init", "-i", "busybox", "-s", "@daily"], input="report\nother\n")
    assert result.exit_code == 0, result.output
    assert "manifests/report/manifest.yml already exists; choose another name" in result.output
    assert (project / "manifests" / "other" / "manifest.yml").exists()


@pytest.mark.parametrize(
    ("argv0", "main_module", "expected"),
    [
        pytest.param("/usr/local/bin/scheduled-jobs", None, "scheduled-jobs", id="scheduled-jobs"),
        pytest.param(
            "/repo/scheduled_jobs/__main__.py",
            "scheduled_jobs.__main__",
            "python -m scheduled_jobs",
            id="python-m-scheduled_jobs",
        ),
        pytest.param(
            "/site/scheduled_jobs/cli/__main__.py",
            "scheduled_jobs.cli.__main__",
            "python -m scheduled_jobs.cli",
            id="python-m-scheduled_jobs.cli",
        ),
        pytest.param("/repo/cli/__main__.py", "cli.__main__", "python -m cli", id="python-m-cli"),
        pytest.param(
            "/repo/cli/__main__.py", None, "python -m scheduled_jobs", id="module-unknown"
        ),
        pytest.param("/usr/bin/jobs", None, "jobs", id="jobs-as-typed"),
        pytest.param("C:\\x\\scheduled-jobs.exe", None, "scheduled-jobs", id="windows"),
        pytest.param("/usr/lib/python3/pytest", None, "scheduled-jobs", id="anything-else"),
        pytest.param(
            "/x/pytest/__main__.py", "pytest.__main__", "scheduled-jobs", id="another-module"
        ),
    ],
)
def test_hints_name_the_program_as_invoked(monkeypatch, argv0, main_module, expected):
    import ntpath
    import sys
    import types

    from scheduled_jobs.cli.output import program

    if "\\" in argv0:
        monkeypatch.setattr("os.path.basename", ntpath.basename)
        monkeypatch.setattr("os.path.dirname", ntpath.dirname)
    monkeypatch.setattr(sys, "argv", [argv0])
    main = types.ModuleType("__main__")
    main.__spec__ = types.SimpleNamespace(name=main_module) if main_module else None
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert program() == expected


def test_next_steps_name_the_program(project, monkeypatch):
    import sys

    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/scheduled-jobs"])
    result = runner.invoke(app, ["init", "-n", "report", "-i", "busybox", "-s", "@daily"])
    assert "Next: scheduled-jobs validate report" in result.stderr
    assert " jobs " not in result.stderr
