"""Nested stacks: OS::Heat::ResourceGroup runs its members as a child stack.

As in Heat, the group resource owns a child stack row (stacks.parent_id = the parent
stack), named `<parent>-<resource>-<suffix>`, whose resources are the members "0", "1",
... The child is created, updated and deleted through the same StackEngine (same walker,
same journal, same lock rules) from inside the group's lifecycle calls; the group's
physical id is the child stack's id, and its attributes are read from the child's rows.

The child's template is made here from the group's resolved properties (every member is
`resource_def` with the index placeholder replaced), so it needs no Model Interpreter:
`GroupModel` is a TemplateModel whose values are already plain.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import count as counter
from typing import TYPE_CHECKING, Any

import networkx as nx

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.records import StackRecord
from heatctl.engine.stack import OutputSpec, ResourceResolver, ResourceSpec, RunOptions
from heatctl.engine.states import State
from heatctl.engine.wait import Wait

if TYPE_CHECKING:
    from heatctl.engine.stack import OperationResult, StackEngine, TemplateModel

GROUP_TYPE = "OS::Heat::ResourceGroup"


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


class ChildStackPlugin:
    """A resource whose physical id is a child stack of the same engine: the lifecycle
    calls run the child's whole operation (same walker, journal, locks) and return."""

    def __init__(self, engine: StackEngine) -> None:
        self.engine = engine

    def child_model(self, ctx: ResourceContext, child: StackRecord | None) -> TemplateModel:
        raise NotImplementedError  # pragma: no cover

    def _child(self, ctx: ResourceContext) -> StackRecord | None:
        store = self.engine.store
        if ctx.physical_id:
            found = store.find_stack(ctx.physical_id)
            if found is not None:
                return found
        return store.find_stack(ctx.physical_name())

    def _converge(self, ctx: ResourceContext) -> None:
        child = self._child(ctx)
        model = self.child_model(ctx, child)
        options = RunOptions(command=f"heatctl (nested in {ctx.stack_name})")
        name = child.name if child is not None else ctx.physical_name()
        result = self.engine.converge_nested(name, model, options, ctx.stack_id)
        ctx.physical_id = result.stack.id
        raise_nested(result)

    def create(self, ctx: ResourceContext) -> Wait | None:
        self._converge(ctx)
        return None

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        # Reached after adopting a child found by name (a resumed create): finish it.
        child = self._child(ctx)
        if child is None or child.status.state is not State.COMPLETE:
            self._converge(ctx)
        return None

    def update(self, ctx: ResourceContext) -> Wait | None:
        self._converge(ctx)
        return None

    def check_update_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        """Delete the child stack (its resources first, through the walker)."""
        child = self._child(ctx)
        if child is None:
            return None
        raise_nested(self.engine.delete(child.id, RunOptions(command="heatctl (nested)")))
        return None

    def check_delete_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        child = self.engine.store.find_stack(ctx.physical_name())
        return child.id if child is not None else None

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        """The child's outputs, each as an attribute, and all of them as `outputs`."""
        child = self._child(ctx)
        if child is None:
            return {}
        values = {k: v.get("value") for k, v in self.engine.store.outputs(child.id).items()}
        return {**values, "outputs": values}


class TemplatePlugin(ChildStackPlugin):
    """A provider template used as a type (`My::Server` mapped in the environment's
    resource_registry, or `server.yaml` as the type), or OS::Heat::Stack with
    `template: {get_file: ...}`: the child is the template loaded by the Model Interpreter
    with the resource's properties as its parameters."""

    def __init__(self, engine: StackEngine, error: ResourceFailed) -> None:
        super().__init__(engine)
        self.error = error  # the type is not deployable when it is no template either

    def child_model(self, ctx: ResourceContext, child: StackRecord | None) -> TemplateModel:
        from heatctl.dsl.validate import load_nested
        from heatctl.engine.model import DslModel, Source

        model = self.engine.models.get(ctx.stack_id)
        loaded = getattr(model, "loaded", None)
        providers = getattr(loaded, "providers", {})
        member_key = getattr(model, "provider_keys", {}).get(ctx.name)
        key = ctx.name if ctx.name in providers else f"{ctx.name}/template"
        key = member_key or key
        if loaded is None or key not in providers:
            raise self.error
        stack_type = key.endswith("/template")
        params = dict(ctx.properties.get("parameters") or {}) if stack_type else ctx.properties
        nested = load_nested(loaded, key, params)
        if not nested.ok or nested.template is None:
            problems = [d.format() for d in nested.diagnostics.sorted() if d.severity == "error"]
            raise ResourceFailed(f"{ctx.name}: " + "; ".join(problems))
        return DslModel(nested, Source(template=str(nested.path), parameters=params))


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
        from heatctl.engine.stack import StoreResolver

        child = self._child(ctx)
        if child is None:
            return {}
        store = self.engine.store
        rows = sorted(store.resources(child.id), key=lambda r: _index_key(r.name))
        resolver = StoreResolver(store, child.id)
        refs: dict[str, Any] = {}
        by_attr: dict[str, dict[str, Any]] = {}
        values: dict[str, Any] = {}
        secret: set[str] = set()
        for row in rows:
            refs[row.name] = _reference(resolver, row.name)
            values[f"resource.{row.name}"] = refs[row.name]
            for attr, value in resolver_attributes(store, row.id).items():
                by_attr.setdefault(attr, {})[row.name] = value
                values[f"resource.{row.name}.{attr}"] = value
            # A member's secret (RandomString value) stays secret in every group attribute
            # that carries it; the store masks these names and keeps the values apart.
            hidden = set(row.secret_attributes)
            secret.update({f"resource.{row.name}.{a}" for a in hidden} | hidden)
            if hidden:
                secret.add("attributes")
            if row.data.get("reference_attribute") in hidden:
                secret.update({"refs", "refs_map", f"resource.{row.name}"})
        ctx.secret_attributes = tuple(sorted(set(ctx.secret_attributes) | secret))
        for attr, per_member in by_attr.items():
            values[attr] = [per_member.get(r.name) for r in rows]
        values.update(
            refs=list(refs.values()),
            refs_map=refs,
            attributes=by_attr,
            removed_rsrc_list=list(ctx.data.get("removed", [])),
        )
        return values


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


def raise_nested(result: OperationResult) -> None:
    """A failed child stack fails the parent resource with the child's root cause."""
    if result.ok:
        return
    stack = result.stack
    causes = "; ".join(f"{n}: {r}" for n, r in result.root_causes().items())
    raise ResourceFailed(
        f"nested stack {stack.name} {stack.status}: {causes or stack.status_reason}"
    )


def nested_plugin(engine: StackEngine, type_name: str) -> ResourceGroupPlugin | None:
    """The plugin of a type that runs as a nested stack, or None for other types."""
    if type_name == GROUP_TYPE:
        return ResourceGroupPlugin(engine)
    if type_name in ("OS::Heat::SoftwareDeploymentGroup", "OS::Heat::StructuredDeploymentGroup"):
        from heatctl.engine.software_group import DeploymentGroupPlugin

        return DeploymentGroupPlugin(engine, type_name)
    return None
