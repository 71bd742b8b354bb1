"""Neutron service extensions: firewall, metering, gateways, service chains, tap-as-a-service."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack_neutron import rest_lifecycle
from heatctl.engine.openstack_neutron_kinds import METERING_LABEL, METERING_RULE
from heatctl.engine.openstack_neutron_services import (
    FIREWALL,
    FIREWALL_POLICY,
    FIREWALL_RULE,
    FLOW_CLASSIFIER,
    L2_GATEWAY,
    L2_GATEWAY_CONNECTION,
    NETWORK_GATEWAY,
    PORT_CHAIN,
    PORT_PAIR,
    PORT_PAIR_GROUP,
    TAP_FLOW,
    TAP_SERVICE,
)
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_pattern,
    allowed_values,
    attribute,
    boolean,
    custom,
    integer,
    length,
    list_of,
    map_of,
    string,
    value_range,
)
from heatctl.resources.values import PropertyValues, Report, check_value_specs


@register
class Firewall(ResourceType):
    """OS::Neutron::Firewall: A Neutron FWaaS firewall applying a firewall policy."""

    type_name = "OS::Neutron::Firewall"
    description = "A Neutron FWaaS firewall applying a firewall policy."
    properties: ClassVar[dict[str, Property]] = {
        "admin_state_up": boolean(
            "Administrative state; when down, all traffic is dropped.",
            default=True,
            update_allowed=True,
        ),
        "description": string("Description of the firewall.", update_allowed=True),
        "firewall_policy_id": string(
            "Firewall policy (id) applied.", required=True, update_allowed=True
        ),
        "name": string("Name of the firewall.", update_allowed=True),
        "shared": boolean(
            "Share the firewall with every project (unsupported by Heat).", update_allowed=True
        ),
        "value_specs": map_of(
            "Extra attributes sent with the firewall request.", default={}, update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "admin_state_up": attribute("Administrative state.", PropertyType.STRING),
        "description": attribute("Description of the firewall.", PropertyType.STRING),
        "firewall_policy_id": attribute("Id of the firewall policy.", PropertyType.STRING),
        "name": attribute("Name of the firewall.", PropertyType.STRING),
        "shared": attribute(
            "Whether the firewall is shared (unsupported by Heat).", PropertyType.STRING
        ),
        "status": attribute("Status of the firewall.", PropertyType.STRING),
        "tenant_id": attribute("Project that owns the firewall.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """value_specs cannot set a property (or shared, tenant_id)."""
        check_value_specs(values, report)

    # Lifecycle: heatctl.engine.openstack_neutron_services.FIREWALL (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(FIREWALL)


@register
class FirewallPolicy(ResourceType):
    """OS::Neutron::FirewallPolicy: An ordered list of Neutron FWaaS firewall rules."""

    type_name = "OS::Neutron::FirewallPolicy"
    description = "An ordered list of Neutron FWaaS firewall rules."
    properties: ClassVar[dict[str, Property]] = {
        "audited": boolean(
            "Mark the policy audited; any change clears the mark.",
            default=False,
            update_allowed=True,
        ),
        "description": string("Description of the policy.", update_allowed=True),
        "firewall_rules": list_of("Firewall rules (ids), in order.", update_allowed=True),
        "name": string("Name of the policy.", update_allowed=True),
        "shared": boolean(
            "Share the policy with every project.", default=False, update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "audited": attribute("Whether the policy is audited.", PropertyType.STRING),
        "description": attribute("Description of the policy.", PropertyType.STRING),
        "firewall_rules": attribute("Rules of the policy.", PropertyType.LIST),
        "name": attribute("Name of the policy.", PropertyType.STRING),
        "shared": attribute("Whether the policy is shared.", PropertyType.STRING),
        "tenant_id": attribute("Project that owns the policy.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.FIREWALL_POLICY (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(FIREWALL_POLICY)


@register
class FirewallRule(ResourceType):
    """OS::Neutron::FirewallRule: A Neutron FWaaS firewall rule."""

    type_name = "OS::Neutron::FirewallRule"
    description = "A Neutron FWaaS firewall rule."
    properties: ClassVar[dict[str, Property]] = {
        "action": string(
            "Allow or deny matching traffic.",
            default="deny",
            update_allowed=True,
            constraints=(allowed_values("allow", "deny"),),
        ),
        "description": string("Description of the rule.", update_allowed=True),
        "destination_ip_address": string(
            "Destination address or CIDR matched.",
            update_allowed=True,
            constraints=(custom("net_cidr"),),
        ),
        "destination_port": string("Destination port or range (a:b) matched.", update_allowed=True),
        "enabled": boolean("Whether the rule is enabled.", default=True, update_allowed=True),
        "ip_version": string(
            "IP version, 4 or 6.",
            default="4",
            update_allowed=True,
            constraints=(allowed_values("4", "6"),),
        ),
        "name": string("Name of the rule.", update_allowed=True),
        "protocol": string(
            "Protocol matched.",
            default="any",
            update_allowed=True,
            constraints=(allowed_values("tcp", "udp", "icmp", "any"),),
        ),
        "shared": boolean("Share the rule with every project.", default=False, update_allowed=True),
        "source_ip_address": string(
            "Source address or CIDR matched.",
            update_allowed=True,
            constraints=(custom("net_cidr"),),
        ),
        "source_port": string("Source port or range (a:b) matched.", update_allowed=True),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "action": attribute("Action of the rule.", PropertyType.STRING),
        "description": attribute("Description of the rule.", PropertyType.STRING),
        "destination_ip_address": attribute("Destination address matched.", PropertyType.STRING),
        "destination_port": attribute("Destination ports matched.", PropertyType.STRING),
        "enabled": attribute("Whether the rule is enabled.", PropertyType.STRING),
        "firewall_policy_id": attribute(
            "Id of the policy the rule belongs to.", PropertyType.STRING
        ),
        "ip_version": attribute("IP version.", PropertyType.STRING),
        "name": attribute("Name of the rule.", PropertyType.STRING),
        "position": attribute("Position of the rule in its policy.", PropertyType.STRING),
        "protocol": attribute("Protocol matched.", PropertyType.STRING),
        "shared": attribute("Whether the rule is shared.", PropertyType.STRING),
        "source_ip_address": attribute("Source address matched.", PropertyType.STRING),
        "source_port": attribute("Source ports matched.", PropertyType.STRING),
        "tenant_id": attribute("Project that owns the rule.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.FIREWALL_RULE (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(FIREWALL_RULE)


@register
class MeteringLabel(ResourceType):
    """OS::Neutron::MeteringLabel: A Neutron metering label that counts traffic."""

    type_name = "OS::Neutron::MeteringLabel"
    description = "A Neutron metering label that counts traffic."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the label."),
        "name": string("Name of the label."),
        "shared": boolean("Apply the label to every project.", default=False),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "description": attribute("Description of the label.", PropertyType.STRING),
        "name": attribute("Name of the label.", PropertyType.STRING),
        "shared": attribute("Whether the label is shared.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_kinds.METERING_LABEL (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(METERING_LABEL)


@register
class MeteringRule(ResourceType):
    """OS::Neutron::MeteringRule: A rule selecting the traffic a Neutron metering label counts."""

    type_name = "OS::Neutron::MeteringRule"
    description = "A rule selecting the traffic a Neutron metering label counts."
    properties: ClassVar[dict[str, Property]] = {
        "direction": string(
            "Traffic direction counted.",
            default="ingress",
            constraints=(allowed_values("ingress", "egress"),),
        ),
        "excluded": boolean(
            "Exclude the prefix from the count instead of including it.", default="False"
        ),
        "metering_label_id": string("Metering label (id) the rule belongs to.", required=True),
        "remote_ip_prefix": string("Remote CIDR matched.", required=True),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "direction": attribute("Direction counted.", PropertyType.STRING),
        "excluded": attribute("Whether the prefix is excluded.", PropertyType.STRING),
        "metering_label_id": attribute("Id of the metering label.", PropertyType.STRING),
        "remote_ip_prefix": attribute("Remote CIDR matched.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_kinds.METERING_RULE (label, prefix, direction).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(METERING_RULE)


@register
class L2Gateway(ResourceType):
    """OS::Neutron::L2Gateway: A Neutron L2 gateway bridging networks to physical devices."""

    type_name = "OS::Neutron::L2Gateway"
    description = "A Neutron L2 gateway bridging networks to physical devices."
    properties: ClassVar[dict[str, Property]] = {
        "devices": list_of(
            "Gateway devices.",
            item=map_of(
                "One device.",
                {
                    "device_name": string("Name of the device.", required=True),
                    "interfaces": list_of(
                        "Interfaces of the device.",
                        item=map_of(
                            "One interface.",
                            {
                                "name": string("Name of the interface.", required=True),
                                "segmentation_id": list_of("Segmentation ids on the interface."),
                            },
                        ),
                        required=True,
                    ),
                },
            ),
            required=True,
            update_allowed=True,
        ),
        "name": string("Name of the gateway.", required=True, update_allowed=True),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.L2_GATEWAY (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(L2_GATEWAY)


@register
class L2GatewayConnection(ResourceType):
    """OS::Neutron::L2GatewayConnection: Connects a Neutron network to an L2 gateway."""

    type_name = "OS::Neutron::L2GatewayConnection"
    description = "Connects a Neutron network to an L2 gateway."
    properties: ClassVar[dict[str, Property]] = {
        "l2_gateway_id": string("L2 gateway (id).", required=True),
        "network_id": string(
            "Network (name or id) to connect.",
            required=True,
            constraints=(custom("neutron.network"),),
        ),
        "segmentation_id": string("Segmentation id on the gateway interface."),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.L2_GATEWAY_CONNECTION (found again by gateway and network).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(L2_GATEWAY_CONNECTION)


@register
class NetworkGateway(ResourceType):
    """OS::Neutron::NetworkGateway: A Neutron network gateway (VMware NSX extension)."""

    type_name = "OS::Neutron::NetworkGateway"
    description = "A Neutron network gateway (VMware NSX extension)."
    properties: ClassVar[dict[str, Property]] = {
        "connections": list_of(
            "Networks connected through the gateway.",
            item=map_of(
                "One connection.",
                {
                    "network": string(
                        "Network (name or id) to connect.",
                        required=True,
                        constraints=(custom("neutron.network"),),
                    ),
                    "network_id": string(
                        "Old name of `network`.",
                        constraints=(custom("neutron.network"),),
                        hidden=True,
                        alias_of="network",
                    ),
                    "segmentation_id": integer(
                        "VLAN id on the external side (for vlan).",
                        constraints=(value_range(min=0, max=4094),),
                    ),
                    "segmentation_type": string(
                        "Segmentation on the external side.",
                        default="flat",
                        constraints=(allowed_values("flat", "vlan"),),
                    ),
                },
            ),
            default={},
            update_allowed=True,
        ),
        "devices": list_of(
            "Devices of the gateway.",
            item=map_of(
                "One device.",
                {
                    "id": string("Id of the device.", required=True),
                    "interface_name": string("Interface of the device.", required=True),
                },
            ),
            required=True,
            update_allowed=True,
            constraints=(length(min=1),),
        ),
        "name": string("Name of the gateway.", update_allowed=True),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "default": attribute("Whether this is the default gateway.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.NETWORK_GATEWAY (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(NETWORK_GATEWAY)


@register
class FlowClassifier(ResourceType):
    """OS::Neutron::FlowClassifier: A networking-sfc flow classifier (marked unsupported by Heat)."""

    type_name = "OS::Neutron::FlowClassifier"
    description = "A networking-sfc flow classifier (marked unsupported by Heat)."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the classifier.", update_allowed=True),
        "destination_ip_prefix": string(
            "Destination CIDR matched.", constraints=(custom("net_cidr"),)
        ),
        "destination_port_range_max": integer(
            "Highest destination port matched.", constraints=(value_range(min=1, max=65535),)
        ),
        "destination_port_range_min": integer(
            "Lowest destination port matched.", constraints=(value_range(min=1, max=65535),)
        ),
        "ethertype": string(
            "IPv4 or IPv6.", default="IPv4", constraints=(allowed_values("IPv4", "IPv6"),)
        ),
        "l7_parameters": map_of("Layer 7 parameters (unsupported)."),
        "logical_destination_port": string(
            "Destination Neutron port (name or id).", constraints=(custom("neutron.port"),)
        ),
        "logical_source_port": string(
            "Source Neutron port (name or id).", constraints=(custom("neutron.port"),)
        ),
        "name": string("Name of the classifier.", update_allowed=True),
        "protocol": string(
            "Protocol matched.", constraints=(allowed_values("tcp", "udp", "icmp"),)
        ),
        "source_ip_prefix": string("Source CIDR matched.", constraints=(custom("net_cidr"),)),
        "source_port_range_max": integer(
            "Highest source port matched.", constraints=(value_range(min=1, max=65535),)
        ),
        "source_port_range_min": integer(
            "Lowest source port matched.", constraints=(value_range(min=1, max=65535),)
        ),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.FLOW_CLASSIFIER (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(FLOW_CLASSIFIER)


@register
class PortChain(ResourceType):
    """OS::Neutron::PortChain: A networking-sfc port chain (marked unsupported by Heat)."""

    type_name = "OS::Neutron::PortChain"
    description = "A networking-sfc port chain (marked unsupported by Heat)."
    properties: ClassVar[dict[str, Property]] = {
        "chain_parameters": map_of(
            "Chain parameters (correlation).", default={"correlation": "mpls"}
        ),
        "description": string("Description of the chain.", update_allowed=True),
        "flow_classifiers": list_of(
            "Flow classifiers (names or ids) of the chain.",
            item=string("A flow classifier.", constraints=(custom("neutron.flow_classifier"),)),
            default=[],
            update_allowed=True,
        ),
        "name": string("Name of the chain.", update_allowed=True),
        "port_pair_groups": list_of(
            "Port pair groups (names or ids), in order.",
            item=string("A port pair group.", constraints=(custom("neutron.port_pair_group"),)),
            required=True,
            update_allowed=True,
        ),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.PORT_CHAIN (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(PORT_CHAIN)


@register
class PortPair(ResourceType):
    """OS::Neutron::PortPair: A networking-sfc port pair (marked unsupported by Heat)."""

    type_name = "OS::Neutron::PortPair"
    description = "A networking-sfc port pair (marked unsupported by Heat)."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the pair.", update_allowed=True),
        "egress": string(
            "Egress port (name or id).", required=True, constraints=(custom("neutron.port"),)
        ),
        "ingress": string(
            "Ingress port (name or id).", required=True, constraints=(custom("neutron.port"),)
        ),
        "name": string("Name of the pair.", update_allowed=True),
        "service_function_parameters": map_of(
            "Service function parameters (correlation).", default={"correlation": None}
        ),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.PORT_PAIR (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(PORT_PAIR)


@register
class PortPairGroup(ResourceType):
    """OS::Neutron::PortPairGroup: A networking-sfc port pair group (marked unsupported by Heat)."""

    type_name = "OS::Neutron::PortPairGroup"
    description = "A networking-sfc port pair group (marked unsupported by Heat)."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the group.", update_allowed=True),
        "name": string("Name of the group.", update_allowed=True),
        "port_pairs": list_of(
            "Port pairs (names or ids) of the group.",
            item=string("A port pair.", constraints=(custom("neutron.port_pair"),)),
            required=True,
            update_allowed=True,
        ),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.PORT_PAIR_GROUP (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(PORT_PAIR_GROUP)


@register
class TapFlow(ResourceType):
    """OS::Neutron::TaaS::TapFlow: Mirrors a port's traffic to a tap service (tap-as-a-service)."""

    type_name = "OS::Neutron::TaaS::TapFlow"
    description = "Mirrors a port's traffic to a tap service (tap-as-a-service)."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the tap flow.", default="", update_allowed=True),
        "direction": string(
            "Traffic mirrored: IN, OUT or BOTH.",
            default="BOTH",
            constraints=(allowed_values("IN", "OUT", "BOTH"),),
        ),
        "name": string("Name of the tap flow.", default="", update_allowed=True),
        "port": string(
            "Port (name or id) whose traffic is mirrored.",
            required=True,
            constraints=(custom("neutron.port"),),
        ),
        "tap_service": string(
            "Tap service (name or id) receiving the traffic.",
            required=True,
            constraints=(custom("neutron.taas.tap_service"),),
        ),
        "vlan_filter": string(
            "VLANs to mirror, e.g. 9,18-27.",
            constraints=(allowed_pattern("^([0-9]+(-[0-9]+)?)(,([0-9]+(-[0-9]+)?))*$"),),
        ),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.TAP_FLOW (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(TAP_FLOW)


@register
class TapService(ResourceType):
    """OS::Neutron::TaaS::TapService: A tap-as-a-service destination port for mirrored traffic."""

    type_name = "OS::Neutron::TaaS::TapService"
    description = "A tap-as-a-service destination port for mirrored traffic."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the tap service.", default="", update_allowed=True),
        "name": string("Name of the tap service.", default="", update_allowed=True),
        "port": string(
            "Port (name or id) that receives the mirrored traffic.",
            required=True,
            constraints=(custom("neutron.port"),),
        ),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_services.TAP_SERVICE (found again by name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(TAP_SERVICE)
