"""ETSI NFV SOL001 types: Vdu.Compute, Vdu.VirtualBlockStorage, VduCp, VnfVirtualLink, and
the nfv policies (affinity rules, scaling aspects with deltas and instantiation levels)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from heatctl.translate.tosca.builders import bind_port, network_reference
from heatctl.translate.tosca.model import Node
from heatctl.translate.tosca.values import ValueProblem, base_amount, size_in

if TYPE_CHECKING:
    from heatctl.translate.tosca.translator import Context

VNIC_TYPES = frozenset(
    {
        "normal",
        "virtio",
        "direct",
        "direct-physical",
        "macvtap",
        "baremetal",
        "virtio-forwarder",
        "smart-nic",
    }
)


def _image_parameter(ctx: Context, node: Node, path: tuple[Any, ...]) -> dict[str, Any]:
    """An image parameter for a VDU (ETSI names a software image, not a Glance image)."""
    image_data = node.properties.get("sw_image_data") or {}
    artifact = next(
        (
            a
            for a in node.artifacts.values()
            if isinstance(a, dict | Mapping) and str(a.get("type", "")).endswith("SwImage")
        ),
        {},
    )
    described = " ".join(str(v) for v in (image_data.get("name"), artifact.get("file")) if v)
    name = f"{node.name}_image"
    parameter: dict[str, Any] = {
        "type": "string",
        "description": f"Glance image for {node.name} ({described or 'no software image given'})",
    }
    guess = (
        next((i for i in ctx.catalog.images if i.distribution.lower() in described.lower()), None)
        if described
        else None
    )
    if guess is not None:
        parameter["default"] = guess.name
        ctx.reporter.approximate(
            f"software image '{described}' is not uploaded by HOT; parameter {name} defaults to {guess.name} from {ctx.catalog.source}",
            path,
        )
    else:
        ctx.reporter.approximate(
            f"software image '{described}' must be in Glance: give parameter {name} at stack create",
            path,
        )
    ctx.parameters[name] = parameter
    return {"get_param": name}


def _flavor(ctx: Context, node: Node, flavor: dict[str, Any], path: tuple[Any, ...]) -> Any:
    """An OS::Nova::Flavor made to measure, or a catalog flavor if the VDU lacks vCPUs/RAM."""
    if "ram" in flavor and "vcpus" in flavor:
        # Shared by every member when the VDU scales, so no node owns it.
        name = ctx.add(f"{node.name}_flavor", {"type": "OS::Nova::Flavor", "properties": flavor})
        return {"get_resource": name}
    chosen = ctx.catalog.flavor(flavor.get("vcpus"), flavor.get("ram"), flavor.get("disk"))
    chosen = chosen or ctx.catalog.flavors[-1]
    ctx.reporter.approximate(
        f"virtual_compute lacks virtual_memory or virtual_cpu: flavor {chosen.name} from {ctx.catalog.source}",
        path,
    )
    return chosen.name


def build_vdu(ctx: Context, node: Node) -> None:
    """Vdu.Compute -> OS::Nova::Server + OS::Nova::Flavor from virtual_compute."""
    compute = node.capabilities.get("virtual_compute", {})
    path = (*node.path, "capabilities", "virtual_compute", "properties")
    flavor: dict[str, Any] = {}
    memory = (compute.get("virtual_memory") or {}).get("virtual_mem_size")
    cpus = (compute.get("virtual_cpu") or {}).get("num_virtual_cpu")
    storage = compute.get("virtual_local_storage") or []
    storage = storage if isinstance(storage, list) else []
    try:
        if memory is not None:
            flavor["ram"] = size_in(memory, "MiB")
        if cpus is not None:
            flavor["vcpus"] = cpus
        if (
            storage
            and isinstance(storage[0], dict | Mapping)
            and storage[0].get("size_of_storage") is not None
        ):
            flavor["disk"] = size_in(storage[0]["size_of_storage"], "GiB")
    except ValueProblem as problem:
        from heatctl.translate.tosca.sources import fail

        raise fail(str(problem), ctx.file, ctx.document, path) from None
    extra = (compute.get("compute_requirements") or {}).get("nova_extra_specs")
    if isinstance(extra, str):
        try:
            extra = json.loads(extra)
        except ValueError:
            ctx.reporter.untranslated(
                "compute_requirements.nova_extra_specs is not JSON", (*path, "compute_requirements")
            )
            extra = None
    if isinstance(extra, dict | Mapping):
        flavor["extra_specs"] = dict(extra)
    server: dict[str, Any] = {"flavor": _flavor(ctx, node, flavor, path)}
    if node.properties.get("name") is not None:
        server["name"] = ctx.hot(node.properties["name"], node, (*node.path, "properties", "name"))
    server["image"] = _image_parameter(ctx, node, (*node.path, "properties", "sw_image_data"))
    ctx.main_resource[node.name] = ctx.add(
        node.name, {"type": "OS::Nova::Server", "properties": server}, node.name
    )
    _virtual_storage(ctx, node)


def _virtual_storage(ctx: Context, node: Node) -> None:
    for requirement in node.requirements:
        if requirement.name != "virtual_storage" or requirement.target is None:
            continue
        target = requirement.target
        if ctx.kinds.get(target) != "vdu_storage":
            ctx.reporter.untranslated(
                f"virtual_storage '{target}' is not a Vdu.VirtualBlockStorage; not translated",
                requirement.path,
            )
            continue
        mapping = {"volume_id": {"get_resource": target}}
        server = ctx.resources[ctx.main_resource[node.name]]["properties"]
        server.setdefault("block_device_mapping_v2", []).append(mapping)
        ctx.owned.setdefault(node.name, []).extend(ctx.owned.get(target, []))


def build_storage(ctx: Context, node: Node) -> None:
    """Vdu.VirtualBlockStorage -> OS::Cinder::Volume (size in GiB)."""
    data = node.properties.get("virtual_block_storage_data") or {}
    properties: dict[str, Any] = {}
    if data.get("size_of_storage") is not None:
        properties["size"] = size_in(data["size_of_storage"], "GiB")
    if node.properties.get("sw_image_data"):
        properties["image"] = _image_parameter(
            ctx, node, (*node.path, "properties", "sw_image_data")
        )
    ctx.main_resource[node.name] = ctx.add(
        node.name, {"type": "OS::Cinder::Volume", "properties": properties}, node.name
    )


def build_virtual_link(ctx: Context, node: Node) -> None:
    """VnfVirtualLink -> OS::Neutron::Net + Subnet, QoS bandwidth limit from max bitrate."""
    path = (*node.path, "properties")
    protocols = (node.properties.get("connectivity_type") or {}).get("layer_protocols") or []
    if not isinstance(protocols, list) or not all(isinstance(p, str) for p in protocols):
        protocols = []
    if protocols and not {"ipv4", "ipv6"} & set(protocols):
        ctx.reporter.untranslated(
            f"a virtual link over {protocols} (not IP) has no Neutron counterpart",
            (*path, "connectivity_type"),
        )
        return
    profile = node.properties.get("vl_profile") or {}
    net: dict[str, Any] = {}
    name = ctx.add(node.name, {"type": "OS::Neutron::Net", "properties": net}, node.name)
    ctx.main_resource[node.name] = name
    leaf = (profile.get("max_bitrate_requirements") or {}).get("leaf")
    if leaf is not None:
        net["qos_policy"] = {"get_resource": f"{node.name}_qospolicy"}
        ctx.add(f"{node.name}_qospolicy", {"type": "OS::Neutron::QoSPolicy"}, node.name)
        kbps = (
            int(leaf) // 1024
            if isinstance(leaf, int)
            else int(base_amount(leaf, "scalar-unit.bitrate")) // 1000
        )
        ctx.add(
            f"{node.name}_bandwidth",
            {
                "type": "OS::Neutron::QoSBandwidthLimitRule",
                "properties": {
                    "max_kbps": kbps,
                    "policy": {"get_resource": f"{node.name}_qospolicy"},
                },
            },
            node.name,
        )
    if not any(
        isinstance(d, dict | Mapping) and isinstance(d.get("l3_protocol_data"), dict | Mapping)
        for d in profile.get("virtual_link_protocol_data") or []
    ):
        ctx.reporter.untranslated(
            "no l3_protocol_data (cidr): the network gets no subnet, as Neutron needs a cidr",
            (*path, "vl_profile"),
        )
    for index, data in enumerate(profile.get("virtual_link_protocol_data") or []):
        l3 = data.get("l3_protocol_data") if isinstance(data, dict | Mapping) else None
        if not isinstance(l3, dict | Mapping):
            continue
        subnet: dict[str, Any] = {
            "network": {"get_resource": name},
            "ip_version": 6 if l3.get("ip_version") == "ipv6" else 4,
            "cidr": l3.get("cidr"),
        }
        if l3.get("gateway_ip") is not None:
            subnet["gateway_ip"] = l3["gateway_ip"]
        if l3.get("dhcp_enabled") is False:
            subnet["enable_dhcp"] = False
        pools = [
            {"start": p.get("start_ip_address"), "end": p.get("end_ip_address")}
            for p in l3.get("ip_allocation_pools") or []
            if isinstance(p, dict | Mapping)
        ]
        if pools:
            subnet["allocation_pools"] = pools
        ctx.add(
            f"{node.name}_subnet" if index == 0 else f"{node.name}_subnet_{index}",
            {"type": "OS::Neutron::Subnet", "properties": subnet},
            node.name,
        )


def build_cp(ctx: Context, node: Node) -> None:
    """VduCp -> OS::Neutron::Port on its virtual_link, bound to its virtual_binding VDU."""
    properties: dict[str, Any] = {}
    link = next(
        (r.target for r in node.requirements if r.name == "virtual_link" and r.target), None
    )
    if link is not None:
        properties["network"] = network_reference(ctx, link)
    else:
        parameter = f"{node.name}_network"
        ctx.parameters[parameter] = {
            "type": "string",
            "description": f"Network for external connection point {node.name}",
        }
        properties["network"] = {"get_param": parameter}
        ctx.reporter.approximate(
            f"external connection point: give its network as parameter {parameter}",
            (*node.path, "type"),
        )
    vnic = node.properties.get("vnic_type")
    if vnic is not None:
        properties["binding:vnic_type"] = (
            ctx.hot(vnic, node, (*node.path, "properties", "vnic_type"))
            if not isinstance(vnic, str)
            else vnic
            if vnic in VNIC_TYPES
            else "normal"
        )
    name = ctx.add(node.name, {"type": "OS::Neutron::Port", "properties": properties}, node.name)
    ctx.main_resource[node.name] = name
    for requirement in node.requirements:
        if (
            requirement.name == "virtual_binding"
            and requirement.target
            and ctx.kinds.get(requirement.target) == "vdu"
        ):
            bind_port(ctx, requirement.target, name, node.properties.get("order", 0))
            ctx.owned.setdefault(requirement.target, []).append(name)


def policies(ctx: Context, items: list[tuple[str, Mapping[str, Any], tuple[Any, ...]]]) -> None:
    """ETSI nfv policies: affinity rules -> server groups; scaling aspects -> groups."""
    from heatctl.translate.tosca import policies as generic
    from heatctl.translate.tosca import scaling

    by_type: dict[str, list[tuple[str, Mapping[str, Any], tuple[Any, ...]]]] = {}
    for item in items:
        by_type.setdefault(str(item[1]["type"]).rsplit(".", 1)[-1], []).append(item)
    for rule, kind in (("AffinityRule", "affinity"), ("AntiAffinityRule", "anti-affinity")):
        for name, body, path in by_type.pop(rule, []):
            scope = (body.get("properties") or {}).get("scope")
            targets = [
                t for t in generic.targets(ctx, name, body, path) if ctx.kinds.get(t) == "vdu"
            ]
            if scope != "nfvi_node":
                ctx.reporter.untranslated(
                    f"{rule} with scope '{scope}' has no Nova counterpart (only nfvi_node)",
                    (*path, "properties", "scope"),
                )
            elif not targets:
                ctx.reporter.untranslated(f"{rule} targets no VDU", path)
            else:
                generic.server_group(ctx, f"{name}_group", kind, targets, path)
    aspects = by_type.pop("ScalingAspects", [])
    deltas = by_type.pop("VduScalingAspectDeltas", [])
    initial = by_type.pop("VduInitialDelta", [])
    for _name, body, path in aspects:
        for aspect, definition in ((body.get("properties") or {}).get("aspects") or {}).items():
            _aspect(
                ctx,
                str(aspect),
                definition,
                deltas,
                initial,
                (*path, "properties", "aspects", aspect),
                scaling,
            )
    for kind in ("InstantiationLevels", "VduInstantiationLevels", "VirtualLinkInstantiationLevels"):
        for _name, _body, path in by_type.pop(kind, []):
            ctx.reporter.info("instantiation levels are used only to size scaling groups", path)
    for kind, rest in by_type.items():
        for _name, _body, path in rest:
            ctx.reporter.untranslated(f"nfv policy {kind} has no HOT counterpart", (*path, "type"))


def _get(mapping: Any, key: Any, kind: type) -> Any:
    """mapping[key] when both have the expected shapes, else an empty value of `kind`
    (ETSI policy data is checked against its types only where the types declare it)."""
    value = (
        mapping.get(key) if isinstance(mapping, dict | Mapping) and isinstance(key, str) else None
    )
    return value if isinstance(value, kind) else kind()


def _count(value: Any, default: int) -> int:
    return (
        value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else default
    )


def _aspect(
    ctx: Context,
    aspect: str,
    definition: Mapping[str, Any],
    deltas: list[Any],
    initial: list[Any],
    path: tuple[Any, ...],
    scaling: Any,
) -> None:
    targets: list[str] = []
    step = 1
    step_names = _get(definition, "step_deltas", list)
    for _name, body, _path in deltas:
        properties = _get(body, "properties", dict)
        if properties.get("aspect") != aspect:
            continue
        targets.extend(t for t in _get(body, "targets", list) if ctx.kinds.get(t) == "vdu")
        first = step_names[0] if step_names and isinstance(step_names[0], str) else None
        step = _count(
            _get(_get(properties, "deltas", dict), first, dict).get("number_of_instances"), step
        )
    targets = list(dict.fromkeys(targets))
    if not targets:
        ctx.reporter.untranslated(
            f"scaling aspect '{aspect}' has no VDU deltas: not translated", path
        )
        return
    minimum = 1
    for _name, body, _path in initial:
        if set(_get(body, "targets", list)) & set(targets):
            delta = _get(_get(body, "properties", dict), "initial_delta", dict)
            minimum = _count(delta.get("number_of_instances"), 1)
    profile = _get(ctx.nodes[targets[0]].properties, "vdu_profile", dict)
    levels = _count(definition.get("max_scale_level"), 1)
    maximum = _count(profile.get("max_number_of_instances"), minimum + step * levels)
    scaling.make_group(
        ctx,
        aspect,
        f"{aspect}.hot.yaml",
        targets,
        {"min_size": minimum, "max_size": maximum, "desired_capacity": minimum},
    )
    scaling.add_policies(ctx, aspect, aspect, step, None)
