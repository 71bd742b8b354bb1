"""Lifecycles of resources that are links or named objects rather than tagged objects:
a router interface, a volume attachment, a key pair. They cannot carry a tag, so
`find_by_tag` looks for the link itself (the router's port on the subnet, the volume's
attachment to the server, the key pair's name): a crash between the call and saving its
result is recovered by adopting what exists.
"""

from __future__ import annotations

from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.wait import Wait

# -- OS::Neutron::RouterInterface ------------------------------------------------------


def _interface_target(ctx: ResourceContext) -> tuple[str, str | None, str | None]:
    p = ctx.properties
    net = ctx.conn.network
    router = str(net.find_router(p.get("router") or p["router_id"], ignore_missing=False).id)
    subnet = p.get("subnet") or p.get("subnet_id")
    port = p.get("port") or p.get("port_id")
    subnet_id = str(net.find_subnet(subnet, ignore_missing=False).id) if subnet else None
    port_id = str(net.find_port(port, ignore_missing=False).id) if port else None
    return router, subnet_id, port_id


def _interface_id(router: str, subnet_id: str | None, port_id: str | None) -> str:
    return f"{router}:subnet_id={subnet_id}" if subnet_id else f"{router}:port_id={port_id}"


def _existing_interface(ctx: ResourceContext) -> str | None:
    router, subnet_id, port_id = _interface_target(ctx)
    for port in ctx.conn.network.ports(device_id=router):
        if port_id and port.id == port_id:
            return _interface_id(router, None, port_id)
        if subnet_id and any(ip.get("subnet_id") == subnet_id for ip in port.fixed_ips or []):
            return _interface_id(router, subnet_id, None)
    return None


class RouterInterfaceLifecycle:
    """Methods the OS::Neutron::RouterInterface class takes as its own."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        router, subnet_id, port_id = _interface_target(ctx)
        ctx.call(
            "router.add_interface",
            lambda: ctx.conn.network.add_interface_to_router(
                router, subnet=subnet_id, port=port_id
            ),
            creates=True,
            lookup=lambda: _existing_interface(ctx),
        )
        ctx.physical_id = _interface_id(router, subnet_id, port_id)
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        router, _, what = (ctx.physical_id or "").partition(":")
        key, _, value = what.partition("=")
        if not value:
            return None
        from openstack import exceptions

        try:
            ctx.call(
                "router.remove_interface",
                lambda: ctx.conn.network.remove_interface_from_router(
                    router, **{key.removesuffix("_id"): value}
                ),
                conflict_retries=6,
            )
        except ResourceFailed:
            raise
        except exceptions.NotFoundException:
            return None  # already gone
        except Exception as error:  # a 404 classified by ctx.call: gone too
            if "not_found" not in str(error):
                raise
        return None

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        return _existing_interface(ctx)

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    check_update_complete = check_delete_complete = check_create_complete
    update = check_create_complete

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        return {}


# -- OS::Nova::KeyPair ------------------------------------------------------------------


class KeyPairLifecycle:
    """Methods the OS::Nova::KeyPair class takes. The name is the identity (Nova's too)."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        p = ctx.properties
        body = {
            k: v
            for k, v in {
                "name": p["name"],
                "public_key": p.get("public_key"),
                "type": p.get("type"),
            }.items()
            if v is not None
        }
        keypair = ctx.call(
            "keypair.create",
            lambda: ctx.conn.compute.create_keypair(**body),
            request={"name": p["name"]},
            creates=True,
            lookup=lambda: ctx.conn.compute.find_keypair(p["name"], ignore_missing=True),
        )
        ctx.physical_id = str(keypair.name)
        if p.get("save_private_key") and getattr(keypair, "private_key", None):
            ctx.attributes["private_key"] = keypair.private_key
        ctx.attributes["public_key"] = keypair.public_key
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        ctx.call(
            "keypair.delete",
            lambda: ctx.conn.compute.delete_keypair(ctx.physical_id or "", ignore_missing=True),
        )
        return None

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        found = ctx.conn.compute.find_keypair(ctx.properties["name"], ignore_missing=True)
        return str(found.name) if found is not None else None

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    check_update_complete = check_delete_complete = update = check_create_complete

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        if "public_key" not in ctx.attributes and ctx.physical_id:
            found = ctx.conn.compute.find_keypair(ctx.physical_id, ignore_missing=True)
            if found is not None:
                ctx.attributes["public_key"] = found.public_key
        return {}


# -- OS::Cinder::VolumeAttachment ---------------------------------------------------------


def _volume_status(ctx: ResourceContext, volume_id: str) -> str | None:
    volume = ctx.call(
        "volume.get",
        lambda: ctx.conn.block_storage.find_volume(volume_id, ignore_missing=True),
    )
    return None if volume is None else str(volume.status).lower()


def _find_attachment(ctx: ResourceContext) -> Any:
    """The server's attachment of the volume, or None (also when the server is gone)."""
    from openstack import exceptions

    server, volume = ctx.data.get("server"), ctx.data.get("volume")
    try:
        for item in ctx.conn.compute.volume_attachments(server):
            if item.volume_id == volume:
                return item
    except exceptions.NotFoundException:
        return None
    return None


class VolumeAttachmentLifecycle:
    """Methods the OS::Cinder::VolumeAttachment class takes: attach through Nova, done
    when Cinder says the volume is in-use; detach, done when it is available again.
    (Helpers are module functions: the class takes the methods, not this class.)"""

    def create(self, ctx: ResourceContext) -> Wait | None:
        p = ctx.properties
        server, volume = str(p["instance_uuid"]), str(p["volume_id"])
        ctx.data.update({"server": server, "volume": volume})
        body = {"volume_id": volume, **({"device": p["mountpoint"]} if p.get("mountpoint") else {})}
        ctx.call(
            "server.attach_volume",
            lambda: ctx.conn.compute.create_volume_attachment(server, **body),
            creates=True,
            lookup=lambda: _find_attachment(ctx),
        )
        ctx.physical_id = f"{server}:{volume}"
        return Wait(None)

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        ctx.data.setdefault("server", str(ctx.properties.get("instance_uuid")))
        ctx.data.setdefault("volume", str(ctx.properties.get("volume_id")))
        found = _find_attachment(ctx)
        return f"{ctx.data['server']}:{ctx.data['volume']}" if found is not None else None

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        server, _, volume = (ctx.physical_id or "").partition(":")
        ctx.data.setdefault("server", server)  # adopted or resumed: the id says which
        ctx.data.setdefault("volume", volume)
        status = _volume_status(ctx, ctx.data["volume"])
        if status == "in-use":
            return None
        if status in (None, "error", "error_attaching"):
            raise ResourceFailed(
                f"{ctx.name}: attaching volume {ctx.data['volume']} failed ({status})"
            )
        return Wait(None)

    def delete(self, ctx: ResourceContext) -> Wait | None:
        server, _, volume = (ctx.physical_id or "").partition(":")
        ctx.data.update({"server": server, "volume": volume})
        ctx.call(
            "server.detach_volume",
            lambda: ctx.conn.compute.delete_volume_attachment(volume, server, ignore_missing=True),
            conflict_retries=6,
        )
        return Wait(None)

    def check_delete_complete(self, ctx: ResourceContext) -> Wait | None:
        status = _volume_status(ctx, ctx.data.get("volume", ""))
        if status in (None, "available"):
            return None
        if status == "error_detaching":
            raise ResourceFailed(f"{ctx.name}: detaching volume {ctx.data['volume']} failed")
        return Wait(None)

    def update(self, ctx: ResourceContext) -> Wait | None:
        return None  # every change replaces it (see the class's replace_on_update)

    check_update_complete = update

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        return {}
