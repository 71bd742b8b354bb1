"""Manila (shared file systems) resource types."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack_manila import SECURITY_SERVICE, SHARE, SHARE_NETWORK, SHARE_TYPE
from heatctl.engine.openstack_services2 import status_lifecycle
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_values,
    attribute,
    boolean,
    custom,
    integer,
    list_of,
    map_of,
    string,
)
from heatctl.resources.values import PropertyValues, Report


@register
class Share(ResourceType):
    """OS::Manila::Share: A Manila shared file system."""

    type_name = "OS::Manila::Share"
    description = "A Manila shared file system."
    properties: ClassVar[dict[str, Property]] = {
        "access_rules": list_of(
            "Who may access the share.",
            item=map_of(
                "One access rule.",
                {
                    "access_level": string(
                        "Read-only or read-write.", constraints=(allowed_values("ro", "rw"),)
                    ),
                    "access_to": string(
                        "Address, user or certificate given access.", required=True
                    ),
                    "access_type": string(
                        "Kind of access_to value.",
                        required=True,
                        constraints=(allowed_values("ip", "user", "cert", "cephx"),),
                    ),
                },
            ),
            default=[],
            update_allowed=True,
        ),
        "description": string("Description of the share.", update_allowed=True),
        "is_public": boolean(
            "Whether the share is visible to every project.", default=False, update_allowed=True
        ),
        "metadata": map_of("Key/value metadata of the share.", update_allowed=True),
        "name": string("Name of the share.", update_allowed=True),
        "share_network": string(
            "Share network (name or id).", constraints=(custom("manila.share_network"),)
        ),
        "share_protocol": string(
            "File sharing protocol.",
            required=True,
            constraints=(allowed_values("NFS", "CIFS", "GlusterFS", "HDFS", "CEPHFS"),),
        ),
        "share_type": string(
            "Share type (name or id).", constraints=(custom("manila.share_type"),)
        ),
        "size": integer("Size in GB.", required=True),
        "snapshot": string(
            "Share snapshot (name or id) to create the share from.",
            constraints=(custom("manila.share_snapshot"),),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "availability_zone": attribute("Availability zone of the share.", PropertyType.STRING),
        "created_at": attribute("When the share was created.", PropertyType.STRING),
        "export_locations": attribute("Paths the share is exported at.", PropertyType.LIST),
        "host": attribute("Host of the share.", PropertyType.STRING),
        "project_id": attribute("Project that owns the share.", PropertyType.STRING),
        "share_server_id": attribute(
            "Id of the share server exporting the share.", PropertyType.STRING
        ),
        "status": attribute("Status of the share.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_manila.SHARE.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(SHARE)


@register
class ShareNetwork(ResourceType):
    """OS::Manila::ShareNetwork: A Manila share network: the Neutron network share servers live on."""

    type_name = "OS::Manila::ShareNetwork"
    description = "A Manila share network: the Neutron network share servers live on."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the share network.", update_allowed=True),
        "name": string("Name of the share network.", update_allowed=True),
        "neutron_network": string(
            "Neutron network (name or id).",
            update_allowed=True,
            constraints=(custom("neutron.network"),),
        ),
        "neutron_subnet": string(
            "Neutron subnet (name or id).",
            update_allowed=True,
            constraints=(custom("neutron.subnet"),),
        ),
        "nova_network": string("Nova network id (legacy).", update_allowed=True, hidden=True),
        "security_services": list_of(
            "Security services (names or ids) of the network.",
            item=string("One entry of the list."),
            default=[],
            update_allowed=True,
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "cidr": attribute("CIDR of the subnet.", PropertyType.STRING),
        "ip_version": attribute("IP version.", PropertyType.STRING),
        "network_type": attribute("Network type.", PropertyType.STRING),
        "segmentation_id": attribute("Segmentation id of the network.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """No Nova network; a Neutron network needs its subnet."""
        if values.truthy("nova_network"):
            report(("nova_network",), "nova_network is no longer supported")
        elif values.truthy("neutron_network") and not values.truthy("neutron_subnet"):
            report(("neutron_network",), "property 'neutron_network' needs 'neutron_subnet'")

    # Lifecycle: heatctl.engine.openstack_manila.SHARE_NETWORK.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(SHARE_NETWORK)


@register
class ShareType(ResourceType):
    """OS::Manila::ShareType: A Manila share type (admin only)."""

    type_name = "OS::Manila::ShareType"
    description = "A Manila share type (admin only)."
    properties: ClassVar[dict[str, Property]] = {
        "driver_handles_share_servers": boolean(
            "Whether the driver manages share servers (required extra spec).", required=True
        ),
        "extra_specs": map_of("Extra specs of the type.", update_allowed=True),
        "is_public": boolean("Whether every project can use the type.", default=True),
        "name": string("Name of the type.", required=True),
        "snapshot_support": boolean("Whether backends must support snapshots.", default=True),
    }

    # Lifecycle: heatctl.engine.openstack_manila.SHARE_TYPE.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(SHARE_TYPE)


@register
class SecurityService(ResourceType):
    """OS::Manila::SecurityService: A Manila security service (LDAP, Kerberos or Active Directory) for share networks."""

    type_name = "OS::Manila::SecurityService"
    description = (
        "A Manila security service (LDAP, Kerberos or Active Directory) for share networks."
    )
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the service.", update_allowed=True),
        "dns_ip": string("DNS server address inside the project network.", update_allowed=True),
        "domain": string("Domain of the service.", update_allowed=True),
        "name": string("Name of the service.", update_allowed=True),
        "password": string("Password of the service user.", update_allowed=True),
        "server": string("Address or host name of the service.", update_allowed=True),
        "type": string(
            "Kind of service.",
            required=True,
            constraints=(allowed_values("ldap", "kerberos", "active_directory"),),
        ),
        "user": string("User or group of the service.", update_allowed=True),
    }

    # Lifecycle: heatctl.engine.openstack_manila.SECURITY_SERVICE.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(SECURITY_SERVICE)
