"""Trove (database) resource types."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack_services2 import status_lifecycle
from heatctl.engine.openstack_trove import CLUSTER, INSTANCE_METHODS
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_pattern,
    attribute,
    custom,
    integer,
    length,
    list_of,
    map_of,
    string,
    value_range,
)
from heatctl.resources.values import PropertyValues, Report


@register
class Instance(ResourceType):
    """OS::Trove::Instance: A Trove database instance, with its databases and users."""

    type_name = "OS::Trove::Instance"
    description = "A Trove database instance, with its databases and users."
    properties: ClassVar[dict[str, Property]] = {
        "availability_zone": string("Availability zone of the instance."),
        "databases": list_of(
            "Databases to create.",
            item=map_of(
                "One database.",
                {
                    "character_set": string("Character set of the database.", default="utf8"),
                    "collate": string("Collation of the database.", default="utf8_general_ci"),
                    "name": string(
                        "Name of the database.",
                        required=True,
                        constraints=(
                            length(max=64),
                            allowed_pattern(
                                "[a-zA-Z0-9_\\-]+[a-zA-Z0-9_@?#\\s\\-]*[a-zA-Z0-9_\\-]+"
                            ),
                        ),
                    ),
                },
            ),
            default=[],
            update_allowed=True,
        ),
        "datastore_type": string("Datastore type, e.g. mysql.", constraints=(length(max=255),)),
        "datastore_version": string(
            "Datastore version (must exist for the type).", constraints=(length(max=255),)
        ),
        "flavor": string(
            "Trove flavor of the instance.",
            required=True,
            update_allowed=True,
            constraints=(custom("trove.flavor"),),
        ),
        "name": string(
            "Name of the instance.", update_allowed=True, constraints=(length(max=255),)
        ),
        "networks": list_of(
            "Network interfaces of the instance.",
            item=map_of(
                "One interface.",
                {
                    "fixed_ip": string(
                        "Fixed IPv4 address of the interface.", constraints=(custom("ip_addr"),)
                    ),
                    "network": string(
                        "Network (name or id) to attach (give this or port).",
                        constraints=(custom("neutron.network"),),
                    ),
                    "port": string(
                        "Port (name or id) to attach (give this or network).",
                        constraints=(custom("neutron.port"),),
                    ),
                },
            ),
            default=[],
        ),
        "replica_count": integer("Number of replicas to create."),
        "replica_of": string("Instance (id) to replicate."),
        "restore_point": string("Backup to restore from."),
        "size": integer(
            "Size of the database volume in GB.",
            required=True,
            update_allowed=True,
            constraints=(value_range(min=1, max=150),),
        ),
        "users": list_of(
            "Database users to create.",
            item=map_of(
                "One user.",
                {
                    "databases": list_of(
                        "Databases the user may access.",
                        item=string("One entry of the list."),
                        required=True,
                        update_allowed=True,
                        constraints=(length(min=1),),
                    ),
                    "host": string(
                        "Host the user may connect from.", default="%", update_allowed=True
                    ),
                    "name": string(
                        "Name of the user.",
                        required=True,
                        update_allowed=True,
                        constraints=(
                            length(max=16),
                            allowed_pattern("[a-zA-Z0-9_]+[a-zA-Z0-9_@?#\\s]*[a-zA-Z0-9_]+"),
                        ),
                    ),
                    "password": string(
                        "Password of the user.",
                        required=True,
                        update_allowed=True,
                        constraints=(
                            allowed_pattern("[a-zA-Z0-9_]+[a-zA-Z0-9_@?#\\s]*[a-zA-Z0-9_]+"),
                        ),
                    ),
                },
            ),
            default=[],
            update_allowed=True,
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "hostname": attribute("Host name of the instance.", PropertyType.STRING),
        "href": attribute("API URL of the instance.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Users need databases, and only listed ones; each network entry a network or a port."""
        users, databases = values.entries("users"), values.get("databases")
        if users and not databases:
            report(("users",), "property 'users' needs 'databases'")
            return
        names = {db.get("name") for _, db in values.entries("databases")}
        if len(names) == len(values.items("databases")):  # every database entry is concrete
            for index, user in users:
                wanted = user.get("databases")
                missing = [d for d in wanted if d not in names] if isinstance(wanted, list) else []
                if missing and all(isinstance(d, str) for d in missing):
                    report(
                        ("users", index, "databases"),
                        f"databases {', '.join(missing)} are not in 'databases'",
                    )
                    return
        for index, nic in values.entries("networks"):
            if (nic.get("network") is None) == (nic.get("port") is None):
                report(("networks", index), "exactly one of 'network' and 'port' is required")
                return

    # Lifecycle: heatctl.engine.openstack_trove.INSTANCE_METHODS.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = INSTANCE_METHODS


@register
class Cluster(ResourceType):
    """OS::Trove::Cluster: A Trove database cluster."""

    type_name = "OS::Trove::Cluster"
    description = "A Trove database cluster."
    properties: ClassVar[dict[str, Property]] = {
        "datastore_type": string(
            "Datastore type, e.g. mongodb.", required=True, constraints=(length(max=255),)
        ),
        "datastore_version": string(
            "Datastore version (must exist for the type).",
            required=True,
            constraints=(length(max=255),),
        ),
        "instances": list_of(
            "The cluster's database instances.",
            item=map_of(
                "One instance.",
                {
                    "availability_zone": string("Availability zone of the instance."),
                    "flavor": string(
                        "Trove flavor of the instance.",
                        required=True,
                        constraints=(custom("trove.flavor"),),
                    ),
                    "networks": list_of(
                        "Network interfaces of the instance.",
                        item=map_of(
                            "One interface.",
                            {
                                "fixed_ip": string(
                                    "Fixed IPv4 address of the interface.",
                                    constraints=(custom("ip_addr"),),
                                ),
                                "network": string(
                                    "Network (name or id) to attach (give this or port).",
                                    constraints=(custom("neutron.network"),),
                                ),
                                "port": string(
                                    "Port (name or id) to attach (give this or network).",
                                    constraints=(custom("neutron.port"),),
                                ),
                            },
                        ),
                        default=[],
                    ),
                    "volume_size": integer(
                        "Size of the instance's volume in GB.",
                        required=True,
                        constraints=(value_range(min=1, max=150),),
                    ),
                },
            ),
            required=True,
        ),
        "name": string("Name of the cluster.", constraints=(length(max=255),)),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "instances": attribute("Ids of the instances.", PropertyType.LIST),
        "ip": attribute("IP addresses of the instances.", PropertyType.LIST),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Each instance network entry has a network or a port, not both."""
        for index, instance in values.entries("instances"):
            nics = instance.get("networks")
            for position, nic in enumerate(nics if isinstance(nics, list) else []):
                if not isinstance(nic, dict) or not values.known(nic):
                    continue
                if (nic.get("network") is None) == (nic.get("port") is None):
                    where = ("instances", index, "networks", position)
                    report(where, "exactly one of 'network' and 'port' is required")
                    return

    # Lifecycle: heatctl.engine.openstack_trove.CLUSTER.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(CLUSTER)
