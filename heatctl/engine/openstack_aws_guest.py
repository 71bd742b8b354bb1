"""AWS::ElasticLoadBalancing::LoadBalancer on Octavia and AWS::RDS::DBInstance on Trove.

Heat builds both as nested stacks of a server whose HAProxy / MySQL cfn-init configures;
heatctl asks the cloud's own LBaaS / DBaaS instead, keeping Heat's properties and
attributes (docs/types/aws.md):

- LoadBalancer: an Octavia load balancer on the subnet of the first instance's first port
  (no instances: the first subnet of the project's first non-external network), and per
  entry of Listeners a listener (LoadBalancerPort) with a pool (ROUND_ROBIN) whose members
  are the Instances at their first address on InstancePort; HealthCheck is each pool's
  health monitor. Octavia changes one object at a time, so the work is a queue of steps in
  ctx.data, each sent once the load balancer is ACTIVE again. Every object carries the
  resource's tag plus a tag naming its step, so a step cut short by a crash is adopted.
  Updates of Instances add and remove members in place (Heat's handle_update rewrote the
  HAProxy members), of HealthCheck change the monitors. Delete is a cascade delete.
- DBInstance: an OS::Trove::Instance (openstack_trove.py) run on translated properties.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.openstack_octavia import (
    BUSY_WAIT,
    HEALTH_MONITOR,
    LISTENER,
    LOADBALANCER,
    POOL,
    lb,
    missing_is_none,
    provisioning_ready,
    status_of,
    tagged,
)
from heatctl.engine.openstack_trove import INSTANCE_METHODS
from heatctl.engine.retry import CloudCallFailed
from heatctl.engine.wait import Wait

Step = list[Any]


def has_service(ctx: ResourceContext, service_type: str) -> bool:
    """Whether the cloud's catalog has an endpoint for the service."""
    endpoint = ctx.call(f"{service_type}.endpoint", lambda: ctx.conn.endpoint_for(service_type))
    return bool(endpoint)


def require_service(ctx: ResourceContext, service_type: str, what: str) -> None:
    """Fail at create, naming the service, when the catalog has no endpoint for it."""
    if not has_service(ctx, service_type):
        raise ResourceFailed(
            f"{ctx.name}: {ctx.type} needs the cloud's {what} service (service type"
            f" '{service_type}'), and the cloud's catalog has no endpoint for it"
        )


# -- the load balancer's plan ---------------------------------------------------------------


def _busy(error: CloudCallFailed) -> bool:
    return error.classified.status == 409 and "immutable" in error.classified.message


def _server(ctx: ResourceContext, ref: str) -> Any:
    server = ctx.call("server.find", lambda: ctx.conn.compute.find_server(ref))
    if server is None:
        raise ResourceFailed(f"{ctx.name}: instance {ref} not found")
    return server


def _first_address(ctx: ResourceContext, ref: str) -> tuple[str, str | None]:
    """(address, subnet id) of an instance's first port, as Heat's server_to_ipaddress."""
    server = _server(ctx, ref)
    ports = ctx.call("port.list", lambda: list(ctx.conn.network.ports(device_id=server.id)))
    for port in ports:
        for fixed in port.fixed_ips or []:
            return str(fixed["ip_address"]), str(fixed["subnet_id"])
    for addresses in (server.addresses or {}).values():
        for address in addresses:
            return str(address["addr"]), None
    raise ResourceFailed(f"{ctx.name}: instance {ref} has no address to balance to")


def _default_subnet(ctx: ResourceContext) -> str:
    def find() -> str | None:
        for network in ctx.conn.network.networks():
            if not network.is_router_external and network.subnet_ids:
                return str(network.subnet_ids[0])
        return None

    subnet = ctx.call("subnet.default", find)
    if subnet is None:
        raise ResourceFailed(f"{ctx.name}: no private network with a subnet for the VIP")
    return subnet


def _health(props: dict[str, Any]) -> dict[str, Any] | None:
    """HealthCheck as an Octavia monitor body (without pool), or None."""
    check = props.get("HealthCheck")
    if not check:
        return None
    target = str(check["Target"])
    kind, _, rest = target.partition(":")
    port, _, path = rest.partition("/")
    kind = kind.upper()
    if kind not in ("HTTP", "HTTPS", "TCP", "SSL") or not port.isdigit():
        raise ResourceFailed(
            f"HealthCheck.Target '{target}' is not PROTOCOL:PORT[/PATH] with HTTP, HTTPS, TCP"
            " or SSL"
        )
    if float(check["Interval"]) < float(check["Timeout"]):
        raise ResourceFailed("HealthCheck: Interval must be larger than Timeout")
    body: dict[str, Any] = {
        "type": {"SSL": "TLS-HELLO"}.get(kind, kind),
        "delay": int(check["Interval"]),
        "timeout": int(check["Timeout"]),
        "max_retries": int(check["HealthyThreshold"]),
        "max_retries_down": int(check["UnhealthyThreshold"]),
    }
    if kind in ("HTTP", "HTTPS"):
        body["url_path"] = "/" + path
    return body


def _monitor_port(props: dict[str, Any]) -> int | None:
    check = props.get("HealthCheck")
    port = str(check["Target"]).partition(":")[2].partition("/")[0] if check else ""
    return int(port) if port.isdigit() else None


def _listeners(props: dict[str, Any]) -> list[dict[str, Any]]:
    return list(props.get("Listeners") or [])


def _instances(props: dict[str, Any]) -> list[str]:
    return [str(i) for i in props.get("Instances") or []]


def _create_plan(props: dict[str, Any]) -> list[Step]:
    steps: list[Step] = []
    monitor = _health(props) is not None
    for listener in _listeners(props):
        port = int(listener["LoadBalancerPort"])
        steps += [["listener", port], ["pool", port]]
        steps += [["monitor", port]] if monitor else []
        steps += [["member", port, server] for server in _instances(props)]
    return steps


def _update_plan(ctx: ResourceContext) -> list[Step]:
    props, old = ctx.properties, ctx.old_properties
    steps: list[Step] = []
    ports = [int(li["LoadBalancerPort"]) for li in _listeners(props)]
    if "Instances" in ctx.changed:
        new, was = _instances(props), _instances(old)
        for port in ports:
            steps += [["drop_member", port, s] for s in was if s not in new]
            steps += [["member", port, s] for s in new if s not in was]
    if "HealthCheck" in ctx.changed:
        before, after = _health(old), _health(props)
        same = before is not None and after is not None and before["type"] == after["type"]
        for port in ports:
            if before is not None and not same:
                steps.append(["drop_monitor", port])
            if after is not None:
                steps.append(["change_monitor" if same else "monitor", port])
        if _monitor_port(old) != _monitor_port(props):
            kept = [s for s in _instances(props) if s in _instances(old)]
            steps += [["member_monitor", port, s] for port in ports for s in kept]
    if "SecurityGroups" in ctx.changed:
        steps.append(["security_groups"])
    return steps


# -- the steps --------------------------------------------------------------------------------


def _tags(ctx: ResourceContext, *role: Any) -> list[str]:
    return [ctx.tag, "elb-" + "-".join(str(r) for r in role)]


def _created(
    ctx: ResourceContext, what: str, make: Callable[[], Any], find: Callable[[], list[Any]]
) -> str:
    found = ctx.call(f"elb.{what}.find", lambda: next(iter(find()), None))
    if found is not None:  # made before a crash lost its id
        return str(found.id)
    obj = ctx.call(
        f"elb.{what}.create",
        make,
        request={"name": ctx.name, "what": what},
        creates=True,
        lookup=lambda: next(iter(find()), None),
    )
    return str(obj.id)


def _entry(ctx: ResourceContext, port: int) -> dict[str, Any]:
    """What was made for the listener on `port` (its listener, pool, monitor, members)."""
    entry: dict[str, Any] | None = (ctx.data.get("listeners") or {}).get(str(port))
    if entry is None or "pool" not in entry:
        raise ResourceFailed(
            f"{ctx.name}: the listener on port {port} was never completed; replace the"
            " resource (e.g. change its Listeners) to build it again"
        )
    return entry


def _listener_step(ctx: ResourceContext, port: int) -> None:
    spec = next(li for li in _listeners(ctx.properties) if int(li["LoadBalancerPort"]) == port)
    tags = _tags(ctx, "listener", port)
    body = {
        "name": f"{ctx.physical_name()}-{port}",
        "protocol": spec["Protocol"],
        "protocol_port": port,
        "loadbalancer_id": ctx.physical_id,
        "tags": tags,
    }
    conn = lb(ctx)
    oid = _created(
        ctx,
        "listener",
        lambda: LISTENER.create(ctx, body),
        lambda: tagged(conn.listeners(tags=tags[1]), ctx.tag),
    )
    ctx.data.setdefault("listeners", {})[str(port)] = {"listener": oid, "members": {}}


def _pool_step(ctx: ResourceContext, port: int) -> None:
    spec = next(li for li in _listeners(ctx.properties) if int(li["LoadBalancerPort"]) == port)
    entry = ctx.data["listeners"][str(port)]
    tags = _tags(ctx, "pool", port)
    body = {
        "name": f"{ctx.physical_name()}-{port}",
        "protocol": spec["Protocol"],
        "lb_algorithm": "ROUND_ROBIN",
        "listener_id": entry["listener"],
        "tags": tags,
    }
    conn = lb(ctx)
    entry["pool"] = _created(
        ctx,
        "pool",
        lambda: POOL.create(ctx, body),
        lambda: tagged(conn.pools(tags=tags[1]), ctx.tag),
    )
    entry["instance_port"] = int(spec["InstancePort"])


def _monitor_step(ctx: ResourceContext, port: int) -> None:
    entry = _entry(ctx, port)
    tags = _tags(ctx, "monitor", port)
    body = {**(_health(ctx.properties) or {}), "pool_id": entry["pool"], "tags": tags}
    conn = lb(ctx)
    entry["monitor"] = _created(
        ctx,
        "monitor",
        lambda: HEALTH_MONITOR.create(ctx, body),
        lambda: tagged(conn.health_monitors(tags=tags[1]), ctx.tag),
    )


def _member_step(ctx: ResourceContext, port: int, server: str) -> None:
    entry = _entry(ctx, port)
    address, subnet = _first_address(ctx, server)
    tags = _tags(ctx, "member", port, server)
    body: dict[str, Any] = {
        "address": address,
        "protocol_port": entry["instance_port"],
        "tags": tags,
    }
    if subnet:
        body["subnet_id"] = subnet
    monitor_port = _monitor_port(ctx.properties)
    if monitor_port is not None and monitor_port != entry["instance_port"]:
        body["monitor_port"] = monitor_port  # HealthCheck's Target names its own port
    conn, pool = lb(ctx), entry["pool"]
    entry["members"][server] = _created(
        ctx,
        "member",
        lambda: conn.create_member(pool, **body),
        lambda: tagged(conn.members(pool, tags=tags[1]), ctx.tag),
    )


def _member_monitor_step(ctx: ResourceContext, port: int, server: str) -> None:
    """A new HealthCheck port: the member's monitor_port follows (None: InstancePort)."""
    entry = _entry(ctx, port)
    monitor_port = _monitor_port(ctx.properties)
    if monitor_port == entry["instance_port"]:
        monitor_port = None
    conn, member = lb(ctx), entry["members"][server]
    ctx.call(
        "elb.member.update",
        lambda: conn.update_member(member, entry["pool"], monitor_port=monitor_port),
    )


def _drop_member_step(ctx: ResourceContext, port: int, server: str) -> None:
    entry = (ctx.data.get("listeners") or {}).get(str(port)) or {"members": {}}
    member = entry["members"].get(server)
    if member:
        conn = lb(ctx)
        ctx.call(
            "elb.member.delete",
            lambda: conn.delete_member(member, entry["pool"], ignore_missing=True),
        )
    entry["members"].pop(server, None)


def _drop_monitor_step(ctx: ResourceContext, port: int) -> None:
    entry = (ctx.data.get("listeners") or {}).get(str(port)) or {"members": {}}
    monitor = entry.get("monitor")
    if monitor:
        conn = lb(ctx)
        ctx.call(
            "elb.monitor.delete",
            lambda: conn.delete_health_monitor(monitor, ignore_missing=True),
        )
    entry.pop("monitor", None)


def _change_monitor_step(ctx: ResourceContext, port: int) -> None:
    entry = _entry(ctx, port)
    body = {k: v for k, v in (_health(ctx.properties) or {}).items() if k != "type"}
    conn = lb(ctx)
    ctx.call("elb.monitor.update", lambda: conn.update_health_monitor(entry["monitor"], **body))


def _security_groups_step(ctx: ResourceContext) -> None:
    """SecurityGroups go on the VIP port (Heat put them on its HAProxy server)."""
    groups = [str(g) for g in ctx.properties.get("SecurityGroups") or []]
    net = ctx.conn.network

    def apply() -> None:
        ids = [net.find_security_group(g, ignore_missing=False).id for g in groups]
        vip_port = lb(ctx).get_load_balancer(ctx.physical_id).vip_port_id
        net.update_port(vip_port, security_groups=ids)

    ctx.call("elb.security_groups", apply)


STEPS: dict[str, Callable[..., None]] = {
    "listener": _listener_step,
    "pool": _pool_step,
    "monitor": _monitor_step,
    "member": _member_step,
    "drop_member": _drop_member_step,
    "member_monitor": _member_monitor_step,
    "drop_monitor": _drop_monitor_step,
    "change_monitor": _change_monitor_step,
    "security_groups": _security_groups_step,
}


def _get_lb(ctx: ResourceContext) -> Any:
    return ctx.call("elb.get", lambda: LOADBALANCER.get(ctx, ctx.physical_id or ""))


def _run_steps(ctx: ResourceContext) -> Wait | None:
    """Send the next step once the load balancer is ACTIVE (None: all done)."""
    found = _get_lb(ctx)
    if found is None:
        raise ResourceFailed(f"{ctx.name}: load balancer {ctx.physical_id} disappeared")
    state = provisioning_ready(found)
    if state is False:
        raise ResourceFailed(f"{ctx.name}: load balancer went to {status_of(found)}")
    if state is None:
        return Wait(None)
    steps = ctx.data.get("steps") or []
    if not steps:
        ctx.data.pop("steps", None)
        return None
    op, *args = steps[0]
    try:
        STEPS[op](ctx, *args)
    except CloudCallFailed as error:
        if _busy(error):
            return Wait(BUSY_WAIT)
        raise
    ctx.data["steps"] = steps[1:]
    return Wait(BUSY_WAIT)  # the next step waits for this change, which takes a moment


class LoadBalancerLifecycle:
    """Methods the AWS::ElasticLoadBalancing::LoadBalancer class takes (physical id: the
    Octavia load balancer's id; Ref: the resource's name, as Heat's FnGetRefId)."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        require_service(ctx, "load-balancer", "load-balancer (Octavia)")
        props = ctx.properties
        _health(props)  # a bad HealthCheck fails before anything is made
        instances = _instances(props)
        subnet = _first_address(ctx, instances[0])[1] if instances else None
        body = {
            "name": ctx.physical_name(),
            "description": f"AWS::ElasticLoadBalancing::LoadBalancer {ctx.name}",
            "vip_subnet_id": subnet or _default_subnet(ctx),
            "tags": [ctx.tag],
        }
        conn = lb(ctx)
        ctx.physical_id = _created(
            ctx,
            "loadbalancer",
            lambda: LOADBALANCER.create(ctx, body),
            lambda: tagged(conn.load_balancers(tags=ctx.tag), ctx.tag),
        )
        return LoadBalancerLifecycle.check_create_complete(self, ctx)

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        if "planned" not in ctx.data:  # also after a crash that lost the data: steps adopt
            steps = _create_plan(ctx.properties)
            steps += [["security_groups"]] if ctx.properties.get("SecurityGroups") else []
            ctx.data.update(planned=True, steps=steps, reference_attribute="Name")
        return _run_steps(ctx)

    def update(self, ctx: ResourceContext) -> Wait | None:
        _health(ctx.properties)
        ctx.data["steps"] = [*(ctx.data.get("steps") or []), *_update_plan(ctx)]
        return _run_steps(ctx)

    def check_update_complete(self, ctx: ResourceContext) -> Wait | None:
        return _run_steps(ctx)

    def delete(self, ctx: ResourceContext) -> Wait | None:
        if not ctx.physical_id:
            return None
        conn = lb(ctx)
        try:
            ctx.call(
                "elb.delete",
                lambda: conn.delete_load_balancer(
                    ctx.physical_id, ignore_missing=True, cascade=True
                ),
            )
        except CloudCallFailed as error:
            if _busy(error):
                ctx.data["delete_pending"] = True
                return Wait(BUSY_WAIT)
            raise
        ctx.data.pop("delete_pending", None)
        return LoadBalancerLifecycle.check_delete_complete(self, ctx)

    def check_delete_complete(self, ctx: ResourceContext) -> Wait | None:
        if ctx.data.get("delete_pending"):
            return LoadBalancerLifecycle.delete(self, ctx)
        found = _get_lb(ctx)
        if found is None:
            return None
        if "ERROR" in status_of(found).upper():
            raise ResourceFailed(f"{ctx.name}: load balancer went to {status_of(found)}")
        return Wait(None)

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        found = _get_lb(ctx)
        # Heat gives DNSName (its HAProxy server's IP) and '' for the others.
        return {
            "Name": ctx.name,
            "DNSName": getattr(found, "vip_address", None) if found else None,
            "CanonicalHostedZoneName": "",
            "CanonicalHostedZoneNameID": "",
            "SourceSecurityGroup.GroupName": "",
            "SourceSecurityGroup.OwnerAlias": "",
        }

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        if not has_service(ctx, "load-balancer"):
            return None  # nothing can have been made where there is no service
        conn = lb(ctx)
        found = ctx.call(
            "elb.find",
            lambda: missing_is_none(lambda: tagged(conn.load_balancers(tags=ctx.tag), ctx.tag)),
        )
        return str(found[0].id) if found else None


# -- AWS::RDS::DBInstance on Trove ------------------------------------------------------------

# Heat's AWS_RDS_DBInstance.yaml DBInstanceToInstance mapping, kept as it is.
DB_CLASSES = {
    "db.m1.small": "m1.small",
    "db.m1.large": "m1.large",
    "db.m1.xlarge": "m1.xlarge",
    "db.m2.xlarge": "m2.xlarge",
    "db.m2.2xlarge": "m2.2xlarge",
    "db.m2.4xlarge": "m2.4xlarge",
}
ENGINES = {"mysql": "mysql"}


def trove_properties(name: str, props: dict[str, Any]) -> dict[str, Any]:
    """The OS::Trove::Instance properties a DBInstance stands for."""
    if not props:
        return {}
    klass = str(props.get("DBInstanceClass"))
    if klass not in DB_CLASSES:
        raise ResourceFailed(
            f"{name}: DBInstanceClass '{klass}' is not one of Heat's: {', '.join(DB_CLASSES)}"
        )
    engine = str(props.get("Engine"))
    if engine.lower() not in ENGINES:
        raise ResourceFailed(f"{name}: Engine '{engine}' is not supported: only MySQL is")
    storage = str(props.get("AllocatedStorage"))
    if not storage.isdigit():
        raise ResourceFailed(f"{name}: AllocatedStorage '{storage}' is not a whole number of GB")
    database = str(props["DBName"])
    return {
        "flavor": DB_CLASSES[klass],
        "size": int(storage),
        "datastore_type": ENGINES[engine.lower()],
        "databases": [{"name": database}],
        "users": [
            {
                "name": props["MasterUsername"],
                "password": props["MasterUserPassword"],
                "databases": [database],
            }
        ],
    }


_TROVE_CHANGES = {
    "DBInstanceClass": ("flavor",),
    "AllocatedStorage": ("size",),
    "DBName": ("databases", "users"),
    "MasterUsername": ("users",),
    "MasterUserPassword": ("users",),
}


def _on_trove(
    method: Callable[..., Wait | None], translate: bool = True
) -> Callable[[Any, ResourceContext], Any]:
    """`method` of OS::Trove::Instance run with the translated properties (none for the
    calls that only need the physical id: a DBInstance refused at create still deletes);
    physical id and data are the DBInstance's own."""

    def run(self: Any, ctx: ResourceContext) -> Any:
        changed = {t for p in ctx.changed for t in _TROVE_CHANGES.get(p, ())}
        sub = dataclasses.replace(
            ctx,
            type="OS::Trove::Instance",
            properties=trove_properties(ctx.name, ctx.properties) if translate else {},
            old_properties=_old_trove(ctx) if translate else {},
            changed=tuple(sorted(changed)),
        )
        result = method(self, sub)
        ctx.physical_id = sub.physical_id
        return result

    return run


def _old_trove(ctx: ResourceContext) -> dict[str, Any]:
    """The previous properties translated ({} when they never were valid)."""
    try:
        return trove_properties(ctx.name, ctx.old_properties)
    except ResourceFailed:
        return {}


def _db_update(method: Callable[..., Wait | None]) -> Callable[[Any, ResourceContext], Any]:
    trove = _on_trove(method)

    def update(self: Any, ctx: ResourceContext) -> Any:
        old = str(ctx.old_properties.get("Engine") or "").lower()
        if old and old != str(ctx.properties.get("Engine")).lower():
            raise ResourceFailed(f"{ctx.name}: the Engine of a DBInstance cannot change")
        return trove(self, ctx)

    return update


def _db_create(method: Callable[..., Wait | None]) -> Callable[[Any, ResourceContext], Any]:
    trove = _on_trove(method)

    def create(self: Any, ctx: ResourceContext) -> Any:
        require_service(ctx, "database", "database (Trove)")
        trove_properties(ctx.name, ctx.properties)  # refuse bad values before any call
        return trove(self, ctx)

    return create


def _db_attributes(self: Any, ctx: ResourceContext) -> dict[str, Any]:
    values = _on_trove(INSTANCE_METHODS[6], translate=False)(self, ctx)
    return {
        "Endpoint.Address": values.get("hostname"),
        "Endpoint.Port": str(ctx.properties.get("Port") or "3306"),  # Heat: the Port given
    }


def _db_find(self: Any, ctx: ResourceContext) -> str | None:
    if not has_service(ctx, "database"):
        return None  # nothing can have been made where there is no service
    return _on_trove(INSTANCE_METHODS[7], translate=False)(self, ctx)


DB_INSTANCE_METHODS = (
    _db_create(INSTANCE_METHODS[0]),
    _on_trove(INSTANCE_METHODS[1], translate=False),
    _db_update(INSTANCE_METHODS[2]),
    _on_trove(INSTANCE_METHODS[3]),
    _on_trove(INSTANCE_METHODS[4], translate=False),
    _on_trove(INSTANCE_METHODS[5], translate=False),
    _db_attributes,
    _db_find,
)
"""The eight lifecycle methods of AWS::RDS::DBInstance."""
