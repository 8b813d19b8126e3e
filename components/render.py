"""Run the Pulumi program offline under recording mocks and return what it would register.

No credentials, no Pulumi CLI, no network and no Docker: every resource's inputs are recorded
as the program registers them, and values AWS would compute (ARNs, ids, digests) are
placeholders shaped like the real thing, in the made-up account 123456789012.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

PLACEHOLDER_ACCOUNT = "123456789012"
SECRET_PLACEHOLDER = "[secret]"
# How the Pulumi runtime wraps a secret value on the wire.
_SECRET_SIG = "4dabf18193072939515e22adb298388d"


class DuplicateResourceError(ValueError):
    """Two resources share a type and logical name: the real engine would refuse the program."""


def render(
    program: Callable[[], Any],
    *,
    project: str,
    stack: str,
    config: Mapping[str, Any],
    region: str,
) -> list[dict]:
    """Run `program` (a Pulumi program function) under mocks; return its resources as
    `{"type", "name", "inputs"}` dicts sorted by name (a component, then its children)."""
    import pulumi

    mocks = _recording_mocks(region)
    pulumi.runtime.set_all_config(
        {
            key: value if isinstance(value, str) else json.dumps(value)
            for key, value in config.items()
        }
    )
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False)
    pulumi.runtime.test(program)()
    resources = [_clean(record) for record in mocks.records]
    check_unique(resources)
    # Registration is asynchronous; sort so that renders (and golden files) are stable.
    return sorted(resources, key=lambda r: (r["name"], r["type"]))


def check_unique(resources: list[dict]) -> None:
    counts = Counter((r["type"], r["name"]) for r in resources)
    duplicates = sorted(f"{name} ({kind})" for (kind, name), n in counts.items() if n > 1)
    if duplicates:
        raise DuplicateResourceError("duplicate logical names: " + ", ".join(duplicates))


def _clean(record: dict) -> dict:
    return {"type": record["type"], "name": record["name"], "inputs": _plain(record["inputs"])}


def _plain(value: Any) -> Any:
    """Undo the wire's quirks: secrets arrive wrapped, every number arrives as a float."""
    if isinstance(value, dict):
        if value.get(_SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270":
            return SECRET_PLACEHOLDER
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _recording_mocks(region: str):
    import pulumi

    account = PLACEHOLDER_ACCOUNT

    def digest(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    class RecordingMocks(pulumi.runtime.Mocks):
        def __init__(self) -> None:
            self.records: list[dict] = []

        def new_resource(self, args: pulumi.runtime.MockResourceArgs):
            self.records.append({"type": args.typ, "name": args.name, "inputs": args.inputs})
            outputs = dict(args.inputs)
            outputs.update(_computed(args.typ, args.name, args.inputs))
            return [outputs.get("id") or f"{args.name}-id", outputs]

        def call(self, args: pulumi.runtime.MockCallArgs):
            token = args.token
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
                return {"id": args.args.get("id"), "vpcId": "vpc-00000000placeholder"}
            if token == "aws:ec2/getSubnets:getSubnets":
                tags = "-".join(f.get("name", "") for f in args.args.get("filters") or [])
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
                return {"value": f"<export {args.args.get('name')}>", "id": args.args.get("name")}
            return {}

    def _computed(typ: str, name: str, inputs: dict) -> dict:
        arn = f"arn:aws:{{}}:{region}:{account}:{{}}"
        given = inputs.get("name") or f"{name}-0000000"  # Pulumi appends 7 random characters
        if typ == "aws:ecr/repository:Repository":
            return {
                "arn": arn.format("ecr", f"repository/{given}"),
                "repositoryUrl": f"{account}.dkr.ecr.{region}.amazonaws.com/{given}",
                "registryId": account,
            }
        if typ == "aws:cloudwatch/logGroup:LogGroup":
            return {"arn": arn.format("logs", f"log-group:{given}")}
        if typ == "aws:ecs/taskDefinition:TaskDefinition":
            family = inputs.get("family", name)
            return {
                "arn": arn.format("ecs", f"task-definition/{family}:1"),
                "arnWithoutRevision": arn.format("ecs", f"task-definition/{family}"),
                "revision": 1,
            }
        if typ == "aws:ecs/cluster:Cluster":
            return {"arn": arn.format("ecs", f"cluster/{given}"), "name": given}
        if typ == "aws:iam/role:Role":
            return {"arn": f"arn:aws:iam::{account}:role/{given}", "name": given}
        if typ == "aws:sfn/stateMachine:StateMachine":
            return {"arn": arn.format("states", f"stateMachine:{given}"), "name": given}
        if typ == "aws:cloudwatch/eventRule:EventRule":
            return {"arn": arn.format("events", f"rule/{given}"), "name": given}
        if typ == "aws:ec2/securityGroup:SecurityGroup":
            return {"id": f"sg-{digest(name)[:17]}", "arn": arn.format("ec2", "security-group/x")}
        if typ == "aws:s3/bucket:Bucket":
            bucket = inputs.get("bucket") or f"{name}-0000000"
            return {"bucket": bucket, "arn": f"arn:aws:s3:::{bucket}", "id": bucket}
        if typ == "docker:index/image:Image":
            image = inputs.get("imageName", name)
            repo = image.rsplit(":", 1)[0] if "/" in image else image
            return {
                "repoDigest": f"{repo}@sha256:{digest(image)}",
                "baseImageName": image,
            }
        return {}

    return RecordingMocks()


def group_by_owner(resources: list[dict], owners: list[str]) -> dict[str, list[dict]]:
    """Resources by the component that owns them (a job's or the environment's name): a child
    is named `<owner>-<role>`, and the longest matching owner wins (`dev-report-rule` belongs
    to job `dev-report`, not to environment `dev`)."""
    by_length = sorted(owners, key=len, reverse=True)
    grouped: dict[str, list[dict]] = {owner: [] for owner in owners}
    for resource in resources:
        name = resource["name"]
        owner = next((o for o in by_length if name == o or name.startswith(f"{o}-")), None)
        if owner is not None:
            grouped[owner].append(resource)
    return grouped


def job_summary(resources: list[dict]) -> dict[str, Any]:
    """The settings a reader checks first, read back from one job's rendered resources."""
    by_type = {r["type"]: r["inputs"] for r in resources}
    summary: dict[str, Any] = {}
    rule = by_type.get("aws:cloudwatch/eventRule:EventRule")
    if rule:
        enabled = rule.get("state") != "DISABLED"
        summary["schedule"] = rule.get("scheduleExpression") if enabled else "none (rule disabled)"
    task = by_type.get("aws:ecs/taskDefinition:TaskDefinition")
    if task:
        platform = task.get("runtimePlatform") or {}
        summary["size"] = (
            f"{task.get('cpu')} CPU units, {task.get('memory')} MiB, "
            f"{platform.get('operatingSystemFamily', 'LINUX')}/"
            f"{platform.get('cpuArchitecture', 'X86_64')}"
        )
        containers = json.loads(task.get("containerDefinitions") or "[]")
        if containers:
            summary["image"] = containers[0].get("image")
            if len(containers) > 1:
                summary["sidecars"] = ", ".join(c["name"] for c in containers[1:])
    machine = by_type.get("aws:sfn/stateMachine:StateMachine")
    if machine and machine.get("definition"):
        doc = json.loads(machine["definition"])
        retries = [
            retry.get("MaxAttempts", 0)
            for state in doc.get("States", {}).values()
            for retry in state.get("Retry", [])
        ]
        summary["retries"] = max(retries, default=0)
        timeout = doc.get("TimeoutSeconds")
        summary["timeout"] = f"{timeout} s" if timeout else "none"
    return summary
