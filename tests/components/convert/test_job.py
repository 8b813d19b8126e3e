"""A job's plan: placement, and the shape of what it registers."""

import pytest

from scheduled_jobs.components.convert.job import SubnetsByTags, placement
from scheduled_jobs.components.errors import ManifestError
from scheduled_jobs.components.manifest.load import load_manifest_text

BASE = "name: report\ntype: Scheduled Job\nimage: {location: busybox}\non: {schedule: '@daily'}\n"


def _job(network: str = ""):
    return load_manifest_text(BASE + network, "dev")


@pytest.mark.parametrize(
    "network, public, private, subnets, public_ip",
    [
        pytest.param("", ["s-pub"], [], ["s-pub"], True, id="public-by-default"),
        pytest.param("network: {vpc: {placement: private}}\n", [], ["s-priv"], ["s-priv"], False,
                     id="private"),
        pytest.param("network: {vpc: {placement: {subnets: [s-1, s-2]}}}\n", [], [],
                     ["s-1", "s-2"], False, id="listed-subnets"),
    ],
)  # fmt: skip
def test_placement_picks_the_subnets(network, public, private, subnets, public_ip):
    got = placement(_job(network), public_subnets=public, private_subnets=private,
                    private_setting="P", public_setting="S")  # fmt: skip
    assert got == (subnets, public_ip)


def test_subnets_by_tags_are_looked_up_at_deploy_time():
    job = _job("network: {vpc: {placement: {subnets: {from_tags: {tier: [app, web]}}}}}\n")
    subnets, public_ip = placement(job, public_subnets=[], private_subnets=[], private_setting="P")
    assert subnets == SubnetsByTags((("tag:tier", ("app", "web")),)) and public_ip is False


@pytest.mark.parametrize(
    "network, public, private, message",
    [
        pytest.param("network: {vpc: {placement: private}}\n", ["s-pub"], [],
                     "private placement needs private subnets: set P", id="private-without-any"),
        pytest.param("", [], ["s-priv"], "public placement needs public subnets",
                     id="public-with-only-private"),
    ],
)  # fmt: skip
def test_a_placement_without_subnets_is_refused_before_deploy(network, public, private, message):
    with pytest.raises(ManifestError) as caught:
        placement(_job(network), public_subnets=public, private_subnets=private,
                  private_setting="P", public_setting="S")  # fmt: skip
    (problem,) = caught.value.problems
    assert message in problem.message
    assert problem.path == "network.vpc.placement"
    assert problem.file == "manifests/report/manifest.yml"
