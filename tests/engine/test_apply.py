"""Applying plans: rows, events, journal and tags, with an in-memory cloud."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from heatctl.engine.apply import ApplyOptions, Operation, apply_plan
from heatctl.engine.planner import DesiredResource, TypeInfo, plan
from heatctl.engine.states import Status
from heatctl.engine.store import MASK, StateStore

from .fake_cloud import FakeCloud, FakePlugin

INFO = TypeInfo(updatable=frozenset({"size"}))


class Harness:
    def __init__(self, tmp_path: Path, polls: int = 1) -> None:
        self.store = StateStore.open(tmp_path)
        self.stack = self.store.create_stack("web", {})
        self.cloud = FakeCloud()
        self.plugin = FakePlugin(self.cloud, polls=polls)

    def run(self, spec: dict[str, tuple[dict[str, Any], tuple[str, ...]]], **options: Any):
        desired = {n: DesiredResource(n, "Fake::Thing", p) for n, (p, _) in spec.items()}
        policies = options.pop("policies", {})
        desired = {
            n: DesiredResource(d.name, d.type, d.properties, policies.get(n, "Delete"))
            for n, d in desired.items()
        }
        graph = nx.DiGraph()
        graph.add_nodes_from(spec)
        graph.add_edges_from((r, n) for n, (_, reqs) in spec.items() for r in reqs)
        stored = self.store.resources(self.stack.id, current_only=False)
        the_plan = plan(desired, graph, stored, lambda t: INFO)
        op = Operation(
            store=self.store,
            stack=self.stack,
            plugin_for=lambda t: self.plugin,
            desired=desired,
            requires={n: frozenset(reqs) for n, (_, reqs) in spec.items()},
            resolve=lambda want: dict(want.properties),
            options=ApplyOptions(**options),
            secret_attributes=lambda t: ("secret",),
        )
        return the_plan, apply_plan(op, the_plan)

    def statuses(self) -> dict[str, str]:
        return {r.name: str(r.status) for r in self.store.resources(self.stack.id)}


CHAIN = {
    "net": ({"size": 1}, ()),
    "subnet": ({"size": 1}, ("net",)),
    "server": ({"size": 1}, ("subnet",)),
}


def test_create_writes_rows_events_journal_and_tags(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    _, result = h.run(CHAIN)
    assert result.ok
    assert h.statuses() == {
        "net": "CREATE_COMPLETE",
        "server": "CREATE_COMPLETE",
        "subnet": "CREATE_COMPLETE",
    }
    assert h.cloud.log == ["create net", "create subnet", "create server"]
    rows = {r.name: r for r in h.store.resources(h.stack.id)}
    assert {h.cloud.objects[r.physical_id]["tag"] for r in rows.values()} == {
        r.tag for r in rows.values()
    }
    assert rows["subnet"].requires == ("net",)
    assert rows["net"].attributes == {"id": rows["net"].physical_id, "secret": MASK}
    assert h.store.resource_attributes(rows["net"].id, reveal=True)["secret"] == "key-of-net"
    events = [(e.resource_name, str(e.status)) for e in h.store.events(h.stack.id)]
    assert events[:2] == [("net", "CREATE_IN_PROGRESS"), ("net", "CREATE_COMPLETE")]
    ops = h.store.journal.operations(h.stack.id)
    assert [(o.call, o.state) for o in ops] == [("fake.create", "done")] * 3
    assert h.store.integrity_check() == "ok"


def test_a_failure_marks_the_row_and_skips_dependents(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.cloud.fail_create.add("subnet")
    _, result = h.run(CHAIN)
    assert list(result.root_causes.values()) == ["subnet: No valid host was found"]
    assert h.statuses() == {"net": "CREATE_COMPLETE", "subnet": "CREATE_FAILED"}
    row = h.store.find_resource(h.stack.id, "subnet")
    assert row is not None and row.status_reason == "subnet: No valid host was found"


def test_an_interrupted_create_is_adopted_by_tag_not_made_twice(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    # The state a SIGKILL leaves: row IN_PROGRESS, intent journalled, POST done, id unsaved.
    row = h.store.add_resource(h.stack.id, "net", "Fake::Thing", properties={"size": 1})
    h.store.set_resource_status(row.id, Status.parse("CREATE_IN_PROGRESS"))
    h.store.journal.record_intent(h.stack.id, row.id, "fake.create", {})
    h.cloud.post(row.tag, "net", {"size": 1})
    _, result = h.run({"net": ({"size": 1}, ())})
    assert result.ok and len(h.cloud.objects) == 1
    assert h.cloud.log == ["create net"]
    assert h.statuses() == {"net": "CREATE_COMPLETE"}
    assert h.store.find_resource(h.stack.id, "net").physical_id == next(iter(h.cloud.objects))


def test_an_interrupted_create_that_never_reached_the_cloud_is_created_once(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    row = h.store.add_resource(h.stack.id, "net", "Fake::Thing", properties={"size": 1})
    h.store.set_resource_status(row.id, Status.parse("CREATE_IN_PROGRESS"))
    _, result = h.run({"net": ({"size": 1}, ())})
    assert result.ok and h.cloud.log == ["create net"]


def test_a_failed_resource_with_a_physical_id_is_deleted_then_created_again(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.cloud.fail_create.add("net")
    h.run({"net": ({"size": 1}, ())})
    row = h.store.find_resource(h.stack.id, "net")
    broken = h.cloud.post(row.tag, "net", {"size": 1})  # as if the cloud made it, then ERROR
    h.store.set_resource_data(row.id, physical_id=broken)
    h.cloud.fail_create.clear()
    the_plan, result = h.run({"net": ({"size": 1}, ())})
    assert the_plan.lines() == ["replace net (stored status CREATE_FAILED)"]
    assert result.ok and list(h.cloud.objects) != [broken] and len(h.cloud.objects) == 1


def test_delete_runs_in_reverse_and_leaves_nothing(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.run(CHAIN)
    the_plan, result = h.run({})
    assert the_plan.edges() == ["delete:server -> delete:subnet", "delete:subnet -> delete:net"]
    assert result.ok and h.cloud.objects == {} and h.statuses() == {}
    assert h.cloud.log[3:] == ["delete server", "delete subnet", "delete net"]
    assert [str(e.status) for e in h.store.events(h.stack.id)][-1] == "DELETE_COMPLETE"


def test_delete_finds_an_unrecorded_cloud_resource_by_tag(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    row = h.store.add_resource(h.stack.id, "net", "Fake::Thing")
    h.store.set_resource_status(row.id, Status.parse("CREATE_IN_PROGRESS"))
    h.cloud.post(row.tag, "net", {})  # created, but the crash came before the id was saved
    _, result = h.run({})
    assert result.ok and h.cloud.objects == {}


def test_retained_resources_stay_in_the_cloud(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.run({"vol": ({"size": 1}, ())}, policies={"vol": "Retain"})
    _, result = h.run({})
    assert result.ok and len(h.cloud.objects) == 1 and h.statuses() == {}
    assert h.store.events(h.stack.id)[-1].reason == "retained (deletion_policy Retain)"


def test_update_in_place_and_replace(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.run(CHAIN)
    old = {r.name: r for r in h.store.resources(h.stack.id)}
    spec = {
        "net": ({"size": 1, "cidr": "10.1.0.0/24"}, ()),  # cidr: not updatable -> replace
        "subnet": ({"size": 2}, ("net",)),  # size: updatable
        "server": ({"size": 1}, ("subnet",)),
    }
    the_plan, result = h.run(spec)
    assert the_plan.lines() == [
        "replace net (cidr requires replacement)",
        "keep server",
        "update subnet (size updated in place)",
    ]
    assert result.ok
    assert h.cloud.log[3:] == ["create net", "update subnet size", "delete net"]
    new = {r.name: r for r in h.store.resources(h.stack.id)}
    assert new["net"].generation == 2 and new["net"].tag == old["net"].tag + "-g2"
    assert (
        new["net"].physical_id in h.cloud.objects and old["net"].physical_id not in h.cloud.objects
    )
    assert (
        new["subnet"].properties == {"size": 2} and str(new["subnet"].status) == "UPDATE_COMPLETE"
    )
    assert h.store.resources(h.stack.id, current_only=False) == list(new.values())


def test_stack_timeout_leaves_no_row_in_progress(tmp_path: Path) -> None:
    h = Harness(tmp_path, polls=10**9)
    _, result = h.run({"net": ({}, ())}, timeout=0.2)
    assert result.timed_out
    row = h.store.find_resource(h.stack.id, "net")
    assert str(row.status) == "CREATE_FAILED" and row.status_reason == "timed out after 0.2s"


@pytest.mark.parametrize("parallel", [1, 4])
def test_many_resources_in_parallel_keep_the_store_sound(tmp_path: Path, parallel: int) -> None:
    h = Harness(tmp_path)
    spec = {f"r{i}": ({}, (f"r{i - 10}",) if i >= 10 else ()) for i in range(60)}
    _, result = h.run(spec, max_parallel=parallel)
    assert result.ok and len(h.cloud.objects) == 60
    assert set(h.statuses().values()) == {"CREATE_COMPLETE"}
    assert h.store.integrity_check() == "ok"


def test_snapshot_policy_keeps_the_resource_until_snapshots_exist(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.run({"vol": ({"size": 1}, ())}, policies={"vol": "Snapshot"})
    _, result = h.run({})
    assert result.ok and len(h.cloud.objects) == 1
    assert "deletion_policy Snapshot" in h.store.events(h.stack.id)[-1].reason
