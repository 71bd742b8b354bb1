"""Stack operations end to end with the in-memory cloud and a small template model."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from heatctl.engine.planner import TypeInfo
from heatctl.engine.progress import JsonProgress
from heatctl.engine.stack import RunOptions, StackEngine, raise_for
from heatctl.engine.states import Status
from heatctl.engine.store import StateStore
from heatctl.errors import ConflictError, OperationFailed

from .fake_cloud import FakeCloud, FakePlugin
from .fake_model import FakeModel

WEB = {
    "net": {"properties": {"size": 1}},
    "subnet": {"properties": {"network": {"get_resource": "net"}, "size": 1}},
    "server": {"properties": {"subnet": {"get_resource": "subnet"}, "size": 1}},
}
OUTPUTS = {"server_id": {"get_resource": "server"}, "net_key": {"get_attr": ["net", "secret"]}}


class World:
    def __init__(self, tmp_path: Path) -> None:
        self.store = StateStore.open(tmp_path)
        self.cloud = FakeCloud()
        self.plugin = FakePlugin(self.cloud)
        self.engine = StackEngine(
            self.store,
            lambda t: self.plugin,
            lambda t: TypeInfo(updatable=frozenset({"size"})),
            secret_attributes=lambda t: ("secret",),
        )

    def statuses(self, stack: str = "web") -> dict[str, str]:
        sid = self.store.get_stack(stack).id
        return {r.name: str(r.status) for r in self.store.resources(sid)}


def options(**kw) -> RunOptions:
    return RunOptions(**kw)


def test_create_resolves_references_and_outputs(tmp_path: Path) -> None:
    w = World(tmp_path)
    result = w.engine.create("web", FakeModel.of(WEB, OUTPUTS), options())
    assert result.ok and str(result.stack.status) == "CREATE_COMPLETE"
    rows = {r.name: r for r in w.store.resources(result.stack.id)}
    assert rows["subnet"].properties == {"network": rows["net"].physical_id, "size": 1}
    outputs = w.store.outputs(result.stack.id)
    assert outputs["server_id"]["value"] == rows["server"].physical_id
    assert outputs["net_key"]["value"] == "key-of-net"  # outputs see the real value
    stack_events = [
        str(e.status) for e in w.store.events(result.stack.id) if e.resource_name is None
    ]
    assert stack_events == ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"]


def test_failed_create_reports_the_root_cause_and_leaves_dependents_init(tmp_path: Path) -> None:
    w = World(tmp_path)
    w.cloud.fail_create.add("subnet")
    result = w.engine.create("web", FakeModel.of(WEB), options())
    assert str(result.stack.status) == "CREATE_FAILED"
    assert (
        result.stack.status_reason
        == "Resource CREATE failed: subnet: subnet: No valid host was found"
    )
    assert result.root_causes() == {"subnet": "subnet: No valid host was found"}
    assert w.statuses() == {
        "net": "CREATE_COMPLETE",
        "server": "INIT_COMPLETE",
        "subnet": "CREATE_FAILED",
    }
    with pytest.raises(OperationFailed, match="CREATE_FAILED"):
        raise_for(result)


def test_rollback_deletes_what_a_failed_create_made(tmp_path: Path) -> None:
    w = World(tmp_path)
    w.cloud.fail_create.add("server")
    result = w.engine.create("web", FakeModel.of(WEB), options(rollback=True))
    assert str(result.stack.status) == "ROLLBACK_COMPLETE"
    assert w.cloud.objects == {} and w.statuses() == {}
    assert result.root_causes() == {"server": "server: No valid host was found"}


def test_resume_finishes_a_failed_create(tmp_path: Path) -> None:
    w = World(tmp_path)
    w.cloud.fail_create.add("subnet")
    model = FakeModel.of(WEB)
    w.engine.create("web", model, options())
    w.cloud.fail_create.clear()
    result = w.engine.resume("web", lambda stack: model, options())
    assert str(result.stack.status) == "CREATE_COMPLETE"
    assert sorted(o["name"] for o in w.cloud.objects.values()) == ["net", "server", "subnet"]
    with pytest.raises(ConflictError, match="nothing to resume"):
        w.engine.resume("web", lambda stack: model, options())


def test_resume_after_a_crash_mid_create_adopts_and_never_duplicates(tmp_path: Path) -> None:
    w = World(tmp_path)
    model = FakeModel.of(WEB)
    stack = w.store.create_stack("web", model.document)
    w.store.set_stack_status(stack.id, Status.parse("CREATE_IN_PROGRESS"))
    w.store.add_initial_resources(stack.id, [("net", "Fake::Thing", (), "Delete")])
    net = w.store.find_resource(stack.id, "net")
    w.store.set_resource_status(net.id, Status.parse("CREATE_IN_PROGRESS"))
    w.cloud.post(net.tag, "net", {})  # reached the cloud; then SIGKILL
    result = w.engine.resume("web", lambda s: model, options())
    assert result.ok
    assert sorted(o["name"] for o in w.cloud.objects.values()) == ["net", "server", "subnet"]


def test_update_then_delete(tmp_path: Path) -> None:
    w = World(tmp_path)
    w.engine.create("web", FakeModel.of(WEB), options())
    changed = {**WEB, "subnet": {"properties": {"network": {"get_resource": "net"}, "size": 2}}}
    changed.pop("server")
    preview = w.engine.preview(FakeModel.of(changed), "web")
    assert preview.lines() == ["keep net", "delete server", "update subnet (size updated in place)"]
    result = w.engine.update("web", FakeModel.of(changed), options())
    assert str(result.stack.status) == "UPDATE_COMPLETE"
    assert w.statuses() == {"net": "CREATE_COMPLETE", "subnet": "UPDATE_COMPLETE"}
    result = w.engine.delete("web", options())
    assert str(result.stack.status) == "DELETE_COMPLETE" and w.cloud.objects == {}
    assert w.store.find_stack("web") is None


def test_replacing_a_requirement_updates_dependents_with_the_new_id(tmp_path: Path) -> None:
    w = World(tmp_path)
    w.engine.create("web", FakeModel.of(WEB), options())
    replaced = {**WEB, "net": {"properties": {"size": 1, "cidr": "10.9.0.0/16"}}}
    preview = w.engine.preview(FakeModel.of(replaced), "web")
    assert preview.lines() == [
        "replace net (cidr requires replacement)",
        "replace server (subnet requires replacement)",
        "replace subnet (network requires replacement)",
    ]
    assert preview.decisions["server"].uncertain and not preview.decisions["net"].uncertain
    result = w.engine.update("web", FakeModel.of(replaced), options())
    assert result.ok, result.stack.status_reason
    rows = {r.name: r for r in w.store.resources(result.stack.id)}
    assert rows["subnet"].properties["network"] == rows["net"].physical_id
    assert rows["server"].properties["subnet"] == rows["subnet"].physical_id
    assert {r.generation for r in rows.values()} == {2}
    assert len(w.cloud.objects) == 3  # the old generation is cleaned up


def test_external_resources_are_adopted_and_retained(tmp_path: Path) -> None:
    w = World(tmp_path)
    existing = w.cloud.post("someone-else", "shared-net", {})
    model = FakeModel.of(
        {"net": {"external_id": existing}, "port": {"properties": {"net": {"get_resource": "net"}}}}
    )
    result = w.engine.create("web", model, options())
    assert result.ok and len(w.cloud.objects) == 2
    w.engine.delete("web", options())
    assert list(w.cloud.objects) == [existing]


def test_hidden_parameters_and_secret_attributes_stay_out_of_progress(tmp_path: Path) -> None:
    w = World(tmp_path)
    w.cloud.fail_create.add("server")
    out = io.StringIO()
    model = FakeModel.of(WEB, parameters={"pw": "server"}, hidden_parameters=["pw"])
    progress = JsonProgress(out, secrets=["No valid host"])
    w.engine.create("web", model, options(progress=progress))
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0] == {
        **lines[0],
        "stack": "web",
        "resource": None,
        "status": "CREATE_IN_PROGRESS",
    }
    assert any(line["status"] == "CREATE_FAILED" and line["resource"] == "server" for line in lines)
    assert "No valid host" not in out.getvalue()
    assert w.store.get_stack("web").parameters == {"pw": "******"}


def test_a_locked_stack_is_refused_with_the_holder(tmp_path: Path) -> None:
    from heatctl.engine import locks

    w = World(tmp_path)
    w.engine.create("web", FakeModel.of(WEB), options())
    holder = locks.acquire(w.store, w.store.get_stack("web").id, command="heatctl stack update web")
    with pytest.raises(ConflictError, match=r"locked by pid .*heatctl stack update web"):
        w.engine.delete("web", options(lock_timeout=0.1))
    holder.release()


def test_leftovers_of_an_interrupted_replace_are_cleaned_up(tmp_path: Path) -> None:
    w = World(tmp_path)
    w.engine.create("web", FakeModel.of(WEB), options())
    stack = w.store.get_stack("web")
    net = w.store.find_resource(stack.id, "net")
    orphan = w.store.add_resource(stack.id, "net", "Fake::Thing", replaces=net.id)
    w.store.set_resource_status(orphan.id, Status.parse("CREATE_IN_PROGRESS"))
    w.cloud.post(orphan.tag, "net", {})  # the replacement reached the cloud, then a crash
    result = w.engine.update("web", FakeModel.of(WEB), options())  # the user went back
    assert result.ok
    assert len(w.cloud.objects) == 3 and w.cloud.by_tag(orphan.tag) == []
    assert [r.id for r in w.store.resources(stack.id, current_only=False) if r.name == "net"] == [
        net.id
    ]


def test_delete_after_a_failed_create_removes_never_created_rows_too(tmp_path: Path) -> None:
    w = World(tmp_path)
    w.cloud.fail_create.add("subnet")
    w.engine.create("web", FakeModel.of(WEB), options())  # server stays INIT_COMPLETE
    result = w.engine.delete("web", options())
    assert str(result.stack.status) == "DELETE_COMPLETE", result.stack.status_reason
    assert w.cloud.objects == {}


def test_scalar_properties_take_their_declared_types() -> None:
    from heatctl.engine.planner import coerce_properties

    info = TypeInfo(
        property_types={"admin_pass": "string", "size": "integer", "on": "boolean", "n": "number"}
    )
    coerced = coerce_properties(
        {"admin_pass": 1, "size": "2", "on": "yes", "n": "1.5", "other": 3}, info
    )
    assert coerced == {"admin_pass": "1", "size": 2, "on": True, "n": 1.5, "other": 3}


def test_resume_after_a_kill_between_a_replacement_and_its_promotion(tmp_path: Path) -> None:
    # The crash test on the sandbox found this point: the replacement row was written
    # CREATE_COMPLETE, the process died before the row was made current. Resume must
    # promote it and clean up the old one, not create it a second time.
    w = World(tmp_path)
    w.engine.create("web", FakeModel.of(WEB), options())
    stack = w.store.get_stack("web")
    net = w.store.find_resource(stack.id, "net")
    new = w.store.add_resource(stack.id, "net", "Fake::Thing", replaces=net.id)
    w.store.set_resource_status(new.id, Status.parse("CREATE_IN_PROGRESS"))
    physical = w.cloud.post(new.tag, "net", {})
    w.store.set_resource_data(new.id, physical_id=physical)
    w.store.set_resource_status(new.id, Status.parse("CREATE_COMPLETE"))
    w.store.set_stack_status(stack.id, Status.parse("UPDATE_IN_PROGRESS"), "killed")
    replaced = {**WEB, "net": {"properties": {"size": 1, "cidr": "10.9.0.0/16"}}}
    result = w.engine.resume("web", lambda record: FakeModel.of(replaced), options())
    assert result.ok, result.stack.status_reason
    rows = [r for r in w.store.resources(stack.id, current_only=False) if r.name == "net"]
    assert [r.id for r in rows] == [new.id]
    assert w.cloud.by_tag(net.tag) == [] and len(w.cloud.by_tag(new.tag)) == 1
