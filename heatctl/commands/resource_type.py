"""`heatctl resource-type`: list the resource types heatctl knows and show their schemas."""

from __future__ import annotations

import click

from heatctl.context import AppContext


@click.group("resource-type")
def resource_type() -> None:
    """List resource types and show their properties and attributes."""


@resource_type.command("list")
@click.argument("pattern", required=False)
@click.option(
    "--deployable", is_flag=True, help="Only the types `heatctl stack create` can deploy."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON list of {type, deployable, description}."
)
@click.pass_obj
def list_types(app: AppContext, pattern: str | None, deployable: bool, as_json: bool) -> None:
    """List resource types with a one-line description.

    PATTERN is an optional shell-style pattern such as 'OS::Neutron::*'.
    """
    from fnmatch import fnmatchcase

    from heatctl.engine.runtime import is_deployable
    from heatctl.resources import registry

    rows = [
        (cls.type_name, is_deployable(cls.type_name), cls.description)
        for cls in registry.all_types()
        if pattern is None or fnmatchcase(cls.type_name, pattern)
    ]
    rows = [row for row in rows if row[1] or not deployable]
    if as_json:
        keys = ("type", "deployable", "description")
        app.emit_json([dict(zip(keys, row, strict=True)) for row in rows])
        return
    from rich.table import Table

    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("TYPE", no_wrap=True)
    table.add_column("DEPLOY", no_wrap=True)
    table.add_column("DESCRIPTION")
    for name, can, text in rows:
        table.add_row(name, "yes" if can else "no", text)
    app.console.print(table)


@resource_type.command("show")
@click.argument("type_name", metavar="TYPE")
@click.option("--json", "as_json", is_flag=True, help="Print the schema as JSON.")
@click.option("--all", "include_hidden", is_flag=True, help="Include legacy properties Heat hides.")
@click.pass_obj
def show_type(app: AppContext, type_name: str, as_json: bool, include_hidden: bool) -> None:
    """Show the properties and attributes of resource type TYPE."""
    from heatctl.errors import InvalidInput
    from heatctl.resources import registry
    from heatctl.resources.describe import describe_type
    from heatctl.resources.validate import unknown_type_message

    cls = registry.get(type_name)
    if cls is None:
        raise InvalidInput(unknown_type_message(type_name), hint="see `heatctl resource-type list`")
    if as_json:
        app.emit_json(describe_type(cls.schema(), include_hidden=include_hidden))
        return
    from heatctl.resources.render import print_type

    print_type(app.console, cls.schema(), include_hidden=include_hidden)
