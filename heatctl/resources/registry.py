"""The registry of resource types: `@register` on a class, `get(name)` to find it."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, TypeVar

from heatctl.resources.schema import BASE_ATTRIBUTES, Attribute, Property, TypeSchema


class ResourceType:
    """Base of every resource type plugin: a declared schema (lifecycle comes with the engine).

    Subclasses set `type_name`, `description`, `properties` and `attributes`.
    """

    type_name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    properties: ClassVar[dict[str, Property]] = {}
    attributes: ClassVar[dict[str, Attribute]] = {}
    dynamic_attributes: ClassVar[bool] = False
    open_properties: ClassVar[bool] = False

    @classmethod
    def schema(cls) -> TypeSchema:
        return TypeSchema(
            name=cls.type_name,
            description=cls.description,
            properties=cls.properties,
            attributes={**BASE_ATTRIBUTES, **cls.attributes},
            dynamic_attributes=cls.dynamic_attributes,
            open_properties=cls.open_properties,
        )


T = TypeVar("T", bound=type[ResourceType])

_TYPES: dict[str, type[ResourceType]] = {}

# Modules holding the built-in types, imported on first use of the registry.
BUILTIN_MODULES: tuple[str, ...] = (
    "heatctl.resources.heat",
    "heatctl.resources.heat_software",
    "heatctl.resources.nova",
    "heatctl.resources.neutron",
    "heatctl.resources.neutron_extra",
    "heatctl.resources.neutron_admin",
    "heatctl.resources.neutron_services",
    "heatctl.resources.neutron_vpn",
    "heatctl.resources.octavia",
    "heatctl.resources.cinder",
    "heatctl.resources.swift",
    "heatctl.resources.glance",
    "heatctl.resources.aodh",
    "heatctl.resources.aodh_more",
    "heatctl.resources.keystone",
    "heatctl.resources.barbican",
    "heatctl.resources.blazar",
    "heatctl.resources.designate",
    "heatctl.resources.ironic",
    "heatctl.resources.magnum",
    "heatctl.resources.manila",
    "heatctl.resources.mistral",
    "heatctl.resources.trove",
    "heatctl.resources.zaqar",
    "heatctl.resources.zun",
    "heatctl.resources.aws",
    "heatctl.resources.aws_ec2",
)


def register(cls: T) -> T:
    """Class decorator: make `cls` the plugin for `cls.type_name`."""
    if not cls.type_name:
        raise ValueError(f"{cls.__name__} has no type_name")
    if cls.type_name in _TYPES and _TYPES[cls.type_name] is not cls:
        raise ValueError(f"resource type {cls.type_name} registered twice")
    _TYPES[cls.type_name] = cls
    return cls


_loaded = False


def load_builtin() -> None:
    """Import every built-in resource module once (they register themselves)."""
    global _loaded
    if _loaded:
        return
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    _loaded = True


def get(type_name: str) -> type[ResourceType] | None:
    load_builtin()
    return _TYPES.get(type_name)


def names() -> list[str]:
    load_builtin()
    return sorted(_TYPES)


def all_types() -> Iterator[type[ResourceType]]:
    load_builtin()
    for name in sorted(_TYPES):
        yield _TYPES[name]


def registered(predicate: Callable[[type[ResourceType]], bool] | None = None) -> list[Any]:
    load_builtin()
    return [cls for cls in _TYPES.values() if predicate is None or predicate(cls)]
