"""Blazar (reservation) resource types."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack_blazar import HOST, LEASE
from heatctl.engine.openstack_services2 import status_lifecycle
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_pattern,
    allowed_values,
    attribute,
    boolean,
    integer,
    list_of,
    map_of,
    string,
    value_range,
)


@register
class Host(ResourceType):
    """OS::Blazar::Host: A compute host made reservable in Blazar (admin only)."""

    type_name = "OS::Blazar::Host"
    description = "A compute host made reservable in Blazar (admin only)."
    properties: ClassVar[dict[str, Property]] = {
        "extra_capability": map_of("Extra capabilities of the host, key to value."),
        "name": string("Name of the compute host.", required=True),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "cpu_info": attribute("CPU details of the host.", PropertyType.MAP),
        "created_at": attribute("When the host was added.", PropertyType.STRING),
        "extra_capability": attribute("Extra capabilities of the host.", PropertyType.MAP),
        "hypervisor_hostname": attribute("Hypervisor host name.", PropertyType.STRING),
        "hypervisor_type": attribute("Hypervisor type.", PropertyType.STRING),
        "hypervisor_version": attribute("Hypervisor version.", PropertyType.INTEGER),
        "local_gb": attribute("Local disk in GB.", PropertyType.INTEGER),
        "memory_mb": attribute("Memory in MB.", PropertyType.INTEGER),
        "reservable": attribute("Whether the host can be reserved.", PropertyType.BOOLEAN),
        "service_name": attribute("Compute service name of the host.", PropertyType.STRING),
        "status": attribute("Status of the host.", PropertyType.STRING),
        "trust_id": attribute("Trust of the host's operator.", PropertyType.STRING),
        "updated_at": attribute("When the host was last updated.", PropertyType.STRING),
        "vcpus": attribute("Number of vCPUs.", PropertyType.INTEGER),
    }

    # Lifecycle: heatctl.engine.openstack_blazar.HOST.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(HOST)


@register
class Lease(ResourceType):
    """OS::Blazar::Lease: A Blazar lease reserving hosts or instances for a time window."""

    type_name = "OS::Blazar::Lease"
    description = "A Blazar lease reserving hosts or instances for a time window."
    properties: ClassVar[dict[str, Property]] = {
        "before_end_date": string(
            'When the before-end action runs, "YYYY-MM-DD hh:mm".',
            constraints=(allowed_pattern("\\d{4}-\\d{2}-\\d{2}\\s\\d{2}:\\d{2}"),),
        ),
        "end_date": string(
            'End of the lease, "YYYY-MM-DD hh:mm".',
            required=True,
            constraints=(allowed_pattern("\\d{4}-\\d{2}-\\d{2}\\s\\d{2}:\\d{2}"),),
        ),
        "events": list_of(
            "Events of the lease.",
            item=map_of(
                "One event.",
                {
                    "event_type": string("Type of the event, e.g. notification.", required=True),
                    "time": string('When the event happens, "YYYY-MM-DD hh:mm".', required=True),
                },
            ),
            default=[],
        ),
        "name": string("Name of the lease.", required=True),
        "reservations": list_of(
            "What the lease reserves.",
            item=map_of(
                "One reservation.",
                {
                    "affinity": boolean(
                        "Place the reserved instances on the same host.", default=False
                    ),
                    "amount": integer(
                        "Number of instances reserved.",
                        constraints=(value_range(min=0, max=2147483647),),
                    ),
                    "before_end": string(
                        "What to do before the lease ends.",
                        default="default",
                        constraints=(allowed_values("default", "snapshot"),),
                    ),
                    "disk_gb": integer(
                        "Local disk per instance, in GB.",
                        constraints=(value_range(min=0, max=2147483647),),
                    ),
                    "hypervisor_properties": string("Hypervisor properties the hosts must have."),
                    "max": integer("Most hosts reserved.", constraints=(value_range(min=1),)),
                    "memory_mb": integer(
                        "Memory per instance, in MB.",
                        constraints=(value_range(min=0, max=2147483647),),
                    ),
                    "min": integer("Fewest hosts reserved.", constraints=(value_range(min=1),)),
                    "resource_properties": string("Properties the reserved resources must have."),
                    "resource_type": string(
                        "Kind of resource reserved.",
                        required=True,
                        constraints=(allowed_values("virtual:instance", "physical:host"),),
                    ),
                    "vcpus": integer(
                        "vCPUs per instance.", constraints=(value_range(min=0, max=2147483647),)
                    ),
                },
            ),
            required=True,
        ),
        "start_date": string(
            'Start of the lease, "YYYY-MM-DD hh:mm" (or "now").',
            required=True,
            constraints=(allowed_pattern("\\d{4}-\\d{2}-\\d{2}\\s\\d{2}:\\d{2}"),),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "created_at": attribute("When the lease was created.", PropertyType.STRING),
        "degraded": attribute(
            "Whether some reserved resources are unavailable.", PropertyType.BOOLEAN
        ),
        "end_date": attribute("End of the lease.", PropertyType.STRING),
        "events": attribute("Events of the lease.", PropertyType.LIST),
        "name": attribute("Name of the lease.", PropertyType.STRING),
        "project_id": attribute("Project that owns the lease.", PropertyType.STRING),
        "reservations": attribute("Reservations of the lease.", PropertyType.LIST),
        "start_date": attribute("Start of the lease.", PropertyType.STRING),
        "status": attribute("Status of the lease.", PropertyType.STRING),
        "trust_id": attribute("Trust of the lease owner.", PropertyType.STRING),
        "updated_at": attribute("When the lease was last updated.", PropertyType.STRING),
        "user_id": attribute("User that owns the lease.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_blazar.LEASE.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(LEASE)
