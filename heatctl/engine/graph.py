"""The dependency graph of a template's resources, with networkx.

A resource depends on another when its properties or metadata use `get_resource` /
`get_attr` on it (`Ref` / `Fn::GetAtt` in CFN, and in HOT 2013-05-23), or when it names
it in `depends_on` (`DependsOn`). The graph's edges point from the resource that is
needed to the resource that needs it, so a topological order is a creation order.

- depth: the critical path, counted in resources (a lone resource has depth 1);
- levels: resources grouped by the length of the longest chain leading to them; the
  widest level bounds how many resources can be created at once;
- a cycle is a `DependencyCycleError` naming every resource of the cycle, the reference
  that makes each step and its line.

Output formats: tree (text), dot (Graphviz), mermaid, json.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx

from heatctl.dsl.diagnostics import Diagnostic, locate
from heatctl.errors import InvalidInput

if TYPE_CHECKING:
    from heatctl.dsl.template import ResourceDefinition, Template

Path = tuple[str | int, ...]
FORMATS = ("tree", "dot", "mermaid", "json")
TREE_DEPTH = 40  # deeper trees are unreadable as text (and quadratic in indentation)


@dataclass(frozen=True)
class Dependency:
    """`source` needs `target`, because of the reference `kind` at `path`."""

    source: str
    target: str
    kind: str
    path: Path


class DependencyCycleError(InvalidInput):
    """The resources depend on each other in a loop."""


def _reference_functions(template: Template) -> tuple[set[str], set[str], set[str]]:
    functions = template.version.functions
    resource_fns = {f for f in ("get_resource", "Ref") if f in functions}
    attr_fns = {f for f in ("get_attr", "Fn::GetAtt") if f in functions}
    return resource_fns, attr_fns, resource_fns | attr_fns


def _walk(
    value: Any, path: Path, names: Mapping[str, Any], fns: tuple[set[str], set[str], set[str]]
) -> Iterator[tuple[str, str, Path]]:
    """(target, function, path) of every resource reference inside `value`."""
    resource_fns, _, all_fns = fns
    stack: list[tuple[Any, Path]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            if len(item) == 1:
                key = next(iter(item))
                if key in all_fns:
                    arg = item[key]
                    if key in resource_fns:
                        target = arg
                    else:
                        target = arg[0] if isinstance(arg, list) and arg else None
                        if isinstance(arg, str) and "." in arg:  # Fn::GetAtt "res.attr"
                            target = arg.split(".", 1)[0]
                    if isinstance(target, str) and target in names:
                        yield target, key, (*where, key)
            for key, child in item.items():
                if isinstance(child, dict | list):
                    stack.append((child, (*where, key)))
        elif isinstance(item, list):
            for index, child in enumerate(item):
                if isinstance(child, dict | list):
                    stack.append((child, (*where, index)))


def resource_dependencies(
    resource: ResourceDefinition,
    template: Template,
    names: Mapping[str, Any] | None = None,
) -> list[Dependency]:
    """Every dependency of one resource on the resources in `names` (default: all)."""
    names = template.resources if names is None else names
    fns = _reference_functions(template)
    found: list[Dependency] = []
    for part in ("properties", "metadata"):
        value = getattr(resource, part)
        if value:
            for target, kind, path in _walk(value, resource.path_of(part), names, fns):
                found.append(Dependency(resource.name, target, kind, path))
    key = resource.keys["depends_on"]
    for index, target in enumerate(resource.depends_on):
        if target in names:
            where = (*resource.path_of("depends_on"), index)
            found.append(Dependency(resource.name, target, key, where))
    return found


@dataclass
class DependencyGraph:
    """Resources and their dependencies; edges run from a requirement to its dependent."""

    template: Template
    graph: Any = field(default_factory=nx.DiGraph)
    _levels: list[list[str]] | None = field(default=None, repr=False)
    _acyclic: bool | None = field(default=None, repr=False)

    @property
    def resources(self) -> list[str]:
        """Every resource name in the graph."""
        return list(self.graph.nodes)

    def requirements(self, name: str) -> list[str]:
        """What `name` needs, sorted."""
        return sorted(self.graph.predecessors(name))

    def dependents(self, name: str) -> list[str]:
        """What needs `name`, sorted."""
        return sorted(self.graph.successors(name))

    def find_cycle(self) -> list[Dependency] | None:
        """One cycle as its dependencies in order, or None."""
        if self._acyclic is None:
            # Linear (nx.find_cycle on the whole graph is not, here), and the levels come
            # with it: summary() asks for them next.
            levels = self._kahn_levels()
            self._acyclic = levels is not None
            if levels is not None:
                self._levels = levels
        if self._acyclic:
            return None
        looped = next(
            c
            for c in nx.strongly_connected_components(self.graph)
            if len(c) > 1 or self.graph.has_edge(next(iter(c)), next(iter(c)))
        )
        edges = nx.find_cycle(self.graph.subgraph(looped))
        # Edges run requirement -> dependent; report the cycle as "a needs b needs c".
        steps = list(reversed([self.graph.edges[u, v]["dependency"] for u, v in edges]))
        # Start from the resource written first, so the report does not depend on hashing.
        order = {name: index for index, name in enumerate(self.template.resources)}
        first = min(range(len(steps)), key=lambda i: order.get(steps[i].source, len(order)))
        return steps[first:] + steps[:first]

    def check_acyclic(self) -> None:
        """Raise DependencyCycleError when the resources form a cycle."""
        cycle = self.find_cycle()
        if cycle is not None:
            raise DependencyCycleError("dependency cycle", [cycle_diagnostic(self.template, cycle)])

    def levels(self) -> list[list[str]]:
        """Resources by the number of resources on the longest chain before them.

        Computed once: the graph is not meant to change after build_graph."""
        if self._levels is None:
            self._levels = self._compute_levels()
        return self._levels

    def _compute_levels(self) -> list[list[str]]:
        levels = self._kahn_levels()
        if levels is None:
            raise nx.NetworkXUnfeasible("Graph contains a cycle or graph changed during iteration")
        return levels

    def _kahn_levels(self) -> list[list[str]] | None:
        """Kahn's topological sort, one level at a time: a resource is released with the
        last of its requirements, so its level is the longest chain before it. None when
        some resources are never released (a cycle)."""
        graph = self.graph
        waiting = {name: len(requirements) for name, requirements in graph.pred.items()}
        current = [name for name, count in waiting.items() if count == 0]
        successors = graph.succ
        levels: list[list[str]] = []
        released = 0
        while current:
            levels.append(sorted(current))
            released += len(current)
            following = []
            for name in current:
                for dependent in successors[name]:
                    waiting[dependent] -= 1
                    if not waiting[dependent]:
                        following.append(dependent)
            current = following
        return levels if released == len(waiting) else None

    def order(self) -> list[str]:
        """A creation order: every resource after what it needs (ties by name)."""
        return list(nx.lexicographical_topological_sort(self.graph))

    def summary(self) -> dict[str, int]:
        """Counts, depth and widest level (depth and width are 0 when there is a cycle)."""
        levels = self.levels() if self.find_cycle() is None else []
        return {
            "resources": self.graph.number_of_nodes(),
            "dependencies": self.graph.number_of_edges(),
            "depth": len(levels),
            "width": max((len(group) for group in levels), default=0),
        }


def build_graph(
    template: Template,
    resources: Iterable[ResourceDefinition] | None = None,
    dependencies: Iterable[Dependency] | None = None,
) -> DependencyGraph:
    """The graph of `resources` (default: all of the template's; pass the ones whose
    condition holds to leave out the others and their references).

    `dependencies` may be given when the caller has already found them (validation
    does, while checking references); otherwise they are found here."""
    chosen = list(template.resources.values() if resources is None else resources)
    names = {r.name: r for r in chosen}
    result = DependencyGraph(template)
    graph = result.graph
    graph.add_nodes_from((r.name, {"type": r.type}) for r in chosen)
    if dependencies is None:
        dependencies = [dep for r in chosen for dep in resource_dependencies(r, template, names)]
    edges: dict[tuple[str, str], Dependency] = {}
    for dep in dependencies:
        if dep.source in names and dep.target in names:
            # The first reference between two resources is the one kept.
            edges.setdefault((dep.target, dep.source), dep)
    graph.add_edges_from((t, s, {"dependency": dep}) for (t, s), dep in edges.items())
    return result


def cycle_diagnostic(template: Template, cycle: list[Dependency]) -> Diagnostic:
    """One diagnostic naming each resource of the cycle and the line of each reference."""
    steps = []
    for dep in cycle:
        line, _ = locate(template.doc, dep.path)
        kind = _function_at(template.doc, dep.path) or dep.kind
        steps.append(f"'{dep.source}' needs '{dep.target}' ({kind}, line {line})")
    first = cycle[0]
    line, col = locate(template.doc, template.resources[first.source].path, key=True)
    names = " -> ".join([d.source for d in cycle] + [cycle[0].source])
    message = f"dependency cycle: {names}: " + "; ".join(steps)
    return Diagnostic(message, template.file, line, col, path=template.resources[first.source].path)


def _function_at(doc: Any, path: Path) -> str | None:
    """The function name of the call at `path` (e.g. Ref in a HOT 2013-05-23 template)."""
    node = doc
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    if isinstance(node, dict) and len(node) == 1:
        return str(next(iter(node)))
    return None


# ---------------------------------------------------------------------------- rendering


def render(graph: DependencyGraph, fmt: str) -> str:
    """The graph as text in `fmt` (tree, dot, mermaid or json)."""
    if fmt == "tree":
        return _tree(graph)
    if fmt == "dot":
        return _dot(graph)
    if fmt == "mermaid":
        return _mermaid(graph)
    if fmt == "json":
        return json.dumps(to_json(graph), indent=2) + "\n"
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def to_json(graph: DependencyGraph) -> dict[str, Any]:
    """Summary, levels, nodes (with lines) and edges, as `graph --format json` prints."""
    levels = graph.levels()
    level_of = {name: index for index, group in enumerate(levels) for name in group}
    template = graph.template
    nodes = []
    for name in graph.order():
        line, _ = locate(template.doc, template.resources[name].path, key=True)
        node = {"name": name, "type": graph.graph.nodes[name].get("type"), "level": level_of[name]}
        nodes.append({**node, "line": line})
    edges = [
        {"from": dep.source, "to": dep.target, "kind": dep.kind}
        for _, _, dep in sorted(graph.graph.edges(data="dependency"), key=lambda e: (e[1], e[0]))
    ]
    return {**graph.summary(), "levels": levels, "nodes": nodes, "edges": edges}


def _tree(graph: DependencyGraph) -> str:
    """Each top resource (nothing needs it) with what it needs below it.

    A resource already shown with its requirements is shown again as "(see above)".
    Iterative, so that a chain of 10,000 resources does not hit the recursion limit."""
    lines: list[str] = []
    shown: set[str] = set()
    tops = sorted(n for n in graph.graph.nodes if graph.graph.out_degree(n) == 0)
    stack: list[tuple[str, str, str, int]] = [(top, "", "", 0) for top in reversed(tops)]
    while stack:
        name, lead, child_lead, depth = stack.pop()
        kind = graph.graph.nodes[name].get("type") or "?"
        needs = graph.requirements(name)
        if name in shown and needs:
            lines.append(f"{lead}{name} ({kind}) (see above)")
            continue
        shown.add(name)
        lines.append(f"{lead}{name} ({kind})")
        if needs and depth >= TREE_DEPTH:
            lines.append(f"{child_lead}└── ... (deeper requirements: use --format json or dot)")
            continue
        for index in reversed(range(len(needs))):
            last = index == len(needs) - 1
            stack.append(
                (
                    needs[index],
                    child_lead + ("└── " if last else "├── "),
                    child_lead + ("    " if last else "│   "),
                    depth + 1,
                )
            )
    summary = graph.summary()
    lines.append("")
    lines.append(
        f"{summary['resources']} resources, {summary['dependencies']} dependencies,"
        f" depth {summary['depth']}, widest level {summary['width']}"
    )
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot(graph: DependencyGraph) -> str:
    lines = ["digraph resources {", "  rankdir=BT;"]
    for name in graph.order():
        kind = graph.graph.nodes[name].get("type") or "?"
        label = _quote(name)[:-1] + "\\n" + _quote(kind)[1:]  # Graphviz's line break
        lines.append(f"  {_quote(name)} [label={label}];")
    for _, _, dep in sorted(graph.graph.edges(data="dependency"), key=lambda e: (e[1], e[0])):
        lines.append(f"  {_quote(dep.source)} -> {_quote(dep.target)} [label={_quote(dep.kind)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid(graph: DependencyGraph) -> str:
    ids = {name: f"r{index}" for index, name in enumerate(graph.order())}
    lines = ["graph BT"]
    for name, node_id in ids.items():
        kind = graph.graph.nodes[name].get("type") or "?"
        label = f"{name}<br/>{kind}".replace('"', "#quot;")
        lines.append(f'  {node_id}["{label}"]')
    for _, _, dep in sorted(graph.graph.edges(data="dependency"), key=lambda e: (e[1], e[0])):
        lines.append(f"  {ids[dep.source]} -->|{dep.kind}| {ids[dep.target]}")
    return "\n".join(lines) + "\n"
