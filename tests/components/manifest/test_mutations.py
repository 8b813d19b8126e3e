"""Structured mutations of the fully specified manifest: whatever is changed, added, deleted
or nested, the loader returns a Job or raises ManifestError, with or without an environment
override, never anything else; and every Job it returns becomes container definitions that
ECS's API model accepts and that fit in a task definition."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import botocore.session
import yaml
from botocore.validate import ParamValidator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduled_jobs.components import ManifestError
from scheduled_jobs.components.convert.container_definitions import (
    ContainerContext,
    container_definitions,
    exports_used,
)
from scheduled_jobs.components.manifest.load import load_manifest_text
from scheduled_jobs.components.manifest.model import Job
from scheduled_jobs.components.manifest.rules import MAX_TASK_DEFINITION_BYTES
from scheduled_jobs.components.manifest.source import parse

TESTDATA = Path(__file__).parents[2] / "testdata"
# Plain data (the loader's numbers remember their text, which a YAML dumper cannot write).
FULL = json.loads(json.dumps(parse((TESTDATA / "fully-specified.yml").read_text()).data))


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += _paths(item, (*path, index))
    return found


def _get(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


PATHS = _paths(FULL)[1:]  # every key and item, the root aside
MAP_PATHS = [()] + [p for p in PATHS if isinstance(_get(FULL, p), dict)]
KEYS = sorted({str(p[-1]) for p in PATHS if isinstance(p[-1], str)})

# Plain YAML that a dumper would quote, spliced into the text after dumping.
RAW = {
    "RAW_HUGE_INT": "9" * 5000,  # past Python's 4,300-digit conversion limit
    "RAW_INT_TAG": "!!int abc",
    "RAW_FLOAT_TAG": "!!float y",
    "RAW_DATE": "2024-02-30",
    "RAW_SELF_ALIAS": "&a [*a]",
    "RAW_ALIAS": "*nowhere",
}
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
interesting = st.sampled_from(
    [
        "",
        " ",
        "none",
        "@daily",
        "rate(0 minutes)",
        "cron(* * * * * *)",
        "linux/arm64",
        "windows/amd64",
        "1h30m",
        "-1s",
        "${X}",
        "${UNSET}",
        "${X:-default}",
        "\\${X}",
        "*",
        "/app/*",
        "arn:aws:iam::123456789012:role/x",
        "arn:aws:ssm:us-east-1:123456789012:parameter/a",
        "../../../etc/passwd",
        "a\x00b.env",
        "x" * 300 + ".env",
        "d" * 5000,
        "Scheduled Job",
        "Load Balanced Web Service",
        "2024-02-30",
        *RAW,
    ]
)
numbers = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 256, 512, 1024, 4096, 2**31, 2**63]),
)
leaves = st.one_of(st.none(), st.booleans(), numbers, texts, interesting, st.just("h" * 100_000))
keys = st.one_of(st.sampled_from(KEYS), texts, st.integers(-3, 3), st.none(), st.booleans())
values = st.recursive(
    leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=12,
)


@st.composite
def deep(draw: st.DrawFn) -> Any:
    value: Any = draw(leaves)
    for _ in range(draw(st.integers(1, 80))):
        value = [value] if draw(st.booleans()) else {draw(st.sampled_from(KEYS)): value}
    return value


@st.composite
def mutated(draw: st.DrawFn, base: dict) -> dict:
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        operation = draw(st.sampled_from(["replace", "delete", "add", "nest"]))
        if operation == "add":
            parent = _existing(doc, draw(st.sampled_from(MAP_PATHS)))
            if isinstance(parent, dict):
                parent[draw(keys)] = draw(values)
            continue
        path = draw(st.sampled_from(PATHS))
        parent = _existing(doc, path[:-1])
        if parent is None or not _has(parent, path[-1]):
            continue
        if operation == "delete":
            del parent[path[-1]]
        elif operation == "replace":
            parent[path[-1]] = draw(st.one_of(values, deep()))
        else:
            parent[path[-1]] = {draw(st.sampled_from(KEYS)): parent[path[-1]]}
    return doc


def _existing(doc: Any, path: tuple) -> Any:
    for part in path:
        if not _has(doc, part):
            return None
        doc = doc[part]
    return doc


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


@st.composite
def manifests(draw: st.DrawFn) -> dict:
    doc = draw(mutated(FULL))
    if draw(st.booleans()):
        fields = [k for k in FULL if k not in ("name", "type")]
        chosen = draw(st.lists(st.sampled_from(fields), max_size=4, unique=True))
        block = draw(mutated({k: FULL[k] for k in chosen})) if chosen else {}
        doc["environments"] = {"prod": block, draw(keys): draw(values)}
    return doc


def _load(doc: dict, env: str | None, root: Path | None) -> None:
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1_000_000)
    for marker, raw in RAW.items():
        text = text.replace(marker, raw)
    try:
        job = load_manifest_text(text, env, environ={"X": "1"}, file="m.yml", root=root)
    except ManifestError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == "m.yml" and problem.message
            assert problem.line is None or problem.line >= 1
            assert "m.yml" not in problem.path
    else:
        assert isinstance(job, Job)
        _assert_deployable(job)


REGISTER = (
    botocore.session.get_session()
    .get_service_model("ecs")
    .operation_model("RegisterTaskDefinition")
    .input_shape
)


def _assert_deployable(job: Job) -> None:
    """The job's containers as the deploy side registers them: valid for ECS's API model and
    under its size limit (what the manifest may hold leaves room for what deploy adds)."""
    names = [job.name, *job.sidecars, "firelens_log_router"]
    ctx = ContainerContext(
        app="demo",
        env="prod",
        region="us-east-1",
        account="123456789012",
        partition="aws",
        log_group=f"/copilot/demo-prod-{job.name}",
        images={
            name: "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo/x@sha256:" + "0" * 64
            for name in names
        },
        exports={name: f"value-of-{name}" for name in exports_used(job)},
        env_files={name: "arn:aws:s3:::bucket/env-files/x.env" for name in names},
    )
    containers = container_definitions(job, ctx)
    payload = {
        "family": f"demo-prod-{job.name}"[:255],
        "containerDefinitions": containers,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": str(job.cpu),
        "memory": str(job.memory),
    }
    report = ParamValidator().validate(payload, REGISTER)
    assert not report.has_errors(), report.generate_report()
    size = len(json.dumps(payload, ensure_ascii=False).encode())
    assert size <= MAX_TASK_DEFINITION_BYTES, size


@settings(
    max_examples=100,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(manifests(), st.sampled_from([None, "prod"]), st.sampled_from([None, TESTDATA]))
def test_mutated_manifests_load_or_raise_manifest_error(doc, env, root):
    _load(doc, env, root)


def test_the_unmutated_manifest_loads_in_every_mode():
    for env in (None, "prod"):
        for root in (None, TESTDATA):
            _load(copy.deepcopy(FULL), env, root)
