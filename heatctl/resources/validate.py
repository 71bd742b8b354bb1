"""Static checks of a resource's properties against its type schema, with Heat's rules.

The Model Interpreter calls `validate_properties` once per resource with a `report` callback
that turns a path inside the properties map into a located diagnostic. Values that are still
intrinsic function calls cannot be checked before deployment and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from heatctl.dsl.diagnostics import did_you_mean
from heatctl.resources import registry
from heatctl.resources.schema import Constraint, Property, PropertyType, TypeSchema
from heatctl.resources.values import PropertyValues, call_test

PathKey = str | int
Path = tuple[PathKey, ...]
Report = Callable[[Path, str], None]
IsUnresolved = Callable[[Any], bool]


class _NotConvertible(Exception):
    """A value cannot be read as the property's type."""


def validate_properties(
    schema: TypeSchema, properties: Any, report: Report, *, is_unresolved: IsUnresolved
) -> None:
    """Report every problem in `properties` (a resource's properties map) against `schema`.

    `report(path, message)` gets the path inside the properties map (() for the map itself).
    """
    is_call = call_test(is_unresolved)
    if schema.open_properties or is_call(properties, schema.properties.keys()):
        return
    if properties is None:
        properties = {}
    if not isinstance(properties, Mapping):
        report((), f"properties of a {schema.name} must be a map, not {_kind(properties)}")
        return
    problems: list[Path] = []

    def counting(path: Path, message: str) -> None:
        problems.append(path)
        report(path, message)

    _Checker(counting, is_call).check_map(schema.properties, properties, ())
    # Like Heat, rules across properties run only on properties that pass the schema checks.
    if schema.check is not None and not problems:
        schema.check(PropertyValues(schema.properties, properties, is_unresolved), report)


def attribute_exists(schema: TypeSchema, name: str) -> bool:
    """Whether get_attr may ask a resource of this type for attribute `name`."""
    return schema.dynamic_attributes or name in schema.attributes


def unknown_type_message(type_name: object) -> str:
    """The message for a resource type no plugin implements, with a suggestion."""
    return f"unknown resource type '{type_name}'{did_you_mean(type_name, registry.names())}"


def unknown_attribute_message(schema: TypeSchema, name: object) -> str:
    """The message for get_attr of an attribute the type does not have, with a suggestion."""
    hint = did_you_mean(name, schema.visible_attributes())
    return f"{schema.name} has no attribute '{name}'{hint}"


class _Checker:
    def __init__(self, report: Report, is_call: Callable[[Any, Collection[str]], bool]) -> None:
        self.report = report
        self.is_call = is_call

    def check_map(self, props: Mapping[str, Property], data: Mapping[Any, Any], path: Path) -> None:
        """Unknown keys, missing required keys, then each value."""
        visible = [k for k, p in props.items() if not p.hidden]
        for key, value in data.items():
            prop = props.get(key)
            if prop is None:
                hint = did_you_mean(key, visible)
                self.report((*path, key), f"unknown property '{_name((*path, key))}'{hint}")
            elif not prop.implemented:
                self.report((*path, key), f"property '{_name((*path, key))}' is not implemented")
            else:
                self.check_value(prop, value, (*path, key))
        given = set(data) | {p.alias_of for k, p in props.items() if k in data and p.alias_of}
        for key, prop in props.items():
            if prop.required and prop.default is None and key not in given:
                self.report(path, f"missing required property '{_name((*path, key))}'")

    def check_value(self, prop: Property, value: Any, path: Path) -> None:
        """Type, constraints, and (for lists and maps) the items inside."""
        if value is None:
            value = _null_value(prop)
        if value is None or self.is_call(value, _expected_keys(prop)):
            return
        try:
            converted = _convert(prop, value)
        except _NotConvertible as error:
            self.report(path, f"property '{_name(path)}': {error}")
            return
        for constraint in prop.constraints:
            problem = _violation(prop, constraint, converted)
            if problem:
                self.report(path, f"property '{_name(path)}': {problem}")
        if prop.type is PropertyType.LIST and isinstance(converted, list):
            self.check_items(prop, converted, path)
        elif prop.type is PropertyType.MAP and isinstance(converted, Mapping) and prop.schema:
            self.check_map(prop.schema, converted, path)

    def check_items(self, prop: Property, items: list[Any], path: Path) -> None:
        if prop.item is None:
            return
        for index, item in enumerate(items):
            if not prop.item.implemented:
                self.report((*path, index), f"property '{_name(path)}' is not implemented")
                return
            self.check_value(prop.item, item, (*path, index))


def _expected_keys(prop: Property) -> Collection[str]:
    return prop.schema.keys() if prop.schema else ()


def _null_value(prop: Property) -> Any:
    """What Heat reads for an explicit null: a (truthy) default, else the type's empty value."""
    if prop.default:
        return prop.default
    empty: dict[PropertyType, Any] = {
        PropertyType.STRING: "",
        PropertyType.INTEGER: 0,
        PropertyType.NUMBER: 0,
        PropertyType.BOOLEAN: False,
        PropertyType.LIST: [],
        PropertyType.MAP: {},
    }
    return empty.get(prop.type)


def _convert(prop: Property, value: Any) -> Any:
    """The value as Heat reads it for the property's type, or _NotConvertible (Heat's rules)."""
    kind = prop.type
    if kind is PropertyType.STRING:
        if isinstance(
            value, str | int
        ):  # Heat turns booleans and integers (not floats) into strings
            return str(value)
        raise _NotConvertible(f"{_show(value)} is not a string")
    if kind is PropertyType.INTEGER:
        return _to_integer(value)
    if kind is PropertyType.NUMBER:
        return _to_number(value)
    if kind is PropertyType.BOOLEAN:
        return _to_boolean(value)
    if kind is PropertyType.LIST:
        return _to_list(prop, value)
    if kind is PropertyType.MAP:
        if isinstance(value, Mapping):
            return value
        if prop.allow_conversion and isinstance(value, str | list):
            return value
        raise _NotConvertible(f"{_show(value)} is not a map")
    return value


def _to_integer(value: Any) -> int:
    # Heat calls int(): numeric strings and floats pass (truncated), anything else fails.
    if isinstance(value, Mapping | list):
        raise _NotConvertible(f"{_show(value)} is not an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _NotConvertible(f"{_show(value)} is not an integer") from None


def _to_number(value: Any) -> int | float:
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        for parse in (int, float):
            try:
                return parse(value)
            except ValueError:
                continue
    raise _NotConvertible(f"{_show(value)} is not a number")


def _to_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _NotConvertible(f"{_show(value)} is not a boolean (use true or false)")


def _to_list(prop: Property, value: Any) -> list[Any]:
    if isinstance(value, str) and prop.allow_conversion:
        return [part.strip() for part in value.split(",")] if value else []
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    raise _NotConvertible(f"{_show(value)} is not a list")


def _violation(prop: Property, constraint: Constraint, value: Any) -> str | None:
    """Why `value` breaks `constraint`, or None. Custom constraints need the cloud: skipped."""
    kind, args = constraint.kind, constraint.args
    if kind == "allowed_values":
        allowed = [_comparable(prop, a) for a in args]
        values = value if isinstance(value, list) else [value]
        if all(_comparable(prop, v) in allowed for v in values):
            return None
        return f"{_show(value)} is not one of {', '.join(_show(a) for a in args)}"
    if kind == "allowed_pattern" and isinstance(value, str):
        match = re.match(args, value)
        if match is None or match.end() != len(value):
            return f"{_show(value)} does not match the pattern {_show(args)}"
    if kind in ("range", "length"):
        return _out_of_range(kind, args, value)
    if (
        kind == "modulo"
        and isinstance(value, int | float)
        and value % args["step"] != args["offset"]
    ):
        return f"{value} is not a multiple of {args['step']} plus {args['offset']}"
    return None


def _out_of_range(kind: str, bounds: Mapping[str, float], value: Any) -> str | None:
    if kind == "length":
        if not isinstance(value, str | list | Mapping):
            return None
        measured: float = len(value)
        what = f"length {len(value)}"
    else:
        if not isinstance(value, int | float):
            return None
        measured, what = value, str(value)
    low, high = bounds.get("min"), bounds.get("max")
    if (low is not None and measured < low) or (high is not None and measured > high):
        return f"{what} is out of range (min: {_bound(low)}, max: {_bound(high)})"
    return None


def _comparable(prop: Property, value: Any) -> Any:
    """Allowed values and the value compared in the property's type, as Heat does."""
    try:
        if prop.type in (PropertyType.INTEGER, PropertyType.NUMBER):
            return _to_number(value)
        if prop.type is PropertyType.BOOLEAN:
            return _to_boolean(value)
        if prop.type is PropertyType.STRING:
            return str(value)
    except _NotConvertible:
        return value
    return value


def _bound(value: float | None) -> str:
    return "none" if value is None else str(value)


def _name(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
