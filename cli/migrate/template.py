"""CloudFormation templates as Copilot writes them (YAML with short-form tags) as plain data.

Copilot's templates use `!Ref`, `!Sub`, `!GetAtt`, ... . PyYAML's safe loader refuses unknown
tags, so each one is read as CloudFormation's long form (`!Ref X` -> `{"Ref": "X"}`,
`!GetAtt A.B` -> `{"Fn::GetAtt": ["A", "B"]}`, `!Sub ...` -> `{"Fn::Sub": ...}`), which is what
the JSON form of the same template says (the "Intrinsic function reference" of the
CloudFormation User Guide). JSON templates load too (JSON is YAML).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import yaml

RETAIN = "Retain"
# CloudFormation's limit for TemplateBody; larger templates must go through S3 (TemplateURL).
MAX_BODY_BYTES = 51_200


class _Loader(yaml.SafeLoader):
    pass


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "Condition":
        return {"Condition": value}
    if suffix == "GetAtt" and isinstance(value, str):
        resource, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {f"Fn::{suffix}": value}


_Loader.add_multi_constructor("!", _intrinsic)
# Dates such as `AWSTemplateFormatVersion: 2010-09-09` stay strings, as CloudFormation reads them.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(text: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ValueError(f"not a CloudFormation template: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise ValueError("not a CloudFormation template: no Resources section")
    return data


def dump(template: dict[str, Any]) -> str:
    """Compact JSON: CloudFormation accepts it as TemplateBody, and it is the smallest form."""
    return json.dumps(template, separators=(",", ":"), sort_keys=False)


def retained(template: dict[str, Any]) -> set[str]:
    """Logical IDs whose DeletionPolicy and UpdateReplacePolicy are both Retain."""
    return {
        logical_id
        for logical_id, resource in template["Resources"].items()
        if isinstance(resource, dict)
        and resource.get("DeletionPolicy") == RETAIN
        and resource.get("UpdateReplacePolicy") == RETAIN
    }


def with_retain(template: dict[str, Any], logical_ids: Iterable[str]) -> dict[str, Any]:
    """A copy of `template` where the given resources are kept when the stack is deleted or
    the resource replaced. Nothing else changes, so CloudFormation changes no resource."""
    copy = json.loads(json.dumps(template))
    for logical_id in logical_ids:
        resource = copy["Resources"][logical_id]
        resource["DeletionPolicy"] = RETAIN
        resource["UpdateReplacePolicy"] = RETAIN
    return copy
