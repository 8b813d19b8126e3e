import pytest

from scheduled_jobs.components.convert import arns

WHERE = {"partition": "aws", "region": "us-east-1", "account": "123456789012"}


@pytest.mark.parametrize(
    "region, partition",
    [
        pytest.param("us-east-1", "aws", id="commercial"),
        pytest.param("cn-northwest-1", "aws-cn", id="china"),
        pytest.param("us-gov-west-1", "aws-us-gov", id="govcloud"),
    ],
)
def test_partition_of(region, partition):
    assert arns.partition_of(region) == partition


@pytest.mark.parametrize(
    "name, arn",
    [
        pytest.param("token", "arn:aws:ssm:us-east-1:123456789012:parameter/token", id="bare"),
        pytest.param(
            "/app/dev/db", "arn:aws:ssm:us-east-1:123456789012:parameter/app/dev/db", id="path"
        ),
        pytest.param(
            "arn:aws:ssm:eu-west-1:1:parameter/x", "arn:aws:ssm:eu-west-1:1:parameter/x", id="arn"
        ),
    ],
)
def test_ssm_parameter_arn(name, arn):
    assert arns.ssm_parameter_arn(name, **WHERE) == arn


@pytest.mark.parametrize(
    "value_from, patterns",
    [
        pytest.param(
            "arn:aws:secretsmanager:us-east-1:1:secret:app/key",
            ["arn:aws:secretsmanager:us-east-1:1:secret:app/key-??????"],
            id="by-name-gets-suffix-pattern",
        ),
        pytest.param(
            "arn:aws:secretsmanager:us-east-1:1:secret:db:password::",
            ["arn:aws:secretsmanager:us-east-1:1:secret:db-??????"],
            id="json-key-selector-dropped",
        ),
        pytest.param(
            "arn:aws:secretsmanager:us-east-1:1:secret:full-Ab12Cd",
            [
                "arn:aws:secretsmanager:us-east-1:1:secret:full-Ab12Cd",
                "arn:aws:secretsmanager:us-east-1:1:secret:full-Ab12Cd-??????",
            ],
            id="full-arn-both-readings",
        ),
    ],
)
def test_secret_policy_arns(value_from, patterns):
    assert arns.secret_policy_arns(value_from) == patterns


@pytest.mark.parametrize(
    "image, arn",
    [
        pytest.param(
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shared/tools:1.4",
            "arn:aws:ecr:eu-west-1:123456789012:repository/shared/tools",
            id="ecr-tag",
        ),
        pytest.param(
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:" + "a" * 64,
            "arn:aws:ecr:us-east-1:123456789012:repository/app",
            id="ecr-digest",
        ),
        pytest.param("public.ecr.aws/docker/library/busybox:stable", None, id="public-ecr"),
        pytest.param("nginx:latest", None, id="docker-hub"),
    ],
)
def test_ecr_repository_arn(image, arn):
    assert arns.ecr_repository_arn(image, partition="aws") == arn


@pytest.mark.parametrize(
    "cluster, arn, name",
    [
        pytest.param(
            "demo-dev", "arn:aws:ecs:us-east-1:123456789012:cluster/demo-dev", "demo-dev", id="name"
        ),
        pytest.param(
            "arn:aws:ecs:eu-west-1:9:cluster/shared",
            "arn:aws:ecs:eu-west-1:9:cluster/shared",
            "shared",
            id="arn",
        ),
    ],
)
def test_cluster_arn_and_name(cluster, arn, name):
    assert arns.cluster_arn(cluster, **WHERE) == arn
    assert arns.cluster_name(cluster) == name
