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
        pytest.param(
            "/repo/cli/__main__.py",
            ".".join(("cli", "__main__")),  # spelt so: the bare folder's module, on purpose
            "python -m cli",  # works in a clone
            id="python-m-cli-in-a-clone",
        ),
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


# --- A folder that is not a project yet: init creates the project around the job ---------------


@pytest.fixture
def app_repo(tmp_path, monkeypatch):
    """An application's repository: a Dockerfile and nothing of scheduled-jobs."""
    root = tmp_path / "Billing_Service"
    root.mkdir()
    (root / "Dockerfile").write_text('FROM busybox\nCMD ["echo", "hi"]\n')
    monkeypatch.delenv("JOBS_PROJECT_DIR", raising=False)
    monkeypatch.chdir(root)
    return root


def _tree(root):
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_a_folder_with_a_dockerfile_becomes_a_project(app_repo):
    import json

    import yaml

    from scheduled_jobs.cli.commands.init import _installed_version
    from scheduled_jobs.components.manifest.schema import manifest_schema
    from scheduled_jobs.components.tools import scaffold

    result = runner.invoke(app, ["init", "-n", "report", "-d", "Dockerfile", "-s", "@daily"])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [
        "__main__.py",
        "requirements.txt",
        ".gitignore",
        "Pulumi.yaml",
        "manifests/manifest.schema.json",
        "manifests/report/manifest.yml",
    ]
    project = yaml.safe_load((app_repo / "Pulumi.yaml").read_text())
    assert project["name"] == "billing-service"  # from the folder's name
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": ".venv"},
    }
    assert project["config"]["app"]["default"] == "billing-service"
    assert (app_repo / "__main__.py").read_text() == scaffold.PROGRAM_FILE
    version = _installed_version()
    assert version and (app_repo / "requirements.txt").read_text().splitlines()[-1] == (
        f"scheduled-jobs{scaffold.compatible_range(version)}"
    )
    assert {".venv/", "__pycache__/", ".pulumi-state/"} <= set(
        (app_repo / ".gitignore").read_text().splitlines()
    )
    schema = json.loads((app_repo / "manifests" / "manifest.schema.json").read_text())
    assert schema == manifest_schema()
    manifest = app_repo / "manifests" / "report" / "manifest.yml"
    assert manifest.read_text().splitlines()[0] == (
        "# yaml-language-server: $schema=../manifest.schema.json"
    )
    job = load_manifest(manifest, root=app_repo)
    assert job.image.build.dockerfile == "Dockerfile"
    assert runner.invoke(app, ["validate"]).exit_code == 0
    rendered = runner.invoke(app, ["render", "--env", "dev", "--json"])
    assert rendered.exit_code == 0, rendered.output
    names = {r["name"] for r in json.loads(rendered.stdout)["resources"]}
    assert {"report-image", "report-state-machine"} <= names
    assert "billing-service-dev-report" in rendered.stdout  # the app is the project's name


def test_a_second_init_adds_a_job_and_leaves_the_project_alone(app_repo):
    args = ["init", "-n", "report", "-d", "Dockerfile", "-s", "@daily"]
    assert runner.invoke(app, args).exit_code == 0
    (app_repo / "Pulumi.yaml").write_text((app_repo / "Pulumi.yaml").read_text() + "# mine\n")
    (app_repo / ".gitignore").write_text("# only mine\n")
    before = _tree(app_repo)
    result = runner.invoke(app, ["init", "-n", "cleanup", "-i", "busybox", "-s", "none"])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["manifests/cleanup/manifest.yml"]
    after = _tree(app_repo)
    assert set(after) - set(before) == {"manifests/cleanup/manifest.yml"}
    assert {k: after[k] for k in before} == before
    assert runner.invoke(app, ["validate"]).exit_code == 0


def test_an_existing_project_gets_the_schema_only_when_it_has_none(project):
    schema = project / "manifests" / "manifest.schema.json"
    assert runner.invoke(app, ["init", "-n", "one", "-i", "busybox", "-s", "@daily"]).exit_code == 0
    assert schema.is_file() and not (project / "__main__.py").exists()
    schema.write_text("{}\n")
    assert runner.invoke(app, ["init", "-n", "two", "-i", "busybox", "-s", "@daily"]).exit_code == 0
    assert schema.read_text() == "{}\n"


def test_existing_app_files_are_kept_and_completed(app_repo):
    (app_repo / ".gitignore").write_text("node_modules\n.venv")  # no final newline
    (app_repo / "requirements.txt").write_text("flask==3.0\n")
    result = runner.invoke(app, ["init", "-n", "report", "-d", "Dockerfile", "-s", "@daily"])
    assert result.exit_code == 0, result.output
    assert (app_repo / ".gitignore").read_text() == (
        "node_modules\n.venv\n\n# scheduled-jobs\n__pycache__/\n.pulumi-state/\n"
    )
    assert (app_repo / "requirements.txt").read_text() == "flask==3.0\n"
    assert "requirements.txt exists and does not list scheduled-jobs" in result.stderr
    assert "requirements.txt" not in result.stdout.split()


def test_project_flag_names_the_project(app_repo):
    result = runner.invoke(
        app, ["init", "-p", "billing", "-n", "rep", "-i", "busybox", "-s", "none"]
    )
    assert result.exit_code == 0, result.output
    assert "name: billing\n" in (app_repo / "Pulumi.yaml").read_text()


def test_the_project_name_is_asked_first_in_a_terminal(app_repo, terminal):
    answers = ["Bad_Name", "", "report", "dockerfile", "", "@daily"]  # "" takes the default
    result = runner.invoke(app, ["init"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Billing_Service is not a project yet. Project name") == 2
    assert "[billing-service]" in result.output  # the default, from the folder
    assert "name: billing-service\n" in (app_repo / "Pulumi.yaml").read_text()
    job = load_manifest(app_repo / "manifests" / "report" / "manifest.yml", root=app_repo)
    assert job.image.build.dockerfile == "Dockerfile"


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        pytest.param(
            None, ["-p", "Bad_Name"], "--project: project name 'Bad_Name' is invalid", id="bad-flag"
        ),
        pytest.param(
            "rename-folder", [], "cannot make a project name from the folder name", id="no-name"
        ),
        pytest.param(
            "foreign-main",
            [],
            "__main__.py already exists and is not the scheduled-jobs program",
            id="foreign-main",
        ),
        pytest.param(
            None,
            ["-d", "../elsewhere/Dockerfile"],
            "outside the project",
            id="dockerfile-outside",
        ),
    ],
)
def test_a_new_project_that_cannot_be_made_writes_nothing(
    app_repo, monkeypatch, setup, args, message
):
    root = app_repo
    if setup == "rename-folder":
        root = app_repo.parent / "42"
        app_repo.rename(root)
        monkeypatch.chdir(root)
    if setup == "foreign-main":
        (root / "__main__.py").write_text("print('my app')\n")
    (root.parent / "elsewhere").mkdir()
    (root.parent / "elsewhere" / "Dockerfile").write_text("FROM scratch\n")
    if not any(a in ("-d", "-i") for a in args):
        args = [*args, "-i", "busybox"]
    before = _tree(root)
    result = runner.invoke(app, ["init", "-n", "report", "-s", "@daily", *args])
    assert result.exit_code == 1
    assert message in result.stderr
    assert _tree(root) == before


def test_project_flag_in_an_existing_project_must_match(project):
    result = runner.invoke(
        app, ["init", "-p", "other", "-n", "x1", "-i", "busybox", "-s", "@daily"]
    )
    assert result.exit_code == 1
    assert "already names the project 'scheduled-jobs'" in result.stderr
    assert not (project / "manifests" / "x1").exists()
    same = ["init", "-p", "scheduled-jobs", "-n", "x1", "-i", "busybox", "-s", "@daily"]
    assert runner.invoke(app, same).exit_code == 0


def test_no_terminal_hint_suggests_the_dockerfile_beside_it(app_repo):
    result = runner.invoke(app, ["init", "-n", "report", "-s", "@daily"])
    assert result.exit_code == 1
    assert "--dockerfile Dockerfile" in result.stderr
    assert _tree(app_repo) == {"Dockerfile": b'FROM busybox\nCMD ["echo", "hi"]\n'}


def test_the_repository_runs_the_program_init_writes():
    from scheduled_jobs.components.tools.scaffold import PROGRAM_FILE
    from tests.paths import ROOT

    assert (ROOT / "__main__.py").read_text() == PROGRAM_FILE
