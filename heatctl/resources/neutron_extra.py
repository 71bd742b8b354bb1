"""More Neutron resource types: floating IPs, security groups, QoS, trunks."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack import lifecycle
from heatctl.engine.openstack_kinds import FLOATING_IP, SECURITY_GROUP
from heatctl.engine.openstack_kinds2 import (
    FLOATING_IP_ASSOCIATION,
    SECURITY_GROUP_RULE,
    link_lifecycle,
)
from heatctl.engine.openstack_neutron import rest_lifecycle
from heatctl.engine.openstack_neutron_kinds import QOS_BANDWIDTH_LIMIT_RULE, QOS_POLICY, TRUNK
from heatctl.resources.common import QOS_RULE_POLICY, by_name
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    IP_PROTOCOL_NUMBERS,
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
    value_range,
)
from heatctl.resources.values import PropertyValues, Report, as_int, conflict

# What a security group rule can match: an IP protocol number or one of the names Neutron knows.
SECURITY_GROUP_PROTOCOLS = allowed_values(
    *IP_PROTOCOL_NUMBERS,
    "ah",
    "dccp",
    "egp",
    "esp",
    "gre",
    "icmp",
    "icmpv6",
    "igmp",
    "ipv6-encap",
    "ipv6-frag",
    "ipv6-icmp",
    "ipv6-nonxt",
    "ipv6-opts",
    "ipv6-route",
    "ospf",
    "pgm",
    "rsvp",
    "sctp",
    "tcp",
    "udp",
    "udplite",
    "vrrp",
)


# The rule properties a group's inline rules and OS::Neutron::SecurityGroupRule share.
SECURITY_GROUP_RULE_MATCH: dict[str, Property] = {
    "description": string("Description of the rule."),
    "ethertype": string(
        "IPv4 or IPv6.", default="IPv4", constraints=(allowed_values("IPv4", "IPv6"),)
    ),
    "port_range_max": integer(
        "Highest port matched.", constraints=(value_range(min=0, max=65535),)
    ),
    "port_range_min": integer(
        "Lowest port matched (for ICMP, the type).",
        constraints=(value_range(min=0, max=65535),),
    ),
    "remote_ip_prefix": string("Remote CIDR matched.", constraints=(custom("net_cidr"),)),
}


@register
class FloatingIP(ResourceType):
    """OS::Neutron::FloatingIP: A Neutron floating IP, optionally associated with a port."""

    type_name = "OS::Neutron::FloatingIP"
    description = "A Neutron floating IP, optionally associated with a port."
    properties: ClassVar[dict[str, Property]] = {
        "dns_domain": string(
            "DNS domain of the floating IP.",
            update_allowed=True,
            constraints=(custom("dns_domain"),),
        ),
        "dns_name": string(
            "DNS name of the floating IP.",
            update_allowed=True,
            constraints=(custom("rel_dns_name"),),
        ),
        "fixed_ip_address": string(
            "Which fixed address of the port to map to, when it has several.",
            update_allowed=True,
            constraints=(custom("ip_addr"),),
        ),
        "floating_ip_address": string(
            "Specific address to allocate (admin only by default).",
            constraints=(custom("ip_addr"),),
        ),
        "floating_network": string(
            "External network (name or id) to allocate from.",
            required=True,
            constraints=(custom("neutron.network"),),
        ),
        "floating_network_id": string(
            "Old name of `floating_network`.",
            constraints=(custom("neutron.network"),),
            hidden=True,
            alias_of="floating_network",
        ),
        "floating_subnet": string(
            "Subnet of the external network to allocate from.",
            constraints=(custom("neutron.subnet"),),
        ),
        "port_id": string(
            "Port to associate the floating IP with.",
            update_allowed=True,
            constraints=(custom("neutron.port"),),
        ),
        "value_specs": map_of("Extra attributes sent with the floating IP request.", default={}),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "fixed_ip_address": attribute(
            "Fixed address the floating IP maps to.", PropertyType.STRING
        ),
        "floating_ip_address": attribute("The allocated floating address.", PropertyType.STRING),
        "floating_network_id": attribute("Id of the external network.", PropertyType.STRING),
        "port_id": attribute("Id of the associated port.", PropertyType.STRING),
        "router_id": attribute("Id of the router doing the NAT.", PropertyType.STRING),
        "tenant_id": attribute("Project that owns the floating IP.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """fixed_ip_address only with port_id."""
        if values.given("fixed_ip_address") and not values.given("port_id"):
            report(("fixed_ip_address",), "property 'fixed_ip_address' needs 'port_id'")

    # Lifecycle: heatctl.engine.openstack_kinds.FLOATING_IP (create, poll, update, delete, find by tag).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(FLOATING_IP)


@register
class FloatingIPAssociation(ResourceType):
    """OS::Neutron::FloatingIPAssociation: Associates an existing floating IP with a port."""

    type_name = "OS::Neutron::FloatingIPAssociation"
    description = "Associates an existing floating IP with a port."
    properties: ClassVar[dict[str, Property]] = {
        "fixed_ip_address": string(
            "Which fixed address of the port to map to, when it has several.",
            update_allowed=True,
            constraints=(custom("ip_addr"),),
        ),
        "floatingip_id": string("Id of the floating IP.", required=True, update_allowed=True),
        "port_id": string(
            "Port to associate the floating IP with.",
            required=True,
            update_allowed=True,
            constraints=(custom("neutron.port"),),
        ),
    }

    # Lifecycle: heatctl.engine.openstack_kinds2.FLOATING_IP_ASSOCIATION (updates in place).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = link_lifecycle(FLOATING_IP_ASSOCIATION)


@register
class SecurityGroup(ResourceType):
    """OS::Neutron::SecurityGroup: A Neutron security group with its rules."""

    type_name = "OS::Neutron::SecurityGroup"
    description = "A Neutron security group with its rules."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the group.", update_allowed=True),
        "name": string("Name of the group (need not be unique).", update_allowed=True),
        "rules": list_of(
            "Rules of the group.",
            item=map_of(
                "One rule.",
                by_name(
                    {
                        **SECURITY_GROUP_RULE_MATCH,
                        "direction": string(
                            "Traffic the rule applies to: ingress (into the server) or egress.",
                            default="ingress",
                            constraints=(allowed_values("ingress", "egress"),),
                        ),
                        "protocol": string(
                            "Protocol matched, by name or number.",
                            constraints=(SECURITY_GROUP_PROTOCOLS,),
                        ),
                        "remote_group_id": string(
                            "Security group whose members are matched (instead of an IP prefix).",
                            constraints=(custom("neutron.security_group"),),
                        ),
                        "remote_mode": string(
                            "Match by remote_ip_prefix or by remote_group_id.",
                            default="remote_ip_prefix",
                            constraints=(allowed_values("remote_ip_prefix", "remote_group_id"),),
                        ),
                    }
                ),
            ),
            default=[],
            update_allowed=True,
        ),
        "stateful": boolean("Whether the group is stateful.", update_allowed=True),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Neutron reserves the name 'default'."""
        if values.get("name") == "default":
            report(("name",), "a security group cannot be named 'default'")

    # Lifecycle: heatctl.engine.openstack_kinds.SECURITY_GROUP (create, poll, update, delete, find by tag).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(SECURITY_GROUP)


@register
class SecurityGroupRule(ResourceType):
    """OS::Neutron::SecurityGroupRule: One rule added to an existing Neutron security group."""

    type_name = "OS::Neutron::SecurityGroupRule"
    description = "One rule added to an existing Neutron security group."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **SECURITY_GROUP_RULE_MATCH,
            "direction": string(
                "Traffic the rule applies to: ingress or egress.",
                default="ingress",
                constraints=(allowed_values("ingress", "egress"),),
            ),
            "protocol": string(
                "Protocol matched, by name or number.",
                default="tcp",
                constraints=(SECURITY_GROUP_PROTOCOLS,),
            ),
            "remote_group": string(
                "Security group (name or id) whose members are matched.",
                constraints=(custom("neutron.security_group"),),
            ),
            "security_group": string(
                "Security group (name or id) to add the rule to.",
                required=True,
                constraints=(custom("neutron.security_group"),),
            ),
        }
    )

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """A remote group or a remote prefix; port_range_min <= port_range_max (except ICMP)."""
        if values.given("remote_group") and values.given("remote_ip_prefix"):
            conflict(report, ("remote_ip_prefix",), "remote_group", "remote_ip_prefix")
            return
        low, high = as_int(values.get("port_range_min")), as_int(values.get("port_range_max"))
        protocol = values.get("protocol")
        icmp = protocol in ("icmp", "icmpv6", "ipv6-icmp") or not values.known(protocol)
        if low is not None and high is not None and not icmp and high < low:
            report(("port_range_max",), "port_range_min must not be greater than port_range_max")

    # Lifecycle: heatctl.engine.openstack_kinds2.SECURITY_GROUP_RULE. Heat replaces a rule on
    # any change (no property is update_allowed), so update has nothing to do.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = link_lifecycle(SECURITY_GROUP_RULE)


@register
class QoSPolicy(ResourceType):
    """OS::Neutron::QoSPolicy: A Neutron QoS policy, to which rules are added."""

    type_name = "OS::Neutron::QoSPolicy"
    description = "A Neutron QoS policy, to which rules are added."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the policy.", update_allowed=True),
        "name": string("Name of the policy.", update_allowed=True),
        "shared": boolean(
            "Share the policy with other projects.", default=False, update_allowed=True
        ),
        "tenant_id": string("Project that owns the policy."),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "rules": attribute("Rules of the policy.", PropertyType.LIST),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_kinds.QOS_POLICY (tagged).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(QOS_POLICY)


@register
class QoSBandwidthLimitRule(ResourceType):
    """OS::Neutron::QoSBandwidthLimitRule: A bandwidth limit rule of a Neutron QoS policy."""

    type_name = "OS::Neutron::QoSBandwidthLimitRule"
    description = "A bandwidth limit rule of a Neutron QoS policy."
    properties: ClassVar[dict[str, Property]] = {
        "direction": string(
            "Direction limited, seen from the port: egress or ingress.",
            default="egress",
            update_allowed=True,
            constraints=(allowed_values("egress", "ingress"),),
        ),
        "max_burst_kbps": integer(
            "Burst size in kbps.", default=0, update_allowed=True, constraints=(value_range(min=0),)
        ),
        "max_kbps": integer(
            "Bandwidth limit in kbps.",
            required=True,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "policy": QOS_RULE_POLICY,
        "tenant_id": string("Project that owns the rule."),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_kinds.qos_rule (one per type and direction in a policy).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(QOS_BANDWIDTH_LIMIT_RULE)


@register
class Trunk(ResourceType):
    """OS::Neutron::Trunk: A Neutron trunk: a parent port carrying VLAN subports."""

    type_name = "OS::Neutron::Trunk"
    description = "A Neutron trunk: a parent port carrying VLAN subports."
    properties: ClassVar[dict[str, Property]] = {
        "admin_state_up": boolean("Administrative state of the trunk.", update_allowed=True),
        "description": string("Description of the trunk.", update_allowed=True),
        "name": string("Name of the trunk.", update_allowed=True),
        "port": string(
            "Parent port (name or id).",
            required=True,
            immutable=True,
            constraints=(custom("neutron.port"),),
        ),
        "sub_ports": list_of(
            "Subports of the trunk.",
            item=map_of(
                "One subport.",
                {
                    "port": string(
                        "Port (name or id) used as subport.",
                        required=True,
                        constraints=(custom("neutron.port"),),
                    ),
                    "segmentation_id": integer(
                        "VLAN id the subport's traffic uses.",
                        required=True,
                        constraints=(value_range(min=1, max=4094),),
                    ),
                    "segmentation_type": string(
                        "Segmentation type (vlan).",
                        required=True,
                        constraints=(allowed_values("vlan"),),
                    ),
                },
            ),
            update_allowed=True,
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "port_id": attribute("Id of the parent port.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_kinds.TRUNK (found again by its parent port).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(TRUNK)
