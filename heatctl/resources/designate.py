"""Designate (DNS) resource types."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack_octavia import octavia_lifecycle
from heatctl.engine.openstack_services import RECORDSET, ZONE
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_values,
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
class Zone(ResourceType):
    """OS::Designate::Zone: A DNS zone in Designate."""

    type_name = "OS::Designate::Zone"
    description = "A DNS zone in Designate."
    properties: ClassVar[dict[str, Property]] = {
        "attributes": map_of("Key/value hints for choosing the zone's pool."),
        "description": string(
            "Description of the zone.", update_allowed=True, constraints=(length(max=160),)
        ),
        "email": string("Contact email for the SOA record (PRIMARY zones).", update_allowed=True),
        "masters": list_of(
            "Old name of `primaries` (deprecated).", update_allowed=True, alias_of="primaries"
        ),
        "name": string("DNS name of the zone.", required=True, constraints=(length(max=255),)),
        "primaries": list_of(
            "Servers to transfer the zone from (SECONDARY zones).", update_allowed=True
        ),
        "ttl": integer(
            "Time to live, in seconds.",
            update_allowed=True,
            constraints=(value_range(min=1, max=2147483647),),
        ),
        "type": string(
            "PRIMARY (managed by Designate) or SECONDARY (transferred).",
            default="PRIMARY",
            constraints=(allowed_values("PRIMARY", "SECONDARY"),),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "serial": attribute("Serial number of the zone.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """PRIMARY zones need an email, SECONDARY zones their primaries."""
        kind = values.get("type")
        if kind == "PRIMARY" and not values.truthy("email"):
            report(("type",), "PRIMARY zones need 'email'")
        elif kind == "SECONDARY" and not (
            values.data.get("primaries") or values.data.get("masters")
        ):
            report(("type",), "SECONDARY zones need 'primaries'")

    # Lifecycle: heatctl.engine.openstack_services.ZONE.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(ZONE)


@register
class RecordSet(ResourceType):
    """OS::Designate::RecordSet: A set of DNS records of one name and type in a Designate zone."""

    type_name = "OS::Designate::RecordSet"
    description = "A set of DNS records of one name and type in a Designate zone."
    properties: ClassVar[dict[str, Property]] = {
        "description": string(
            "Description of the record set.", update_allowed=True, constraints=(length(max=160),)
        ),
        "name": string("Name of the record set.", constraints=(length(max=255),)),
        "records": list_of(
            "The record data, one item per record.", required=True, update_allowed=True
        ),
        "ttl": integer(
            "Time to live, in seconds.",
            update_allowed=True,
            constraints=(value_range(min=1, max=2147483647),),
        ),
        "type": string(
            "DNS record type.",
            required=True,
            constraints=(
                allowed_values(
                    "A",
                    "AAAA",
                    "CNAME",
                    "MX",
                    "SRV",
                    "TXT",
                    "SPF",
                    "NS",
                    "PTR",
                    "SSHFP",
                    "SOA",
                    "CAA",
                    "CERT",
                    "NAPTR",
                ),
            ),
        ),
        "zone": string(
            "Zone (name or id).", required=True, constraints=(custom("designate.zone"),)
        ),
    }

    # Lifecycle: heatctl.engine.openstack_services.RECORDSET.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = octavia_lifecycle(RECORDSET)
