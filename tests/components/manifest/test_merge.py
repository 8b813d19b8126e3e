from __future__ import annotations

import pytest

from scheduled_jobs.components.manifest.merge import apply_override


@pytest.mark.parametrize(
    ("base", "override", "expected"),
    [
        pytest.param({"cpu": 256}, {"cpu": 512}, {"cpu": 512}, id="scalar-replaces"),
        pytest.param({"c": ["a", "b"]}, {"c": ["z"]}, {"c": ["z"]}, id="list-replaces-not-appends"),
        pytest.param(
            {"v": {"A": "1", "B": "2"}},
            {"v": {"B": "3", "C": "4"}},
            {"v": {"A": "1", "B": "3", "C": "4"}},
            id="map-merges-by-key",
        ),
        pytest.param({"cpu": 256}, {"cpu": None}, {"cpu": 256}, id="null-keeps-base"),
        pytest.param(
            {"image": {"build": "Dockerfile", "labels": {"a": "1"}}},
            {"image": {"location": "nginx"}},
            {"image": {"location": "nginx", "labels": {"a": "1"}}},
            id="location-clears-build",
        ),
        pytest.param(
            {"image": {"location": "nginx"}},
            {"image": {"build": {"context": "."}}},
            {"image": {"build": {"context": "."}}},
            id="build-clears-location",
        ),
        pytest.param(
            {"image": {"build": "a/Dockerfile"}},
            {"image": {"build": {"target": "x"}}},
            {"image": {"build": {"target": "x"}}},
            id="string-to-map-replaces",
        ),
        pytest.param(
            {"network": {"vpc": {"placement": {"subnets": ["s-1"]}}}},
            {"network": {"vpc": {"placement": "private"}}},
            {"network": {"vpc": {"placement": "private"}}},
            id="placement-string-clears-map",
        ),
        pytest.param(
            {"network": {"vpc": {"placement": {"subnets": ["s-1"]}}}},
            {"network": {"vpc": {"placement": {"subnets": ["s-2"]}}}},
            {"network": {"vpc": {"placement": {"subnets": ["s-2"]}}}},
            id="placement-map-replaces-whole",
        ),
        pytest.param(
            {"secrets": {"K": {"secretsmanager": "a"}}},
            {"secrets": {"K": {"from_cfn": "b"}}},
            {"secrets": {"K": {"from_cfn": "b"}}},
            id="secret-forms-never-mix",
        ),
        pytest.param(
            {"sidecars": {"s": {"image": "nginx", "essential": False}}},
            {"sidecars": {"s": {"essential": True}}},
            {"sidecars": {"s": {"image": "nginx", "essential": True}}},
            id="sidecars-deep-merge",
        ),
        pytest.param(
            {"sidecars": {"s": {"image": {"build": "D"}}}},
            {"sidecars": {"s": {"image": {"location": "x"}}}},
            {"sidecars": {"s": {"image": {"location": "x"}}}},
            id="sidecar-union-clears",
        ),
        pytest.param(
            {"on": {"schedule": "@daily"}, "cpu": 256},
            {"cpu": 512},
            {"on": {"schedule": "@daily"}, "cpu": 512},
            id="schedule-kept-copilot-1736",
        ),
    ],
)
def test_apply_override(base, override, expected):
    assert apply_override(base, override) == expected


def test_inputs_are_not_changed():
    base = {"v": {"A": "1"}}
    override = {"v": {"B": "2"}}
    apply_override(base, override)
    assert base == {"v": {"A": "1"}} and override == {"v": {"B": "2"}}
