"""The dependency graph: edges from references and depends_on, depth, levels, cycles."""

from __future__ import annotations

import pytest

from heatctl.dsl.diagnostics import Diagnostics
from heatctl.dsl.loader import loads
from heatctl.dsl.template import parse_template
from heatctl.engine.graph import DependencyCycleError, build_graph, render


def template_of(text: str):
    diagnostics = Diagnostics()
    template = parse_template(loads(text, "t.yaml"), "t.yaml", diagnostics)
    assert template is not None and not diagnostics.items, diagnostics.items
    return template


def edges(graph) -> list[str]:
    return sorted(f"{u} -> {v}" for u, v in graph.graph.edges)


DIAMOND = """\
heat_template_version: 2015-10-15
resources:
  net: {type: OS::Neutron::Net}
  a:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}}
  b:
    type: OS::Neutron::Subnet
    properties: {network: {get_attr: [net, name]}}
    metadata: {note: {str_replace: {template: x, params: {x: {get_resource: net}}}}}
  top:
    type: OS::Heat::RandomString
    depends_on: [a, b]
  lone: {type: OS::Heat::RandomString}
"""


def test_edges_levels_depth_and_width():
    graph = build_graph(template_of(DIAMOND))
    assert edges(graph) == ["a -> top", "b -> top", "net -> a", "net -> b"]
    assert graph.levels() == [["lone", "net"], ["a", "b"], ["top"]]
    assert graph.summary() == {"resources": 5, "dependencies": 4, "depth": 3, "width": 2}
    assert graph.order() == ["lone", "net", "a", "b", "top"]
    assert graph.requirements("top") == ["a", "b"]
    assert graph.dependents("net") == ["a", "b"]


def test_only_given_resources_are_in_the_graph():
    template = template_of(DIAMOND)
    chosen = [r for name, r in template.resources.items() if name != "b"]
    graph = build_graph(template, chosen)
    assert edges(graph) == ["a -> top", "net -> a"]


def test_cfn_ref_and_getatt_make_edges_but_parameters_do_not():
    template = template_of(
        '{"AWSTemplateFormatVersion": "2010-09-09",'
        ' "Parameters": {"P": {"Type": "String"}},'
        ' "Resources": {"A": {"Type": "AWS::EC2::Volume"},'
        '  "B": {"Type": "AWS::EC2::Volume", "Properties": {"x": {"Ref": "A"}, "y": {"Ref": "P"}}},'
        '  "C": {"Type": "AWS::EC2::Volume", "DependsOn": "B",'
        '        "Properties": {"z": {"Fn::GetAtt": ["A", "Size"]}}}}}'
    )
    graph = build_graph(template)
    assert edges(graph) == ["A -> B", "A -> C", "B -> C"]
    kinds = sorted(d.kind for _, _, d in graph.graph.edges(data="dependency"))
    assert kinds == ["DependsOn", "Fn::GetAtt", "Ref"]


def test_cycle_names_every_resource_with_lines():
    template = template_of(
        "heat_template_version: 2016-10-14\nresources:\n"
        "  x:\n    type: OS::Heat::RandomString\n    depends_on: z\n"
        "  y:\n    type: OS::Heat::RandomString\n    properties: {salt: {get_resource: x}}\n"
        "  z:\n    type: OS::Heat::RandomString\n    properties: {salt: {get_attr: [y, value]}}\n"
    )
    graph = build_graph(template)
    with pytest.raises(DependencyCycleError) as info:
        graph.check_acyclic()
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.line == 3
    assert diagnostic.message == (
        "dependency cycle: x -> z -> y -> x: 'x' needs 'z' (depends_on, line 5);"
        " 'z' needs 'y' (get_attr, line 11); 'y' needs 'x' (get_resource, line 8)"
    )
    assert graph.summary()["depth"] == 0


def test_self_reference_is_a_cycle():
    template = template_of(
        "heat_template_version: 2016-10-14\nresources:\n"
        "  me:\n    type: OS::Heat::RandomString\n    properties: {salt: {get_attr: [me, value]}}\n"
    )
    cycle = build_graph(template).find_cycle()
    assert cycle is not None and [d.source for d in cycle] == ["me"]


def test_renderings():
    graph = build_graph(template_of(DIAMOND))
    tree = render(graph, "tree")
    assert tree.splitlines()[:7] == [
        "lone (OS::Heat::RandomString)",
        "top (OS::Heat::RandomString)",
        "├── a (OS::Neutron::Subnet)",
        "│   └── net (OS::Neutron::Net)",
        "└── b (OS::Neutron::Subnet)",
        "    └── net (OS::Neutron::Net)",
        "",
    ]
    dot = render(graph, "dot")
    assert '"top" -> "a" [label="depends_on"];' in dot
    assert '"net" [label="net\\nOS::Neutron::Net"];' in dot
    mermaid = render(graph, "mermaid")
    assert "r4 -->|depends_on| r2" in mermaid
    with pytest.raises(ValueError):
        render(graph, "svg")


def test_tree_of_a_long_chain_is_bounded():
    lines = ["heat_template_version: 2016-10-14", "resources:"]
    lines += ["  r0: {type: OS::Heat::RandomString}"]
    lines += [
        f"  r{i}: {{type: OS::Heat::RandomString, depends_on: r{i - 1}}}" for i in range(1, 300)
    ]
    tree = render(build_graph(template_of("\n".join(lines) + "\n")), "tree")
    assert tree.splitlines()[0] == "r299 (OS::Heat::RandomString)"
    assert "deeper requirements: use --format json or dot" in tree
    assert len(tree) < 20_000
    assert tree.endswith("300 resources, 299 dependencies, depth 300, widest level 1\n")


@pytest.mark.parametrize("seed", range(5))
def test_levels_are_the_longest_chains_and_cycles_are_found(seed: int) -> None:
    import random

    import networkx as nx

    from heatctl.engine.graph import DependencyGraph

    rng = random.Random(seed)
    names = [f"r{i}" for i in range(60)]
    graph = DependencyGraph(template_of("heat_template_version: 2015-10-15\n"))
    graph.graph.add_nodes_from(names)
    graph.graph.add_edges_from(
        (names[i], names[j]) for i in range(60) for j in range(i + 1, 60) if rng.random() < 0.05
    )
    longest: dict[str, int] = {}
    for name in nx.topological_sort(graph.graph):
        longest[name] = max((longest[p] + 1 for p in graph.graph.predecessors(name)), default=0)
    expected = [
        sorted(n for n in names if longest[n] == k) for k in range(max(longest.values()) + 1)
    ]
    assert graph.find_cycle() is None
    assert graph.levels() == expected
    looped = DependencyGraph(graph.template, graph.graph.copy())
    looped.graph.add_edge(names[-1], names[0])
    looped.graph.add_edge(names[0], names[-1])
    assert looped._kahn_levels() is None
    with pytest.raises(nx.NetworkXUnfeasible):
        looped.levels()
