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
            key = loader.construct_object(key_node, deep=True)
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
    return loader.construct_object(node, deep=True)
