"""Octavia v2 (/load-balancer/v2/lbaas/...): load balancers with a VIP port in the
sandbox's Neutron, listeners, pools, members, health monitors, L7 policies and rules,
flavors, availability zones, their profiles and quotas.

As in Octavia, every change below a load balancer puts it in PENDING_UPDATE until the
(simulated) amphora driver is done, and nothing in its tree may change meanwhile: 409
"Load Balancer <id> is immutable and cannot be updated.". A load balancer with listeners
or pools is deleted only with ?cascade=true; a pool takes its members and monitor along.
"""

from __future__ import annotations

import json
from typing import Any

from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.generic import Collection, GenericService, ServiceSpec, Status
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    empty,
    json_response,
    public,
)

OPT_STR = (str, type(None))
OPT_INT = (int, type(None))
OPT_BOOL = (bool, type(None))
OPT_LIST = (list, type(None))
OPT_DICT = (dict, type(None))
PROTOCOLS = {"TCP", "HTTP", "HTTPS", "TERMINATED_HTTPS", "PROXY", "PROXYV2", "UDP", "SCTP"}
ALGORITHMS = {"ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP", "SOURCE_IP_PORT"}
MONITOR_TYPES = {"PING", "TCP", "HTTP", "HTTPS", "TLS-HELLO", "UDP-CONNECT", "SCTP"}
QUOTA_FIELDS = ("load_balancer", "listener", "member", "pool", "health_monitor", "l7policy")
QUOTA_FIELDS_ALL = (*QUOTA_FIELDS, "l7rule")
LB_SETTLE = 0.3  # clock seconds an amphora takes to come up
CHILD_SETTLE = 0.1  # and to apply a change below the load balancer


def _status(settle: float, online: str = "ONLINE") -> Status:
    return Status(
        "provisioning_status",
        creating="PENDING_CREATE",
        active="ACTIVE",
        updating="PENDING_UPDATE",
        deleting="PENDING_DELETE",
        settle=settle,
        active_extra={"operating_status": online},
    )


def _error(error: ApiError) -> Response:
    """wsme's error format, as Octavia answers."""
    faultcode = "Client" if error.status < 500 else "Server"
    body = {"faultcode": faultcode, "faultstring": error.message, "debuginfo": None}
    return json_response(error.status, body, dict(error.headers))


def _versions(base_url: str) -> tuple[int, Body]:
    href = f"{base_url}/load-balancer/v2"
    values: list[Body] = [
        {"id": "v2.0", "status": "SUPPORTED", "updated": "2016-12-11T00:00:00Z"},
        {"id": "v2.27", "status": "CURRENT", "updated": "2023-05-17T00:00:00Z"},
    ]
    for value in values:
        value["links"] = [{"href": href, "rel": "self"}]
    return 200, {"versions": values}


class OctaviaService(GenericService):
    """Octavia's API: the collections below, with the amphora driver's status rules."""

    def extra_routes(self) -> None:
        """Quotas, providers and the cascade delete of a load balancer."""
        r = self.router.add
        r("GET", "/v2/lbaas/providers", self.providers)
        r("GET", "/v2/lbaas/quotas", self.quotas)
        r("GET", "/v2/lbaas/quotas/defaults", self.quota_defaults)
        r("GET", "/v2/lbaas/quotas/{project}", self.quota)
        r("PUT", "/v2/lbaas/quotas/{project}", self.set_quota)
        r("DELETE", "/v2/lbaas/quotas/{project}", self.reset_quota)
        r("GET", "/v2/lbaas/loadbalancers/{id}/status", self.status_tree)

    def busy_message(self, c: Collection, body: Body) -> str:
        """Octavia's ImmutableObject message."""
        label = "Load Balancer" if c.kind == LB else c.name.replace("_", " ").title()
        return f"{label} {body['id']} is immutable and cannot be updated."

    # -- the load balancer behind every child ------------------------------------------
    def lock_lb(self, lb_id: str) -> Body:
        """Put the load balancer in PENDING_UPDATE for a change below it (409 unless ACTIVE)."""
        lb = self.cloud.load(LB, lb_id)
        if lb is None:
            raise ApiError(404, f"Load Balancer {lb_id} not found.")
        if lb["provisioning_status"] != "ACTIVE":
            raise ApiError(409, f"Load Balancer {lb_id} is immutable and cannot be updated.")
        self.settle(self.by_kind[LB], lb, "PENDING_UPDATE")
        self.save(self.by_kind[LB], lb)
        return lb

    def lb_of(self, kind: str, body: Body) -> str:
        """The id of the load balancer an object belongs to."""
        if kind in (LISTENER, POOL):
            return str(body["loadbalancer_id"])
        if kind in (MEMBER, MONITOR):
            return str(self.stored(POOL, str(body["pool_id"]))["loadbalancer_id"])
        if kind == L7POLICY:
            return str(self.stored(LISTENER, str(body["listener_id"]))["loadbalancer_id"])
        policy = self.stored(L7POLICY, str(body["l7policy_id"]))
        return str(self.stored(LISTENER, str(policy["listener_id"]))["loadbalancer_id"])

    def stored(self, kind: str, object_id: str) -> Body:
        """An object that must exist (a 400 naming it when it does not, as Octavia)."""
        body = self.cloud.load(kind, object_id)
        if body is None:
            label = self.by_kind[kind].name.replace("_", " ").title()
            raise ApiError(400, f"{label} {object_id} not found.")
        return body

    def drop(self, kind: str, body: Body) -> None:
        """Remove an object now (a cascade)."""
        self.cloud.store.delete(kind, str(body["_cols"]["id"]))

    # -- extra endpoints -----------------------------------------------------------------
    def providers(self, request: Request) -> Response:
        """GET /lbaas/providers."""
        providers = [
            {"name": "amphora", "description": "The Octavia Amphora driver."},
            {"name": "octavia", "description": "Deprecated alias of the Octavia Amphora driver."},
        ]
        return json_response(200, {"providers": providers})

    def quota_view(self, project: str) -> Body:
        """A project's quotas: stored values, -1 (unlimited) for the others."""
        stored = self.cloud.load(QUOTA, project) or {}
        values = {name: stored.get(name, -1) for name in QUOTA_FIELDS_ALL}
        values["loadbalancer"], values["healthmonitor"] = (
            values["load_balancer"],
            values["health_monitor"],
        )
        return {**values, "project_id": project}

    def quotas(self, request: Request) -> Response:
        """GET /lbaas/quotas: the projects with quotas set."""
        rows = self.cloud.query(QUOTA)
        return json_response(200, {"quotas": [self.quota_view(r["project_id"]) for r in rows]})

    def quota_defaults(self, request: Request) -> Response:
        """GET /lbaas/quotas/defaults."""
        values = {name: -1 for name in QUOTA_FIELDS_ALL}
        return json_response(200, {"quota": values})

    def quota(self, request: Request) -> Response:
        """GET /lbaas/quotas/{project}."""
        return json_response(200, {"quota": self.quota_view(request.params["project"])})

    def set_quota(self, request: Request) -> Response:
        """PUT /lbaas/quotas/{project} (admin): integers from -1 up."""
        if not request.is_admin:
            raise ApiError(403, "Policy does not allow this request to be performed.")
        entity = request.entity("quota")
        aliases = {"loadbalancer": "load_balancer", "healthmonitor": "health_monitor"}
        project = request.params["project"]
        body = self.cloud.load(QUOTA, project) or {
            "project_id": project,
            "_cols": {"id": project, "project": project},
        }
        for name, value in entity.items():
            name = aliases.get(name, name)
            if name not in QUOTA_FIELDS_ALL:
                raise ApiError(400, f"Invalid input for field/attribute quota: unknown '{name}'")
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ApiError(400, f"Invalid input for field/attribute {name}. Value: {value!r}")
            if value is not None and value < -1:
                raise ApiError(400, f"Invalid input for field/attribute {name}: below -1")
            body[name] = value if value is not None else -1
        self.cloud.save(QUOTA, body)
        return json_response(202, {"quota": self.quota_view(project)})

    def reset_quota(self, request: Request) -> Response:
        """DELETE /lbaas/quotas/{project}: back to the defaults."""
        if not request.is_admin:
            raise ApiError(403, "Policy does not allow this request to be performed.")
        if not self.cloud.store.delete(QUOTA, request.params["project"]):
            raise ApiError(404, f"Quota for project {request.params['project']} not found.")
        return empty(204)

    def check_quota(self, project: str, name: str, kind: str) -> None:
        """403 once a project has as many objects as its quota allows."""
        stored = self.cloud.load(QUOTA, project) or {}
        limit = stored.get(name, -1)
        if limit is not None and limit >= 0 and self.cloud.store.count(kind, project) >= limit:
            label = name.replace("_", " ").title()
            raise ApiError(403, f"Quota has been met for resources: {label}")

    def status_tree(self, request: Request) -> Response:
        """GET /lbaas/loadbalancers/{id}/status: the operating status tree."""
        lb = self.find(self.by_kind[LB], request.params["id"], request)
        listeners = []
        for listener in self.children(self.by_kind[LISTENER], lb["id"]):
            listeners.append(
                {
                    "id": listener["id"],
                    "name": listener["name"],
                    "operating_status": listener["operating_status"],
                    "provisioning_status": listener["provisioning_status"],
                }
            )
        tree = {
            "id": lb["id"],
            "name": lb["name"],
            "operating_status": lb["operating_status"],
            "provisioning_status": lb["provisioning_status"],
            "listeners": listeners,
        }
        return json_response(200, {"statuses": {"loadbalancer": tree}})


# -- hooks: load balancers -------------------------------------------------------------


def _network(svc: GenericService) -> Any:
    return svc.cloud.services["network"]  # type: ignore[attr-defined]


def _lb_create(svc: GenericService, request: Request, body: Body) -> None:
    """Check the VIP and flavor, allocate the VIP port in Neutron (as Octavia does)."""
    assert isinstance(svc, OctaviaService)
    svc.check_quota(body["project_id"], "load_balancer", LB)
    net = _network(svc)
    subnet, network = _vip_place(svc, body)
    if body.get("flavor_id"):
        flavor = svc.stored(FLAVOR, str(body["flavor_id"]))
        if not flavor.get("enabled", True):
            raise ApiError(400, f"Validation failure: Flavor {flavor['id']} is disabled.")
    if body.get("availability_zone"):
        svc.stored(AZ, str(body["availability_zone"]))
    fixed: dict[str, Any] = {"subnet_id": subnet["id"]} if subnet else {}
    if body.get("vip_address"):
        fixed["ip_address"] = body["vip_address"]
    try:
        port = net.ports.create_port(
            body["project_id"],
            network,
            {
                "name": f"octavia-lb-{body['id']}",
                "device_owner": "Octavia",
                "device_id": f"lb-{body['id']}",
                "fixed_ips": [fixed] if fixed else None,
                "security_groups": [],
            },
        )
    except ApiError as error:  # Neutron's words, Octavia's status
        raise ApiError(409, f"Port creation failed: {error.message}") from None
    address = port["fixed_ips"][0] if port["fixed_ips"] else {}
    body.update(
        vip_port_id=port["id"],
        vip_network_id=network["id"],
        vip_subnet_id=address.get("subnet_id"),
        vip_address=address.get("ip_address"),
    )


def _vip_place(svc: GenericService, body: Body) -> tuple[Body | None, Body]:
    """(subnet, network) of the VIP, from vip_subnet_id or vip_network_id."""
    store = svc.cloud
    if body.get("vip_port_id"):
        raise ApiError(400, "Validation failure: using an existing vip_port_id is not supported.")
    if body.get("vip_subnet_id"):
        subnet = store.load("subnet", str(body["vip_subnet_id"]))
        if subnet is None:
            raise ApiError(400, f"Subnet {body['vip_subnet_id']} not found.")
        network = store.load("network", str(subnet["network_id"]))
        assert network is not None
        return subnet, network
    if body.get("vip_network_id"):
        network = store.load("network", str(body["vip_network_id"]))
        if network is None:
            raise ApiError(400, f"Network {body['vip_network_id']} not found.")
        return None, network
    raise ApiError(
        400,
        "Validation failure: VIP must contain one of: vip_port_id, vip_network_id, vip_subnet_id.",
    )


def _lb_delete(svc: GenericService, request: Request, body: Body) -> None:
    """Children refuse a plain delete; ?cascade=true takes them along. The VIP port goes."""
    assert isinstance(svc, OctaviaService)
    listeners = svc.children(svc.by_kind[LISTENER], body["id"])
    pools = svc.children(svc.by_kind[POOL], body["id"])
    if (listeners or pools) and (request.arg("cascade") or "").lower() != "true":
        raise ApiError(400, f"Cannot delete Load Balancer {body['id']} - it has children")
    for pool in pools:
        _drop_pool_tree(svc, pool)
    for listener in listeners:
        _drop_listener_tree(svc, listener)
    port = svc.cloud.load("port", str(body.get("vip_port_id")))
    if port is not None:
        _network(svc).ports.delete_port(port)


def _drop_pool_tree(svc: OctaviaService, pool: Body) -> None:
    for kind in (MEMBER, MONITOR):
        for child in svc.children(svc.by_kind[kind], pool["id"]):
            svc.drop(kind, child)
    svc.drop(POOL, pool)


def _drop_listener_tree(svc: OctaviaService, listener: Body) -> None:
    for policy in svc.children(svc.by_kind[L7POLICY], listener["id"]):
        for rule in svc.children(svc.by_kind[L7RULE], policy["id"]):
            svc.drop(L7RULE, rule)
        svc.drop(L7POLICY, policy)
    svc.drop(LISTENER, listener)


def _lb_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view["listeners"] = [{"id": b["id"]} for b in svc.children(svc.by_kind[LISTENER], body["id"])]
    view["pools"] = [{"id": b["id"]} for b in svc.children(svc.by_kind[POOL], body["id"])]
    view["tenant_id"] = body["project_id"]
    return view


# -- hooks: listeners ------------------------------------------------------------------


def _listener_create(svc: GenericService, request: Request, body: Body) -> None:
    assert isinstance(svc, OctaviaService)
    _one_of(body, "protocol", PROTOCOLS)
    port = body["protocol_port"]
    if not 1 <= port <= 65535:
        raise ApiError(400, f"Invalid input for field/attribute protocol_port. Value: '{port}'.")
    lb_id = str(body["loadbalancer_id"])
    svc.stored(LB, lb_id)
    for other in svc.children(svc.by_kind[LISTENER], lb_id):
        if other["protocol_port"] == port and (other["protocol"] == "UDP") == (
            body["protocol"] == "UDP"
        ):
            raise ApiError(
                409, f"Another Listener on this Load Balancer is already using protocol_port {port}"
            )
    if body["protocol"] == "TERMINATED_HTTPS" and not body.get("default_tls_container_ref"):
        raise ApiError(
            400,
            "Validation failure: An SNI or default certificate container reference must be "
            "provided for TERMINATED_HTTPS listeners.",
        )
    svc.check_quota(body["project_id"], "listener", LISTENER)
    _check_default_pool(svc, body, lb_id)
    body["_cols"]["parent"] = lb_id
    svc.lock_lb(lb_id)


def _check_default_pool(svc: OctaviaService, body: Body, lb_id: str) -> None:
    if body.get("default_pool_id"):
        pool = svc.stored(POOL, str(body["default_pool_id"]))
        if pool["loadbalancer_id"] != lb_id:
            raise ApiError(400, f"Pool {pool['id']} is on another load balancer.")


def _listener_update(svc: GenericService, request: Request, body: Body, changes: Body) -> None:
    assert isinstance(svc, OctaviaService)
    if changes.get("default_pool_id"):
        _check_default_pool(svc, changes, str(body["loadbalancer_id"]))
    svc.lock_lb(str(body["loadbalancer_id"]))


def _listener_delete(svc: GenericService, request: Request, body: Body) -> None:
    assert isinstance(svc, OctaviaService)
    svc.lock_lb(str(body["loadbalancer_id"]))
    for policy in svc.children(svc.by_kind[L7POLICY], body["id"]):
        for rule in svc.children(svc.by_kind[L7RULE], policy["id"]):
            svc.drop(L7RULE, rule)
        svc.drop(L7POLICY, policy)


def _listener_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view["loadbalancers"] = [{"id": body["loadbalancer_id"]}]
    policies = svc.children(svc.by_kind[L7POLICY], body["id"])
    view["l7policies"] = [{"id": p["id"]} for p in policies]
    view.pop("loadbalancer_id", None)
    view["tenant_id"] = body["project_id"]
    return view


# -- hooks: pools, members, monitors ---------------------------------------------------


def _pool_create(svc: GenericService, request: Request, body: Body) -> None:
    assert isinstance(svc, OctaviaService)
    _one_of(body, "protocol", PROTOCOLS)
    _one_of(body, "lb_algorithm", ALGORITHMS)
    listener = None
    if body.get("listener_id"):
        listener = svc.stored(LISTENER, str(body["listener_id"]))
        if listener.get("default_pool_id"):
            raise ApiError(409, f"Listener {listener['id']} is already using a default pool.")
        body["loadbalancer_id"] = body.get("loadbalancer_id") or listener["loadbalancer_id"]
    if not body.get("loadbalancer_id"):
        raise ApiError(400, "Validation failure: loadbalancer_id or listener_id must be specified.")
    lb_id = str(body["loadbalancer_id"])
    svc.stored(LB, lb_id)
    _check_persistence(body.get("session_persistence"))
    svc.check_quota(body["project_id"], "pool", POOL)
    body["_cols"]["parent"] = lb_id
    svc.lock_lb(lb_id)
    if listener is not None:
        listener["default_pool_id"] = body["id"]
        svc.save(svc.by_kind[LISTENER], listener)


def _check_persistence(value: Any) -> None:
    if not value:
        return
    kind, cookie = value.get("type"), value.get("cookie_name")
    if kind not in ("SOURCE_IP", "HTTP_COOKIE", "APP_COOKIE"):
        raise ApiError(400, f"Invalid input for field/attribute type. Value: '{kind}'.")
    if kind == "APP_COOKIE" and not cookie:
        raise ApiError(
            400, "Validation failure: APP_COOKIE session persistence requires cookie_name"
        )
    if kind != "APP_COOKIE" and cookie:
        raise ApiError(400, f"Validation failure: Cookie names are not supported for {kind}")


def _pool_update(svc: GenericService, request: Request, body: Body, changes: Body) -> None:
    assert isinstance(svc, OctaviaService)
    if "lb_algorithm" in changes:
        _one_of(changes, "lb_algorithm", ALGORITHMS)
    _check_persistence(changes.get("session_persistence"))
    svc.lock_lb(str(body["loadbalancer_id"]))


def _pool_delete(svc: GenericService, request: Request, body: Body) -> None:
    """A pool takes its members and health monitor along; listeners forget it."""
    assert isinstance(svc, OctaviaService)
    svc.lock_lb(str(body["loadbalancer_id"]))
    for kind in (MEMBER, MONITOR):
        for child in svc.children(svc.by_kind[kind], body["id"]):
            svc.drop(kind, child)
    for listener in svc.children(svc.by_kind[LISTENER], str(body["loadbalancer_id"])):
        if listener.get("default_pool_id") == body["id"]:
            listener["default_pool_id"] = None
            svc.save(svc.by_kind[LISTENER], listener)


def _pool_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    listeners = svc.children(svc.by_kind[LISTENER], str(body["loadbalancer_id"]))
    view["listeners"] = [
        {"id": b["id"]} for b in listeners if b.get("default_pool_id") == body["id"]
    ]
    view["loadbalancers"] = [{"id": body["loadbalancer_id"]}]
    view["members"] = [{"id": m["id"]} for m in svc.children(svc.by_kind[MEMBER], body["id"])]
    monitors = svc.children(svc.by_kind[MONITOR], body["id"])
    view["healthmonitor_id"] = monitors[0]["id"] if monitors else None
    view.pop("listener_id", None)
    view.pop("loadbalancer_id", None)
    view["tenant_id"] = body["project_id"]
    return view


def _member_create(svc: GenericService, request: Request, body: Body) -> None:
    assert isinstance(svc, OctaviaService)
    pool = svc.stored(POOL, str(body["pool_id"]))
    for other in svc.children(svc.by_kind[MEMBER], pool["id"]):
        if (other["address"], other["protocol_port"]) == (body["address"], body["protocol_port"]):
            raise ApiError(
                409,
                f"Another member on this pool is already using ip {body['address']} on "
                f"protocol_port {body['protocol_port']}",
            )
    if body.get("subnet_id") and svc.cloud.load("subnet", str(body["subnet_id"])) is None:
        raise ApiError(400, f"Subnet {body['subnet_id']} not found.")
    svc.check_quota(body["project_id"], "member", MEMBER)
    monitored = bool(svc.children(svc.by_kind[MONITOR], pool["id"]))
    if body.get("_next"):
        body["_next"][-1][1]["operating_status"] = "ONLINE" if monitored else "NO_MONITOR"
    svc.lock_lb(str(pool["loadbalancer_id"]))


def _child_update(svc: GenericService, request: Request, body: Body, changes: Body) -> None:
    assert isinstance(svc, OctaviaService)
    svc.lock_lb(svc.lb_of(_kind_of(svc, body), body))


def _child_delete(svc: GenericService, request: Request, body: Body) -> None:
    assert isinstance(svc, OctaviaService)
    svc.lock_lb(svc.lb_of(_kind_of(svc, body), body))


def _kind_of(svc: GenericService, body: Body) -> str:
    return str(body["_kind"])


def _monitor_create(svc: GenericService, request: Request, body: Body) -> None:
    assert isinstance(svc, OctaviaService)
    _one_of(body, "type", MONITOR_TYPES)
    pool = svc.stored(POOL, str(body["pool_id"]))
    if svc.children(svc.by_kind[MONITOR], pool["id"]):
        raise ApiError(409, f"Pool {pool['id']} already has a health monitor")
    if body["timeout"] > body["delay"]:
        raise ApiError(400, "Validation failure: The timeout must be less than the delay.")
    if body["type"] in ("HTTP", "HTTPS"):
        body.setdefault("http_method", "GET")
        body["http_method"] = body["http_method"] or "GET"
        body["url_path"] = body.get("url_path") or "/"
        body["expected_codes"] = body.get("expected_codes") or "200"
    body["_cols"]["parent"] = pool["id"]
    body["pools"] = [{"id": pool["id"]}]
    svc.check_quota(body["project_id"], "health_monitor", MONITOR)
    svc.lock_lb(str(pool["loadbalancer_id"]))


def _policy_create(svc: GenericService, request: Request, body: Body) -> None:
    assert isinstance(svc, OctaviaService)
    listener = svc.stored(LISTENER, str(body["listener_id"]))
    _check_policy_action(svc, body)
    others = svc.children(svc.by_kind[L7POLICY], listener["id"])
    body["position"] = body.get("position") or len(others) + 1
    body["_cols"]["parent"] = listener["id"]
    svc.lock_lb(str(listener["loadbalancer_id"]))


def _check_policy_action(svc: OctaviaService, body: Body) -> None:
    action = body.get("action")
    if action not in ("REJECT", "REDIRECT_TO_POOL", "REDIRECT_TO_URL", "REDIRECT_PREFIX"):
        raise ApiError(400, f"Invalid input for field/attribute action. Value: '{action}'.")
    if action == "REDIRECT_TO_POOL":
        if not body.get("redirect_pool_id"):
            raise ApiError(
                400, "Validation failure: redirect_pool_id is required for REDIRECT_TO_POOL."
            )
        svc.stored(POOL, str(body["redirect_pool_id"]))
    if action == "REDIRECT_TO_URL" and not body.get("redirect_url"):
        raise ApiError(400, "Validation failure: redirect_url is required for REDIRECT_TO_URL.")


def _policy_update(svc: GenericService, request: Request, body: Body, changes: Body) -> None:
    assert isinstance(svc, OctaviaService)
    if "action" in changes:
        _check_policy_action(svc, {**body, **changes})
    svc.lock_lb(svc.lb_of(L7POLICY, body))


def _policy_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view["rules"] = [{"id": r["id"]} for r in svc.children(svc.by_kind[L7RULE], body["id"])]
    return view


def _rule_create(svc: GenericService, request: Request, body: Body) -> None:
    assert isinstance(svc, OctaviaService)
    _one_of(
        body,
        "type",
        {
            "HOST_NAME",
            "PATH",
            "FILE_TYPE",
            "HEADER",
            "COOKIE",
            "SSL_CONN_HAS_CERT",
            "SSL_VERIFY_RESULT",
            "SSL_DN_FIELD",
        },
    )
    _one_of(body, "compare_type", {"REGEX", "STARTS_WITH", "ENDS_WITH", "CONTAINS", "EQUAL_TO"})
    if body["type"] in ("HEADER", "COOKIE") and not body.get("key"):
        raise ApiError(400, f"Validation failure: L7 rule type {body['type']} needs a key.")
    svc.lock_lb(svc.lb_of(L7RULE, body))


def _one_of(body: Body, name: str, allowed: set[str]) -> None:
    if body.get(name) not in allowed:
        raise ApiError(
            400,
            f"Invalid input for field/attribute {name}. Value: '{body.get(name)}'. "
            f"Value should be one of: {', '.join(sorted(allowed))}",
        )


# -- hooks: flavors, availability zones ------------------------------------------------


def _json_data(key: str) -> Any:
    def check(svc: GenericService, request: Request, body: Body, *rest: Any) -> None:
        data = rest[0] if rest else body
        if key in data:
            try:
                json.loads(str(data[key]))
            except ValueError:
                raise ApiError(400, f"Invalid input for field/attribute {key}: not JSON.") from None
        if body.get("provider_name") not in ("amphora", "octavia", None):
            raise ApiError(400, f"Provider '{body['provider_name']}' is not enabled.")

    return check


def _in_use(child_kind: str, field: str, label: str) -> Any:
    def check(svc: GenericService, request: Request, body: Body) -> None:
        key = body.get("id") or body.get("name")
        if any(b.get(field) == key for b in svc.cloud.query(child_kind)):
            raise ApiError(409, f"{label} {key} is in use and cannot be modified.")

    return check


def _flavor_create(svc: GenericService, request: Request, body: Body) -> None:
    assert isinstance(svc, OctaviaService)
    svc.stored(FLAVORPROFILE, str(body["flavor_profile_id"]))


def _az_create(svc: GenericService, request: Request, body: Body) -> None:
    assert isinstance(svc, OctaviaService)
    svc.stored(AZPROFILE, str(body["availability_zone_profile_id"]))
    if svc.cloud.load(AZ, str(body["name"])) is not None:
        raise ApiError(409, f"A availability zone with name {body['name']} already exists.")


def _tag_kind(kind: str) -> Any:
    """Child objects remember their kind, so the shared update/delete hooks find their LB."""

    def hook(svc: GenericService, request: Request, body: Body) -> None:
        body["_kind"] = kind

    return hook


def _chain(*hooks: Any) -> Any:
    def run(svc: GenericService, request: Request, body: Body) -> None:
        for hook in hooks:
            hook(svc, request, body)

    return run


LB, LISTENER, POOL, MEMBER, MONITOR = (
    "lb_loadbalancer",
    "lb_listener",
    "lb_pool",
    "lb_member",
    "lb_healthmonitor",
)
L7POLICY, L7RULE, FLAVOR, FLAVORPROFILE, AZ, AZPROFILE, QUOTA = (
    "lb_l7policy",
    "lb_l7rule",
    "lb_flavor",
    "lb_flavorprofile",
    "lb_availabilityzone",
    "lb_availabilityzoneprofile",
    "lb_quota",
)
COMMON: dict[str, Any] = {
    "name": OPT_STR,
    "description": OPT_STR,
    "admin_state_up": OPT_BOOL,
    "tags": OPT_LIST,
    "project_id": OPT_STR,
    "tenant_id": OPT_STR,
}
COMMON_DEFAULTS: Body = {"name": "", "description": "", "admin_state_up": True, "tags": []}
UPDATABLE_COMMON = ("name", "description", "admin_state_up", "tags")

LOAD_BALANCERS = Collection(
    name="loadbalancer",
    kind=LB,
    path="/v2/lbaas/loadbalancers",
    key="loadbalancer",
    plural="loadbalancers",
    fields={
        **COMMON,
        "vip_subnet_id": OPT_STR,
        "vip_network_id": OPT_STR,
        "vip_port_id": OPT_STR,
        "vip_address": OPT_STR,
        "vip_qos_policy_id": OPT_STR,
        "flavor_id": OPT_STR,
        "provider": OPT_STR,
        "availability_zone": OPT_STR,
    },
    defaults={
        **COMMON_DEFAULTS,
        "provider": "amphora",
        "flavor_id": None,
        "availability_zone": None,
        "vip_qos_policy_id": None,
        "additional_vips": [],
        "operating_status": "OFFLINE",
    },
    updatable=(*UPDATABLE_COMMON, "vip_qos_policy_id"),
    status=_status(LB_SETTLE),
    busy_conflict=True,
    on_create=_lb_create,
    on_delete=_lb_delete,
    view=_lb_view,
    not_found="Load Balancer {id} not found.",
)
LISTENERS = Collection(
    name="listener",
    kind=LISTENER,
    path="/v2/lbaas/listeners",
    key="listener",
    plural="listeners",
    fields={
        **COMMON,
        "loadbalancer_id": str,
        "protocol": str,
        "protocol_port": int,
        "connection_limit": OPT_INT,
        "default_pool_id": OPT_STR,
        "default_tls_container_ref": OPT_STR,
        "sni_container_refs": OPT_LIST,
        "insert_headers": OPT_DICT,
        "allowed_cidrs": OPT_LIST,
        "timeout_client_data": OPT_INT,
        "timeout_member_connect": OPT_INT,
        "timeout_member_data": OPT_INT,
        "timeout_tcp_inspect": OPT_INT,
    },
    required=("loadbalancer_id", "protocol", "protocol_port"),
    defaults={
        **COMMON_DEFAULTS,
        "connection_limit": -1,
        "default_pool_id": None,
        "default_tls_container_ref": None,
        "sni_container_refs": [],
        "insert_headers": {},
        "allowed_cidrs": None,
        "timeout_client_data": 50000,
        "timeout_member_connect": 5000,
        "timeout_member_data": 50000,
        "timeout_tcp_inspect": 0,
        "operating_status": "OFFLINE",
    },
    updatable=(
        *UPDATABLE_COMMON,
        "connection_limit",
        "default_pool_id",
        "default_tls_container_ref",
        "sni_container_refs",
        "insert_headers",
        "allowed_cidrs",
        "timeout_client_data",
        "timeout_member_connect",
        "timeout_member_data",
        "timeout_tcp_inspect",
    ),
    status=_status(CHILD_SETTLE),
    busy_conflict=True,
    on_create=_chain(_tag_kind(LISTENER), _listener_create),
    on_update=_listener_update,
    on_delete=_listener_delete,
    view=_listener_view,
    not_found="Listener {id} not found.",
)
POOLS = Collection(
    name="pool",
    kind=POOL,
    path="/v2/lbaas/pools",
    key="pool",
    plural="pools",
    fields={
        **COMMON,
        "loadbalancer_id": OPT_STR,
        "listener_id": OPT_STR,
        "protocol": str,
        "lb_algorithm": str,
        "session_persistence": OPT_DICT,
        "tls_enabled": OPT_BOOL,
        "tls_container_ref": OPT_STR,
        "ca_tls_container_ref": OPT_STR,
    },
    required=("protocol", "lb_algorithm"),
    defaults={
        **COMMON_DEFAULTS,
        "session_persistence": None,
        "tls_enabled": False,
        "tls_container_ref": None,
        "ca_tls_container_ref": None,
        "operating_status": "OFFLINE",
    },
    updatable=(*UPDATABLE_COMMON, "lb_algorithm", "session_persistence", "tls_enabled"),
    status=_status(CHILD_SETTLE),
    busy_conflict=True,
    on_create=_chain(_tag_kind(POOL), _pool_create),
    on_update=_pool_update,
    on_delete=_pool_delete,
    view=_pool_view,
    not_found="Pool {id} not found.",
)
MEMBERS = Collection(
    name="member",
    kind=MEMBER,
    path="/v2/lbaas/pools/{pool_id}/members",
    key="member",
    plural="members",
    fields={
        **COMMON,
        "address": str,
        "protocol_port": int,
        "weight": OPT_INT,
        "subnet_id": OPT_STR,
        "monitor_address": OPT_STR,
        "monitor_port": OPT_INT,
        "backup": OPT_BOOL,
    },
    required=("address", "protocol_port"),
    defaults={
        **COMMON_DEFAULTS,
        "weight": 1,
        "subnet_id": None,
        "monitor_address": None,
        "monitor_port": None,
        "backup": False,
        "operating_status": "OFFLINE",
    },
    updatable=(*UPDATABLE_COMMON, "weight", "monitor_address", "monitor_port", "backup"),
    status=_status(CHILD_SETTLE, online="NO_MONITOR"),
    busy_conflict=True,
    parent="pool_id",
    parent_kind=POOL,
    on_create=_chain(_tag_kind(MEMBER), _member_create),
    on_update=_child_update,
    on_delete=_child_delete,
    not_found="Member {id} not found.",
)
MONITORS = Collection(
    name="healthmonitor",
    kind=MONITOR,
    path="/v2/lbaas/healthmonitors",
    key="healthmonitor",
    plural="healthmonitors",
    fields={
        **COMMON,
        "pool_id": str,
        "type": str,
        "delay": int,
        "timeout": int,
        "max_retries": int,
        "max_retries_down": OPT_INT,
        "http_method": OPT_STR,
        "url_path": OPT_STR,
        "expected_codes": OPT_STR,
        "http_version": (float, type(None)),
        "domain_name": OPT_STR,
    },
    required=("pool_id", "type", "delay", "timeout", "max_retries"),
    defaults={
        **COMMON_DEFAULTS,
        "max_retries_down": 3,
        "http_method": None,
        "url_path": None,
        "expected_codes": None,
        "operating_status": "OFFLINE",
    },
    updatable=(
        *UPDATABLE_COMMON,
        "delay",
        "timeout",
        "max_retries",
        "max_retries_down",
        "http_method",
        "url_path",
        "expected_codes",
    ),
    status=_status(CHILD_SETTLE),
    busy_conflict=True,
    on_create=_chain(_tag_kind(MONITOR), _monitor_create),
    on_update=_child_update,
    on_delete=_child_delete,
    not_found="Health Monitor {id} not found.",
)
L7POLICIES = Collection(
    name="l7policy",
    kind=L7POLICY,
    path="/v2/lbaas/l7policies",
    key="l7policy",
    plural="l7policies",
    fields={
        **COMMON,
        "listener_id": str,
        "action": str,
        "position": OPT_INT,
        "redirect_pool_id": OPT_STR,
        "redirect_url": OPT_STR,
        "redirect_prefix": OPT_STR,
        "redirect_http_code": OPT_INT,
    },
    required=("listener_id", "action"),
    defaults={
        **COMMON_DEFAULTS,
        "redirect_pool_id": None,
        "redirect_url": None,
        "redirect_prefix": None,
        "redirect_http_code": None,
        "operating_status": "OFFLINE",
    },
    updatable=(
        *UPDATABLE_COMMON,
        "action",
        "position",
        "redirect_pool_id",
        "redirect_url",
        "redirect_prefix",
        "redirect_http_code",
    ),
    status=_status(CHILD_SETTLE),
    busy_conflict=True,
    on_create=_chain(_tag_kind(L7POLICY), _policy_create),
    on_update=_policy_update,
    on_delete=_child_delete,
    view=_policy_view,
    not_found="L7 Policy {id} not found.",
)
L7RULES = Collection(
    name="l7rule",
    kind=L7RULE,
    path="/v2/lbaas/l7policies/{l7policy_id}/rules",
    key="rule",
    plural="rules",
    fields={
        **COMMON,
        "type": str,
        "compare_type": str,
        "key": OPT_STR,
        "value": str,
        "invert": OPT_BOOL,
    },
    required=("type", "compare_type", "value"),
    defaults={"admin_state_up": True, "tags": [], "key": None, "invert": False},
    updatable=("admin_state_up", "tags", "type", "compare_type", "key", "value", "invert"),
    status=_status(CHILD_SETTLE),
    busy_conflict=True,
    parent="l7policy_id",
    parent_kind=L7POLICY,
    on_create=_chain(_tag_kind(L7RULE), _rule_create),
    on_update=_child_update,
    on_delete=_child_delete,
    not_found="L7 Rule {id} not found.",
)
FLAVOR_PROFILES = Collection(
    name="flavorprofile",
    kind=FLAVORPROFILE,
    path="/v2/lbaas/flavorprofiles",
    key="flavorprofile",
    plural="flavorprofiles",
    fields={"name": str, "provider_name": str, "flavor_data": str},
    required=("name", "provider_name", "flavor_data"),
    updatable=("name", "provider_name", "flavor_data"),
    admin_only=True,
    project_field=None,
    timestamps=None,
    on_create=_json_data("flavor_data"),
    on_update=_json_data("flavor_data"),
    on_delete=_in_use(FLAVOR, "flavor_profile_id", "Flavor profile"),
    not_found="Flavor profile {id} not found.",
)
FLAVORS = Collection(
    name="flavor",
    kind=FLAVOR,
    path="/v2/lbaas/flavors",
    key="flavor",
    plural="flavors",
    fields={"name": str, "description": OPT_STR, "flavor_profile_id": str, "enabled": OPT_BOOL},
    required=("name", "flavor_profile_id"),
    defaults={"description": "", "enabled": True},
    updatable=("name", "description", "enabled"),
    admin_only=True,
    project_field=None,
    timestamps=None,
    on_create=_flavor_create,
    on_delete=_in_use(LB, "flavor_id", "Flavor"),
    not_found="Flavor {id} not found.",
)
AZ_PROFILES = Collection(
    name="availabilityzoneprofile",
    kind=AZPROFILE,
    path="/v2/lbaas/availabilityzoneprofiles",
    key="availability_zone_profile",
    plural="availability_zone_profiles",
    fields={"name": str, "provider_name": str, "availability_zone_data": str},
    required=("name", "provider_name", "availability_zone_data"),
    updatable=("name", "provider_name", "availability_zone_data"),
    admin_only=True,
    project_field=None,
    timestamps=None,
    on_create=_json_data("availability_zone_data"),
    on_update=_json_data("availability_zone_data"),
    on_delete=_in_use(AZ, "availability_zone_profile_id", "Availability zone profile"),
    not_found="Availability zone profile {id} not found.",
)
AZS = Collection(
    name="availabilityzone",
    kind=AZ,
    path="/v2/lbaas/availabilityzones",
    key="availability_zone",
    plural="availability_zones",
    fields={
        "name": str,
        "description": OPT_STR,
        "availability_zone_profile_id": str,
        "enabled": OPT_BOOL,
    },
    required=("name", "availability_zone_profile_id"),
    defaults={"description": "", "enabled": True},
    updatable=("description", "enabled"),
    admin_only=True,
    project_field=None,
    id_field="name",
    timestamps=None,
    on_create=_az_create,
    on_delete=_in_use(LB, "availability_zone", "Availability zone"),
    not_found="Availability zone {id} not found.",
)
SPEC = ServiceSpec(
    type="load-balancer",
    name="octavia",
    prefix="/load-balancer",
    endpoint="/load-balancer",
    versions=_versions,
    collections=(
        LOAD_BALANCERS,
        LISTENERS,
        POOLS,
        MEMBERS,
        MONITORS,
        L7POLICIES,
        L7RULES,
        FLAVOR_PROFILES,
        FLAVORS,
        AZ_PROFILES,
        AZS,
    ),
    error=_error,
    aliases=(("/v2.0/", "/v2/"),),
    extra_kinds=((QUOTA, "quota"),),
)


def make(cloud: Cloud) -> OctaviaService:
    """The Octavia service of a sandbox."""
    return OctaviaService(cloud, SPEC)
