"""Every physical name AWS will see fits the service's documented length and pattern, for the
longest application, environment and job names validation accepts."""

import re

import pytest

from scheduled_jobs.components.convert import naming
from scheduled_jobs.components.manifest.model import MAX_NAME_LENGTH
from tests.paths import TESTDATA

LONGEST_APP = "a" + "p" * (naming.MAX_APP_OR_ENV_NAME - 1)
LONGEST_ENV = "e" + "n" * (naming.MAX_APP_OR_ENV_NAME - 1)
LONGEST_JOB = "j" + "-ob" * ((MAX_NAME_LENGTH - 1) // 3)

# (resource type, input holding the name, limit, pattern) from each API's documentation.
NAMED = [
    ("aws:sfn/stateMachine:StateMachine", "name", 80, r"[a-zA-Z0-9_-]+"),
    ("aws:cloudwatch/eventRule:EventRule", "name", 64, r"[.\-_A-Za-z0-9]+"),
    ("aws:cloudwatch/logGroup:LogGroup", "name", 512, r"[.\-_/#A-Za-z0-9]+"),
    ("aws:ecs/taskDefinition:TaskDefinition", "family", 255, r"[a-zA-Z0-9_-]+"),
    ("aws:ecs/cluster:Cluster", "name", 255, r"[a-zA-Z0-9_-]+"),
    ("aws:ecr/repository:Repository", "name", 256,
     r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*"),
    ("aws:iam/role:Role", "name", 64, r"[\w+=,.@-]+"),
]  # fmt: skip
# Resources Pulumi auto-names `<logical>-<7 characters>`: (type, limit, pattern).
AUTONAMED = {
    "aws:iam/role:Role": (64, r"[\w+=,.@-]+"),
    "aws:ec2/securityGroup:SecurityGroup": (255, r".+"),
    "aws:s3/bucket:Bucket": (63, r"[a-z0-9][a-z0-9.-]*[a-z0-9]"),
}


def _long_manifest(tmp_path, file: str):
    text = (TESTDATA / file).read_text()
    text = re.sub(r"^name: .*$", f"name: {LONGEST_JOB}", text, count=1, flags=re.M)
    path = tmp_path / file
    path.write_text(text)
    for extra in ("files", "docker"):
        target = tmp_path / extra
        if not target.exists():
            target.symlink_to(TESTDATA / extra)
    return path


@pytest.mark.parametrize("file", sorted(p.name for p in TESTDATA.glob("*.yml")))
def test_longest_names_fit_every_service(file, tmp_path, monkeypatch):
    from scheduled_jobs.components.tools.render import render_jobs

    monkeypatch.setenv("SCHEDULED_JOBS_IMAGE_TAG", "t")
    path = _long_manifest(tmp_path, file)
    config = {
        "scheduled-jobs:app": LONGEST_APP,
        "scheduled-jobs:privateSubnets": ["subnet-p"],
        "scheduled-jobs:subnets": ["subnet-a"],
    }
    resources = render_jobs(tmp_path, [path.stem], project="scheduled-jobs", stack=LONGEST_ENV,
                            config=config, region="us-east-1",
                            manifests={path.stem: path})  # fmt: skip
    problems = []
    for resource in resources:
        for type_, key, limit, pattern in NAMED:
            name = resource["inputs"].get(key)
            if (
                resource["type"] == type_
                and name is not None
                and (len(name) > limit or not re.fullmatch(pattern, name))
            ):
                problems.append(f"{resource['name']}: {name!r} ({len(name)} > {limit}?)")
        if resource["type"] in AUTONAMED and "name" not in resource["inputs"]:
            if "bucket" in resource["inputs"]:
                continue
            limit, pattern = AUTONAMED[resource["type"]]
            auto = f"{resource['name']}-abcdefg"
            if len(auto) > limit or not re.fullmatch(pattern, auto):
                problems.append(f"{resource['name']}: auto-name {auto!r} over {limit}")
    assert problems == []


@pytest.mark.parametrize(
    "value, ok",
    [
        pytest.param("demo", True, id="word"),
        pytest.param("my-app2", True, id="hyphen-and-digit"),
        pytest.param("MyApp", False, id="uppercase"),
        pytest.param("my app", False, id="space"),
        pytest.param("BAD_Env", False, id="underscore"),
        pytest.param("2fast", False, id="starts-with-digit"),
        pytest.param("a--b", False, id="double-hyphen"),
        pytest.param("ab-", False, id="trailing-hyphen"),
        pytest.param("a", False, id="one-character"),
        pytest.param("a" * 41, False, id="too-long"),
        pytest.param("", False, id="empty"),
    ],
)
def test_app_and_environment_names_follow_copilots_rule(value, ok):
    assert (naming.name_problem("environment", value) is None) is ok


def test_fitted_names_stay_unique_and_never_end_in_a_separator():
    a = naming.fit("x" * 250 + "/" + "a" * 20, 256)
    b = naming.fit("x" * 250 + "/" + "b" * 20, 256)
    assert a != b and len(a) <= 256 and len(b) <= 256 and "/-" not in a
