"""Magnum v1 (/container-infra/v1): cluster templates and clusters.

Objects are bare JSON keyed by `uuid`, changed by PATCH with JSON-patch operations
(replace/add/remove of a top-level field), as Magnum's API does. A cluster template
checks its image, flavors and external network exist; a template in use by a cluster
refuses deletion (400). A cluster is CREATE_IN_PROGRESS, then CREATE_COMPLETE with its API
address, node addresses and the id of the (simulated) Heat stack behind it; a resize is
UPDATE_IN_PROGRESS -> UPDATE_COMPLETE; a delete DELETE_IN_PROGRESS, then gone. Creating
and resizing answer 202 with the uuid only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.generic import Collection, GenericService, ServiceSpec, Status
from heatctl.sandbox.web import ApiError, Body, Request, Response, json_response, new_id, public

OPT_STR = (str, type(None))
OPT_INT = (int, type(None))
OPT_BOOL = (bool, type(None))
TEMPLATE, CLUSTER = "magnum_cluster_template", "magnum_cluster"
SETTLE = 0.2
COE_VERSIONS = {"kubernetes": "v1.27.3", "swarm": "1.2.5", "mesos": "1.0.0"}
TEMPLATE_FIELDS: dict[str, Any] = {
    "name": OPT_STR,
    "coe": str,
    "image_id": str,
    "keypair_id": OPT_STR,
    "external_network_id": OPT_STR,
    "fixed_network": OPT_STR,
    "fixed_subnet": OPT_STR,
    "dns_nameserver": OPT_STR,
    "flavor_id": OPT_STR,
    "master_flavor_id": OPT_STR,
    "docker_volume_size": OPT_INT,
    "docker_storage_driver": OPT_STR,
    "http_proxy": OPT_STR,
    "https_proxy": OPT_STR,
    "no_proxy": OPT_STR,
    "labels": (dict, type(None)),
    "tls_disabled": OPT_BOOL,
    "public": OPT_BOOL,
    "registry_enabled": OPT_BOOL,
    "volume_driver": OPT_STR,
    "network_driver": OPT_STR,
    "server_type": OPT_STR,
    "master_lb_enabled": OPT_BOOL,
    "floating_ip_enabled": OPT_BOOL,
    "hidden": OPT_BOOL,
    "tags": OPT_STR,
}
CLUSTER_FIELDS: dict[str, Any] = {
    "name": OPT_STR,
    "cluster_template_id": str,
    "keypair": OPT_STR,
    "master_count": OPT_INT,
    "node_count": OPT_INT,
    "create_timeout": OPT_INT,
    "discovery_url": OPT_STR,
    "docker_volume_size": OPT_INT,
    "labels": (dict, type(None)),
    "master_flavor_id": OPT_STR,
    "flavor_id": OPT_STR,
    "fixed_network": OPT_STR,
    "fixed_subnet": OPT_STR,
    "floating_ip_enabled": OPT_BOOL,
    "master_lb_enabled": OPT_BOOL,
    "merge_labels": OPT_BOOL,
}


def _versions(base_url: str) -> tuple[int, Body]:
    value = {
        "id": "v1",
        "status": "CURRENT",
        "min_version": "1.1",
        "max_version": "1.11",
        "links": [{"href": f"{base_url}/container-infra/v1/", "rel": "self"}],
    }
    return 200, {"versions": [value], "name": "OpenStack Magnum API"}


def _error(error: ApiError) -> Response:
    """Magnum's error body: a list of errors."""
    entry = {"status": error.status, "code": "client" if error.status < 500 else "server",
             "title": error.message, "detail": error.message, "request_id": ""}  # fmt: skip
    return json_response(error.status, {"errors": [entry]}, dict(error.headers))


def _lookup(svc: GenericService, kind: str, value: str) -> Body | None:
    body = svc.cloud.load(kind, value)
    if body is None:
        body = next((b for b in svc.cloud.query(kind) if b.get("name") == value), None)
    return body


def _template_create(svc: GenericService, request: Request, body: Body) -> None:
    if body["coe"] not in COE_VERSIONS:
        raise ApiError(400, f"Cluster type ({body['coe']}) not supported.")
    checks: list[tuple[str, str, str]] = [("image", "image_id", "Image")]
    checks += [("flavor", f, "Flavor") for f in ("flavor_id", "master_flavor_id")]
    checks += [("network", "external_network_id", "External network")]
    for kind, name, what in checks:
        value = body.get(name)
        if value and _lookup(svc, kind, str(value)) is None:
            raise ApiError(400, f"{what} {value} could not be found.")
    network = body.get("external_network_id")
    if network:
        found = _lookup(svc, "network", str(network))
        if found is not None and not found.get("router:external"):
            raise ApiError(400, f"{network} is not an external network.")
    body.setdefault("name", None)


def _template_delete(svc: GenericService, request: Request, body: Body) -> None:
    if any(c["cluster_template_id"] == body["uuid"] for c in svc.cloud.query(CLUSTER)):
        raise ApiError(
            400, f"ClusterTemplate {body['uuid']} is referenced by one or multiple clusters."
        )


def _cluster_create(svc: GenericService, request: Request, body: Body) -> None:
    template = _lookup(svc, TEMPLATE, body["cluster_template_id"])
    if template is None:
        raise ApiError(400, f"ClusterTemplate {body['cluster_template_id']} could not be found.")
    body["cluster_template_id"] = template["uuid"]
    for name in ("master_count", "node_count"):
        if not isinstance(body.get(name), int) or body[name] < (1 if name[0] == "m" else 0):
            raise ApiError(400, f"Invalid input for field/attribute {name}.")
    body["keypair"] = body.get("keypair") or template.get("keypair_id")
    body["stack_id"] = new_id()
    body["coe_version"] = COE_VERSIONS[template["coe"]]
    body["container_version"] = "1.12.6"
    body["user_id"] = request.user_id


def _cluster_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view.pop("id", None)
    complete = str(body.get("status", "")).endswith("_COMPLETE")
    seed = int(body["uuid"][:2], 16)
    view["api_address"] = f"https://172.24.4.{10 + seed % 200}:6443" if complete else None
    view["master_addresses"] = (
        [f"172.24.4.{10 + (seed + i) % 200}" for i in range(body["master_count"])]
        if complete
        else []
    )
    view["node_addresses"] = (
        [f"172.24.4.{210 + i % 40}" for i in range(body["node_count"])] if complete else []
    )
    view["status_reason"] = (
        f"Stack {body['status'].split('_')[0]} completed successfully" if complete else None
    )
    return view


def _template_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view.pop("id", None)
    return view


class MagnumService(GenericService):
    """Magnum's API: JSON-patch updates and 202 answers."""

    def extra_routes(self) -> None:
        """PATCH of templates and clusters."""
        self.router.add("PATCH", "/v1/clustertemplates/{uuid}", self._patcher(TEMPLATES))
        self.router.add("PATCH", "/v1/clusters/{uuid}", self._patcher(CLUSTERS))

    def _patcher(self, c: Collection) -> Callable[[Request], Response]:
        return lambda request: self.patch(c, request)

    def patch(self, c: Collection, request: Request) -> Response:
        """Apply JSON-patch operations to the updatable fields."""
        body = self.find(c, request.params["uuid"], request)
        operations = request.json()
        if not isinstance(operations, list):
            raise ApiError(400, "The request body must be a list of JSON-patch operations.")
        changes: Body = {}
        for operation in operations:
            op, name = operation.get("op"), str(operation.get("path", "")).strip("/")
            if op not in ("add", "replace", "remove") or name not in c.updatable:
                raise ApiError(400, f"'/{name}' is an internal attribute and can not be updated")
            changes[name] = None if op == "remove" else operation.get("value")
        if c is CLUSTERS:
            return self._resize(body, changes)
        body.update(changes)
        body["updated_at"] = self.now_iso()
        self.save(c, body)
        return json_response(200, self.render(c, body))

    def _resize(self, body: Body, changes: Body) -> Response:
        if not str(body["status"]).endswith("_COMPLETE"):
            raise ApiError(409, f"Updating a cluster when status is {body['status']} is not "
                           "supported")  # fmt: skip
        if not isinstance(changes.get("node_count", 1), int) or changes.get("node_count", 1) < 0:
            raise ApiError(400, "node_count must be a non-negative integer")
        body.update(changes)
        body["updated_at"] = self.now_iso()
        body["status"] = "UPDATE_IN_PROGRESS"
        self.cloud.schedule(body, SETTLE, {"status": "UPDATE_COMPLETE"})
        self.save(CLUSTERS, body)
        return json_response(202, {"uuid": body["uuid"]})

    def create(self, c: Collection, request: Request) -> Response:
        """Clusters answer 202 with their uuid only."""
        response = super().create(c, request)
        if c is not CLUSTERS:
            return response
        import json

        return json_response(202, {"uuid": json.loads(response.body)["uuid"]})

    def find(self, c: Collection, object_id: str, request: Request | None = None) -> Body:
        """By uuid or by name."""
        body = _lookup(self, c.kind, object_id)
        if body is None or (
            request is not None
            and not request.is_admin
            and body["_cols"]["project"] != request.project_id
        ):
            raise ApiError(404, c.not_found.format(name=c.name, id=object_id))
        return body


TEMPLATES = Collection(
    name="cluster_template",
    kind=TEMPLATE,
    path="/v1/clustertemplates",
    plural="clustertemplates",
    fields=TEMPLATE_FIELDS,
    required=("coe", "image_id"),
    defaults={
        "docker_storage_driver": "devicemapper",
        "network_driver": "flannel",
        "server_type": "vm",
        "tls_disabled": False,
        "public": False,
        "registry_enabled": False,
        "master_lb_enabled": False,
        "floating_ip_enabled": True,
        "labels": {},
        "hidden": False,
    },
    updatable=tuple(name for name in TEMPLATE_FIELDS if name != "coe"),
    id_field="uuid",
    on_create=_template_create,
    on_delete=_template_delete,
    view=_template_view,
    not_found="ClusterTemplate {id} could not be found.",
)
CLUSTERS = Collection(
    name="cluster",
    kind=CLUSTER,
    path="/v1/clusters",
    plural="clusters",
    fields=CLUSTER_FIELDS,
    required=("cluster_template_id",),
    defaults={
        "name": None,
        "master_count": 1,
        "node_count": 1,
        "create_timeout": 60,
        "discovery_url": None,
        "labels": {},
    },
    updatable=("node_count", "master_count", "discovery_url", "create_timeout"),
    id_field="uuid",
    status=Status(
        "status",
        creating="CREATE_IN_PROGRESS",
        active="CREATE_COMPLETE",
        deleting="DELETE_IN_PROGRESS",
        settle=SETTLE,
    ),
    on_create=_cluster_create,
    view=_cluster_view,
    not_found="Cluster {id} could not be found.",
)
SPEC = ServiceSpec(
    type="container-infra",
    name="magnum",
    prefix="/container-infra",
    endpoint="/container-infra/v1",
    versions=_versions,
    collections=(TEMPLATES, CLUSTERS),
    error=_error,
)


def make(cloud: Cloud) -> MagnumService:
    """The Magnum service of a sandbox."""
    return MagnumService(cloud, SPEC)
