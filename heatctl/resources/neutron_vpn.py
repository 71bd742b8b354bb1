"""Neutron VPNaaS resource types: VPN services, IKE and IPsec policies, site connections."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack_neutron import rest_lifecycle
from heatctl.engine.openstack_neutron_services import (
    IKE_POLICY,
    IPSEC_POLICY,
    IPSEC_SITE_CONNECTION,
    VPN_SERVICE,
)
from heatctl.resources.common import by_name
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


def policy_algorithms(*, update_allowed: bool) -> dict[str, Property]:
    """The algorithm and lifetime properties IKE and IPsec policies share.

    An IKE policy declares them updatable, an IPsec policy does not.
    """
    return {
        "auth_algorithm": string(
            "Authentication hash algorithm.",
            default="sha1",
            update_allowed=update_allowed,
            constraints=(
                allowed_values("sha1", "sha256", "sha384", "sha512", "aes-xcbc", "aes-cmac"),
            ),
        ),
        "encryption_algorithm": string(
            "Encryption algorithm.",
            default="aes-128",
            update_allowed=update_allowed,
            constraints=(
                allowed_values(
                    "3des",
                    "aes-128",
                    "aes-192",
                    "aes-256",
                    "aes-128-ccm-8",
                    "aes-192-ccm-8",
                    "aes-256-ccm-8",
                    "aes-128-ccm-12",
                    "aes-192-ccm-12",
                    "aes-256-ccm-12",
                    "aes-128-ccm-16",
                    "aes-192-ccm-16",
                    "aes-256-ccm-16",
                    "aes-128-gcm-8",
                    "aes-192-gcm-8",
                    "aes-256-gcm-8",
                    "aes-128-gcm-12",
                    "aes-192-gcm-12",
                    "aes-256-gcm-12",
                    "aes-128-gcm-16",
                    "aes-192-gcm-16",
                    "aes-256-gcm-16",
                    "aes-128-ctr",
                    "aes-192-ctr",
                    "aes-256-ctr",
                ),
            ),
        ),
        "lifetime": map_of(
            "Security association lifetime.",
            {
                "units": string(
                    "Unit of the lifetime.",
                    default="seconds",
                    constraints=(allowed_values("seconds", "kilobytes"),),
                ),
                "value": integer("Length of the lifetime.", default=3600),
            },
            update_allowed=update_allowed,
        ),
        "pfs": string(
            "Perfect forward secrecy group.",
            default="group5",
            update_allowed=update_allowed,
            constraints=(
                allowed_values(
                    "group2",
                    "group5",
                    "group14",
                    "group15",
                    "group16",
                    "group17",
                    "group18",
                    "group19",
                    "group20",
                    "group21",
                    "group22",
                    "group23",
                    "group24",
                    "group25",
                    "group26",
                    "group27",
                    "group28",
                    "group29",
                    "group30",
                    "group31",
                ),
            ),
        ),
    }


@register
class VPNService(ResourceType):
    """OS::Neutron::VPNService: A Neutron VPNaaS VPN service on a router."""

    type_name = "OS::Neutron::VPNService"
    description = "A Neutron VPNaaS VPN service on a router."
    properties: ClassVar[dict[str, Property]] = {
        "admin_state_up": boolean(
            "Administrative state of the service.", default=True, update_allowed=True
        ),
        "description": string("Description of the service.", update_allowed=True),
        "name": string("Name of the service.", update_allowed=True),
        "router": string(
            "Router (name or id) to run the VPN on.",
            required=True,
            constraints=(custom("neutron.router"),),
        ),
        "router_id": string(
            "Old name of `router`.",
            constraints=(custom("neutron.router"),),
            hidden=True,
            alias_of="router",
        ),
        "subnet": string(
            "Subnet (name or id) the VPN serves.",
            required=True,
            constraints=(custom("neutron.subnet"),),
        ),
        "subnet_id": string(
            "Old name of `subnet`.",
            constraints=(custom("neutron.subnet"),),
            hidden=True,
            alias_of="subnet",
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "admin_state_up": attribute("Administrative state.", PropertyType.STRING),
        "description": attribute("Description of the service.", PropertyType.STRING),
        "name": attribute("Name of the service.", PropertyType.STRING),
        "router_id": attribute("Id of the router.", PropertyType.STRING),
        "status": attribute("Status of the service.", PropertyType.STRING),
        "subnet_id": attribute("Id of the subnet.", PropertyType.STRING),
        "tenant_id": attribute("Project that owns the service.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.VPN_SERVICE (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(VPN_SERVICE)


@register
class IKEPolicy(ResourceType):
    """OS::Neutron::IKEPolicy: A Neutron VPNaaS IKE policy."""

    type_name = "OS::Neutron::IKEPolicy"
    description = "A Neutron VPNaaS IKE policy."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **policy_algorithms(update_allowed=True),
            "description": string("Description of the policy.", update_allowed=True),
            "ike_version": string(
                "IKE version.",
                default="v1",
                update_allowed=True,
                constraints=(allowed_values("v1", "v2"),),
            ),
            "name": string("Name of the policy.", update_allowed=True),
            "phase1_negotiation_mode": string(
                "Phase 1 negotiation mode.", default="main", constraints=(allowed_values("main"),)
            ),
        }
    )
    attributes: ClassVar[dict[str, Attribute]] = {
        "auth_algorithm": attribute("Authentication hash algorithm.", PropertyType.STRING),
        "description": attribute("Description of the policy.", PropertyType.STRING),
        "encryption_algorithm": attribute("Encryption algorithm.", PropertyType.STRING),
        "ike_version": attribute("IKE version.", PropertyType.STRING),
        "lifetime": attribute("Security association lifetime.", PropertyType.MAP),
        "name": attribute("Name of the policy.", PropertyType.STRING),
        "pfs": attribute("Perfect forward secrecy group.", PropertyType.STRING),
        "phase1_negotiation_mode": attribute("Phase 1 negotiation mode.", PropertyType.STRING),
        "tenant_id": attribute("Project that owns the policy.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.IKE_POLICY (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(IKE_POLICY)


@register
class IPsecPolicy(ResourceType):
    """OS::Neutron::IPsecPolicy: A Neutron VPNaaS IPsec policy."""

    type_name = "OS::Neutron::IPsecPolicy"
    description = "A Neutron VPNaaS IPsec policy."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **policy_algorithms(update_allowed=False),
            "description": string("Description of the policy.", update_allowed=True),
            "encapsulation_mode": string(
                "Tunnel or transport mode.",
                default="tunnel",
                constraints=(allowed_values("tunnel", "transport"),),
            ),
            "name": string("Name of the policy.", update_allowed=True),
            "transform_protocol": string(
                "Transform protocol.",
                default="esp",
                constraints=(allowed_values("esp", "ah", "ah-esp"),),
            ),
        }
    )
    attributes: ClassVar[dict[str, Attribute]] = {
        "auth_algorithm": attribute("Authentication hash algorithm.", PropertyType.STRING),
        "description": attribute("Description of the policy.", PropertyType.STRING),
        "encapsulation_mode": attribute("Encapsulation mode.", PropertyType.STRING),
        "encryption_algorithm": attribute("Encryption algorithm.", PropertyType.STRING),
        "lifetime": attribute("Security association lifetime.", PropertyType.MAP),
        "name": attribute("Name of the policy.", PropertyType.STRING),
        "pfs": attribute("Perfect forward secrecy group.", PropertyType.STRING),
        "tenant_id": attribute("Project that owns the policy.", PropertyType.STRING),
        "transform_protocol": attribute("Transform protocol.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.IPSEC_POLICY (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(IPSEC_POLICY)


@register
class IPsecSiteConnection(ResourceType):
    """OS::Neutron::IPsecSiteConnection: A Neutron VPNaaS IPsec connection to a remote site."""

    type_name = "OS::Neutron::IPsecSiteConnection"
    # The pre-shared key is masked in output and kept out of `show`.
    secret_attributes: ClassVar[tuple[str, ...]] = ("psk",)
    description = "A Neutron VPNaaS IPsec connection to a remote site."
    properties: ClassVar[dict[str, Property]] = {
        "admin_state_up": boolean(
            "Administrative state of the connection.", default=True, update_allowed=True
        ),
        "description": string("Description of the connection.", update_allowed=True),
        "dpd": map_of(
            "Dead peer detection settings.",
            {
                "actions": string(
                    "What to do when the peer is found dead.",
                    default="hold",
                    constraints=(
                        allowed_values("clear", "disabled", "hold", "restart", "restart-by-peer"),
                    ),
                ),
                "interval": integer("Seconds between dead peer checks.", default=30),
                "timeout": integer("Seconds before the peer counts as dead.", default=120),
            },
        ),
        "ikepolicy_id": string("IKE policy (id).", required=True),
        "initiator": string(
            "Whether this side starts the connection too or only answers.",
            default="bi-directional",
            constraints=(allowed_values("bi-directional", "response-only"),),
        ),
        "ipsecpolicy_id": string("IPsec policy (id).", required=True),
        "mtu": integer("MTU of the connection, in bytes.", default=1500),
        "name": string("Name of the connection.", update_allowed=True),
        "peer_address": string("Public address or FQDN of the remote router.", required=True),
        "peer_cidrs": list_of(
            "Remote subnets (CIDRs).",
            item=string("A remote CIDR.", constraints=(custom("net_cidr"),)),
            required=True,
        ),
        "peer_id": string("Identity of the remote router.", required=True),
        "psk": string("Pre-shared key.", required=True),
        "vpnservice_id": string("VPN service (id).", required=True),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "admin_state_up": attribute("Administrative state.", PropertyType.STRING),
        "auth_mode": attribute("Authentication mode.", PropertyType.STRING),
        "description": attribute("Description of the connection.", PropertyType.STRING),
        "dpd": attribute("Dead peer detection settings.", PropertyType.MAP),
        "ikepolicy_id": attribute("Id of the IKE policy.", PropertyType.STRING),
        "initiator": attribute("Initiator setting.", PropertyType.STRING),
        "ipsecpolicy_id": attribute("Id of the IPsec policy.", PropertyType.STRING),
        "mtu": attribute("MTU in bytes.", PropertyType.STRING),
        "name": attribute("Name of the connection.", PropertyType.STRING),
        "peer_address": attribute("Address of the remote router.", PropertyType.STRING),
        "peer_cidrs": attribute("Remote subnets.", PropertyType.LIST),
        "peer_id": attribute("Identity of the remote router.", PropertyType.STRING),
        "psk": attribute("Pre-shared key.", PropertyType.STRING),
        "route_mode": attribute("Route mode.", PropertyType.STRING),
        "status": attribute("Status of the connection.", PropertyType.STRING),
        "tenant_id": attribute("Project that owns the connection.", PropertyType.STRING),
        "vpnservice_id": attribute("Id of the VPN service.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.IPSEC_SITE_CONNECTION (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(IPSEC_SITE_CONNECTION)
