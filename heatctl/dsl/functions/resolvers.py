"""A ready-made ResourceResolver over plain data, for plans, previews and tests.

The engine knows, for each resource of a stack, either its reference id and attribute
values (it exists) or nothing yet (it will be created). `StaticResources` answers from
that knowledge: known values are returned, the rest is UNRESOLVED, so the calls that need
them stay as written ("known after apply").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from heatctl.dsl.functions.core import UNRESOLVED, Unresolved
from heatctl.dsl.functions.hot import select_path


class StaticResources:
    """Resolve get_resource/get_attr/Ref from dictionaries.

    `names`: every resource of the stack (unknown names raise LookupError).
    `references`: name -> reference id, for resources that exist.
    `attributes`: name -> {attribute: value}, for resources that exist.
    `schema`: name -> the attribute names its type has; when given, an attribute not in it
    raises LookupError even for a resource that does not exist yet.
    """

    def __init__(
        self,
        names: Collection[str],
        references: Mapping[str, Any] | None = None,
        attributes: Mapping[str, Mapping[str, Any]] | None = None,
        schema: Mapping[str, Collection[str]] | None = None,
    ) -> None:
        self.names = frozenset(names)
        self.references = dict(references or {})
        self.attributes = {k: dict(v) for k, v in (attributes or {}).items()}
        self.schema = schema

    def has_resource(self, name: str) -> bool:
        return name in self.names

    def reference(self, name: str) -> Any:
        if name not in self.names:
            raise LookupError(name)
        return self.references.get(name, UNRESOLVED)

    def attribute(self, name: str, attr: str, path: list[Any]) -> Any:
        if name not in self.names:
            raise LookupError(name)
        if self.schema is not None and name in self.schema and attr not in self.schema[name]:
            raise LookupError(attr)
        values = self.attributes.get(name)
        if values is None:
            return UNRESOLVED
        if attr not in values:
            if self.schema is None:
                raise LookupError(attr)
            return None  # a declared attribute without a value: Heat gives null
        return select_path(values[attr], path)

    def all_attributes(self, name: str) -> dict[str, Any] | Unresolved:
        if name not in self.names:
            raise LookupError(name)
        values = self.attributes.get(name)
        if values is None:
            return UNRESOLVED
        return {k: v for k, v in values.items() if k != "show"}
