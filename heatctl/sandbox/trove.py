"""Trove v1.0 (/database/v1.0/{project}): database instances with their databases and
users, clusters, flavors (Nova's) and datastores.

An instance is BUILD, then ACTIVE with a host name and an address on its network (the
first of `nics`, else `private`); its databases and users are kept with it; a user may
only be given databases that exist. A resize (flavor or a bigger volume) is RESIZE, then
ACTIVE; a delete is SHUTDOWN, then gone. The datastores are mysql 5.7 and 8.0 and
mongodb 4.0 (the only one that clusters, as in Trove's default configuration). A cluster
is task BUILDING, then NONE, its instances ACTIVE; a delete is task DELETING, then gone.
There are no backups: an instance restored from one is refused (404).
"""

from __future__ import annotations

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
    new_id,
    public,
)

INSTANCE, CLUSTER = "trove_instance", "trove_cluster"
SETTLE = 0.2
DATASTORES = {"mysql": ("5.7", "8.0"), "mongodb": ("4.0",)}
CLUSTERING = {"mongodb"}
BASE = "/v1.0/{project_id}"


def _versions(base_url: str) -> tuple[int, Body]:
    link = {"href": f"{base_url}/database/v1.0/", "rel": "self"}
    return 200, {"versions": [{"id": "v1.0", "status": "CURRENT", "links": [link]}]}


def _error(error: ApiError) -> Response:
    """Trove's error body: {"badRequest": {"code", "message"}} and its siblings."""
    names = {400: "badRequest", 403: "forbidden", 404: "itemNotFound", 409: "conflictingRequest",
             422: "unprocessableEntity"}  # fmt: skip
    body = {
        names.get(error.status, "instanceFault"): {"code": error.status, "message": error.message}
    }
    return json_response(error.status, body, dict(error.headers))


def _datastore(given: Any) -> dict[str, str]:
    given = given or {}
    kind = str(given.get("type") or "mysql")
    if kind not in DATASTORES:
        raise ApiError(404, f"Datastore '{kind}' cannot be found.")
    version = str(given.get("version") or DATASTORES[kind][0])
    if version not in DATASTORES[kind]:
        raise ApiError(404, f"Datastore version '{version}' cannot be found.")
    return {"type": kind, "version": version}


def _flavor(svc: GenericService, ref: Any) -> Body:
    flavor = svc.cloud.load("flavor", str(ref))
    if flavor is None:
        flavor = next((f for f in svc.cloud.query("flavor") if f.get("name") == ref), None)
    if flavor is None:
        raise ApiError(404, f"Flavor {ref} could not be found.")
    return flavor


def _volume(given: Any) -> dict[str, int]:
    size = given.get("size") if isinstance(given, dict) else None
    if not isinstance(size, int) or not 1 <= size <= 150:
        raise ApiError(400, "Volume size must be an integer between 1 and 150.")
    return {"size": size, "used": 0}


def _network(svc: GenericService, nics: Any) -> str:
    """The address an instance gets on its first network."""
    nic = nics[0] if isinstance(nics, list) and nics else {}
    if nic.get("v4-fixed-ip"):
        return str(nic["v4-fixed-ip"])
    network_id = nic.get("net-id")
    if network_id and svc.cloud.load("network", network_id) is None:
        raise ApiError(400, f"Network {network_id} could not be found.")
    port_id = nic.get("port-id")
    if port_id and svc.cloud.load("port", port_id) is None:
        raise ApiError(400, f"Port {port_id} could not be found.")
    count = len(svc.cloud.query(INSTANCE)) + 10
    return f"10.0.0.{100 + count % 150}"


def _check_users(databases: list[Body], users: list[Body]) -> None:
    names = {d["name"] for d in databases}
    for user in users:
        if not user.get("name") or not user.get("password"):
            raise ApiError(400, "A user needs a name and a password.")
        for database in user.get("databases") or []:
            if database.get("name") not in names:
                raise ApiError(
                    400, f"Database {database.get('name')} does not exist for user {user['name']}."
                )


def _instance_create(svc: GenericService, request: Request, body: Body) -> None:
    flavor = _flavor(svc, body.pop("flavorRef", None))
    body["flavor"] = {"id": flavor["id"], "links": []}
    body["volume"] = _volume(body.get("volume"))
    body["datastore"] = _datastore(body.get("datastore"))
    body["ip"] = [_network(svc, body.pop("nics", None))]
    body["hostname"] = f"{body['id'][:8]}.trove.sandbox"
    databases = [_database(d) for d in body.pop("databases", None) or []]
    users = [_user(u) for u in body.pop("users", None) or []]
    _check_users(databases, users)
    body["_databases"], body["_users"] = databases, users
    body["links"] = []
    if body.pop("restorePoint", None):
        raise ApiError(404, "This sandbox keeps no Trove backups to restore from.")
    if body.get("replica_of") and svc.cloud.load(INSTANCE, str(body["replica_of"])) is None:
        raise ApiError(404, f"Instance {body['replica_of']} could not be found.")


def _database(given: Any) -> Body:
    if not isinstance(given, dict) or not given.get("name"):
        raise ApiError(400, "A database needs a name.")
    return {
        "name": given["name"],
        "character_set": given.get("character_set", "utf8"),
        "collate": given.get("collate", "utf8_general_ci"),
    }


def _user(given: Any) -> Body:
    if not isinstance(given, dict):
        raise ApiError(400, "A user is an object.")
    return {
        "name": given.get("name"),
        "password": given.get("password"),
        "host": given.get("host", "%"),
        "databases": [{"name": d.get("name")} for d in given.get("databases") or []],
    }


def _instance_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view.pop("project_id", None)
    view["created"], view["updated"] = body.get("created_at"), body.get("updated_at")
    return view


def _cluster_create(svc: GenericService, request: Request, body: Body) -> None:
    body["datastore"] = _datastore(body.get("datastore"))
    if body["datastore"]["type"] not in CLUSTERING:
        raise ApiError(400, f"Clusters not supported for {body['datastore']['type']}.")
    members = body.get("instances")
    if not isinstance(members, list) or not members:
        raise ApiError(400, "A cluster needs instances.")
    body["instances"] = [
        {
            "id": new_id(),
            "name": f"{body.get('name') or 'cluster'}-member-{index + 1}",
            "status": "BUILD",
            "type": "member",
            "flavor": {"id": _flavor(svc, member.get("flavorRef"))["id"]},
            "volume": _volume(member.get("volume")),
            "ip": [_network(svc, member.get("nics"))],
        }
        for index, member in enumerate(members)
    ]
    ready = [{**member, "status": "ACTIVE"} for member in body["instances"]]
    svc.cloud.schedule(body, SETTLE, {"instances": ready})


def _cluster_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view.pop("project_id", None)
    view["ip"] = [ip for member in body["instances"] for ip in member["ip"]]
    view["task"] = {"name": view.pop("task_name", None), "description": ""}
    return view


class TroveService(GenericService):
    """Trove's API: actions, databases and users of an instance, flavors, datastores."""

    def extra_routes(self) -> None:
        """Flavors, datastores, instance actions, databases, users."""
        r = self.router.add
        r("GET", f"{BASE}/flavors", self.flavors)
        r("GET", f"{BASE}/datastores", self.datastores)
        item = f"{BASE}/instances/{{id}}"
        r("POST", f"{item}/action", self.action)
        r("PATCH", item, self.rename)
        r("GET", f"{item}/databases", lambda q: self.members(q, "_databases", "databases"))
        r("POST", f"{item}/databases", lambda q: self.add(q, "_databases", "databases"))
        r("DELETE", f"{item}/databases/{{name}}", lambda q: self.drop(q, "_databases"))
        r("GET", f"{item}/users", lambda q: self.members(q, "_users", "users"))
        r("POST", f"{item}/users", lambda q: self.add(q, "_users", "users"))
        r("DELETE", f"{item}/users/{{name}}", lambda q: self.drop(q, "_users"))
        r("PUT", f"{item}/users/{{name}}", self.change_user)

    def flavors(self, request: Request) -> Response:
        """Nova's flavors, as Trove lists them."""
        items = [
            {
                "id": f["id"],
                "name": f["name"],
                "ram": f["ram"],
                "vcpus": f.get("vcpus"),
                "links": [],
            }
            for f in self.cloud.query("flavor")
        ]
        return json_response(200, {"flavors": items})

    def datastores(self, request: Request) -> Response:
        """The datastores and their versions."""
        items = [
            {
                "id": kind,
                "name": kind,
                "default_version": versions[0],
                "versions": [{"id": v, "name": v, "active": 1} for v in versions],
            }
            for kind, versions in DATASTORES.items()
        ]
        return json_response(200, {"datastores": items})

    def active(self, request: Request) -> Body:
        """An instance that accepts changes (ACTIVE)."""
        body = self.find(INSTANCES, request.params["id"], request)
        if body["status"] != "ACTIVE":
            raise ApiError(422, f"Instance {body['id']} is not ready (status {body['status']}).")
        return body

    def action(self, request: Request) -> Response:
        """resize of the flavor or of the volume."""
        body = self.active(request)
        data = request.json()
        resize = data.get("resize") if isinstance(data, dict) else None
        if not isinstance(resize, dict):
            raise ApiError(400, "Only the resize action is supported.")
        if "flavorRef" in resize:
            body["flavor"] = {"id": _flavor(self, resize["flavorRef"])["id"], "links": []}
        elif "volume" in resize:
            volume = _volume(resize["volume"])
            if volume["size"] <= body["volume"]["size"]:
                raise ApiError(400, "The new volume size must be larger than the current size.")
            body["volume"] = volume
        else:
            raise ApiError(400, "resize needs a flavorRef or a volume.")
        body["status"] = "RESIZE"
        self.cloud.schedule(body, SETTLE, {"status": "ACTIVE"})
        self.save(INSTANCES, body)
        return empty(202)

    def rename(self, request: Request) -> Response:
        """PATCH the instance's name."""
        body = self.find(INSTANCES, request.params["id"], request)
        data = request.entity("instance")
        if set(data) - {"name"}:
            raise ApiError(400, "Only the name can be changed with PATCH.")
        body.update(data)
        self.save(INSTANCES, body)
        return empty(202)

    def members(self, request: Request, key: str, plural: str) -> Response:
        """The instance's databases or users (without passwords)."""
        body = self.find(INSTANCES, request.params["id"], request)
        items = [{k: v for k, v in i.items() if k != "password"} for i in body[key]]
        return json_response(200, {plural: items})

    def add(self, request: Request, key: str, plural: str) -> Response:
        """Add databases or users."""
        body = self.active(request)
        data = request.json()
        given = data.get(plural) if isinstance(data, dict) else None
        if not isinstance(given, list) or not given:
            raise ApiError(400, f"Missing '{plural}' in the request body.")
        made = [_database(g) for g in given] if key == "_databases" else [_user(g) for g in given]
        names = {item["name"] for item in body[key]}
        for item in made:
            if item["name"] in names:
                raise ApiError(400, f"A {plural[:-1]} with the name {item['name']} already exists.")
        if key == "_users":
            _check_users(body["_databases"], made)
        body[key].extend(made)
        self.save(INSTANCES, body)
        return empty(202)

    def drop(self, request: Request, key: str) -> Response:
        """Delete a database or a user."""
        body = self.active(request)
        name = request.params["name"]
        kept = [item for item in body[key] if item["name"] != name]
        if len(kept) == len(body[key]):
            raise ApiError(404, f"{name} could not be found.")
        body[key] = kept
        if key == "_databases":
            for user in body["_users"]:
                user["databases"] = [d for d in user["databases"] if d["name"] != name]
        self.save(INSTANCES, body)
        return empty(202)

    def change_user(self, request: Request) -> Response:
        """Change a user's password, host or databases access."""
        body = self.active(request)
        user = next((u for u in body["_users"] if u["name"] == request.params["name"]), None)
        if user is None:
            raise ApiError(404, f"User {request.params['name']} could not be found.")
        changes = request.entity("user")
        merged = {**user, **changes}
        _check_users(body["_databases"], [_user(merged)])
        user.update(_user(merged))
        self.save(INSTANCES, body)
        return empty(202)


INSTANCES = Collection(
    name="instance",
    kind=INSTANCE,
    path=f"{BASE}/instances",
    key="instance",
    plural="instances",
    fields={
        "name": str,
        "flavorRef": (str, int),
        "volume": dict,
        "databases": (list, type(None)),
        "users": (list, type(None)),
        "datastore": (dict, type(None)),
        "nics": (list, type(None)),
        "availability_zone": (str, type(None)),
        "restorePoint": (dict, type(None)),
        "replica_of": (str, type(None)),
        "replica_count": (int, type(None)),
    },
    required=("name", "flavorRef", "volume"),
    create_status=200,
    delete_status=202,
    status=Status("status", creating="BUILD", active="ACTIVE", deleting="SHUTDOWN", settle=SETTLE),
    on_create=_instance_create,
    view=_instance_view,
    not_found="Instance {id} could not be found.",
)
CLUSTERS = Collection(
    name="cluster",
    kind=CLUSTER,
    path=f"{BASE}/clusters",
    key="cluster",
    plural="clusters",
    fields={"name": str, "datastore": dict, "instances": list, "locality": (str, type(None))},
    required=("name", "datastore", "instances"),
    create_status=200,
    delete_status=202,
    status=Status(
        "task_name", creating="BUILDING", active="NONE", deleting="DELETING", settle=SETTLE
    ),
    on_create=_cluster_create,
    view=_cluster_view,
    not_found="Cluster {id} could not be found.",
)
SPEC = ServiceSpec(
    type="database",
    name="trove",
    prefix="/database",
    endpoint="/database/v1.0/{project}",
    versions=_versions,
    collections=(INSTANCES, CLUSTERS),
    error=_error,
)


def make(cloud: Cloud) -> TroveService:
    """The Trove service of a sandbox."""
    return TroveService(cloud, SPEC)
