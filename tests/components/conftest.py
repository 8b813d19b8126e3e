"""Fixtures for the component tests: offline renders of tests/testdata, and asl-validator."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.paths import ROOT as _ROOT

ROOT = _ROOT
TESTDATA = ROOT / "tests" / "testdata"
NPM_PREFIX = ROOT / ".cache" / "npm"
ASL_VALIDATOR = NPM_PREFIX / "node_modules" / ".bin" / "asl-validator"

# Stack settings the renders use; `private-placement` needs private subnets.
PRIVATE_SUBNETS = ["subnet-0private0000000a", "subnet-0private0000000b"]


def _render_testdata(files, env="dev", config=None, region="us-east-1"):
    """Render testdata manifests (file names) as one stack of environment `env`."""
    from scheduled_jobs.components.resources import program
    from scheduled_jobs.components.tools.mocked import render

    manifests = {Path(f).stem: TESTDATA / f for f in files}
    settings = {"scheduled-jobs:app": "demo", "aws:region": region, **(config or {})}
    return render(
        lambda: program.run(TESTDATA, manifests=manifests),
        project="scheduled-jobs",
        stack=env,
        config=settings,
        region=region,
    )


@pytest.fixture
def render_testdata():
    """render_testdata(files, env="dev", config=None, region="us-east-1") -> resources."""
    return _render_testdata


@pytest.fixture(autouse=True)
def fixed_image_tag(monkeypatch):
    # The default tag depends on the git state of the checkout; renders must not.
    monkeypatch.setenv("SCHEDULED_JOBS_IMAGE_TAG", "test-tag")


@pytest.fixture(scope="session")
def asl_validator() -> Path:
    """The asl-validator CLI, installed from npm into .cache/npm when missing. Fails (does
    not skip) when it cannot be installed: the definitions must be checked."""
    if not ASL_VALIDATOR.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install asl-validator (Node 20 + npm)")
        done = subprocess.run(
            [npm, "install", "--prefix", str(NPM_PREFIX), "asl-validator@4", "--no-audit",
             "--no-fund"],
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        if done.returncode != 0 or not ASL_VALIDATOR.exists():
            pytest.fail(f"npm install asl-validator@4 failed:\n{done.stderr[-2000:]}")
    return ASL_VALIDATOR


@pytest.fixture
def validate_asl(asl_validator, tmp_path):
    """validate_asl({id: definition JSON}): asserts asl-validator accepts every one."""
    return lambda definitions: _validate_asl(asl_validator, definitions, tmp_path)


def _validate_asl(validator: Path, definitions: dict[str, str], tmp_path: Path) -> None:
    args = [str(validator)]
    for name, text in definitions.items():
        path = tmp_path / f"{name}.asl.json"
        path.write_text(text, encoding="utf-8")
        args += ["--json-path", str(path)]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
