"""get_attribute: each translated node kind's attributes as HOT expressions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from heatctl.translate.tosca.model import Node

if TYPE_CHECKING:
    from heatctl.translate.tosca.translator import Context


def _server_address(ctx: Context, node: Node, public: bool, path: tuple[Any, ...]) -> Any:
    server = ctx.main_resource.get(node.name, node.name)
    ports = ctx.attributes.get(node.name, {}).get("ports", [])
    if public:
        for port in ports:
            floating = ctx.attributes.get(port, {}).get("floating_ip")
            if floating:
                return {"get_attr": [floating, "floating_ip_address"]}
    if ports and not public:
        return {"get_attr": [ports[0], "fixed_ips", 0, "ip_address"]}
    network = "public" if public else "private"
    ctx.reporter.approximate(
        f"address of '{node.name}' read from its network named '{network}' (HOT needs the network's name)",
        path,
    )
    return {"get_attr": [server, "networks", network, 0]}


def attribute(ctx: Context, node: Node, name: str, rest: list[Any], path: tuple[Any, ...]) -> Any:
    """The HOT expression for attribute `name` of `node` (with index `rest`), or None."""
    kind = ctx.kinds.get(node.name)
    resource = ctx.main_resource.get(node.name)
    result: Any = None
    if name == "tosca_name":
        return node.name
    if name == "tosca_id" and resource:
        return {"get_resource": resource}
    if kind in ("server", "vdu") and resource:
        if name in ("private_address", "ip_address"):
            result = _server_address(ctx, node, False, path)
        elif name == "public_address":
            result = _server_address(ctx, node, True, path)
        elif name == "networks":
            result = {"get_attr": [resource, "networks"]}
        elif name == "addresses":
            result = {"get_attr": [resource, "addresses"]}
    elif kind in ("volume", "vdu_storage") and name == "volume_id":
        result = {"get_resource": resource} if resource else node.properties.get("volume_id")
    elif kind in ("network", "virtual_link") and name in ("network_id", "network_name"):
        if resource:
            result = (
                {"get_resource": resource}
                if name == "network_id"
                else {"get_attr": [resource, "name"]}
            )
        else:
            result = ctx.attributes.get(node.name, {}).get("network_ref")
    elif kind in ("port", "vdu_cp") and resource and name in ("ip_address", "address"):
        result = {"get_attr": [resource, "fixed_ips", 0, "ip_address"]}
    elif kind == "floating_ip" and resource and name in ("floating_ip_address", "ip_address"):
        result = {"get_attr": [resource, "floating_ip_address"]}
    elif kind == "container" and resource and name in ("url", "name"):
        result = (
            {"get_attr": [resource, "name"]}
            if name == "name"
            else {"get_attr": [resource, "RootURL"]}
        )
    elif kind == "load_balancer" and resource and name in ("ip_address", "vip_address"):
        result = {"get_attr": [resource, "vip_address"]}
    if result is not None and rest and isinstance(result, dict) and "get_attr" in result:
        result = {"get_attr": [*result["get_attr"], *rest]}
    return result
