"""Parse YAML into plain data while remembering the line of every key, so that errors can
point at the line a user has to fix."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple  # a field path: ("sidecars", "nginx", "image")


@dataclass
class Source:
    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)  # path -> 1-based line

    def line_of(self, path: tuple) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


# libyaml's parser when PyYAML was built with it (several times faster), else pure Python.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loading with YAML 1.2 booleans, as Copilot's Go YAML library reads them.

    YAML 1.1 (PyYAML's default) would turn the key `on:` (as in `on.schedule`) and values such
    as `yes`/`no`/`off` into booleans; in Copilot they are plain strings.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


# ------------------------------------------------------------ scalars keep their source text
# Copilot decodes with Go's yaml.v3, which hands a string-typed field the scalar's text as
# written (decode.go: a resolved scalar decoded into a string takes `n.Value`), and parses
# numbers only for number-typed fields. So `python: 3.10` is "3.10" there, not "3.1". Plain
# numbers therefore become int/float subclasses that remember their text: number fields see an
# ordinary number, string fields (model.py `_scalar_to_str`) take `.text`. Timestamps are not
# implicit in YAML 1.2's core schema: `2024-01-01` stays a string.


class PlainInt(int):
    """An unquoted integer scalar with the text it was written as (`0755`, `1_000`)."""

    text: str

    def __new__(cls, value: int, text: str) -> PlainInt:
        self = super().__new__(cls, value)
        self.text = text
        return self

    def __getnewargs__(self) -> tuple[int, str]:  # copy.deepcopy (merge.py) keeps the text
        return int(self), self.text

    def __repr__(self) -> str:  # messages quote the value as the user wrote it
        return self.text


class PlainFloat(float):
    """An unquoted float scalar with the text it was written as (`3.10`, `2.50`, `1e3`)."""

    text: str

    def __new__(cls, value: float, text: str) -> PlainFloat:
        self = super().__new__(cls, value)
        self.text = text
        return self

    def __getnewargs__(self) -> tuple[float, str]:
        return float(self), self.text

    def __repr__(self) -> str:
        return self.text


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"

_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}


class PlainBool(str):
    """An unquoted `True`/`TRUE`/`False`/`FALSE`: text that is also a boolean. (`true` and
    `false` stay Python booleans, whose text is known; bool cannot be subclassed.)"""

    @property
    def value(self) -> bool:
        return self.lower() == "true"

    @property
    def text(self) -> str:
        return str(self)


def source_text(value: Any) -> str | None:
    """The text an unquoted number or boolean was written as, or None for any other value."""
    return value.text if isinstance(value, (PlainInt, PlainFloat, PlainBool)) else None


def as_bool(value: Any) -> Any:
    """`value` as a Python boolean when it is one in YAML (a PlainBool included)."""
    return value.value if isinstance(value, PlainBool) else value


def _scalar(node: yaml.ScalarNode, loader: _Loader) -> Any:
    if not node.style and node.tag in (_INT, _FLOAT) and ":" in node.value:
        return node.value  # YAML 1.1 base 60 (`12:30`): Go's YAML has no such number
    value = loader.construct_object(node, deep=True)
    if not node.style and node.tag == _BOOL and node.value not in ("true", "false"):
        return PlainBool(node.value)
    if not node.style and node.tag == _INT and isinstance(value, int):
        return PlainInt(value, node.value)
    if not node.style and node.tag == _FLOAT and isinstance(value, float):
        return PlainFloat(value, node.value)
    return value


def _key(node: yaml.Node, loader: _Loader) -> Any:
    """Map keys are strings in every Copilot map (names, labels, variables): as written."""
    if (
        isinstance(node, yaml.ScalarNode)
        and not node.style  # plain: None from PyYAML's parser, "" from libyaml's
        and node.tag in (_INT, _FLOAT, _BOOL)
    ):
        return node.value
    return loader.construct_object(node, deep=True)


class DuplicateKeyError(ValueError):
    def __init__(self, key: str, line: int):
        super().__init__(f"key {key!r} appears twice in the same map")
        self.key = key
        self.line = line


def parse(text: str) -> Source:
    """YAML text -> Source. Raises yaml.YAMLError, or DuplicateKeyError for a repeated key."""
    node = yaml.compose(text, Loader=_Loader)
    if node is None:
        return Source(data=None, lines={(): 1})
    lines: dict[tuple, int] = {(): node.start_mark.line + 1}
    loader = _Loader("")
    try:
        data = _build(node, (), lines, loader)
    finally:
        loader.dispose()
    return Source(data=data, lines=lines)


def _build(node: yaml.Node, path: tuple, lines: dict[tuple, int], loader: _Loader) -> Any:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves YAML merge keys (<<)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _key(key_node, loader)
            if isinstance(key, (list, dict)):
                key = str(key)
            if key in result:
                raise DuplicateKeyError(str(key), key_node.start_mark.line + 1)
            child = (*path, key)
            lines[child] = key_node.start_mark.line + 1
            result[key] = _build(value_node, child, lines, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            items.append(_build(item, child, lines, loader))
        return items
    return _scalar(node, loader)
