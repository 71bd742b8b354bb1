"""Lifecycle operations -> OS::Heat::SoftwareConfig + OS::Heat::SoftwareDeployment pairs.

Every Standard operation gets a pair named <node>_<op>_config / <node>_<op>_deploy on the
server found along the HostedOn chain (several hosts: a SoftwareDeploymentGroup). create,
configure and start run in that order on CREATE/UPDATE; stop and delete run on DELETE
(stop first). A node's first operation waits for the last create-phase operation of every
node it requires. Relationship Configure operations (pre/post_configure_source/target,
add_target, add_source...) on ConnectsTo become pairs named <source>_<target>_<op>.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from heatctl.translate.tosca.model import Node, is_function
from heatctl.translate.tosca.sources import fail, is_url
from heatctl.translate.tosca.topology import host_chain

if TYPE_CHECKING:
    from heatctl.translate.tosca.translator import Context

CREATE_PHASE = ("create", "configure", "start")
DELETE_PHASE = ("stop", "delete")
GROUPS = {".yaml": "ansible", ".yml": "ansible", ".ansible": "ansible", ".pp": "puppet"}
SOURCE_OPS = (
    "pre_configure_source",
    "post_configure_source",
    "add_target",
    "remove_target",
    "target_changed",
)
TARGET_OPS = ("pre_configure_target", "post_configure_target", "add_source", "remove_source")


def build_all(ctx: Context) -> None:
    """Deployments for every node with lifecycle operations, in dependency-friendly order."""
    for node in ctx.nodes.values():
        if ctx.kinds[node.name] in ("software", "server", "vdu"):
            _node_operations(ctx, node)
    for node in ctx.nodes.values():
        _order_after_requirements(ctx, node)
        _relationship_operations(ctx, node)
    for (node_name, operation), outputs in ctx.operation_outputs.items():
        config = ctx.resources.get(f"{node_name}_{operation}_config")
        if config is not None:
            config["properties"]["outputs"] = [{"name": name} for name in dict.fromkeys(outputs)]


def hosts_of(ctx: Context, node: Node) -> list[str]:
    """The servers a node's operations run on (itself for a server)."""
    if ctx.kinds[node.name] in ("server", "vdu"):
        return [node.name]
    direct = [
        r.target for r in node.required("tosca.relationships.HostedOn", ctx.registry) if r.target
    ]
    if len(direct) > 1:
        return [h for h in direct if ctx.kinds.get(h) in ("server", "vdu")] or hosts_of(
            ctx, ctx.nodes[direct[0]]
        )
    for host in host_chain(node, ctx.nodes, ctx.registry):
        if ctx.kinds[host.name] in ("server", "vdu"):
            return [host.name]
    return []


def _input_values(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Interface-level inputs: assignments from the template, or (in a type) definitions
    whose default is the value."""
    values: dict[str, Any] = {}
    if not isinstance(inputs, dict | Mapping):
        return values  # reported by _implementation
    for name, value in inputs.items():
        if isinstance(value, dict | Mapping) and "type" in value and not is_function(value):
            if "default" in value:
                values[str(name)] = value["default"]
        else:
            values[str(name)] = value
    return values


def _implementation(
    ctx: Context, node: Node, body: Any, path: tuple[Any, ...]
) -> tuple[str | None, dict[str, Any], list[str]]:
    """(primary file, inputs, dependency files) of an operation, short or long form."""
    inputs: dict[str, Any] = {}
    dependencies: list[str] = []
    implementation: Any = body
    if isinstance(body, dict | Mapping):
        implementation = body.get("implementation")
        if not isinstance(body.get("inputs") or {}, dict | Mapping):
            raise fail(
                "operation inputs must be a mapping", ctx.file, ctx.document, (*path, "inputs")
            )
        inputs = _input_values(body.get("inputs") or {})
        if body.get("outputs"):
            ctx.reporter.untranslated(
                "operation outputs mapped to attributes are not translated", (*path, "outputs")
            )
    if isinstance(implementation, dict | Mapping):
        primary = implementation.get("primary")
        dependencies = [_artifact_file(node, d) for d in implementation.get("dependencies") or []]
        if implementation.get("timeout") is not None:
            ctx.reporter.approximate(
                "operation timeout has no SoftwareDeployment counterpart",
                (*path, "implementation", "timeout"),
            )
        if implementation.get("operation_host") not in (None, "SELF", "HOST"):
            ctx.reporter.untranslated(
                f"operation_host {implementation['operation_host']} is not translated; the operation runs on the host server",
                (*path, "implementation", "operation_host"),
            )
        implementation = primary
    if implementation is None:
        return None, inputs, dependencies
    return _artifact_file(node, implementation), inputs, dependencies


def _artifact_file(node: Node, name: Any) -> str:
    artifact = node.artifacts.get(name) if isinstance(name, str) else None
    if isinstance(artifact, dict | Mapping):
        return str(artifact.get("file"))
    if isinstance(name, dict | Mapping):
        return str(name.get("file"))
    return str(artifact if artifact is not None else name)


def _group(file: str) -> str:
    for suffix, group in GROUPS.items():
        if file.endswith(suffix):
            return group
    return "script"


def _config_body(ctx: Context, file: str, path: tuple[Any, ...]) -> Any:
    """get_file of the implementation; a URL becomes a script that downloads and runs it."""
    if not is_url(file):
        return {"get_file": file}
    if _group(file) != "script":
        ctx.reporter.untranslated(
            f"implementation '{file}' is a URL; only shell scripts can be fetched at run time", path
        )
        return ""
    ctx.reporter.approximate(
        f"implementation '{file}' is a URL: the script downloads it on the server when it runs",
        path,
    )
    quoted = file.replace("'", "'\\''")
    return (
        f'#!/bin/sh\nset -e\nscript=$(mktemp)\ncurl -fsSL \'{quoted}\' -o "$script"\nsh "$script"\n'
    )


def _pair(
    ctx: Context,
    node: Node,
    name: str,
    file: str,
    inputs: Mapping[str, Any],
    dependencies: list[str],
    hosts: list[str],
    path: tuple[Any, ...],
    scope: dict[str, Node],
    *,
    deploy_name: str | None = None,
) -> str:
    if not is_url(file):
        ctx.check_file(file, path)
    config = {
        "type": "OS::Heat::SoftwareConfig",
        "properties": {"group": _group(file), "config": _config_body(ctx, file, path)},
    }
    owner = hosts[0] if hosts else node.name
    ctx.add(f"{name}_config", config, owner)
    deploy_props: dict[str, Any] = {"config": {"get_resource": f"{name}_config"}}
    values = {
        str(k): ctx.hot(
            v,
            scope.get("node", node),
            (*path, "inputs", k),
            source=scope.get("source"),
            target=scope.get("target"),
        )
        for k, v in inputs.items()
    }
    own = deploy_name or f"{name}_deploy"
    for key, value in list(values.items()):
        if isinstance(value, dict) and value.get("get_attr", [None])[0] == own:
            ctx.reporter.untranslated(
                f"input '{key}' reads an output of the same operation; it cannot have a value yet",
                (*path, "inputs", key),
            )
            values[key] = None
    for index, dependency in enumerate(dependencies):
        values[f"dependency_{index}"] = (
            {"get_file": dependency} if not is_url(dependency) else dependency
        )
    if dependencies:
        ctx.reporter.approximate(
            "implementation dependencies are passed to the script as input values dependency_N (their content)",
            path,
        )
    if values:
        deploy_props["input_values"] = values
    if len(hosts) == 1:
        deploy_props["server"] = {"get_resource": ctx.main_resource.get(hosts[0], hosts[0])}
        kind = "OS::Heat::SoftwareDeployment"
    else:
        deploy_props["servers"] = {h: {"get_resource": ctx.main_resource.get(h, h)} for h in hosts}
        kind = "OS::Heat::SoftwareDeploymentGroup"
    deploy = deploy_name or f"{name}_deploy"
    ctx.add(deploy, {"type": kind, "properties": deploy_props}, owner)
    return deploy


def _node_operations(ctx: Context, node: Node) -> None:
    standard = node.interfaces.get("Standard", {})
    operations = [op for op in (*CREATE_PHASE, *DELETE_PHASE) if standard.get(op) is not None]
    for name in node.interfaces:
        if name != "Standard" and any(not op.startswith("__") for op in node.interfaces[name]):
            ctx.reporter.untranslated(
                f"operations of interface '{name}' are not lifecycle operations; not translated",
                (*node.path, "interfaces"),
            )
    if not operations:
        if ctx.kinds[node.name] == "software" and not _has_resource(ctx, node):
            ctx.reporter.info(
                f"{node.typedef.name} '{node.name}' has no lifecycle operations: no resource",
                (*node.path, "type"),
            )
        return
    hosts = hosts_of(ctx, node)
    path = (*node.path, "interfaces", "Standard")
    if not hosts:
        ctx.reporter.untranslated(
            f"'{node.name}' has operations but is not hosted on a server (HostedOn); they are not translated",
            path,
        )
        return
    first = _galaxy_roles(ctx, node, hosts)
    previous = first
    shared = _input_values(standard.get("__inputs__") or {})
    if standard.get("__notifications__"):
        ctx.reporter.untranslated("interface notifications are not translated", path)
    for operation in operations:
        file, inputs, dependencies = _implementation(
            ctx, node, standard[operation], (*path, operation)
        )
        inputs = {**shared, **inputs}
        if file is None:
            continue
        deploy = _pair(
            ctx,
            node,
            f"{node.name}_{operation}",
            file,
            inputs,
            dependencies,
            hosts,
            (*path, operation),
            {"node": node},
        )
        if operation in DELETE_PHASE:
            ctx.resources[deploy]["properties"]["actions"] = ["DELETE"]
        if previous is not None and operation in CREATE_PHASE:
            ctx.depend(deploy, previous)
        if operation in CREATE_PHASE:
            ctx.attributes.setdefault(node.name, {}).setdefault("first_deploy", deploy)
            ctx.last_deploy[node.name] = deploy
            previous = deploy
    _order_delete_phase(ctx, node)


def _order_delete_phase(ctx: Context, node: Node) -> None:
    """stop runs before delete on stack delete: the stop deployment depends on the delete one."""
    stop, delete = f"{node.name}_stop_deploy", f"{node.name}_delete_deploy"
    last = ctx.last_deploy.get(node.name)
    for name in (delete, stop):
        if name in ctx.resources and last:
            ctx.depend(name, last)
    if stop in ctx.resources and delete in ctx.resources:
        ctx.depend(stop, delete)


def _has_resource(ctx: Context, node: Node) -> bool:
    return node.name in ctx.main_resource


def _galaxy_roles(ctx: Context, node: Node, hosts: list[str]) -> str | None:
    roles = [
        a.get("file")
        for a in node.artifacts.values()
        if isinstance(a, dict | Mapping) and str(a.get("type", "")).endswith("AnsibleGalaxy.role")
    ]
    if not roles:
        return None
    script = "#!/bin/bash\n" + "".join(f"ansible-galaxy install {role}\n" for role in roles)
    ctx.add(
        f"{node.name}_install_roles_config",
        {"type": "OS::Heat::SoftwareConfig", "properties": {"group": "script", "config": script}},
        hosts[0],
    )
    server = {"get_resource": ctx.main_resource.get(hosts[0], hosts[0])}
    deploy = f"{node.name}_install_roles_deploy"
    ctx.add(
        deploy,
        {
            "type": "OS::Heat::SoftwareDeployment",
            "properties": {
                "config": {"get_resource": f"{node.name}_install_roles_config"},
                "server": server,
            },
        },
        hosts[0],
    )
    return deploy


def _order_after_requirements(ctx: Context, node: Node) -> None:
    first = ctx.attributes.get(node.name, {}).get("first_deploy")
    if first is None:
        return
    for requirement in node.requirements:
        target = requirement.target
        if target is None:
            continue
        if target in ctx.last_deploy:
            ctx.depend(first, ctx.last_deploy[target])
        elif ctx.kinds.get(target) not in ("server", "vdu") and target in ctx.main_resource:
            ctx.depend(first, ctx.main_resource[target])


def _relationship_operations(ctx: Context, node: Node) -> None:
    for requirement in node.requirements:
        if requirement.target is None or not requirement.interfaces:
            continue
        target = ctx.nodes[requirement.target]
        for interface, operations in requirement.interfaces.items():
            if not isinstance(operations, dict | Mapping):
                continue
            ops = [(op, body) for op, body in operations.items() if op not in ("type", "inputs")]
            for operation, body in ops:
                path = (*requirement.path, "relationship", "interfaces", interface, operation)
                runs_on = (
                    node if operation in SOURCE_OPS else target if operation in TARGET_OPS else None
                )
                hosts = hosts_of(ctx, runs_on) if runs_on is not None else []
                file, inputs, dependencies = _implementation(ctx, node, body, path)
                if runs_on is None or not hosts or file is None:
                    ctx.reporter.untranslated(
                        f"relationship operation '{operation}' is not translated (no host to run it on)",
                        path,
                    )
                    continue
                stem = f"{node.name}_{target.name}"
                scope = {"node": node, "source": node, "target": target}
                deploy = _pair(
                    ctx,
                    node,
                    f"{stem}_{operation}",
                    file,
                    inputs,
                    dependencies,
                    hosts,
                    path,
                    scope,
                    deploy_name=f"{stem}_connect_deploy" if len(ops) == 1 else None,
                )
                _order_relationship(ctx, deploy, operation, node, target)


def _order_relationship(
    ctx: Context, deploy: str, operation: str, source: Node, target: Node
) -> None:
    """After the target is up and the source created; before the source's next step.

    The target side never waits for these deployments, so no cycle can form with the
    source waiting for its requirements.
    """
    created = f"{source.name}_create_deploy"
    if created in ctx.resources:
        ctx.depend(deploy, created)
    if target.name in ctx.last_deploy:
        ctx.depend(deploy, ctx.last_deploy[target.name])
    following = {
        "pre_configure_source": "configure",
        "pre_configure_target": "configure",
        "post_configure_source": "start",
        "post_configure_target": "start",
    }.get(operation)
    if following and f"{source.name}_{following}_deploy" in ctx.resources:
        ctx.depend(f"{source.name}_{following}_deploy", deploy)
