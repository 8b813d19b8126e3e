"""Every rendered resource's inputs fit the installed SDKs' input types.

The render's inputs (camelCase, as the engine receives them) are checked against the Args
class of each resource in the installed `pulumi_aws` / `pulumi_docker_build`, recursively through
nested input types: unknown keys, wrong kinds, missing required inputs and deprecated
properties are all errors. A misspelled nested key would otherwise reach the provider.
"""

from __future__ import annotations

import collections.abc
import enum
import inspect
import re
import sys
import typing
from pathlib import Path

import pytest

from scheduled_jobs.components.resources.wiring import sdk_class
from tests.paths import ROOT, TESTDATA

_DEPRECATED = re.compile(r'pulumi\.log\.warn\("""(\w+) is deprecated')
_SCALARS = {str: (str,), bool: (bool,), int: (int,), float: (int, float)}


def _args_class(token: str) -> type:
    resource = sdk_class(token)
    module = sys.modules[resource.__module__]
    # Where a nested input type already has the name `<Resource>Args` (the bucket's
    # `versioning` block is `BucketVersioningArgs`), the SDK names the resource's own
    # `<Resource>InitArgs`.
    init = getattr(module, f"{resource.__name__}InitArgs", None)
    return init or getattr(module, f"{resource.__name__}Args")


def _params(cls: type) -> dict[str, inspect.Parameter]:
    return {
        name: p
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if name not in ("self", "__self__") and p.kind is p.KEYWORD_ONLY
    }


def _pulumi_names(cls: type) -> dict[str, str]:
    """Provider (camelCase) name -> Python name of each input of an input type."""
    from pulumi._types import input_type_py_to_pulumi_names

    return {pulumi: py for py, pulumi in input_type_py_to_pulumi_names(cls).items()}


def _deprecated(cls: type) -> set[str]:
    return set(_DEPRECATED.findall(inspect.getsource(cls)))


def _options(annotation, module) -> list:
    """The value kinds an annotation allows, without Input's wrappers (Awaitable, Output)."""
    if isinstance(annotation, typing.ForwardRef):
        name = annotation.__forward_arg__
        if name.startswith("Output"):
            return []
        return [getattr(module, name)]
    if isinstance(annotation, str):
        return [] if annotation.startswith("Output") else [getattr(module, annotation)]
    origin = typing.get_origin(annotation)
    if origin is typing.Union:
        return [o for a in typing.get_args(annotation) for o in _options(a, module)]
    if origin is collections.abc.Awaitable or annotation is type(None):
        return []
    return [annotation]


def _check(value, annotation, module, path: str, problems: list[str]) -> None:
    options = _options(annotation, module)
    if not options or typing.Any in options:
        return
    for option in options:
        origin = typing.get_origin(option)
        if (
            inspect.isclass(option)
            and hasattr(option, "_pulumi_names")
            or (inspect.isclass(option) and option.__name__.endswith("Args"))
        ):
            if isinstance(value, dict):
                _check_object(value, option, path, problems)
                return
        elif origin in (collections.abc.Sequence, list) and isinstance(value, list):
            (item,) = typing.get_args(option)
            for index, element in enumerate(value):
                _check(element, item, module, f"{path}[{index}]", problems)
            return
        elif origin in (collections.abc.Mapping, dict) and isinstance(value, dict):
            _, item = typing.get_args(option)
            for key, element in value.items():
                _check(element, item, module, f"{path}.{key}", problems)
            return
        elif inspect.isclass(option) and issubclass(option, enum.Enum):
            if value in {member.value for member in option}:
                return  # a string enum (docker-build's Platform, NetworkMode)
        elif inspect.isclass(option) and option.__module__ == "pulumi.asset":
            if isinstance(value, dict) and set(value) == {"file"}:
                return  # the render's form of a FileAsset
        elif (
            option in _SCALARS
            and isinstance(value, _SCALARS[option])
            and not (option is int and isinstance(value, bool))
        ):
            return
    problems.append(f"{path}: {type(value).__name__} {value!r:.60} is not {annotation}")


def _check_object(inputs: dict, cls: type, path: str, problems: list[str]) -> None:
    module = sys.modules[cls.__module__]
    params = _params(cls)
    names = _pulumi_names(cls)
    deprecated = _deprecated(cls)
    for key, value in inputs.items():
        py = names.get(key)
        if py is None or py not in params:
            problems.append(f"{path}.{key}: not an input of {cls.__name__}")
            continue
        if py in deprecated:
            problems.append(f"{path}.{key}: deprecated in {cls.__name__}")
        _check(value, params[py].annotation, module, f"{path}.{key}", problems)
    for py, param in params.items():
        pulumi_name = next((k for k, v in names.items() if v == py), py)
        if param.default is inspect.Parameter.empty and pulumi_name not in inputs:
            problems.append(f"{path}.{pulumi_name}: required by {cls.__name__}, missing")


def type_problems(resources: list[dict]) -> list[str]:
    problems: list[str] = []
    for resource in resources:
        if resource["type"].startswith("scheduled-jobs:"):
            continue  # our own components have no inputs
        _check_object(resource["inputs"], _args_class(resource["type"]), resource["name"],
                      problems)  # fmt: skip
    return problems


def _render(manifests: dict[str, Path], config: dict, root: Path = TESTDATA) -> list[dict]:
    from scheduled_jobs.components.tools.render import render_jobs

    return render_jobs(root, list(manifests), project="scheduled-jobs", stack="dev",
                       config={"scheduled-jobs:app": "demo", **config}, region="us-east-1",
                       manifests=manifests)  # fmt: skip


EVERY_MANIFEST = {p.stem: p for p in sorted(TESTDATA.glob("*.yml"))}
PRIVATE = {
    "scheduled-jobs:subnets": ["subnet-0public00000000a"],
    "scheduled-jobs:privateSubnets": ["subnet-0private0000000a"],
}


@pytest.mark.parametrize(
    "manifests, config, root",
    [
        pytest.param(EVERY_MANIFEST, PRIVATE, TESTDATA, id="every-testdata-manifest"),
        pytest.param(
            {"hello": ROOT / "manifests" / "hello" / "manifest.yml"}, {}, ROOT, id="example"
        ),
        pytest.param(
            EVERY_MANIFEST,
            {
                **PRIVATE,
                "scheduled-jobs:cluster": "shared",
                "scheduled-jobs:subnets": ["s-1"],
                "scheduled-jobs:securityGroups": ["sg-1"],
            },
            TESTDATA,
            id="own-network",
        ),  # fmt: skip
    ],
)
def test_rendered_inputs_fit_the_sdk_input_types(manifests, config, root, monkeypatch):
    monkeypatch.setenv("SCHEDULED_JOBS_IMAGE_TAG", "types")
    assert type_problems(_render(manifests, config, root)) == []


@pytest.mark.parametrize(
    "plant, expected",
    [
        pytest.param(
            lambda r: r["inputs"]["loggingConfiguration"].update(logDestinaton="x"),
            "loggingConfiguration.logDestinaton: not an input",
            id="misspelled-nested-key",
        ),
        pytest.param(lambda r: r["inputs"].update(type=3), "type: int 3 is not", id="wrong-kind"),
        pytest.param(
            lambda r: r["inputs"].pop("roleArn"), "roleArn: required", id="missing-required"
        ),
    ],
)
def test_the_check_catches_planted_mistakes(plant, expected, monkeypatch):
    resources = _render({"minimal": TESTDATA / "minimal.yml"}, {})
    machine = next(r for r in resources if r["type"] == "aws:sfn/stateMachine:StateMachine")
    plant(machine)
    problems = type_problems(resources)
    assert len(problems) == 1 and expected in problems[0], problems


def test_the_check_catches_a_deprecated_property():
    # The SDK marks deprecated inputs with a warning in the Args class (s3.Bucket's `acl`).
    resources = [{"type": "aws:s3/bucket:Bucket", "name": "b",
                  "inputs": {"forceDestroy": True, "acl": "private"}}]  # fmt: skip
    problems = type_problems(resources)
    assert problems == ["b.acl: deprecated in BucketArgs"], problems
