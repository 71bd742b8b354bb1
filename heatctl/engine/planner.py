"""The planner: what a create or update must do, as a graph of steps for the walker.

Input: the resources the new template wants (`DesiredResource`, properties resolved as far
as possible: a top-level property whose value depends on something only known while
applying is `UNKNOWN`), their dependency graph (edges requirement -> dependent, as in
`heatctl.engine.graph`), and the stored resources of the stack.

Per resource, `decide` picks one change (Heat's rules, heat/engine/resource.py update):
- create: not in the stack yet (or stored but never created), or a create cut short
  (CREATE_IN_PROGRESS after a crash: it is finished, adopting the cloud resource by tag);
- delete: in the stack, not in the template;
- keep: same type, same properties (defaults filled in on both sides), not failed;
- update: only properties that the type allows to update in place changed;
- replace: the type changed, a property without update_allowed changed, the stored
  resource is FAILED or half-done, or (for the preview) such a property is UNKNOWN;
- an `external_id` resource is kept (Heat skips updates of adopted resources); changing
  its external_id is an error.

Ordering rules of the step graph (edge a -> b: a runs before b):
1. create/update/replace of a resource after the create/update/replace of each of its
   requirements (the new template's dependencies);
2. delete steps in reverse of the stored dependencies: a dependent is deleted before
   what it required;
3. a resource removed from the template is deleted after every resource that used to
   depend on it has been updated or replaced away from it;
4. replace = create the new one, then update the dependents, then delete the old one
   (step `cleanup`), so dependents are never left pointing at nothing;
5. unless the type needs delete-first (e.g. a name that must be unique): `cleanup`
   before `replace`, and after the deletes/cleanups of its old dependents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import networkx as nx

from heatctl.engine.records import ResourceRecord
from heatctl.errors import InvalidInput


class _Unknown:
    """A value known only while applying (it depends on a resource being changed)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class Change(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    KEEP = "keep"


@dataclass(frozen=True)
class TypeInfo:
    """What the planner needs to know about a resource type."""

    updatable: frozenset[str] = frozenset()
    defaults: Mapping[str, Any] = field(default_factory=dict)
    open_properties: bool = False  # any property may change in place (OS::Heat::None)
    delete_first: bool = False  # a replacement must delete the old one first
    replace_on_update: Callable[[dict[str, Any], dict[str, Any]], bool] | None = None
    """A type's own rule that a change forces a replacement (TestResource update_replace)."""
    property_types: Mapping[str, str] = field(default_factory=dict)
    """Declared type of each property (string, integer, number, boolean, list, map, any)."""
    replace_every_update: bool = False
    """Replaced on every stack update, changed or not (UpdateWaitConditionHandle)."""

    def update_allowed(self, prop: str) -> bool:
        return self.open_properties or prop in self.updatable


def type_info_from_class(cls: Any) -> TypeInfo:
    """TypeInfo from a resource type class of heatctl.resources (its schema and flags)."""
    schema = cls.schema()
    return TypeInfo(
        updatable=frozenset(n for n, p in schema.properties.items() if p.update_allowed),
        defaults={n: p.default for n, p in schema.properties.items() if p.default is not None},
        open_properties=bool(getattr(cls, "open_properties", False)),
        delete_first=bool(getattr(cls, "replace_delete_first", False)),
        replace_on_update=getattr(cls, "replace_on_update", None),
        property_types={n: str(p.type) for n, p in schema.properties.items()},
        replace_every_update=bool(getattr(cls, "replace_every_update", False)),
    )


TRUE_WORDS = frozenset({"t", "true", "on", "y", "yes", "1"})
FALSE_WORDS = frozenset({"f", "false", "off", "n", "no", "0"})


def coerce_properties(properties: Mapping[str, Any], info: TypeInfo) -> dict[str, Any]:
    """Scalar property values as their declared types, as Heat's Properties do before a
    plugin sees them (`admin_pass: 1` is the string "1"; `size: "2"` the integer 2)."""
    return {k: _coerce(v, info.property_types.get(k)) for k, v in properties.items()}


def _coerce(value: Any, kind: str | None) -> Any:
    if value is None or kind is None:
        return value
    if kind == "string" and isinstance(value, bool):
        return "true" if value else "false"
    if kind == "string" and isinstance(value, int | float):
        return str(value)
    if kind == "integer" and isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if kind == "number" and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in value else number
    if kind == "boolean" and isinstance(value, str) and value.lower() in TRUE_WORDS | FALSE_WORDS:
        return value.lower() in TRUE_WORDS
    return value


@dataclass(frozen=True)
class DesiredResource:
    """One resource as the new template defines it."""

    name: str
    type: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    deletion_policy: str = "Delete"
    external_id: str | None = None


@dataclass(frozen=True)
class Decision:
    """The change for one resource and why."""

    name: str
    change: Change
    type: str
    reasons: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()  # property names
    uncertain: bool = False  # depends on values known only while applying

    def describe(self) -> str:
        text = f"{self.change.value} {self.name}"
        if self.reasons:
            text += f" ({'; '.join(self.reasons)})"
        return text


@dataclass(frozen=True, order=True)
class Step:
    """One node of the step graph: `kind` is create/update/replace/delete/cleanup.

    A cleanup names the exact row it deletes (`row`): the generation a replace supersedes,
    or one left behind by an interrupted operation."""

    kind: str
    name: str
    row: str = field(default="", compare=True)

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


@dataclass
class Plan:
    decisions: dict[str, Decision]
    steps: nx.DiGraph

    @property
    def has_changes(self) -> bool:
        return any(d.change is not Change.KEEP for d in self.decisions.values())

    @property
    def replaces(self) -> list[str]:
        return sorted(n for n, d in self.decisions.items() if d.change is Change.REPLACE)

    def counts(self) -> dict[str, int]:
        counts = {change.value: 0 for change in Change}
        for decision in self.decisions.values():
            counts[decision.change.value] += 1
        return counts

    def lines(self) -> list[str]:
        """Every decision as text, sorted by resource name."""
        return [self.decisions[name].describe() for name in sorted(self.decisions)]

    def edges(self) -> list[str]:
        """The step graph's edges as sorted text, `a -> b`."""
        return sorted(f"{u} -> {v}" for u, v in self.steps.edges)


FAILED_OR_HALF_DONE = ("FAILED", "IN_PROGRESS")


def _with_defaults(props: Mapping[str, Any], info: TypeInfo) -> dict[str, Any]:
    merged = dict(info.defaults)
    merged.update({k: v for k, v in props.items() if v is not None})
    return merged


def decide(
    desired: DesiredResource | None, stored: ResourceRecord | None, info: TypeInfo
) -> Decision:
    """The change for one resource (see the module docstring for the rules)."""
    if desired is None:
        assert stored is not None
        policy = stored.deletion_policy
        reasons = () if policy == "Delete" else (f"deletion_policy {policy}",)
        return Decision(stored.name, Change.DELETE, stored.type, reasons)
    name = desired.name
    if stored is None or str(stored.status) in ("INIT_COMPLETE", "DELETE_COMPLETE"):
        return Decision(name, Change.CREATE, desired.type)
    if str(stored.status) == "CREATE_IN_PROGRESS" and stored.type == desired.type:
        # A create cut short (crash, timeout): finish it, adopting the cloud resource by tag.
        return Decision(name, Change.CREATE, desired.type, ("resuming an interrupted create",))
    if desired.external_id is not None:
        if stored.physical_id not in (None, desired.external_id):
            raise InvalidInput(
                f"resource {name!r}: external_id cannot change "
                f"({stored.physical_id} -> {desired.external_id})"
            )
        return Decision(name, Change.KEEP, desired.type, ("external resource",))
    if desired.type != stored.type:
        reason = f"type changes from {stored.type} to {desired.type}"
        return Decision(name, Change.REPLACE, desired.type, (reason,))
    if stored.status.state.value in FAILED_OR_HALF_DONE:
        return Decision(name, Change.REPLACE, desired.type, (f"stored status {stored.status}",))
    return _decide_properties(desired, stored, info)


def _decide_properties(
    desired: DesiredResource, stored: ResourceRecord, info: TypeInfo
) -> Decision:
    # Compared as the plugin gets them: `size: "1"` from a string parameter is the 1 stored.
    new = _with_defaults(coerce_properties(desired.properties, info), info)
    old = _with_defaults(coerce_properties(stored.properties, info), info)
    changed = sorted(
        k for k in new.keys() | old.keys() if new.get(k) is UNKNOWN or new.get(k) != old.get(k)
    )
    if not changed and info.replace_every_update:
        return Decision(desired.name, Change.REPLACE, desired.type, ("replaced on every update",))
    if not changed:
        return Decision(desired.name, Change.KEEP, desired.type)
    uncertain = any(new.get(k) is UNKNOWN for k in changed)
    blocking = [k for k in changed if not info.update_allowed(k)]
    if not blocking and info.replace_on_update is not None and info.replace_on_update(old, new):
        blocking = ["the type's update rule"]
    if blocking:
        reasons = tuple(f"{k} requires replacement" for k in blocking)
        return Decision(
            desired.name, Change.REPLACE, desired.type, reasons, tuple(changed), uncertain
        )
    reasons = (f"{', '.join(changed)} updated in place",)
    return Decision(desired.name, Change.UPDATE, desired.type, reasons, tuple(changed), uncertain)


ResolveProperties = Callable[[DesiredResource, Mapping[str, Decision]], Mapping[str, Any]]


def plan(
    desired: Mapping[str, DesiredResource],
    graph: nx.DiGraph,
    stored: Iterable[ResourceRecord],
    type_info: Callable[[str], TypeInfo],
    resolve: ResolveProperties | None = None,
) -> Plan:
    """Decide every resource (requirements first) and build the step graph.

    `resolve(resource, decisions_so_far)` may re-resolve a resource's properties once its
    requirements are decided (e.g. a get_resource of a kept resource becomes its stored
    physical id; of a replaced one, UNKNOWN). Default: the properties as given.
    """
    current = {r.name: r for r in stored if r.current}
    decisions: dict[str, Decision] = {}
    for name in nx.topological_sort(graph):
        want = desired[name]
        if resolve is not None:
            props = resolve(want, decisions)
            want = DesiredResource(
                want.name, want.type, props, want.deletion_policy, want.external_id
            )
        decisions[name] = decide(want, current.get(name), type_info(want.type))
    for name in sorted(current.keys() - desired.keys()):
        record = current[name]
        decisions[name] = decide(None, record, type_info(record.type))
    steps = build_steps(decisions, graph, current, type_info)
    if not nx.is_directed_acyclic_graph(steps):
        cycle = " -> ".join(str(u) for u, _ in nx.find_cycle(steps))
        raise InvalidInput(f"the changes cannot be ordered: {cycle}")
    return Plan(decisions, steps)


def _step_of(decision: Decision) -> Step | None:
    if decision.change in (Change.CREATE, Change.UPDATE, Change.REPLACE, Change.DELETE):
        return Step(decision.change.value, decision.name)
    return None


def build_steps(
    decisions: Mapping[str, Decision],
    graph: nx.DiGraph,
    stored: Mapping[str, ResourceRecord],
    type_info: Callable[[str], TypeInfo],
) -> nx.DiGraph:
    """The step graph of a set of decisions (ordering rules 1-5 of the module docstring)."""
    steps = nx.DiGraph()
    forward = {
        n: s for n, d in decisions.items() if d.change is not Change.DELETE if (s := _step_of(d))
    }
    goes_away: dict[str, Step] = {}  # the step that removes the *old* physical resource
    for name, decision in decisions.items():
        if decision.change is Change.DELETE:
            goes_away[name] = Step("delete", name)
        elif decision.change is Change.REPLACE and name in stored:
            goes_away[name] = Step("cleanup", name, stored[name].id)
    steps.add_nodes_from([*forward.values(), *goes_away.values()])
    # 1. forward steps follow the new dependencies
    for u, v in graph.edges:
        if u in forward and v in forward:
            steps.add_edge(forward[u], forward[v])
    old_dependents = _old_dependents(stored)
    for name, removal in goes_away.items():
        for dependent in old_dependents.get(name, ()):
            # 2./3. whatever used to need it is deleted or moved away from it first
            if dependent in goes_away:
                steps.add_edge(goes_away[dependent], removal)
            elif dependent in forward:
                steps.add_edge(forward[dependent], removal)
        if removal.kind == "cleanup":
            _order_replacement(
                steps, name, removal, forward, graph, type_info(decisions[name].type)
            )
    return steps


def _order_replacement(
    steps: nx.DiGraph,
    name: str,
    cleanup: Step,
    forward: Mapping[str, Step],
    graph: nx.DiGraph,
    info: TypeInfo,
) -> None:
    new = forward[name]
    if info.delete_first:
        # 5. the old one goes first. Dependents that are themselves being replaced or
        # updated cannot move away before it (their new version needs the new one), so
        # they keep the old reference for that moment; removed dependents still go first.
        for u, _ in list(steps.in_edges(cleanup)):
            if u.name in forward:
                steps.remove_edge(u, cleanup)
        steps.add_edge(cleanup, new)
        return
    # 4. create the new one, move the new dependents over, then delete the old one.
    steps.add_edge(new, cleanup)
    for dependent in graph.successors(name) if name in graph else ():
        if dependent in forward:
            steps.add_edge(forward[dependent], cleanup)


def _old_dependents(stored: Mapping[str, ResourceRecord]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for record in stored.values():
        for requirement in record.requires:
            found.setdefault(requirement, []).append(record.name)
    return found
