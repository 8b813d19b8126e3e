"""Lay an `environments.<env>` block over the base manifest, with Copilot's rules.

- Scalars and lists in the override replace the base value whole (lists are not appended).
- Maps merge key by key, recursively.
- A value that changes form (a string where the base has a map, or the reverse) replaces it.
- One-of fields: setting one side clears the other (`image.location` clears `image.build`;
  `network.vpc.placement` as a string clears a subnets map, and the reverse by the form rule).
- Values whose map forms are alternatives (a secret's `secretsmanager` vs `from_cfn`) replace
  whole instead of merging, so two forms can never mix.
- A null in the override means "not set here": the base value stays (Copilot's behaviour).
"""

from __future__ import annotations

import copy
from typing import Any

# Groups of sibling keys of which one side clears the others, by the path of their parent map.
# "*" matches any single key (a sidecar's or volume's name).
ONE_OF: dict[tuple[str, ...], tuple[frozenset[str], ...]] = {
    ("image",): (frozenset({"build", "location"}),),
    ("sidecars", "*", "image"): (frozenset({"build", "location"}),),
    ("storage", "volumes", "*", "efs"): (frozenset({"id", "from_cfn"}), frozenset({"uid", "gid"})),
}

# Paths whose value is replaced whole rather than merged key by key.
REPLACE_WHOLE: tuple[tuple[str, ...], ...] = (
    ("variables", "*"),
    ("secrets", "*"),
    ("sidecars", "*", "variables", "*"),
    ("sidecars", "*", "secrets", "*"),
    ("logging", "variables", "*"),
    ("logging", "secrets", "*"),
    ("network", "vpc", "placement"),
    ("network", "vpc", "security_groups"),
    ("image", "healthcheck"),
    ("sidecars", "*", "healthcheck"),
)


def _matches(path: tuple, pattern: tuple[str, ...]) -> bool:
    return len(path) == len(pattern) and all(
        p == "*" or p == k for k, p in zip(path, pattern, strict=False)
    )


def apply_override(base: dict[str, Any], override: dict[str, Any] | None) -> dict[str, Any]:
    """A new dict: `override` laid over `base`. Neither argument is changed."""
    result = copy.deepcopy(base)
    if override:
        _merge_into(result, override, ())
    return result


def _merge_into(target: dict[str, Any], override: dict[str, Any], path: tuple) -> None:
    for groups_pattern, groups in ONE_OF.items():
        if _matches(path, groups_pattern):
            for group in groups:
                chosen = {k for k in group if override.get(k) is not None}
                if chosen:
                    for other in group - chosen:
                        target.pop(other, None)
    for key, value in override.items():
        if value is None:
            continue
        child = (*path, key)
        current = target.get(key)
        if (
            isinstance(value, dict)
            and isinstance(current, dict)
            and not any(_matches(child, p) for p in REPLACE_WHOLE)
        ):
            _merge_into(current, value, child)
        else:
            target[key] = copy.deepcopy(value)
