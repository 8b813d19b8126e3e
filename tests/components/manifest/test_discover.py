"""Finding jobs under manifests/: every entry that looks like a job is a job or a problem."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from scheduled_jobs.components.manifest import discover as discover_module
from scheduled_jobs.components.manifest.discover import discover_jobs

MANIFEST = (
    "name: {name}\ntype: Scheduled Job\nimage: {{location: busybox}}\non: {{schedule: none}}\n"
)


def job(root: Path, name: str, file: str = "manifest.yml") -> Path:
    path = root / "manifests" / name / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(MANIFEST.format(name=name))
    return path


def found(root: Path) -> tuple[list[str], list[tuple[str, str]]]:
    discovery = discover_jobs(root)
    return list(discovery.jobs), [(p.file, p.message) for p in discovery.problems]


def test_jobs_sorted_by_name_with_their_paths(tmp_path):
    job(tmp_path, "zeta")
    job(tmp_path, "alpha")
    discovery = discover_jobs(tmp_path)
    assert discovery.jobs == {
        "alpha": tmp_path / "manifests/alpha/manifest.yml",
        "zeta": tmp_path / "manifests/zeta/manifest.yml",
    }
    assert discovery.problems == []


def test_no_manifests_folder_means_no_jobs(tmp_path):
    assert found(tmp_path) == ([], [])


def test_what_is_not_a_job_is_passed_over(tmp_path):
    job(tmp_path, "report")
    (tmp_path / "manifests" / "manifest.schema.json").write_text("{}")
    (tmp_path / "manifests" / ".hidden").mkdir()
    (tmp_path / "manifests" / "shared-addons" / "addons").mkdir(parents=True)
    (tmp_path / "manifests" / "README.md").symlink_to(
        tmp_path / "manifests" / "manifest.schema.json"
    )
    assert found(tmp_path) == (["report"], [])


def _dangling(root: Path) -> None:
    (root / "manifests" / "dangling").mkdir(parents=True)
    (root / "manifests" / "dangling" / "manifest.yml").symlink_to(root / "nowhere.yml")


def _looping(root: Path) -> None:
    folder = root / "manifests" / "looping"
    folder.mkdir(parents=True)
    (folder / "manifest.yml").symlink_to(folder / "manifest.yml")


def _folder(root: Path) -> None:
    (root / "manifests" / "folder" / "manifest.yml").mkdir(parents=True)


def _fifo(root: Path) -> None:
    (root / "manifests" / "fifo").mkdir(parents=True)
    os.mkfifo(root / "manifests" / "fifo" / "manifest.yml")


def _yaml_spelling(root: Path) -> None:
    job(root, "spelled", "manifest.yaml")


def _both_spellings(root: Path) -> None:
    job(root, "both")
    job(root, "both", "manifest.yaml")


def _dangling_job_folder(root: Path) -> None:
    (root / "manifests").mkdir(exist_ok=True)
    (root / "manifests" / "gone").symlink_to(root / "no-such-folder")


@pytest.mark.parametrize(
    ("make", "expected_jobs", "file", "fragment"),
    [
        pytest.param(
            _dangling,
            [],
            "manifests/dangling/manifest.yml",
            "symbolic link to nothing",
            id="dangling-symlink",
        ),
        pytest.param(
            _looping,
            [],
            "manifests/looping/manifest.yml",
            "loops back to itself",
            id="looping-symlink",
        ),
        pytest.param(_folder, [], "manifests/folder/manifest.yml", "is a folder", id="a-directory"),
        pytest.param(
            _fifo, [], "manifests/fifo/manifest.yml", "not a regular file", id="a-named-pipe"
        ),
        pytest.param(
            _yaml_spelling,
            [],
            "manifests/spelled/manifest.yaml",
            "rename it to manifests/spelled/manifest.yml",
            id="manifest-yaml-spelling",
        ),
        pytest.param(
            _both_spellings,
            ["both"],
            "manifests/both/manifest.yaml",
            "is not read beside manifest.yml",
            id="manifest-yaml-beside-manifest-yml",
        ),
        pytest.param(
            _dangling_job_folder,
            [],
            "manifests/gone",
            "symbolic link to nothing",
            id="job-folder-is-a-dangling-symlink",
        ),
    ],
)
def test_entries_that_cannot_be_used_are_problems(tmp_path, make, expected_jobs, file, fragment):
    job(tmp_path, "good")
    make(tmp_path)
    jobs, problems = found(tmp_path)
    assert jobs == sorted(["good", *expected_jobs])
    assert len(problems) == 1, problems
    assert problems[0][0] == file
    assert fragment in problems[0][1]


def test_an_unreadable_manifest_is_a_problem(tmp_path, monkeypatch):
    # Tests may run as root, for whom permissions do not deny reading: fail the open instead.
    unreadable = job(tmp_path, "locked")
    job(tmp_path, "open")
    real_open = os.open

    def deny(path, flags, *args, **kwargs):
        if Path(path) == unreadable:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(discover_module.os, "open", deny)
    assert found(tmp_path) == (
        ["open"],
        [("manifests/locked/manifest.yml", "cannot be read: Permission denied")],
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_manifest_by_permissions(tmp_path):
    job(tmp_path, "locked").chmod(0)
    assert found(tmp_path)[1] == [
        ("manifests/locked/manifest.yml", "cannot be read: Permission denied")
    ]


def test_a_symlinked_job_folder_and_manifest_are_jobs(tmp_path):
    real = job(tmp_path / "elsewhere", "report")
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "report").symlink_to(real.parent)
    (tmp_path / "manifests" / "linked").mkdir()
    (tmp_path / "manifests" / "linked" / "manifest.yml").symlink_to(real)
    assert found(tmp_path) == (["linked", "report"], [])


def test_manifests_that_is_not_a_folder(tmp_path):
    (tmp_path / "manifests").write_text("")
    assert found(tmp_path) == ([], [("manifests", "is not a folder")])
