"""Ironic (bare metal) resource types."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack_ironic import PORT
from heatctl.engine.openstack_services2 import status_lifecycle
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    attribute,
    boolean,
    custom,
    map_of,
    string,
)


@register
class Port(ResourceType):
    """OS::Ironic::Port: An Ironic (bare metal) port: a network interface of a node (admin only)."""

    type_name = "OS::Ironic::Port"
    description = "An Ironic (bare metal) port: a network interface of a node (admin only)."
    properties: ClassVar[dict[str, Property]] = {
        "address": string("MAC address of the port.", required=True, update_allowed=True),
        "extra": map_of("Extra key/value metadata.", update_allowed=True),
        "is_smartnic": boolean("Whether the port is a Smart NIC port.", update_allowed=True),
        "local_link_connection": map_of(
            "Switch the port is cabled to (switch_id, port_id, switch_info).", update_allowed=True
        ),
        "node": string(
            "Bare metal node (name or id) the port belongs to.",
            required=True,
            update_allowed=True,
            constraints=(custom("ironic.node"),),
        ),
        "physical_network": string(
            "Physical network the port is connected to.", update_allowed=True
        ),
        "portgroup": string(
            "Port group (name or id) the port belongs to.",
            update_allowed=True,
            constraints=(custom("ironic.portgroup"),),
        ),
        "pxe_enabled": boolean(
            "Whether the node may PXE boot from this port.", update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "address": attribute("MAC address of the port.", PropertyType.STRING),
        "extra": attribute("Extra metadata.", PropertyType.MAP),
        "internal_info": attribute("Internal metadata kept by Ironic.", PropertyType.MAP),
        "is_smartnic": attribute("Whether the port is a Smart NIC port.", PropertyType.BOOLEAN),
        "local_link_connection": attribute("Switch the port is cabled to.", PropertyType.MAP),
        "node_uuid": attribute("Id of the node.", PropertyType.STRING),
        "physical_network": attribute("Physical network of the port.", PropertyType.STRING),
        "portgroup_uuid": attribute("Id of the port group.", PropertyType.STRING),
        "pxe_enabled": attribute("Whether PXE boot is enabled.", PropertyType.BOOLEAN),
    }

    # Lifecycle: heatctl.engine.openstack_ironic.PORT.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(PORT)
