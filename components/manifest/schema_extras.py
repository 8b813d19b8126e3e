"""Helpers the models use to say their rules in the JSON Schema (`json_schema_extra`).

Kept apart from schema.py, which builds the schema: this small module is imported with the
models by every command, schema.py only by the ones that print the schema. The fragments stay
within what yaml-language-server reads (draft-07 keywords and ECMA-262 regexes).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

# The words a field keeps when its generated type is replaced.
_KEPT = ("title", "description", "default", "examples", "deprecated")

# yaml-language-server (and VS Code) read `patternErrorMessage` / `errorMessage` for a failed
# pattern or enum, and skip `doNotSuggest` properties in completion; other validators ignore
# unknown keywords.

# Go's time.ParseDuration grammar (durations.py), with the surrounding spaces it strips.
GO_DURATION = r"^\s*[+-]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)\s*$"


def replaced(fragment: dict[str, Any], *, nullable: bool = False) -> Callable[[dict], None]:
    """A json_schema_extra that swaps the generated type for `fragment` (keeping the field's
    description and default); `nullable` admits a null (an empty YAML value) as well."""
    fragment = {"anyOf": [fragment, {"type": "null"}]} if nullable else fragment

    def update(schema: dict[str, Any]) -> None:
        kept = {key: schema[key] for key in _KEPT if key in schema}
        schema.clear()
        schema.update(copy.deepcopy(fragment), **kept)

    return update


def string_form(fragment: dict[str, Any], old: dict | None = None) -> Callable[[dict], None]:
    """A json_schema_extra for a value that is a string or a map: `fragment` for the string
    (the generated form `old`, by default a plain string)."""
    old = old or {"type": "string"}

    def update(schema: dict[str, Any]) -> None:
        if not _replace_member(schema, old, fragment):
            raise ValueError(f"no {old} in {schema}")

    return update


def _replace_member(schema: dict[str, Any], old: dict, new: dict) -> bool:
    for forms in (schema.get("anyOf", []), schema.get("oneOf", [])):
        for index, form in enumerate(forms):
            if form == old:
                forms[index] = copy.deepcopy(new)
                return True
            if _replace_member(form, old, new):
                return True
    return False


def optional(extra: Any) -> Any:
    """A field's json_schema_extra for its copy in an environment block, where null means
    "not set here" (merge.py): the same schema, or null."""
    if extra is None:
        return None

    def update(schema: dict[str, Any]) -> None:
        if callable(extra):
            extra(schema)
        else:
            schema.update(copy.deepcopy(extra))
        if not any(key in schema for key in ("enum", "const", "not")):
            return  # a bound of one type (minimum, pattern): a null passes it anyway
        words = {key: schema.pop(key) for key in _KEPT if key in schema}
        rest = dict(schema)
        schema.clear()
        schema.update({"anyOf": [rest, {"type": "null"}]}, **words)

    return update


# A `${VAR}` reference (interpolate.py): the text is checked after it is replaced, so a value
# holding one is left to the loader.
INTERPOLATION = r"\$\{[_a-zA-Z][_a-zA-Z0-9]*\}"


def matching(pattern: str, message: str) -> dict[str, Any]:
    """A string matching `pattern` (anchored) or holding a `${VAR}`, with the message an
    editor shows when it does not."""
    return {
        "type": "string",
        "pattern": f"{pattern}|{INTERPOLATION}",
        "patternErrorMessage": message,
    }


def any_case(words: Iterable[str]) -> dict[str, Any]:
    """A string equal to one of `words` in any letter case (the loader lowercases these); the
    enum offers the usual spelling to completion, the pattern admits the others."""
    words = tuple(words)
    message = f"must be one of {', '.join(words)}"
    return {
        "type": "string",
        "anyOf": [
            {"enum": list(words), "errorMessage": message},
            {"pattern": any_case_pattern(words), "patternErrorMessage": message},
        ],
    }


def any_case_pattern(words: Iterable[str], *, prefix: bool = False) -> str:
    classes = (
        "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else _escape(c) for c in word)
        for word in words
    )
    return "^(?:" + "|".join(classes) + (")" if prefix else ")$")


def _escape(char: str) -> str:
    return "\\" + char if char in r"\^$.|?*+()[]{}" else char


# A Go duration string (or null): its range is said in the field's description only, since
# JSON Schema cannot compare durations.
DURATION = replaced(
    matching(GO_DURATION, "must be a duration such as 90s, 15m or 1h30m (units: h, m, s, ms)"),
    nullable=True,
)
