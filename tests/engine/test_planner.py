"""The planner: decisions and step ordering, checked as sorted text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
import pytest

from heatctl.engine.planner import (
    UNKNOWN,
    Change,
    Decision,
    DesiredResource,
    TypeInfo,
    plan,
)
from heatctl.engine.records import ResourceRecord
from heatctl.engine.states import Status
from heatctl.errors import InvalidInput

TYPES = {
    "OS::Neutron::Net": TypeInfo(updatable=frozenset({"name"}), defaults={"admin_state_up": True}),
    "OS::Neutron::Subnet": TypeInfo(updatable=frozenset({"name", "dns_nameservers"})),
    "OS::Neutron::Port": TypeInfo(updatable=frozenset({"name"})),
    "OS::Nova::Server": TypeInfo(updatable=frozenset({"name", "networks", "flavor"})),
    "OS::Nova::KeyPair": TypeInfo(delete_first=True),
    "OS::Neutron::FloatingIP": TypeInfo(updatable=frozenset({"port_id"})),
    "OS::Heat::None": TypeInfo(open_properties=True),
}


def info(type_name: str) -> TypeInfo:
    return TYPES[type_name]


def rec(
    name: str,
    type_name: str,
    props: Mapping[str, Any] | None = None,
    *,
    status: str = "CREATE_COMPLETE",
    requires: tuple[str, ...] = (),
    physical_id: str | None = None,
    policy: str = "Delete",
) -> ResourceRecord:
    return ResourceRecord(
        id=f"id-{name}",
        stack_id="s",
        name=name,
        type=type_name,
        status=Status.parse(status),
        status_reason="",
        physical_id=physical_id or f"phys-{name}",
        properties=dict(props or {}),
        attributes={},
        secret_attributes=(),
        metadata={},
        requires=requires,
        data={},
        tag=f"heatctl-s-{name}",
        generation=1,
        current=True,
        replaces=None,
        deletion_policy=policy,
        created_at=0,
        updated_at=0,
    )


def want(spec: dict[str, tuple[str, dict[str, Any], tuple[str, ...]]]):
    """name -> (type, properties, requirements) into (desired, graph)."""
    desired = {n: DesiredResource(n, t, p) for n, (t, p, _) in spec.items()}
    graph = nx.DiGraph()
    graph.add_nodes_from(spec)
    for name, (_, _, reqs) in spec.items():
        graph.add_edges_from((r, name) for r in reqs)
    return desired, graph


NET = ("OS::Neutron::Net", {"name": "n"}, ())
SUBNET = ("OS::Neutron::Subnet", {"network": "phys-net", "cidr": "10.0.0.0/24"}, ("net",))
SERVER = (
    "OS::Nova::Server",
    {"image": "cirros", "networks": [{"subnet": "phys-subnet"}]},
    ("subnet",),
)


def stored_topology() -> list[ResourceRecord]:
    return [
        rec("net", *NET[:2]),
        rec("subnet", *SUBNET[:2], requires=("net",)),
        rec("server", *SERVER[:2], requires=("subnet",)),
    ]


def test_fresh_stack_is_all_creates_in_dependency_order() -> None:
    desired, graph = want({"net": NET, "subnet": SUBNET, "server": SERVER})
    result = plan(desired, graph, [], info)
    assert result.lines() == ["create net", "create server", "create subnet"]
    assert result.edges() == ["create:net -> create:subnet", "create:subnet -> create:server"]
    assert result.counts()["create"] == 3 and result.has_changes


def test_same_template_keeps_everything_and_defaults_do_not_count() -> None:
    net = ("OS::Neutron::Net", {"name": "n", "admin_state_up": True}, ())
    desired, graph = want({"net": net, "subnet": SUBNET, "server": SERVER})
    result = plan(desired, graph, stored_topology(), info)
    assert result.lines() == ["keep net", "keep server", "keep subnet"]
    assert not result.has_changes and result.edges() == [] and len(result.steps) == 0


def test_values_are_compared_as_their_declared_types() -> None:
    volume = TypeInfo(updatable=frozenset({"size"}), property_types={"size": "integer"})
    stored = [rec("vol", "OS::Cinder::Volume", {"size": 1})]
    graph = nx.DiGraph()
    graph.add_node("vol")
    same = {"vol": DesiredResource("vol", "OS::Cinder::Volume", {"size": "1"})}
    assert plan(same, graph, stored, lambda t: volume).lines() == ["keep vol"]
    bigger = {"vol": DesiredResource("vol", "OS::Cinder::Volume", {"size": "2"})}
    assert plan(bigger, graph, stored, lambda t: volume).lines() == [
        "update vol (size updated in place)"
    ]


def test_update_allowed_changes_update_in_place() -> None:
    server = ("OS::Nova::Server", {**SERVER[1], "name": "web", "flavor": "m1.small"}, ("subnet",))
    desired, graph = want({"net": NET, "subnet": SUBNET, "server": server})
    result = plan(desired, graph, stored_topology(), info)
    assert result.decisions["server"].describe() == "update server (flavor, name updated in place)"
    assert result.decisions["server"].changed == ("flavor", "name")
    assert result.edges() == [] and [str(s) for s in result.steps] == ["update:server"]


def test_other_changes_replace_create_first_then_move_dependents_then_delete_old() -> None:
    subnet = ("OS::Neutron::Subnet", {**SUBNET[1], "cidr": "10.1.0.0/24"}, ("net",))
    server = ("OS::Nova::Server", {**SERVER[1], "networks": UNKNOWN}, ("subnet",))
    desired, graph = want({"net": NET, "subnet": subnet, "server": server})
    result = plan(desired, graph, stored_topology(), info)
    assert result.lines() == [
        "keep net",
        "update server (networks updated in place)",
        "replace subnet (cidr requires replacement)",
    ]
    assert result.decisions["server"].uncertain
    assert result.edges() == [
        "replace:subnet -> cleanup:subnet",
        "replace:subnet -> update:server",
        "update:server -> cleanup:subnet",
    ]
    assert result.replaces == ["subnet"]


def test_unknown_value_of_a_property_without_update_allowed_plans_a_replace() -> None:
    server = ("OS::Nova::Server", {**SERVER[1], "image": UNKNOWN}, ("subnet",))
    desired, graph = want({"net": NET, "subnet": SUBNET, "server": server})
    decision = plan(desired, graph, stored_topology(), info).decisions["server"]
    assert decision.change is Change.REPLACE and decision.uncertain


def test_removed_resources_are_deleted_dependents_first() -> None:
    desired, graph = want({"net": NET})
    result = plan(desired, graph, stored_topology(), info)
    assert result.lines() == ["keep net", "delete server", "delete subnet"]
    assert result.edges() == ["delete:server -> delete:subnet"]


def test_a_removed_resource_waits_for_its_old_dependents_to_move_away() -> None:
    stored = [
        rec("net", *NET[:2]),
        rec("port", "OS::Neutron::Port", {"network": "phys-net"}, requires=("net",)),
        rec(
            "server", "OS::Nova::Server", {"networks": [{"port": "phys-port"}]}, requires=("port",)
        ),
    ]
    server = ("OS::Nova::Server", {"networks": [{"network": "phys-net"}]}, ("net",))
    desired, graph = want({"net": NET, "server": server})
    result = plan(desired, graph, stored, info)
    assert result.lines() == [
        "keep net",
        "delete port",
        "update server (networks updated in place)",
    ]
    assert result.edges() == ["update:server -> delete:port"]


def test_delete_first_types_delete_the_old_one_before_creating() -> None:
    stored = [
        rec("key", "OS::Nova::KeyPair", {"name": "k", "public_key": "A"}),
        rec("server", "OS::Nova::Server", {"key_name": "k", "image": "cirros"}, requires=("key",)),
    ]
    desired, graph = want(
        {
            "key": ("OS::Nova::KeyPair", {"name": "k", "public_key": "B"}, ()),
            "server": ("OS::Nova::Server", {"key_name": "k", "image": "fedora"}, ("key",)),
        }
    )
    result = plan(desired, graph, stored, info)
    assert result.lines() == [
        "replace key (public_key requires replacement)",
        "replace server (image requires replacement)",
    ]
    # The old server still names the old key when the key goes: Nova allows that.
    assert result.edges() == [
        "cleanup:key -> replace:key",
        "replace:key -> replace:server",
        "replace:server -> cleanup:server",
    ]
    assert nx.is_directed_acyclic_graph(result.steps)


def test_type_change_failed_and_half_done_resources_are_replaced() -> None:
    stored = [
        rec("a", "OS::Heat::None", {}),
        rec("b", "OS::Neutron::Net", {"name": "n"}, status="CREATE_FAILED"),
        rec("c", "OS::Neutron::Net", {"name": "n"}, status="UPDATE_IN_PROGRESS"),
        rec("d", "OS::Neutron::Net", {"name": "n"}, status="INIT_COMPLETE"),
    ]
    desired, graph = want({n: (("OS::Neutron::Net"), {"name": "n"}, ()) for n in "abcd"})
    result = plan(desired, graph, stored, info)
    assert result.lines() == [
        "replace a (type changes from OS::Heat::None to OS::Neutron::Net)",
        "replace b (stored status CREATE_FAILED)",
        "replace c (stored status UPDATE_IN_PROGRESS)",
        "create d",
    ]


def test_open_properties_update_anything_in_place() -> None:
    desired, graph = want({"a": ("OS::Heat::None", {"anything": 2}, ())})
    result = plan(desired, graph, [rec("a", "OS::Heat::None", {"anything": 1})], info)
    assert result.lines() == ["update a (anything updated in place)"]


def test_external_resources_are_kept_and_their_id_cannot_change() -> None:
    stored = [rec("net", "OS::Neutron::Net", {"name": "x"}, physical_id="ext-1")]
    desired = {
        "net": DesiredResource("net", "OS::Neutron::Net", {"name": "y"}, external_id="ext-1")
    }
    graph = nx.DiGraph()
    graph.add_node("net")
    assert plan(desired, graph, stored, info).lines() == ["keep net (external resource)"]
    desired = {"net": DesiredResource("net", "OS::Neutron::Net", {}, external_id="ext-2")}
    with pytest.raises(InvalidInput, match="external_id cannot change"):
        plan(desired, graph, stored, info)


def test_retained_deletes_say_so() -> None:
    stored = [rec("vol", "OS::Heat::None", policy="Retain")]
    assert plan({}, nx.DiGraph(), stored, info).lines() == ["delete vol (deletion_policy Retain)"]


def test_resolve_sees_the_decisions_of_requirements_first() -> None:
    seen: dict[str, list[str]] = {}

    def resolve(resource: DesiredResource, decided: Mapping[str, Decision]) -> Mapping[str, Any]:
        seen[resource.name] = sorted(decided)
        props = dict(resource.properties)
        if resource.name == "server":  # get_resource: subnet, which is being replaced
            replaced = decided["subnet"].change is Change.REPLACE
            props["networks"] = UNKNOWN if replaced else [{"subnet": "phys-subnet"}]
        return props

    subnet = ("OS::Neutron::Subnet", {**SUBNET[1], "cidr": "10.9.0.0/24"}, ("net",))
    desired, graph = want({"net": NET, "subnet": subnet, "server": SERVER})
    result = plan(desired, graph, stored_topology(), info, resolve)
    assert seen["server"] == ["net", "subnet"]
    assert result.decisions["server"].change is Change.UPDATE


def test_delete_first_still_waits_for_removed_dependents() -> None:
    stored = [
        rec("key", "OS::Nova::KeyPair", {"public_key": "A"}),
        rec("old", "OS::Nova::Server", {"key_name": "k"}, requires=("key",)),
    ]
    desired, graph = want({"key": ("OS::Nova::KeyPair", {"public_key": "B"}, ())})
    result = plan(desired, graph, stored, info)
    assert result.edges() == ["cleanup:key -> replace:key", "delete:old -> cleanup:key"]
