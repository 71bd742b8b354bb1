"""Zun (containers) resource types."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack_services2 import status_lifecycle
from heatctl.engine.openstack_zun import CONTAINER
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
    number,
    string,
)
from heatctl.resources.values import PropertyValues, Report, conflict, one_required


@register
class Container(ResourceType):
    """OS::Zun::Container: A Zun container."""

    type_name = "OS::Zun::Container"
    description = "A Zun container."
    properties: ClassVar[dict[str, Property]] = {
        "command": string("Command to run in the container."),
        "cpu": number("Number of virtual CPUs.", update_allowed=True),
        "environment": map_of("Environment variables."),
        "hints": map_of("Key/value hints for the scheduler."),
        "hostname": string("Host name of the container."),
        "image": string("Image (name or id) of the container.", required=True),
        "image_driver": string(
            "Where the image comes from: docker or glance.",
            constraints=(allowed_values("docker", "glance"),),
        ),
        "image_pull_policy": string(
            "When to pull the image.",
            constraints=(allowed_values("ifnotpresent", "always", "never"),),
        ),
        "interactive": boolean("Keep standard input open."),
        "labels": map_of("Key/value labels of the container."),
        "memory": integer("Memory in MiB.", update_allowed=True),
        "mounts": list_of(
            "Volumes mounted in the container.",
            item=map_of(
                "One mount.",
                {
                    "mount_path": string("Path inside the container.", required=True),
                    "volume_id": string(
                        "Cinder volume (name or id) to mount.",
                        constraints=(custom("cinder.volume"),),
                    ),
                    "volume_size": integer("Size in GB of a new volume to create and mount."),
                },
            ),
        ),
        "name": string("Name of the container.", update_allowed=True),
        "networks": list_of(
            "Network interfaces of the container, in order.",
            item=map_of(
                "One interface.",
                {
                    "fixed_ip": string(
                        "Fixed IP address on the network.", constraints=(custom("ip_addr"),)
                    ),
                    "network": string(
                        "Network (name or id) to create a port on.",
                        constraints=(custom("neutron.network"),),
                    ),
                    "port": string(
                        "Existing port (id) to attach.", constraints=(custom("neutron.port"),)
                    ),
                },
            ),
            update_allowed=True,
        ),
        "restart_policy": string(
            "What to do when the container exits: no, on-failure[:N], always, unless-stopped."
        ),
        "security_groups": list_of("Security groups (names or ids).", default=[]),
        "tty": boolean("Allocate a TTY."),
        "workdir": string("Working directory of the command."),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "addresses": attribute("Addresses per network, with their port ids.", PropertyType.MAP),
        "name": attribute("Name of the container.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """restart_policy syntax; each mount a volume or a size; each network a network or port."""
        policy = values.get("restart_policy")
        name, colon, _count = policy.partition(":") if isinstance(policy, str) else ("", "", "")
        valid = (
            name == "on-failure"
            if colon
            else name in ("always", "unless-stopped", "on-failure", "no")
        )
        if isinstance(policy, str) and policy and not valid:
            report(
                ("restart_policy",),
                f"restart_policy '{policy}' is not no, on-failure[:N], always or unless-stopped",
            )
            return
        for index, mount in values.entries("mounts"):
            volume, size = mount.get("volume_id"), mount.get("volume_size")
            if volume is None and size is None:
                one_required(report, ("mounts", index), "volume_id", "volume_size")
                return
            if volume and size:
                conflict(report, ("mounts", index), "volume_id", "volume_size")
                return
        for index, network in values.entries("networks"):
            port = network.get("port")
            if network.get("network") is None and port is None:
                one_required(report, ("networks", index), "network", "port")
                return
            if network.get("fixed_ip") and port is not None:
                conflict(report, ("networks", index), "fixed_ip", "port")
                return

    # Lifecycle: heatctl.engine.openstack_zun.CONTAINER.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(CONTAINER)
