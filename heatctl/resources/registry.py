"""The registry of resource types: `@register` on a class, `get(name)` to find it."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import ClassVar, TypeVar

from heatctl.resources.schema import BASE_ATTRIBUTES, Attribute, Property, TypeSchema
from heatctl.resources.values import PropertyValues, Report


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
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Rules across properties (Heat's plugin `validate()`), run once the schema checks pass.

        The base type has none; types override this. `report(path, message)` as in
        `heatctl.resources.validate.validate_properties`.
        """

    @classmethod
    def schema(cls) -> TypeSchema:
        """The declared schema as data, with the attributes every resource has."""
        return TypeSchema(
            name=cls.type_name,
            description=cls.description,
            properties=cls.properties,
            attributes={**BASE_ATTRIBUTES, **cls.attributes},
            dynamic_attributes=cls.dynamic_attributes,
            open_properties=cls.open_properties,
            check=cls.check_values,
        )


T = TypeVar("T", bound=type[ResourceType])

_TYPES: dict[str, type[ResourceType]] = {}

# Modules holding the built-in types, by type-name prefix. `get` imports only the modules of
# the prefix it is asked about (a template uses a few services), `names` imports all.
MODULES_BY_PREFIX: dict[str, tuple[str, ...]] = {
    "OS::Heat::": ("heat", "heat_groups", "heat_software", "heat_signals"),
    "OS::Nova::": ("nova",),
    "OS::Neutron::": (
        "neutron",
        "neutron_extra",
        "neutron_admin",
        "neutron_services",
        "neutron_vpn",
    ),
    "OS::Octavia::": ("octavia",),
    "OS::Cinder::": ("cinder",),
    "OS::Swift::": ("swift",),
    "OS::Glance::": ("glance",),
    "OS::Aodh::": ("aodh", "aodh_more"),
    "OS::Keystone::": ("keystone",),
    "OS::Barbican::": ("barbican",),
    "OS::Blazar::": ("blazar",),
    "OS::Designate::": ("designate",),
    "OS::Ironic::": ("ironic",),
    "OS::Magnum::": ("magnum",),
    "OS::Manila::": ("manila",),
    "OS::Mistral::": ("mistral",),
    "OS::Trove::": ("trove",),
    "OS::Zaqar::": ("zaqar",),
    "OS::Zun::": ("zun",),
    "AWS::EC2::": ("aws_ec2",),
    "AWS::AutoScaling::": ("aws_autoscaling",),
    "AWS::": ("aws",),
}

BUILTIN_MODULES: tuple[str, ...] = tuple(
    f"heatctl.resources.{module}" for modules in MODULES_BY_PREFIX.values() for module in modules
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


def _load_for(type_name: str) -> None:
    """Import the modules that can hold `type_name` (all of them for an unknown prefix)."""
    prefix = max((p for p in MODULES_BY_PREFIX if type_name.startswith(p)), key=len, default=None)
    if prefix is None:
        load_builtin()
        return
    for module in MODULES_BY_PREFIX[prefix]:
        importlib.import_module(f"heatctl.resources.{module}")


def get(type_name: str) -> type[ResourceType] | None:
    """The plugin class of `type_name`, or None when no plugin implements it."""
    if type_name not in _TYPES:
        _load_for(type_name)
    return _TYPES.get(type_name)


def names() -> list[str]:
    """Every registered type name, sorted (imports every built-in module)."""
    load_builtin()
    return sorted(_TYPES)


def all_types() -> Iterator[type[ResourceType]]:
    """Every registered plugin class, sorted by type name."""
    load_builtin()
    for name in sorted(_TYPES):
        yield _TYPES[name]
