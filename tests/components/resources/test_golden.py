"""Golden files: the full render of each tests/testdata manifest.

A change to what the component builds shows up as a diff of tests/testdata/golden/*.json.
After checking that the change is intended, refresh them with:

    UPDATE_GOLDEN=1 python -m pytest tests/components/resources/test_golden.py
"""

import json
import os
from pathlib import Path

import pytest

from tests.paths import TESTDATA

GOLDEN = TESTDATA / "golden"
PRIVATE = {"scheduled-jobs:privateSubnets": ["subnet-0private0000000a", "subnet-0private0000000b"]}

CASES = [
    pytest.param("minimal.yml", "dev", id="minimal"),
    pytest.param("fully-specified.yml", "dev", id="fully-specified"),
    pytest.param("arm64.yml", "dev", id="arm64"),
    pytest.param("sidecars.yml", "dev", id="sidecars"),
    pytest.param("secrets.yml", "dev", id="secrets"),
    pytest.param("env-file.yml", "dev", id="env-file"),
    pytest.param("none-schedule.yml", "dev", id="none-schedule"),
    pytest.param("env-overrides.yml", "dev", id="env-overrides-dev"),
    pytest.param("env-overrides.yml", "prod", id="env-overrides-prod"),
    pytest.param("private-placement.yml", "dev", id="private-placement"),
    pytest.param("addons.yml", "dev", id="addons"),
    pytest.param("taskdef-overrides.yml", "dev", id="taskdef-overrides"),
    pytest.param("publish.yml", "dev", id="publish"),
    pytest.param("exec.yml", "dev", id="exec"),
    pytest.param("efs.yml", "dev", id="efs"),
    pytest.param("efs-managed.yml", "dev", id="efs-managed"),
    pytest.param("firelens.yml", "dev", id="firelens"),
    pytest.param("beyond-copilot.yml", "dev", id="beyond-copilot-dev"),
    pytest.param("beyond-copilot.yml", "prod", id="beyond-copilot-prod"),
]


@pytest.mark.parametrize("file, env", CASES)
def test_render_matches_golden(render_testdata, file, env):
    # Private placement needs the stack's private subnets; the others run in the default VPC
    # (an environment with only private subnets refuses public jobs).
    # Private placement needs the stack's private subnets and Copilot-managed EFS listed
    # subnets for its mount targets; the others run in the default VPC.
    config = {
        "private-placement.yml": PRIVATE,
        "efs-managed.yml": {**PRIVATE, "scheduled-jobs:subnets": ["subnet-0public00000000a"]},
    }.get(file, {})
    resources = render_testdata([file], env=env, config=config)
    # Build contexts are absolute paths; keep the golden files independent of the checkout.
    text = json.dumps({"resources": resources}, indent=2, sort_keys=True) + "\n"
    text = text.replace(str(TESTDATA), "<testdata>")
    golden = GOLDEN / f"{Path(file).stem}-{env}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"missing {golden}; create it with UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8"), (
        f"render of {file} ({env}) differs from {golden.name}; if intended, refresh with "
        "UPDATE_GOLDEN=1 python -m pytest tests/components/resources/test_golden.py"
    )
