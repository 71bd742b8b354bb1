"""Cinder v3 volume snapshots and backups: creating -> available, kept after their volume.

A snapshot pins its volume (Cinder refuses to delete a volume that has snapshots); a backup
does not, and outlives it. While a backup is taken the volume is `backing-up` and cannot
be deleted, as in Cinder. Both count against the volume quotas (snapshots, backups).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from heatctl.sandbox.clock import iso
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    check_fields,
    empty,
    json_response,
    new_id,
    public,
)

if TYPE_CHECKING:
    from heatctl.sandbox.volume import VolumeService

OPT_STR = (str, type(None))
SNAPSHOT_FIELDS: dict[str, Any] = {
    "volume_id": str,
    "name": OPT_STR,
    "description": OPT_STR,
    "display_name": OPT_STR,
    "display_description": OPT_STR,
    "force": (bool, str, type(None)),
    "metadata": (dict, type(None)),
}
BACKUP_FIELDS: dict[str, Any] = {
    "volume_id": str,
    "name": OPT_STR,
    "description": OPT_STR,
    "container": OPT_STR,
    "incremental": (bool, type(None)),
    "force": (bool, type(None)),
    "snapshot_id": OPT_STR,
    "metadata": (dict, type(None)),
    "availability_zone": OPT_STR,
}
# kind -> (collection, quota name, the volume statuses it may be taken from without force)
KINDS = {
    "snapshot": ("snapshots", "snapshots", {"available"}),
    "backup": ("backups", "backups", {"available"}),
}


class VolumeCopies:
    """/v3/{project}/snapshots and /v3/{project}/backups."""

    def __init__(self, volumes: VolumeService) -> None:
        self.volumes = volumes
        self.cloud = volumes.cloud

    def routes(self, r: Callable[..., None]) -> None:
        """Register the snapshot and backup routes."""
        for kind, (collection, _, _) in KINDS.items():
            base = f"/v3/{{project}}/{collection}"
            r("GET", base, lambda q, k=kind: self.listing(q, k, detail=False))
            r("GET", base + "/detail", lambda q, k=kind: self.listing(q, k, detail=True))
            r("POST", base, lambda q, k=kind: self.create(q, k))
            r("GET", base + "/{id}", lambda q, k=kind: self.show(q, k))
            r("PUT", base + "/{id}", lambda q, k=kind: self.update(q, k))
            r("DELETE", base + "/{id}", lambda q, k=kind: self.delete(q, k))

    def find(self, kind: str, id_: str) -> Body:
        """A snapshot or backup, or Cinder's not-found message."""
        word = "Snapshot" if kind == "snapshot" else "Backup"
        return self.cloud.require(kind, id_, f"{word} {id_} could not be found.")

    def view(self, kind: str, body: Body, detail: bool = True) -> Body:
        """As Cinder 3.71 shows it."""
        collection = KINDS[kind][0]
        href = f"{self.cloud.base_url}/volume/v3/{body['project_id']}/{collection}/{body['id']}"
        links = [{"rel": "self", "href": href}, {"rel": "bookmark", "href": href}]
        if not detail:
            return {"id": body["id"], "name": body["name"], "links": links}
        view = {**public(body), "links": links}
        if kind == "snapshot":
            view["os-extended-snapshot-attributes:project_id"] = body["project_id"]
            view["os-extended-snapshot-attributes:progress"] = (
                "100%" if body["status"] == "available" else "0%"
            )
        return view

    def create(self, request: Request, kind: str) -> Response:
        """POST: 202 with status creating, available after the volume create time."""
        entity = request.entity(kind)
        check_fields(
            entity,
            SNAPSHOT_FIELDS if kind == "snapshot" else BACKUP_FIELDS,
            required=("volume_id",),
            where=kind,
        )
        volume = self.volumes.find(entity["volume_id"], status=404)
        collection, quota, allowed = KINDS[kind]
        force = str(entity.get("force", "")).lower() == "true"
        if volume["status"] not in allowed and not (force and volume["status"] == "in-use"):
            raise ApiError(
                400,
                f"Invalid volume: Volume {volume['id']} status must be available, "
                f"but current status is: {volume['status']}.",
            )
        used = len(self.cloud.query(kind, project=request.project_id))
        if self.cloud.over_quota("volume", quota, used, project=request.project_id):
            limit = self.cloud.quota("volume", quota, request.project_id)
            raise ApiError(
                413,
                f"{'SnapshotLimitExceeded' if kind == 'snapshot' else 'BackupLimitExceeded'}: "
                f"Maximum number of {collection} allowed ({limit}) exceeded",
                headers={"Retry-After": "0"},
            )
        body = self._new(request, kind, entity, volume)
        if kind == "backup":
            previous = volume["status"]
            volume["status"] = "backing-up"
            self.cloud.schedule(volume, self.cloud.timings.volume_create, {"status": previous})
            self.cloud.save("volume", volume)
        return json_response(202, {kind: self.view(kind, body, detail=kind == "snapshot")})

    def _new(self, request: Request, kind: str, entity: Body, volume: Body) -> Body:
        now = iso(self.cloud.now(), micro=True).rstrip("Z")
        body: Body = {
            "id": new_id(),
            "name": entity.get("name") or entity.get("display_name"),
            "description": entity.get("description") or entity.get("display_description"),
            "volume_id": volume["id"],
            "size": volume["size"],
            "status": "creating",
            "created_at": now,
            "updated_at": None,
            "metadata": {str(k): str(v) for k, v in (entity.get("metadata") or {}).items()},
            "project_id": request.project_id,
            "user_id": request.user_id,
            "_cols": {"project": request.project_id, "parent": volume["id"]},
        }
        if kind == "backup":
            body.update(
                availability_zone="nova",
                container=entity.get("container") or "volumebackups",
                object_count=0,
                fail_reason=None,
                is_incremental=bool(entity.get("incremental")),
                has_dependent_backups=False,
                snapshot_id=entity.get("snapshot_id"),
                data_timestamp=now,
            )
        else:
            body.update(group_snapshot_id=None, consumes_quota=True)
        status = "error" if self.cloud.lifecycle == "error" else "available"
        if self.cloud.lifecycle != "stuck":
            self.cloud.schedule(body, self.cloud.timings.volume_create, {"status": status})
        self.cloud.save(kind, body)
        return body

    def listing(self, request: Request, kind: str, detail: bool) -> Response:
        """GET with name, status and volume_id filters."""
        project: str | None = request.project_id
        if request.arg("all_tenants") and request.is_admin:  # Cinder: admins only
            project = request.arg("project_id")
        items = self.cloud.query(kind, project=project)
        for arg in ("name", "status", "volume_id"):
            if request.arg(arg) is not None:
                items = [i for i in items if str(i.get(arg)) == request.arg(arg)]
        items.reverse()  # newest first, as Cinder sorts
        collection = KINDS[kind][0]
        return json_response(200, {collection: [self.view(kind, i, detail) for i in items]})

    def show(self, request: Request, kind: str) -> Response:
        """GET one."""
        return json_response(200, {kind: self.view(kind, self.find(kind, request.params["id"]))})

    def update(self, request: Request, kind: str) -> Response:
        """PUT: name and description."""
        body = self.find(kind, request.params["id"])
        entity = request.entity(kind)
        check_fields(
            entity,
            {"name": OPT_STR, "description": OPT_STR, "display_name": OPT_STR},
            where=kind,
        )
        body.update(entity)
        body["updated_at"] = iso(self.cloud.now(), micro=True).rstrip("Z")
        self.cloud.save(kind, body)
        return json_response(200, {kind: self.view(kind, body)})

    def delete(self, request: Request, kind: str) -> Response:
        """DELETE: 202; refused while it is being made."""
        body = self.find(kind, request.params["id"])
        if body["status"] not in ("available", "error"):
            word = "Snapshot" if kind == "snapshot" else "Backup"
            raise ApiError(
                400,
                f"Invalid {kind}: {word} status must be available or error, "
                f"but current status is: {body['status']}.",
            )
        self.cloud.store.delete(kind, body["id"])
        return empty(202)

    def pinned(self, volume_id: str) -> bool:
        """Whether a volume has snapshots (Cinder then refuses to delete it)."""
        return bool(self.cloud.store.query("snapshot", parent=volume_id))
