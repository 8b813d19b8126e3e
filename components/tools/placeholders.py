"""Placeholder values for what AWS computes (ARNs, IDs, digests) and what lookups return, in
the made-up account 123456789012. Shared by the offline render and by the Pulumi mocks that
prove it equal to the program, so both print the same placeholders."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from scheduled_jobs.components.contract import IMAGE_TOKEN

PLACEHOLDER_ACCOUNT = "123456789012"
SECRET_PLACEHOLDER = "[secret]"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def lookup(token: str, args: Mapping[str, Any], *, region: str) -> dict[str, Any]:
    """What the data source `token` would return for `args`."""
    account = PLACEHOLDER_ACCOUNT
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {
            "accountId": account,
            "arn": f"arn:aws:iam::{account}:user/placeholder",
            "userId": "AIDAPLACEHOLDER",
            "id": account,
        }
    if token == "aws:index/getRegion:getRegion":
        return {"name": region, "region": region, "id": region}
    if token == "aws:index/getPartition:getPartition":
        return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
    if token == "aws:ec2/getVpc:getVpc":
        return {"id": "vpc-00000000default", "cidrBlock": "172.31.0.0/16"}
    if token == "aws:ec2/getSubnet:getSubnet":
        return {"id": args.get("id"), "vpcId": "vpc-00000000placeholder"}
    if token == "aws:ec2/getSubnets:getSubnets":
        tags = "-".join(f.get("name", "") for f in args.get("filters") or [])
        stem = "default" if "default-for-az" in tags else "tagged"
        return {"ids": [f"subnet-0000{stem}a", f"subnet-0000{stem}b"], "id": region}
    if token == "aws:ecr/getAuthorizationToken:getAuthorizationToken":
        return {
            "userName": "AWS",
            "password": SECRET_PLACEHOLDER,
            "authorizationToken": SECRET_PLACEHOLDER,
            "proxyEndpoint": f"https://{account}.dkr.ecr.{region}.amazonaws.com",
            "expiresAt": "",
            "id": region,
        }
    if token == "aws:cloudformation/getExport:getExport":
        return {"value": f"<export {args.get('name')}>", "id": args.get("name")}
    return {}


def computed(type_: str, name: str, inputs: Mapping[str, Any], *, region: str) -> dict[str, Any]:
    """The outputs AWS (or the provider) would compute for a new resource."""
    account = PLACEHOLDER_ACCOUNT
    arn = f"arn:aws:{{}}:{region}:{account}:{{}}"
    given = inputs.get("name") or f"{name}-0000000"  # Pulumi appends 7 random characters
    if type_ == "aws:ecr/repository:Repository":
        return {
            "arn": arn.format("ecr", f"repository/{given}"),
            "repositoryUrl": f"{account}.dkr.ecr.{region}.amazonaws.com/{given}",
            "registryId": account,
        }
    if type_ == "aws:cloudwatch/logGroup:LogGroup":
        return {"arn": arn.format("logs", f"log-group:{given}")}
    if type_ == "aws:ecs/taskDefinition:TaskDefinition":
        family = inputs.get("family", name)
        return {
            "arn": arn.format("ecs", f"task-definition/{family}:1"),
            "arnWithoutRevision": arn.format("ecs", f"task-definition/{family}"),
            "revision": 1,
        }
    if type_ == "aws:ecs/cluster:Cluster":
        return {"arn": arn.format("ecs", f"cluster/{given}"), "name": given}
    if type_ == "aws:iam/role:Role":
        return {"arn": f"arn:aws:iam::{account}:role/{given}", "name": given}
    if type_ == "aws:sfn/stateMachine:StateMachine":
        return {"arn": arn.format("states", f"stateMachine:{given}"), "name": given}
    if type_ == "aws:cloudwatch/eventRule:EventRule":
        return {"arn": arn.format("events", f"rule/{given}"), "name": given}
    if type_ == "aws:kms/key:Key":
        key_id = f"00000000-0000-0000-0000-{_digest(name)[:12]}"
        return {"arn": arn.format("kms", f"key/{key_id}"), "keyId": key_id, "id": key_id}
    if type_ == "aws:sns/topic:Topic":
        topic_arn = f"arn:aws:sns:{region}:{account}:{given}"
        return {"arn": topic_arn, "name": given, "id": topic_arn}
    if type_ == "aws:sns/topicSubscription:TopicSubscription":
        return {"arn": f"{inputs.get('topic')}:00000000-0000-0000-0000-{_digest(name)[:12]}"}
    if type_ == "aws:cloudwatch/metricAlarm:MetricAlarm":
        return {"arn": f"arn:aws:cloudwatch:{region}:{account}:alarm:{given}"}
    if type_ == "aws:scheduler/scheduleGroup:ScheduleGroup":
        return {"arn": arn.format("scheduler", f"schedule-group/{given}"), "name": given,
                "id": given}  # fmt: skip
    if type_ == "aws:scheduler/schedule:Schedule":
        group = inputs.get("groupName") or "default"
        return {"arn": arn.format("scheduler", f"schedule/{group}/{given}"), "name": given,
                "id": f"{group}/{given}"}  # fmt: skip
    if type_ == "aws:ec2/securityGroup:SecurityGroup":
        return {"id": f"sg-{_digest(name)[:17]}", "arn": arn.format("ec2", "security-group/x")}
    if type_ == "aws:s3/bucket:Bucket":
        bucket = inputs.get("bucket") or f"{name}-0000000"
        return {"bucket": bucket, "arn": f"arn:aws:s3:::{bucket}", "id": bucket}
    if type_ == "aws:efs/fileSystem:FileSystem":
        fs = f"fs-{_digest(name)[:17]}"
        return {"id": fs, "arn": arn.format("elasticfilesystem", f"file-system/{fs}")}
    if type_ == "aws:efs/accessPoint:AccessPoint":
        point = f"fsap-{_digest(name)[:17]}"
        return {"id": point, "arn": arn.format("elasticfilesystem", f"access-point/{point}")}
    if type_ == "aws:sns/topic:Topic":
        return {"arn": arn.format("sns", given)}
    if type_ == "aws:cloudformation/stack:Stack":
        stack = inputs.get("name", name)
        return {
            "id": arn.format(
                "cloudformation", f"stack/{stack}/00000000-0000-0000-0000-000000000000"
            ),
            "outputs": stack_outputs(inputs.get("templateBody", "{}"), stack, region=region),
        }
    if type_ == IMAGE_TOKEN:
        tag = (inputs.get("tags") or [name])[0]
        digest = f"sha256:{_digest(tag)}"
        return {"digest": digest, "ref": f"{tag}@{digest}", "contextHash": _digest(name)}
    return {}


def stack_outputs(template_body: str, stack: str, *, region: str) -> dict[str, str]:
    """A CloudFormation stack's outputs as AWS shapes them: `!Ref` of a managed policy is its
    ARN, of a secret its ARN (with the random suffix), of a security group its ID."""
    import json

    account = PLACEHOLDER_ACCOUNT
    try:
        template = json.loads(template_body)
    except ValueError:
        return {}
    types = {k: v.get("Type") for k, v in (template.get("Resources") or {}).items()}
    outputs: dict[str, str] = {}
    for key, spec in (template.get("Outputs") or {}).items():
        value = spec.get("Value") if isinstance(spec, dict) else None
        ref = value.get("Ref") if isinstance(value, dict) else None
        kind = types.get(ref) if isinstance(ref, str) else None
        if kind == "AWS::IAM::ManagedPolicy":
            outputs[key] = f"arn:aws:iam::{account}:policy/{stack}-{ref}-PLACEHOLDER"
        elif kind == "AWS::SecretsManager::Secret":
            outputs[key] = f"arn:aws:secretsmanager:{region}:{account}:secret:{ref}-AbCdEf"
        elif kind == "AWS::EC2::SecurityGroup":
            outputs[key] = f"sg-{_digest(stack + ref)[:17]}"
        else:
            outputs[key] = f"<output {key} of {stack}>"
    return outputs


def resource_outputs(type_: str, name: str, inputs: Mapping[str, Any], *, region: str):
    """(id, outputs) of a new resource: its inputs echoed, plus what AWS computes."""
    outputs = dict(inputs)
    outputs.update(computed(type_, name, inputs, region=region))
    return outputs.get("id") or f"{name}-id", outputs
