"""Human-readable rendering of a resource type schema (rich), for `resource-type show`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from heatctl.resources.describe import constraint_text, flatten_properties
from heatctl.resources.schema import Property, TypeSchema

if TYPE_CHECKING:
    from rich.console import Console


def print_type(console: Console, schema: TypeSchema, *, include_hidden: bool = False) -> None:
    """Print a type: its description, then each property and attribute with its details."""
    from rich.markup import escape

    console.print(f"[bold]{escape(schema.name)}[/bold]")
    console.print(f"  {escape(schema.description)}")
    if schema.rules():
        console.print(f"  Also checked: {escape(schema.rules())}")
    console.print()
    props = flatten_properties(dict(schema.properties), include_hidden=include_hidden)
    if schema.open_properties:
        console.print("[bold]Properties[/bold]: any (this type accepts every property)")
    elif props:
        console.print("[bold]Properties[/bold]")
        for path, prop in props:
            summary = property_summary(prop, nested="." in path or "[" in path)
            console.print(f"  [cyan]{escape(path)}[/cyan]  {escape(summary)}")
            console.print(f"      {escape(prop.description)}")
    else:
        console.print("[bold]Properties[/bold]: none")
    console.print()
    console.print("[bold]Attributes[/bold]")
    attrs = schema.attributes if include_hidden else schema.visible_attributes()
    for name, attribute in attrs.items():
        console.print(f"  [cyan]{escape(name)}[/cyan]  {attribute.type}")
        console.print(f"      {escape(attribute.description)}")
    if schema.dynamic_attributes:
        console.print("  (any other attribute name is also accepted by get_attr)")


def property_summary(prop: Property, *, nested: bool = False) -> str:
    """`type, required, default X, updatable, constraints...` in one line.

    Whether an update replaces the resource is decided by the top-level property only.
    """
    parts = [str(prop.type)]
    if prop.required:
        parts.append("required")
    if prop.default is not None:
        parts.append(f"default {json.dumps(prop.default)}")
    if nested:
        pass
    elif prop.update_allowed:
        parts.append("update in place")
    elif prop.immutable:
        parts.append("immutable")
    else:
        parts.append("update replaces")
    parts.extend(constraint_text(c) for c in prop.constraints)
    if prop.hidden:
        parts.append(
            f"hidden (legacy name of {prop.alias_of})" if prop.alias_of else "hidden (legacy)"
        )
    if not prop.implemented:
        parts.append("not implemented")
    return ", ".join(parts)
