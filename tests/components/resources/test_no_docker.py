"""Previews, refreshes and destroys need no Docker daemon (issue 10).

The program is run as a preview under Pulumi's mocks with `DOCKER_HOST` pointing at a socket
nobody listens on: it must register its images with the pulumi-docker-build provider, whose
Configure never dials the daemon (docs/deploying.md cites the source), never with pulumi-docker,
whose Configure pings it; and never build on preview. The real path (`pulumi preview` by the
Pulumi CLI, the provider plugin included) runs only where the CLI and AWS credentials exist.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys

import pytest

from scheduled_jobs.components.contract import IMAGE_TOKEN
from tests.paths import ROOT


@pytest.fixture
def no_daemon(tmp_path, monkeypatch):
    """DOCKER_HOST at a unix socket that refuses connections (bound, never listening)."""
    path = tmp_path / "docker.sock"
    closed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    closed.bind(str(path))
    monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with pytest.raises(OSError):
        probe.connect(str(path))  # the premise: nothing answers there
    probe.close()
    yield path
    closed.close()


def test_preview_of_the_example_registers_images_that_need_no_daemon(no_daemon, monkeypatch):
    from scheduled_jobs.components.resources import program
    from scheduled_jobs.components.tools.mocked import render

    monkeypatch.setenv("SCHEDULED_JOBS_IMAGE_TAG", "preview")
    registered = render(
        lambda: program.run(ROOT),
        project="scheduled-jobs",
        stack="dev",
        config={"aws:region": "us-east-1"},
        region="us-east-1",
        preview=True,
    )
    types = {r["type"] for r in registered}
    assert IMAGE_TOKEN in types
    # pulumi-docker's provider pings the daemon in Configure (pulumi/pulumi-docker#1106).
    assert not any(t.startswith("docker:") for t in types), types
    for image in (r["inputs"] for r in registered if r["type"] == IMAGE_TOKEN):
        assert image["buildOnPreview"] is False
        assert image["push"] is True
        assert not os.path.isabs(image["context"]["location"])
        assert not os.path.isabs(image["dockerfile"]["location"])


def test_the_program_never_loads_a_docker_client(no_daemon):
    """Nothing the program imports talks to Docker itself (the provider plugin does, and only
    to build)."""
    code = (
        "import sys; import scheduled_jobs.components.resources.program; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('docker', 'pulumi_docker')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def _aws_credentials() -> bool:
    try:
        import boto3

        return boto3.Session().get_credentials() is not None
    except Exception:  # noqa: BLE001 - any failure means no usable credentials
        return False


@pytest.mark.skipif(
    shutil.which("pulumi") is None or not _aws_credentials() or "AWS_ENDPOINT_URL" in os.environ,
    reason="needs the Pulumi CLI and AWS credentials",
)
def test_real_preview_without_a_docker_daemon(no_daemon, tmp_path):
    """`pulumi preview` of the example, state in a throw-away file backend, no daemon."""
    env = {
        **os.environ,
        "PULUMI_BACKEND_URL": (tmp_path / "state").as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": "",
        "SCHEDULED_JOBS_IMAGE_TAG": "preview",
    }
    (tmp_path / "state").mkdir()
    stack = "nodocker"
    subprocess.run(
        ["pulumi", "stack", "init", stack, "--non-interactive"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    try:
        done = subprocess.run(
            ["pulumi", "preview", "--stack", stack, "--non-interactive", "--json"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr + done.stdout
        steps = json.loads(done.stdout).get("steps", [])
        assert any(step.get("newState", {}).get("type") == IMAGE_TOKEN for step in steps)
    finally:
        subprocess.run(
            ["pulumi", "stack", "rm", stack, "--yes", "--force", "--non-interactive"],
            cwd=ROOT, env=env, capture_output=True, timeout=300,
        )  # fmt: skip
        (ROOT / f"Pulumi.{stack}.yaml").unlink(missing_ok=True)
