"""Lifecycles of Heat's AWS::EC2 networking types, mapped as Heat maps them onto Neutron
(heat/engine/resources/aws/ec2/*.py):

- AWS::EC2::VPC: a network and a router with the same name (the router is how Heat finds
  "the VPC's router" again: by the network's name). Ref: the network id.
- AWS::EC2::Subnet: a subnet of the VPC's network, plugged into the VPC's router.
- AWS::EC2::RouteTable: a router; AWS::EC2::SubnetRouteTableAssociation moves a subnet
  from the VPC's router to it (and back on delete).
- AWS::EC2::InternetGateway: no cloud object (the one external network stands for it);
  AWS::EC2::VPCGatewayAttachment sets it as the gateway of the VPC's route tables.
- AWS::EC2::NetworkInterface: a port; AWS::EC2::SecurityGroup: a Neutron security group
  whose ingress/egress rules are diffed on update.
- AWS::EC2::EIP and AWS::EC2::EIPAssociation: openstack_aws_eip.py.

Objects that can carry heatctl's tag carry it (Neutron tags); links are found again by
what they link (a router's port on the subnet, a floating IP on the port).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.openstack import CloudKind, drop_none, lifecycle
from heatctl.engine.openstack_kinds import NETWORK, PORT, ROUTER, SECURITY_GROUP, SUBNET
from heatctl.engine.wait import Wait

Conn = Any


def missing(error: BaseException) -> bool:
    from openstack import exceptions

    return isinstance(error, exceptions.NotFoundException) or "not_found" in str(error)


def create_then(kind: CloudKind, check: Callable[[Any, ResourceContext], Wait | None]) -> Any:
    """The kind's create followed by `check` (the generic create finishes as soon as the
    object is ACTIVE, so a type whose creation has more steps runs them here; `check` is
    also its check_create_complete, so a resumed or adopted create runs them too)."""
    base = lifecycle(kind)[0]

    def create(self: Any, ctx: ResourceContext) -> Wait | None:
        progress = base(self, ctx)
        return progress if progress is not None else check(self, ctx)

    return create


def route_table_tag(stack_id: str, vpc_id: str) -> str:
    """The tag that marks a RouteTable's router as one of this stack's tables of a VPC
    (Heat finds them among the stack's resources; heatctl asks Neutron)."""
    return f"heatctl-rt={stack_id}/{vpc_id}"


# -- VPC -------------------------------------------------------------------------------


def router_for_vpc(conn: Conn, network_id: str) -> Any | None:
    """The VPC's router: the one named like the network (None when there is none, e.g. a
    network made outside a VPC), as Heat's VPC.router_for_vpc."""
    net = conn.network.find_network(network_id, ignore_missing=True)
    if net is None:
        return None
    routers = list(conn.network.routers(name=net.name))
    if len(routers) > 1:
        raise ResourceFailed(f"multiple routers found with name {net.name}")
    return routers[0] if routers else None


def _create_vpc(conn: Conn, body: dict[str, Any]) -> Any:
    net = conn.network.create_network(**body)
    conn.network.create_router(name=body["name"], tags=body["tags"])
    return net


def _vpc_ready(conn: Conn, ctx: ResourceContext) -> bool | None:
    """Both the network and its router are built; a router lost to a crash right after
    the network was made is made now."""
    router = router_for_vpc(conn, ctx.physical_id or "")
    if router is None:
        net = conn.network.find_network(ctx.physical_id, ignore_missing=False)
        router = conn.network.create_router(name=net.name, tags=[ctx.tag])
    return str(router.status or "ACTIVE").upper() == "ACTIVE"


def _delete_vpc(conn: Conn, network_id: str) -> None:
    router = router_for_vpc(conn, network_id)
    if router is not None:
        conn.network.delete_router(router.id, ignore_missing=True)
    conn.network.delete_network(network_id, ignore_missing=True)


VPC = CloudKind(
    what="vpc network",
    create=_create_vpc,
    get=NETWORK.get,
    delete=_delete_vpc,
    find_tagged=NETWORK.find_tagged,
    body=lambda ctx: {"name": ctx.physical_name(), "tags": [ctx.tag]},
    attributes=lambda net: {},
)


class VpcLifecycle:
    """VPC: the network kind, with the router checked as part of being created."""

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        net = ctx.call("network.get", lambda: NETWORK.get(ctx.conn, ctx.physical_id or ""))
        if net is None:
            raise ResourceFailed(f"{ctx.name}: network {ctx.physical_id} disappeared")
        ready = ctx.call("vpc router.check", lambda: _vpc_ready(ctx.conn, ctx))
        return None if ready else Wait(None)


# -- Subnet ----------------------------------------------------------------------------


def _router_has_subnet(conn: Conn, router_id: str, subnet_id: str) -> bool:
    return any(
        any(ip.get("subnet_id") == subnet_id for ip in port.fixed_ips or [])
        for port in conn.network.ports(device_id=router_id)
    )


def plug_subnet(conn: Conn, router_id: str, subnet_id: str) -> None:
    """Add the subnet to the router unless it is already there (safe to repeat)."""
    if not _router_has_subnet(conn, router_id, subnet_id):
        conn.network.add_interface_to_router(router_id, subnet=subnet_id)


def unplug_subnet(conn: Conn, router_id: str, subnet_id: str) -> None:
    """Take the subnet off the router; gone already counts as done."""
    try:
        conn.network.remove_interface_from_router(router_id, subnet=subnet_id)
    except Exception as error:
        if not missing(error):
            raise


def _subnet_body(ctx: ResourceContext) -> dict[str, Any]:
    return {
        "name": ctx.physical_name(),
        "network_id": str(ctx.properties["VpcId"]),
        "cidr": ctx.properties["CidrBlock"],
        "ip_version": 4,
        "tags": [ctx.tag],
    }


def _plug_into_vpc(conn: Conn, ctx: ResourceContext) -> None:
    router = router_for_vpc(conn, str(ctx.properties["VpcId"]))
    if router is not None:
        plug_subnet(conn, router.id, ctx.physical_id or "")


def _delete_ec2_subnet(ctx: ResourceContext) -> None:
    conn = ctx.conn
    router = router_for_vpc(conn, str(ctx.properties.get("VpcId") or ""))
    if router is not None:
        unplug_subnet(conn, router.id, ctx.physical_id or "")
    conn.network.delete_subnet(ctx.physical_id, ignore_missing=True)


EC2_SUBNET = CloudKind(
    what="subnet",
    create=SUBNET.create,
    get=SUBNET.get,
    delete=SUBNET.delete,
    find_tagged=SUBNET.find_tagged,
    body=_subnet_body,
    attributes=lambda s: {},
)


class Ec2SubnetLifecycle:
    """Subnet: made, then plugged into the VPC's router (Heat's add_interface_router)."""

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        ctx.call("router.add_interface", lambda: _plug_into_vpc(ctx.conn, ctx))
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        if ctx.physical_id:
            ctx.call("subnet.delete", lambda: _delete_ec2_subnet(ctx), conflict_retries=6)
        return None

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        return {"AvailabilityZone": ctx.properties.get("AvailabilityZone")}


# -- Internet gateway, route tables ------------------------------------------------------


def external_network_id(conn: Conn) -> str:
    """The one external network (Heat's InternetGateway.get_external_network_id)."""
    nets = list(conn.network.networks(is_router_external=True))
    if len(nets) != 1:
        raise ResourceFailed(
            f"Expected 1 external network, found {len(nets)}"
            " (an internet gateway or elastic IP needs exactly one)"
        )
    return str(nets[0].id)


def _route_table_body(ctx: ResourceContext) -> dict[str, Any]:
    vpc = str(ctx.properties["VpcId"])
    return {"name": ctx.physical_name(), "tags": [ctx.tag, route_table_tag(ctx.stack_id, vpc)]}


def _inherit_gateway(conn: Conn, ctx: ResourceContext) -> None:
    """When the VPC's own router has a gateway, the new table gets the same one."""
    default = router_for_vpc(conn, str(ctx.properties["VpcId"]))
    info = getattr(default, "external_gateway_info", None) if default is not None else None
    if info and info.get("network_id"):
        conn.network.update_router(
            ctx.physical_id, external_gateway_info={"network_id": info["network_id"]}
        )


ROUTE_TABLE = CloudKind(
    what="router",
    create=ROUTER.create,
    get=ROUTER.get,
    delete=ROUTER.delete,
    find_tagged=ROUTER.find_tagged,
    body=_route_table_body,
    attributes=lambda r: {},
)


class RouteTableLifecycle:
    """RouteTable: a router; takes the VPC router's gateway once built (as Heat)."""

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        router = ctx.call("router.get", lambda: ROUTER.get(ctx.conn, ctx.physical_id or ""))
        if router is None:
            raise ResourceFailed(f"{ctx.name}: router {ctx.physical_id} disappeared")
        if str(router.status or "ACTIVE").upper() != "ACTIVE":
            return Wait(None)
        ctx.call("router.set_gateway", lambda: _inherit_gateway(ctx.conn, ctx))
        return None


def _tables_of(ctx: ResourceContext) -> list[Any]:
    tag = route_table_tag(ctx.stack_id, str(ctx.properties["VpcId"]))
    return list(ctx.conn.network.routers(tags=tag))


class GatewayAttachmentLifecycle:
    """VPCGatewayAttachment: the external network becomes the gateway of every route
    table of the VPC in this stack; delete clears those gateways."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        def attach() -> None:
            ext = external_network_id(ctx.conn)
            for router in _tables_of(ctx):
                ctx.conn.network.update_router(router.id, external_gateway_info={"network_id": ext})

        ctx.call("router.set_gateway", attach)
        ctx.physical_id = ctx.physical_name()
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        def detach() -> None:
            for router in _tables_of(ctx):
                ctx.conn.network.update_router(router.id, external_gateway_info={})

        if ctx.properties.get("VpcId"):
            ctx.call("router.clear_gateway", detach, conflict_retries=6)
        return None

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        """Attached while every route table of the VPC has the external gateway."""
        if not ctx.properties.get("VpcId"):
            return None

        def attached() -> bool:
            ext = external_network_id(ctx.conn)
            gateways = [(r.external_gateway_info or {}).get("network_id") for r in _tables_of(ctx)]
            return all(g == ext for g in gateways)

        return ctx.physical_name() if ctx.call("router.gateways", attached) else None


def _routers_of(conn: Conn, subnet_id: str) -> list[str]:
    """The routers with an interface on the subnet."""
    return [
        str(port.device_id)
        for port in conn.network.ports(device_owner="network:router_interface")
        if any(ip.get("subnet_id") == subnet_id for ip in port.fixed_ips or [])
    ]


def _routed(conn: Conn, subnet_id: str) -> bool:
    """Whether some router has an interface on the subnet."""
    return bool(_routers_of(conn, subnet_id))


def _table_ids(ctx: ResourceContext) -> tuple[str, str]:
    return str(ctx.properties["RouteTableId"]), str(ctx.properties["SubnetId"])


def _default_router(ctx: ResourceContext, subnet_id: str) -> Any | None:
    subnet = ctx.conn.network.find_subnet(subnet_id, ignore_missing=True)
    return None if subnet is None else router_for_vpc(ctx.conn, subnet.network_id)


class SubnetRouteTableLifecycle:
    """SubnetRouteTableAssociation: the subnet leaves the VPC's router for the table;
    delete plugs it back into the VPC's router. Found again by the table's port."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        table, subnet = _table_ids(ctx)

        def move() -> None:
            # Heat takes the subnet off the VPC's router; off any other router too, so
            # that a replacing association (made before the old one goes) can take it.
            for router in _routers_of(ctx.conn, subnet):
                if router != table:
                    unplug_subnet(ctx.conn, router, subnet)
            plug_subnet(ctx.conn, table, subnet)

        ctx.call("router.add_interface", move, conflict_retries=6)
        ctx.physical_id = ctx.physical_name()
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        if not ctx.properties.get("RouteTableId"):
            return None
        table, subnet = _table_ids(ctx)

        def move_back() -> None:
            unplug_subnet(ctx.conn, table, subnet)
            default = _default_router(ctx, subnet)
            # Back to the VPC's router, unless a replacing association already moved the
            # subnet to another table (a subnet has one gateway address: one router).
            if default is not None and not _routed(ctx.conn, subnet):
                plug_subnet(ctx.conn, default.id, subnet)

        ctx.call("router.remove_interface", move_back, conflict_retries=6)
        return None

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        if not ctx.properties.get("RouteTableId") or not ctx.properties.get("SubnetId"):
            return None
        table, subnet = _table_ids(ctx)
        found = ctx.call("router.ports", lambda: _router_has_subnet(ctx.conn, table, subnet))
        return ctx.physical_name() if found else None


# -- Network interface -------------------------------------------------------------------


def security_group_ids(conn: Conn, values: Any) -> list[str]:
    """Names or ids of security groups -> ids (Heat's get_secgroup_uuids)."""
    find = conn.network.find_security_group
    return [str(find(str(v), ignore_missing=False).id) for v in values or []]


def _interface_body(ctx: ResourceContext) -> dict[str, Any]:
    p = ctx.properties
    subnet = ctx.conn.network.find_subnet(p["SubnetId"], ignore_missing=False)
    fixed = drop_none({"subnet_id": subnet.id, "ip_address": p.get("PrivateIpAddress")})
    groups = p.get("GroupSet")
    return drop_none(
        {
            "name": ctx.physical_name(),
            "is_admin_state_up": True,
            "network_id": subnet.network_id,
            "fixed_ips": [fixed],
            # No GroupSet: Neutron's default group; an empty one: no group (as Heat).
            "security_group_ids": None if groups is None else security_group_ids(ctx.conn, groups),
            "tags": [ctx.tag],
        }
    )


def _interface_update(ctx: ResourceContext) -> dict[str, Any]:
    if "GroupSet" not in ctx.changed:
        return {}
    groups = ctx.properties.get("GroupSet")
    return {"security_group_ids": security_group_ids(ctx.conn, groups or ["default"])}


def _first_fixed_ip(port: Any) -> str | None:
    ips = port.fixed_ips or []
    return str(ips[0]["ip_address"]) if ips else None


NETWORK_INTERFACE = CloudKind(
    what="port",
    create=PORT.create,
    get=PORT.get,
    delete=PORT.delete,
    find_tagged=PORT.find_tagged,
    body=_interface_body,
    update=PORT.update,
    update_body=_interface_update,
    attributes=lambda port: {"PrivateIpAddress": _first_fixed_ip(port)},
)


# -- Security group ----------------------------------------------------------------------


def _port_number(value: Any) -> int | None:
    """Neutron takes only non-negative ports: -1 (any, in AWS) becomes None."""
    if value is None or value == "":
        return None
    number = int(value)
    return number if number >= 0 else None


def _rules(ctx: ResourceContext, key: str, direction: str) -> list[dict[str, Any]]:
    """A property's rules as Neutron rule bodies (Heat's _prop_rules_to_common)."""
    rules = []
    for rule in ctx.properties.get(key) or []:
        low, high = _port_number(rule.get("FromPort")), _port_number(rule.get("ToPort"))
        no_ports = rule.get("FromPort") is None and rule.get("ToPort") is None
        source = rule.get("SourceSecurityGroupId") or rule.get("SourceSecurityGroupName")
        remote = security_group_ids(ctx.conn, [source])[0] if source else None
        protocol = rule.get("IpProtocol")
        rules.append(
            {
                "direction": direction,
                "ether_type": "IPv4",
                "protocol": None if protocol in (None, "-1") else str(protocol),
                "port_range_min": low,
                "port_range_max": high,
                "remote_ip_prefix": None if no_ports else rule.get("CidrIp"),
                "remote_group_id": remote,
            }
        )
    return rules


def _wanted_rules(ctx: ResourceContext) -> list[dict[str, Any]]:
    return [
        *_rules(ctx, "SecurityGroupIngress", "ingress"),
        *_rules(ctx, "SecurityGroupEgress", "egress"),
    ]


_RULE_FIELDS = (
    "direction",
    "ether_type",
    "protocol",
    "port_range_min",
    "port_range_max",
    "remote_ip_prefix",
    "remote_group_id",
)


def _rule_key(rule: Any) -> tuple[Any, ...]:
    get = rule.get if isinstance(rule, dict) else lambda k: getattr(rule, k, None)
    return tuple(get(k) for k in _RULE_FIELDS)


def _add_rules(conn: Conn, group_id: str, rules: list[dict[str, Any]]) -> None:
    from openstack import exceptions

    for rule in rules:
        # The same rule there already is no error (Heat ignores the conflict too).
        with contextlib.suppress(exceptions.ConflictException):
            conn.network.create_security_group_rule(security_group_id=group_id, **rule)


def _create_ec2_group(conn: Conn, body: dict[str, Any]) -> Any:
    rules, has_egress = body.pop("_rules"), body.pop("_has_egress")
    group = conn.network.create_security_group(**body)
    if has_egress:  # the template's egress rules replace Neutron's allow-all ones
        for rule in conn.network.security_group_rules(security_group_id=group.id):
            if rule.direction == "egress":
                conn.network.delete_security_group_rule(rule.id, ignore_missing=True)
    _add_rules(conn, group.id, rules)
    return group


def _sync_rules(conn: Conn, group_id: str, body: dict[str, Any]) -> None:
    """Heat's update: delete the rules no longer wanted, create the missing ones."""
    wanted = body["_rules"]
    wanted_keys = {_rule_key(r) for r in wanted}
    existing = list(conn.network.security_group_rules(security_group_id=group_id))
    for rule in existing:
        if _rule_key(rule) not in wanted_keys:
            conn.network.delete_security_group_rule(rule.id, ignore_missing=True)
    have = {_rule_key(r) for r in existing}
    _add_rules(conn, group_id, [r for r in wanted if _rule_key(r) not in have])


def _group_rules(group: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in group.security_group_rules or []]


EC2_SECURITY_GROUP = CloudKind(
    what="security group",
    create=_create_ec2_group,
    get=SECURITY_GROUP.get,
    delete=SECURITY_GROUP.delete,
    find_tagged=SECURITY_GROUP.find_tagged,
    body=lambda ctx: {
        "name": ctx.physical_name(),
        "description": ctx.properties.get("GroupDescription"),
        "tags": [ctx.tag],
        "_rules": _wanted_rules(ctx),
        "_has_egress": bool(ctx.properties.get("SecurityGroupEgress")),
    },
    update=_sync_rules,
    update_body=lambda ctx: (
        {"_rules": _wanted_rules(ctx)}
        if {"SecurityGroupIngress", "SecurityGroupEgress"} & set(ctx.changed)
        else {}
    ),
    attributes=lambda g: {"GroupId": g.id, "rules": _group_rules(g)},
)
