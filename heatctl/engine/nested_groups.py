"""OS::Heat::ResourceGroup and OS::Heat::ResourceChain: members in a child stack.

The group resource owns a child stack (see heatctl.engine.nested) whose resources are the
members "0", "1", ... A ResourceGroup's child is made here from the group's resolved
properties (every member is `resource_def` with the index placeholder replaced), so it
needs no Model Interpreter: `GroupModel` is a TemplateModel whose values are already
plain. A ResourceChain's child (one member per listed type, each given
`resource_properties`, each depending on the previous one unless `concurrent`) is loaded
by the Model Interpreter, so a listed type may be a provider template.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import count as counter
from typing import TYPE_CHECKING, Any

import networkx as nx

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.nested import ChildStackPlugin, load_document, parent_loaded
from heatctl.engine.records import StackRecord
from heatctl.engine.stack import OutputSpec, ResourceResolver, ResourceSpec

if TYPE_CHECKING:
    from heatctl.engine.stack import TemplateModel

GROUP_TYPE = "OS::Heat::ResourceGroup"
CHAIN_TYPE = "OS::Heat::ResourceChain"


class GroupModel:
    """The child stack of a ResourceGroup: members named by index, no dependencies."""

    def __init__(
        self,
        names: list[str],
        definition: Mapping[str, Any],
        index_var: str,
        provider: tuple[Any, str] | None = None,
    ) -> None:
        member_type = str(definition.get("type", ""))
        # Members whose type is a provider template: (the parent's LoadedTemplate, the key
        # of the template in its providers), so each member loads it as its own child.
        self.loaded = provider[0] if provider else None
        self.provider_keys = {n: provider[1] for n in names} if provider else {}
        self.template_types = {member_type} if provider else set()
        properties = dict(definition.get("properties") or {})
        self.resources: Mapping[str, ResourceSpec] = {
            name: ResourceSpec(name, member_type, substitute(properties, index_var, name))
            for name in names
        }
        self.document: dict[str, Any] = {
            "heat_template_version": "2018-08-31",
            "resources": {
                n: {"type": s.type, "properties": dict(s.properties)}
                for n, s in self.resources.items()
            },
        }
        self.environment: dict[str, Any] = {"nested": GROUP_TYPE}
        self.parameters: dict[str, Any] = {}
        self.hidden_parameters: list[str] = []
        self.files: dict[str, str] = {}
        self.outputs: Mapping[str, OutputSpec] = {}
        self.graph = nx.DiGraph()
        self.graph.add_nodes_from(names)

    def evaluate(self, value: Any, resources: ResourceResolver) -> Any:
        return value  # the group resolved its properties before making this model

    def is_partial(self, value: Any) -> bool:
        return False

    def bind(self, stack_id: str, stack_name: str) -> GroupModel:
        return self


class PlainModel:
    """A child template of plain values (no functions) as a TemplateModel: used when the
    parent has no Model Interpreter view (a group inside a group's child stack)."""

    def __init__(self, document: dict[str, Any]) -> None:
        resources = document.get("resources") or {}
        self.document = document
        self.resources: Mapping[str, ResourceSpec] = {
            name: ResourceSpec(name, str(d.get("type", "")), dict(d.get("properties") or {}))
            for name, d in resources.items()
        }
        self.environment: dict[str, Any] = {}
        self.parameters: dict[str, Any] = {}
        self.hidden_parameters: list[str] = []
        self.files: dict[str, str] = {}
        self.outputs: Mapping[str, OutputSpec] = {}
        self.graph = nx.DiGraph()
        self.graph.add_nodes_from(resources)
        for name, definition in resources.items():
            for requirement in definition.get("depends_on") or []:
                self.graph.add_edge(requirement, name)

    def evaluate(self, value: Any, resources: ResourceResolver) -> Any:
        return value

    def is_partial(self, value: Any) -> bool:
        return False

    def bind(self, stack_id: str, stack_name: str) -> PlainModel:
        return self


def substitute(value: Any, index_var: str, index: str) -> Any:
    """`resource_def` with every occurrence of the index placeholder replaced (Heat does
    it in strings at any depth, keys included)."""
    if isinstance(value, str):
        return value.replace(index_var, index)
    if isinstance(value, Mapping):
        return {
            substitute(k, index_var, index): substitute(v, index_var, index)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [substitute(v, index_var, index) for v in value]
    return value


def member_names(size: int, blacklist: set[str]) -> list[str]:
    """Heat's naming: the first `size` indexes not removed. Shrinking therefore drops the
    highest indexes first; a removed name is never used again."""
    names: Iterator[str] = (str(i) for i in counter() if str(i) not in blacklist)
    return [next(names) for _ in range(size)]


class ResourceGroupPlugin(ChildStackPlugin):
    """Lifecycle of OS::Heat::ResourceGroup over a child stack of the same engine."""

    def child_model(self, ctx: ResourceContext, child: StackRecord | None) -> TemplateModel:
        blacklist = self._blacklist(ctx, child)
        ctx.data["removed"] = sorted(blacklist, key=_index_key)
        size = int(ctx.properties.get("count", 1) or 0)
        index_var = str(ctx.properties.get("index_var") or "%index%")
        definition = ctx.properties.get("resource_def") or {}
        loaded = getattr(self.engine.models.get(ctx.stack_id), "loaded", None)
        key = f"{ctx.name}/resource_def"
        provider = (loaded, key) if key in getattr(loaded, "providers", {}) else None
        return GroupModel(member_names(size, blacklist), definition, index_var, provider)

    def _blacklist(self, ctx: ResourceContext, child: StackRecord | None) -> set[str]:
        policies = ctx.properties.get("removal_policies") or []
        mode = ctx.properties.get("removal_policies_mode") or "append"
        removed = set(ctx.data.get("removed", [])) if mode == "append" else set()
        if child is None:
            return removed
        members = {r.name: r.physical_id for r in self.engine.store.resources(child.id)}
        by_id = {pid: name for name, pid in members.items() if pid}
        for policy in policies:
            for entry in (policy or {}).get("resource_list") or []:
                name = str(entry)
                if name in members:
                    removed.add(name)
                elif name in by_id:
                    removed.add(by_id[name])
        return removed

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        """refs, refs_map, attributes (by attribute name, then member), resource.N,
        resource.N.<attr>, and every member attribute as the list over members."""
        child = self._child(ctx)
        if child is None:
            return {}
        rows = sorted(self.engine.store.resources(child.id), key=lambda r: _index_key(r.name))
        members = member_attributes(self.engine.store, child.id, rows)
        ctx.secret_attributes = tuple(sorted(set(ctx.secret_attributes) | members.secret))
        return {
            **members.values,
            "refs": list(members.refs.values()),
            "refs_map": members.refs,
            "attributes": members.by_attr,
            "removed_rsrc_list": list(ctx.data.get("removed", [])),
        }


class ResourceChainPlugin(ChildStackPlugin):
    """OS::Heat::ResourceChain: members "0".."n-1", one per type in `resources`, each with
    `resource_properties`; each depends on the one before unless `concurrent` (Heat)."""

    def child_model(self, ctx: ResourceContext, child: StackRecord | None) -> TemplateModel:
        types = [str(t) for t in ctx.properties.get("resources") or []]
        properties = dict(ctx.properties.get("resource_properties") or {})
        concurrent = bool(ctx.properties.get("concurrent"))
        resources: dict[str, Any] = {}
        for index, type_name in enumerate(types):
            definition: dict[str, Any] = {"type": type_name, "properties": properties}
            if index and not concurrent:
                definition["depends_on"] = [str(index - 1)]
            resources[str(index)] = definition
        document = {"heat_template_version": "2015-04-30", "resources": resources}
        loaded = parent_loaded(self.engine, ctx)
        if loaded is None:
            return PlainModel(document)
        label = f"<members of {ctx.name}, made from {loaded.name}>"
        return load_document(loaded, ctx.name, json.dumps(document, indent=1), {}, label)

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        """refs, attributes (by attribute name, then member), resource.N[.<attr>], and
        every member attribute as the list over members."""
        child = self._child(ctx)
        if child is None:
            return {}
        rows = sorted(self.engine.store.resources(child.id), key=lambda r: _index_key(r.name))
        members = member_attributes(self.engine.store, child.id, rows)
        ctx.secret_attributes = tuple(sorted(set(ctx.secret_attributes) | members.secret))
        return {
            **members.values,
            "refs": list(members.refs.values()),
            "attributes": members.by_attr,
        }


@dataclass
class MemberAttributes:
    """What a group shows of its members (rows in the group's order)."""

    refs: dict[str, Any] = field(default_factory=dict)  # member name -> reference
    by_attr: dict[str, dict[str, Any]] = field(default_factory=dict)  # attr -> member -> value
    values: dict[str, Any] = field(default_factory=dict)  # resource.N[.attr], <attr> lists
    secret: set[str] = field(default_factory=set)  # attribute names that carry a secret


def member_attributes(store: Any, child_id: str, rows: Sequence[Any]) -> MemberAttributes:
    """refs, attributes by name and member, `resource.N`, `resource.N.<attr>` and each
    attribute as the list over members; a member's secret (RandomString value) stays
    secret in every group attribute that carries it."""
    from heatctl.engine.stack import StoreResolver

    resolver = StoreResolver(store, child_id)
    found = MemberAttributes()
    for row in rows:
        found.refs[row.name] = _reference(resolver, row.name)
        found.values[f"resource.{row.name}"] = found.refs[row.name]
        for attr, value in resolver_attributes(store, row.id).items():
            found.by_attr.setdefault(attr, {})[row.name] = value
            found.values[f"resource.{row.name}.{attr}"] = value
        hidden = set(row.secret_attributes)
        found.secret.update({f"resource.{row.name}.{a}" for a in hidden} | hidden)
        if hidden:
            found.secret.update({"attributes", "outputs", "outputs_list"})
        if row.data.get("reference_attribute") in hidden:
            found.secret.update({"refs", "refs_map", f"resource.{row.name}"})
    for attr, per_member in found.by_attr.items():
        # Heat asks every member for the attribute: one that lacks it gives null.
        found.by_attr[attr] = {r.name: per_member.get(r.name) for r in rows}
        found.values[attr] = [per_member.get(r.name) for r in rows]
    return found


def resolver_attributes(store: Any, resource_id: str) -> dict[str, Any]:
    values = store.resource_attributes(resource_id, reveal=True)
    return {k: v for k, v in values.items() if k != "show"}


def _reference(resolver: ResourceResolver, name: str) -> Any:
    try:
        return resolver.reference(name)
    except LookupError:
        return None


def _index_key(name: str) -> tuple[int, str]:
    return (int(name), "") if name.isdigit() else (1 << 30, name)
