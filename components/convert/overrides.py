"""`taskdef_overrides`: Copilot's `{path, value}` rules applied to the task definition, after
everything else is rendered, as Copilot applies them to its CloudFormation TaskDefinition's
Properties (internal/pkg/template/override/rule.go, override.go). Pure.

The task definition is first shown in CloudFormation's shape (PascalCase keys, container
definitions as a list, tags as Key/Value pairs), the rules run on it in order, and the result
goes back to the provider's inputs:
- a map key that is missing is created; the last segment replaces a value or adds the key;
- `[N]` must name an existing item ("use [-] to append" otherwise);
- `[-]` last appends the value (creating the list); `[-]` inside a path appends an empty map
  and continues into it (`PortMappings[-].ContainerPort` appends `{ContainerPort: v}`).
A rule that cannot apply is a manifest problem naming the rule.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from scheduled_jobs.components.convert.plan import Derived, Out, derive, is_plain
from scheduled_jobs.components.errors import ManifestError, Problem
from scheduled_jobs.components.manifest.source import PlainBool
from scheduled_jobs.components.manifest.taskdef_paths import parse_path

# Pulumi input (camelCase) <-> CloudFormation property, where the name is not just the first
# letter's case.
_TO_CFN = {
    "efsVolumeConfiguration": "EFSVolumeConfiguration",
    "fsxWindowsFileServerVolumeConfiguration": "FSxWindowsFileServerVolumeConfiguration",
    "iam": "IAM",
    "sizeInGib": "SizeInGiB",
    "configureAtLaunch": "ConfiguredAtLaunch",
}
_FROM_CFN = {cfn: camel for camel, cfn in _TO_CFN.items()}
# Maps whose keys are data (label names, driver options), never property names.
_DATA_MAPS = frozenset({"DockerLabels", "Options", "DriverOpts", "Labels"})


def _pascal(key: str) -> str:
    return _TO_CFN.get(key) or key[:1].upper() + key[1:]


def _camel(key: str) -> str:
    return _FROM_CFN.get(key) or key[:1].lower() + key[1:]


def _keys(value: Any, rename, parent: str = "") -> Any:
    """`value` with every property name renamed; data maps keep their keys."""
    if isinstance(value, list):
        return [_keys(item, rename, parent) for item in value]
    if isinstance(value, dict):
        if parent in _DATA_MAPS:
            return {key: _keys(item, rename) for key, item in value.items()}
        out = {}
        for key, item in value.items():
            name = rename(key)
            pascal = _pascal(key) if rename is _camel_to_pascal else key
            out[name] = _keys(item, rename, pascal)
        return out
    return _plain(value)


def _camel_to_pascal(key: str) -> str:
    return _pascal(key)


def _plain(value: Any) -> Any:
    # Manifest numbers remember their source text (manifest/source.py); send plain numbers.
    if isinstance(value, PlainBool):
        return value.value  # `True` in a rule's value is YAML's boolean, as in Copilot's patch
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def to_cfn(inputs: dict[str, Any]) -> dict[str, Any]:
    """Plain TaskDefinition inputs -> CloudFormation Properties."""
    props: dict[str, Any] = {}
    for key, value in inputs.items():
        if key == "containerDefinitions":
            props["ContainerDefinitions"] = _keys(json.loads(value), _camel_to_pascal)
        elif key == "tags":
            props["Tags"] = [{"Key": k, "Value": v} for k, v in value.items()]
        elif key == "volumes":
            props["Volumes"] = [_volume_to_cfn(v) for v in value]
        elif key == "proxyConfiguration":
            config = dict(value)
            pairs = config.pop("properties", None) or {}
            props["ProxyConfiguration"] = _keys(config, _camel_to_pascal)
            if pairs:
                props["ProxyConfiguration"]["ProxyConfigurationProperties"] = [
                    {"Name": k, "Value": v} for k, v in pairs.items()
                ]
        else:
            props[_pascal(key)] = _keys(value, _camel_to_pascal, _pascal(key))
    return props


def _volume_to_cfn(volume: dict) -> dict:
    volume = dict(volume)
    host_path = volume.pop("hostPath", None)
    out = _keys(volume, _camel_to_pascal)
    efs = out.get("EFSVolumeConfiguration")
    if isinstance(efs, dict) and "FileSystemId" in efs:
        efs["FilesystemId"] = efs.pop("FileSystemId")  # CloudFormation spells it so for EFS
    if host_path is not None:
        out["Host"] = {"SourcePath": host_path}
    return out


def from_cfn(props: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation Properties -> TaskDefinition inputs."""
    inputs: dict[str, Any] = {}
    for key, value in props.items():
        if key == "ContainerDefinitions":
            inputs["containerDefinitions"] = json.dumps(_keys(value, _camel), indent=2)
        elif key == "Tags":
            inputs["tags"] = {t.get("Key"): t.get("Value") for t in value or []}
        elif key == "Volumes":
            inputs["volumes"] = [_volume_from_cfn(v) for v in value or []]
        elif key == "ProxyConfiguration" and isinstance(value, dict):
            config = dict(value)
            pairs = config.pop("ProxyConfigurationProperties", None) or []
            inputs["proxyConfiguration"] = _keys(config, _camel)
            if pairs:
                inputs["proxyConfiguration"]["properties"] = {
                    p.get("Name"): p.get("Value") for p in pairs
                }
        else:
            inputs[_camel(key)] = _keys(value, _camel, key)
    return inputs


def _volume_from_cfn(volume: Any) -> Any:
    if not isinstance(volume, dict):
        return volume
    volume = dict(volume)
    host = volume.pop("Host", None)
    efs = volume.get("EFSVolumeConfiguration")
    if isinstance(efs, dict) and "FilesystemId" in efs:
        efs = dict(efs)
        efs["FileSystemId"] = efs.pop("FilesystemId")
        volume["EFSVolumeConfiguration"] = efs
    out = _keys(volume, _camel)
    if isinstance(host, dict) and host.get("SourcePath") is not None:
        out["hostPath"] = host["SourcePath"]
    return out


class RuleError(ValueError):
    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


def apply_rules(props: dict[str, Any], rules: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """`props` (not changed) with each (path, value) rule applied in order."""
    props = json.loads(json.dumps(props))
    for index, (path, value) in enumerate(rules):
        value = _keys(value, lambda k: k)  # plain numbers, same keys
        segments = parse_path(path)
        node: Any = props
        walked: list[str] = []
        for position, (key, item) in enumerate(segments):
            last = position == len(segments) - 1
            here = ".".join(walked + [key])
            if not isinstance(node, dict):
                raise RuleError(index, f'"{path}": {".".join(walked)} is not a map')
            walked.append(key if item is None else f"{key}[{item}]")
            if item is None:
                if last:
                    node[key] = value
                else:
                    node = node.setdefault(key, {})
                continue
            items = node.setdefault(key, [])
            if not isinstance(items, list):
                raise RuleError(index, f'"{path}": {here} is not a list')
            if item == "-":
                items.append(value if last else {})
                node = items[-1]
                continue
            n = int(item)
            if n >= len(items):
                raise RuleError(
                    index,
                    f'"{path}": {here} has {len(items)} item(s), so [{n}] names nothing; '
                    "use [-] to append",
                )
            if last:
                items[n] = value
            else:
                node = items[n]
    return props


# ------------------------------------------------------------------------- in the plan


class _Unknown(str):
    """Stands for a value known only after deploy, in the dry run that checks the rules."""

    def __getitem__(self, key: Any) -> _Unknown:  # type: ignore[override]
        return self


def _dry(value: Any) -> Any:
    if isinstance(value, Out):
        return _Unknown(f"<{value.source}.{value.attr}>")
    if isinstance(value, Derived):
        return value.fn(**{k: _dry(v) for k, v in value.args.items()})
    if isinstance(value, dict):
        return {k: _dry(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_dry(v) for v in value]
    return value


def overridden_inputs(
    inputs: dict[str, Any], rules: Sequence[tuple[str, Any]], *, file: str | None
) -> dict[str, Any]:
    """TaskDefinition plan inputs with the rules applied. The rules run once now on a dry run
    (values known later stand in as text), so a rule that cannot apply is a manifest problem
    before anything deploys; then again on the real values once they are known."""
    try:
        dry = from_cfn(apply_rules(to_cfn(_dry(inputs)), rules))
    except RuleError as exc:
        raise ManifestError(
            [Problem(str(exc), path=f"taskdef_overrides[{exc.index}].path", file=file)]
        ) from None
    if is_plain(inputs):
        return dry
    keys = list(dict.fromkeys([*inputs, *dry]))

    def final(inputs: dict) -> dict:
        return from_cfn(apply_rules(to_cfn(inputs), rules))

    return {key: derive(lambda inputs, key=key: final(inputs).get(key), inputs=inputs)
            for key in keys}  # fmt: skip
