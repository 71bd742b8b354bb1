"""Octavia (load balancing) resource types; each class takes its lifecycle from the kind of
the same name in heatctl.engine.openstack_octavia(_admin)."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack_octavia import (
    HEALTH_MONITOR,
    L7POLICY,
    L7RULE,
    LISTENER,
    LOADBALANCER,
    MEMBER,
    POOL,
    octavia_lifecycle,
)
from heatctl.engine.openstack_octavia_admin import (
    AVAILABILITY_ZONE,
    AZ_PROFILE,
    FLAVOR,
    FLAVOR_PROFILE,
    QUOTA,
)
from heatctl.resources.common import QUOTA_PROJECT, quota
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
    number,
    string,
    value_range,
)
from heatctl.resources.values import PropertyValues, Report, check_any_quota, one_required


def provider_profile(settings_key: str) -> dict[str, Property]:
    """The properties of a flavor or availability zone profile; `settings_key` holds its settings."""
    return {
        settings_key: string(
            "The provider settings, as a JSON string.",
            required=True,
            update_allowed=True,
            constraints=(custom("json_string"),),
        ),
        "name": string("Name of the profile.", update_allowed=True),
        "provider_name": string("Octavia provider the profile is for.", update_allowed=True),
    }


@register
class LoadBalancer(ResourceType):
    """OS::Octavia::LoadBalancer: An Octavia load balancer with a VIP on a subnet."""

    type_name = "OS::Octavia::LoadBalancer"
    description = "An Octavia load balancer with a VIP on a subnet."
    properties: ClassVar[dict[str, Property]] = {
        "admin_state_up": boolean(
            "Administrative state of the load balancer.", default=True, update_allowed=True
        ),
        "availability_zone": string(
            "Octavia availability zone of the load balancer.",
            constraints=(custom("octavia.availabilityzone"),),
        ),
        "description": string("Description of the load balancer.", default="", update_allowed=True),
        "flavor": string(
            "Octavia flavor (name or id) of the load balancer.",
            constraints=(custom("octavia.flavor"),),
        ),
        "name": string("Name of the load balancer.", update_allowed=True),
        "provider": string("Octavia provider to use."),
        "tenant_id": string(
            "Project that owns the load balancer (admin only).",
            constraints=(custom("keystone.project"),),
        ),
        "vip_address": string("VIP address to use.", constraints=(custom("ip_addr"),)),
        "vip_subnet": string(
            "Subnet (name or id) to allocate the VIP on.",
            required=True,
            constraints=(custom("neutron.subnet"),),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "flavor_id": attribute("Id of the flavor.", PropertyType.STRING),
        "pools": attribute("Pools of the load balancer.", PropertyType.LIST),
        "vip_address": attribute("VIP address.", PropertyType.STRING),
        "vip_port_id": attribute("Id of the VIP port.", PropertyType.STRING),
        "vip_subnet_id": attribute("Id of the VIP subnet.", PropertyType.STRING),
    }

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(LOADBALANCER)


@register
class Listener(ResourceType):
    """OS::Octavia::Listener: A port an Octavia load balancer listens on."""

    type_name = "OS::Octavia::Listener"
    description = "A port an Octavia load balancer listens on."
    properties: ClassVar[dict[str, Property]] = {
        "admin_state_up": boolean(
            "Administrative state of the listener.", default=True, update_allowed=True
        ),
        "allowed_cidrs": list_of(
            "CIDRs allowed to connect (all when left out).",
            item=string("A CIDR.", constraints=(custom("net_cidr"),)),
            update_allowed=True,
        ),
        "connection_limit": integer(
            "Most concurrent connections (-1 for no limit).",
            default=-1,
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "default_pool": string(
            "Pool (name or id) that receives the traffic by default.",
            update_allowed=True,
            constraints=(custom("octavia.pool"),),
        ),
        "default_tls_container_ref": string(
            "TLS container with the default certificate.", update_allowed=True
        ),
        "description": string("Description of the listener.", default="", update_allowed=True),
        "loadbalancer": string(
            "Load balancer (name or id) the listener belongs to.",
            required=True,
            constraints=(custom("octavia.loadbalancer"),),
        ),
        "name": string("Name of the listener.", update_allowed=True),
        "protocol": string(
            "Protocol of client traffic.",
            required=True,
            constraints=(
                allowed_values("TCP", "HTTP", "HTTPS", "TERMINATED_HTTPS", "PROXY", "UDP"),
            ),
        ),
        "protocol_port": integer(
            "Port to listen on.", required=True, constraints=(value_range(min=1, max=65535),)
        ),
        "sni_container_refs": list_of("TLS containers for SNI.", update_allowed=True),
        "tenant_id": string("Project that owns the listener."),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "default_pool_id": attribute("Id of the default pool.", PropertyType.STRING),
        "loadbalancers": attribute("Load balancers of the listener.", PropertyType.LIST),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """TERMINATED_HTTPS needs default_tls_container_ref."""
        terminated = values.get("protocol") == "TERMINATED_HTTPS"
        if terminated and not values.given("default_tls_container_ref"):
            report(("protocol",), "protocol TERMINATED_HTTPS needs 'default_tls_container_ref'")

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(LISTENER)


@register
class Pool(ResourceType):
    """OS::Octavia::Pool: A pool of Octavia members that receive balanced traffic."""

    type_name = "OS::Octavia::Pool"
    description = "A pool of Octavia members that receive balanced traffic."
    properties: ClassVar[dict[str, Property]] = {
        "admin_state_up": boolean(
            "Administrative state of the pool.", default=True, update_allowed=True
        ),
        "description": string("Description of the pool.", default="", update_allowed=True),
        "lb_algorithm": string(
            "How traffic is spread over the members.",
            required=True,
            update_allowed=True,
            constraints=(
                allowed_values("ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP", "SOURCE_IP_PORT"),
            ),
        ),
        "listener": string(
            "Listener (name or id) the pool serves (give this or loadbalancer).",
            constraints=(custom("octavia.listener"),),
        ),
        "loadbalancer": string(
            "Load balancer (name or id) the pool belongs to.",
            constraints=(custom("octavia.loadbalancer"),),
        ),
        "name": string("Name of the pool.", update_allowed=True),
        "protocol": string(
            "Protocol to the members.",
            required=True,
            constraints=(
                allowed_values("TCP", "HTTP", "HTTPS", "TERMINATED_HTTPS", "PROXY", "UDP"),
            ),
        ),
        "session_persistence": map_of(
            "How a client sticks to one member.",
            {
                "cookie_name": string("Cookie name (for APP_COOKIE)."),
                "type": string(
                    "Kind of session persistence.",
                    required=True,
                    constraints=(allowed_values("SOURCE_IP", "HTTP_COOKIE", "APP_COOKIE"),),
                ),
            },
            update_allowed=True,
        ),
        "tls_enabled": boolean(
            "Re-encrypt traffic to the members.", default=False, update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "healthmonitor_id": attribute("Id of the pool's health monitor.", PropertyType.STRING),
        "listeners": attribute("Listeners of the pool.", PropertyType.STRING),
        "members": attribute("Members of the pool.", PropertyType.LIST),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """A listener or a load balancer; cookie_name exactly for APP_COOKIE persistence."""
        if not values.given("listener") and not values.given("loadbalancer"):
            one_required(report, (), "listener", "loadbalancer")
            return
        persistence = values.get("session_persistence")
        if not isinstance(persistence, dict) or not values.known(persistence.get("type")):
            return
        kind, cookie = persistence.get("type"), persistence.get("cookie_name")
        if kind == "APP_COOKIE" and not cookie:
            report(("session_persistence",), "cookie_name is required for APP_COOKIE persistence")
        elif kind == "SOURCE_IP" and cookie:
            report(("session_persistence",), "cookie_name is not allowed for SOURCE_IP persistence")

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(POOL)


@register
class PoolMember(ResourceType):
    """OS::Octavia::PoolMember: A member (an address and port) of an Octavia pool."""

    type_name = "OS::Octavia::PoolMember"
    description = "A member (an address and port) of an Octavia pool."
    properties: ClassVar[dict[str, Property]] = {
        "address": string(
            "IP address of the member.", required=True, constraints=(custom("ip_addr"),)
        ),
        "admin_state_up": boolean(
            "Administrative state of the member.", default=True, update_allowed=True
        ),
        "monitor_address": string(
            "Address the health monitor checks instead.", constraints=(custom("ip_addr"),)
        ),
        "monitor_port": integer(
            "Port the health monitor checks instead.", constraints=(value_range(min=1, max=65535),)
        ),
        "pool": string(
            "Pool (name or id) the member belongs to.",
            required=True,
            constraints=(custom("octavia.pool"),),
        ),
        "protocol_port": integer(
            "Port the member listens on.",
            required=True,
            constraints=(value_range(min=1, max=65535),),
        ),
        "subnet": string(
            "Subnet (name or id) of the member's address.", constraints=(custom("neutron.subnet"),)
        ),
        "tags": list_of("Tags on the member.", update_allowed=True),
        "weight": integer(
            "Relative share of traffic the member gets.",
            default=1,
            update_allowed=True,
            constraints=(value_range(min=0, max=256),),
        ),
    }

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(MEMBER)


@register
class HealthMonitor(ResourceType):
    """OS::Octavia::HealthMonitor: Checks the health of the members of an Octavia pool."""

    type_name = "OS::Octavia::HealthMonitor"
    description = "Checks the health of the members of an Octavia pool."
    properties: ClassVar[dict[str, Property]] = {
        "admin_state_up": boolean(
            "Administrative state of the monitor.", default=True, update_allowed=True
        ),
        "delay": integer(
            "Seconds between checks.",
            required=True,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "expected_codes": string(
            "HTTP status codes that mean healthy, e.g. 200, 200,202 or 200-204.",
            update_allowed=True,
        ),
        "http_method": string(
            "HTTP method of HTTP checks.",
            update_allowed=True,
            constraints=(
                allowed_values(
                    "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS", "CONNECT", "PATCH"
                ),
            ),
        ),
        "max_retries": integer(
            "Failed checks before a member counts as down.",
            required=True,
            update_allowed=True,
            constraints=(value_range(min=1, max=10),),
        ),
        "pool": string(
            "Pool (name or id) to monitor.", required=True, constraints=(custom("octavia.pool"),)
        ),
        "tenant_id": string("Project that owns the monitor."),
        "timeout": integer(
            "Seconds a check may take.",
            required=True,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "type": string(
            "Kind of check.",
            required=True,
            constraints=(allowed_values("PING", "TCP", "HTTP", "HTTPS", "UDP-CONNECT"),),
        ),
        "url_path": string("Path requested by HTTP checks.", update_allowed=True),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "pools": attribute("Pools the monitor belongs to.", PropertyType.LIST),
    }

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(HEALTH_MONITOR)


@register
class L7Policy(ResourceType):
    """OS::Octavia::L7Policy: A layer 7 policy of an Octavia listener: reject or redirect matching requests."""

    type_name = "OS::Octavia::L7Policy"
    description = "A layer 7 policy of an Octavia listener: reject or redirect matching requests."
    properties: ClassVar[dict[str, Property]] = {
        "action": string(
            "What to do with matching requests.",
            required=True,
            update_allowed=True,
            constraints=(allowed_values("REJECT", "REDIRECT_TO_POOL", "REDIRECT_TO_URL"),),
        ),
        "admin_state_up": boolean(
            "Administrative state of the policy.", default=True, update_allowed=True
        ),
        "description": string("Description of the policy.", update_allowed=True),
        "listener": string(
            "Listener (name or id) the policy belongs to.",
            required=True,
            constraints=(custom("octavia.listener"),),
        ),
        "name": string("Name of the policy.", update_allowed=True),
        "position": number(
            "Position of the policy among the listener's policies, from 1.",
            update_allowed=True,
            constraints=(value_range(min=1),),
        ),
        "redirect_pool": string(
            "Pool (name or id) for REDIRECT_TO_POOL.",
            update_allowed=True,
            constraints=(custom("octavia.pool"),),
        ),
        "redirect_url": string("URL for REDIRECT_TO_URL.", update_allowed=True),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "rules": attribute("Rules of the policy.", PropertyType.LIST),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """redirect_pool exactly for REDIRECT_TO_POOL, redirect_url exactly for REDIRECT_TO_URL."""
        action = values.get("action")
        pool, url = values.given("redirect_pool"), values.given("redirect_url")
        if action == "REJECT" and (pool or url):
            report(("action",), "action REJECT takes neither 'redirect_pool' nor 'redirect_url'")
        elif action == "REDIRECT_TO_POOL" and (url or not pool):
            report(
                ("action",), "action REDIRECT_TO_POOL needs 'redirect_pool' and no 'redirect_url'"
            )
        elif action == "REDIRECT_TO_URL" and (pool or not url):
            report(
                ("action",), "action REDIRECT_TO_URL needs 'redirect_url' and no 'redirect_pool'"
            )

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(L7POLICY)


@register
class L7Rule(ResourceType):
    """OS::Octavia::L7Rule: A rule of an Octavia layer 7 policy: what a request must match."""

    type_name = "OS::Octavia::L7Rule"
    description = "A rule of an Octavia layer 7 policy: what a request must match."
    properties: ClassVar[dict[str, Property]] = {
        "admin_state_up": boolean(
            "Administrative state of the rule.", default=True, update_allowed=True
        ),
        "compare_type": string(
            "How the value is compared.",
            required=True,
            update_allowed=True,
            constraints=(
                allowed_values("REGEX", "STARTS_WITH", "ENDS_WITH", "CONTAINS", "EQUAL_TO"),
            ),
        ),
        "invert": boolean("Invert the comparison.", default=False, update_allowed=True),
        "key": string("Header or cookie name (HEADER and COOKIE rules).", update_allowed=True),
        "l7policy": string(
            "L7 policy (name or id) the rule belongs to.",
            required=True,
            constraints=(custom("octavia.l7policy"),),
        ),
        "type": string(
            "Part of the request compared.",
            required=True,
            update_allowed=True,
            constraints=(allowed_values("HOST_NAME", "PATH", "FILE_TYPE", "HEADER", "COOKIE"),),
        ),
        "value": string("Value compared with.", required=True, update_allowed=True),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """HEADER and COOKIE rules need a key."""
        if values.get("type") in ("HEADER", "COOKIE") and not values.given("key"):
            report(("type",), "rules of type HEADER or COOKIE need 'key'")

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(L7RULE)


@register
class Flavor(ResourceType):
    """OS::Octavia::Flavor: An Octavia flavor: a size of load balancer (admin only)."""

    type_name = "OS::Octavia::Flavor"
    description = "An Octavia flavor: a size of load balancer (admin only)."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the flavor.", default="", update_allowed=True),
        "enabled": boolean("Whether the flavor can be used.", default=True, update_allowed=True),
        "flavor_profile": string(
            "Flavor profile (name or id) it uses.",
            required=True,
            constraints=(custom("octavia.flavorprofile"),),
        ),
        "name": string("Name of the flavor.", update_allowed=True),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "flavor_profile_id": attribute("Id of the flavor profile.", PropertyType.STRING),
    }

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(FLAVOR)


@register
class FlavorProfile(ResourceType):
    """OS::Octavia::FlavorProfile: Provider-specific settings of an Octavia flavor (admin only)."""

    type_name = "OS::Octavia::FlavorProfile"
    description = "Provider-specific settings of an Octavia flavor (admin only)."
    properties: ClassVar[dict[str, Property]] = provider_profile("flavor_data")

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(FLAVOR_PROFILE)


@register
class AvailabilityZone(ResourceType):
    """OS::Octavia::AvailabilityZone: An Octavia availability zone (admin only)."""

    type_name = "OS::Octavia::AvailabilityZone"
    description = "An Octavia availability zone (admin only)."
    properties: ClassVar[dict[str, Property]] = {
        "availability_zone_profile": string(
            "Availability zone profile (name or id) it uses.",
            required=True,
            constraints=(custom("octavia.availabilityzoneprofile"),),
        ),
        "description": string(
            "Description of the availability zone.", default="", update_allowed=True
        ),
        "enabled": boolean(
            "Whether the availability zone can be used.", default=True, update_allowed=True
        ),
        "name": string("Name of the availability zone.", update_allowed=True),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "availability_zone_profile_id": attribute(
            "Id of the availability zone profile.", PropertyType.STRING
        ),
    }

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(AVAILABILITY_ZONE)


@register
class AvailabilityZoneProfile(ResourceType):
    """OS::Octavia::AvailabilityZoneProfile: Provider-specific settings of an Octavia availability zone (admin only)."""

    type_name = "OS::Octavia::AvailabilityZoneProfile"
    description = "Provider-specific settings of an Octavia availability zone (admin only)."
    properties: ClassVar[dict[str, Property]] = provider_profile("availability_zone_data")

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(AZ_PROFILE)


@register
class Quota(ResourceType):
    """OS::Octavia::Quota: Octavia quotas of a project (admin only)."""

    type_name = "OS::Octavia::Quota"
    description = "Octavia quotas of a project (admin only)."
    properties: ClassVar[dict[str, Property]] = {
        "healthmonitor": quota("health monitors"),
        "listener": quota("listeners"),
        "loadbalancer": quota("load balancers"),
        "member": quota("pool members"),
        "pool": quota("pools"),
        "project": QUOTA_PROJECT,
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """At least one quota besides the project."""
        check_any_quota(values, report)

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(QUOTA)
