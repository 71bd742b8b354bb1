"""Schemas of resource properties and attributes, as data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class PropertyType(StrEnum):
    """Heat's property types (heat/engine/properties.py Schema.TYPES)."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    LIST = "list"
    MAP = "map"
    ANY = "any"


@dataclass(frozen=True)
class Constraint:
    """A constraint on a parameter or property value.

    kind is one of: length, range, modulo, allowed_values, allowed_pattern, custom_constraint.
    args holds the constraint's arguments as written, e.g. {"min": 1, "max": 8} for range,
    ["a", "b"] for allowed_values, "^[a-z]+$" for allowed_pattern, "nova.flavor" for
    custom_constraint.
    """

    kind: str
    args: Any
    description: str | None = None


@dataclass(frozen=True)
class Property:
    """One property of a resource type."""

    type: PropertyType
    description: str
    required: bool = False
    default: Any = None
    update_allowed: bool = False
    immutable: bool = False
    constraints: tuple[Constraint, ...] = ()
    # For MAP: the schema of each known key. For LIST: `item` is the schema of every item.
    schema: Mapping[str, Property] | None = None
    item: Property | None = None


@dataclass(frozen=True)
class Attribute:
    """One attribute a resource exposes to get_attr."""

    description: str
    type: PropertyType = PropertyType.ANY


@dataclass(frozen=True)
class TypeSchema:
    """Everything the interpreter needs to know about a resource type."""

    name: str
    description: str
    properties: Mapping[str, Property] = field(default_factory=dict)
    attributes: Mapping[str, Attribute] = field(default_factory=dict)
    # Types whose attributes are open-ended (e.g. provider templates' outputs are known,
    # but OS::Heat::ResourceGroup answers `resource.N.attr` paths) set this.
    dynamic_attributes: bool = False


def string(description: str, **kwargs: Any) -> Property:
    return Property(PropertyType.STRING, description, **kwargs)


def integer(description: str, **kwargs: Any) -> Property:
    return Property(PropertyType.INTEGER, description, **kwargs)


def number(description: str, **kwargs: Any) -> Property:
    return Property(PropertyType.NUMBER, description, **kwargs)


def boolean(description: str, **kwargs: Any) -> Property:
    return Property(PropertyType.BOOLEAN, description, **kwargs)


def list_of(description: str, item: Property | None = None, **kwargs: Any) -> Property:
    return Property(PropertyType.LIST, description, item=item, **kwargs)


def map_of(
    description: str, schema: Mapping[str, Property] | None = None, **kwargs: Any
) -> Property:
    return Property(PropertyType.MAP, description, schema=schema, **kwargs)


def any_value(description: str, **kwargs: Any) -> Property:
    return Property(PropertyType.ANY, description, **kwargs)


def attribute(description: str, type: PropertyType = PropertyType.ANY) -> Attribute:
    return Attribute(description, type)


# Every resource has these (Heat's base Resource attributes).
BASE_ATTRIBUTES: Mapping[str, Attribute] = {
    "show": Attribute(
        "Every detail of the physical resource, as the cloud shows it.", PropertyType.MAP
    ),
}
