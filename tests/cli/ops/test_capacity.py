"""`capacity: spot` on an existing cluster: what is missing, against moto's ECS."""

import boto3
import pytest

from cli.ops.capacity import check_spot_cluster, missing_providers
from cli.output import UserError
from tests.cli.project_factory import VALID, make_project


@pytest.mark.parametrize(
    "cluster, missing",
    [
        pytest.param(None, ["FARGATE", "FARGATE_SPOT"], id="no-cluster"),
        pytest.param({"capacityProviders": []}, ["FARGATE", "FARGATE_SPOT"], id="none"),
        pytest.param({"capacityProviders": ["FARGATE"]}, ["FARGATE_SPOT"], id="on-demand-only"),
        pytest.param({"capacityProviders": ["FARGATE_SPOT", "FARGATE"]}, [], id="both"),
    ],
)
def test_missing_providers(cluster, missing):
    assert missing_providers(cluster) == missing


@pytest.fixture
def spot_project(aws, tmp_path):
    from cli.project import find_project

    root = make_project(tmp_path, {"cheap": VALID + "capacity: spot\n", "plain": VALID})
    (root / "Pulumi.test.yaml").write_text(
        "config:\n  aws:region: us-east-1\n  scheduled-jobs:cluster: shared\n"
    )
    return find_project(root)


def test_deploy_check_says_what_to_add(spot_project):
    boto3.client("ecs", region_name="us-east-1").create_cluster(clusterName="shared")
    with pytest.raises(UserError) as caught:
        check_spot_cluster(spot_project, "test", [])
    assert "cheap has capacity: spot, but cluster shared" in str(caught.value)
    assert "FARGATE_SPOT" in str(caught.value)
    assert "put-cluster-capacity-providers --cluster shared --region us-east-1" in caught.value.hint


def test_deploy_check_passes_when_the_cluster_has_spot(spot_project):
    boto3.client("ecs", region_name="us-east-1").create_cluster(
        clusterName="shared", capacityProviders=["FARGATE", "FARGATE_SPOT"]
    )
    check_spot_cluster(spot_project, "test", [])
    check_spot_cluster(spot_project, "test", ["plain"])  # no spot job: nothing to check
