"""Nova (compute) resource types: servers, key pairs, server groups, flavors, aggregates, quotas."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine import openstack_admin as admin
from heatctl.engine.openstack import lifecycle, methods_of
from heatctl.engine.openstack_admin import admin_lifecycle
from heatctl.engine.openstack_kinds import SERVER
from heatctl.engine.openstack_kinds2 import SERVER_GROUP, link_lifecycle
from heatctl.engine.openstack_links import KeyPairLifecycle
from heatctl.resources.nova_checks import check_block_devices, check_network
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
    length,
    list_of,
    map_of,
    number,
    string,
    value_range,
)
from heatctl.resources.values import PropertyValues, Report, check_any_quota, conflict


@register
class Server(ResourceType):
    """OS::Nova::Server: A Nova server (virtual machine), with its ports, volumes and boot-time configuration."""

    type_name = "OS::Nova::Server"
    description = (
        "A Nova server (virtual machine), with its ports, volumes and boot-time configuration."
    )
    properties: ClassVar[dict[str, Property]] = {
        "admin_pass": string(
            "Password of the administrator account, set by Nova.", update_allowed=True
        ),
        "admin_user": string("Administrative user name; ignored by Heat today.", hidden=True),
        "availability_zone": string("Availability zone to place the server in."),
        "block_device_mapping": list_of(
            "Volumes to attach at boot (legacy format).",
            item=map_of(
                "One volume to attach.",
                {
                    "delete_on_termination": boolean(
                        "Delete the volume when the server is deleted."
                    ),
                    "device_name": string(
                        "Device name inside the server, e.g. vda.", required=True
                    ),
                    "snapshot_id": string(
                        "Snapshot to create the volume from.",
                        constraints=(custom("cinder.snapshot"),),
                    ),
                    "volume_id": string(
                        "Volume to attach (give this or snapshot_id).",
                        constraints=(custom("cinder.volume"),),
                    ),
                    "volume_size": integer("Volume size in GB; Nova infers it when left out."),
                },
            ),
        ),
        "block_device_mapping_v2": list_of(
            "Block devices to set up at boot (images, volumes, snapshots, ephemeral and swap disks).",
            item=map_of(
                "One block device.",
                {
                    "boot_index": integer("Boot order of the device; -1 means not bootable."),
                    "delete_on_termination": boolean(
                        "Delete the volume when the server is deleted."
                    ),
                    "device_name": string("Device name inside the server, e.g. vda."),
                    "device_type": string(
                        "Whether the device is a disk or a cdrom.",
                        constraints=(allowed_values("cdrom", "disk"),),
                    ),
                    "disk_bus": string(
                        "Bus the device is attached through.",
                        constraints=(
                            allowed_values("ide", "lame_bus", "sata", "scsi", "usb", "virtio"),
                        ),
                    ),
                    "ephemeral_format": string(
                        "File system for a local ephemeral disk.",
                        constraints=(allowed_values("ext2", "ext3", "ext4", "xfs", "ntfs"),),
                    ),
                    "ephemeral_size": integer(
                        "Size of a local ephemeral disk, in GB.", constraints=(value_range(min=1),)
                    ),
                    "image": string(
                        "Image (name or id) to create a volume from.",
                        constraints=(custom("glance.image"),),
                    ),
                    "image_id": string(
                        "Old name of `image`.",
                        constraints=(custom("glance.image"),),
                        hidden=True,
                        alias_of="image",
                    ),
                    "snapshot_id": string(
                        "Snapshot to create a volume from.",
                        constraints=(custom("cinder.snapshot"),),
                    ),
                    "swap_size": integer("Size of a swap disk, in MB."),
                    "volume_id": string(
                        "Existing volume to attach.", constraints=(custom("cinder.volume"),)
                    ),
                    "volume_size": integer(
                        "Size of the volume in GB; the driver picks one when left out."
                    ),
                    "volume_type": string(
                        "Cinder volume type for a volume created at boot.",
                        constraints=(custom("cinder.vtype"),),
                    ),
                },
            ),
        ),
        "config_drive": boolean("Attach a config drive to the server when true."),
        "deployment_swift_data": map_of(
            "Swift container and object that hold deployment data for POLL_TEMP_URL.",
            {
                "container": string("Swift container name.", constraints=(length(min=1),)),
                "object": string("Swift object name.", constraints=(length(min=1),)),
            },
            default={},
            update_allowed=True,
        ),
        "diskConfig": string(
            "How the disk is partitioned at creation (AUTO or MANUAL).",
            constraints=(allowed_values("AUTO", "MANUAL"),),
        ),
        "flavor": string(
            "Flavor (name or id) to boot with.",
            required=True,
            update_allowed=True,
            constraints=(custom("nova.flavor"),),
        ),
        "flavor_update_policy": string(
            "Apply a flavor change by resizing the server or by replacing it.",
            default="RESIZE",
            update_allowed=True,
            constraints=(allowed_values("RESIZE", "REPLACE"),),
        ),
        "image": string(
            "Image (name or id) to boot from.",
            update_allowed=True,
            constraints=(custom("glance.image"),),
        ),
        "image_update_policy": string(
            "Apply an image change by rebuilding the server or by replacing it.",
            default="REBUILD",
            update_allowed=True,
            constraints=(allowed_values("REBUILD", "REPLACE", "REBUILD_PRESERVE_EPHEMERAL"),),
        ),
        "key_name": string(
            "Key pair to inject into the server.", constraints=(custom("nova.keypair"),)
        ),
        "metadata": map_of(
            "Key/value metadata stored on the server.", default={}, update_allowed=True
        ),
        "name": string("Server name; generated from the stack when left out.", update_allowed=True),
        "networks": list_of(
            "The server's network interfaces, in order.",
            item=map_of(
                "One network interface.",
                {
                    "allocate_network": string(
                        "Let Nova pick a network (auto) or attach none (none).",
                        update_allowed=True,
                        constraints=(allowed_values("none", "auto"),),
                    ),
                    "fixed_ip": string(
                        "Fixed IP address for the port created on `network`.",
                        constraints=(custom("ip_addr"),),
                    ),
                    "floating_ip": string("Floating IP (id) to associate with this interface."),
                    "network": string(
                        "Network (name or id) to create a port on.",
                        constraints=(custom("neutron.network"),),
                    ),
                    "port": string(
                        "Existing port (id) to attach.", constraints=(custom("neutron.port"),)
                    ),
                    "port_extra_properties": map_of(
                        "Extra settings for the port Heat creates on `network`.",
                        {
                            "admin_state_up": boolean(
                                "Administrative state of the port.",
                                default=True,
                                update_allowed=True,
                            ),
                            "allowed_address_pairs": list_of(
                                "Extra MAC/IP pairs allowed through the port.",
                                item=map_of(
                                    "One allowed address pair.",
                                    {
                                        "ip_address": string(
                                            "IP address or CIDR allowed through the port.",
                                            required=True,
                                            constraints=(custom("ip_or_cidr"),),
                                        ),
                                        "mac_address": string(
                                            "MAC address allowed through the port.",
                                            constraints=(custom("mac_addr"),),
                                        ),
                                    },
                                ),
                                update_allowed=True,
                            ),
                            "binding:vnic_type": string(
                                "VNIC type to bind the port with (e.g. direct for SR-IOV).",
                                default="normal",
                                update_allowed=True,
                                constraints=(
                                    allowed_values(
                                        "normal",
                                        "direct",
                                        "macvtap",
                                        "direct-physical",
                                        "baremetal",
                                        "virtio-forwarder",
                                        "smart-nic",
                                    ),
                                ),
                            ),
                            "mac_address": string(
                                "MAC address of the port.", constraints=(custom("mac_addr"),)
                            ),
                            "no_fixed_ips": boolean(
                                "Create the port without any fixed IP when true.",
                                default=False,
                                update_allowed=True,
                            ),
                            "port_security_enabled": boolean(
                                "Enable or disable port security on the port.", update_allowed=True
                            ),
                            "propagate_uplink_status": boolean(
                                "Propagate the uplink status to the port.", update_allowed=True
                            ),
                            "qos_policy": string(
                                "QoS policy (name or id) for the port.",
                                update_allowed=True,
                                constraints=(custom("neutron.qos_policy"),),
                            ),
                            "value_specs": map_of(
                                "Extra attributes sent with the port request.",
                                default={},
                                update_allowed=True,
                            ),
                        },
                        update_allowed=True,
                    ),
                    "subnet": string("Subnet to allocate the port's IP address in."),
                    "tag": string("Device tag of the interface (updates are ignored)."),
                    "uuid": string(
                        "Old name of `network`.",
                        constraints=(custom("neutron.network"),),
                        hidden=True,
                        alias_of="network",
                    ),
                },
            ),
            update_allowed=True,
        ),
        "personality": map_of(
            "Files to write into the server at boot, path to content (deprecated by Nova).",
            default={},
        ),
        "reservation_id": string("UUID for the set of servers requested together."),
        "scheduler_hints": map_of("Key/value hints for the Nova scheduler."),
        "security_groups": list_of(
            "Security groups (names or ids) for the server's ports.", default=[]
        ),
        "software_config_transport": string(
            "How the server fetches its software configuration metadata.",
            default="POLL_SERVER_CFN",
            update_allowed=True,
            constraints=(
                allowed_values(
                    "POLL_SERVER_CFN", "POLL_SERVER_HEAT", "POLL_TEMP_URL", "ZAQAR_MESSAGE"
                ),
            ),
        ),
        "tags": list_of(
            "Tags on the server.", item=string("One entry of the list."), update_allowed=True
        ),
        "user_data": string(
            "User data (e.g. a cloud-init script) passed to the server.",
            default="",
            update_allowed=True,
        ),
        "user_data_format": string(
            "How user_data is packaged: HEAT_CFNTOOLS, RAW or SOFTWARE_CONFIG.",
            default="HEAT_CFNTOOLS",
            constraints=(allowed_values("HEAT_CFNTOOLS", "RAW", "SOFTWARE_CONFIG"),),
        ),
        "user_data_update_policy": string(
            "Apply a user_data change by replacing, rebuilding, or ignoring it.",
            default="REPLACE",
            update_allowed=True,
            constraints=(allowed_values("REPLACE", "IGNORE", "REBUILD"),),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "accessIPv4": attribute(
            "Manually set public IPv4 address of the server (deprecated).", PropertyType.STRING
        ),
        "accessIPv6": attribute(
            "Manually set public IPv6 address of the server (deprecated).", PropertyType.STRING
        ),
        "addresses": attribute(
            "Addresses per network, with their port id and subnets.", PropertyType.MAP
        ),
        "console_urls": attribute("Console URLs by console type.", PropertyType.MAP),
        "first_address": attribute("First IP address of the server (legacy).", hidden=True),
        "instance_name": attribute("AWS-style instance name.", PropertyType.STRING),
        "name": attribute("Name of the server.", PropertyType.STRING),
        "networks": attribute(
            "Addresses per network, keyed by network name and id.", PropertyType.MAP
        ),
        "os_collect_config": attribute(
            "Configuration for os-collect-config on the server.", PropertyType.MAP
        ),
        "tags": attribute("Tags on the server.", PropertyType.LIST),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Block devices, a boot source, and network interfaces (as Heat's Server.validate)."""
        check_block_devices(values, report)
        networks = values.items("networks")
        for index, network in values.entries("networks"):
            check_network(network, ("networks", index), report)
        allocates = any(isinstance(n, dict) and n.get("allocate_network") for n in networks)
        if allocates and len(networks) != 1:
            report(("networks",), "allocate_network needs networks to have exactly one entry")
        has_port = any(isinstance(n, dict) and n.get("port") is not None for n in networks)
        groups = values.get("security_groups")
        if has_port and groups and values.known(groups):
            conflict(report, ("security_groups",), "security_groups", "networks[].port")

    # Lifecycle: heatctl.engine.openstack_kinds.SERVER (create, poll, update, delete, find by tag).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(SERVER)


@register
class KeyPair(ResourceType):
    """OS::Nova::KeyPair: A Nova SSH key pair, imported from a public key or generated."""

    type_name = "OS::Nova::KeyPair"
    description = "A Nova SSH key pair, imported from a public key or generated."
    properties: ClassVar[dict[str, Property]] = {
        "name": string(
            "Name of the key pair.", required=True, constraints=(length(min=1, max=255),)
        ),
        "public_key": string("Public key to import; a new key pair is generated when left out."),
        "save_private_key": boolean(
            "Keep a generated private key so the private_key attribute can return it.",
            default=False,
        ),
        "type": string("Key type: ssh or x509.", constraints=(allowed_values("ssh", "x509"),)),
        "user": string(
            "User (name or id) that owns the key pair (admin only).",
            constraints=(custom("keystone.user"),),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "private_key": attribute("The generated private key, when saved.", PropertyType.STRING),
        "public_key": attribute("The public key.", PropertyType.STRING),
    }
    # The name is the key pair's identity: a replacement must delete the old one first.
    replace_delete_first: ClassVar[bool] = True
    secret_attributes: ClassVar[tuple[str, ...]] = ("private_key",)

    # Lifecycle: heatctl.engine.openstack_links.KeyPairLifecycle.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(KeyPairLifecycle)


@register
class ServerGroup(ResourceType):
    """OS::Nova::ServerGroup: A Nova server group with an affinity or anti-affinity policy."""

    type_name = "OS::Nova::ServerGroup"
    description = "A Nova server group with an affinity or anti-affinity policy."
    properties: ClassVar[dict[str, Property]] = {
        "name": string("Name of the server group."),
        "policies": list_of(
            "The placement policy, as a list of exactly one.",
            item=string("One entry of the list."),
            default=["anti-affinity"],
            constraints=(
                allowed_values("anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity"),
            ),
        ),
        "rules": map_of(
            "Extra rules for the policy.",
            {
                "max_server_per_host": number(
                    "Most servers of the group on one host (anti-affinity only)."
                )
            },
        ),
    }

    # Lifecycle: heatctl.engine.openstack_kinds2.SERVER_GROUP (no property updates in place).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = link_lifecycle(SERVER_GROUP)


@register
class Flavor(ResourceType):
    """OS::Nova::Flavor: A Nova flavor: a size for servers (vCPUs, RAM, disks)."""

    type_name = "OS::Nova::Flavor"
    description = "A Nova flavor: a size for servers (vCPUs, RAM, disks)."
    properties: ClassVar[dict[str, Property]] = {
        "disk": integer("Root disk size in GB; 0 uses the image's size.", default=0),
        "ephemeral": integer("Size of an extra ephemeral disk in GB.", default=0),
        "extra_specs": map_of("Key/value extra specs of the flavor.", update_allowed=True),
        "flavorid": string("Id of the flavor; generated when left out."),
        "is_public": boolean("Whether every project can use the flavor.", default=True),
        "name": string("Name of the flavor."),
        "ram": integer("Memory in MB.", required=True),
        "rxtx_factor": number("Network bandwidth factor.", default=1.0),
        "swap": integer("Swap space in MB.", default=0),
        "tenants": list_of(
            "Projects allowed to use a private flavor.",
            item=string("A project (name or id).", constraints=(custom("keystone.project"),)),
            default=[],
            update_allowed=True,
        ),
        "vcpus": integer("Number of virtual CPUs.", required=True),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "extra_specs": attribute("The flavor's extra specs.", PropertyType.MAP),
        "is_public": attribute("Whether the flavor is public.", PropertyType.BOOLEAN),
    }

    # Lifecycle: heatctl.engine.openstack_admin.FLAVOR.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(admin.FLAVOR)


@register
class HostAggregate(ResourceType):
    """OS::Nova::HostAggregate: A Nova host aggregate, optionally exposed as an availability zone."""

    type_name = "OS::Nova::HostAggregate"
    description = "A Nova host aggregate, optionally exposed as an availability zone."
    properties: ClassVar[dict[str, Property]] = {
        "availability_zone": string(
            "Availability zone name of the aggregate.", update_allowed=True
        ),
        "hosts": list_of(
            "Compute hosts in the aggregate.",
            item=string("A compute host.", constraints=(custom("nova.host"),)),
            update_allowed=True,
        ),
        "metadata": map_of("Key/value metadata of the aggregate.", default={}, update_allowed=True),
        "name": string("Name of the aggregate.", required=True, update_allowed=True),
    }

    # Lifecycle: heatctl.engine.openstack_admin.HOST_AGGREGATE.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(admin.HOST_AGGREGATE)


@register
class Quota(ResourceType):
    """OS::Nova::Quota: Nova quotas of a project (admin only)."""

    type_name = "OS::Nova::Quota"
    description = "Nova quotas of a project (admin only)."
    properties: ClassVar[dict[str, Property]] = {
        "cores": integer(
            "Most vCPUs (-1 for no limit).", update_allowed=True, constraints=(value_range(min=-1),)
        ),
        "fixed_ips": integer(
            "Most fixed IPs (-1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "floating_ips": integer(
            "Most floating IPs (-1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "injected_file_content_bytes": integer(
            "Most bytes per injected file (deprecated; -1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "injected_file_path_bytes": integer(
            "Longest injected file path (deprecated; -1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "injected_files": integer(
            "Most injected files (deprecated; -1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "instances": integer(
            "Most servers (-1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "key_pairs": integer(
            "Most key pairs (-1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "metadata_items": integer(
            "Most metadata items per server (-1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "project": string(
            "Project (name or id) the quotas apply to.",
            required=True,
            constraints=(custom("keystone.project"),),
        ),
        "ram": integer(
            "Most memory in MB (-1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "security_group_rules": integer(
            "Most security group rules (-1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "security_groups": integer(
            "Most security groups (-1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "server_group_members": integer(
            "Most members per server group (-1 for no limit).",
            update_allowed=True,
            constraints=(value_range(min=-1),),
        ),
        "server_groups": integer(
            "Most server groups (-1 for no limit).",
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

    # Lifecycle: heatctl.engine.openstack_admin.NOVA_QUOTA.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = admin_lifecycle(admin.NOVA_QUOTA)
