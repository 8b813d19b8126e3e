"""`jobs render` prints exactly what the Pulumi program registers.

For every testdata manifest (and the example job), in several kinds of environment, the
offline render (the plan, resolved with placeholders) is compared with what the real program
(components/resources/program.py) registers under Pulumi's mocks: the same resources, logical
names, parents, dependencies and inputs.
"""

from pathlib import Path

import pytest

from tests.paths import ROOT, TESTDATA

MANIFESTS = sorted(p.name for p in TESTDATA.glob("*.yml"))
NETWORKS = {
    "default-vpc": {},
    "public-and-private-subnets": {
        "scheduled-jobs:subnets": ["subnet-0public00000000a", "subnet-0public00000000b"],
        "scheduled-jobs:privateSubnets": ["subnet-0private0000000a", "subnet-0private0000000b"],
    },
    "own-network": {
        "scheduled-jobs:cluster": "arn:aws:ecs:eu-west-1:111122223333:cluster/shared",
        "scheduled-jobs:subnets": ["subnet-0public00000000a"],
        "scheduled-jobs:privateSubnets": ["subnet-0private0000000a"],
        "scheduled-jobs:securityGroups": ["sg-0aaaaaaaaaaaaaaaa"],
        "scheduled-jobs:tags": {"team": "data"},
        "aws:region": "eu-west-1",
    },
}
CASES = [
    pytest.param(file, env, network, id=f"{Path(file).stem}-{env}-{network}")
    for file in MANIFESTS
    for env in ("dev", "prod")
    for network in NETWORKS
    # Private placement and managed EFS need listed subnets: their errors are tested elsewhere.
    if not (file in ("private-placement.yml", "efs-managed.yml") and network == "default-vpc")
]


def _both(root: Path, manifests: dict[str, Path], env: str, config: dict):
    from scheduled_jobs.components.resources import program
    from scheduled_jobs.components.tools.mocked import render as mocked
    from scheduled_jobs.components.tools.render import render_jobs

    config = {"scheduled-jobs:app": "demo", **config}
    region = config.get("aws:region", "us-east-1")
    rendered = render_jobs(
        root, list(manifests), project="scheduled-jobs", stack=env, config=config,
        region=region, manifests=manifests, relations=True,
    )  # fmt: skip
    registered = mocked(
        lambda: program.run(root, manifests=manifests),
        project="scheduled-jobs",
        stack=env,
        config={"aws:region": region, **config},
        region=region,
        relations=True,
    )
    return rendered, registered


@pytest.mark.parametrize("file, env, network", CASES)
def test_render_is_what_the_program_registers(file, env, network, monkeypatch):
    monkeypatch.setenv("SCHEDULED_JOBS_IMAGE_TAG", "fidelity")
    rendered, registered = _both(TESTDATA, {Path(file).stem: TESTDATA / file}, env,
                                 NETWORKS[network])  # fmt: skip
    assert [(r["type"], r["name"]) for r in rendered] == [
        (r["type"], r["name"]) for r in registered
    ]
    for mine, theirs in zip(rendered, registered, strict=True):
        assert mine == theirs, mine["name"]


def test_several_jobs_in_one_stack_render_as_registered(monkeypatch):
    monkeypatch.setenv("SCHEDULED_JOBS_IMAGE_TAG", "fidelity")
    manifests = {Path(f).stem: TESTDATA / f for f in MANIFESTS}
    rendered, registered = _both(TESTDATA, manifests, "dev", NETWORKS["public-and-private-subnets"])
    assert rendered == registered


def test_adopted_resources_are_imported_by_id(monkeypatch):
    """`imports` (written by `migrate copilot`) reach the engine as Pulumi's import IDs."""
    config = {"scheduled-jobs:imports": {"minimal": {"log-group": "/copilot/demo-dev-minimal"}}}
    manifests = {"minimal": TESTDATA / "minimal.yml"}
    rendered, registered = _both(TESTDATA, manifests, "dev", config)
    assert rendered == registered
    imported = {r["name"]: r["importId"] for r in registered if "importId" in r}
    assert imported == {"minimal-log-group": "/copilot/demo-dev-minimal"}


def test_the_example_job_renders_as_registered(monkeypatch):
    monkeypatch.setenv("SCHEDULED_JOBS_IMAGE_TAG", "fidelity")
    manifests = {"hello": ROOT / "manifests" / "hello" / "manifest.yml"}
    rendered, registered = _both(ROOT, manifests, "dev", {})
    assert rendered == registered
    assert any(r["type"] == "docker-build:index:Image" for r in rendered)
