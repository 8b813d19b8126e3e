"""Every file the CLI writes is written atomically; every path a user passes is checked."""

from __future__ import annotations

import os
import stat

import pytest

from scheduled_jobs.cli.files import output_dir, output_file, write_text
from scheduled_jobs.cli.output import UserError
from tests.cli.fake_stacks import jobs
from tests.cli.project_factory import make_project


def _leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_replaces_the_whole_file_and_keeps_its_mode(tmp_path):
    target = tmp_path / "Pulumi.dev.yaml"
    target.write_text("old\n")
    target.chmod(0o640)
    write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["fsync", "replace"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, where):
    target = tmp_path / "Pulumi.dev.yaml"
    target.write_text("encryptionsalt: v1:keep\n")

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, where, disk_full)
    with pytest.raises(UserError, match="cannot write .*No space left on device"):
        write_text(target, "config: {}\n")
    monkeypatch.undo()
    assert target.read_text() == "encryptionsalt: v1:keep\n"
    assert _leftovers(tmp_path) == []


def test_an_interrupted_write_removes_its_temporary(tmp_path, monkeypatch):
    target = tmp_path / "x.json"

    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_text(target, "{}")
    assert not target.exists() and _leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("path", "message"),
    [
        pytest.param(
            "/nonexistent/dir/x.json", "folder /nonexistent/dir does not exist", id="no-dir"
        ),
        pytest.param("", "must not be empty", id="empty"),
        pytest.param(".", "is a folder", id="a-folder"),
    ],
)
def test_output_file_is_checked(path, message):
    with pytest.raises(UserError, match=message):
        output_file(path)


def test_output_dir_that_cannot_be_made(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(UserError, match="exists and is not a folder"):
        output_dir(tmp_path / "file")
    with pytest.raises(UserError, match="cannot create the folder"):
        output_dir("/proc/nope")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["schema", "-o", "/nonexistent/dir/x.json"], "does not exist", id="schema-no-dir"
        ),
        pytest.param(
            ["schema", "-o", "/proc/x.json"], "cannot write /proc/x.json", id="schema-proc"
        ),
        pytest.param(
            ["render", "--env", "dev", "-o", "/proc/nope"], "cannot create the folder", id="render"
        ),
    ],
)
def test_commands_refuse_paths_cleanly(tmp_path, monkeypatch, args, message):
    make_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = jobs(*args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )


def test_init_that_cannot_write_leaves_nothing(tmp_path, monkeypatch):
    make_project(tmp_path, {})
    monkeypatch.chdir(tmp_path)

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    result = jobs("init", "--name", "report", "--image", "busybox:stable", "--schedule", "@daily")
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.stderr
    folder = tmp_path / "manifests" / "report"
    assert not (folder / "manifest.yml").exists()
    # Nothing half-made: no temporary file, and a job folder made for the write is gone too.
    assert not folder.exists() or _leftovers(folder) == []
