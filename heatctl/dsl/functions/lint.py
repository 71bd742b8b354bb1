"""Warnings for one-key maps that look like function calls but are plain data.

Heat treats `{get_parm: x}`, `{str_split: ...}` in a 2015-04-30 template, `{equals: ...}`
outside a condition or `{Fn::GetAtt: ...}` in HOT as ordinary maps, without a word; the
mistake then surfaces far away (a property of the wrong type, a literal map in user_data).
`lint_functions` points at them. These are warnings: the template is valid as written.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from heatctl.dsl.versions import VERSIONS, VersionSpec

Path = tuple[Any, ...]

# Which HOT version first has each function (for "exists from ...").
_FIRST_HOT: dict[str, str] = {}
for _spec in sorted({id(s): s for s in VERSIONS.values()}.values(), key=lambda s: s.name):
    if _spec.format == "hot":
        for _name in _spec.functions:
            _FIRST_HOT.setdefault(_name, _spec.name)

# Names that are functions only in a condition context, per format.
_CONDITION_ONLY: dict[str, set[str]] = {"hot": set(), "cfn": set()}
for _spec in VERSIONS.values():
    _CONDITION_ONLY[_spec.format] |= set(_spec.condition_functions) - set(_spec.functions)

_CFN_FUNCTIONS = {n for s in VERSIONS.values() if s.format == "cfn" for n in s.functions}

_HOT_EQUIVALENT = {
    "Fn::GetAtt": "get_attr",
    "Fn::If": "if",
    "Fn::FindInMap": "a parameter or map_replace",
    "Fn::Equals": "equals (in a condition)",
    "Fn::Not": "not (in a condition)",
    "Fn::And": "and (in a condition)",
    "Fn::Or": "or (in a condition)",
    "Fn::Sub": "str_replace",
}


def lint_functions(
    value: Any, version: VersionSpec, *, in_condition: bool = False
) -> list[tuple[Path, str]]:
    """(path, message) for each one-key map that is data but was probably meant as a call.

    Give it values (properties, metadata, an output's value...), not whole sections: a
    `resources` section with a single resource is itself a one-key map. Pass a resource's
    or output's `condition:` with in_condition=True. On the 353 documents of the shared
    corpus, used that way, it reports nothing.
    """
    known = set(version.functions) | set(version.removed)
    if in_condition:
        known |= set(version.condition_functions)
    all_names = sorted(
        {n for s in VERSIONS.values() for n in (*s.functions, *s.condition_functions)}
    )
    problems: list[tuple[Path, str]] = []
    for path, key in _one_key_maps(value, known, version, in_condition):
        message = _message(key, version, all_names, in_condition)
        if message:
            problems.append((path, message))
    return problems


def _one_key_maps(
    value: Any, known: set[str], version: VersionSpec, in_condition: bool
) -> Iterator[tuple[Path, str]]:
    stack: list[tuple[Any, Path, bool]] = [(value, (), in_condition)]
    while stack:
        node, path, cond = stack.pop()
        if isinstance(node, dict):
            if len(node) == 1:
                ((key, args),) = node.items()
                if isinstance(key, str) and (
                    key in known or (cond and key in version.condition_functions)
                ):
                    inner = (*path, key)
                    if key in ("if", "Fn::If") and isinstance(args, list) and args:
                        stack.extend(
                            (v, (*inner, i), i == 0) for i, v in reversed(list(enumerate(args)))
                        )
                    else:
                        stack.append((args, inner, cond))
                    continue
                if isinstance(key, str):
                    yield path, key
            stack.extend((v, (*path, k), cond) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((v, (*path, i), cond) for i, v in reversed(list(enumerate(node))))


def _message(
    key: str, version: VersionSpec, all_names: list[str], in_condition: bool
) -> str | None:
    plain = "so this map is plain data"
    label = version.label
    if not in_condition and key in _CONDITION_ONLY[version.format]:
        if version.has_conditions:
            where = "the conditions section, `condition:`, the first argument of `if`"
            return f"'{key}' is a function only in a condition ({where}), {plain}"
        return f"'{key}' is a condition function, and {label} has no conditions, {plain}"
    if version.format == "hot" and key in _HOT_EQUIVALENT:
        return f"'{key}' is a CloudFormation function, not one of HOT, {plain}; use {_HOT_EQUIVALENT[key]}"
    if version.format == "hot" and key in _FIRST_HOT:
        return f"'{key}' is not a function in {label} (it exists from {_FIRST_HOT[key]}), {plain}"
    if version.format == "cfn" and key not in version.functions and key in _CFN_FUNCTIONS:
        return f"'{key}' is not a function in {label} (use AWSTemplateFormatVersion), {plain}"
    if version.format == "cfn" and key in _FIRST_HOT:
        return f"'{key}' is a HOT function, not one of CloudFormation, {plain}"
    if key in version.functions or key in all_names:
        return None
    close = difflib.get_close_matches(key, sorted(version.functions), n=1, cutoff=0.8)
    if close:
        return f"'{key}' is not a function (did you mean '{close[0]}'?), {plain}"
    return None
