"""Rules across OS::Nova::Server's properties: block devices, boot source, network entries.

They follow Heat's Server.validate; values that are still function calls are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from heatctl.resources.values import PropertyValues, Report, conflict

_V2_SOURCES = ("volume_id", "snapshot_id", "image", "swap_size")


def check_block_devices(values: PropertyValues, report: Report) -> None:
    """Legacy and v2 mappings exclude each other; each mapping has one source; one boot source."""
    legacy, v2 = values.get("block_device_mapping"), values.get("block_device_mapping_v2")
    if legacy and v2:
        conflict(
            report, ("block_device_mapping_v2",), "block_device_mapping", "block_device_mapping_v2"
        )
        return
    problems: list[str] = []

    def noting(path: tuple[str | int, ...], message: str) -> None:
        problems.append(message)
        report(path, message)

    bootable = [values.get("image")] if values.given("image") else []
    for index, mapping in values.entries("block_device_mapping"):
        bootable += _check_legacy(mapping, ("block_device_mapping", index), noting)
    for index, mapping in values.entries("block_device_mapping_v2"):
        bootable += _check_v2(mapping, ("block_device_mapping_v2", index), noting)
    if problems or not _all_known(values, legacy, v2):
        return
    if not bootable:
        report((), "neither 'image' nor a bootable volume is given")
    elif v2 and len(bootable) > 1:
        report(("block_device_mapping_v2",), "more than one boot source (image and boot volumes)")


def _check_legacy(
    mapping: Mapping[str, Any], path: tuple[str | int, ...], report: Report
) -> list[Any]:
    volume, snapshot = mapping.get("volume_id"), mapping.get("snapshot_id")
    if volume is not None and snapshot is not None:
        conflict(report, path, "volume_id", "snapshot_id")
    elif volume is None and snapshot is None:
        report(path, "one of the properties 'volume_id' and 'snapshot_id' is required")
    return ["vda"] if mapping.get("device_name") == "vda" else []


def _check_v2(mapping: Mapping[str, Any], path: tuple[str | int, ...], report: Report) -> list[Any]:
    image = mapping.get("image", mapping.get("image_id"))
    given = {k: mapping.get(k) for k in _V2_SOURCES if k != "image"} | {"image": image}
    sources = [k for k, v in given.items() if v is not None]
    if mapping.get("ephemeral_size") or mapping.get("ephemeral_format"):
        sources.append("ephemeral_size")
    if len(sources) > 1:
        conflict(report, path, *sources)
    elif not sources:
        report(
            path,
            "one of 'volume_id', 'snapshot_id', 'image', 'swap_size', 'ephemeral_size' or "
            "'ephemeral_format' is required",
        )
    boots = mapping.get("boot_index") in (None, 0, "0")
    return [
        given[k] for k in ("volume_id", "snapshot_id", "image") if boots and given[k] is not None
    ]


def check_network(network: Mapping[str, Any], path: tuple[str | int, ...], report: Report) -> None:
    """One entry of `networks`: what it attaches to, and the combinations Nova refuses."""
    net = network.get("network", network.get("uuid"))
    port, subnet = network.get("port"), network.get("subnet")
    allocate = network.get("allocate_network")
    if net is None and port is None and subnet is None and not allocate:
        report(path, "one of 'network', 'port', 'subnet' or 'allocate_network' is required")
    if allocate and len([v for v in network.values() if v is not None]) != 1:
        report(path, "allocate_network cannot be combined with other keys")
    if network.get("fixed_ip") and port is not None:
        conflict(report, path, "fixed_ip", "port")
    only_network = net is not None and port is None and subnet is None
    extra = network.get("port_extra_properties")
    if network.get("floating_ip") is not None and only_network and not extra:
        report(path, "floating_ip needs 'port', 'subnet' or 'port_extra_properties' here")


def _all_known(values: PropertyValues, legacy: Any, v2: Any) -> bool:
    """Whether the block device lists and their boot-relevant fields are concrete."""
    for name, items in (("block_device_mapping", legacy), ("block_device_mapping_v2", v2)):
        if items is None:
            continue
        if not values.known(items) or len(values.entries(name)) != len(items):
            return False
        for _, item in values.entries(name):
            if not all(values.known(v) for v in item.values()):
                return False
    return True
