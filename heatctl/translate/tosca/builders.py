"""Builders for infrastructure nodes: servers, volumes, containers, networks, ports,
floating IPs and load balancers, and the relationships between them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from heatctl.translate.tosca.model import Node, is_function
from heatctl.translate.tosca.values import ValueProblem, size_in

if TYPE_CHECKING:
    from collections.abc import Callable

    from heatctl.translate.tosca.translator import Context

# Properties of custom Compute types that are OS::Nova::Server properties already.
NOVA_PROPERTIES = frozenset(
    [
        "image",
        "flavor",
        "key_name",
        "availability_zone",
        "metadata",
        "user_data",
        "user_data_format",
        "config_drive",
        "name",
        "admin_pass",
        "security_groups",
        "scheduler_hints",
        "block_device_mapping_v2",
        "personality",
        "diskConfig",
        "reservation_id",
        "software_config_transport",
        "flavor_update_policy",
    ]
)
NEUTRON_PORT_PROPERTIES = frozenset(
    [
        "name",
        "mac_address",
        "security_groups",
        "admin_state_up",
        "port_security_enabled",
        "binding:vnic_type",
        "value_specs",
        "qos_policy",
        "allowed_address_pairs",
        "device_owner",
    ]
)
NORMATIVE_PORT = frozenset(
    {"ip_address", "order", "is_default", "ip_range_start", "ip_range_end", "type"}
)
STORAGE_NAMES = frozenset({"name", "size", "volume_id", "snapshot_id", "maxsize"})
NFV_KINDS = frozenset({"vdu", "vdu_storage", "virtual_link", "vdu_cp"})


def build_all(ctx: Context) -> None:
    """Create the resources of every infrastructure node, then wire their relationships."""
    handlers: dict[str, Callable[[Context, Node], None]] = {
        "server": build_server,
        "volume": build_volume,
        "container": build_container,
        "network": build_network,
    }
    if any(kind in NFV_KINDS for kind in ctx.kinds.values()):
        # Only ETSI NFV templates need the nfv module: not imported for the others.
        from heatctl.translate.tosca import nfv

        handlers["vdu"] = nfv.build_vdu
        handlers["vdu_storage"] = nfv.build_storage
        handlers["virtual_link"] = nfv.build_virtual_link
        build_cp = nfv.build_cp  # connection points after the VDUs and links they bind
    for node in ctx.nodes.values():
        handler = handlers.get(ctx.kinds[node.name])
        if handler is not None:
            handler(ctx, node)
    for node in ctx.nodes.values():
        kind = ctx.kinds[node.name]
        if kind == "port":
            build_port(ctx, node)
        elif kind == "vdu_cp":
            build_cp(ctx, node)
        elif kind == "floating_ip":
            build_floating_ip(ctx, node)
        elif kind == "load_balancer":
            build_load_balancer(ctx, node)
        elif kind == "container_application":
            from heatctl.translate.tosca import container

            container.build(ctx, node)
        elif kind == "vnf":
            ctx.reporter.info(
                f"{node.typedef.name} '{node.name}' describes the VNF as a whole; it has no resource of its own",
                (*node.path, "type"),
            )
    for node in ctx.nodes.values():
        wire_relationships(ctx, node)
    for node in ctx.nodes.values():
        _sort_networks(ctx, node)
        _metadata(ctx, node)


def _metadata(ctx: Context, node: Node) -> None:
    """A node template's `metadata` becomes its resource's metadata section."""
    metadata = node.definition.get("metadata")
    resource = ctx.resources.get(ctx.main_resource.get(node.name, ""))
    if isinstance(metadata, dict) and metadata and resource is not None:
        resource["metadata"] = dict(metadata)


def _sort_networks(ctx: Context, node: Node) -> None:
    resource = ctx.resources.get(ctx.main_resource.get(node.name, ""))
    entries = ctx.attributes.get(node.name, {}).get("network_entries")
    if resource is None or not entries:
        return
    entries.sort(key=lambda item: item[0])
    resource["properties"]["networks"] = [entry for _, entry in entries]


def _unknown_properties(ctx: Context, node: Node, known: frozenset[str], what: str) -> None:
    normative = ctx.registry.find("node_types", _normative_base(ctx, node))
    base = set(ctx.registry.merged(normative, "properties")) if normative else set()
    for name in node.definition.get("properties") or {}:
        if name not in known and name not in base:
            ctx.reporter.untranslated(
                f"property '{name}' has no {what} counterpart", (*node.path, "properties", name)
            )


def _normative_base(ctx: Context, node: Node) -> str:
    for typedef in ctx.registry.chain(node.typedef):
        if typedef.file is None:
            return typedef.name
    return "tosca.nodes.Root"


def _scalar(
    ctx: Context, node: Node, value: Any, unit: str, path: tuple[Any, ...], why: str
) -> int | None:
    value = _literal(ctx, node, value, path, why)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        ctx.reporter.approximate(f"a number without a unit is taken as {unit}", path)
        return int(value)
    try:
        return int(size_in(value, unit))
    except ValueProblem as problem:
        from heatctl.translate.tosca.sources import fail

        raise fail(f"{problem}", ctx.file, ctx.document, path) from None


def _literal(ctx: Context, node: Node, value: Any, path: tuple[Any, ...], why: str) -> Any:
    """A plain value needed at translate time (get_input and get_property resolved), or None
    with an approximate entry when it cannot be known then."""
    value = ctx.functions.input_value(value, path, why, optional=True)
    if is_function(value):
        value = ctx.hot(value, node, path)
    if value is None or (isinstance(value, str | int | float) and not isinstance(value, bool)):
        return value
    ctx.reporter.approximate(
        f"{value!r} cannot be known at translate time; it is ignored {why}", path
    )
    return None


def build_server(ctx: Context, node: Node) -> None:
    """tosca.nodes.Compute -> OS::Nova::Server with a flavor and an image."""
    properties: dict[str, Any] = {}
    for name in sorted(node.properties):
        if name in NOVA_PROPERTIES and node.properties[name] is not None:
            properties[name] = ctx.hot(
                node.properties[name], node, (*node.path, "properties", name)
            )
    _unknown_properties(ctx, node, NOVA_PROPERTIES, "OS::Nova::Server")
    if "flavor" not in properties:
        properties["flavor"] = _flavor(ctx, node)
    if "image" not in properties:
        image = _image(ctx, node)
        if image is not None:
            properties["image"] = image
    if "key_name" not in properties and ctx.inputs.has_value("key_name"):
        properties["key_name"] = {"get_param": "key_name"}
    properties["user_data_format"] = "SOFTWARE_CONFIG"
    ctx.main_resource[node.name] = ctx.add(
        node.name, {"type": "OS::Nova::Server", "properties": properties}, node.name
    )


def _flavor(ctx: Context, node: Node) -> str:
    host = node.capabilities.get("host", {})
    path = (*node.path, "capabilities", "host", "properties")
    why = "to choose a flavor"
    from_input = any(is_function(host.get(k)) for k in ("num_cpus", "mem_size", "disk_size"))
    cpus = _literal(ctx, node, host.get("num_cpus"), (*path, "num_cpus"), why)
    ram = _scalar(ctx, node, host.get("mem_size"), "MiB", (*path, "mem_size"), why)
    disk = _scalar(ctx, node, host.get("disk_size"), "GiB", (*path, "disk_size"), why)
    cpus = int(cpus) if isinstance(cpus, int | float) and not isinstance(cpus, bool) else None
    flavor = ctx.catalog.flavor(cpus, ram, disk)
    source = ctx.catalog.source
    if flavor is None:
        flavor = max(ctx.catalog.flavors, key=lambda f: (f.ram_mb, f.vcpus, f.disk_gb))
        ctx.reporter.approximate(
            f"no flavor in {source} has num_cpus={cpus}, mem_size={ram} MiB, disk_size={disk} GiB; chose the largest, {flavor.name}",
            path,
        )
    elif cpus is None and ram is None and disk is None:
        ctx.reporter.approximate(
            f"no host properties: chose the smallest flavor in {source}, {flavor.name}",
            (*node.path, "type"),
        )
    elif from_input:
        ctx.reporter.approximate(
            f"flavor {flavor.name} chosen at translate time from input values; changing those parameters at stack create has no effect",
            path,
        )
    else:
        ctx.reporter.info(f"flavor {flavor.name} chosen from {source}", path)
    return flavor.name


def _image(ctx: Context, node: Node) -> Any:
    os_caps = node.capabilities.get("os", {})
    path = (*node.path, "capabilities", "os", "properties")
    why = "to choose an image"
    found = {
        key: _literal(ctx, node, os_caps.get(key), (*path, key), why)
        for key in ("distribution", "version", "architecture")
    }
    distribution, version, architecture = (None if v is None else str(v) for v in found.values())
    image, exact = ctx.catalog.image(
        distribution, None if version is None else str(version), architecture
    )
    source = ctx.catalog.source
    if image is None:
        image = ctx.catalog.images[0]
        wanted = f"{distribution} {version or ''}".strip()
        message = (
            f"no image in {source} matches {wanted}" if distribution else "no os distribution given"
        )
        ctx.reporter.approximate(
            f"{message}; chose {image.name}",
            path if os_caps else (*node.path, "type"),
        )
    elif not exact:
        ctx.reporter.approximate(
            f"no {distribution} {version} image in {source}; chose {image.name}", path
        )
    else:
        ctx.reporter.info(f"image {image.name} chosen from {source}", path)
    return image.name


def build_volume(ctx: Context, node: Node) -> None:
    """BlockStorage -> OS::Cinder::Volume (size in GiB), unless volume_id names an existing one."""
    if node.properties.get("volume_id") is not None and "size" not in (
        node.definition.get("properties") or {}
    ):
        ctx.reporter.info(
            "volume_id names an existing volume: no volume is created",
            (*node.path, "properties", "volume_id"),
        )
        return
    properties: dict[str, Any] = {}
    path = (*node.path, "properties")
    size = node.properties.get("size")
    if is_function(size):
        properties["size"] = ctx.hot(size, node, (*path, "size"))
    elif size is not None:
        gib = size_in(size, "GiB")
        if gib < 1:
            ctx.reporter.approximate(
                f"size {size} is below Cinder's 1 GiB minimum; 1 GiB is used", (*path, "size")
            )
            gib = 1
        properties["size"] = gib
    else:
        ctx.reporter.approximate("no size given; Cinder needs one, 1 GiB is used", path)
        properties["size"] = 1
    for name in ("snapshot_id", "name"):
        if node.properties.get(name) is not None:
            properties[name] = ctx.hot(node.properties[name], node, (*path, name))
    _unknown_properties(ctx, node, STORAGE_NAMES, "OS::Cinder::Volume")
    ctx.main_resource[node.name] = ctx.add(
        node.name, {"type": "OS::Cinder::Volume", "properties": properties}, node.name
    )


def build_container(ctx: Context, node: Node) -> None:
    """ObjectStorage -> OS::Swift::Container (private; a quota from maxsize or size)."""
    path = (*node.path, "properties")
    properties: dict[str, Any] = {}
    if node.properties.get("name") is not None:
        properties["name"] = ctx.hot(node.properties["name"], node, (*path, "name"))
    quota = node.properties.get("maxsize") or node.properties.get("size")
    if quota is not None and not is_function(quota):
        properties["X-Container-Meta"] = {"Quota-Bytes": int(size_in(quota, "B"))}
    elif quota is not None:
        ctx.reporter.untranslated(
            "a quota from an input is not translated (Swift needs bytes)", (*path, "maxsize")
        )
    ctx.reporter.info(
        "the container is private (heat-translator made it world-readable with X-Container-Read: .r:*)",
        (*node.path, "type"),
    )
    ctx.main_resource[node.name] = ctx.add(
        node.name, {"type": "OS::Swift::Container", "properties": properties}, node.name
    )


def build_network(ctx: Context, node: Node) -> None:
    """network.Network -> OS::Neutron::Net + OS::Neutron::Subnet, or a reference to an existing one."""
    props = node.properties
    path = (*node.path, "properties")
    subnet_keys = ("cidr", "start_ip", "end_ip", "gateway_ip")
    if props.get("network_id") is not None or (
        props.get("network_name") is not None and all(props.get(k) is None for k in subnet_keys)
    ):
        reference = props.get("network_id") or props.get("network_name")
        ctx.attributes.setdefault(node.name, {})["network_ref"] = ctx.hot(reference, node, path)
        ctx.reporter.info(
            "an existing network (network_id, or network_name without cidr): no network is created",
            path,
        )
        return
    net: dict[str, Any] = {}
    if props.get("network_name") is not None:
        net["name"] = ctx.hot(props["network_name"], node, (*path, "network_name"))
    specs = {
        f"provider:{key}": ctx.hot(props[key], node, (*path, key))
        for key in ("network_type", "physical_network", "segmentation_id")
        if props.get(key) is not None
    }
    if specs:
        net["value_specs"] = specs
    name = ctx.add(node.name, {"type": "OS::Neutron::Net", "properties": net}, node.name)
    ctx.main_resource[node.name] = name
    if props.get("cidr") is None:
        ctx.reporter.approximate("no cidr: the network gets no subnet", path)
        return
    subnet: dict[str, Any] = {
        "network": {"get_resource": name},
        "cidr": ctx.hot(props["cidr"], node, (*path, "cidr")),
        "ip_version": ctx.hot(props.get("ip_version", 4), node, (*path, "ip_version")),
    }
    if props.get("gateway_ip") is not None:
        subnet["gateway_ip"] = ctx.hot(props["gateway_ip"], node, (*path, "gateway_ip"))
    if props.get("start_ip") is not None and props.get("end_ip") is not None:
        subnet["allocation_pools"] = [
            {
                "start": ctx.hot(props["start_ip"], node, path),
                "end": ctx.hot(props["end_ip"], node, path),
            }
        ]
    if props.get("dhcp_enabled") is False:
        subnet["enable_dhcp"] = False
    ctx.add(f"{node.name}_subnet", {"type": "OS::Neutron::Subnet", "properties": subnet}, node.name)


def network_reference(ctx: Context, target: str) -> Any:
    """How a port names network node `target`: get_resource, or an existing name/id."""
    if target in ctx.main_resource:
        return {"get_resource": ctx.main_resource[target]}
    return ctx.attributes.get(target, {}).get("network_ref")


def bind_port(ctx: Context, server: str, port: str, order: Any) -> None:
    """Add port to a server's networks (sorted by TOSCA `order` at the end)."""
    info = ctx.attributes.setdefault(server, {})
    if port in info.setdefault("ports", []):
        return  # bound twice (tacker CPs have both binding and virtualBinding)
    info["ports"].append(port)
    info.setdefault("network_entries", []).append(
        (order if isinstance(order, int) else 0, {"port": {"get_resource": port}})
    )


def build_port(ctx: Context, node: Node) -> None:
    """network.Port -> OS::Neutron::Port on its LinksTo network, bound to its BindsTo server."""
    path = (*node.path, "properties")
    properties: dict[str, Any] = {}
    for requirement in node.required("tosca.relationships.network.LinksTo", ctx.registry):
        if requirement.target:
            properties["network"] = network_reference(ctx, requirement.target)
    if node.properties.get("ip_address") is not None:
        properties["fixed_ips"] = [
            {"ip_address": ctx.hot(node.properties["ip_address"], node, (*path, "ip_address"))}
        ]
    for name in ("ip_range_start", "ip_range_end"):
        if node.properties.get(name) is not None:
            ctx.reporter.untranslated(f"{name} has no OS::Neutron::Port counterpart", (*path, name))
    for name in sorted(node.definition.get("properties") or {}):
        if name in NEUTRON_PORT_PROPERTIES:
            properties[name] = ctx.hot(node.properties[name], node, (*path, name))
    _unknown_properties(ctx, node, NEUTRON_PORT_PROPERTIES | NORMATIVE_PORT, "OS::Neutron::Port")
    if "network" not in properties:
        ctx.reporter.untranslated(
            "the port has no LinksTo network; Neutron needs one", (*node.path, "requirements")
        )
    name = ctx.add(node.name, {"type": "OS::Neutron::Port", "properties": properties}, node.name)
    ctx.main_resource[node.name] = name
    for requirement in node.required("tosca.relationships.network.BindsTo", ctx.registry):
        if requirement.target and ctx.kinds.get(requirement.target) in ("server", "vdu"):
            bind_port(ctx, requirement.target, name, node.properties.get("order", 0))
            ctx.owned.setdefault(requirement.target, []).append(name)


def build_floating_ip(ctx: Context, node: Node) -> None:
    """network.FloatingIP -> OS::Neutron::FloatingIP on its LinksTo port."""
    path = (*node.path, "properties")
    properties: dict[str, Any] = {
        "floating_network": ctx.hot(
            node.properties.get("floating_network"), node, (*path, "floating_network")
        )
    }
    if node.properties.get("floating_ip_address") is not None:
        properties["floating_ip_address"] = ctx.hot(
            node.properties["floating_ip_address"], node, path
        )
    for requirement in node.required("tosca.relationships.network.LinksTo", ctx.registry):
        if requirement.target and requirement.target in ctx.main_resource:
            properties["port_id"] = {"get_resource": ctx.main_resource[requirement.target]}
            ctx.attributes.setdefault(requirement.target, {})["floating_ip"] = node.name
    ctx.main_resource[node.name] = ctx.add(
        node.name, {"type": "OS::Neutron::FloatingIP", "properties": properties}, node.name
    )


def build_load_balancer(ctx: Context, node: Node) -> None:
    """LoadBalancer -> Octavia load balancer, listener and pool, members for RoutesTo targets."""
    from heatctl.translate.tosca import balancer

    balancer.build(ctx, node)


def wire_relationships(ctx: Context, node: Node) -> None:
    """AttachesTo -> OS::Cinder::VolumeAttachment; other requirements -> depends_on."""
    source = ctx.main_resource.get(node.name)
    attach_index = 0
    for requirement in node.requirements:
        target = requirement.target
        if target is None or requirement.relationship is None:
            continue
        relationship = requirement.relationship
        if (
            ctx.registry.is_a(relationship, "tosca.relationships.AttachesTo")
            and source
            and ctx.kinds.get(target) in ("volume", "vdu_storage")
        ):
            attach_index += 1
            _attach(ctx, node, requirement, attach_index)
            continue
        if any(
            ctx.registry.is_a(relationship, base)
            for base in (
                "tosca.relationships.HostedOn",
                "tosca.relationships.network.LinksTo",
                "tosca.relationships.network.BindsTo",
                "tosca.relationships.RoutesTo",
            )
        ):
            continue
        if ctx.kinds.get(node.name) == "software" or ctx.kinds.get(target) == "software":
            continue  # ordered through the deployments in software.py
        if ctx.kinds.get(node.name) in ("vdu_cp", "port") or requirement.name == "virtual_storage":
            continue  # the server refers to its ports and block devices itself
        target_resource = ctx.main_resource.get(target)
        if source and target_resource:
            ctx.depend(source, target_resource)


def _attach(ctx: Context, node: Node, requirement: Any, index: int) -> None:
    target = requirement.target
    volume = ctx.main_resource.get(target)
    volume_ref: Any = (
        {"get_resource": volume} if volume else ctx.nodes[target].properties.get("volume_id")
    )
    properties: dict[str, Any] = {
        "instance_uuid": {"get_resource": ctx.main_resource[node.name]},
        "volume_id": volume_ref,
    }
    location = requirement.properties.get("location")
    if location is not None:
        properties["mountpoint"] = ctx.hot(
            location,
            node,
            (*requirement.path, "relationship", "properties", "location"),
            source=node,
            target=ctx.nodes[target],
        )
    if requirement.properties.get("device") is not None:
        ctx.reporter.untranslated(
            "AttachesTo device has no OS::Cinder::VolumeAttachment counterpart (mountpoint comes from location)",
            requirement.path,
        )
    name = (
        requirement.template or f"{node.name}_{requirement.name}_{index}"
        if requirement.template is None
        else requirement.template
    )
    ctx.add(name, {"type": "OS::Cinder::VolumeAttachment", "properties": properties}, node.name)
    if volume:
        ctx.depend(ctx.main_resource[node.name], volume)
