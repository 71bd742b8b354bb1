"""Generate docs/resource-types.md, the reference of every built-in resource type.

Run `python -m heatctl.resources.reference > docs/resource-types.md`; a test checks that the
committed page matches the registry.
"""

from __future__ import annotations

import json

from heatctl.resources import registry
from heatctl.resources.describe import constraint_text, flatten_properties
from heatctl.resources.schema import Property, TypeSchema

HEADER = """# Resource types reference

Generated from heatctl's registry by `python -m heatctl.resources.reference`; do not edit.
`heatctl resource-type show TYPE` prints the same for one type (`--all` adds the legacy
properties Heat hides). Property names, types, defaults, constraints and whether an update
happens in place match OpenStack Heat 27.

Columns: **req** = required; **update** = `yes` when a change is applied in place, `replace`
when it replaces the resource (nested keys follow their top-level property).
"""


def reference_markdown() -> str:
    """The whole reference page."""
    from heatctl.engine.runtime import is_deployable

    types = list(registry.all_types())
    deployable = [cls.type_name for cls in types if is_deployable(cls.type_name)]
    lines = [HEADER, f"{len(types)} types:", ""]
    lines += [", ".join(f"[`{cls.type_name}`](#{_anchor(cls.type_name)})" for cls in types), ""]
    lines += [
        f"{len(deployable)} of them can be deployed by `heatctl stack create` (the others are"
        " validated, and refused at create time):",
        "",
        ", ".join(f"`{name}`" for name in deployable),
        "",
    ]
    for cls in types:
        lines += type_section(cls.schema(), cls.type_name in deployable)
    return "\n".join(lines).rstrip() + "\n"


def type_section(schema: TypeSchema, deployable: bool) -> list[str]:
    """The markdown of one type: description, properties table, attributes table."""
    can = "yes" if deployable else "not yet (validated only)"
    lines = [f"## {schema.name}", "", schema.description, "", f"Deployable: {can}.", ""]
    if schema.rules():
        lines += [f"Also checked: {schema.rules()}", ""]
    if schema.open_properties:
        lines += ["Accepts any properties.", ""]
    rows = flatten_properties(dict(schema.properties))
    if rows:
        lines += ["| property | type | req | default | update | constraints | description |"]
        lines += ["|---|---|---|---|---|---|---|"]
        lines += [_property_row(path, prop) for path, prop in rows]
        lines.append("")
    lines += ["| attribute | type | description |", "|---|---|---|"]
    lines += [
        f"| `{name}` | {a.type} | {_cell(a.description)} |"
        for name, a in schema.visible_attributes().items()
    ]
    if schema.dynamic_attributes:
        lines += ["", "get_attr also accepts other attribute names for this type."]
    lines.append("")
    return lines


def _property_row(path: str, prop: Property) -> str:
    nested = "." in path or "[" in path
    update = "" if nested else ("yes" if prop.update_allowed else "replace")
    default = "" if prop.default is None else f"`{json.dumps(prop.default)}`"
    constraints = "; ".join(constraint_text(c) for c in prop.constraints)
    if not prop.implemented:
        constraints = "; ".join(filter(None, [constraints, "not implemented"]))
    cells = [f"`{path}`", str(prop.type), "yes" if prop.required else "", default, update]
    return "| " + " | ".join([*cells, _cell(constraints), _cell(prop.description)]) + " |"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(name: str) -> str:
    return name.lower().replace("::", "")


if __name__ == "__main__":
    print(reference_markdown(), end="")
