"""Cinder (block storage) resource types: volumes, attachments, volume types, encryption, QoS, quotas."""

from __future__ import annotations

from typing import Any, ClassVar

from heatctl.engine import openstack_admin as admin
from heatctl.engine.openstack import lifecycle, methods_of
from heatctl.engine.openstack_admin import admin_lifecycle
from heatctl.engine.openstack_kinds import VOLUME
from heatctl.engine.openstack_links import VolumeAttachmentLifecycle
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_values,
    attribute,
    boolean,
    custom,
    integer,
    list_of,
    map_of,
    string,
    value_range,
)
from heatctl.resources.values import PropertyValues, Report, check_any_quota, conflict, is_true


@register
class Volume(ResourceType):
    """OS::Cinder::Volume: A Cinder block storage volume."""

    type_name = "OS::Cinder::Volume"
    description = "A Cinder block storage volume."
    properties: ClassVar[dict[str, Property]] = {
        "availability_zone": string("Availability zone to create the volume in."),
        "backup_id": string(
            "Backup to restore the volume from.",
            update_allowed=True,
            constraints=(custom("cinder.backup"),),
        ),
        "description": string("Description of the volume.", update_allowed=True),
        "image": string(
            "Image (name or id) to create the volume from.", constraints=(custom("glance.image"),)
        ),
        "imageRef": string("Old name of `image`.", hidden=True, alias_of="image"),
        "metadata": map_of("Key/value metadata of the volume.", default={}, update_allowed=True),
        "multiattach": boolean(
            "Allow attaching the volume to several servers (use a multiattach volume type instead).",
            default=False,
            hidden=True,
        ),
        "name": string("Name of the volume.", update_allowed=True),
        "read_only": boolean("Make the volume read-only.", update_allowed=True),
        "scheduler_hints": map_of("Key/value hints for the Cinder scheduler."),
        "size": integer(
            "Size in GB (required unless created from a backup, snapshot, volume or image); updates may only grow it.",
            update_allowed=True,
            constraints=(value_range(min=1),),
        ),
        "snapshot_id": string(
            "Snapshot to create the volume from.", constraints=(custom("cinder.snapshot"),)
        ),
        "source_volid": string("Volume to clone.", constraints=(custom("cinder.volume"),)),
        "volume_type": string(
            "Volume type (backend) of the volume.",
            update_allowed=True,
            constraints=(custom("cinder.vtype"),),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "attachments": attribute(
            "Attachments of the volume, as a string (deprecated).", PropertyType.STRING
        ),
        "attachments_list": attribute("Attachments of the volume.", PropertyType.LIST),
        "availability_zone": attribute("Availability zone of the volume.", PropertyType.STRING),
        "bootable": attribute("Whether the volume is bootable.", PropertyType.STRING),
        "created_at": attribute("When the volume was created.", PropertyType.STRING),
        "display_description": attribute("Description of the volume.", PropertyType.STRING),
        "display_name": attribute("Name of the volume.", PropertyType.STRING),
        "encrypted": attribute("Whether the volume is encrypted.", PropertyType.STRING),
        "metadata": attribute("Metadata of the volume, as a string.", PropertyType.STRING),
        "metadata_values": attribute("Metadata of the volume, as a map.", PropertyType.MAP),
        "multiattach": attribute(
            "Whether the volume can be attached to several servers.", PropertyType.BOOLEAN
        ),
        "size": attribute("Size in GB.", PropertyType.STRING),
        "snapshot_id": attribute("Snapshot the volume was created from.", PropertyType.STRING),
        "source_volid": attribute("Volume the volume was cloned from.", PropertyType.STRING),
        "status": attribute("Status of the volume.", PropertyType.STRING),
        "volume_type": attribute("Volume type of the volume.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Where the volume comes from: a size, a backup, or exactly one source."""
        if values.data.get("image") and values.data.get("imageRef"):
            conflict(report, ("imageRef",), "image", "imageRef")
            return
        if values.truthy("backup_id"):
            return
        sources = [n for n in ("snapshot_id", "source_volid", "image") if values.truthy(n)]
        sized_by_source = [n for n in ("snapshot_id", "source_volid") if values.truthy(n)]
        size = values.get("size")
        if size is None and (len(sized_by_source) != 1 or len(sources) != 1):
            report(
                (),
                "without 'size' or 'backup_id', exactly one of 'source_volid' and 'snapshot_id' "
                f"must be given (given: {', '.join(sources) or 'none'})",
            )
        elif size is not None and len(sources) > 1:
            report(
                (),
                "at most one of 'image', 'source_volid' and 'snapshot_id' may be given "
                f"(given: {', '.join(sources)})",
            )

    # Lifecycle: heatctl.engine.openstack_kinds.VOLUME (create, poll, update, delete, find by tag).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(VOLUME)


@register
class VolumeAttachment(ResourceType):
    """OS::Cinder::VolumeAttachment: Attaches a Cinder volume to a Nova server."""

    type_name = "OS::Cinder::VolumeAttachment"
    description = "Attaches a Cinder volume to a Nova server."
    properties: ClassVar[dict[str, Property]] = {
        "instance_uuid": string("Server (id) to attach to.", required=True, update_allowed=True),
        "mountpoint": string(
            "Device path to expose the volume at (a hint, not always honoured).",
            update_allowed=True,
        ),
        "volume_id": string(
            "Volume (id) to attach.",
            required=True,
            update_allowed=True,
            constraints=(custom("cinder.volume"),),
        ),
    }
    # A volume attaches once: any change detaches, then attaches again.
    replace_delete_first: ClassVar[bool] = True

    @classmethod
    def replace_on_update(cls, old: dict[str, Any], new: dict[str, Any]) -> bool:
        return old != new

    # Lifecycle: heatctl.engine.openstack_links.VolumeAttachmentLifecycle.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(VolumeAttachmentLifecycle)


@register
class VolumeType(ResourceType):
    """OS::Cinder::VolumeType: A Cinder volume type (admin only)."""

    type_name = "OS::Cinder::VolumeType"
    description = "A Cinder volume type (admin only)."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the type.", update_allowed=True),
        "is_public": boolean(
            "Whether every project can use the type.", default=True, update_allowed=True
        ),
        "metadata": map_of("Extra specs of the type.", update_allowed=True),
        "name": string("Name of the type.", required=True, update_allowed=True),
        "projects": list_of(
            "Projects given access to a private type.",
            item=string("A project (name or id).", constraints=(custom("keystone.project"),)),
            default=[],
            update_allowed=True,
        ),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """projects only for a private type (is_public: false)."""
        if values.truthy("projects") and is_true(values.get("is_public")):
            report(("projects",), "property 'projects' needs is_public: false")

    # Lifecycle: heatctl.engine.openstack_admin.VOLUME_TYPE.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(admin.VOLUME_TYPE)


@register
class EncryptedVolumeType(ResourceType):
    """OS::Cinder::EncryptedVolumeType: Adds encryption to a Cinder volume type (admin only)."""

    type_name = "OS::Cinder::EncryptedVolumeType"
    description = "Adds encryption to a Cinder volume type (admin only)."
    properties: ClassVar[dict[str, Property]] = {
        "cipher": string(
            "Encryption algorithm and mode.",
            update_allowed=True,
            constraints=(allowed_values("aes-xts-plain64", "aes-cbc-essiv"),),
        ),
        "control_location": string(
            "Where encryption happens: front-end (Nova) or back-end.",
            default="front-end",
            update_allowed=True,
            constraints=(allowed_values("front-end", "back-end"),),
        ),
        "key_size": integer("Key size in bits.", update_allowed=True),
        "provider": string("Encryption provider class.", required=True, update_allowed=True),
        "volume_type": string(
            "Volume type (name or id) to encrypt.",
            required=True,
            constraints=(custom("cinder.vtype"),),
        ),
    }

    # A type has one encryption: a replacement removes the old one first.
    replace_delete_first: ClassVar[bool] = True

    # Lifecycle: heatctl.engine.openstack_admin.ENCRYPTED_VOLUME_TYPE.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(admin.ENCRYPTED_VOLUME_TYPE)


@register
class QoSSpecs(ResourceType):
    """OS::Cinder::QoSSpecs: Cinder QoS specs: limits for volumes of associated types (admin only)."""

    type_name = "OS::Cinder::QoSSpecs"
    description = "Cinder QoS specs: limits for volumes of associated types (admin only)."
    properties: ClassVar[dict[str, Property]] = {
        "name": string("Name of the QoS specs."),
        "specs": map_of("The limits, key to value.", required=True, update_allowed=True),
    }

    # Lifecycle: heatctl.engine.openstack_admin.QOS_SPECS.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(admin.QOS_SPECS)


@register
class QoSAssociation(ResourceType):
    """OS::Cinder::QoSAssociation: Applies Cinder QoS specs to volume types (admin only)."""

    type_name = "OS::Cinder::QoSAssociation"
    description = "Applies Cinder QoS specs to volume types (admin only)."
    properties: ClassVar[dict[str, Property]] = {
        "qos_specs": string(
            "QoS specs (name or id).", required=True, constraints=(custom("cinder.qos_specs"),)
        ),
        "volume_types": list_of(
            "Volume types (names or ids) to apply them to.",
            item=string("A volume type.", constraints=(custom("cinder.vtype"),)),
            required=True,
            update_allowed=True,
        ),
    }

    # The new association links the same specs and types: the old one goes first.
    replace_delete_first: ClassVar[bool] = True

    # Lifecycle: heatctl.engine.openstack_admin.QOS_ASSOCIATION.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(admin.QOS_ASSOCIATION)


@register
class Quota(ResourceType):
    """OS::Cinder::Quota: Cinder quotas of a project (admin only)."""

    type_name = "OS::Cinder::Quota"
    description = "Cinder quotas of a project (admin only)."
    properties: ClassVar[dict[str, Property]] = {
        "backup_gigabytes": integer(
            "Most backup space in GB (-1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "backups": integer(
            "Most backups (-1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "gigabytes": integer(
            "Most volume space in GB (-1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "project": string(
            "Project (name or id) the quotas apply to.",
            required=True,
            constraints=(custom("keystone.project"),),
        ),
        "snapshots": integer(
            "Most snapshots (-1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "volumes": integer(
            "Most volumes (-1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """At least one quota besides the project."""
        check_any_quota(values, report)

    # A replacement must not revert the limits it has just set on the same project.
    replace_delete_first: ClassVar[bool] = True

    # Lifecycle: heatctl.engine.openstack_admin.CINDER_QUOTA.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(admin.CINDER_QUOTA)
