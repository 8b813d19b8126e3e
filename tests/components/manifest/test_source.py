from __future__ import annotations

import time

import pytest

from scheduled_jobs.components.manifest.source import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_MANIFEST_BYTES,
    MAX_NODES,
    DuplicateKeyError,
    SourceError,
    as_bool,
    parse,
)


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


def test_merge_keys_own_keys_win_and_repeat_nothing():
    text = "x: &d {a: 1, b: 1}\ny:\n  <<: *d\n  a: 2\n"
    source = parse(text)
    assert source.data["y"] == {"a": 2, "b": 1}
    assert source.lines[("y", "a")] == 4


def test_merge_of_several_maps_takes_the_first_value():
    text = "p: &p {a: 1}\nq: &q {a: 2, b: 2}\nr:\n  <<: [*p, *q]\n"
    assert parse(text).data["r"] == {"a": 1, "b": 2}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("v: 2024-01-31", "2024-01-31", id="date-is-text-as-in-copilot"),
        pytest.param("v: 2024-02-30", "2024-02-30", id="impossible-date-is-text"),
        pytest.param(
            "v: 2001-12-14t21:59:43.10-05:00",
            "2001-12-14t21:59:43.10-05:00",
            id="timestamp-is-text",
        ),
    ],
)
def test_no_implicit_timestamps(text, value):
    assert parse(text).data == {"v": value}


# Every way the text can fail to become data: a SourceError with the line, never another
# exception (these crashed the loader with ValueError, TypeError or RecursionError).
@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        pytest.param("a: 1\nv: !!int abc\n", 2, "'abc' is not a valid int", id="int-tag-on-text"),
        pytest.param("v: !!float y\n", 1, "'y' is not a valid float", id="float-tag-on-text"),
        pytest.param(
            "v: !!timestamp 2024-02-30\n",
            1,
            "not a valid timestamp",
            id="timestamp-tag-on-impossible-date",
        ),
        pytest.param(
            "v: " + "9" * 5000 + "\n", 1, "more digits than allowed", id="integer-of-5000-digits"
        ),
        pytest.param("v:\n  ? {a: 1}\n  : x\n", 2, "cannot be a field name", id="map-as-key"),
        pytest.param("v:\n  ? !!set {a}\n  : x\n", 2, "cannot be a field name", id="set-as-key"),
        pytest.param("v:\n  ? [a]\n  : x\n", 2, "cannot be a field name", id="list-as-key"),
        pytest.param("v: &a [*a]\n", 1, "alias *a refers to no anchor", id="self-alias-in-list"),
        pytest.param("v: &a {b: *a}\n", 1, "alias *a refers to no anchor", id="self-alias-in-map"),
        pytest.param("v: *nope\n", 1, "alias *nope refers to no anchor", id="unknown-alias"),
        pytest.param("a: 1\n---\nb: 2\n", 2, "more than one YAML document", id="two-documents"),
        pytest.param("x: &m 1\ny:\n  <<: *m\n", 3, "<< (merge) takes a map", id="merge-of-scalar"),
    ],
)
def test_unreadable_values_are_source_errors(text, line, fragment):
    with pytest.raises(SourceError) as caught:
        parse(text)
    assert (caught.value.line, fragment in caught.value.message) == (line, True), caught.value


def _laughs(levels: int, width: int = 10) -> str:
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param(_laughs(9), "expands to more than", id="billion-laughs"),
        pytest.param(
            "a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n",
            f"more than {MAX_ALIASES} aliases",
            id="too-many-aliases",
        ),
        pytest.param(
            _laughs(5, width=8),
            f"more than {MAX_NODES:,} values",
            id="alias-expansion-over-the-node-limit",
        ),
        pytest.param(
            "v: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
            "nested more than",
            id="deep-flow-nesting",
        ),
        pytest.param(
            "v: " + "[" * 100_000 + "]" * 100_000,
            "nested more than",
            id="nesting-that-crashes-libyaml-composer",
        ),
        pytest.param(
            "d: &d " + "[" * 30 + "]" * 30 + "\nv: " + "[" * 25 + "*d" + "]" * 25,
            "nested more than",
            id="depth-through-an-alias",
        ),
        pytest.param(
            "v: '" + "x" * MAX_MANIFEST_BYTES + "'\n",
            "a manifest may be at most",
            id="over-the-size-limit",
        ),
    ],
)
def test_limits_refuse_fast(text, fragment):
    start = time.perf_counter()
    with pytest.raises(SourceError) as caught:
        parse(text)
    elapsed = time.perf_counter() - start
    assert fragment in caught.value.message
    assert elapsed < 0.5, f"took {elapsed:.2f}s"


def test_a_bomb_within_the_alias_limit_is_stopped_by_expansion():
    # 4 levels of 20 aliases each = 80 aliases, but 20**4 = 160,000 values when expanded.
    with pytest.raises(SourceError, match="values"):
        parse(_laughs(5, width=20))


def test_limits_leave_room_for_real_manifests():
    # Anchors shared between environments, as teams write them, stay well within the limits.
    text = "vars: &v {" + ", ".join(f"K{i}: v{i}" for i in range(200)) + "}\n"
    text += "".join(f"e{i}: {{variables: *v}}\n" for i in range(20))
    assert len(parse(text).data) == 21


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        pytest.param("{1: a, true: b, 1.0: c}", ["1", "true", "1.0"], id="one-true-and-1.0-differ"),
        pytest.param("{0x1F: a, 017: b}", ["0x1F", "017"], id="keys-keep-their-text"),
    ],
)
def test_scalar_keys_are_their_text_as_in_copilot(text, keys):
    assert list(parse(text).data) == keys


def test_keys_equal_as_text_are_duplicates():
    with pytest.raises(DuplicateKeyError):
        parse("{1: a, '1': b}")
