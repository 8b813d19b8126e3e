"""Every command's --help: an example, and placeholders in capitals (NAME, ENV), never
Typer's `<str>`, `<int>`, `<list[str]>` or `{name}`; shell completion of job and environment
names from the project's files."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from scheduled_jobs.cli.main import COMMANDS, EXAMPLES, GROUPS, app

runner = CliRunner()
TYPER_TYPES = re.compile(r"<(str|int|float|bool|path|dir|file|list\[[^\]]*\])>|\{[a-z_]+\}")


def _all_commands() -> list[list[str]]:
    """Every command path: the root, each command, each group and its subcommands."""
    import click
    import typer.main

    paths: list[list[str]] = [[]]
    root = typer.main.get_command(app)
    ctx = click.Context(root)
    for name in root.list_commands(ctx):
        command = root.get_command(ctx, name)
        paths.append([name])
        sub = getattr(command, "commands", None) or {}
        paths.extend([name, subname] for subname in sub)
    return paths


PATHS = _all_commands()


def test_every_command_is_walked():
    names = {" ".join(path) for path in PATHS}
    assert {name for name, _, _ in COMMANDS} <= names
    assert {name for name, _, _ in GROUPS} <= names
    assert {"env init", "env ls"} <= names


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "root")
def test_help_has_an_example_and_readable_placeholders(path):
    result = runner.invoke(app, [*path, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Example:\n  scheduled-jobs" in text.replace("\n    ", "\n  ")
    assert not TYPER_TYPES.search(text), TYPER_TYPES.search(text)
    if path:
        assert " ".join(path) in EXAMPLES


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param(["show"], "show [OPTIONS] NAME", id="one-job"),
        pytest.param(["render"], "render [OPTIONS] [NAME]...", id="some-jobs"),
        pytest.param(["env", "init"], "init [OPTIONS] NAME", id="env-name"),
    ],
)
def test_usage_line(path, expected):
    result = runner.invoke(app, [*path, "--help"])
    assert expected in result.stdout.splitlines()[0]


def test_completion_options_are_offered():
    text = runner.invoke(app, ["--help"]).stdout
    assert "--install-completion" in text and "--show-completion" in text


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "Pulumi.yaml").write_text("name: scheduled-jobs\nruntime: python\n")
    for env in ("dev", "prod", "preprod"):
        (tmp_path / f"Pulumi.{env}.yaml").write_text("config: {}\n")
    for job in ("report", "reindex", "cleanup"):
        (tmp_path / "manifests" / job).mkdir(parents=True)
        (tmp_path / "manifests" / job / "manifest.yml").write_text(f"name: {job}\n")
    (tmp_path / "manifests" / "notes").mkdir()  # no manifest.yml: not a job
    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    return tmp_path


def test_completion_callbacks(project):
    from scheduled_jobs.cli.options import complete_env, complete_job

    assert complete_env("") == ["dev", "preprod", "prod"]
    assert complete_env("pr") == ["preprod", "prod"]
    assert complete_job("re") == ["reindex", "report"]
    assert complete_job("") == ["cleanup", "reindex", "report"]


def test_completion_outside_a_project_offers_nothing(tmp_path, monkeypatch):
    from scheduled_jobs.cli.options import complete_env, complete_job

    monkeypatch.setenv("JOBS_PROJECT_DIR", str(tmp_path))
    assert complete_env("") == [] and complete_job("") == []


def _complete(words: str, monkeypatch) -> list[str]:
    """What the shell gets: Typer's bash completion protocol, as the installed script asks."""
    monkeypatch.setenv("_JOBS_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", str(len(words.split()) - (0 if words.endswith(" ") else 1)))
    result = runner.invoke(app, [], prog_name="jobs")
    return result.stdout.split()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        pytest.param("jobs show re", ["reindex", "report"], id="job-name"),
        pytest.param("jobs show report --env p", ["preprod", "prod"], id="env-name"),
        pytest.param("jobs render --env dev c", ["cleanup"], id="render-jobs"),
        pytest.param("jobs sh", ["show"], id="command"),
    ],
)
def test_shell_completion(project, monkeypatch, words, expected):
    assert _complete(words, monkeypatch) == expected
