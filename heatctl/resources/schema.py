"""Schemas of resource properties and attributes, as data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    # Kept by Heat only so that old templates still work (not shown by default).
    hidden: bool = False
    # A hidden property Heat translates into another one (e.g. network_id -> network).
    alias_of: str | None = None
    # Heat rejects a value for a property it declares but does not implement.
    implemented: bool = True
    # Provider-template facades: a list accepts a comma-delimited string, a map a string/list.
    allow_conversion: bool = False


@dataclass(frozen=True)
class Attribute:
    """One attribute a resource exposes to get_attr."""

    description: str
    type: PropertyType = PropertyType.ANY
    hidden: bool = False


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
    # OS::Heat::None stands in for any other type, so it accepts any properties at all.
    open_properties: bool = False
    # Rules across properties: check(values, report), see ResourceType.check_values.
    check: Callable[[Any, Any], None] | None = None

    def rules(self) -> str:
        """One line on the rules across properties this type checks ('' when none)."""
        doc = getattr(self.check, "__doc__", None) or ""
        first = doc.strip().split("\n")[0]
        return "" if first.startswith("Rules across properties (Heat") else first

    def visible_properties(self) -> dict[str, Property]:
        """The properties a user should see (Heat's hidden, legacy ones left out)."""
        return {k: v for k, v in self.properties.items() if not v.hidden}

    def visible_attributes(self) -> dict[str, Attribute]:
        """The attributes a user should see (Heat's hidden, legacy ones left out)."""
        return {k: v for k, v in self.attributes.items() if not v.hidden}


def string(description: str, **kwargs: Any) -> Property:
    """A string property (Heat also accepts integers and booleans, as text)."""
    return Property(PropertyType.STRING, description, **kwargs)


def integer(description: str, **kwargs: Any) -> Property:
    """An integer property (numeric strings are accepted)."""
    return Property(PropertyType.INTEGER, description, **kwargs)


def number(description: str, **kwargs: Any) -> Property:
    """A number property, integer or float (numeric strings are accepted)."""
    return Property(PropertyType.NUMBER, description, **kwargs)


def boolean(description: str, **kwargs: Any) -> Property:
    """A boolean property ("true"/"false" strings are accepted)."""
    return Property(PropertyType.BOOLEAN, description, **kwargs)


def list_of(description: str, item: Property | None = None, **kwargs: Any) -> Property:
    """A list property; `item`, when given, is the schema every item must match."""
    return Property(PropertyType.LIST, description, item=item, **kwargs)


def map_of(
    description: str, schema: Mapping[str, Property] | None = None, **kwargs: Any
) -> Property:
    """A map property; `schema`, when given, lists its only allowed keys."""
    return Property(PropertyType.MAP, description, schema=schema, **kwargs)


def any_value(description: str, **kwargs: Any) -> Property:
    """A property of any type, not checked."""
    return Property(PropertyType.ANY, description, **kwargs)


def attribute(
    description: str, type: PropertyType = PropertyType.ANY, *, hidden: bool = False
) -> Attribute:
    """An attribute that get_attr can read."""
    return Attribute(description, type, hidden)


def allowed_values(*values: Any) -> Constraint:
    """The value (or every item of a list value) must be one of `values`."""
    return Constraint("allowed_values", list(values))


def length(min: int | None = None, max: int | None = None) -> Constraint:
    """The length of a string, list or map must lie in [min, max]."""
    return Constraint("length", _bounds(min, max))


def value_range(min: float | None = None, max: float | None = None) -> Constraint:
    """A number must lie in [min, max]."""
    return Constraint("range", _bounds(min, max))


def modulo(step: int, offset: int) -> Constraint:
    """A number modulo `step` must equal `offset`."""
    return Constraint("modulo", {"step": step, "offset": offset})


def allowed_pattern(pattern: str) -> Constraint:
    """A string must match `pattern` as a whole."""
    return Constraint("allowed_pattern", pattern)


def custom(name: str) -> Constraint:
    """A check that needs the cloud (e.g. `nova.flavor`): shown, checked only at deploy time."""
    return Constraint("custom_constraint", name)


def _bounds(min: float | None, max: float | None) -> dict[str, float]:
    return {k: v for k, v in (("min", min), ("max", max)) if v is not None}


# Every resource has these (Heat's base Resource attributes).
BASE_ATTRIBUTES: Mapping[str, Attribute] = {
    "show": Attribute(
        "Every detail of the physical resource, as the cloud shows it.", PropertyType.MAP
    ),
}


# Neutron accepts an IP protocol by its number as well as by name.
IP_PROTOCOL_NUMBERS: tuple[int, ...] = tuple(range(256))
