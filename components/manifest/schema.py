"""The manifest's JSON Schema, generated from the pydantic models.

What editors see must agree with what `scheduled-jobs validate` decides: the models carry each
field's description and the bounds of its one-field rule (as `json_schema_extra`, built with
schema_extras.py); this module adds the rules across fields that JSON Schema can say (Fargate
sizes, one of build/location) and makes the `environments.<env>` blocks partial, as the merge
reads them. Where a rule cannot be said (a schedule's grammar, a whole number of seconds), the
schema is looser than the loader, never stricter: an editor must not flag a valid manifest.
"""

from __future__ import annotations

import copy
from typing import Any

from scheduled_jobs.components.manifest.schema_extras import any_case_pattern

SCHEMA_ID = "https://scheduled-jobs.dev/schemas/manifest.schema.json"


# ------------------------------------------------------------------------------ the schema


def manifest_schema() -> dict[str, Any]:
    from scheduled_jobs.components.manifest.model import Manifest

    schema = Manifest.model_json_schema(mode="validation")
    # No titles: pydantic's repeat the key ("Env File"), and an editor's hover shows a title
    # (the nearest one, the document's own for every field) above the description.
    _drop_titles(schema)
    _collapse_types(schema)
    defs = schema["$defs"]
    schema.setdefault("allOf", []).extend(_job_rules(partial=False))
    _sizes(schema["properties"], nullable=False)
    schema["properties"]["image"] = {
        **schema["properties"]["image"],
        "anyOf": [{"required": ["build"]}, {"required": ["location"]}],
    }
    override = defs["EnvironmentOverride"]
    _partial(override, (), defs)
    override.setdefault("allOf", []).extend(_job_rules(partial=True))
    _sizes(override["properties"], nullable=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def _drop_titles(node: Any) -> None:
    if isinstance(node, dict):
        node.pop("title", None)
        for key, value in node.items():
            if key in ("properties", "$defs", "patternProperties"):
                for child in value.values():
                    _drop_titles(child)
            else:
                _drop_titles(value)
    elif isinstance(node, list):
        for child in node:
            _drop_titles(child)


def _collapse_types(node: Any) -> None:
    """`anyOf: [{type: string}, {type: integer}, ...]` -> `type: [string, integer, ...]`: the
    same values, and an editor's hover shows the field's description once (each alternative
    would add an empty one)."""
    if isinstance(node, dict):
        forms = node.get("anyOf")
        if (
            isinstance(forms, list)
            and len(forms) > 1
            and all(isinstance(f, dict) and list(f) == ["type"] for f in forms)
            and "type" not in node
        ):
            del node["anyOf"]
            node["type"] = [f["type"] for f in forms]
        for value in node.values():
            _collapse_types(value)
    elif isinstance(node, list):
        for child in node:
            _collapse_types(child)


# ------------------------------------------------------------- rules across fields (rules.py)


def _job_rules(*, partial: bool) -> list[dict[str, Any]]:
    """The Fargate size table, Windows' minimum size and Spot's platforms, as if/then, with
    the loader's words.

    At the top, an absent cpu or memory is its default (256, 512). In an environment block
    the merged value may come from the top, which a schema cannot see: a rule applies there
    only when the block sets every field it reads.
    """
    from scheduled_jobs.components.manifest.model import DEFAULT_CPU, DEFAULT_MEMORY
    from scheduled_jobs.components.manifest.rules import FARGATE_SIZES, WINDOWS_MIN_CPU, _ranges

    rules: list[dict[str, Any]] = []
    for cpu, memories in FARGATE_SIZES.items():
        fits = f"does not fit cpu {cpu} on Fargate; use {_ranges(memories)} MiB"
        condition: dict[str, Any] = {"properties": {"cpu": {"const": cpu}}}
        then: dict[str, Any] = {
            "properties": {"memory": {"enum": list(memories), "errorMessage": fits}}
        }
        if partial:
            condition["required"] = ["cpu", "memory"]
        elif cpu != DEFAULT_CPU:
            condition["required"] = ["cpu"]
        if not partial and DEFAULT_MEMORY not in memories:
            then["required"] = ["memory"]  # the default memory does not fit this cpu
            then["errorMessage"] = f"cpu {cpu} needs memory: the default {DEFAULT_MEMORY} {fits}"
        rules.append({"if": condition, "then": then})
    windows, arm = _platform_is("windows"), _platform_is("arm")
    minimum = {"minimum": WINDOWS_MIN_CPU, "errorMessage": "Windows tasks need cpu 1024 or more"}
    rules.append(
        {
            "if": windows,
            "then": {
                "properties": {"cpu": minimum},
                **(
                    {}
                    if partial
                    else {"required": ["cpu"], "errorMessage": minimum["errorMessage"]}
                ),
            },
        }
    )
    no_spot = {
        "enum": ["on-demand", None],
        "errorMessage": "Fargate Spot runs Linux x86_64 tasks only; use capacity: on-demand",
    }
    rules.append({"if": {"anyOf": [windows, arm]}, "then": {"properties": {"capacity": no_spot}}})
    return rules


def _sizes(properties: dict[str, Any], *, nullable: bool) -> None:
    """The values `cpu` and `memory` may take on Fargate, for completion (the pairs: above),
    and the table in memory's description."""
    from scheduled_jobs.components.manifest.rules import FARGATE_SIZES, _ranges

    memories = sorted({memory for allowed in FARGATE_SIZES.values() for memory in allowed})
    unset = [None] if nullable else []
    properties["cpu"]["enum"] = [*FARGATE_SIZES, *unset]
    memory = properties["memory"]
    memory["enum"] = [*memories, *unset]
    pairs = "; ".join(f"cpu {cpu}: {_ranges(allowed)}" for cpu, allowed in FARGATE_SIZES.items())
    memory["description"] = f"{memory['description']} {pairs}."


def _platform_is(kind: str) -> dict[str, Any]:
    """A set `platform` (string or map, any case) that is Windows, or ARM."""
    from scheduled_jobs.components.manifest.model import (
        ARCHITECTURES,
        OS_FAMILIES,
        PLATFORM_STRINGS,
    )

    if kind == "windows":
        strings = [p for p in PLATFORM_STRINGS if p.startswith("windows")]
        field, values = "osfamily", [f for f in OS_FAMILIES if f.startswith("windows")]
    else:
        strings = [p for p in PLATFORM_STRINGS if p.split("/")[1].startswith("arm")]
        field, values = "architecture", [a for a in ARCHITECTURES if a.startswith("arm")]
    form = {
        "anyOf": [
            {"type": "string", "pattern": any_case_pattern(strings)},
            {
                "type": "object",
                "required": [field],
                "properties": {field: {"type": "string", "pattern": any_case_pattern(values)}},
            },
        ]
    }
    return {"required": ["platform"], "properties": {"platform": form}}


# ------------------------------------------------------------- environments.<env> (merge.py)


def _partial(node: Any, path: tuple, defs: dict[str, Any]) -> None:
    """Make an environment block's maps partial where the merge lays them over the top's.

    Maps merge key by key, so `on: {timezone: ...}` without a schedule is a whole override;
    lists and the values merge.py replaces whole keep their required fields. A definition
    reached where the merge combines it gets a partial copy, `<Name>Override`.
    """
    from scheduled_jobs.components.manifest.merge import REPLACE_WHOLE

    if not isinstance(node, dict):
        return
    whole = any(
        len(path) == len(p) and all(q in ("*", k) for k, q in zip(path, p, strict=True))
        for p in REPLACE_WHOLE
    )
    if whole:
        return
    ref = node.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        partial_name = f"{name}Override"
        if partial_name not in defs:
            defs[partial_name] = copy.deepcopy(defs[name])
            _partial(defs[partial_name], path, defs)
        node["$ref"] = f"#/$defs/{partial_name}"
        return
    if "properties" in node:
        node.pop("required", None)
        for key, child in node["properties"].items():
            _partial(child, (*path, key), defs)
    if isinstance(node.get("additionalProperties"), dict):
        _partial(node["additionalProperties"], (*path, "*"), defs)
    for key in ("anyOf", "oneOf"):
        for child in node.get(key, ()):
            _partial(child, path, defs)
    # "items": a list in an override replaces the top's whole, so its items stay complete.
