"""`capacity: spot` on an existing cluster: what is missing, against moto's ECS."""

import boto3
import pytest

from scheduled_jobs.cli.ops.capacity import check_spot_cluster, fix_command, missing_providers
from scheduled_jobs.cli.output import UserError
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
    from scheduled_jobs.cli.project import find_project

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


def test_deploy_check_says_when_the_cluster_does_not_exist(spot_project):
    with pytest.raises(UserError) as caught:
        check_spot_cluster(spot_project, "test", ["cheap"])
    assert "cluster shared (scheduled-jobs:cluster in Pulumi.test.yaml) was not found" in str(
        caught.value
    )
    assert "cheap cannot run there" in str(caught.value)


def test_the_fix_keeps_the_clusters_providers_and_strategy(spot_project):
    ecs = boto3.client("ecs", region_name="us-east-1")
    ecs.create_cluster(clusterName="shared")
    ecs.put_cluster_capacity_providers(
        cluster="shared",
        capacityProviders=["FARGATE"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 2, "base": 1}],
    )
    with pytest.raises(UserError) as caught:
        check_spot_cluster(spot_project, "test", ["cheap"])
    assert str(caught.value).endswith("lacks the capacity provider(s) FARGATE_SPOT")
    assert (
        "--capacity-providers FARGATE FARGATE_SPOT --default-capacity-provider-strategy "
        "capacityProvider=FARGATE,weight=2,base=1" in caught.value.hint
    )


@pytest.mark.parametrize(
    ("described", "expected"),
    [
        pytest.param(None, "--capacity-providers FARGATE FARGATE_SPOT "
                     "--default-capacity-provider-strategy capacityProvider=FARGATE,weight=1",
                     id="bare-cluster"),
        pytest.param({"capacityProviders": ["my-asg"],
                      "defaultCapacityProviderStrategy": [
                          {"capacityProvider": "my-asg", "weight": 1, "base": 0}]},
                     "--capacity-providers my-asg FARGATE FARGATE_SPOT "
                     "--default-capacity-provider-strategy capacityProvider=my-asg,weight=1,base=0",
                     id="keeps-an-ec2-provider"),
    ],
)  # fmt: skip
def test_fix_command(described, expected):
    assert fix_command("c", "eu-west-1", described) == (
        f"aws ecs put-cluster-capacity-providers --cluster c --region eu-west-1 {expected}"
    )


def test_fix_command_is_accepted_by_botocore():
    """The hint's arguments are those of PutClusterCapacityProviders (botocore's model)."""
    import botocore.session
    from botocore.validate import ParamValidator

    model = botocore.session.get_session().get_service_model("ecs")
    shape = model.operation_model("PutClusterCapacityProviders").input_shape
    params = {
        "cluster": "c",
        "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
        "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}],
    }
    assert not ParamValidator().validate(params, shape).has_errors()
    assert set(shape.required_members) <= set(params)
