"""Glance (image) resource types."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack import lifecycle
from heatctl.engine.openstack_kinds2 import WEB_IMAGE
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Property,
    allowed_pattern,
    allowed_values,
    boolean,
    integer,
    list_of,
    map_of,
    string,
    value_range,
)
from heatctl.resources.values import PropertyValues, Report


@register
class WebImage(ResourceType):
    """OS::Glance::WebImage: A Glance image imported from a URL."""

    type_name = "OS::Glance::WebImage"
    description = "A Glance image imported from a URL."
    properties: ClassVar[dict[str, Property]] = {
        "active": boolean(
            "Whether the image is active (admin only).", default=True, update_allowed=True
        ),
        "architecture": string("CPU architecture of the image.", update_allowed=True),
        "container_format": string(
            "Container format of the image.",
            required=True,
            constraints=(allowed_values("ami", "ari", "aki", "bare", "ovf", "ova", "docker"),),
        ),
        "disk_format": string(
            "Disk format of the image.",
            required=True,
            constraints=(
                allowed_values(
                    "ami",
                    "ari",
                    "aki",
                    "vhd",
                    "vhdx",
                    "vmdk",
                    "raw",
                    "qcow2",
                    "vdi",
                    "iso",
                    "ploop",
                ),
            ),
        ),
        "extra_properties": map_of(
            "Extra key/value properties of the image.", default={}, update_allowed=True
        ),
        "id": string("Id of the image; generated when left out."),
        "kernel_id": string(
            "Kernel image (id) for an AMI-style image.",
            update_allowed=True,
            constraints=(
                allowed_pattern(
                    "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"
                ),
            ),
        ),
        "location": string("URL to import the image data from.", required=True),
        "members": list_of(
            "Projects or users allowed to read the image.",
            item=string("One entry of the list."),
            update_allowed=True,
        ),
        "min_disk": integer(
            "Disk space in GB needed to boot the image (0 for no limit).",
            default=0,
            constraints=(value_range(min=0),),
        ),
        "min_ram": integer(
            "Memory in MB needed to boot the image (0 for no limit).",
            default=0,
            constraints=(value_range(min=0),),
        ),
        "name": string("Name of the image."),
        "os_distro": string("Operating system distribution, in lower case.", update_allowed=True),
        "os_version": string("Operating system version.", update_allowed=True),
        "owner": string("Owner of the image.", update_allowed=True),
        "protected": boolean(
            "Protect the image from deletion.", default=False, update_allowed=True
        ),
        "ramdisk_id": string(
            "Ramdisk image (id) for an AMI-style image.",
            update_allowed=True,
            constraints=(
                allowed_pattern(
                    "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"
                ),
            ),
        ),
        "tags": list_of("Tags on the image.", update_allowed=True),
        "visibility": string(
            "Who can see the image.",
            default="private",
            update_allowed=True,
            constraints=(allowed_values("public", "private", "community", "shared"),),
        ),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """ami/ari/aki formats match each other; members need visibility shared."""
        container, disk = values.get("container_format"), values.get("disk_format")
        visibility = values.get("visibility")
        if container in ("ami", "ari", "aki") and disk != container and values.known(disk):
            report(("disk_format",), f"disk_format must be {container} like container_format")
        elif values.truthy("members") and visibility != "shared" and values.known(visibility):
            report(("members",), "property 'members' needs visibility: shared")

    # Lifecycle: heatctl.engine.openstack_kinds2.WEB_IMAGE (create, import, poll, update,
    # delete, find by tag).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(WEB_IMAGE)
