"""Node templates of a topology, checked against their types and normalised.

Every problem found here is a diagnostic with file:line (exit code 3): unknown types and
names (with did-you-mean), missing required properties, values of the wrong type,
requirements that point nowhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from heatctl.dsl.diagnostics import did_you_mean
from heatctl.translate.tosca.constraints import violation
from heatctl.translate.tosca.sources import fail
from heatctl.translate.tosca.types import TypeDef, TypeRegistry
from heatctl.translate.tosca.values import ValueProblem, check_primitive

FUNCTIONS = frozenset(
    [
        "get_input",
        "get_property",
        "get_attribute",
        "get_operation_output",
        "concat",
        "join",
        "token",
        "get_artifact",
        "get_nodes_of_type",
    ]
)
STANDARD = "tosca.interfaces.node.lifecycle.Standard"
CONFIGURE = "tosca.interfaces.relationship.Configure"
NODE_KEYS = frozenset(
    [
        "type",
        "description",
        "metadata",
        "directives",
        "properties",
        "attributes",
        "requirements",
        "capabilities",
        "interfaces",
        "artifacts",
        "node_filter",
        "copy",
    ]
)


def is_function(value: Any) -> bool:
    """True for a TOSCA function call: a one-key mapping naming a function."""
    return (
        type(value) not in _LEAVES  # most values: no (slow, ABC) Mapping check
        and isinstance(value, dict | Mapping)
        and len(value) == 1
        and next(iter(value)) in FUNCTIONS
    )


_LEAVES = frozenset({str, int, float, bool, type(None)})


@dataclass
class Requirement:
    """One requirement assignment of a node template, resolved."""

    name: str
    target: str | None
    capability: str | None
    relationship: TypeDef | None
    properties: dict[str, Any]
    interfaces: dict[str, Any]
    template: str | None
    path: tuple[Any, ...]


@dataclass
class Node:
    """A node template with its type's defaults merged in."""

    name: str
    typedef: TypeDef
    definition: Mapping[str, Any]
    path: tuple[Any, ...]
    properties: dict[str, Any] = field(default_factory=dict)
    capabilities: dict[str, dict[str, Any]] = field(default_factory=dict)
    requirements: list[Requirement] = field(default_factory=list)
    interfaces: dict[str, dict[str, Any]] = field(default_factory=dict)
    artifacts: dict[str, Any] = field(default_factory=dict)

    def required(self, relationship: str, registry: TypeRegistry) -> list[Requirement]:
        """Requirements whose relationship is (or derives from) `relationship`."""
        return [
            r
            for r in self.requirements
            if r.relationship is not None and registry.is_a(r.relationship, relationship)
        ]


class Checker:
    """Type checks of property values, including complex data types."""

    def __init__(self, registry: TypeRegistry, file: str | None, document: Any) -> None:
        self.registry = registry
        self.file = file
        self.document = document

    def value(
        self, value: Any, schema: Mapping[str, Any], path: tuple[Any, ...], what: str
    ) -> None:
        """Raise a diagnostic if a literal `value` does not fit property `schema`."""
        if value is None or is_function(value):
            return
        tosca_type = schema.get("type", "string")
        kind = self.registry.base_primitive(str(tosca_type))
        if kind is not None:
            try:
                check_primitive(value, kind)
            except ValueProblem as problem:
                raise fail(f"{what}: {problem}", self.file, self.document, path) from None
            self._constraints(value, kind, schema, path, what)
            entry = schema.get("entry_schema")
            if isinstance(entry, str):
                entry = {"type": entry}
            if entry is not None and isinstance(entry, dict | Mapping) and kind in ("list", "map"):
                items = value.items() if isinstance(value, dict | Mapping) else enumerate(value)
                for key, item in items:
                    self.value(item, entry, (*path, key), what)
            return
        datatype = self.registry.data_type(str(tosca_type))
        if datatype is None:
            raise fail(f"{what}: unknown data type '{tosca_type}'", self.file, self.document, path)
        if not isinstance(value, dict | Mapping):
            raise fail(
                f"{what}: expected a {tosca_type} (a mapping), got {value!r}",
                self.file,
                self.document,
                path,
            )
        properties = self.registry.merged(datatype, "properties")
        for key, item in value.items():
            if key not in properties:
                raise fail(
                    f"{what}: {tosca_type} has no field '{key}'{did_you_mean(key, properties)}",
                    self.file,
                    self.document,
                    (*path, key),
                )
            if isinstance(properties[key], dict | Mapping):
                self.value(item, properties[key], (*path, key), f"{what}.{key}")
        for key, prop in properties.items():
            if (
                isinstance(prop, dict | Mapping)
                and prop.get("required", True)
                and "default" not in prop
                and key not in value
            ):
                raise fail(
                    f"{what}: {tosca_type} requires field '{key}'", self.file, self.document, path
                )

    def _constraints(
        self, value: Any, kind: str, schema: Mapping[str, Any], path: tuple[Any, ...], what: str
    ) -> None:
        """Raise a diagnostic if a literal value breaks one of the property's constraints."""
        constraints = schema.get("constraints")
        for constraint in constraints if isinstance(constraints, list) else []:
            if isinstance(constraint, dict | Mapping) and len(constraint) == 1:
                ((operator, operand),) = constraint.items()
                problem = violation(kind, str(operator), operand, value)
                if problem:
                    raise fail(f"{what}: {problem}", self.file, self.document, path)


def _mapping(
    value: Any, what: str, file: str | None, doc: Any, path: tuple[Any, ...]
) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict | Mapping):
        raise fail(f"{what} must be a mapping", file, doc, path)
    return value


def merge_properties(
    checker: Checker,
    schemas: Mapping[str, Any],
    given: Mapping[str, Any],
    path: tuple[Any, ...],
    what: str,
    *,
    check_required: bool = True,
) -> dict[str, Any]:
    """Property values: given ones checked against their schemas, then defaults."""
    result: dict[str, Any] = {}
    for key, value in given.items():
        schema = schemas.get(key)
        if not isinstance(schema, dict | Mapping):
            raise fail(
                f"{what} has no property '{key}'{did_you_mean(key, schemas)}",
                checker.file,
                checker.document,
                (*path, key),
            )
        checker.value(value, schema, (*path, key), f"property '{key}' of {what}")
        result[key] = value
    for key, schema in schemas.items():
        if key in result or not isinstance(schema, dict | Mapping):
            continue
        if "default" in schema:
            result[key] = schema["default"]
        elif (
            check_required and schema.get("required", True) and schema.get("status") != "deprecated"
        ):
            raise fail(f"{what} requires property '{key}'", checker.file, checker.document, path)
    return result


def normalise_interfaces(
    registry: TypeRegistry, *sources: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """Interfaces by short name (Standard, Configure, or the custom name) -> operations."""
    result: dict[str, dict[str, Any]] = {}
    for source in sources:
        for name, body in source.items():
            if not isinstance(body, dict | Mapping):
                continue
            key = {STANDARD: "Standard", CONFIGURE: "Configure"}.get(str(name), str(name))
            operations = result.setdefault(key, {})
            for op, impl in body.items():
                if op in ("type", "inputs", "description", "notifications", "derived_from"):
                    if op in ("type", "inputs", "notifications"):
                        # Interface-level inputs apply to every operation (software.py).
                        key_name = f"__{op}__"
                        if op == "inputs" and isinstance(impl, dict | Mapping):
                            operations[key_name] = {**operations.get(key_name, {}), **impl}
                        else:
                            operations.setdefault(key_name, impl)
                    continue
                if impl is None and op in operations:
                    continue
                operations[str(op)] = impl
    return result
