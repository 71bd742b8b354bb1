"""The sandbox's services built on the generic CRUD framework (heatctl/sandbox/generic.py).

Each entry is "module:function"; the function takes the Cloud and returns a
GenericService. The application routes each service's prefix, the identity catalog lists
its endpoint and the inventory lists its objects. To add a service, append one line.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from heatctl.sandbox.cloud import Cloud
    from heatctl.sandbox.generic import GenericService, ServiceSpec

SERVICE_FACTORIES: tuple[str, ...] = (
    "heatctl.sandbox.octavia:make",
    "heatctl.sandbox.designate:make",
    "heatctl.sandbox.barbican:make",
    "heatctl.sandbox.aodh:make",
    "heatctl.sandbox.manila:make",
    "heatctl.sandbox.mistral:make",
    "heatctl.sandbox.zaqar:make",
    "heatctl.sandbox.magnum:make",
    "heatctl.sandbox.trove:make",
    "heatctl.sandbox.zun:make",
    "heatctl.sandbox.blazar:make",
    "heatctl.sandbox.ironic:make",
)


def make_services(cloud: Cloud) -> list[GenericService]:
    """One service object per registered factory."""
    services = []
    for entry in SERVICE_FACTORIES:
        module, _, function = entry.partition(":")
        services.append(getattr(importlib.import_module(module), function)(cloud))
    return services


@cache
def specs() -> tuple[ServiceSpec, ...]:
    """The registered services' specs (their catalog entries, prefixes and collections)."""
    module_names = [entry.partition(":")[0] for entry in SERVICE_FACTORIES]
    return tuple(importlib.import_module(name).SPEC for name in module_names)


def catalog_entries() -> list[tuple[str, str, str]]:
    """(service type, name, endpoint path) for the identity catalog."""
    return [(spec.type, spec.name, spec.endpoint) for spec in specs()]


def inventory_keys() -> dict[str, str]:
    """Store kind -> "<service type>/<collection name>" for Sandbox.inventory()."""
    keys = {c.kind: f"{spec.type}/{c.name}" for spec in specs() for c in spec.collections}
    for spec in specs():
        keys.update({kind: f"{spec.type}/{name}" for kind, name in spec.extra_kinds})
    return keys
