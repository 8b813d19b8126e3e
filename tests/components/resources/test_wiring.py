"""The wiring of plan values into Pulumi Inputs."""

import pytest

from scheduled_jobs.components.convert.plan import Derived, FileAsset, Out
from scheduled_jobs.components.resources.wiring import Wiring, snake


def _output(value):
    import pulumi

    return pulumi.Output.from_input(value)


@pytest.mark.parametrize(
    "make_value, known",
    [
        pytest.param(lambda: "123456789012", True, id="string"),
        pytest.param(lambda: ["subnet-a", "subnet-b"], True, id="list-of-strings"),
        pytest.param(lambda: {"a": [{"b": "c"}]}, True, id="nested-dict"),
        pytest.param(lambda: _output("x"), False, id="output"),
        pytest.param(lambda: ["subnet-a", _output("subnet-b")], False, id="output-in-list"),
        pytest.param(lambda: {"a": [_output("b")]}, False, id="output-deep-in-dict"),
    ],
)
def test_derived_values_skip_outputs_when_their_arguments_are_known(make_value, known):
    import pulumi

    value = Wiring({}).value(Derived(lambda x: ("applied", x), {"x": make_value()}))
    # Known arguments are applied at once, without the SDK's Output machinery.
    assert isinstance(value, pulumi.Output) is not known
    if known:
        assert value[0] == "applied"


def test_out_names_the_sdk_attribute_of_an_earlier_resource():
    class Registered:
        repository_url = "url"

    assert Wiring({"repo": Registered()}).value(Out("repo", "repositoryUrl")) == "url"


def test_file_assets_become_pulumi_file_assets():
    import pulumi

    asset = Wiring({}).value({"source": FileAsset("/tmp/x.env")})["source"]
    assert isinstance(asset, pulumi.FileAsset)


@pytest.mark.parametrize(
    "camel, python",
    [
        pytest.param("retentionInDays", "retention_in_days", id="words"),
        pytest.param("ipv6CidrBlocks", "ipv6_cidr_blocks", id="digit-before-capital"),
        pytest.param("name", "name", id="one-word"),
        pytest.param("repositoryUrl", "repository_url", id="output-name"),
    ],
)
def test_snake_case_matches_the_sdk_keywords(camel, python):
    assert snake(camel) == python
