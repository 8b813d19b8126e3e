"""The default image tag (components/image_tag.py)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from scheduled_jobs.components.tools.image_tag import content_digest, default_image_tag

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root, *args):
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "Dockerfile").write_text("FROM busybox\n")
    (root / "main.py").write_text("print(1)\n")
    return root


def test_digest_without_git_changes_with_content(tree):
    first = default_image_tag(tree)
    assert first.startswith("sha-") and len(first) == 16
    assert default_image_tag(tree) == first
    (tree / "main.py").write_text("print(2)\n")
    assert default_image_tag(tree) != first


def test_digest_ignores_caches_and_local_state(tree):
    first = default_image_tag(tree)
    (tree / "__pycache__").mkdir()
    (tree / "__pycache__" / "x.pyc").write_bytes(b"\0")
    (tree / ".pulumi-state").mkdir()
    (tree / ".pulumi-state" / "s.json").write_text("{}")
    assert default_image_tag(tree) == first


def test_digest_depends_on_names_too(tree):
    files = [tree / "main.py"]
    before = content_digest(tree, files)
    (tree / "main.py").rename(tree / "other.py")
    assert content_digest(tree, [tree / "other.py"]) != before


@needs_git
def test_clean_git_tree_uses_the_short_commit(tree):
    git(tree, "init", "-q")
    git(tree, "add", ".")
    git(tree, "commit", "-q", "-m", "one")
    short = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert default_image_tag(tree) == short


@needs_git
def test_dirty_git_tree_uses_a_digest_that_honours_gitignore(tree):
    git(tree, "init", "-q")
    (tree / ".gitignore").write_text("build/\n")
    git(tree, "add", ".")
    git(tree, "commit", "-q", "-m", "one")
    (tree / "main.py").write_text("print(3)\n")
    dirty = default_image_tag(tree)
    assert dirty.startswith("sha-")
    (tree / "build").mkdir()
    (tree / "build" / "out.bin").write_bytes(b"x")
    assert default_image_tag(tree) == dirty
