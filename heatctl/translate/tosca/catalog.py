"""Flavors and images for Compute nodes: from the target cloud when connected, else tables.

The default tables match the sandbox cloud's seeds (docs/translate-tosca.md lists them).
A flavor is the smallest (by RAM, then vCPUs, then disk) that has at least the requested
num_cpus, mem_size and disk_size. An image matches the os capability's distribution
(case-insensitive), then its version and architecture.
"""

from __future__ import annotations

from typing import Any, NamedTuple

# NamedTuples, not frozen dataclasses: as immutable, and about a millisecond less of
# start-up each (a frozen dataclass compiles six generated methods at import).


class Flavor(NamedTuple):
    name: str
    vcpus: int
    ram_mb: int
    disk_gb: int


class Image(NamedTuple):
    name: str
    distribution: str
    version: str
    architecture: str = "x86_64"
    os_type: str = "linux"


DEFAULT_FLAVORS = (
    Flavor("m1.tiny", 1, 512, 1),
    Flavor("m1.small", 1, 2048, 20),
    Flavor("m1.medium", 2, 4096, 40),
    Flavor("m1.large", 4, 8192, 80),
    Flavor("m1.xlarge", 8, 16384, 160),
)
DEFAULT_IMAGES = (
    # The sandbox cloud seeds these three, like a fresh DevStack, without version metadata:
    # a requested version can only be matched approximately.
    Image("cirros", "cirros", ""),
    Image("fedora", "fedora", ""),
    Image("ubuntu", "ubuntu", ""),
)


class Catalog:
    """The flavors and images translation may choose from."""

    def __init__(self, cloud: object | None = None) -> None:
        self.source = "the default table"
        self.flavors: tuple[Flavor, ...] = DEFAULT_FLAVORS
        self.images: tuple[Image, ...] = DEFAULT_IMAGES
        if cloud is not None:
            self._load(cloud)

    def _load(self, cloud: Any) -> None:
        """Read flavors and images through an openstacksdk Connection."""
        flavors = tuple(
            Flavor(f.name, int(f.vcpus or 0), int(f.ram or 0), int(f.disk or 0))
            for f in cloud.compute.flavors()
        )
        images = tuple(
            Image(
                i.name,
                str(i.os_distro or _guess_distribution(i.name)),
                str(i.os_version or ""),
                str(i.architecture or "x86_64"),
            )
            for i in cloud.image.images()
            if i.name
        )
        if flavors:
            self.flavors = flavors
        if images:
            self.images = images
        self.source = "the cloud's catalog"

    def flavor(
        self, cpus: int | None, ram_mb: float | None, disk_gb: float | None
    ) -> Flavor | None:
        """The smallest flavor with at least these resources, or None if none is big enough."""
        fitting = [
            f
            for f in self.flavors
            if (cpus is None or f.vcpus >= cpus)
            and (ram_mb is None or f.ram_mb >= ram_mb)
            and (disk_gb is None or f.disk_gb >= disk_gb)
        ]
        return min(fitting, key=lambda f: (f.ram_mb, f.vcpus, f.disk_gb), default=None)

    def image(
        self, distribution: str | None, version: str | None, architecture: str | None
    ) -> tuple[Image | None, bool]:
        """The best image and whether it matches exactly (distribution and version)."""
        wanted = (distribution or "").lower()
        candidates = [i for i in self.images if i.distribution.lower() == wanted] if wanted else []
        if architecture:
            same_arch = [
                i for i in candidates if i.architecture.lower() in (architecture.lower(), "")
            ]
            candidates = same_arch or candidates
        if version:
            exact = [
                i
                for i in candidates
                if i.version == str(version) or i.version.startswith(f"{version}.")
            ]
            if exact:
                return exact[0], True
        if candidates:
            return candidates[0], not version
        return None, False


def _guess_distribution(name: str) -> str:
    lowered = name.lower()
    for distribution in ("cirros", "fedora", "ubuntu", "centos", "rhel", "debian"):
        if distribution in lowered:
            return distribution
    return ""
