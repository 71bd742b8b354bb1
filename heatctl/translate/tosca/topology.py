"""Build the checked Node objects of a topology_template."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from heatctl.dsl.diagnostics import did_you_mean
from heatctl.translate.tosca.model import (
    NODE_KEYS,
    Checker,
    Node,
    Requirement,
    _mapping,
    merge_properties,
    normalise_interfaces,
)
from heatctl.translate.tosca.sources import fail
from heatctl.translate.tosca.types import TypeDef, TypeRegistry

# Capability tables of normative node types (see TopologyBuilder._capability_schemas),
# keyed by the identity of the process's normative TypeDef, which they keep alive.
_SHARED_CAPABILITIES: dict[int, tuple[TypeDef, list[Any]]] = {}


class TopologyBuilder:
    """Turns node_templates (and relationship_templates) into Nodes, checking as it goes."""

    def __init__(
        self, registry: TypeRegistry, file: str | None, document: Any, reporter: Any
    ) -> None:
        self.registry = registry
        self.file = file
        self.document = document
        self.reporter = reporter
        self.checker = Checker(registry, file, document)
        self._capability_cache: dict[int, tuple[TypeDef, list[Any]]] = {}
        topology = document.get("topology_template") or {}
        self.templates = _mapping(
            topology.get("node_templates"),
            "node_templates",
            file,
            document,
            ("topology_template", "node_templates"),
        )
        self.relationship_templates = _mapping(
            topology.get("relationship_templates"),
            "relationship_templates",
            file,
            document,
            ("topology_template", "relationship_templates"),
        )

    def build(self) -> dict[str, Node]:
        """Every node template as a Node, in file order."""
        nodes = {
            str(name): self._node(str(name), self._copied(str(name), body))
            for name, body in self.templates.items()
        }
        for node in nodes.values():
            self._requirements(node, nodes)
        return nodes

    def _copied(self, name: str, body: Any) -> Any:
        """`copy: other` (TOSCA 1.2+): start from the other template, then apply this one."""
        if not isinstance(body, dict | Mapping) or "copy" not in body:
            return body
        path = ("topology_template", "node_templates", name, "copy")
        source = self.templates.get(body["copy"])
        if not isinstance(source, dict | Mapping):
            raise fail(
                f"copy names '{body['copy']}', which is not a node template{did_you_mean(body['copy'], self.templates)}",
                self.file,
                self.document,
                path,
            )
        if "copy" in source:
            raise fail(
                f"cannot copy '{body['copy']}': it is itself a copy", self.file, self.document, path
            )
        return {**source, **{k: v for k, v in body.items() if k != "copy"}}

    def _node(self, name: str, body: Any) -> Node:
        path = ("topology_template", "node_templates", name)
        if not isinstance(body, dict | Mapping) or "type" not in body:
            raise fail(f"node template '{name}' needs a type", self.file, self.document, path)
        for key in body:
            if key not in NODE_KEYS:
                raise fail(
                    f"node template '{name}' has unknown key '{key}'{did_you_mean(key, NODE_KEYS)}",
                    self.file,
                    self.document,
                    (*path, key),
                )
        typedef = self.registry.require(
            "node_types", body["type"], self.file, self.document, (*path, "type")
        )
        what = f"node template '{name}' ({typedef.name})"
        given = _mapping(
            body.get("properties"), "properties", self.file, self.document, (*path, "properties")
        )
        schemas = self.registry.merged(typedef, "properties")
        abstract = "substitute" in (body.get("directives") or []) or "select" in (
            body.get("directives") or []
        )
        properties = merge_properties(
            self.checker, schemas, given, (*path, "properties"), what, check_required=not abstract
        )
        node = Node(name, typedef, body, path, properties)
        node.capabilities = self._capabilities(node, what)
        type_interfaces = self.registry.merged(typedef, "interfaces")
        node.interfaces = normalise_interfaces(
            self.registry,
            type_interfaces,
            _mapping(
                body.get("interfaces"),
                "interfaces",
                self.file,
                self.document,
                (*path, "interfaces"),
            ),
        )
        node.artifacts = {
            **self.registry.merged(typedef, "artifacts"),
            **_mapping(
                body.get("artifacts"), "artifacts", self.file, self.document, (*path, "artifacts")
            ),
        }
        return node

    def _capability_schemas(self, typedef: TypeDef) -> list[tuple[Any, Any, dict[str, Any]]]:
        """Per capability of a node type: its name, property schemas and their defaults.
        The same for every node of the type, so built once per type and translation."""
        # A normative node type whose capability types are all normative has the same
        # table in every translation: kept per process, like the normative types.
        shared = self.registry.normative_only(typedef, "capability_types")
        cache = _SHARED_CAPABILITIES if shared else self._capability_cache
        cached = cache.get(id(typedef))
        if cached is not None and cached[0] is typedef:
            return cached[1]
        table = []
        for name, definition in self.registry.merged(typedef, "capabilities").items():
            cap_type = (
                definition.get("type") if isinstance(definition, dict | Mapping) else definition
            )
            captype = self.registry.find("capability_types", cap_type)
            schemas = self.registry.merged(captype, "properties") if captype else {}
            if isinstance(definition, dict | Mapping) and isinstance(
                definition.get("properties"), Mapping
            ):
                schemas = {
                    **schemas,
                    **{
                        k: v if isinstance(v, dict | Mapping) else {"type": "string", "default": v}
                        for k, v in definition["properties"].items()
                    },
                }
            defaults = {
                key: schema["default"]
                for key, schema in schemas.items()
                if isinstance(schema, dict | Mapping) and "default" in schema
            }
            table.append((name, schemas, defaults))
        cache[id(typedef)] = (typedef, table)
        return table

    def _capabilities(self, node: Node, what: str) -> dict[str, dict[str, Any]]:
        given = _mapping(
            node.definition.get("capabilities"),
            "capabilities",
            self.file,
            self.document,
            (*node.path, "capabilities"),
        )
        result: dict[str, dict[str, Any]] = {}
        for name, schemas, defaults in self._capability_schemas(node.typedef):
            body = given.get(name) or {}
            path = (*node.path, "capabilities", name)
            values = _mapping(
                body.get("properties") if isinstance(body, dict | Mapping) else None,
                "capability properties",
                self.file,
                self.document,
                (*path, "properties"),
            )
            if not values:  # merge_properties() of nothing given: the defaults
                result[str(name)] = dict(defaults)
                continue
            result[str(name)] = merge_properties(
                self.checker,
                schemas,
                values,
                (*path, "properties"),
                f"capability '{name}' of {what}",
                check_required=False,
            )
        if given:
            definitions = self.registry.merged(node.typedef, "capabilities")
            for name in given:
                if name not in definitions:
                    raise fail(
                        f"{what} has no capability '{name}'{did_you_mean(name, definitions)}",
                        self.file,
                        self.document,
                        (*node.path, "capabilities", name),
                    )
        return result

    def _requirements(self, node: Node, nodes: Mapping[str, Node]) -> None:
        definitions = self.registry.requirements(node.typedef)
        items = node.definition.get("requirements") or []
        if not isinstance(items, list):
            raise fail(
                "requirements must be a list",
                self.file,
                self.document,
                (*node.path, "requirements"),
            )
        for index, item in enumerate(items):
            path = (*node.path, "requirements", index)
            item = self._misindented(item, path)
            if not isinstance(item, dict | Mapping) or len(item) != 1:
                raise fail(
                    "a requirement must be a mapping with one name", self.file, self.document, path
                )
            ((name, body),) = item.items()
            path = (*path, name)
            definition = definitions.get(str(name))
            if definition is None:
                # tosca-parser accepts undeclared requirement names; so do we, with a note.
                hint = did_you_mean(name, definitions)
                self.reporter.info(
                    f"{node.typedef.name} declares no requirement '{name}'{hint};"
                    " its relationship is taken from the assignment (default DependsOn)",
                    path,
                )
                definition = {"relationship": "tosca.relationships.DependsOn"}
            node.requirements.append(
                self._requirement(node, str(name), body, definition, nodes, path)
            )

    def _misindented(self, item: Any, path: tuple[Any, ...]) -> Any:
        """`- link:` followed by `node: X` at the same indentation is a two-key mapping;
        tosca-parser reads it as the requirement `link` on X, and so do we, with a note."""
        if isinstance(item, dict | Mapping) and len(item) == 2 and "node" in item:
            names = [k for k in item if k != "node"]
            if item[names[0]] is None:
                self.reporter.approximate(
                    f"requirement '{names[0]}': 'node' is not indented under it; read as its target",
                    path,
                )
                return {names[0]: {"node": item["node"]}}
        return item

    def _requirement(
        self,
        node: Node,
        name: str,
        body: Any,
        definition: Mapping[str, Any],
        nodes: Mapping[str, Node],
        path: tuple[Any, ...],
    ) -> Requirement:
        target: Any = body
        relationship: Any = definition.get("relationship")
        capability = definition.get("capability")
        properties: dict[str, Any] = {}
        interfaces: dict[str, Any] = {}
        template_name: str | None = None
        if isinstance(body, dict | Mapping):
            target = body.get("node")
            capability = body.get("capability", capability)
            relationship = body.get("relationship", relationship)
            if "node_filter" in body:
                self.reporter.untranslated(
                    "node_filter is not translated (HOT has no node selection)",
                    (*path, "node_filter"),
                )
        if isinstance(relationship, str) and relationship in self.relationship_templates:
            template_name = relationship
            rel_body = self.relationship_templates[relationship]
            relationship = rel_body
        if isinstance(relationship, dict | Mapping):
            where = (*path, "relationship")
            properties = dict(
                _mapping(
                    relationship.get("properties"),
                    "relationship properties",
                    self.file,
                    self.document,
                    where,
                )
            )
            interfaces = dict(
                _mapping(
                    relationship.get("interfaces"),
                    "relationship interfaces",
                    self.file,
                    self.document,
                    where,
                )
            )
            relationship = relationship.get("type", definition.get("relationship"))
        reltype = None
        if relationship is not None:
            reltype = self.registry.require(
                "relationship_types", relationship, self.file, self.document, path
            )
        if reltype is not None:
            defaults = {
                k: v["default"]
                for k, v in self.registry.merged(reltype, "properties").items()
                if isinstance(v, dict | Mapping) and "default" in v
            }
            properties = {**defaults, **properties}
            if template_name is None and not interfaces:
                interfaces = {
                    name: ops
                    for name, ops in self.registry.merged(reltype, "interfaces").items()
                    if isinstance(ops, dict | Mapping)
                    and any(op not in ("type", "inputs") for op in ops)
                }
        target_name = self._target(node, target, path, nodes)
        return Requirement(
            name,
            target_name,
            capability if isinstance(capability, str) else None,
            reltype,
            properties,
            interfaces,
            template_name,
            path,
        )

    def _target(
        self, node: Node, target: Any, path: tuple[Any, ...], nodes: Mapping[str, Node]
    ) -> str | None:
        if target is None:
            self.reporter.untranslated(
                "requirement without a target node (to be fulfilled by the orchestrator) is not translated",
                path,
            )
            return None
        if not isinstance(target, str):
            raise fail(
                "a requirement's node must be a node template name", self.file, self.document, path
            )
        if target in nodes:
            if target == node.name:
                self.reporter.untranslated(
                    f"requirement of '{node.name}' points at itself; not translated", path
                )
                return None
            return target
        typedef: TypeDef | None = self.registry.find("node_types", target)
        if typedef is not None:
            matches = [
                n.name for n in nodes.values() if self.registry.is_a(n.typedef, typedef.name)
            ]
            if len(matches) == 1:
                return matches[0]
            self.reporter.untranslated(
                f"requirement names node type {typedef.name}, matched by {len(matches)} node templates; not translated",
                path,
            )
            return None
        raise fail(
            f"requirement of '{node.name}' names node template '{target}', which does not exist{did_you_mean(target, nodes)}",
            self.file,
            self.document,
            path,
        )


def host_chain(node: Node, nodes: Mapping[str, Node], registry: TypeRegistry) -> list[Node]:
    """The nodes `node` is hosted on, nearest first (HostedOn, transitively)."""
    chain: list[Node] = []
    current = node
    seen = {node.name}
    while True:
        hosts = [
            r.target for r in current.required("tosca.relationships.HostedOn", registry) if r.target
        ]
        if not hosts or hosts[0] in seen:
            return chain
        current = nodes[hosts[0]]
        seen.add(current.name)
        chain.append(current)
