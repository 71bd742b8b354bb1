"""Cinder's admin APIs: volume types (extra specs, project access, encryption), QoS specs
and their associations, per-project quota sets. Writes need an admin token (Cinder's
policy answers a member 403); the seeded lvmdriver-1 type is always there."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    check_fields,
    empty,
    json_response,
    new_id,
)

if TYPE_CHECKING:
    from heatctl.sandbox.volume import VolumeService

OPT_STR = (str, type(None))
QUOTAS = ("volumes", "gigabytes", "snapshots", "backups", "backup_gigabytes", "groups")
MORE_DEFAULTS = {"backup_gigabytes": 1000, "groups": 10, "per_volume_gigabytes": -1}
ENCRYPTION_FIELDS: dict[str, Any] = {
    "provider": str,
    "cipher": OPT_STR,
    "key_size": (int, type(None)),
    "control_location": str,
}


def require_admin(request: Request, rule: str) -> None:
    """Cinder's policy check for an admin-only rule."""
    if not request.is_admin:
        raise ApiError(403, f"Policy doesn't allow {rule} to be performed.")


class VolumeAdmin:
    """/types (beyond reading), /qos-specs, /os-quota-sets."""

    def __init__(self, volumes: VolumeService) -> None:
        self.volumes = volumes
        self.cloud = volumes.cloud

    def routes(self, r: Callable[..., None]) -> None:
        """Register the admin routes (before VolumeService's read-only type routes)."""
        t = "/v3/{project}/types"
        r("GET", t, self.list_types)
        r("POST", t, self.create_type)
        r("GET", t + "/default", self.show_type)
        r("GET", t + "/{id}", self.show_type)
        r("PUT", t + "/{id}", self.update_type)
        r("DELETE", t + "/{id}", self.delete_type)
        r("GET", t + "/{id}/extra_specs", self.extra_specs)
        r("POST", t + "/{id}/extra_specs", self.extra_specs)
        r("GET", t + "/{id}/extra_specs/{key}", self.extra_spec)
        r("PUT", t + "/{id}/extra_specs/{key}", self.extra_spec)
        r("DELETE", t + "/{id}/extra_specs/{key}", self.extra_spec)
        r("GET", t + "/{id}/os-volume-type-access", self.type_access)
        r("POST", t + "/{id}/action", self.type_action)
        r("GET", t + "/{id}/encryption", self.show_encryption)
        r("POST", t + "/{id}/encryption", self.create_encryption)
        r("PUT", t + "/{id}/encryption/{enc}", self.update_encryption)
        r("DELETE", t + "/{id}/encryption/{enc}", self.delete_encryption)
        q = "/v3/{project}/qos-specs"
        r("GET", q, self.list_qos)
        r("POST", q, self.create_qos)
        r("GET", q + "/{id}", self.show_qos)
        r("PUT", q + "/{id}", self.update_qos)
        r("DELETE", q + "/{id}", self.delete_qos)
        r("PUT", q + "/{id}/delete_keys", self.delete_qos_keys)
        r("GET", q + "/{id}/associations", self.qos_associations)
        r("GET", q + "/{id}/associate", lambda req: self.qos_link(req, True))
        r("GET", q + "/{id}/disassociate", lambda req: self.qos_link(req, False))
        r("GET", q + "/{id}/disassociate_all", self.qos_unlink_all)
        r("GET", "/v3/{project}/os-quota-sets/{target}", self.quota_set)
        r("GET", "/v3/{project}/os-quota-sets/{target}/defaults", self.quota_set)
        r("PUT", "/v3/{project}/os-quota-sets/{target}", self.update_quota_set)
        r("DELETE", "/v3/{project}/os-quota-sets/{target}", self.delete_quota_set)

    # -- volume types --------------------------------------------------------------------
    def all_types(self) -> list[Body]:
        """The seeded type and every created one."""
        from heatctl.sandbox.volume import VOLUME_TYPE

        return [dict(VOLUME_TYPE, _builtin=True), *self.cloud.query("volume_type")]

    def find_type(self, ref: str, status: int = 404) -> Body:
        """A type by id or name, or Cinder's VolumeTypeNotFound."""
        for vtype in self.all_types():
            if ref in (vtype["id"], vtype["name"]):
                return vtype
        raise ApiError(status, f"Volume type {ref} could not be found.")

    def _writable(self, request: Request, rule: str = "volume_extension:types_manage") -> Body:
        require_admin(request, rule)
        vtype = self.find_type(request.params["id"])
        if vtype.get("_builtin"):
            raise ApiError(403, "The sandbox's seeded volume type cannot be changed.")
        return vtype

    @staticmethod
    def type_view(vtype: Body) -> Body:
        view = {k: v for k, v in vtype.items() if not k.startswith("_")}
        view["os-volume-type-access:is_public"] = view["is_public"]
        return view

    def _visible(self, request: Request, vtype: Body) -> bool:
        return bool(
            request.is_admin or vtype["is_public"] or request.project_id in vtype.get("_access", [])
        )

    def list_types(self, request: Request) -> Response:
        """GET /types: public ones and those shared with the caller (all for an admin)."""
        types = [self.type_view(t) for t in self.all_types() if self._visible(request, t)]
        return json_response(200, {"volume_types": types})

    def show_type(self, request: Request) -> Response:
        """GET /types/{id} (by id or name) and /types/default."""
        vtype = self.find_type(request.params.get("id") or "lvmdriver-1")
        if not self._visible(request, vtype):
            raise ApiError(404, f"Volume type {request.params['id']} could not be found.")
        return json_response(200, {"volume_type": self.type_view(vtype)})

    def create_type(self, request: Request) -> Response:
        """POST /types (admin): 409 for a name in use."""
        require_admin(request, "volume_extension:types_manage")
        entity = request.entity("volume_type")
        check_fields(
            entity,
            {
                "name": str,
                "description": OPT_STR,
                "os-volume-type-access:is_public": (bool, str),
                "is_public": (bool, str),
                "extra_specs": (dict, type(None)),
            },
            required=("name",),
            where="volume_type",
        )
        name = entity["name"].strip()
        if not name or len(name) > 255:
            raise ApiError(400, "Volume type name can not be empty.")
        if any(t["name"] == name for t in self.all_types()):
            raise ApiError(409, f"Volume Type {name} already exists.")
        public = entity.get("os-volume-type-access:is_public", entity.get("is_public", True))
        vtype: Body = {
            "id": new_id(),
            "name": name,
            "description": entity.get("description"),
            "is_public": str(public).lower() == "true",
            "extra_specs": {str(k): str(v) for k, v in (entity.get("extra_specs") or {}).items()},
            "qos_specs_id": None,
            "_access": [],
        }
        self.cloud.save("volume_type", vtype)
        return json_response(200, {"volume_type": self.type_view(vtype)})

    def update_type(self, request: Request) -> Response:
        """PUT /types/{id} (admin): name, description, is_public."""
        vtype = self._writable(request)
        entity = request.entity("volume_type")
        check_fields(
            entity,
            {"name": OPT_STR, "description": OPT_STR, "is_public": (bool, str)},
            where="volume_type",
        )
        name = entity.get("name")
        if name and any(t["name"] == name and t["id"] != vtype["id"] for t in self.all_types()):
            raise ApiError(409, f"Volume Type {name} already exists.")
        if name:
            vtype["name"] = name
        if "description" in entity:
            vtype["description"] = entity["description"]
        if "is_public" in entity:
            vtype["is_public"] = str(entity["is_public"]).lower() == "true"
        self.cloud.save("volume_type", vtype)
        return json_response(200, {"volume_type": self.type_view(vtype)})

    def delete_type(self, request: Request) -> Response:
        """DELETE /types/{id} (admin): refused while volumes use it."""
        vtype = self._writable(request)
        if any(v.get("volume_type") in (vtype["name"], vtype["id"]) for v in self._volumes()):
            raise ApiError(400, "Target volume type is still in use.")
        self.cloud.store.delete("volume_type", vtype["id"])
        self.cloud.store.delete("type_encryption", vtype["id"])
        return empty(202)

    def _volumes(self) -> list[Body]:
        return self.cloud.query("volume")

    def extra_specs(self, request: Request) -> Response:
        """GET (read) or POST (merge, admin) /types/{id}/extra_specs."""
        if request.method == "GET":
            vtype = self.find_type(request.params["id"])
            return json_response(200, {"extra_specs": vtype["extra_specs"]})
        vtype = self._writable(request)
        data = request.json()
        specs = data.get("extra_specs") if isinstance(data, dict) else None
        if not isinstance(specs, dict):
            raise ApiError(400, "Malformed request body")
        vtype["extra_specs"].update({str(k): str(v) for k, v in specs.items()})
        self.cloud.save("volume_type", vtype)
        return json_response(200, {"extra_specs": vtype["extra_specs"]})

    def extra_spec(self, request: Request) -> Response:
        """GET, PUT (admin) or DELETE (admin) one extra spec."""
        key = request.params["key"]
        vtype = (
            self.find_type(request.params["id"])
            if request.method == "GET"
            else self._writable(request)
        )
        if request.method == "PUT":
            data = request.json()
            if not isinstance(data, dict) or key not in data:
                raise ApiError(400, "Request body and URI mismatch")
            vtype["extra_specs"][key] = str(data[key])
            self.cloud.save("volume_type", vtype)
            return json_response(200, {key: vtype["extra_specs"][key]})
        if key not in vtype["extra_specs"]:
            raise ApiError(404, f"Volume Type {vtype['id']} has no extra specs with key {key}.")
        if request.method == "DELETE":
            del vtype["extra_specs"][key]
            self.cloud.save("volume_type", vtype)
            return empty(202)
        return json_response(200, {key: vtype["extra_specs"][key]})

    def type_access(self, request: Request) -> Response:
        """GET /types/{id}/os-volume-type-access (admin)."""
        require_admin(request, "volume_extension:volume_type_access")
        vtype = self.find_type(request.params["id"])
        if vtype["is_public"]:
            raise ApiError(404, "Access list not available for public volume types.")
        access = [
            {"volume_type_id": vtype["id"], "project_id": p} for p in vtype.get("_access", [])
        ]
        return json_response(200, {"volume_type_access": access})

    def type_action(self, request: Request) -> Response:
        """POST /types/{id}/action: addProjectAccess / removeProjectAccess (admin)."""
        data = request.json()
        name = next(iter(data), "") if isinstance(data, dict) and len(data) == 1 else ""
        args = data.get(name) if name else None
        project = args.get("project") if isinstance(args, dict) else None
        if name not in ("addProjectAccess", "removeProjectAccess") or not isinstance(project, str):
            raise ApiError(400, "Invalid request body: addProjectAccess or removeProjectAccess.")
        vtype = self._writable(request, f"volume_extension:volume_type_access:{name}")
        if vtype["is_public"]:
            raise ApiError(
                400,
                "Invalid volume type: Type access modification is not applicable to "
                "public volume type.",
            )
        access = vtype.setdefault("_access", [])
        if name == "addProjectAccess":
            if project in access:
                raise ApiError(
                    409,
                    f"Volume type access for {vtype['id']} / {project} combination already exists.",
                )
            access.append(project)
        elif project not in access:
            raise ApiError(
                404, f"Volume type access not found for {vtype['id']} / {project} combination."
            )
        else:
            access.remove(project)
        self.cloud.save("volume_type", vtype)
        return empty(202)

    # -- encryption ----------------------------------------------------------------------
    def _encryption(self, type_id: str) -> Body | None:
        return self.cloud.load("type_encryption", type_id)

    @staticmethod
    def _encryption_view(body: Body) -> Body:
        return {k: v for k, v in body.items() if not k.startswith("_")}

    def show_encryption(self, request: Request) -> Response:
        """GET /types/{id}/encryption: {} for an unencrypted type."""
        vtype = self.find_type(request.params["id"])
        found = self._encryption(vtype["id"])
        return json_response(200, self._encryption_view(found) if found else {})

    def create_encryption(self, request: Request) -> Response:
        """POST /types/{id}/encryption (admin): one encryption per type."""
        vtype = self._writable(request, "volume_extension:volume_type_encryption:create")
        entity = request.entity("encryption")
        check_fields(entity, ENCRYPTION_FIELDS, required=("provider",), where="encryption")
        if self._encryption(vtype["id"]) is not None:
            raise ApiError(400, f"Volume type encryption for type {vtype['id']} already exists.")
        location = entity.get("control_location", "front-end")
        if location not in ("front-end", "back-end"):
            raise ApiError(400, f"Invalid input received: Invalid control_location {location}")
        body: Body = {
            "volume_type_id": vtype["id"],
            "encryption_id": new_id(),
            "provider": entity["provider"],
            "cipher": entity.get("cipher"),
            "key_size": entity.get("key_size"),
            "control_location": location,
            "deleted": False,
            "_cols": {"id": vtype["id"]},
        }
        self.cloud.save("type_encryption", body)
        return json_response(200, {"encryption": self._encryption_view(body)})

    def update_encryption(self, request: Request) -> Response:
        """PUT /types/{id}/encryption/{encryption_id} (admin)."""
        vtype = self._writable(request, "volume_extension:volume_type_encryption:update")
        body = self._encryption(vtype["id"])
        if body is None:
            raise ApiError(404, f"Volume type encryption for type {vtype['id']} does not exist.")
        entity = request.entity("encryption")
        check_fields(
            entity, {k: (v, type(None)) for k, v in ENCRYPTION_FIELDS.items()}, where="encryption"
        )
        if any(v.get("volume_type") in (vtype["name"], vtype["id"]) for v in self._volumes()):
            raise ApiError(400, "Cannot update encryption specification. Volume type in use.")
        body.update({k: v for k, v in entity.items() if v is not None or k in ("cipher",)})
        self.cloud.save("type_encryption", body)
        return json_response(200, {"encryption": entity})

    def delete_encryption(self, request: Request) -> Response:
        """DELETE /types/{id}/encryption/{encryption_id} (admin)."""
        vtype = self._writable(request, "volume_extension:volume_type_encryption:delete")
        if self._encryption(vtype["id"]) is None:
            raise ApiError(404, f"Volume type encryption for type {vtype['id']} does not exist.")
        if any(v.get("volume_type") in (vtype["name"], vtype["id"]) for v in self._volumes()):
            raise ApiError(400, "Cannot delete encryption specification. Volume type in use.")
        self.cloud.store.delete("type_encryption", vtype["id"])
        return empty(202)

    # -- QoS specs -----------------------------------------------------------------------
    def _qos(self, request: Request) -> Body:
        qos_id = request.params["id"]
        return self.cloud.require("qos_specs", qos_id, f"QoS Specs {qos_id} could not be found.")

    def _qos_view(self, body: Body) -> Body:
        return {k: body[k] for k in ("id", "name", "consumer", "specs")}

    def list_qos(self, request: Request) -> Response:
        """GET /qos-specs (admin)."""
        require_admin(request, "volume_extension:qos_specs_manage:get_all")
        items = [self._qos_view(q) for q in self.cloud.query("qos_specs")]
        return json_response(200, {"qos_specs": items})

    def show_qos(self, request: Request) -> Response:
        """GET /qos-specs/{id} (admin)."""
        require_admin(request, "volume_extension:qos_specs_manage:get")
        return json_response(200, {"qos_specs": self._qos_view(self._qos(request)), "links": []})

    def create_qos(self, request: Request) -> Response:
        """POST /qos-specs (admin): {"qos_specs": {"name": ..., key: value...}}."""
        require_admin(request, "volume_extension:qos_specs_manage:create")
        entity = dict(request.entity("qos_specs"))
        name = entity.pop("name", None)
        if not isinstance(name, str) or not name.strip():
            raise ApiError(400, "Please specify a name for QoS specs.")
        if any(q["name"] == name for q in self.cloud.query("qos_specs")):
            raise ApiError(409, f"QoS Specs {name} already exists.")
        consumer = str(entity.pop("consumer", "back-end"))
        if consumer not in ("front-end", "back-end", "both"):
            raise ApiError(
                400, f"Invalid input received: Valid consumer of QoS specs are: {consumer}"
            )
        body: Body = {
            "id": new_id(),
            "name": name,
            "consumer": consumer,
            "specs": {str(k): str(v) for k, v in entity.items()},
        }
        self.cloud.save("qos_specs", body)
        return json_response(200, {"qos_specs": self._qos_view(body), "links": []})

    def update_qos(self, request: Request) -> Response:
        """PUT /qos-specs/{id} (admin): set keys."""
        require_admin(request, "volume_extension:qos_specs_manage:update")
        body = self._qos(request)
        entity = request.entity("qos_specs")
        changes = {str(k): str(v) for k, v in entity.items()}
        if "consumer" in changes:
            body["consumer"] = changes.pop("consumer")
        body["specs"].update(changes)
        self.cloud.save("qos_specs", body)
        return json_response(200, {"qos_specs": entity})

    def delete_qos_keys(self, request: Request) -> Response:
        """PUT /qos-specs/{id}/delete_keys (admin): {"keys": [...]}."""
        require_admin(request, "volume_extension:qos_specs_manage:update")
        body = self._qos(request)
        data = request.json()
        keys = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(keys, list):
            raise ApiError(400, "Malformed request body")
        for key in keys:
            if key not in body["specs"]:
                raise ApiError(400, f"QoS specs {body['id']} has no key {key}.")
            del body["specs"][key]
        self.cloud.save("qos_specs", body)
        return empty(202)

    def _associated(self, qos_id: str) -> list[Body]:
        return [t for t in self.cloud.query("volume_type") if t.get("qos_specs_id") == qos_id]

    def delete_qos(self, request: Request) -> Response:
        """DELETE /qos-specs/{id} (admin): refused while associated unless force."""
        require_admin(request, "volume_extension:qos_specs_manage:delete")
        body = self._qos(request)
        force = (request.arg("force") or "").lower() == "true"
        if self._associated(body["id"]) and not force:
            raise ApiError(400, f"QoS Specs {body['id']} is still associated with entities.")
        for vtype in self._associated(body["id"]):
            vtype["qos_specs_id"] = None
            self.cloud.save("volume_type", vtype)
        self.cloud.store.delete("qos_specs", body["id"])
        return empty(202)

    def qos_associations(self, request: Request) -> Response:
        """GET /qos-specs/{id}/associations (admin)."""
        require_admin(request, "volume_extension:qos_specs_manage:get")
        body = self._qos(request)
        items = [
            {"association_type": "volume_type", "name": t["name"], "id": t["id"]}
            for t in self._associated(body["id"])
        ]
        return json_response(200, {"qos_associations": items})

    def qos_link(self, request: Request, associate: bool) -> Response:
        """GET /qos-specs/{id}/associate|disassociate?vol_type_id=... (admin)."""
        action = "associate" if associate else "disassociate"
        require_admin(request, f"volume_extension:qos_specs_manage:{action}")
        body = self._qos(request)
        type_id = request.arg("vol_type_id")
        if not type_id:
            raise ApiError(400, "Volume Type id must not be None.")
        vtype = self.find_type(type_id)
        if vtype.get("_builtin"):
            raise ApiError(403, "The sandbox's seeded volume type cannot be changed.")
        current = vtype.get("qos_specs_id")
        if associate and current not in (None, body["id"]):
            raise ApiError(
                400,
                f"Type {vtype['id']} is already associated with another qos specs: {current}",
            )
        vtype["qos_specs_id"] = body["id"] if associate else None
        self.cloud.save("volume_type", vtype)
        return empty(202)

    def qos_unlink_all(self, request: Request) -> Response:
        """GET /qos-specs/{id}/disassociate_all (admin)."""
        require_admin(request, "volume_extension:qos_specs_manage:disassociate_all")
        body = self._qos(request)
        for vtype in self._associated(body["id"]):
            vtype["qos_specs_id"] = None
            self.cloud.save("volume_type", vtype)
        return empty(202)

    # -- quota sets ----------------------------------------------------------------------
    def limit(self, project: str, name: str) -> int:
        """A project's limit for one quota."""
        if name in ("volumes", "gigabytes", "snapshots", "backups"):
            return self.cloud.quota("volume", name, project)
        own = self.cloud.store.get("volume_quota", project) or {}
        return int(own.get("limits", {}).get(name, MORE_DEFAULTS.get(name, -1)))

    def quota_set(self, request: Request) -> Response:
        """GET /os-quota-sets/{project}: own project, or admin."""
        target = request.params["target"]
        if target != request.project_id:
            require_admin(request, "volume_extension:quotas:show")
        own = "" if request.path.endswith("/defaults") else target
        quotas: Body = {name: self.limit(own, name) for name in (*QUOTAS, "per_volume_gigabytes")}
        if (request.arg("usage") or "").lower() == "true":
            used = self._usage(target)
            quotas = {
                k: {"limit": v, "in_use": used.get(k, 0), "reserved": 0, "allocated": 0}
                for k, v in quotas.items()
            }
        return json_response(200, {"quota_set": {"id": target, **quotas}})

    def _usage(self, project: str) -> dict[str, int]:
        volumes = self.cloud.query("volume", project=project)
        snapshots = self.cloud.query("snapshot", project=project)
        backups = self.cloud.query("backup", project=project)
        return {
            "volumes": len(volumes),
            "snapshots": len(snapshots),
            "backups": len(backups),
            "gigabytes": sum(int(x.get("size", 0)) for x in (*volumes, *snapshots)),
            "backup_gigabytes": sum(int(b.get("size", 0)) for b in backups),
        }

    def update_quota_set(self, request: Request) -> Response:
        """PUT /os-quota-sets/{project} (admin): integers >= -1, not below what is in use."""
        require_admin(request, "volume_extension:quotas:update")
        values = request.entity("quota_set")
        target = request.params["target"]
        limits: dict[str, int] = {}
        for key, value in values.items():
            if key not in (*QUOTAS, "per_volume_gigabytes"):
                raise ApiError(400, f"Invalid input received: Bad key(s) in quota set: {key}")
            try:
                number = int(value)
                if isinstance(value, bool) or number < -1:
                    raise ValueError(value)
            except (TypeError, ValueError):
                raise ApiError(
                    400, f"Invalid input received: Quota limit {value} for {key} is invalid."
                ) from None
            limits[key] = number
        record = self.cloud.store.get("volume_quota", target) or {"id": target, "limits": {}}
        record["limits"].update(limits)
        record["_cols"] = {"id": target, "project": target}
        self.cloud.save("volume_quota", record)
        quotas = {name: self.limit(target, name) for name in (*QUOTAS, "per_volume_gigabytes")}
        return json_response(200, {"quota_set": quotas})

    def delete_quota_set(self, request: Request) -> Response:
        """DELETE /os-quota-sets/{project} (admin): back to the defaults."""
        require_admin(request, "volume_extension:quotas:delete")
        self.cloud.store.delete("volume_quota", request.params["target"])
        return empty(200)
