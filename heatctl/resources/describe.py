"""Resource type schemas as plain data, for `resource-type show --json` and the docs page."""

from __future__ import annotations

from typing import Any

from heatctl.resources.schema import Attribute, Constraint, Property, TypeSchema


def describe_type(schema: TypeSchema, *, include_hidden: bool = False) -> dict[str, Any]:
    """A JSON-ready description of a type: properties (recursively) and attributes."""
    props = schema.properties if include_hidden else schema.visible_properties()
    attrs = schema.attributes if include_hidden else schema.visible_attributes()
    return {
        "type": schema.name,
        "description": schema.description,
        "properties": {name: describe_property(p) for name, p in props.items()},
        "attributes": {name: describe_attribute(a) for name, a in attrs.items()},
        "rules": schema.rules(),
        "dynamic_attributes": schema.dynamic_attributes,
        "open_properties": schema.open_properties,
    }


def describe_property(prop: Property) -> dict[str, Any]:
    """One property as data; map sub-schemas under `schema`, list item schema under `item`."""
    data: dict[str, Any] = {
        "type": str(prop.type),
        "description": prop.description,
        "required": prop.required,
        "default": prop.default,
        "update_allowed": prop.update_allowed,
        "immutable": prop.immutable,
        "constraints": [describe_constraint(c) for c in prop.constraints],
    }
    if prop.hidden:
        data["hidden"] = True
    if prop.alias_of:
        data["alias_of"] = prop.alias_of
    if not prop.implemented:
        data["implemented"] = False
    if prop.schema:
        data["schema"] = {name: describe_property(p) for name, p in prop.schema.items()}
    if prop.item is not None:
        data["item"] = describe_property(prop.item)
    return data


def describe_attribute(attribute: Attribute) -> dict[str, Any]:
    """One attribute as data: its type and description."""
    return {"type": str(attribute.type), "description": attribute.description}


def describe_constraint(constraint: Constraint) -> dict[str, Any]:
    """One constraint as data, e.g. {"range": {"min": 1}}."""
    return {constraint.kind: constraint.args}


def constraint_text(constraint: Constraint) -> str:
    """A constraint in one short phrase, e.g. `range 1..512` or `one of: a, b`."""
    kind, args = constraint.kind, constraint.args
    if kind == "allowed_values":
        return "one of: " + ", ".join(_collapse_runs(list(args)))
    if kind in ("range", "length"):
        low, high = args.get("min", ""), args.get("max", "")
        return f"{kind} {low}..{high}"
    if kind == "allowed_pattern":
        return f"pattern {args}"
    if kind == "modulo":
        return f"modulo step {args['step']} offset {args['offset']}"
    return f"checked against the cloud: {args}"


def flatten_properties(
    props: dict[str, Property], prefix: str = "", *, include_hidden: bool = False
) -> list[tuple[str, Property]]:
    """(dotted path, property) for every property and nested key, depth first.

    List items appear as `name[]`, keys of a map item as `name[].key`.
    """
    rows: list[tuple[str, Property]] = []
    for name, prop in props.items():
        if prop.hidden and not include_hidden:
            continue
        path = f"{prefix}{name}"
        rows.append((path, prop))
        rows.extend(_nested(prop, path, include_hidden))
    return rows


def _nested(prop: Property, path: str, include_hidden: bool) -> list[tuple[str, Property]]:
    rows: list[tuple[str, Property]] = []
    if prop.schema:
        rows.extend(
            flatten_properties(dict(prop.schema), path + ".", include_hidden=include_hidden)
        )
    if prop.item is not None and (prop.item.schema or prop.item.item or prop.item.constraints):
        rows.append((path + "[]", prop.item))
        rows.extend(_nested(prop.item, path + "[]", include_hidden))
    return rows


def _collapse_runs(values: list[Any]) -> list[str]:
    """Show runs of consecutive integers as `first..last` (e.g. IP protocol numbers)."""
    out: list[str] = []
    index = 0
    while index < len(values):
        end = index
        while (
            isinstance(values[end], int)
            and end + 1 < len(values)
            and values[end + 1] == values[end] + 1
        ):
            end += 1
        if end - index >= 3:
            out.append(f"{values[index]}..{values[end]}")
        else:
            out.extend(str(v) for v in values[index : end + 1])
        index = end + 1
    return out
