"""tosca.nodes.Container.Application (Docker) -> OS::Zun::Container."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from heatctl.translate.tosca.model import Node, is_function
from heatctl.translate.tosca.topology import host_chain
from heatctl.translate.tosca.values import size_in

if TYPE_CHECKING:
    from heatctl.translate.tosca.translator import Context

DOCKER_IMAGE = "tosca.artifacts.Deployment.Image.Container.Docker"


def build(ctx: Context, node: Node) -> None:
    """The container's image (its create implementation, or its Docker image artifact),
    environment (the create inputs) and CPU and memory (its runtime's host capability)."""
    create = node.interfaces.get("Standard", {}).get("create")
    implementation = create.get("implementation") if isinstance(create, dict | Mapping) else create
    inputs = create.get("inputs") if isinstance(create, dict | Mapping) else None
    artifact = node.artifacts.get(implementation) if isinstance(implementation, str) else None
    if artifact is None:
        artifact = next(
            (
                a
                for a in node.artifacts.values()
                if isinstance(a, dict | Mapping) and _is_docker(ctx, a)
            ),
            None,
        )
    image = artifact.get("file") if isinstance(artifact, dict | Mapping) else implementation
    if not isinstance(image, str):
        ctx.reporter.untranslated(
            "a container without a Docker image artifact is not translated",
            (*node.path, "artifacts"),
        )
        return
    properties: dict[str, Any] = {"image": image, "name": node.name}
    if isinstance(inputs, dict | Mapping) and inputs:
        properties["environment"] = {
            str(k): ctx.hot(v, node, (*node.path, "interfaces", "Standard", "create", "inputs", k))
            for k, v in inputs.items()
        }
    properties.update(_resources(ctx, node))
    ctx.reporter.approximate(
        "the container runs where Zun places it; its Container.Runtime host is not used",
        (*node.path, "requirements"),
    )
    ctx.main_resource[node.name] = ctx.add(
        node.name, {"type": "OS::Zun::Container", "properties": properties}, node.name
    )


def _is_docker(ctx: Context, artifact: Mapping[str, Any]) -> bool:
    typedef = ctx.registry.find("artifact_types", artifact.get("type"))
    return typedef is not None and ctx.registry.is_a(typedef, DOCKER_IMAGE)


def _resources(ctx: Context, node: Node) -> dict[str, Any]:
    for runtime in host_chain(node, ctx.nodes, ctx.registry):
        host = runtime.capabilities.get("host", {})
        if host.get("num_cpus") is None and host.get("mem_size") is None:
            continue
        result: dict[str, Any] = {}
        if host.get("num_cpus") is not None:
            result["cpu"] = ctx.hot(
                host["num_cpus"], runtime, (*runtime.path, "capabilities", "host")
            )
        memory = host.get("mem_size")
        if memory is not None and not is_function(memory):  # already checked as a size
            result["memory"] = size_in(memory, "MiB")
        return result
    return {}
