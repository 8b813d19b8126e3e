from __future__ import annotations

import pytest

from components.manifest.source import DuplicateKeyError, as_bool, parse


def test_lines_of_keys_and_items():
    source = parse("a:\n  b: 1\n  c:\n    - x\n    - y\n")
    assert source.lines[("a", "b")] == 2
    assert source.lines[("a", "c", 1)] == 5
    assert source.line_of(("a", "c", 1, "missing")) == 5


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("on: x", {"on": "x"}, id="on-is-a-key-not-true"),
        pytest.param("v: yes", {"v": "yes"}, id="yes-is-a-string"),
        pytest.param("v: off", {"v": "off"}, id="off-is-a-string"),
        pytest.param("v: true", {"v": True}, id="true-is-bool"),
        pytest.param("v: False", {"v": False}, id="False-is-bool"),
    ],
)
def test_yaml_12_booleans(text, value):
    data = parse(text).data
    # `False` is a boolean that also keeps its text (PlainBool), for string fields.
    assert {k: as_bool(v) for k, v in data.items()} == value


def test_duplicate_key_is_an_error():
    with pytest.raises(DuplicateKeyError) as caught:
        parse("a: 1\nb: 2\na: 3\n")
    assert caught.value.line == 3


def test_merge_keys_resolve():
    assert parse("x: &d {a: 1}\ny:\n  <<: *d\n  b: 2\n").data["y"] == {"a": 1, "b": 2}
