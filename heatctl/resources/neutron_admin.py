"""Neutron resource types for addressing, QoS, routing extras and administration."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack import methods_of
from heatctl.engine.openstack_neutron import rest_lifecycle
from heatctl.engine.openstack_neutron_kinds import (
    ADDRESS_SCOPE,
    FLOATING_IP_PORT_FORWARD,
    PROVIDER_NET,
    QOS_DSCP_MARKING_RULE,
    QOS_MINIMUM_BANDWIDTH_RULE,
    QOS_MINIMUM_PACKET_RATE_RULE,
    RBAC_POLICY,
    SEGMENT,
    SUBNET_POOL,
)
from heatctl.engine.openstack_neutron_links import (
    ExtraRouteLifecycle,
    ExtraRouteSetLifecycle,
    QuotaLifecycle,
)
from heatctl.resources.common import QOS_RULE_POLICY, QUOTA_PROJECT, quota
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
    length,
    list_of,
    map_of,
    string,
    value_range,
)
from heatctl.resources.values import PropertyValues, Report, as_int, check_any_quota


@register
class AddressScope(ResourceType):
    """OS::Neutron::AddressScope: A Neutron address scope: subnet pools whose addresses never overlap."""

    type_name = "OS::Neutron::AddressScope"
    description = "A Neutron address scope: subnet pools whose addresses never overlap."
    properties: ClassVar[dict[str, Property]] = {
        "ip_version": integer(
            "Address family, 4 or 6.", default=4, constraints=(allowed_values(4, 6),)
        ),
        "name": string("Name of the address scope.", update_allowed=True),
        "shared": boolean(
            "Share the scope with every project (admin only by default).",
            default=False,
            update_allowed=True,
        ),
        "tenant_id": string(
            "Project that owns the scope (admin only).", constraints=(custom("keystone.project"),)
        ),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_kinds.ADDRESS_SCOPE (found again by name and IP version).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(ADDRESS_SCOPE)


@register
class SubnetPool(ResourceType):
    """OS::Neutron::SubnetPool: A Neutron subnet pool that subnets take their CIDRs from."""

    type_name = "OS::Neutron::SubnetPool"
    description = "A Neutron subnet pool that subnets take their CIDRs from."
    properties: ClassVar[dict[str, Property]] = {
        "address_scope": string(
            "Address scope (name or id) of the pool.",
            update_allowed=True,
            constraints=(custom("neutron.address_scope"),),
        ),
        "default_prefixlen": integer(
            "Prefix length given when a subnet asks for none.",
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "default_quota": integer(
            "Per-project quota of address space from the pool.",
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "is_default": boolean(
            "Make this the default pool of its IP version (admin only).",
            default=False,
            update_allowed=True,
        ),
        "max_prefixlen": integer(
            "Largest prefix length allowed.", update_allowed=True, constraints=(value_range(min=0),)
        ),
        "min_prefixlen": integer(
            "Smallest prefix length allowed.",
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "name": string("Name of the pool.", update_allowed=True),
        "prefixes": list_of(
            "CIDRs the pool hands out from.",
            item=string("A CIDR.", constraints=(custom("net_cidr"),)),
            required=True,
            update_allowed=True,
            constraints=(length(min=1),),
        ),
        "shared": boolean(
            "Share the pool with every project (admin only by default).", default=False
        ),
        "tags": list_of(
            "Tags on the pool.", item=string("One entry of the list."), update_allowed=True
        ),
        "tenant_id": string("Project that owns the pool (admin only)."),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """min_prefixlen <= default_prefixlen <= max_prefixlen."""
        low, default, high = (
            as_int(values.get(name))
            for name in ("min_prefixlen", "default_prefixlen", "max_prefixlen")
        )
        if low and high and low > high:
            report(
                ("min_prefixlen",), f"min_prefixlen ({low}) is greater than max_prefixlen ({high})"
            )
        elif default and high and default > high:
            report(
                ("default_prefixlen",),
                f"default_prefixlen ({default}) is greater than max_prefixlen ({high})",
            )
        elif default and low and low > default:
            report(
                ("min_prefixlen",),
                f"min_prefixlen ({low}) is greater than default_prefixlen ({default})",
            )

    # Lifecycle: heatctl.engine.openstack_neutron_kinds.SUBNET_POOL (tagged).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(SUBNET_POOL)


@register
class Segment(ResourceType):
    """OS::Neutron::Segment: A segment of a routed Neutron network."""

    type_name = "OS::Neutron::Segment"
    description = "A segment of a routed Neutron network."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the segment.", update_allowed=True),
        "name": string("Name of the segment.", update_allowed=True),
        "network": string(
            "Network (name or id) the segment belongs to.",
            required=True,
            constraints=(custom("neutron.network"),),
        ),
        "network_type": string(
            "Network type of the segment.",
            required=True,
            constraints=(allowed_values("local", "vlan", "vxlan", "gre", "geneve", "flat"),),
        ),
        "physical_network": string("Physical network of the segment."),
        "segmentation_id": integer(
            "Segmentation id of the segment.", constraints=(value_range(min=1),)
        ),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """physical_network for flat and vlan, segmentation_id for vlan, none for local/flat."""
        kind = values.get("network_type")
        if kind in ("flat", "vlan") and not values.given("physical_network"):
            report(("network_type",), f"{kind} segments need 'physical_network'")
        elif kind == "vlan" and not values.given("segmentation_id"):
            report(("network_type",), "vlan segments need 'segmentation_id'")
        elif kind in ("local", "flat") and values.given("segmentation_id"):
            report(("segmentation_id",), f"segmentation_id is not allowed for {kind} segments")

    # Lifecycle: heatctl.engine.openstack_neutron_kinds.SEGMENT (found again by network and name).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(SEGMENT)


@register
class ProviderNet(ResourceType):
    """OS::Neutron::ProviderNet: A Neutron provider network mapped to a physical network (admin only)."""

    type_name = "OS::Neutron::ProviderNet"
    description = "A Neutron provider network mapped to a physical network (admin only)."
    properties: ClassVar[dict[str, Property]] = {
        "admin_state_up": boolean(
            "Administrative state of the network.", default=True, update_allowed=True
        ),
        "availability_zone_hints": list_of(
            "Availability zones the network may be scheduled in.", update_allowed=True
        ),
        "dns_domain": string(
            "DNS domain of the network.", update_allowed=True, constraints=(custom("dns_domain"),)
        ),
        "name": string("Name of the network.", update_allowed=True),
        "network_type": string(
            "Provider network type.",
            required=True,
            update_allowed=True,
            constraints=(allowed_values("local", "vlan", "vxlan", "gre", "geneve", "flat"),),
        ),
        "physical_network": string("Physical network it maps to.", update_allowed=True),
        "port_security_enabled": boolean(
            "Default port security setting for ports on the network.", update_allowed=True
        ),
        "router_external": boolean(
            "Whether the network is external (can hold router gateways).",
            default=False,
            update_allowed=True,
        ),
        "segmentation_id": string("Segmentation id (e.g. VLAN id).", update_allowed=True),
        "shared": boolean(
            "Share the network with every project.", default=True, update_allowed=True
        ),
        "tags": list_of(
            "Tags on the network.", item=string("One entry of the list."), update_allowed=True
        ),
        "tenant_id": string("Project that owns the network."),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "segments": attribute("Segments of the network.", PropertyType.LIST),
        "status": attribute("Status of the network.", PropertyType.STRING),
        "subnets": attribute("Ids of the network's subnets.", PropertyType.LIST),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """segmentation_id and physical_network only for the network types that use them."""
        kind = values.get("network_type")
        if values.truthy("segmentation_id") and kind in ("local", "flat"):
            report(
                ("segmentation_id",), "segmentation_id is not allowed for local and flat networks"
            )
        elif values.truthy("physical_network") and kind in ("vxlan", "gre", "geneve", "local"):
            report(("physical_network",), f"physical_network is not allowed for {kind} networks")

    # Lifecycle: heatctl.engine.openstack_neutron_kinds.PROVIDER_NET (tagged).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(PROVIDER_NET)


@register
class ExtraRoute(ResourceType):
    """OS::Neutron::ExtraRoute: One extra route on a Neutron router (marked unsupported by Heat; use ExtraRouteSet)."""

    type_name = "OS::Neutron::ExtraRoute"
    description = (
        "One extra route on a Neutron router (marked unsupported by Heat; use ExtraRouteSet)."
    )
    properties: ClassVar[dict[str, Property]] = {
        "destination": string("Destination CIDR.", required=True),
        "nexthop": string("Next hop address.", required=True),
        "router_id": string("Router (id).", required=True, constraints=(custom("neutron.router"),)),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_links (the route on the router).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(ExtraRouteLifecycle)


@register
class ExtraRouteSet(ResourceType):
    """OS::Neutron::ExtraRouteSet: A set of extra routes added to a Neutron router."""

    type_name = "OS::Neutron::ExtraRouteSet"
    description = "A set of extra routes added to a Neutron router."
    properties: ClassVar[dict[str, Property]] = {
        "router": string(
            "Router (name or id).", required=True, constraints=(custom("neutron.router"),)
        ),
        "routes": list_of(
            "The routes.",
            item=map_of(
                "One route.",
                {
                    "destination": string(
                        "Destination CIDR.", required=True, constraints=(custom("net_cidr"),)
                    ),
                    "nexthop": string(
                        "Next hop address.", required=True, constraints=(custom("ip_addr"),)
                    ),
                },
            ),
            default=[],
            update_allowed=True,
        ),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_links (add/remove_extraroutes).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(ExtraRouteSetLifecycle)


@register
class FloatingIPPortForward(ResourceType):
    """OS::Neutron::FloatingIPPortForward: Forwards a port of a floating IP to a port on an internal address."""

    type_name = "OS::Neutron::FloatingIPPortForward"
    description = "Forwards a port of a floating IP to a port on an internal address."
    properties: ClassVar[dict[str, Property]] = {
        "external_port": integer(
            "Port on the floating IP.",
            required=True,
            update_allowed=True,
            constraints=(value_range(min=1, max=65535),),
        ),
        "floating_ip": string("Floating IP (name or id).", required=True),
        "internal_ip_address": string(
            "Internal address to forward to.",
            required=True,
            update_allowed=True,
            constraints=(custom("ip_addr"),),
        ),
        "internal_port": string(
            "Neutron port (name or id) owning the internal address.",
            required=True,
            update_allowed=True,
            constraints=(custom("neutron.port"),),
        ),
        "internal_port_number": integer(
            "Port on the internal address.",
            update_allowed=True,
            constraints=(value_range(min=1, max=65535),),
        ),
        "protocol": string(
            "Protocol forwarded.",
            required=True,
            update_allowed=True,
            constraints=(allowed_values("tcp", "udp", "icmp", "icmp6", "sctp", "dccp"),),
        ),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_kinds.FLOATING_IP_PORT_FORWARD.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(FLOATING_IP_PORT_FORWARD)


@register
class QoSDscpMarkingRule(ResourceType):
    """OS::Neutron::QoSDscpMarkingRule: A DSCP marking rule of a Neutron QoS policy."""

    type_name = "OS::Neutron::QoSDscpMarkingRule"
    description = "A DSCP marking rule of a Neutron QoS policy."
    properties: ClassVar[dict[str, Property]] = {
        "dscp_mark": integer(
            "DSCP value set on packets.",
            required=True,
            update_allowed=True,
            constraints=(
                allowed_values(
                    0, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 46, 48, 56
                ),
            ),
        ),
        "policy": QOS_RULE_POLICY,
        "tenant_id": string("Project that owns the rule."),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_kinds.qos_rule (one per type in a policy).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(QOS_DSCP_MARKING_RULE)


@register
class QoSMinimumBandwidthRule(ResourceType):
    """OS::Neutron::QoSMinimumBandwidthRule: A minimum bandwidth guarantee of a Neutron QoS policy."""

    type_name = "OS::Neutron::QoSMinimumBandwidthRule"
    description = "A minimum bandwidth guarantee of a Neutron QoS policy."
    properties: ClassVar[dict[str, Property]] = {
        "direction": string(
            "Direction guaranteed, seen from the port.",
            default="egress",
            update_allowed=True,
            constraints=(allowed_values("egress", "ingress"),),
        ),
        "min_kbps": integer(
            "Guaranteed bandwidth in kbps.",
            required=True,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "policy": QOS_RULE_POLICY,
        "tenant_id": string("Project that owns the rule."),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_kinds.qos_rule.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(QOS_MINIMUM_BANDWIDTH_RULE)


@register
class QoSMinimumPacketRateRule(ResourceType):
    """OS::Neutron::QoSMinimumPacketRateRule: A minimum packet rate guarantee of a Neutron QoS policy."""

    type_name = "OS::Neutron::QoSMinimumPacketRateRule"
    description = "A minimum packet rate guarantee of a Neutron QoS policy."
    properties: ClassVar[dict[str, Property]] = {
        "direction": string(
            "Direction guaranteed, seen from the port.",
            default="egress",
            update_allowed=True,
            constraints=(allowed_values("any", "egress", "ingress"),),
        ),
        "min_kpps": integer(
            "Guaranteed packet rate in kpps.",
            required=True,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "policy": QOS_RULE_POLICY,
        "tenant_id": string("Project that owns the rule."),
    }

    # Lifecycle: heatctl.engine.openstack_neutron_kinds.qos_rule.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(QOS_MINIMUM_PACKET_RATE_RULE)


@register
class Quota(ResourceType):
    """OS::Neutron::Quota: Neutron quotas of a project (admin only)."""

    type_name = "OS::Neutron::Quota"
    description = "Neutron quotas of a project (admin only)."
    properties: ClassVar[dict[str, Property]] = {
        "floatingip": quota("floating IPs"),
        "network": quota("networks"),
        "port": quota("ports"),
        "project": QUOTA_PROJECT,
        "rbac_policy": quota("RBAC policies"),
        "router": quota("routers"),
        "security_group": quota("security groups"),
        "security_group_rule": quota("security group rules"),
        "subnet": quota("subnets"),
        "subnetpool": quota("subnet pools"),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """At least one quota besides the project."""
        check_any_quota(values, report)

    # Lifecycle: heatctl.engine.openstack_neutron_links (PUT/DELETE /quotas/{project}).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(QuotaLifecycle)


@register
class RBACPolicy(ResourceType):
    """OS::Neutron::RBACPolicy: Shares a Neutron object with another project."""

    type_name = "OS::Neutron::RBACPolicy"
    description = "Shares a Neutron object with another project."
    properties: ClassVar[dict[str, Property]] = {
        "action": string(
            "Kind of access granted.",
            required=True,
            constraints=(allowed_values("access_as_shared", "access_as_external"),),
        ),
        "object_id": string("Object (name or id) shared.", required=True),
        "object_type": string(
            "Kind of object shared.",
            required=True,
            constraints=(
                allowed_values(
                    "network", "qos_policy", "security_group", "address_scope", "subnetpool"
                ),
            ),
        ),
        "target_tenant": string(
            "Project given access ('*' for all).", required=True, update_allowed=True
        ),
        "tenant_id": string("Project that owns the policy (admin only)."),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Only networks can be shared as external."""
        action, kind = values.get("action"), values.get("object_type")
        shared_only = ("qos_policy", "security_group", "address_scope", "subnetpool")
        if action == "access_as_external" and kind in shared_only:
            report(("action",), f"action access_as_external is not valid for {kind} objects")

    # Lifecycle: heatctl.engine.openstack_neutron_kinds.RBAC_POLICY (found again by object, action, target).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = rest_lifecycle(RBAC_POLICY)
