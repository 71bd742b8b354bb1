"""Manila v2 (/share/v2): shares with their access rules, metadata and export
locations, share networks, share types and security services.

A share is `creating`, then `available` (it then has an export location on a simulated
host); rules can be allowed only on an available share, as in Manila. A deleted share is
`deleting` for a moment and takes its access rules along. A share network or a security
service still in use, or a share type still used by a share, refuses deletion.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
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

OPT_STR = (str, type(None))
OPT_BOOL = (bool, type(None))
OPT_DICT = (dict, type(None))
PROTOCOLS = {"NFS", "CIFS", "GLUSTERFS", "HDFS", "CEPHFS", "MAPRFS"}
ACCESS_TYPES = {"ip", "user", "cert", "cephx"}
SHARE, ACCESS, NETWORK, TYPE, SECURITY = (
    "manila_share",
    "manila_access",
    "manila_share_network",
    "manila_share_type",
    "manila_security_service",
)
HOST = "sandbox@generic#pool0"
MAX_VERSION = "2.65"


def _versions(base_url: str) -> tuple[int, Body]:
    value = {
        "id": "v2.0",
        "status": "CURRENT",
        "version": MAX_VERSION,
        "min_version": "2.0",
        "updated": "2015-08-27T11:33:21Z",
        "links": [{"rel": "self", "href": f"{base_url}/share/v2/"}],
        "media-types": [
            {"base": "application/json", "type": "application/vnd.openstack.share+json;version=1"}
        ],
    }
    return 300, {"versions": [value]}


def _error(error: ApiError) -> Response:
    """Manila's error body: {"badRequest": {"code", "message"}} and its siblings."""
    names = {400: "badRequest", 403: "forbidden", 404: "itemNotFound", 409: "conflictingRequest"}
    name = names.get(error.status, "computeFault")
    body = {name: {"code": error.status, "message": error.message}}
    return json_response(error.status, body, dict(error.headers))


def _find_by_name_or_id(svc: GenericService, kind: str, value: str, what: str) -> Body:
    body = svc.cloud.load(kind, value)
    if body is not None:
        return body
    for other in svc.cloud.query(kind):
        if other.get("name") == value:
            return other
    raise ApiError(404, f"{what} {value} could not be found.")


# -- shares ----------------------------------------------------------------------------
def _share_create(svc: GenericService, request: Request, body: Body) -> None:
    protocol = str(body["share_proto"]).upper()
    if protocol not in PROTOCOLS:
        raise ApiError(400, f"Invalid share protocol provided: {body['share_proto']}")
    if not isinstance(body["size"], int) or body["size"] < 1:
        raise ApiError(400, f"Share size '{body['size']}' must be an integer and greater than 0")
    body["name"] = body.pop("display_name", None) or body.get("name")
    body["description"] = body.pop("display_description", None) or body.get("description")
    network_id = body.get("share_network_id")
    if network_id:
        _find_by_name_or_id(svc, NETWORK, network_id, "Share network")
        body["share_server_id"] = new_id()
    if body.get("share_type"):
        share_type = _find_by_name_or_id(svc, TYPE, body["share_type"], "Share type")
        body["share_type"], body["share_type_name"] = share_type["id"], share_type["name"]
    location = f"127.0.0.1:/shares/share-{body['id']}"
    body.update(
        share_proto=protocol,
        host=HOST,
        availability_zone=body.get("availability_zone") or "nova",
        user_id=request.user_id,
        _exports=[{"id": new_id(), "path": location, "preferred": True, "is_admin_only": False}],
    )


def _share_update(svc: GenericService, request: Request, body: Body, changes: Body) -> None:
    for old, new in (("display_name", "name"), ("display_description", "description")):
        if old in changes:
            changes[new] = changes.pop(old)


def _share_delete(svc: GenericService, request: Request, body: Body) -> None:
    for rule in svc.cloud.query(ACCESS, parent=body["id"]):
        svc.cloud.store.delete(ACCESS, rule["id"])


def _share_view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view["display_name"], view["display_description"] = view.get("name"), view.get("description")
    view["links"] = []
    return view


# -- access rules ----------------------------------------------------------------------
def _check_access_to(access_type: str, access_to: str) -> None:
    if access_type == "ip":
        try:
            ipaddress.ip_network(access_to, strict=False)
        except ValueError:
            raise ApiError(
                400, f"Invalid IP access rule: {access_to} is not an IP or CIDR"
            ) from None
    elif not access_to or len(access_to) > 255:
        raise ApiError(400, f"Invalid access_to value for type {access_type}: '{access_to}'")


def _rule_view(rule: Body) -> Body:
    return {k: v for k, v in public(rule).items() if k != "project_id"}


# -- share networks, types, security services ----------------------------------------------
def _network_create(svc: GenericService, request: Request, body: Body) -> None:
    _network_fields(svc, body)
    body["security_services"] = []


def _network_update(svc: GenericService, request: Request, body: Body, changes: Body) -> None:
    if _network_shares(svc, body["id"]) and (
        "neutron_net_id" in changes or "neutron_subnet_id" in changes
    ):
        raise ApiError(403, "Cannot update share network: it has shares.")
    merged = {**body, **changes}
    _network_fields(svc, merged)
    changes.update({k: merged[k] for k in ("cidr", "ip_version", "network_type")})


def _network_fields(svc: GenericService, body: Body) -> None:
    subnet_id = body.get("neutron_subnet_id")
    subnet = svc.cloud.load("subnet", subnet_id) if subnet_id else None
    if subnet_id and subnet is None:
        raise ApiError(400, f"Subnet {subnet_id} could not be found.")
    if body.get("neutron_net_id") and svc.cloud.load("network", body["neutron_net_id"]) is None:
        raise ApiError(400, f"Network {body['neutron_net_id']} could not be found.")
    body["cidr"] = subnet.get("cidr") if subnet else None
    body["ip_version"] = subnet.get("ip_version") if subnet else None
    body["network_type"] = "flat" if subnet else None


def _network_shares(svc: GenericService, network_id: str) -> list[Body]:
    return [s for s in svc.cloud.query(SHARE) if s.get("share_network_id") == network_id]


def _network_delete(svc: GenericService, request: Request, body: Body) -> None:
    if _network_shares(svc, body["id"]):
        raise ApiError(409, f"Share network {body['id']} is in use by shares.")


def _type_create(svc: GenericService, request: Request, body: Body) -> None:
    if not request.is_admin:
        raise ApiError(403, "Policy doesn't allow share_type:create to be performed.")
    specs = body.get("extra_specs") or {}
    if "driver_handles_share_servers" not in specs:
        raise ApiError(400, "Required extra specification driver_handles_share_servers is missing.")
    if any(t["name"] == body["name"] for t in svc.cloud.query(TYPE) if t["id"] != body["id"]):
        raise ApiError(409, f"Share Type {body['name']} already exists.")
    body["extra_specs"] = {k: _spec_text(v) for k, v in specs.items()}
    public_flag = body.pop("os-share-type-access:is_public", None)
    if public_flag is not None:
        body["share_type_access:is_public"] = public_flag
    body.setdefault("share_type_access:is_public", True)
    _type_required(body)


def _spec_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _type_required(body: Body) -> None:
    body["required_extra_specs"] = {
        "driver_handles_share_servers": body["extra_specs"]["driver_handles_share_servers"]
    }


def _type_delete(svc: GenericService, request: Request, body: Body) -> None:
    if any(s.get("share_type") == body["id"] for s in svc.cloud.query(SHARE)):
        raise ApiError(400, f"Share Type {body['id']} deletion is not allowed with shares present.")


def _security_create(svc: GenericService, request: Request, body: Body) -> None:
    if body["type"] not in ("ldap", "kerberos", "active_directory"):
        raise ApiError(400, f"Invalid type {body['type']}: ldap, kerberos or active_directory")
    body["status"] = "new"


def _security_delete(svc: GenericService, request: Request, body: Body) -> None:
    for network in svc.cloud.query(NETWORK):
        if body["id"] in network.get("security_services", []):
            raise ApiError(403, f"Security service {body['id']} is in use by a share network.")


def _security_view(svc: GenericService, body: Body) -> Body:
    return {k: v for k, v in public(body).items() if k != "password"}


class ManilaService(GenericService):
    """Manila's API: the collections plus details lists, actions, rules, metadata."""

    def extra_routes(self) -> None:
        """Details lists, share and share network actions, access rules, metadata, specs."""
        r = self.router.add
        for collection in (SHARES, NETWORKS, SECURITY_SERVICES):
            r("GET", f"{collection.path}/detail", self._details(collection))
        r("POST", "/v2/shares/{id}/action", self.share_action)
        r("GET", "/v2/shares/{id}/export_locations", self.exports)
        r("GET", "/v2/shares/{id}/metadata", self.metadata)
        r("PUT", "/v2/shares/{id}/metadata", lambda q: self.set_metadata(q, replace=True))
        r("POST", "/v2/shares/{id}/metadata", lambda q: self.set_metadata(q, replace=False))
        r("GET", "/v2/share-access-rules", self.rules)
        r("GET", "/v2/share-access-rules/{id}", self.rule)
        r("POST", "/v2/share-networks/{id}/action", self.network_action)
        r("GET", "/v2/types/{id}/extra_specs", self.type_specs)
        r("POST", "/v2/types/{id}/extra_specs", self.set_type_specs)
        r("DELETE", "/v2/types/{id}/extra_specs/{key}", self.unset_type_spec)

    # -- shares --------------------------------------------------------------------------
    def _details(self, collection: Collection) -> Callable[[Request], Response]:
        return lambda request: self.list(collection, request)

    def share_action(self, request: Request) -> Response:
        """allow_access, deny_access, access_list (and their os- spellings), extend."""
        share = self.find(SHARES, request.params["id"], request)
        data = request.json()
        if not isinstance(data, dict) or len(data) != 1:
            raise ApiError(400, "Invalid request body: one action is expected.")
        name, args = next(iter(data.items()))
        name = name.removeprefix("os-")
        if name == "allow_access":
            return self.allow(share, args, request)
        if name == "deny_access":
            return self.deny(share, args)
        if name == "access_list":
            rules = [_rule_view(r) for r in self.cloud.query(ACCESS, parent=share["id"])]
            return json_response(200, {"access_list": rules})
        if name == "extend":
            return self.extend(share, args)
        raise ApiError(400, f"Invalid request body: unknown action {name}.")

    def allow(self, share: Body, args: Any, request: Request) -> Response:
        """Add an access rule to an available share."""
        if not isinstance(args, dict):
            raise ApiError(400, "allow_access must be an object")
        if share["status"] != "available":
            raise ApiError(400, "Invalid share: Share status must be available.")
        access_type, access_to = str(args.get("access_type")), str(args.get("access_to", ""))
        level = args.get("access_level") or "rw"
        if access_type not in ACCESS_TYPES:
            raise ApiError(400, "Only 'ip', 'user', 'cert' or 'cephx' access types are supported.")
        if level not in ("rw", "ro"):
            raise ApiError(400, f"Invalid access level: {level}.")
        _check_access_to(access_type, access_to)
        for rule in self.cloud.query(ACCESS, parent=share["id"]):
            if (rule["access_type"], rule["access_to"]) == (access_type, access_to):
                raise ApiError(400, f"Share access {access_type}:{access_to} exists.")
        rule = {
            "id": new_id(),
            "share_id": share["id"],
            "access_type": access_type,
            "access_to": access_to,
            "access_level": level,
            "access_key": None,
            "state": "active",
            "metadata": args.get("metadata") or {},
            "created_at": self.now_iso(),
            "updated_at": None,
            "_cols": {"id": "", "project": share["_cols"]["project"], "parent": share["id"]},
        }
        rule["_cols"]["id"] = rule["id"]
        self.cloud.save(ACCESS, rule)
        return json_response(200, {"access": _rule_view(rule)})

    def deny(self, share: Body, args: Any) -> Response:
        """Remove an access rule."""
        access_id = args.get("access_id") if isinstance(args, dict) else None
        rule = self.cloud.load(ACCESS, str(access_id))
        if rule is None or rule["share_id"] != share["id"]:
            raise ApiError(404, f"Access {access_id} could not be found.")
        self.cloud.store.delete(ACCESS, rule["id"])
        return empty(202)

    def extend(self, share: Body, args: Any) -> Response:
        """Grow an available share."""
        size = args.get("new_size") if isinstance(args, dict) else None
        if not isinstance(size, int) or size <= share["size"]:
            raise ApiError(400, "New size for extend must be greater than current size.")
        share["size"] = size
        self.save(SHARES, share)
        return empty(202)

    def exports(self, request: Request) -> Response:
        """The export locations of an available share."""
        share = self.find(SHARES, request.params["id"], request)
        locations = share["_exports"] if share["status"] == "available" else []
        shown = [{**x, "share_instance_id": share["id"]} for x in locations]
        return json_response(200, {"export_locations": shown})

    def metadata(self, request: Request) -> Response:
        """A share's metadata."""
        share = self.find(SHARES, request.params["id"], request)
        return json_response(200, {"metadata": share.get("metadata") or {}})

    def set_metadata(self, request: Request, *, replace: bool) -> Response:
        """Replace (PUT) or merge (POST) a share's metadata."""
        share = self.find(SHARES, request.params["id"], request)
        data = request.json()
        values = data.get("metadata") if isinstance(data, dict) else None
        if not isinstance(values, dict):
            raise ApiError(400, "Malformed request body: 'metadata' must be an object.")
        share["metadata"] = dict(values) if replace else {**share.get("metadata", {}), **values}
        self.save(SHARES, share)
        return json_response(200, {"metadata": share["metadata"]})

    def rules(self, request: Request) -> Response:
        """GET /share-access-rules?share_id=..."""
        share = self.find(SHARES, request.arg("share_id") or "", request)
        rules = [_rule_view(r) for r in self.cloud.query(ACCESS, parent=share["id"])]
        return json_response(200, {"access_list": rules})

    def rule(self, request: Request) -> Response:
        """One access rule."""
        rule = self.cloud.load(ACCESS, request.params["id"])
        if rule is None:
            raise ApiError(404, f"Access {request.params['id']} could not be found.")
        return json_response(200, {"access": _rule_view(rule)})

    # -- share networks and types --------------------------------------------------------
    def network_action(self, request: Request) -> Response:
        """add_security_service / remove_security_service."""
        network = self.find(NETWORKS, request.params["id"], request)
        data = request.json()
        if not isinstance(data, dict) or len(data) != 1:
            raise ApiError(400, "Invalid request body: one action is expected.")
        name, args = next(iter(data.items()))
        service_id = str(args.get("security_service_id")) if isinstance(args, dict) else ""
        service = self.find(SECURITY_SERVICES, service_id, request)
        attached = network.setdefault("security_services", [])
        if name == "add_security_service":
            if service["id"] in attached:
                raise ApiError(400, f"Security service {service_id} is already associated.")
            types = {self.cloud.load(SECURITY, s).get("type") for s in attached}  # type: ignore[union-attr]
            if service["type"] in types:
                raise ApiError(400, f"Share network already has a {service['type']} service.")
            attached.append(service["id"])
        elif name == "remove_security_service":
            if service["id"] not in attached:
                raise ApiError(400, f"Security service {service_id} is not associated.")
            attached.remove(service["id"])
        else:
            raise ApiError(400, f"Invalid request body: unknown action {name}.")
        self.save(NETWORKS, network)
        return json_response(200, {"share_network": self.render(NETWORKS, network)})

    def type_specs(self, request: Request) -> Response:
        """A share type's extra specs."""
        share_type = self.find(TYPES, request.params["id"], request)
        return json_response(200, {"extra_specs": share_type["extra_specs"]})

    def set_type_specs(self, request: Request) -> Response:
        """Set extra specs (admin)."""
        share_type = self.find(TYPES, request.params["id"], request)
        data = request.json()
        specs = data.get("extra_specs") if isinstance(data, dict) else None
        if not request.is_admin or not isinstance(specs, dict):
            raise ApiError(400 if request.is_admin else 403, "extra_specs must be an object.")
        share_type["extra_specs"].update({k: _spec_text(v) for k, v in specs.items()})
        _type_required(share_type)
        self.save(TYPES, share_type)
        return json_response(200, {"extra_specs": share_type["extra_specs"]})

    def unset_type_spec(self, request: Request) -> Response:
        """Remove one extra spec (not the required one)."""
        share_type = self.find(TYPES, request.params["id"], request)
        key = request.params["key"]
        if key == "driver_handles_share_servers":
            raise ApiError(403, "Required extra specs can't be deleted.")
        if key not in share_type["extra_specs"]:
            raise ApiError(404, f"Share type extra spec {key} could not be found.")
        del share_type["extra_specs"][key]
        self.save(TYPES, share_type)
        return empty(202)


SHARES = Collection(
    name="share",
    kind=SHARE,
    path="/v2/shares",
    key="share",
    plural="shares",
    fields={
        "share_proto": str,
        "size": int,
        "name": OPT_STR,
        "description": OPT_STR,
        "display_name": OPT_STR,
        "display_description": OPT_STR,
        "snapshot_id": OPT_STR,
        "share_network_id": OPT_STR,
        "share_type": OPT_STR,
        "share_group_id": OPT_STR,
        "is_public": OPT_BOOL,
        "metadata": OPT_DICT,
        "availability_zone": OPT_STR,
        "scheduler_hints": OPT_DICT,
    },
    required=("share_proto", "size"),
    defaults={
        "name": None,
        "description": None,
        "snapshot_id": None,
        "share_network_id": None,
        "share_type": None,
        "share_type_name": None,
        "share_server_id": None,
        "share_group_id": None,
        "is_public": False,
        "metadata": {},
        "has_replicas": False,
        "replication_type": None,
        "snapshot_support": True,
        "task_state": None,
        "access_rules_status": "active",
    },
    updatable=("name", "description", "display_name", "display_description", "is_public"),
    status=Status(
        "status", creating="creating", active="available", deleting="deleting", settle=0.2
    ),
    on_create=_share_create,
    on_update=_share_update,
    on_delete=_share_delete,
    view=_share_view,
    not_found="Share {id} could not be found.",
)
NETWORKS = Collection(
    name="share_network",
    kind=NETWORK,
    path="/v2/share-networks",
    key="share_network",
    plural="share_networks",
    fields={
        "name": OPT_STR,
        "description": OPT_STR,
        "neutron_net_id": OPT_STR,
        "neutron_subnet_id": OPT_STR,
        "availability_zone": OPT_STR,
    },
    defaults={
        "name": None,
        "description": None,
        "neutron_net_id": None,
        "neutron_subnet_id": None,
        "segmentation_id": None,
    },
    updatable=("name", "description", "neutron_net_id", "neutron_subnet_id"),
    on_create=_network_create,
    on_update=_network_update,
    on_delete=_network_delete,
    not_found="Share network {id} could not be found.",
)
TYPES = Collection(
    name="share_type",
    kind=TYPE,
    path="/v2/types",
    key="share_type",
    plural="share_types",
    fields={
        "name": str,
        "description": OPT_STR,
        "extra_specs": dict,
        "share_type_access:is_public": OPT_BOOL,
        "os-share-type-access:is_public": OPT_BOOL,
    },
    required=("name", "extra_specs"),
    defaults={"description": None},
    project_field=None,
    timestamps=None,
    on_create=_type_create,
    on_delete=_type_delete,
    not_found="Share type {id} could not be found.",
)
SECURITY_SERVICES = Collection(
    name="security_service",
    kind=SECURITY,
    path="/v2/security-services",
    key="security_service",
    plural="security_services",
    fields={
        name: OPT_STR
        for name in (
            "type",
            "name",
            "description",
            "dns_ip",
            "server",
            "domain",
            "user",
            "password",
            "ou",
        )
    },
    required=("type",),
    defaults={
        name: None
        for name in ("name", "description", "dns_ip", "server", "domain", "user", "password", "ou")
    },
    updatable=("name", "description", "dns_ip", "server", "domain", "user", "password", "ou"),
    on_create=_security_create,
    on_delete=_security_delete,
    view=_security_view,
    not_found="Security service {id} could not be found.",
)
SPEC = ServiceSpec(
    type="shared-file-system",
    name="manila",
    prefix="/share",
    endpoint="/share/v2",
    versions=_versions,
    collections=(SHARES, NETWORKS, TYPES, SECURITY_SERVICES),
    extra_kinds=((ACCESS, "access_rule"),),
    open_paths=frozenset({"", "/"}),
    error=_error,
)


def make(cloud: Cloud) -> ManilaService:
    """The Manila service of a sandbox."""
    return ManilaService(cloud, SPEC)
