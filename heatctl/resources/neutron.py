"""Neutron (network) resource types: networks, subnets, ports, routers and their interfaces."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack import lifecycle, methods_of
from heatctl.engine.openstack_kinds import NETWORK, PORT, ROUTER, SUBNET
from heatctl.engine.openstack_links import RouterInterfaceLifecycle
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
    value_range,
)
from heatctl.resources.values import (
    PropertyValues,
    Report,
    check_value_specs,
    conflict,
    is_ip,
    is_true,
    one_required,
)


@register
class Net(ResourceType):
    """OS::Neutron::Net: A Neutron network."""

    type_name = "OS::Neutron::Net"
    description = "A Neutron network."
    properties: ClassVar[dict[str, Property]] = {
        "admin_state_up": boolean(
            "Administrative state of the network.", default=True, update_allowed=True
        ),
        "availability_zone_hints": list_of("Availability zones the network may be scheduled in."),
        "dhcp_agent_ids": list_of(
            "DHCP agents to schedule the network on (admin only by default).", update_allowed=True
        ),
        "dns_domain": string(
            "DNS domain of the network.", update_allowed=True, constraints=(custom("dns_domain"),)
        ),
        "name": string("Name of the network (need not be unique).", update_allowed=True),
        "port_security_enabled": boolean(
            "Default port security setting for ports on the network.", update_allowed=True
        ),
        "qos_policy": string(
            "QoS policy (name or id) attached to the network.",
            update_allowed=True,
            constraints=(custom("neutron.qos_policy"),),
        ),
        "shared": boolean(
            "Share the network with every project (admin only by default).",
            default=False,
            update_allowed=True,
        ),
        "tags": list_of(
            "Tags on the network.", item=string("One entry of the list."), update_allowed=True
        ),
        "tenant_id": string("Project that owns the network (admin only)."),
        "value_specs": map_of(
            "Extra attributes sent with the network request.", default={}, update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "admin_state_up": attribute("Administrative state of the network.", PropertyType.STRING),
        "l2_adjacency": attribute(
            "Whether the whole network is one L2 domain.", PropertyType.BOOLEAN
        ),
        "mtu": attribute("MTU of the network, in bytes.", PropertyType.INTEGER),
        "name": attribute("Name of the network.", PropertyType.STRING),
        "port_security_enabled": attribute(
            "Port security setting of the network.", PropertyType.BOOLEAN
        ),
        "qos_policy_id": attribute("Id of the attached QoS policy.", PropertyType.STRING),
        "segments": attribute("Segments of the network.", PropertyType.LIST),
        "status": attribute("Status of the network.", PropertyType.STRING),
        "subnets": attribute("Ids of the network's subnets.", PropertyType.LIST),
        "tenant_id": attribute("Project that owns the network.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """value_specs cannot set a property (or shared, tenant_id)."""
        check_value_specs(values, report)

    # Lifecycle: heatctl.engine.openstack_kinds.NETWORK (create, poll, update, delete, find by tag).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(NETWORK)


@register
class Subnet(ResourceType):
    """OS::Neutron::Subnet: A Neutron subnet: an IP range on a network."""

    type_name = "OS::Neutron::Subnet"
    description = "A Neutron subnet: an IP range on a network."
    properties: ClassVar[dict[str, Property]] = {
        "allocation_pools": list_of(
            "Address ranges to hand out from.",
            item=map_of(
                "One address range.",
                {
                    "end": string(
                        "Last address of the range.",
                        required=True,
                        constraints=(custom("ip_addr"),),
                    ),
                    "start": string(
                        "First address of the range.",
                        required=True,
                        constraints=(custom("ip_addr"),),
                    ),
                },
            ),
            update_allowed=True,
        ),
        "cidr": string(
            "The subnet's CIDR (leave out to allocate from `subnetpool`).",
            constraints=(custom("net_cidr"),),
        ),
        "dns_nameservers": list_of(
            "DNS servers handed out by DHCP.", default=[], update_allowed=True
        ),
        "enable_dhcp": boolean(
            "Whether DHCP serves this subnet.", default=True, update_allowed=True
        ),
        "gateway_ip": string(
            'Gateway address; null or "" for no gateway, left out for the first address.',
            update_allowed=True,
        ),
        "host_routes": list_of(
            "Static routes handed out by DHCP.",
            item=map_of(
                "One route.",
                {
                    "destination": string(
                        "Destination CIDR of the route.",
                        required=True,
                        constraints=(custom("net_cidr"),),
                    ),
                    "nexthop": string(
                        "Next hop address of the route.",
                        required=True,
                        constraints=(custom("ip_addr"),),
                    ),
                },
            ),
            update_allowed=True,
        ),
        "ip_version": integer(
            "IP version, 4 or 6.", default=4, constraints=(allowed_values(4, 6),)
        ),
        "ipv6_address_mode": string(
            "How IPv6 addresses are assigned.",
            constraints=(allowed_values("dhcpv6-stateful", "dhcpv6-stateless", "slaac"),),
        ),
        "ipv6_ra_mode": string(
            "How IPv6 router advertisements are sent.",
            constraints=(allowed_values("dhcpv6-stateful", "dhcpv6-stateless", "slaac"),),
        ),
        "name": string("Name of the subnet.", update_allowed=True),
        "network": string(
            "Network (name or id) the subnet belongs to.",
            required=True,
            constraints=(custom("neutron.network"),),
        ),
        "network_id": string(
            "Old name of `network`.",
            constraints=(custom("neutron.network"),),
            hidden=True,
            alias_of="network",
        ),
        "prefixlen": integer(
            "Prefix length when allocating from a subnet pool.", constraints=(value_range(min=0),)
        ),
        "segment": string(
            "Segment (name or id) the subnet belongs to.",
            update_allowed=True,
            constraints=(custom("neutron.segment"),),
        ),
        "subnetpool": string(
            "Subnet pool (name or id) to allocate the CIDR from.",
            constraints=(custom("neutron.subnetpool"),),
        ),
        "tags": list_of(
            "Tags on the subnet.", item=string("One entry of the list."), update_allowed=True
        ),
        "tenant_id": string("Project that owns the subnet (admin only)."),
        "value_specs": map_of(
            "Extra attributes sent with the subnet request.", default={}, update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "allocation_pools": attribute("Address ranges handed out.", PropertyType.LIST),
        "cidr": attribute("CIDR of the subnet.", PropertyType.STRING),
        "dns_nameservers": attribute("DNS servers of the subnet.", PropertyType.LIST),
        "enable_dhcp": attribute("Whether DHCP is on ('true' or 'false').", PropertyType.STRING),
        "gateway_ip": attribute("Gateway address.", PropertyType.STRING),
        "host_routes": attribute("Static routes of the subnet.", PropertyType.LIST),
        "ip_version": attribute("IP version.", PropertyType.STRING),
        "name": attribute("Name of the subnet.", PropertyType.STRING),
        "network_id": attribute("Id of the network.", PropertyType.STRING),
        "tenant_id": attribute("Project that owns the subnet.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """cidr or subnetpool (not both), prefixlen only with a pool, IPv6 modes, gateway."""
        cidr, pool = values.truthy("cidr"), values.given("subnetpool")
        if pool and cidr:
            conflict(report, ("cidr",), "subnetpool", "cidr")
        elif not pool and not cidr:
            one_required(report, (), "subnetpool", "cidr")
        if values.truthy("prefixlen") and cidr:
            conflict(report, ("prefixlen",), "prefixlen", "cidr")
        ra_mode, address_mode = values.get("ipv6_ra_mode"), values.get("ipv6_address_mode")
        if str(values.get("ip_version")) == "4" and (ra_mode or address_mode):
            report(("ip_version",), "ipv6_ra_mode and ipv6_address_mode need ip_version 6")
        both_known = values.known(ra_mode) and values.known(address_mode)
        if both_known and ra_mode and address_mode and ra_mode != address_mode:
            report(("ipv6_address_mode",), "ipv6_ra_mode and ipv6_address_mode must be equal")
        gateway = values.get("gateway_ip")
        if isinstance(gateway, str) and gateway not in ("~", "", "auto") and not is_ip(gateway):
            report(("gateway_ip",), f"gateway_ip '{gateway}' is not an IP address")

    # Lifecycle: heatctl.engine.openstack_kinds.SUBNET (create, poll, update, delete, find by tag).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(SUBNET)


@register
class Port(ResourceType):
    """OS::Neutron::Port: A Neutron port: a network interface with addresses on a network."""

    type_name = "OS::Neutron::Port"
    description = "A Neutron port: a network interface with addresses on a network."
    properties: ClassVar[dict[str, Property]] = {
        "admin_state_up": boolean(
            "Administrative state of the port.", default=True, update_allowed=True
        ),
        "allowed_address_pairs": list_of(
            "Extra MAC/IP pairs allowed through the port.",
            item=map_of(
                "One allowed address pair.",
                {
                    "ip_address": string(
                        "IP address or CIDR allowed through the port.",
                        required=True,
                        constraints=(custom("ip_or_cidr"),),
                    ),
                    "mac_address": string(
                        "MAC address allowed through the port.", constraints=(custom("mac_addr"),)
                    ),
                },
            ),
            update_allowed=True,
        ),
        "binding:vnic_type": string(
            "VNIC type to bind the port with (e.g. direct for SR-IOV).",
            default="normal",
            update_allowed=True,
            constraints=(
                allowed_values(
                    "normal",
                    "direct",
                    "macvtap",
                    "direct-physical",
                    "baremetal",
                    "virtio-forwarder",
                    "smart-nic",
                ),
            ),
        ),
        "device_id": string("Id of the device using the port.", default="", update_allowed=True),
        "device_owner": string(
            "Kind of device using the port, e.g. network:router_interface.",
            default="",
            update_allowed=True,
        ),
        "dns_name": string(
            "DNS name of the port.", update_allowed=True, constraints=(custom("dns_name"),)
        ),
        "fixed_ips": list_of(
            "Fixed IP addresses wanted on the port.",
            item=map_of(
                "One fixed IP request.",
                {
                    "ip_address": string("IP address wanted.", constraints=(custom("ip_addr"),)),
                    "subnet": string(
                        "Subnet (name or id) to allocate the address in.",
                        constraints=(custom("neutron.subnet"),),
                    ),
                    "subnet_id": string(
                        "Old name of `subnet`.",
                        constraints=(custom("neutron.subnet"),),
                        hidden=True,
                        alias_of="subnet",
                    ),
                },
            ),
            update_allowed=True,
        ),
        "mac_address": string("MAC address of the port.", constraints=(custom("mac_addr"),)),
        "name": string("Name of the port.", update_allowed=True),
        "network": string(
            "Network (name or id) the port is on.",
            required=True,
            constraints=(custom("neutron.network"),),
        ),
        "network_id": string(
            "Old name of `network`.",
            constraints=(custom("neutron.network"),),
            hidden=True,
            alias_of="network",
        ),
        "no_fixed_ips": boolean(
            "Create the port without any fixed IP when true.", default=False, update_allowed=True
        ),
        "port_security_enabled": boolean(
            "Enable or disable port security (security groups and address checks).",
            update_allowed=True,
        ),
        "propagate_uplink_status": boolean(
            "Propagate the uplink status to the port.", update_allowed=True
        ),
        "qos_policy": string(
            "QoS policy (name or id) for the port.",
            update_allowed=True,
            constraints=(custom("neutron.qos_policy"),),
        ),
        "replacement_policy": string(
            "Legacy update policy of the port; ignored.",
            default="AUTO",
            update_allowed=True,
            constraints=(allowed_values("REPLACE_ALWAYS", "AUTO"),),
            hidden=True,
        ),
        "security_groups": list_of(
            "Security groups (names or ids) of the port.", update_allowed=True
        ),
        "tags": list_of(
            "Tags on the port.", item=string("One entry of the list."), update_allowed=True
        ),
        "value_specs": map_of(
            "Extra attributes sent with the port request.", default={}, update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "admin_state_up": attribute("Administrative state of the port.", PropertyType.STRING),
        "allowed_address_pairs": attribute(
            "Extra MAC/IP pairs allowed through the port.", PropertyType.LIST
        ),
        "device_id": attribute("Id of the device using the port.", PropertyType.STRING),
        "device_owner": attribute("Kind of device using the port.", PropertyType.STRING),
        "dns_assignment": attribute("DNS names assigned to the port.", PropertyType.MAP),
        "fixed_ips": attribute(
            "Fixed IP addresses of the port, with their subnets.", PropertyType.LIST
        ),
        "mac_address": attribute("MAC address of the port.", PropertyType.STRING),
        "name": attribute("Name of the port.", PropertyType.STRING),
        "network": attribute("Details of the port's network.", PropertyType.MAP),
        "network_id": attribute("Id of the port's network.", PropertyType.STRING),
        "port_security_enabled": attribute(
            "Port security setting of the port.", PropertyType.BOOLEAN
        ),
        "propagate_uplink_status": attribute(
            "Whether the uplink status is propagated.", PropertyType.BOOLEAN
        ),
        "qos_policy_id": attribute("Id of the attached QoS policy.", PropertyType.STRING),
        "security_groups": attribute("Security groups of the port.", PropertyType.LIST),
        "status": attribute("Status of the port.", PropertyType.STRING),
        "subnets": attribute(
            "Details of the subnets the port has addresses in.", PropertyType.LIST
        ),
        "tenant_id": attribute("Project that owns the port.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """fixed_ips and no_fixed_ips: true exclude each other."""
        fixed_ips = values.get("fixed_ips")
        if values.known(fixed_ips) and fixed_ips and is_true(values.get("no_fixed_ips")):
            conflict(report, ("no_fixed_ips",), "fixed_ips", "no_fixed_ips")

    # Lifecycle: heatctl.engine.openstack_kinds.PORT (create, poll, update, delete, find by tag).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(PORT)


@register
class Router(ResourceType):
    """OS::Neutron::Router: A Neutron router, optionally with a gateway to an external network."""

    type_name = "OS::Neutron::Router"
    description = "A Neutron router, optionally with a gateway to an external network."
    properties: ClassVar[dict[str, Property]] = {
        "admin_state_up": boolean(
            "Administrative state of the router.", default=True, update_allowed=True
        ),
        "availability_zone_hints": list_of(
            "Availability zones the router may be scheduled in.", update_allowed=True
        ),
        "distributed": boolean("Create a distributed (DVR) router (admin only by default)."),
        "external_gateway_info": map_of(
            "Gateway to an external network.",
            {
                "enable_snat": boolean(
                    "Enable source NAT on the gateway (admin only by default).", update_allowed=True
                ),
                "external_fixed_ips": list_of(
                    "Fixed IPs of the gateway on the external network.",
                    item=map_of(
                        "One gateway address.",
                        {
                            "ip_address": string(
                                "Gateway IP address.", constraints=(custom("ip_addr"),)
                            ),
                            "subnet": string(
                                "Subnet of the gateway address.",
                                constraints=(custom("neutron.subnet"),),
                            ),
                        },
                    ),
                    update_allowed=True,
                ),
                "network": string(
                    "External network (name or id).", required=True, update_allowed=True
                ),
            },
            update_allowed=True,
        ),
        "ha": boolean("Create a highly available router (admin only by default)."),
        "l3_agent_id": string(
            "Old single-agent form of `l3_agent_ids`.", update_allowed=True, hidden=True
        ),
        "l3_agent_ids": list_of(
            "L3 agents to host the router (admin only by default).",
            item=string("One entry of the list."),
            update_allowed=True,
        ),
        "name": string("Name of the router.", update_allowed=True),
        "tags": list_of(
            "Tags on the router.", item=string("One entry of the list."), update_allowed=True
        ),
        "tenant_id": string("Project that owns the router (admin only)."),
        "value_specs": map_of(
            "Extra attributes sent with the router request.", default={}, update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "admin_state_up": attribute("Administrative state of the router.", PropertyType.STRING),
        "external_gateway_info": attribute("Gateway settings of the router.", PropertyType.MAP),
        "name": attribute("Name of the router.", PropertyType.STRING),
        "status": attribute("Status of the router.", PropertyType.STRING),
        "tenant_id": attribute("Project that owns the router.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Distributed excludes HA and chosen L3 agents; a non-HA router has one agent."""
        distributed, ha = is_true(values.get("distributed")), is_true(values.get("ha"))
        agents = values.get("l3_agent_ids")
        if values.truthy("l3_agent_id") and values.truthy("l3_agent_ids"):
            conflict(report, ("l3_agent_ids",), "l3_agent_id", "l3_agent_ids")
        elif distributed and (values.truthy("l3_agent_id") or values.truthy("l3_agent_ids")):
            conflict(report, ("distributed",), "distributed", "l3_agent_id/l3_agent_ids")
        elif ha and distributed:
            conflict(report, ("ha",), "distributed", "ha")
        elif not ha and isinstance(agents, list) and len(agents) > 1:
            report(("l3_agent_ids",), "a router that is not HA can have only one L3 agent")

    # Lifecycle: heatctl.engine.openstack_kinds.ROUTER (create, poll, update, delete, find by tag).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(ROUTER)


@register
class RouterInterface(ResourceType):
    """OS::Neutron::RouterInterface: Connects a router to a subnet or a port."""

    type_name = "OS::Neutron::RouterInterface"
    description = "Connects a router to a subnet or a port."
    properties: ClassVar[dict[str, Property]] = {
        "port": string(
            "Port to connect (give this or `subnet`).", constraints=(custom("neutron.port"),)
        ),
        "port_id": string(
            "Old name of `port`.",
            constraints=(custom("neutron.port"),),
            hidden=True,
            alias_of="port",
        ),
        "router": string(
            "Router (name or id).", required=True, constraints=(custom("neutron.router"),)
        ),
        "router_id": string(
            "Old name of `router`.",
            constraints=(custom("neutron.router"),),
            hidden=True,
            alias_of="router",
        ),
        "subnet": string(
            "Subnet to connect (give this or `port`).", constraints=(custom("neutron.subnet"),)
        ),
        "subnet_id": string(
            "Old name of `subnet`.",
            constraints=(custom("neutron.subnet"),),
            hidden=True,
            alias_of="subnet",
        ),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Exactly one of subnet and port."""
        subnet, port = values.given("subnet"), values.given("port")
        if subnet and port:
            conflict(report, (values.key("port"),), "subnet", "port")
        elif not subnet and not port:
            one_required(report, (), "subnet", "port")

    # Lifecycle: heatctl.engine.openstack_links.RouterInterfaceLifecycle.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(RouterInterfaceLifecycle)
