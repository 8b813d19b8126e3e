from __future__ import annotations

import pytest

from scheduled_jobs.components import ManifestError
from scheduled_jobs.components.manifest.interpolate import interpolate


@pytest.mark.parametrize(
    ("text", "environ", "kwargs", "expected"),
    [
        pytest.param("a: ${X}", {"X": "1"}, {}, "a: 1", id="substitutes"),
        pytest.param("a: \\${X}", {}, {}, "a: ${X}", id="backslash-escapes"),
        pytest.param("a: $X ${ X}", {}, {}, "a: $X ${ X}", id="only-braced-names"),
        pytest.param(
            "a: ${COPILOT_APPLICATION_NAME}",
            {"COPILOT_APPLICATION_NAME": "env"},
            {"app": "shop"},
            "a: shop",
            id="reserved-app-wins-over-environ",
        ),
        pytest.param(
            "a: ${COPILOT_ENVIRONMENT_NAME}", {}, {"env": "prod"}, "a: prod", id="reserved-env"
        ),
        pytest.param(
            "a: ${COPILOT_ENVIRONMENT_NAME}",
            {},
            {},
            "a: ${COPILOT_ENVIRONMENT_NAME}",
            id="reserved-env-kept-when-no-env",
        ),
    ],
)
def test_interpolate(text, environ, kwargs, expected):
    assert interpolate(text, environ, **kwargs) == expected


def test_every_missing_variable_is_reported_with_its_line():
    with pytest.raises(ManifestError) as caught:
        interpolate("a: ${A}\nb: ok\nc: ${C}\n", {}, file="m.yml")
    assert [(p.line, p.message.split(":")[0]) for p in caught.value.problems] == [
        (1, "${A}"),
        (3, "${C}"),
    ]
