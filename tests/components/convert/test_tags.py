import pytest

from scheduled_jobs.components.convert.tags import environment_tags, resource_tags


@pytest.mark.parametrize(
    "extra, expected",
    [
        pytest.param(
            None,
            {"copilot-application": "demo", "copilot-environment": "dev", "copilot-service": "r"},
            id="copilot-keys-only",
        ),
        pytest.param(
            {"team": "data", "cost-center": 42},
            {
                "team": "data",
                "cost-center": "42",
                "copilot-application": "demo",
                "copilot-environment": "dev",
                "copilot-service": "r",
            },
            id="extra-tags-added-as-strings",
        ),
        pytest.param(
            {"copilot-application": "spoofed"},
            {"copilot-application": "demo", "copilot-environment": "dev", "copilot-service": "r"},
            id="copilot-keys-win",
        ),
    ],
)
def test_resource_tags(extra, expected):
    assert resource_tags("demo", "dev", "r", extra) == expected


def test_environment_tags_have_no_service():
    assert environment_tags("demo", "dev", {"team": "x"}) == {
        "team": "x",
        "copilot-application": "demo",
        "copilot-environment": "dev",
    }
