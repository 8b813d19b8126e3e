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
    """Safe loading with YAML 1.2 booleans and no timestamps, as Copilot's Go YAML library
    reads them.

    YAML 1.1 (PyYAML's default) would turn the key `on:` (as in `on.schedule`) and values such
    as `yes`/`no`/`off` into booleans, and `2024-01-31` into a date (and `2024-02-30` into a
    crash); in Copilot they are plain strings.
    """


_NOT_IMPLICIT = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _NOT_IMPLICIT]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


# Bounds on the work one manifest may cause (documented in the README's manifest section).
# A real manifest is a few kilobytes with a handful of anchors; these leave room for large
# ones while a "billion laughs" alias bomb or a pathological nesting is refused in
# milliseconds, before anything is expanded.
MAX_MANIFEST_BYTES = 256 * 1024  # the file, and again after ${VAR} substitution
MAX_ALIASES = 100  # alias uses (*name) in one document
MAX_NODES = 10_000  # values (maps, lists, scalars) once every alias is expanded
MAX_DEPTH = 50  # maps and lists nested in one another, aliases expanded


class SourceError(ValueError):
    """The text cannot be read as a manifest document; `line` is 1-based (None: the whole)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class DuplicateKeyError(SourceError):
    def __init__(self, key: str, line: int):
        super().__init__(f"key {key!r} appears twice in the same map", line)
        self.key = key


def parse(text: str) -> Source:
    """YAML text -> Source. Raises yaml.YAMLError for text that is not YAML, SourceError when
    a limit is passed or a value cannot be read (DuplicateKeyError for a repeated key)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_MANIFEST_BYTES:
        raise SourceError(
            f"is {size:,} bytes; a manifest may be at most {MAX_MANIFEST_BYTES:,} bytes"
        )
    node = _compose(text)
    if node is None:
        return Source(data=None, lines={(): 1})
    lines: dict[tuple, int] = {(): node.start_mark.line + 1}
    loader = _Loader("")
    try:
        data = _build(node, (), lines, loader)
    finally:
        loader.dispose()
    return Source(data=data, lines=lines)


def _line(mark: Any) -> int | None:
    return mark.line + 1 if mark is not None else None


def _compose(text: str) -> yaml.Node | None:
    """The document's node graph, built from parser events with every limit checked as it
    grows (PyYAML's own composer expands nothing but has no bounds: libyaml's crashes on deep
    nesting, and a self-referencing anchor makes a cyclic graph).

    An anchor becomes usable when its node is complete, so `&a [*a]` is an unknown alias
    rather than a cycle. Each node carries its expanded size and height, so an alias adds
    what it would expand to without expanding it.
    """
    loader = _Loader(text)
    anchors: dict[str, yaml.Node] = {}
    size: dict[int, tuple[int, int]] = {}  # id(node) -> (expanded nodes, height)
    stack: list[tuple[yaml.Node, str | None, list]] = []  # node, anchor, pending map key
    root: yaml.Node | None = None
    documents = 0
    aliases = 0

    def add(node: yaml.Node, mark: Any) -> None:
        nonlocal root
        nodes, height = size.get(id(node), _SCALAR)
        if len(stack) + height > MAX_DEPTH:
            raise SourceError(
                f"maps and lists are nested more than {MAX_DEPTH} deep (aliases expanded)",
                _line(mark),
            )
        if not stack:
            root = node
            return
        parent, _, pending = stack[-1]
        total, tallest = size[id(parent)]
        total += nodes
        if total > MAX_NODES:
            raise SourceError(
                f"expands to more than {MAX_NODES:,} values (aliases expanded); "
                "a manifest this large is refused",
                _line(mark),
            )
        size[id(parent)] = (total, max(tallest, height + 1))
        if isinstance(parent, yaml.SequenceNode):
            parent.value.append(node)
        elif pending:
            parent.value.append((pending.pop(), node))
        else:
            pending.append(node)

    try:
        while (event := loader.get_event()) is not None:
            mark = event.start_mark
            if type(event) is yaml.ScalarEvent:  # the most frequent event first
                tag = event.tag
                if tag is None or tag == "!":
                    tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
                node = yaml.ScalarNode(
                    tag, event.value, event.start_mark, event.end_mark, style=event.style
                )
                add(node, mark)
                if event.anchor is not None:
                    anchors[event.anchor] = node
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise SourceError(
                        "holds more than one YAML document (---); a manifest is one", _line(mark)
                    )
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise SourceError(
                        f"uses more than {MAX_ALIASES} aliases (*name); a manifest may use at "
                        f"most {MAX_ALIASES}",
                        _line(mark),
                    )
                target = anchors.get(event.anchor)
                if target is None:
                    raise SourceError(
                        f"alias *{event.anchor} refers to no anchor before it (an anchor "
                        "cannot be used inside its own value)",
                        _line(mark),
                    )
                add(target, mark)
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                kind = (
                    yaml.SequenceNode
                    if isinstance(event, yaml.SequenceStartEvent)
                    else yaml.MappingNode
                )
                tag = event.tag
                if tag is None or tag == "!":
                    tag = loader.resolve(kind, None, event.implicit)
                node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
                size[id(node)] = (1, 0)
                if len(stack) >= MAX_DEPTH:
                    raise SourceError(
                        f"maps and lists are nested more than {MAX_DEPTH} deep", _line(mark)
                    )
                stack.append((node, event.anchor, []))
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                node, anchor, _ = stack.pop()
                node.end_mark = event.end_mark
                add(node, node.start_mark)
                if anchor is not None:
                    anchors[anchor] = node
    finally:
        loader.dispose()
    return root


class YamlInt(int):
    """An integer read from YAML, remembering the text it was written as."""

    yaml_text: str

    def __repr__(self) -> str:  # messages quote the value as the user wrote it
        return getattr(self, "yaml_text", None) or int.__repr__(self)


class YamlFloat(float):
    """A float read from YAML, remembering the text it was written as."""

    yaml_text: str

    def __repr__(self) -> str:
        return getattr(self, "yaml_text", None) or float.__repr__(self)

    __str__ = __repr__


class PlainBool(str):
    """An unquoted `True`/`TRUE`/`False`/`yes`...: text that is also a boolean, so a string
    field keeps it as written (Go's YAML) and a boolean field reads its value. (`true` and
    `false` stay Python booleans, whose text is known; bool cannot be subclassed.)"""

    @property
    def value(self) -> bool:
        return self.lower() in ("true", "yes", "on", "y")

    @property
    def text(self) -> str:
        return str(self)


def source_text(value: Any) -> str | None:
    """The text an unquoted number or boolean was written as, or None for any other value."""
    if isinstance(value, PlainBool):
        return str(value)
    return getattr(value, "yaml_text", None) if isinstance(value, int | float) else None


def as_bool(value: Any) -> Any:
    """`value` as a Python boolean when it is one in YAML (a PlainBool included)."""
    return value.value if isinstance(value, PlainBool) else value


def _with_text(value: Any, node: yaml.Node) -> Any:
    """Numbers keep their text: where Copilot wants a string it takes the scalar as written,
    so `0755` stays "0755" (not 493), `12:30` stays "12:30" (not 750) and `1.50` stays
    "1.50"; fields that want a number still get one."""
    kind = YamlInt if type(value) is int else YamlFloat if type(value) is float else None
    if kind is None:
        return value
    number = kind(value)
    number.yaml_text = node.value
    return number


_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


def _scalar(node: yaml.Node, loader: _Loader) -> Any:
    if not node.style and node.tag in (_INT_TAG, _FLOAT_TAG) and ":" in node.value:
        return node.value  # YAML 1.1 base 60 (`12:30`): Go's YAML has no such number
    try:
        value = _with_text(loader.construct_object(node, deep=True), node)
        if (
            isinstance(value, bool)
            and not node.style
            and node.tag == _BOOL_TAG
            and node.value not in ("true", "false")
        ):
            return PlainBool(node.value)
        return value
    except yaml.YAMLError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        # Explicit tags (`!!int abc`, `!!float y`, `!!timestamp 2024-02-30`) and integers
        # longer than Python converts (4,300 digits) fail in the constructor.
        text = node.value if len(node.value) <= 40 else node.value[:40] + "..."
        kind = node.tag.rsplit(":", 1)[-1]
        if "digits" in str(exc):
            reason = "a number with more digits than allowed"
        else:
            reason = f"not a valid {kind} ({exc})"
        raise SourceError(f"{text!r} is {reason}", _line(node.start_mark)) from None


MERGE_TAG = "tag:yaml.org,2002:merge"
_SCALAR = (1, 0)  # a scalar's expanded size and height


def _build(node: yaml.Node, path: tuple, lines: dict[tuple, int], loader: _Loader) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                _merge(value_node, key_node, path, lines, loader, merged)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise SourceError(
                    "a map or a list cannot be a field name; field names are text",
                    _line(key_node.start_mark),
                )
            key = _scalar(key_node, loader)
            if isinstance(key, (bool, int, float)):
                # Copilot reads keys as text (`1:`, `true:` and `1.0:` are three keys, not a
                # clash between 1 and True); keep the text as written.
                key = key_node.value
            if key in result:
                raise DuplicateKeyError(str(key), key_node.start_mark.line + 1)
            child = (*path, key)
            lines[child] = key_node.start_mark.line + 1
            result[key] = _build(value_node, child, lines, loader)
        # YAML merge keys (<<): the map's own keys win, then the merged maps in order.
        for key, value in merged.items():
            if key not in result:
                result[key] = value
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            items.append(_build(item, child, lines, loader))
        return items
    return _scalar(node, loader)


def _merge(
    node: yaml.Node,
    key: yaml.Node,
    path: tuple,
    lines: dict[tuple, int],
    loader: _Loader,
    into: dict,
) -> None:
    sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
    for source in sources:
        if not isinstance(source, yaml.MappingNode):
            raise SourceError("<< (merge) takes a map or a list of maps", _line(key.start_mark))
        own: dict[tuple, int] = {}
        value = _build(source, path, own, loader)
        taken = {key for key in value if key not in into}
        for key in taken:
            into[key] = value[key]
        for where, line in own.items():
            if len(where) > len(path) and where[len(path)] in taken:
                lines.setdefault(where, line)
