"""Unquoted scalars keep their source text in every string-typed field, as Go's yaml.v3 hands
them to Copilot; number-typed fields keep numeric parsing."""

from __future__ import annotations

import re
import textwrap

import pytest

from scheduled_jobs.components import ManifestError
from scheduled_jobs.components.manifest.load import load_manifest_text
from scheduled_jobs.components.manifest.model import Job
from scheduled_jobs.components.manifest.source import parse
from scheduled_jobs.components.manifest.unsupported import UNSUPPORTED

UNSUPPORTED_ROOTS = {path[0] for path in UNSUPPORTED}

BASE = """\
name: report
type: Scheduled Job
on:
  schedule: "@daily"
"""
IMAGE = "image:\n  location: busybox\n"

# Unquoted scalars YAML would read as something other than the text written.
SCALARS = [
    *("3.10", "0755", "12:30", "1_000", "2.50", "2024-01-01"),
    *("yes", "true", "True", "FALSE", "1e3", "0x1F"),
]

# (manifest fragment with {v} where the scalar goes, how to read the field from the Job)
FIELDS = {
    "variables": (IMAGE + "variables: {X: {v}}", lambda j: j.variables["X"]),
    "secrets": (IMAGE + "secrets: {X: {v}}", lambda j: j.secrets["X"]),
    "command": (IMAGE + "command: {v}", lambda j: j.command[0]),
    "command-list": (IMAGE + "command: [echo, {v}]", lambda j: j.command[1]),
    "entrypoint": (IMAGE + "entrypoint: {v}", lambda j: j.entrypoint[0]),
    "entrypoint-list": (IMAGE + "entrypoint: [{v}]", lambda j: j.entrypoint[0]),
    "image.labels": (IMAGE + "  labels: {x: {v}}", lambda j: j.image.labels["x"]),
    "image.location": ("image:\n  location: {v}\n", lambda j: j.image.location),
    "image.build.args": (
        "image:\n  build:\n    dockerfile: Dockerfile\n    args: {X: {v}}\n",
        lambda j: j.image.build.args["X"],
    ),
    "image.build.target": (
        "image:\n  build: {dockerfile: Dockerfile, target: {v}}\n",
        lambda j: j.image.build.target,
    ),
    "image.healthcheck.command": (
        IMAGE + "  healthcheck: {command: [CMD, {v}]}",
        lambda j: j.image.healthcheck.command[1],
    ),
    "sidecars.variables": (
        IMAGE + "sidecars: {s: {image: x, variables: {X: {v}}}}",
        lambda j: j.sidecars["s"].variables["X"],
    ),
    "sidecars.secrets": (
        IMAGE + "sidecars: {s: {image: x, secrets: {X: {v}}}}",
        lambda j: j.sidecars["s"].secrets["X"],
    ),
    "sidecars.labels": (
        IMAGE + "sidecars: {s: {image: x, labels: {X: {v}}}}",
        lambda j: j.sidecars["s"].labels["X"],
    ),
    "sidecars.command": (
        IMAGE + "sidecars: {s: {image: x, command: {v}}}",
        lambda j: j.sidecars["s"].command[0],
    ),
    "sidecars.entrypoint": (
        IMAGE + "sidecars: {s: {image: x, entrypoint: [{v}]}}",
        lambda j: j.sidecars["s"].entrypoint[0],
    ),
    "sidecars.image": (
        IMAGE + "sidecars: {s: {image: {v}}}",
        lambda j: j.sidecars["s"].image.location,
    ),
    "sidecars.credentialsParameter": (
        IMAGE + "sidecars: {s: {image: x, credentialsParameter: {v}}}",
        lambda j: j.sidecars["s"].credentialsParameter,
    ),
    "logging.destination": (
        IMAGE + "logging: {destination: {Name: {v}}}",
        lambda j: j.logging.destination["Name"],
    ),
    "logging.variables": (
        IMAGE + "logging: {variables: {X: {v}}}",
        lambda j: j.logging.variables["X"],
    ),
    "logging.secretOptions": (
        IMAGE + "logging: {secretOptions: {X: {v}}}",
        lambda j: j.logging.secretOptions["X"],
    ),
    "network.vpc.placement.subnets": (
        IMAGE + "network: {vpc: {placement: {subnets: [{v}]}}}",
        lambda j: j.network.vpc.placement.subnets[0],
    ),
    "network.vpc.security_groups": (
        IMAGE + "network: {vpc: {security_groups: [{v}]}}",
        lambda j: j.network.vpc.security_groups.groups[0],
    ),
    "subnets.from_tags": (
        IMAGE + "network: {vpc: {placement: {subnets: {from_tags: {k: {v}}}}}}",
        lambda j: j.network.vpc.placement.subnets.from_tags["k"],
    ),
    "environments.variables": (
        IMAGE + "environments: {dev: {variables: {X: {v}}}}",
        lambda j: j.variables["X"],
    ),
}


def _load(fragment: str, scalar: str, env: str | None = None):
    text = BASE + textwrap.dedent(fragment).replace("{v}", scalar) + "\n"
    if "logging:" in fragment and "logging" in UNSUPPORTED_ROOTS:
        # FireLens is still refused by the pipeline; the model reads the fields meanwhile.
        return Job.model_validate(parse(text).data)
    return load_manifest_text(text, env, file="m.yml")


# Kept as written, and then refused as values AWS would reject (tests/components/manifest/
# test_bad_input.py): `:` is not in parameter names, repositories are lowercase.
REJECTED_VALUES = {
    *((f, "12:30") for f in ("secrets", "sidecars.secrets", "sidecars.credentialsParameter",
                             "logging.secretOptions")),
    *((f, s) for f in ("image.location", "sidecars.image") for s in ("True", "FALSE", "0x1F")),
}  # fmt: skip


@pytest.mark.parametrize(
    "field, scalar",
    [
        pytest.param(f, s, id=f"{f}-{s}")
        for f in FIELDS
        for s in SCALARS
        if (f, s) not in REJECTED_VALUES
    ],
)
def test_string_field_keeps_the_scalar_as_written(field, scalar):
    fragment, read = FIELDS[field]
    env = "dev" if field.startswith("environments.") else None
    assert read(_load(fragment, scalar, env)) == scalar


@pytest.mark.parametrize(
    ("fragment", "read", "expected"),
    [
        pytest.param("cpu: 0x100", lambda j: j.cpu, 256, id="cpu-hex-is-a-number"),
        pytest.param("memory: 1_024", lambda j: j.memory, 1024, id="memory-underscores"),
        pytest.param("retries: 03", lambda j: j.retries, 3, id="retries-leading-zero"),
        pytest.param(
            "storage: {ephemeral: 0050}", lambda j: j.storage.ephemeral, 40, id="ephemeral-octal"
        ),
        pytest.param("logging: {retention: 30}", lambda j: j.logging.retention, 30, id="retention"),
        pytest.param(
            "image:\n  location: x\n  healthcheck: {command: [x], retries: 2}",
            lambda j: j.image.healthcheck.retries,
            2,
            id="healthcheck-retries",
        ),
        pytest.param(
            "sidecars: {s: {image: x, port: 8080}}",
            lambda j: j.sidecars["s"].port,
            "8080",
            id="sidecar-port-is-text",
        ),
    ],
)
def test_number_fields_still_parse_numbers(fragment, read, expected):
    text = BASE + ("" if fragment.startswith("image:") else IMAGE) + fragment + "\n"
    value = read(load_manifest_text(text, None, file="m.yml"))
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        pytest.param("cpu: 2024-01-01", "cpu: must be a whole number, not '2024-01-01'", id="date"),
        pytest.param("cpu: 12:30", "cpu: must be a whole number, not '12:30'", id="base-60"),
        pytest.param("cpu: 3.10", "cpu: must be a whole number, not 3.10", id="float-as-written"),
    ],
)
def test_number_fields_refuse_what_go_refuses(fragment, expected):
    with pytest.raises(ManifestError) as caught:
        load_manifest_text(BASE + IMAGE + fragment + "\n", None, file="m.yml")
    assert any(expected in str(p) for p in caught.value.problems), caught.value.problems


def test_map_keys_are_text_as_written():
    job = load_manifest_text(BASE + IMAGE + "variables: {1_000: a, 0755: b, true: c}\n", file="m")
    assert job.variables == {"1_000": "a", "0755": "b", "true": "c"}


def test_override_keeps_the_text_through_the_merge():
    text = BASE + IMAGE + "variables: {X: 1.0}\nenvironments:\n  prod:\n    variables: {Y: 2.50}\n"
    assert load_manifest_text(text, "prod", file="m").variables == {"X": "1.0", "Y": "2.50"}


@pytest.mark.parametrize(
    ("fragment", "read", "expected"),
    [
        pytest.param("exec: True", lambda j: j.exec.enable, True, id="exec-True"),
        pytest.param("exec: {enable: FALSE}", lambda j: j.exec.enable, False, id="exec-map-FALSE"),
        pytest.param("storage: {readonly_fs: TRUE}", lambda j: j.storage.readonly_fs, True,
                     id="readonly-fs-TRUE"),
        pytest.param("sidecars: {s: {image: x, essential: False}}",
                     lambda j: j.sidecars["s"].essential, False, id="essential-False"),
        pytest.param("network: {connect: FALSE}", lambda j: j.network.connect, "FALSE",
                     id="connect-FALSE-asks-for-nothing"),
    ],
)  # fmt: skip
def test_capitalised_booleans_are_booleans_in_bool_fields(fragment, read, expected):
    job = load_manifest_text(BASE + IMAGE + fragment + "\n", None, file="m.yml")
    assert read(job) == expected


@pytest.mark.parametrize(
    "field, scalar", [pytest.param(f, s, id=f"{f}-{s}") for f, s in sorted(REJECTED_VALUES)]
)
def test_scalars_kept_as_written_are_then_checked_as_values(field, scalar):
    fragment, _ = FIELDS[field]
    with pytest.raises(ManifestError, match=re.escape(repr(scalar))):
        _load(fragment, scalar)
