"""TOSCA functions -> HOT intrinsic functions (or values resolved at translate time).

get_input -> get_param; get_property is resolved to the property's (translated) value;
get_attribute goes through each translated type's attribute table; get_operation_output
-> get_attr of the SoftwareDeployment (declaring the output on its SoftwareConfig);
concat/join -> list_join; token -> str_split; get_artifact -> get_file;
get_nodes_of_type -> a list of get_resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from heatctl.dsl.diagnostics import did_you_mean
from heatctl.translate.tosca.model import Node, is_function
from heatctl.translate.tosca.sources import fail, is_url
from heatctl.translate.tosca.topology import host_chain

if TYPE_CHECKING:
    from heatctl.translate.tosca.translator import Context


class Scope(NamedTuple):  # immutable; cheaper to define at start-up than a frozen dataclass
    """Where a function is evaluated: the node it belongs to, and a relationship's ends."""

    node: Node | None = None
    source: Node | None = None
    target: Node | None = None


class Unresolved(Exception):
    """A value that cannot be expressed in HOT; the message says why."""


class Functions:
    """Translates values containing TOSCA functions for one Context."""

    def __init__(self, context: Context) -> None:
        self.ctx = context

    def hot(self, value: Any, scope: Scope, path: tuple[Any, ...]) -> Any:
        """`value` with every TOSCA function replaced by its HOT form."""
        if is_function(value):
            ((name, args),) = value.items()
            try:
                return getattr(self, "_" + name)(args, scope, path)
            except Unresolved as problem:
                self.ctx.reporter.untranslated(str(problem), path)
                return None
        if isinstance(value, dict | Mapping):
            return {k: self.hot(v, scope, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.hot(v, scope, (*path, i)) for i, v in enumerate(value)]
        return value

    def _args(
        self, args: Any, minimum: int, name: str, path: tuple[Any, ...], *, names: bool = False
    ) -> list[Any]:
        """The argument list; with `names`, every argument must be a name or an index."""
        if not isinstance(args, list):
            args = [args]
        if len(args) < minimum:
            raise fail(
                f"{name} needs at least {minimum} argument(s), got {len(args)}",
                self.ctx.file,
                self.ctx.document,
                path,
            )
        if names and any(not isinstance(a, str | int) or isinstance(a, bool) for a in args):
            raise fail(
                f"{name} arguments must be names or indexes, got {args!r}",
                self.ctx.file,
                self.ctx.document,
                path,
            )
        return list(args)

    def entity(self, name: Any, scope: Scope, path: tuple[Any, ...], function: str) -> Node:
        """The node a function's first argument names (SELF, SOURCE, TARGET, HOST or a name)."""
        nodes = self.ctx.nodes
        if name == "SELF" and scope.node is not None:
            return scope.node
        if name == "SOURCE" and scope.source is not None:
            return scope.source
        if name == "TARGET" and scope.target is not None:
            return scope.target
        if name == "HOST" and scope.node is not None:
            chain = host_chain(scope.node, nodes, self.ctx.registry)
            if chain:
                return chain[0]
            raise fail(
                f"{function}: HOST used in '{scope.node.name}', which is not hosted on anything",
                self.ctx.file,
                self.ctx.document,
                path,
            )
        if name in ("SELF", "SOURCE", "TARGET", "HOST"):
            raise fail(
                f"{function}: {name} is not defined here", self.ctx.file, self.ctx.document, path
            )
        if isinstance(name, str) and name in nodes:
            return nodes[name]
        raise fail(
            f"{function} refers to node template '{name}', which does not exist{did_you_mean(name, nodes)}",
            self.ctx.file,
            self.ctx.document,
            path,
        )

    def _get_input(self, args: Any, scope: Scope, path: tuple[Any, ...]) -> Any:
        items = args if isinstance(args, list) else [args]
        name = items[0] if items else None
        if not isinstance(name, str) or name not in self.ctx.inputs.definitions:
            raise fail(
                f"get_input refers to input '{name}', which is not defined{did_you_mean(name, self.ctx.inputs.definitions)}",
                self.ctx.file,
                self.ctx.document,
                path,
            )
        return {"get_param": [name, *items[1:]] if len(items) > 1 else name}

    def input_value(
        self, value: Any, path: tuple[Any, ...], why: str, *, optional: bool = False
    ) -> Any:
        """A value needed at translate time: get_input is replaced by the input's value.

        With `optional`, an input without a value gives None and an "approximate" report
        entry (the caller has a fallback); otherwise it is an error.
        """
        if is_function(value) and "get_input" in value:
            args = value["get_input"]
            name = args[0] if isinstance(args, list) and args else args
            if not isinstance(name, str) or name not in self.ctx.inputs.definitions:
                self._get_input(args, Scope(), path)
            if not self.ctx.inputs.has_value(name) and optional:
                self.ctx.reporter.approximate(
                    f"input '{name}' has no default and no value given; it is ignored {why} (give -P {name}=VALUE)",
                    path,
                )
                return None
            if not self.ctx.inputs.has_value(name):
                raise fail(
                    f"input '{name}' has no default and no value given; it is needed at translate time {why} (give -P {name}=VALUE)",
                    self.ctx.file,
                    self.ctx.document,
                    path,
                )
            return self.ctx.inputs.values[name]
        return value

    def _get_property(self, args: Any, scope: Scope, path: tuple[Any, ...]) -> Any:
        items = self._args(args, 2, "get_property", path, names=True)
        node = self.entity(items[0], scope, path, "get_property")
        if items[0] == "HOST" and scope.node is not None:
            for host in host_chain(scope.node, self.ctx.nodes, self.ctx.registry):
                if items[1] in host.properties or items[1] in host.capabilities:
                    node = host
                    break
        value, owner, rest = self._property(node, items[1:], path)
        return self._index(self.hot(value, Scope(owner), path), rest, path)

    def _property(
        self, node: Node, names: list[Any], path: tuple[Any, ...]
    ) -> tuple[Any, Node, list[Any]]:
        first = names[0]
        if len(names) >= 2 and first in node.capabilities and names[1] in node.capabilities[first]:
            return node.capabilities[first][names[1]], node, names[2:]
        if len(names) >= 2:
            for requirement in node.requirements:
                if requirement.name == first and requirement.target:
                    target = self.ctx.nodes[requirement.target]
                    for capability in target.capabilities.values():
                        if names[1] in capability and first in target.capabilities:
                            return target.capabilities[first][names[1]], target, names[2:]
                    for capability in target.capabilities.values():
                        if names[1] in capability:
                            return capability[names[1]], target, names[2:]
                    if names[1] in target.properties:
                        return target.properties[names[1]], target, names[2:]
        if first in node.properties:
            return node.properties[first], node, names[1:]
        known = list(node.properties) + list(node.capabilities)
        raise fail(
            f"get_property: node template '{node.name}' has no property '{first}'{did_you_mean(first, known)}",
            self.ctx.file,
            self.ctx.document,
            path,
        )

    def _index(self, value: Any, rest: list[Any], path: tuple[Any, ...]) -> Any:
        for key in rest:
            if isinstance(value, dict | Mapping) and "get_param" in value and len(value) == 1:
                param = value["get_param"]
                value = {"get_param": [*(param if isinstance(param, list) else [param]), key]}
            elif (isinstance(value, dict | Mapping) and key in value) or (
                isinstance(value, list) and isinstance(key, int) and -len(value) <= key < len(value)
            ):
                value = value[key]
            else:
                raise fail(
                    f"get_property: no '{key}' in {value!r}", self.ctx.file, self.ctx.document, path
                )
        return value

    def _get_attribute(self, args: Any, scope: Scope, path: tuple[Any, ...]) -> Any:
        items = self._args(args, 2, "get_attribute", path, names=True)
        node = self.entity(items[0], scope, path, "get_attribute")
        names = items[1:]
        if len(names) >= 2 and (
            names[0] in node.capabilities or names[0] in {r.name for r in node.requirements}
        ):
            names = names[1:]
        result = self.ctx.attribute(node, str(names[0]), names[1:], path)
        if result is None:
            raise Unresolved(
                f"get_attribute: attribute '{names[0]}' of {node.typedef.name} '{node.name}' has no HOT counterpart"
            )
        return result

    def _get_operation_output(self, args: Any, scope: Scope, path: tuple[Any, ...]) -> Any:
        items = self._args(args, 4, "get_operation_output", path, names=True)
        node = self.entity(items[0], scope, path, "get_operation_output")
        interface, operation, output = (str(v) for v in items[1:4])
        interface = "Standard" if interface.endswith("lifecycle.Standard") else interface
        if operation not in node.interfaces.get(interface, {}):
            raise fail(
                f"get_operation_output: '{node.name}' has no operation {interface}.{operation}",
                self.ctx.file,
                self.ctx.document,
                path,
            )
        self.ctx.operation_outputs.setdefault((node.name, operation), []).append(output)
        return {"get_attr": [f"{node.name}_{operation}_deploy", output]}

    def _concat(self, args: Any, scope: Scope, path: tuple[Any, ...]) -> Any:
        items = [
            self.hot(v, scope, (*path, i))
            for i, v in enumerate(self._args(args, 1, "concat", path))
        ]
        if all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in items):
            return "".join(str(v) for v in items)
        self.ctx.need_version("2014-10-16")
        return {"list_join": ["", items]}

    def _join(self, args: Any, scope: Scope, path: tuple[Any, ...]) -> Any:
        items = self._args(args, 1, "join", path)
        values = self.hot(items[0], scope, path)
        delimiter = items[1] if len(items) > 1 else ""
        self.ctx.need_version("2014-10-16")
        return {"list_join": [delimiter, values]}

    def _token(self, args: Any, scope: Scope, path: tuple[Any, ...]) -> Any:
        items = self._args(args, 3, "token", path)
        text = self.hot(items[0], scope, path)
        separators, index = str(items[1]), items[2]
        if isinstance(text, str):
            import re

            parts = re.split("[" + re.escape(separators) + "]", text)
            return parts[index] if isinstance(index, int) and 0 <= index < len(parts) else None
        if len(separators) != 1:
            self.ctx.reporter.approximate(
                f"token with several separators '{separators}' becomes str_split on the first one",
                path,
            )
        self.ctx.need_version("2016-10-14")
        return {"str_split": [separators[:1], text, index]}

    def _get_artifact(self, args: Any, scope: Scope, path: tuple[Any, ...]) -> Any:
        items = self._args(args, 2, "get_artifact", path, names=True)
        node = self.entity(items[0], scope, path, "get_artifact")
        artifact = node.artifacts.get(items[1])
        if artifact is None:
            raise fail(
                f"get_artifact: '{node.name}' has no artifact '{items[1]}'{did_you_mean(items[1], node.artifacts)}",
                self.ctx.file,
                self.ctx.document,
                path,
            )
        file = artifact.get("file") if isinstance(artifact, dict | Mapping) else artifact
        if len(items) > 2 and items[2] not in ("LOCAL_FILE", None):
            self.ctx.reporter.approximate(
                "get_artifact location is not translated; the artifact's content is passed instead",
                path,
            )
        if is_url(str(file)):
            self.ctx.reporter.approximate("get_artifact of a URL gives the URL itself", path)
            return file
        self.ctx.check_file(str(file), path)
        self.ctx.reporter.approximate(
            "get_artifact becomes get_file: the artifact's content, not a path on the host", path
        )
        return {"get_file": file}

    def _get_nodes_of_type(self, args: Any, scope: Scope, path: tuple[Any, ...]) -> Any:
        name = args[0] if isinstance(args, list) else args
        typedef = self.ctx.registry.require(
            "node_types", name, self.ctx.file, self.ctx.document, path
        )
        names = [
            n.name
            for n in self.ctx.nodes.values()
            if self.ctx.registry.is_a(n.typedef, typedef.name)
        ]
        return [{"get_resource": self.ctx.main_resource.get(n, n)} for n in names]
