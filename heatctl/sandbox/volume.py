"""Cinder v3: volumes creating -> available -> in-use, actions, metadata, types, quotas."""

from __future__ import annotations

import ast
from typing import Any

from heatctl.sandbox.clock import iso
from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    Router,
    check_fields,
    empty,
    json_response,
    new_id,
    public,
)

MAX_MICROVERSION = "3.71"
VOLUME_TYPE = {
    "id": "6c9b8c5d-55f7-4b9b-9d7e-3fa0b0a5e0a1",
    "name": "lvmdriver-1",
    "is_public": True,
    "description": None,
    "extra_specs": {},
    "os-volume-type-access:is_public": True,
    "qos_specs_id": None,
}
VOLUME_FIELDS: dict[str, Any] = {
    "size": (int, str, type(None)),
    "name": (str, type(None)),
    "description": (str, type(None)),
    "volume_type": (str, type(None)),
    "metadata": (dict, type(None)),
    "availability_zone": (str, type(None)),
    "imageRef": (str, type(None)),
    "snapshot_id": (str, type(None)),
    "source_volid": (str, type(None)),
    "multiattach": (bool, type(None)),
    "consistencygroup_id": (str, type(None)),
    "backup_id": (str, type(None)),
    "group_id": (str, type(None)),
    "display_name": (str, type(None)),
    "display_description": (str, type(None)),
}
NOT_DELETABLE = (
    "Invalid volume: Volume status must be available or error or error_restoring or "
    "error_extending or error_managing and must not be migrating, attached, belong to a "
    "group, have snapshots, awaiting a transfer, or be disassociated from snapshots after "
    "volume transfer."
)
DELETABLE = {"available", "error", "error_restoring", "error_extending", "error_managing"}


class VolumeService:
    """Cinder's /volume/v3/{project_id} API."""

    def __init__(self, cloud: Cloud) -> None:
        from heatctl.sandbox.volume_admin import VolumeAdmin
        from heatctl.sandbox.volume_backups import VolumeCopies

        self.cloud = cloud
        self.copies = VolumeCopies(self)
        self.admin = VolumeAdmin(self)
        self.router = Router()
        r = self.router.add
        r("GET", "", self.versions)
        r("GET", "/v3", self.version)
        r("GET", "/v3/{project}/volumes", lambda q: self.list_volumes(q, detail=False))
        r("GET", "/v3/{project}/volumes/detail", lambda q: self.list_volumes(q, detail=True))
        r("POST", "/v3/{project}/volumes", self.create)
        r("GET", "/v3/{project}/volumes/{id}", self.show)
        r("PUT", "/v3/{project}/volumes/{id}", self.update)
        r("DELETE", "/v3/{project}/volumes/{id}", self.delete)
        r("POST", "/v3/{project}/volumes/{id}/action", self.action)
        r("GET", "/v3/{project}/volumes/{id}/metadata", self.metadata)
        r("POST", "/v3/{project}/volumes/{id}/metadata", self.metadata)
        r("PUT", "/v3/{project}/volumes/{id}/metadata", self.metadata)
        self.admin.routes(r)
        r("GET", "/v3/{project}/limits", self.limits)
        r("GET", "/v3/{project}/os-availability-zone", self.zones)
        self.copies.routes(r)

    # -- discovery -----------------------------------------------------------------------
    def _v3(self) -> Body:
        return {
            "id": "v3.0",
            "status": "CURRENT",
            "version": MAX_MICROVERSION,
            "min_version": "3.0",
            "updated": "2023-08-31T00:00:00Z",
            "links": [{"rel": "self", "href": f"{self.cloud.base_url}/volume/v3/"}],
            "media-types": [
                {
                    "base": "application/json",
                    "type": "application/vnd.openstack.volume+json;version=3",
                }
            ],
        }

    def versions(self, request: Request) -> Response:
        """GET /volume/: the versions document."""
        return json_response(300, {"versions": [self._v3()]})

    def version(self, request: Request) -> Response:
        """GET /volume/v3/: advertises microversions 3.0 to 3.71."""
        return json_response(200, {"version": self._v3()})

    # -- helpers -------------------------------------------------------------------------
    def find(self, volume_id: str, status: int = 404) -> Body:
        """A volume or Cinder's VolumeNotFound."""
        return self.cloud.require(
            "volume", volume_id, f"Volume {volume_id} could not be found.", status=status
        )

    def view(self, body: Body, detail: bool = True) -> Body:
        """A volume as Cinder 3.71 shows it."""
        href = (
            f"{self.cloud.base_url}/volume/v3/{body['os-vol-tenant-attr:tenant_id']}"
            f"/volumes/{body['id']}"
        )
        links = [{"rel": "self", "href": href}, {"rel": "bookmark", "href": href}]
        if not detail:
            return {"id": body["id"], "name": body["name"], "links": links}
        return {**public(body), "links": links}

    def usage(self, project: str) -> tuple[int, int]:
        """(volume count, gigabytes) a project uses."""
        count, gigabytes, _ = self.cloud.store.totals("volume", project)
        return count, gigabytes

    # -- CRUD ------------------------------------------------------------------------
    def create(self, request: Request) -> Response:
        """POST /volumes: 202 with status creating; 413 when over quota."""
        entity = request.entity("volume")
        check_fields(entity, VOLUME_FIELDS, where="volume")
        size = self._size(entity)
        vtype = self.admin.find_type(str(entity.get("volume_type") or VOLUME_TYPE["name"]))
        self._check_quota(request.project_id, size)
        now = iso(self.cloud.now(), micro=True).rstrip("Z")
        metadata = {str(k): str(v) for k, v in (entity.get("metadata") or {}).items()}
        body: Body = {
            "id": new_id(),
            "name": entity.get("name") or entity.get("display_name"),
            "description": entity.get("description") or entity.get("display_description"),
            "size": size,
            "status": "creating",
            "availability_zone": "nova",
            "bootable": "true" if entity.get("imageRef") else "false",
            "encrypted": self.admin._encryption(vtype["id"]) is not None,
            "multiattach": bool(entity.get("multiattach", False)),
            "volume_type": vtype["name"],
            "volume_type_id": vtype["id"],
            "attachments": [],
            "metadata": metadata,
            "snapshot_id": entity.get("snapshot_id"),
            "source_volid": entity.get("source_volid"),
            "created_at": now,
            "updated_at": None,
            "user_id": request.user_id,
            "os-vol-tenant-attr:tenant_id": request.project_id,
            "os-vol-host-attr:host": "sandbox@lvmdriver-1#lvmdriver-1",
            "os-vol-mig-status-attr:migstat": None,
            "os-vol-mig-status-attr:name_id": None,
            "replication_status": None,
            "consistencygroup_id": None,
            "group_id": None,
            "migration_status": None,
            "provider_id": None,
            "service_uuid": new_id(),
            "shared_targets": False,
            "cluster_name": None,
            "consumes_quota": True,
            "_cols": {"project": request.project_id},
        }
        if entity.get("imageRef"):
            body["volume_image_metadata"] = {"image_id": entity["imageRef"]}
        fault = metadata.get("sandbox:fail") or self.cloud.lifecycle
        if fault != "stuck":
            status = "error" if fault == "error" else "available"
            self.cloud.schedule(body, self.cloud.timings.volume_create, {"status": status})
        self.cloud.save("volume", body)
        return json_response(202, {"volume": self.view(body)})

    @staticmethod
    def _size(entity: Body) -> int:
        size = entity.get("size")
        try:
            value = int(size) if size is not None else 0
            if isinstance(size, bool) or value < 1:
                raise ValueError(size)
        except (TypeError, ValueError):
            raise ApiError(
                400,
                f"Invalid input for field/attribute size. Value: {size}. "
                f"{size!r} is not of type 'integer', 'string' or not >= 1",
            ) from None
        return value

    def _check_quota(self, project: str, size: int) -> None:
        count, gigabytes = self.usage(project)
        retry = {"Retry-After": "0"}
        if self.cloud.over_quota("volume", "volumes", count, project=project):
            limit = self.cloud.quota("volume", "volumes", project)
            raise ApiError(
                413,
                f"VolumeLimitExceeded: Maximum number of volumes allowed "
                f"({limit}) exceeded for quota 'volumes'.",
                headers=retry,
            )
        if self.cloud.over_quota("volume", "gigabytes", gigabytes, size, project):
            limit = self.cloud.quota("volume", "gigabytes", project)
            raise ApiError(
                413,
                f"VolumeSizeExceedsAvailableQuota: Requested volume or snapshot "
                f"exceeds allowed gigabytes quota. Requested {size}G, quota is "
                f"{limit}G and {gigabytes}G has been consumed.",
                headers=retry,
            )

    def list_volumes(self, request: Request, detail: bool) -> Response:
        """GET /volumes[/detail] with name/status filters and limit/marker paging."""
        from heatctl.sandbox.compute import nova_page

        project: str | None = request.project_id
        if request.arg("all_tenants") and request.is_admin:  # Cinder: admins only
            project = request.arg("project_id")
        volumes = self.cloud.query("volume", project=project)
        for arg in ("name", "status", "bootable"):
            if request.arg(arg) is not None:
                volumes = [v for v in volumes if str(v.get(arg)) == request.arg(arg)]
        wanted = _metadata_filter(request.arg("metadata"))
        volumes = [v for v in volumes if wanted.items() <= v["metadata"].items()]
        volumes.reverse()  # Cinder sorts by created_at descending
        page, links = nova_page(request, self.cloud, volumes, "volumes")
        for link in links:
            link["href"] = link["href"].replace(
                "/compute/v2.1/", f"/volume/v3/{request.params['project']}/"
            )
        body: Body = {"volumes": [self.view(v, detail) for v in page]}
        if links:
            body["volumes_links"] = links
        return json_response(200, body)

    def show(self, request: Request) -> Response:
        """GET /volumes/{id}."""
        return json_response(200, {"volume": self.view(self.find(request.params["id"]))})

    def update(self, request: Request) -> Response:
        """PUT /volumes/{id}: name, description, metadata."""
        body = self.find(request.params["id"])
        entity = request.entity("volume")
        check_fields(
            entity,
            {
                k: VOLUME_FIELDS[k]
                for k in ("name", "description", "metadata", "display_name", "display_description")
            },
            where="volume",
        )
        if entity.get("metadata") is None:
            entity.pop("metadata", None)
        body.update(entity)
        body["updated_at"] = iso(self.cloud.now(), micro=True).rstrip("Z")
        self.cloud.save("volume", body)
        return json_response(200, {"volume": self.view(body)})

    def delete(self, request: Request) -> Response:
        """DELETE /volumes/{id}: 400 while attached or busy, else 202 and gone."""
        body = self.find(request.params["id"])
        force = (request.arg("force") or "").lower() == "true"
        cascade = (request.arg("cascade") or "").lower() == "true"
        if self.copies.pinned(body["id"]) and not cascade:
            raise ApiError(400, NOT_DELETABLE)
        if body["status"] not in DELETABLE and not force:
            raise ApiError(400, NOT_DELETABLE)
        for snapshot in self.cloud.store.query("snapshot", parent=body["id"]):
            self.cloud.store.delete("snapshot", snapshot["id"])  # cascade
        self.remove(body)
        return empty(202)

    def remove(self, body: Body) -> None:
        """Delete a volume: `deleting` for `volume_delete` seconds, then gone."""
        self.cloud.delete_later(
            "volume", body, self.cloud.timings.volume_delete, {"status": "deleting", "_next": []}
        )

    # -- attach / detach (called by Nova) -------------------------------------------------
    def attach(self, volume: Body, server_id: str, device: str, attachment_id: str) -> None:
        """attaching now, in-use after the attach time."""
        volume["status"] = "attaching"
        volume["attachments"] = [
            *volume["attachments"],
            {
                "id": volume["id"],
                "attachment_id": attachment_id,
                "volume_id": volume["id"],
                "server_id": server_id,
                "host_name": "sandbox",
                "device": device,
                "attached_at": iso(self.cloud.now(), micro=True).rstrip("Z"),
            },
        ]
        self.cloud.schedule(volume, self.cloud.timings.volume_attach, {"status": "in-use"})
        self.cloud.save("volume", volume)

    def detach(self, volume: Body, server_id: str, delay: float) -> None:
        """detaching now, available after `delay`."""
        volume["attachments"] = [a for a in volume["attachments"] if a["server_id"] != server_id]
        volume["_next"] = []
        volume["status"] = "detaching" if delay > 0 else "available"
        if volume["attachments"]:
            volume["status"] = "in-use"
        elif delay > 0:
            self.cloud.schedule(volume, delay, {"status": "available"})
        self.cloud.save("volume", volume)

    # -- actions and metadata ----------------------------------------------------------
    def action(self, request: Request) -> Response:
        """POST /volumes/{id}/action: extend, reset status, bootable, read-only flag."""
        body = self.find(request.params["id"])
        data = request.json()
        if not isinstance(data, dict) or len(data) != 1:
            raise ApiError(400, "Invalid request body: exactly one action is expected.")
        name, args = next(iter(data.items()))
        args = args if isinstance(args, dict) else {}
        if name == "os-extend":
            new_size = self._size({"size": args.get("new_size")})
            if body["status"] not in ("available", "in-use") or new_size <= body["size"]:
                raise ApiError(
                    400,
                    "Invalid volume: Volume status must be 'available' and the "
                    "new size must be larger than the current one.",
                )
            self._check_quota(body["os-vol-tenant-attr:tenant_id"], new_size - body["size"])
            body["size"] = new_size
        elif name == "os-reset_status":
            body["status"] = str(args.get("status", body["status"]))
            body["_next"] = []
        elif name == "os-set_bootable":
            body["bootable"] = str(bool(args.get("bootable"))).lower()
        elif name in ("os-update_readonly_flag", "os-retype", "os-force_detach"):
            pass
        elif name == "os-force_delete":
            self.remove(body)
            return empty(202)
        else:
            raise ApiError(400, f"There is no such action: {name}")
        self.cloud.save("volume", body)
        return empty(202)

    def metadata(self, request: Request) -> Response:
        """GET (read), PUT (replace) or POST (merge) /volumes/{id}/metadata."""
        body = self.find(request.params["id"])
        if request.method in ("PUT", "POST"):
            data = request.json()
            items = data.get("metadata") if isinstance(data, dict) else None
            if not isinstance(items, dict):
                raise ApiError(400, "Malformed request body")
            items = {str(k): str(v) for k, v in items.items()}
            body["metadata"] = items if request.method == "PUT" else {**body["metadata"], **items}
            self.cloud.save("volume", body)
        return json_response(200, {"metadata": body["metadata"]})

    def limits(self, request: Request) -> Response:
        """GET /limits."""
        count, gigabytes = self.usage(request.project_id)
        snapshots = self.cloud.query("snapshot", project=request.project_id)
        backups = self.cloud.query("backup", project=request.project_id)
        absolute = {
            "maxTotalVolumes": self.cloud.quota("volume", "volumes", request.project_id),
            "maxTotalVolumeGigabytes": self.cloud.quota("volume", "gigabytes", request.project_id),
            "totalVolumesUsed": count,
            "totalGigabytesUsed": gigabytes,
            "maxTotalSnapshots": self.cloud.quota("volume", "snapshots", request.project_id),
            "maxTotalBackups": self.cloud.quota("volume", "backups", request.project_id),
            "maxTotalBackupGigabytes": 1000,
            "totalSnapshotsUsed": len(snapshots),
            "totalBackupsUsed": len(backups),
            "totalBackupGigabytesUsed": sum(int(b.get("size", 0)) for b in backups),
        }
        return json_response(200, {"limits": {"absolute": absolute, "rate": []}})

    def zones(self, request: Request) -> Response:
        """GET /os-availability-zone."""
        return json_response(
            200, {"availabilityZoneInfo": [{"zoneName": "nova", "zoneState": {"available": True}}]}
        )


def _metadata_filter(text: str | None) -> dict[str, str]:
    """Cinder's `metadata` list filter: a dict literal such as {'k': 'v'} (or JSON)."""
    if not text:
        return {}
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = None
    if not isinstance(value, dict):
        raise ApiError(400, f"Invalid input received: Invalid filter metadata={text}")
    return {str(k): str(v) for k, v in value.items()}
