"""Any text given to the loader yields a job or a ManifestError, nothing else."""

from __future__ import annotations

import contextlib
import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduled_jobs.components import ManifestError
from scheduled_jobs.components.manifest.load import load_manifest_text

KEYS = [
    "name",
    "type",
    "image",
    "build",
    "location",
    "on",
    "schedule",
    "cpu",
    "memory",
    "platform",
    "retries",
    "timeout",
    "variables",
    "secrets",
    "sidecars",
    "storage",
    "environments",
    "prod",
    "network",
    "vpc",
    "placement",
    "depends_on",
    "command",
    "x",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.sampled_from(
        [
            "Scheduled Job",
            "@daily",
            "none",
            "rate(5 minutes)",
            "0 9 * * 1-5",
            "public",
            "linux/arm64",
            "1h",
            "-1s",
            "",
            "${X}",
            "a/Dockerfile",
            "report",
        ]
    ),
    st.text(string.printable, max_size=12),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(KEYS), children, max_size=5),
    ),
    max_leaves=25,
)


def _check(text: str, env: str | None) -> None:
    with contextlib.suppress(ManifestError):
        load_manifest_text(text, env, environ={"X": "1"})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.sampled_from([None, "prod"]))
def test_structured_documents(doc, env):
    _check(yaml.safe_dump(doc), env)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.sampled_from([None, "prod"]))
def test_arbitrary_text(text, env):
    _check(text, env)
