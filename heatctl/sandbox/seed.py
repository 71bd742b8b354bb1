"""The state of a fresh DevStack: flavors, images, public and private networks, router1."""

from __future__ import annotations

from typing import TYPE_CHECKING

from heatctl.sandbox.compute import FLAVORS

if TYPE_CHECKING:
    from heatctl.sandbox.app import Application

PUBLIC_CIDR = "172.24.4.0/24"
PRIVATE_CIDR = "10.0.0.0/24"


def seed(app: Application) -> None:
    """Create the seeded resources once; they are marked so leak checks skip them."""
    cloud = app.cloud
    project = cloud.identity.project_id
    compute, network, image = (app.services[name] for name in ("compute", "network", "image"))
    cloud.seeding = True
    try:
        with cloud.store.transaction():
            for flavor_id, name, ram, vcpus, disk in FLAVORS:
                compute.new_flavor(
                    {"id": flavor_id, "name": name, "ram": ram, "vcpus": vcpus, "disk": disk}
                )
            image.seed(project)
            public = network.new_network(
                project, {"name": "public", "router:external": True, "mtu": 1500}
            )
            public_subnet = network.new_subnet(
                project,
                public,
                {
                    "name": "public-subnet",
                    "ip_version": 4,
                    "cidr": PUBLIC_CIDR,
                    "enable_dhcp": False,
                },
            )
            private = network.new_network(project, {"name": "private"})
            private_subnet = network.new_subnet(
                project, private, {"name": "private-subnet", "ip_version": 4, "cidr": PRIVATE_CIDR}
            )
            router = network.l3.new_router(
                project, {"name": "router1", "external_gateway_info": {"network_id": public["id"]}}
            )
            network.l3._interface_port(router, private_subnet)
            network.sg.default_group(project)
            del public_subnet
            cloud.store.set_meta("seeded", "1")
    finally:
        cloud.seeding = False
