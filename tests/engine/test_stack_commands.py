"""`heatctl stack` read commands, on a state directory filled through the engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heatctl.engine.planner import TypeInfo
from heatctl.engine.stack import RunOptions, StackEngine
from heatctl.engine.store import StateStore

from .fake_cloud import FakeCloud, FakePlugin
from .fake_model import FakeModel

TEMPLATE = {
    "net": {"properties": {"size": 1}},
    "server": {"properties": {"net": {"get_resource": "net"}, "admin_pass": "pw-s3cret"}},
}
OUTPUTS = {"server_id": {"get_resource": "server"}, "key": {"get_attr": ["net", "secret"]}}


@pytest.fixture
def filled(state_dir: Path) -> Path:
    store = StateStore.open(state_dir)
    cloud = FakeCloud()
    engine = StackEngine(
        store,
        lambda t: FakePlugin(cloud),
        lambda t: TypeInfo(),
        secret_attributes=lambda t: ("secret",),
    )
    model = FakeModel.of(
        TEMPLATE, OUTPUTS, parameters={"pw": "pw-s3cret"}, hidden_parameters=["pw"]
    )
    assert engine.create("web", model, RunOptions()).ok
    cloud.fail_create.add("server")
    engine.create("broken", FakeModel.of(TEMPLATE), RunOptions())
    store.close()
    return state_dir


def test_list(run_cli, filled: Path) -> None:
    result = run_cli("stack", "list", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["name"], r["status"]) for r in rows] == [
        ("web", "CREATE_COMPLETE"),
        ("broken", "CREATE_FAILED"),
    ]
    text = run_cli("stack", "list").stdout
    assert "web" in text and "CREATE_FAILED" in text


def test_show_masks_every_secret(run_cli, filled: Path) -> None:
    result = run_cli("stack", "show", "web", "--json")
    assert result.exit_code == 0
    view = json.loads(result.stdout)
    assert view["parameters"] == {"pw": "******"}
    assert view["resources"]["server"]["properties"]["admin_pass"] == "******"
    assert view["outputs"]["key"]["value"] == "******"  # a secret attribute, copied
    assert "pw-s3cret" not in result.stdout
    text = run_cli("stack", "show", "web").stdout
    assert "CREATE_COMPLETE" in text and "pw-s3cret" not in text


def test_output_one_value_raw_and_errors(run_cli, filled: Path) -> None:
    store = StateStore.open(filled)
    server = store.find_resource(store.get_stack("web").id, "server")
    assert run_cli("stack", "output", "web", "server_id").stdout == f"{server.physical_id}\n"
    missing = run_cli("stack", "output", "web", "nope")
    assert missing.exit_code == 3 and "outputs: key, server_id" in missing.stderr
    assert (
        json.loads(run_cli("stack", "output", "web", "--json").stdout)["server_id"]["value"]
        == server.physical_id
    )


def test_resources_and_events(run_cli, filled: Path) -> None:
    rows = json.loads(run_cli("stack", "resources", "broken", "--json").stdout)
    assert rows["server"]["status"] == "CREATE_FAILED"
    assert "No valid host" in rows["server"]["status_reason"]
    lines = run_cli("stack", "events", "broken").stdout.splitlines()
    assert lines[0].endswith("broken CREATE_IN_PROGRESS: stack operation started")
    assert any("broken/server CREATE_FAILED" in line for line in lines)
    events = [
        json.loads(line) for line in run_cli("stack", "events", "web", "--json").stdout.splitlines()
    ]
    assert events[-1]["status"] == "CREATE_COMPLETE" and events[-1]["resource"] is None


def test_follow_ends_when_the_stack_settles(run_cli, filled: Path) -> None:
    result = run_cli("stack", "events", "web", "--follow")
    assert result.exit_code == 0 and "web CREATE_COMPLETE" in result.stdout


def test_unknown_stack_is_exit_3(run_cli, filled: Path) -> None:
    result = run_cli("stack", "show", "nope")
    assert result.exit_code == 3
    assert "stack 'nope' not found" in result.stderr and "Traceback" not in result.output


def test_corrupted_state_file_is_exit_3_and_untouched(run_cli, state_dir: Path) -> None:
    db = state_dir / "state.db"
    db.write_bytes(b"garbage" * 100)
    result = run_cli("stack", "list")
    assert result.exit_code == 3 and "not a usable heatctl state file" in result.stderr
    assert db.read_bytes() == b"garbage" * 100
