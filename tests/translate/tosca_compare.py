"""Semantic comparison of two HOT templates, for the TOSCA conformance tests.

Both sides are normalised first: function spellings (get_input == get_param, concat as
str_replace with $sN parameters == list_join with ''), whitespace in strings, depends_on
as a set. Resources are matched by name, then unmatched ones by type and most similar
properties; references are renamed through that matching. The result is a sorted list of
difference strings such as `resources.server.properties.flavor: expected 'm1.small', got 'm1.tiny'`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_DOLLAR = re.compile(r"\$s(\d+)")


def normalise(value: Any) -> Any:
    """Function spellings and scalars normalised; see the module docstring."""
    if isinstance(value, Mapping):
        if len(value) == 1:
            ((key, args),) = value.items()
            if key in ("get_input", "get_param"):
                args = normalise(args)
                if isinstance(args, list) and len(args) == 1:
                    args = args[0]
                return {"get_param": args}
            if key == "str_replace" and isinstance(args, Mapping):
                template, params = args.get("template"), args.get("params") or {}
                if isinstance(template, str) and _DOLLAR.sub("", template) == "":
                    order = [int(n) for n in _DOLLAR.findall(template)]
                    return {"concat": [normalise(params.get(f"$s{n}")) for n in order]}
            if key == "list_join" and isinstance(args, list) and len(args) == 2 and args[0] == "":
                return {"concat": normalise(args[1])}
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _similarity(a: Mapping[str, Any], b: Mapping[str, Any]) -> int:
    pa, pb = a.get("properties") or {}, b.get("properties") or {}
    return sum(1 for k in pa if k in pb) + sum(2 for k in pa if pa.get(k) == pb.get(k))


def match_resources(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> dict[str, str]:
    """expected name -> actual name: same names first, then same type and most alike."""
    mapping = {
        n: n for n in expected if n in actual and expected[n].get("type") == actual[n].get("type")
    }
    free = [n for n in actual if n not in mapping.values()]
    for name, resource in expected.items():
        if name in mapping:
            continue
        candidates = [n for n in free if actual[n].get("type") == resource.get("type")]
        if candidates:
            best = max(candidates, key=lambda n: _similarity(resource, actual[n]))
            mapping[name] = best
            free.remove(best)
    return mapping


def _rename(value: Any, names: Mapping[str, str]) -> Any:
    if isinstance(value, Mapping):
        if len(value) == 1:
            ((key, args),) = value.items()
            if key == "get_resource" and isinstance(args, str):
                return {key: names.get(args, args)}
            if key == "get_attr" and isinstance(args, list) and args:
                return {key: [names.get(args[0], args[0]), *(_rename(a, names) for a in args[1:])]}
        return {k: _rename(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename(v, names) for v in value]
    return value


def _diff(path: str, expected: Any, actual: Any, out: list[str]) -> None:
    if isinstance(expected, Mapping) and isinstance(actual, Mapping) and not _is_function(expected):
        for key in sorted(set(expected) | set(actual), key=str):
            if key not in actual:
                out.append(f"{path}.{key}: missing (expected {expected[key]!r})")
            elif key not in expected:
                out.append(f"{path}.{key}: extra ({actual[key]!r})")
            else:
                _diff(f"{path}.{key}", expected[key], actual[key], out)
        return
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            _diff(f"{path}[{index}]", e, a, out)
        return
    if expected != actual:
        out.append(f"{path}: expected {expected!r}, got {actual!r}")


def _is_function(value: Mapping[str, Any]) -> bool:
    return len(value) == 1 and next(iter(value)).startswith(("get_", "list_", "str_", "concat"))


def _parameters(hot: Mapping[str, Any]) -> dict[str, Any]:
    result = {}
    for name, parameter in (hot.get("parameters") or {}).items():
        parameter = dict(parameter)
        for constraint in parameter.get("constraints") or []:
            if isinstance(constraint, dict) and "allowed_values" in constraint:
                constraint["allowed_values"] = sorted(constraint["allowed_values"], key=repr)
        result[name] = parameter
    return result


def compare(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    """Every semantic difference between an expected and an actual HOT template."""
    expected, actual = normalise(expected), normalise(actual)
    exp_resources = expected.get("resources") or {}
    act_resources = actual.get("resources") or {}
    names = match_resources(exp_resources, act_resources)
    out: list[str] = []
    for name, resource in exp_resources.items():
        if name not in names:
            out.append(f"resources.{name}: missing ({resource.get('type')})")
            continue
        ours = act_resources[names[name]]
        resource = _rename(resource, names)
        label = f"resources.{name}"
        if resource.get("type") != ours.get("type"):
            out.append(f"{label}.type: expected {resource.get('type')!r}, got {ours.get('type')!r}")
        _diff(
            f"{label}.properties",
            resource.get("properties") or {},
            ours.get("properties") or {},
            out,
        )
        want, got = set(resource.get("depends_on") or []), set(ours.get("depends_on") or [])
        if want != got:
            out.append(f"{label}.depends_on: expected {sorted(want)}, got {sorted(got)}")
    for name in act_resources:
        if name not in names.values():
            out.append(f"resources.{name}: extra ({act_resources[name].get('type')})")
    _diff("parameters", _parameters(expected), _parameters(actual), out)
    exp_outputs = _rename(expected.get("outputs") or {}, names)
    _diff("outputs", exp_outputs, actual.get("outputs") or {}, out)
    return sorted(out)
