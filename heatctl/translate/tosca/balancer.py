"""tosca.nodes.LoadBalancer -> OS::Octavia::LoadBalancer, Listener, Pool and PoolMembers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from heatctl.translate.tosca.model import Node
from heatctl.translate.tosca.software import hosts_of

if TYPE_CHECKING:
    from heatctl.translate.tosca.translator import Context

ALGORITHMS = {
    "round_robin": "ROUND_ROBIN",
    "least_connections": "LEAST_CONNECTIONS",
    "source_ip": "SOURCE_IP",
}


def build(ctx: Context, node: Node) -> None:
    """One load balancer, one listener on the client endpoint, a pool, and its members."""
    subnet = f"{node.name}_vip_subnet"
    ctx.parameters[subnet] = {
        "type": "string",
        "description": f"Subnet for the virtual IP of {node.name}",
    }
    ctx.reporter.approximate(
        f"TOSCA does not say where the virtual IP lives: give parameter {subnet}",
        (*node.path, "type"),
    )
    client = node.capabilities.get("client", {})
    protocol = str(client.get("protocol") or "tcp").upper()
    protocol = protocol if protocol in ("TCP", "HTTP", "HTTPS", "UDP") else "TCP"
    port = client.get("port") or 80
    name = ctx.add(
        node.name,
        {"type": "OS::Octavia::LoadBalancer", "properties": {"vip_subnet": {"get_param": subnet}}},
        node.name,
    )
    ctx.main_resource[node.name] = name
    ctx.add(
        f"{node.name}_listener",
        {
            "type": "OS::Octavia::Listener",
            "properties": {
                "loadbalancer": {"get_resource": name},
                "protocol": protocol,
                "protocol_port": port,
            },
        },
        node.name,
    )
    algorithm = ALGORITHMS.get(str(node.properties.get("algorithm") or "round_robin").lower())
    if algorithm is None:
        ctx.reporter.approximate(
            f"algorithm '{node.properties.get('algorithm')}' is not an Octavia one; ROUND_ROBIN is used",
            (*node.path, "properties", "algorithm"),
        )
        algorithm = "ROUND_ROBIN"
    pool = ctx.add(
        f"{node.name}_pool",
        {
            "type": "OS::Octavia::Pool",
            "properties": {
                "listener": {"get_resource": f"{node.name}_listener"},
                "lb_algorithm": algorithm,
                "protocol": protocol,
            },
        },
        node.name,
    )
    for index, requirement in enumerate(
        node.required("tosca.relationships.RoutesTo", ctx.registry)
    ):
        target = ctx.nodes.get(requirement.target or "")
        servers = hosts_of(ctx, target) if target is not None else []
        if not servers:
            ctx.reporter.untranslated(
                "the routed application is not hosted on a server; no pool member", requirement.path
            )
            continue
        endpoint = (
            next((c for c in target.capabilities.values() if "port" in c and c.get("port")), {})
            if target
            else {}
        )
        member: dict[str, Any] = {
            "pool": {"get_resource": pool},
            "address": ctx.attribute(
                ctx.nodes[servers[0]], "private_address", [], requirement.path
            ),
            "protocol_port": endpoint.get("port", port),
            "subnet": {"get_param": subnet},
        }
        ctx.add(
            f"{node.name}_member_{index}",
            {"type": "OS::Octavia::PoolMember", "properties": member},
            node.name,
        )
