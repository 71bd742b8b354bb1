"""Lifecycles of AWS::EC2::EIP and AWS::EC2::EIPAssociation as Heat runs them
(heat/engine/resources/aws/ec2/eip.py).

- EIP: a floating IP on the one external network; its physical id (and Ref) is the
  address, its id is AllocationId. With InstanceId it goes on the instance's first port.
- EIPAssociation: by EIP (an address) onto an instance's first port, or by AllocationId
  (a floating IP id) onto an interface's or instance's port, after giving the port's VPC
  router a gateway on the address's network.

A floating IP carries heatctl's tag; an association is found again by the address being
on the port.
"""

from __future__ import annotations

from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.openstack_aws import external_network_id, missing, router_for_vpc
from heatctl.engine.wait import Wait

Conn = Any

# -- Elastic IP --------------------------------------------------------------------------


def server_port(conn: Conn, server_id: str) -> Any:
    """The instance's first port (Heat's associate_floatingip picks the same)."""
    ports = list(conn.network.ports(device_id=server_id))
    if not ports:
        raise ResourceFailed(f"instance {server_id} has no port to put an address on")
    return ports[0]


def _eip_by_address(conn: Conn, address: str) -> Any | None:
    found = list(conn.network.ips(floating_ip_address=address))
    return found[0] if found else None


def _fip_id(ctx: ResourceContext) -> str | None:
    if ctx.data.get("fip"):
        return str(ctx.data["fip"])
    found = _eip_by_address(ctx.conn, ctx.physical_id or "")
    return None if found is None else str(found.id)


def _associate(ctx: ResourceContext, server: str) -> None:
    def associate() -> None:
        port = server_port(ctx.conn, server)
        ctx.conn.network.update_ip(ctx.data["fip"], port_id=port.id)

    ctx.call("floating ip.associate", associate)


class EipLifecycle:
    """EIP: a floating IP on the external network; its physical id (and Ref) is the
    address, its id is AllocationId (ctx.data["fip"])."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        def allocate() -> Any:
            return ctx.conn.network.create_ip(
                floating_network_id=external_network_id(ctx.conn), tags=[ctx.tag]
            )

        fip = ctx.call(
            "floating ip.create",
            allocate,
            creates=True,
            lookup=lambda: next(iter(ctx.conn.network.ips(tags=ctx.tag)), None),
        )
        ctx.physical_id, ctx.data["fip"] = str(fip.floating_ip_address), str(fip.id)
        if ctx.properties.get("InstanceId"):
            _associate(ctx, str(ctx.properties["InstanceId"]))
        return None

    def update(self, ctx: ResourceContext) -> Wait | None:
        if "InstanceId" in ctx.changed:
            ctx.data["fip"] = _fip_id(ctx)
            server = ctx.properties.get("InstanceId")
            if server:
                _associate(ctx, str(server))
            else:
                ctx.call(
                    "floating ip.dissociate",
                    lambda: ctx.conn.network.update_ip(ctx.data["fip"], port_id=None),
                )
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        fip = ctx.call("floating ip.find", lambda: _fip_id(ctx))
        if fip is not None:
            ctx.call(
                "floating ip.delete",
                lambda: ctx.conn.network.delete_ip(fip, ignore_missing=True),
                conflict_retries=6,
            )
        return None

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        found = ctx.call("floating ip.find", lambda: list(ctx.conn.network.ips(tags=ctx.tag)))
        if not found:
            return None
        ctx.data["fip"] = str(found[0].id)
        return str(found[0].floating_ip_address)

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        fip = ctx.call("floating ip.find", lambda: _fip_id(ctx))
        return {} if fip is None else {"AllocationId": fip}

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    check_update_complete = check_delete_complete = check_create_complete


def _assoc_port(ctx: ResourceContext, props: dict[str, Any]) -> Any:
    if props.get("NetworkInterfaceId"):
        return ctx.conn.network.get_port(props["NetworkInterfaceId"])
    return server_port(ctx.conn, str(props["InstanceId"]))


def _assoc_fip(ctx: ResourceContext, props: dict[str, Any]) -> Any:
    if props.get("EIP"):
        fip = _eip_by_address(ctx.conn, str(props["EIP"]))
        if fip is None:
            raise ResourceFailed(f"{ctx.name}: no floating IP with address {props['EIP']}")
        return fip
    return ctx.conn.network.get_ip(props["AllocationId"])


def _assoc_attach(ctx: ResourceContext) -> None:
    props = ctx.properties
    fip, port = _assoc_fip(ctx, props), _assoc_port(ctx, props)
    if not props.get("EIP"):
        router = router_for_vpc(ctx.conn, port.network_id)
        if router is not None:
            ctx.conn.network.update_router(
                router.id, external_gateway_info={"network_id": fip.floating_network_id}
            )
    ctx.conn.network.update_ip(fip.id, port_id=port.id)
    ctx.data["port"] = str(port.id)


def _assoc_detach(ctx: ResourceContext, props: dict[str, Any]) -> None:
    try:
        fip = _assoc_fip(ctx, props)
    except ResourceFailed:
        return
    except Exception as error:
        if missing(error):
            return
        raise
    if fip.port_id:
        ctx.conn.network.update_ip(fip.id, port_id=None)


class EipAssociationLifecycle:
    """EIPAssociation: by EIP (an address) onto an instance's first port, or by
    AllocationId (a floating IP id) onto an interface's or instance's port, after giving
    the port's VPC router a gateway on the address's network (as Heat)."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        ctx.call("floating ip.associate", lambda: _assoc_attach(ctx))
        ctx.physical_id = str(ctx.properties.get("EIP") or ctx.properties.get("AllocationId"))
        return None

    def update(self, ctx: ResourceContext) -> Wait | None:
        if {"EIP", "AllocationId"} & set(ctx.changed):
            ctx.call("floating ip.dissociate", lambda: _assoc_detach(ctx, ctx.old_properties))
        ctx.call("floating ip.associate", lambda: _assoc_attach(ctx))
        ctx.physical_id = str(ctx.properties.get("EIP") or ctx.properties.get("AllocationId"))
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        if ctx.properties.get("EIP") or ctx.properties.get("AllocationId"):
            ctx.call("floating ip.dissociate", lambda: _assoc_detach(ctx, ctx.properties))
        return None

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        props = ctx.properties
        if not (props.get("EIP") or props.get("AllocationId")):
            return None

        def on_port() -> bool:
            fip, port = _assoc_fip(ctx, props), _assoc_port(ctx, props)
            return bool(fip.port_id == port.id)

        try:
            found = ctx.call("floating ip.find", on_port)
        except ResourceFailed:
            return None
        return str(props.get("EIP") or props.get("AllocationId")) if found else None

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    check_update_complete = check_delete_complete = check_create_complete

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        return {}
