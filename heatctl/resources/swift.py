"""Swift (object storage) resource types."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack_kinds2 import CONTAINER, link_lifecycle
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    attribute,
    boolean,
    map_of,
    string,
)


@register
class Container(ResourceType):
    """OS::Swift::Container: A Swift object storage container."""

    type_name = "OS::Swift::Container"
    description = "A Swift object storage container."
    properties: ClassVar[dict[str, Property]] = {
        "PurgeOnDelete": boolean(
            "Delete the objects in the container when the container is deleted.", default=False
        ),
        "X-Account-Meta": map_of(
            "Metadata set on the account (X-Account-Meta-* headers).", default={}
        ),
        "X-Container-Meta": map_of(
            "Metadata set on the container (X-Container-Meta-* headers).", default={}
        ),
        "X-Container-Read": string("Read ACL of the container."),
        "X-Container-Write": string("Write ACL of the container."),
        "name": string("Name of the container; generated when left out."),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "BytesUsed": attribute("Bytes stored in the container.", PropertyType.INTEGER),
        "DomainName": attribute("Host name of the container URL.", PropertyType.STRING),
        "HeadContainer": attribute("All headers of the container.", PropertyType.MAP),
        "ObjectCount": attribute("Number of objects in the container.", PropertyType.INTEGER),
        "RootURL": attribute("URL of the account holding the container.", PropertyType.STRING),
        "WebsiteURL": attribute("URL of the container.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_kinds2.CONTAINER. The container's name is its id;
    # no property updates in place (Heat replaces the container).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = link_lifecycle(CONTAINER)
