"""Magnum (container infrastructure) resource types."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack_magnum import CLUSTER, TEMPLATE
from heatctl.engine.openstack_services2 import status_lifecycle
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
    map_of,
    string,
    value_range,
)
from heatctl.resources.values import PropertyValues, Report


@register
class Cluster(ResourceType):
    """OS::Magnum::Cluster: A Magnum container orchestration cluster (e.g. Kubernetes)."""

    type_name = "OS::Magnum::Cluster"
    description = "A Magnum container orchestration cluster (e.g. Kubernetes)."
    properties: ClassVar[dict[str, Property]] = {
        "cluster_template": string(
            "Cluster template (name or id).",
            required=True,
            constraints=(custom("magnum.cluster_template"),),
        ),
        "create_timeout": integer(
            "Minutes to wait for creation (0 for no limit).",
            default=60,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "discovery_url": string("Custom discovery URL for the nodes.", update_allowed=True),
        "keypair": string(
            "Key pair for the nodes (defaults to the template's).",
            constraints=(custom("nova.keypair"),),
        ),
        "master_count": integer(
            "Number of master nodes.",
            default=1,
            update_allowed=True,
            constraints=(value_range(min=1),),
        ),
        "name": string("Name of the cluster."),
        "node_count": integer(
            "Number of worker nodes.",
            default=1,
            update_allowed=True,
            constraints=(value_range(min=1),),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "api_address": attribute("URL of the orchestration engine's API.", PropertyType.STRING),
        "cluster_template_id": attribute("Id of the cluster template.", PropertyType.STRING),
        "coe_version": attribute("Version of the orchestration engine.", PropertyType.STRING),
        "container_version": attribute("Version of the container engine.", PropertyType.STRING),
        "create_timeout": attribute("Creation timeout in minutes.", PropertyType.INTEGER),
        "discovery_url": attribute("Discovery URL of the nodes.", PropertyType.STRING),
        "keypair": attribute("Key pair of the nodes.", PropertyType.STRING),
        "master_addresses": attribute("Floating IPs of the master nodes.", PropertyType.LIST),
        "master_count": attribute("Number of master nodes.", PropertyType.INTEGER),
        "name": attribute("Name of the cluster.", PropertyType.STRING),
        "node_addresses": attribute("Floating IPs of the worker nodes.", PropertyType.LIST),
        "node_count": attribute("Number of worker nodes.", PropertyType.INTEGER),
        "stack_id": attribute("Id of the Heat stack behind the cluster.", PropertyType.STRING),
        "status": attribute("Status of the cluster.", PropertyType.STRING),
        "status_reason": attribute("Why the cluster has its status.", PropertyType.STRING),
    }

    # Lifecycle: heatctl.engine.openstack_magnum.CLUSTER.
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


@register
class ClusterTemplate(ResourceType):
    """OS::Magnum::ClusterTemplate: A Magnum cluster template: how clusters are built."""

    type_name = "OS::Magnum::ClusterTemplate"
    description = "A Magnum cluster template: how clusters are built."
    properties: ClassVar[dict[str, Property]] = {
        "coe": string(
            "Container orchestration engine.",
            required=True,
            constraints=(allowed_values("kubernetes", "swarm", "mesos"),),
        ),
        "dns_nameserver": string("DNS server of the cluster.", constraints=(custom("ip_addr"),)),
        "docker_storage_driver": string(
            "Docker storage driver.",
            default="devicemapper",
            constraints=(allowed_values("devicemapper", "overlay"),),
        ),
        "docker_volume_size": integer(
            "Size of the Docker volume in GB.", constraints=(value_range(min=1),)
        ),
        "external_network": string(
            "External network (name or id) of the cluster.",
            required=True,
            constraints=(custom("neutron.network"),),
        ),
        "fixed_network": string(
            "Private network (name or id) of the cluster.", constraints=(custom("neutron.network"),)
        ),
        "fixed_subnet": string(
            "Private subnet (name or id) of the cluster.", constraints=(custom("neutron.subnet"),)
        ),
        "flavor": string("Flavor of the worker nodes.", constraints=(custom("nova.flavor"),)),
        "floating_ip_enabled": boolean("Give the nodes floating IPs.", default=True),
        "http_proxy": string("HTTP proxy for the nodes."),
        "https_proxy": string("HTTPS proxy for the nodes."),
        "image": string(
            "Base image (name or id) of the nodes.",
            required=True,
            constraints=(custom("glance.image"),),
        ),
        "keypair": string("Key pair for the nodes.", constraints=(custom("nova.keypair"),)),
        "labels": map_of("Key/value labels of the clusters."),
        "master_flavor": string(
            "Flavor of the master nodes.", constraints=(custom("nova.flavor"),)
        ),
        "master_lb_enabled": boolean("Put a load balancer in front of the masters.", default=True),
        "name": string("Name of the template."),
        "network_driver": string("Container network driver."),
        "no_proxy": string("Addresses that bypass the proxies, comma-separated."),
        "public": boolean(
            "Share the template with every project (needs permission).",
            default=False,
            update_allowed=True,
        ),
        "registry_enabled": boolean("Run a Docker registry in the cluster.", default=False),
        "server_type": string(
            "Virtual machines (vm) or bare metal (bm).",
            default="vm",
            constraints=(allowed_values("vm", "bm"),),
        ),
        "tls_disabled": boolean("Disable TLS in the cluster.", default=False),
        "volume_driver": string(
            "Container volume driver.", constraints=(allowed_values("cinder", "rexray"),)
        ),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """volume_driver must suit the COE: cinder for kubernetes, rexray for swarm and mesos."""
        supported = {"kubernetes": "cinder", "swarm": "rexray", "mesos": "rexray"}
        coe, driver = values.get("coe"), values.get("volume_driver")
        if isinstance(driver, str) and coe in supported and driver != supported[coe]:
            report(
                ("volume_driver",),
                f"volume_driver {driver} is not supported with {coe} (use {supported[coe]})",
            )

    # Lifecycle: heatctl.engine.openstack_magnum.TEMPLATE.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(TEMPLATE)
