"""The 50-resource stack of the sandbox crash test, in two versions (the update target)."""

from __future__ import annotations

from typing import Any

import yaml


def template(version: int) -> str:
    """10 x (net, subnet, 2 ports), 5 security groups, 5 volumes. Version 2 renames every
    port and volume (update in place), replaces two subnets (new CIDR; their ports follow),
    and swaps two security groups for two new ones."""
    resources: dict[str, Any] = {}
    for i in range(10):
        cidr = f"10.{i}.0.0/24" if version == 1 or i >= 2 else f"10.{i + 100}.0.0/24"
        resources[f"net{i}"] = {"type": "OS::Neutron::Net", "properties": {"name": f"net{i}"}}
        resources[f"subnet{i}"] = {
            "type": "OS::Neutron::Subnet",
            "properties": {"network": {"get_resource": f"net{i}"}, "cidr": cidr},
        }
        for side in ("a", "b"):
            resources[f"port{i}{side}"] = {
                "type": "OS::Neutron::Port",
                "properties": {
                    "name": f"port{i}{side}-v{version}",
                    "network": {"get_resource": f"net{i}"},
                    "fixed_ips": [{"subnet": {"get_resource": f"subnet{i}"}}],
                },
            }
    for i in range(5):
        name = f"sg{i}" if version == 1 or i < 3 else f"sgx{i}"
        resources[name] = {"type": "OS::Neutron::SecurityGroup", "properties": {}}
        resources[f"vol{i}"] = {
            "type": "OS::Cinder::Volume",
            "properties": {"size": 1, "name": f"vol{i}-v{version}"},
        }
    return yaml.safe_dump({"heat_template_version": "2018-08-31", "resources": resources})
