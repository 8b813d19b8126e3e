"""ARN arithmetic: partitions, and the ARNs of things a manifest names only by name.

Pure string functions, so the IAM documents and task definitions built from them can be
tested without Pulumi or AWS.
"""

from __future__ import annotations

import re

# Secrets Manager appends "-" and six random characters to every secret's name in its ARN.
_SECRET_SUFFIX = re.compile(r"-[A-Za-z0-9]{6}$")
_ECR_URI = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
    r"(?P<repo>[a-z0-9][a-z0-9._/-]*?)(?::[\w.-]+)?(?:@sha256:[0-9a-f]{64})?$"
)


def partition_of(region: str) -> str:
    """The AWS partition a region belongs to.

    >>> partition_of("cn-north-1"), partition_of("us-gov-west-1"), partition_of("eu-west-1")
    ('aws-cn', 'aws-us-gov', 'aws')
    """
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    return "aws"


def ssm_parameter_arn(name: str, *, partition: str, region: str, account: str) -> str:
    """The ARN of an SSM parameter given by name (`/app/db/password` or `token`), or the
    ARN itself when one is given."""
    if name.startswith("arn:"):
        return name
    return f"arn:{partition}:ssm:{region}:{account}:parameter/{name.lstrip('/')}"


def is_secretsmanager_arn(value: str) -> bool:
    return value.startswith("arn:") and value.split(":")[2:3] == ["secretsmanager"]


def secret_value_from(name: str, *, partition: str, region: str, account: str) -> str:
    """The `valueFrom` of a `secretsmanager:` secret: its (partial) ARN, keeping any
    `:json-key:version-stage:version-id` selector the name carries, as Copilot renders it."""
    if name.startswith("arn:"):
        return name
    return f"arn:{partition}:secretsmanager:{region}:{account}:secret:{name}"


def secret_policy_arns(value_from: str) -> list[str]:
    """IAM resources that match the secret a `valueFrom` points at.

    A `valueFrom` may carry a JSON-key selector after the ARN and may omit the random six
    characters Secrets Manager adds to the name. `-??????` matches exactly those six, which
    is the narrowest pattern AWS documents for a secret known by name.
    """
    parts = value_from.split(":")
    arn = ":".join(parts[:7])
    if _SECRET_SUFFIX.search(parts[6] if len(parts) > 6 else ""):
        # Already a full ARN, or a name that happens to end like one: allow both readings.
        return [arn, f"{arn}-??????"]
    return [f"{arn}-??????"]


def ecr_repository_arn(image: str, *, partition: str) -> str | None:
    """The repository ARN of a private ECR image URI, or None for any other registry.

    >>> ecr_repository_arn("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app/job:v1",
    ...                    partition="aws")
    'arn:aws:ecr:eu-west-1:123456789012:repository/app/job'
    """
    match = _ECR_URI.match(image)
    if not match:
        return None
    return f"arn:{partition}:ecr:{match['region']}:{match['account']}:repository/{match['repo']}"


def cluster_arn(cluster: str, *, partition: str, region: str, account: str) -> str:
    """A cluster ARN from a cluster name or ARN."""
    if cluster.startswith("arn:"):
        return cluster
    return f"arn:{partition}:ecs:{region}:{account}:cluster/{cluster}"


def cluster_name(cluster: str) -> str:
    """The cluster name from a cluster name or ARN."""
    return cluster.rsplit("/", 1)[-1] if cluster.startswith("arn:") else cluster


def s3_object_arn(bucket: str, key: str, *, partition: str) -> str:
    return f"arn:{partition}:s3:::{bucket}/{key}"


def s3_bucket_arn(bucket: str, *, partition: str) -> str:
    return f"arn:{partition}:s3:::{bucket}"
