"""deletion_policy Snapshot: what is saved before a resource is deleted, as Heat does it.

Heat's types with `handle_snapshot_delete` keep a copy, then delete as usual:
- OS::Cinder::Volume (and AWS::EC2::Volume): a Cinder *backup* of the volume
  (heat/engine/resources/volume_base.py), polled until `available`; none when the
  resource is CREATE_FAILED or UPDATE_FAILED, or when the volume is already gone;
- OS::Nova::Server: a Glance image of the server (Nova's createImage, named like the
  resource's physical name), polled until `active`; none when the resource FAILED.

The copy outlives the stack. Its id goes in the resource's `data` ("snapshot") as soon
as the cloud gives it (a resumed delete polls it instead of taking another), and in the
DELETE_COMPLETE event's reason. Each copy also carries the resource's tag (backup
metadata, image name) so an interrupted call is found again, never repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.openstack import TAG_KEY
from heatctl.engine.wait import Wait


class Snapshotter(Protocol):
    """Takes the copy one type keeps on delete (start, then poll)."""

    @property
    def kind(self) -> str:
        """What the copy is: backup or image."""
        ...

    def wanted(self, status: str) -> bool:
        """Whether a resource in this status (e.g. CREATE_FAILED) is copied at all."""
        ...

    def start(self, ctx: ResourceContext) -> Wait | None: ...

    def check(self, ctx: ResourceContext) -> Wait | None: ...


def _get(getter: Any, oid: str) -> Any:
    """One object by id, None when the cloud says 404 (any other error is raised)."""
    from openstack import exceptions

    try:
        return getter(oid)
    except exceptions.NotFoundException:
        return None


def _record(ctx: ResourceContext) -> dict[str, Any]:
    record = ctx.data.get("snapshot")
    return record if isinstance(record, dict) else {}


@dataclass(frozen=True)
class VolumeBackup:
    """A Cinder backup of the volume (Heat's BaseVolume.handle_snapshot_delete)."""

    kind: str = "backup"

    def wanted(self, status: str) -> bool:
        return status not in ("CREATE_FAILED", "UPDATE_FAILED")

    def start(self, ctx: ResourceContext) -> Wait | None:
        if _record(ctx).get("id"):
            return self.check(ctx)
        volume_id = ctx.physical_id or ""
        conn = ctx.conn
        volume = ctx.call(
            "volume.get", lambda: conn.block_storage.find_volume(volume_id, ignore_missing=True)
        )
        if volume is None:  # already gone: Heat skips the backup
            ctx.data["snapshot"] = {"kind": self.kind, "id": None}
            return None
        backup = ctx.call(
            "backup.create",
            lambda: conn.block_storage.create_backup(
                volume_id=volume_id, metadata={TAG_KEY: ctx.tag}
            ),
            request={"volume_id": volume_id},
            creates=True,
            lookup=lambda: self._tagged(ctx, volume_id),
        )
        ctx.data["snapshot"] = {"kind": self.kind, "id": str(backup.id)}
        return self.check(ctx)

    @staticmethod
    def _tagged(ctx: ResourceContext, volume_id: str) -> Any:
        found = [
            b
            for b in ctx.conn.block_storage.backups(details=True, volume_id=volume_id)
            if (b.metadata or {}).get(TAG_KEY) == ctx.tag
        ]
        return found[0] if found else None

    def check(self, ctx: ResourceContext) -> Wait | None:
        backup_id = _record(ctx).get("id")
        if not backup_id:
            return None
        backup = ctx.call("backup.get", lambda: _get(ctx.conn.block_storage.get_backup, backup_id))
        status = str(getattr(backup, "status", "deleted"))
        if status == "creating":
            return Wait(None)
        if status != "available":
            raise ResourceFailed(
                f"{ctx.name}: volume backup {backup_id} failed (status {status}); "
                "the volume was not deleted"
            )
        return None


@dataclass(frozen=True)
class ServerImage:
    """A Glance image of the server (Heat's Server.handle_snapshot_delete)."""

    kind: str = "image"

    def wanted(self, status: str) -> bool:
        return not status.endswith("_FAILED")

    def start(self, ctx: ResourceContext) -> Wait | None:
        if _record(ctx).get("id"):
            return self.check(ctx)
        server_id, name = ctx.physical_id or "", ctx.physical_name(255)
        image = ctx.call(
            "server.create_image",
            lambda: ctx.conn.compute.create_server_image(server_id, name=name),
            request={"server": server_id, "name": name},
            creates=True,
            lookup=lambda: next(
                (i for i in ctx.conn.image.images(name=name) if i.name == name), None
            ),
        )
        ctx.data["snapshot"] = {"kind": self.kind, "id": str(image.id)}
        return self.check(ctx)

    def check(self, ctx: ResourceContext) -> Wait | None:
        image_id = str(_record(ctx).get("id"))
        image = ctx.call("image.get", lambda: _get(ctx.conn.image.get_image, image_id))
        status = str(getattr(image, "status", "deleted")).lower()
        if status in ("killed", "deleted", "deactivated", "error"):
            raise ResourceFailed(
                f"{ctx.name}: image {image_id} of the server went to {status}; "
                "the server was not deleted"
            )
        return None if status == "active" else Wait(None)


SNAPSHOTTERS: dict[str, Snapshotter] = {
    "OS::Cinder::Volume": VolumeBackup(),
    "AWS::EC2::Volume": VolumeBackup(),
    "OS::Nova::Server": ServerImage(),
}


def snapshot_reason(data: dict[str, Any]) -> str:
    """The DELETE_COMPLETE event's reason for a resource deleted under the Snapshot policy."""
    record = data.get("snapshot")
    if not isinstance(record, dict):
        return "deleted without a snapshot (deletion_policy Snapshot: the resource had failed)"
    if not record.get("id"):
        return "deleted without a snapshot (deletion_policy Snapshot: it was already gone)"
    return f"deleted after a snapshot (deletion_policy Snapshot): {record['kind']} {record['id']}"
