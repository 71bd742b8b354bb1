"""`heatctl stack` end to end: the Model Interpreter, the engine, the plugins and, for cloud
resources, the embedded sandbox over real HTTP through openstacksdk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heatctl.errors import ExitCode

HERE = Path(__file__).parent / "templates"

HEAT_ONLY = """
heat_template_version: 2018-08-31
parameters:
  db_password: {type: string, hidden: true}
  count: {type: number, default: 3}
  fail: {type: boolean, default: false}
resources:
  nothing:
    type: OS::Heat::None
    properties: {anything: {get_param: count}}
  pw:
    type: OS::Heat::RandomString
    properties: {length: 16}
  slow:
    type: OS::Heat::TestResource
    properties:
      value:
        str_replace:
          template: NAME-COUNT
          params: {NAME: {get_param: OS::stack_name}, COUNT: {get_param: count}}
      action_wait_secs: {create: 0.05}
      fail: {get_param: fail}
  val:
    type: OS::Heat::Value
    properties: {type: number, value: {get_param: count}}
  after:
    type: OS::Heat::TestResource
    properties: {value: {get_attr: [slow, output]}}
outputs:
  slow_output: {value: {get_attr: [after, output]}}
  number: {value: {get_attr: [val, value]}}
  password: {value: {get_resource: pw}}
  secret: {value: {get_param: db_password}}
"""


@pytest.fixture
def heat_template(tmp_path: Path) -> Path:
    path = tmp_path / "heat.yaml"
    path.write_text(HEAT_ONLY)
    return path


@pytest.fixture(autouse=True)
def no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # openstacksdk also reads ./clouds.yaml
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_USERNAME", "OS_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


def test_create_show_update_delete_heat_resources(run_cli, heat_template: Path) -> None:
    created = run_cli(
        "stack", "create", str(heat_template), "--name", "demo", "-P", "db_password=hunter2-pw"
    )
    assert created.exit_code == 0, created.stderr
    assert "demo CREATE_COMPLETE" in created.stderr and "hunter2-pw" not in created.output
    assert "No cloud configured" not in created.stderr  # no cloud resource: the cloud stays closed
    out = json.loads(run_cli("stack", "output", "demo", "--json").stdout)
    assert out["slow_output"]["value"] == "demo-3"
    assert out["number"]["value"] == 3
    assert out["secret"]["value"] == "******" and out["password"]["value"] == "******"
    preview = run_cli(
        "stack",
        "preview",
        str(heat_template),
        "--stack",
        "demo",
        "-P",
        "db_password=hunter2-pw",
        "-P",
        "count=4",
        "--detailed-exitcode",
        "--json",
    )
    assert preview.exit_code == ExitCode.CHANGES_PRESENT, preview.stderr
    changes = {c["resource"]: c["action"] for c in json.loads(preview.stdout)["changes"]}
    assert changes == {
        "after": "update",
        "nothing": "update",
        "pw": "keep",
        "slow": "update",
        "val": "update",
    }
    same = run_cli(
        "stack",
        "preview",
        str(heat_template),
        "--stack",
        "demo",
        "-P",
        "db_password=hunter2-pw",
        "--detailed-exitcode",
    )
    assert same.exit_code == 0, same.stderr
    updated = run_cli(
        "stack",
        "update",
        "demo",
        "-t",
        str(heat_template),
        "-P",
        "db_password=hunter2-pw",
        "-P",
        "count=4",
    )
    assert updated.exit_code == 0, updated.stderr
    assert (
        json.loads(run_cli("stack", "output", "demo", "slow_output", "--json").stdout) == "demo-4"
    )
    deleted = run_cli("stack", "delete", "demo", "--yes", "--json")
    assert deleted.exit_code == 0
    lines = [json.loads(line) for line in deleted.stdout.splitlines()]
    assert lines[-2]["status"] == "DELETE_COMPLETE" and lines[-2]["resource"] is None
    assert lines[-1]["result"]["status"] == "DELETE_COMPLETE"
    assert run_cli("stack", "list", "--json").stdout.strip() == "[]"


def test_failure_reports_the_root_cause_and_resume_finishes(run_cli, heat_template: Path) -> None:
    failed = run_cli(
        "stack",
        "create",
        str(heat_template),
        "--name",
        "f",
        "-P",
        "db_password=x",
        "-P",
        "fail=true",
    )
    assert failed.exit_code == ExitCode.FAILED
    assert "Resource CREATE failed: slow: Test Resource failed slow" in failed.stderr
    resources = json.loads(run_cli("stack", "resources", "f", "--json").stdout)
    assert resources["after"]["status"] == "INIT_COMPLETE"
    # the same template with fail=false: an update replaces the failed resource
    fixed = run_cli("stack", "update", "f", "-t", str(heat_template), "-P", "db_password=x")
    assert fixed.exit_code == 0, fixed.stderr


def test_preview_of_a_create_and_fail_on_replace(run_cli, heat_template: Path) -> None:
    plan = run_cli(
        "stack", "preview", str(heat_template), "-P", "db_password=x", "--detailed-exitcode"
    )
    assert plan.exit_code == ExitCode.CHANGES_PRESENT and "5 create" in plan.stderr
    assert (
        run_cli(
            "stack", "create", str(heat_template), "--name", "r", "-P", "db_password=x"
        ).exit_code
        == 0
    )
    replace = run_cli(
        "stack",
        "preview",
        str(heat_template),
        "--stack",
        "r",
        "-P",
        "db_password=x",
        "-P",
        "count=9",
        "--fail-on-replace",
    )
    assert replace.exit_code == 0  # nothing replaced
    dry = run_cli(
        "stack", "create", str(heat_template), "--name", "r2", "--dry-run", "-P", "db_password=x"
    )
    assert dry.exit_code == 0 and run_cli("stack", "show", "r2").exit_code == ExitCode.INVALID


def test_an_invalid_template_lists_every_problem_and_deploys_nothing(
    run_cli, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "heat_template_version: 2018-08-31\nresources:\n  a:\n    type: OS::Heat::None\n    properties: {x: {get_resource: nope}}\n"
    )
    result = run_cli("stack", "create", str(bad))
    assert result.exit_code == ExitCode.INVALID
    assert "bad.yaml:5" in result.stderr and "nothing was deployed" in result.stderr
    assert run_cli("stack", "list", "--json").stdout.strip() == "[]"


def test_network_topology_on_the_sandbox_leaves_nothing_behind(run_cli, state_dir: Path) -> None:
    Sandbox = pytest.importorskip(
        "heatctl.sandbox", reason="the sandbox branch is not merged"
    ).Sandbox

    created = run_cli("stack", "create", str(HERE / "network.yaml"), "--name", "net")
    assert created.exit_code == 0, created.stderr
    assert "using the embedded sandbox cloud at http://127.0.0.1:" in created.stderr
    outputs = json.loads(run_cli("stack", "output", "net", "--json").stdout)
    assert outputs["server_ip"]["value"] == outputs["port_ip"]["value"]
    assert outputs["public_ip"]["value"].startswith("172.24.4.")
    assert outputs["private_key"]["value"] == "******"
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        inventory = sandbox.inventory()
    finally:
        sandbox.stop()
    assert len(inventory["compute/server"]) == 1 and len(inventory["volume/volume"]) == 1
    resources = json.loads(run_cli("stack", "resources", "net", "--json").stdout)
    assert resources["server"]["physical_id"] in inventory["compute/server"]
    assert run_cli("stack", "delete", "net", "--yes").exit_code == 0
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        assert sandbox.inventory() == {}
    finally:
        sandbox.stop()


def test_a_locked_stack_fails_with_exit_4_naming_the_holder(
    run_cli, heat_template: Path, state_dir: Path
) -> None:
    from heatctl.engine import locks
    from heatctl.engine.store import StateStore

    assert (
        run_cli(
            "stack", "create", str(heat_template), "--name", "l", "-P", "db_password=x"
        ).exit_code
        == 0
    )
    with StateStore.open(state_dir) as store:
        holder = locks.acquire(store, store.get_stack("l").id, command="heatctl stack update l")
        result = run_cli("stack", "delete", "l", "--yes", "--lock-timeout", "0.2")
        holder.release()
    assert result.exit_code == ExitCode.CONFLICT
    assert (
        "stack 'l' is locked by pid" in result.stderr and "heatctl stack update l" in result.stderr
    )
    assert "raise --lock-timeout" in result.stderr
    assert run_cli("stack", "delete", "l", "--yes").exit_code == 0


def test_check_finds_drift_and_update_repairs_it(run_cli, state_dir: Path) -> None:
    Sandbox = pytest.importorskip("heatctl.sandbox").Sandbox
    template = HERE / "network.yaml"
    assert run_cli("stack", "create", str(template), "--name", "d").exit_code == 0
    clean = run_cli("stack", "check", "d", "--json")
    assert clean.exit_code == 0, clean.stderr
    assert json.loads(clean.stdout) == {"stack": "d", "status": "CHECK_COMPLETE", "drift": {}}
    fip = json.loads(run_cli("stack", "resources", "d", "--json").stdout)["fip"]["physical_id"]
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:  # someone deletes the floating IP behind heatctl's back
        sandbox.start().connection().network.delete_ip(fip)
    finally:
        sandbox.stop()
    drifted = run_cli("stack", "check", "d", "--json")
    assert drifted.exit_code == ExitCode.CHANGES_PRESENT
    report = json.loads(drifted.stdout)
    assert report["status"] == "CHECK_FAILED" and report["drift"] == {
        "fip": f"{fip} is missing from the cloud"
    }
    preview = json.loads(
        run_cli("stack", "preview", str(template), "--stack", "d", "--json").stdout
    )
    assert {c["resource"]: c["action"] for c in preview["changes"]}["fip"] == "replace"
    assert run_cli("stack", "update", "d", "-t", str(template)).exit_code == 0
    assert run_cli("stack", "check", "d").exit_code == 0
    assert run_cli("stack", "delete", "d", "--yes").exit_code == 0


def test_graph_shows_live_statuses(run_cli, heat_template: Path) -> None:
    assert (
        run_cli(
            "stack", "create", str(heat_template), "--name", "g", "-P", "db_password=x"
        ).exit_code
        == 0
    )
    tree = run_cli("stack", "graph", "g").stdout
    assert "after (OS::Heat::TestResource) CREATE_COMPLETE\n    needs slow" in tree
    data = json.loads(run_cli("stack", "graph", "g", "--format", "json").stdout)
    assert ["slow", "after"] in data["edges"] and len(data["nodes"]) == 5
    dot = run_cli("stack", "graph", "g", "--format", "dot").stdout
    assert dot.startswith('digraph "g"') and '"slow" -> "after";' in dot
    assert "-->" in run_cli("stack", "graph", "g", "--format", "mermaid").stdout


def test_abandon_then_adopt_takes_the_same_cloud_resources_back(
    run_cli, state_dir: Path, tmp_path: Path
) -> None:
    Sandbox = pytest.importorskip("heatctl.sandbox").Sandbox
    assert run_cli("stack", "create", str(HERE / "network.yaml"), "--name", "a").exit_code == 0
    result = run_cli("stack", "abandon", "a", "--yes")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (
        data["resources"]["server"]["physical_id"]
        and data["outputs"]["private_key"]["value"] == "******"
    )
    assert run_cli("stack", "show", "a").exit_code == ExitCode.INVALID
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        inventory = sandbox.inventory()
    finally:
        sandbox.stop()
    assert inventory["compute/server"] == [data["resources"]["server"]["physical_id"]]
    saved = tmp_path / "abandoned.json"
    saved.write_text(result.stdout)
    adopted = run_cli("stack", "adopt", str(saved), "--name", "b")
    assert adopted.exit_code == 0, adopted.stderr
    assert "b ADOPT_COMPLETE" in adopted.stderr
    rows = json.loads(run_cli("stack", "resources", "b", "--json").stdout)
    assert {n: r["physical_id"] for n, r in rows.items()} == {
        n: r["physical_id"] for n, r in data["resources"].items()
    }
    assert run_cli("stack", "delete", "b", "--yes").exit_code == 0
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        assert sandbox.inventory() == {}
    finally:
        sandbox.stop()


def test_cloud_custom_constraints_are_checked_before_anything_is_created(
    run_cli, tmp_path: Path
) -> None:
    pytest.importorskip("heatctl.sandbox")
    template = tmp_path / "cc.yaml"
    template.write_text(
        "heat_template_version: 2018-08-31\n"
        "parameters:\n"
        "  image:\n"
        "    type: string\n"
        "    constraints: [{custom_constraint: glance.image}]\n"
        "  flavor: {type: string, constraints: [{custom_constraint: nova.flavor}]}\n"
        "resources:\n"
        "  n: {type: OS::Heat::None, properties: {i: {get_param: image}, f: {get_param: flavor}}}\n"
    )
    bad = run_cli(
        "stack", "create", str(template), "-P", "image=F18-x86_64", "-P", "flavor=m1.huge"
    )
    assert bad.exit_code == ExitCode.INVALID
    assert (
        "cc.yaml:4:5: error: parameter 'image': glance.image 'F18-x86_64' does not exist"
        in bad.stderr
    )
    assert "parameter 'flavor': nova.flavor 'm1.huge' does not exist in the cloud" in bad.stderr
    assert run_cli("stack", "list", "--json").stdout.strip() == "[]"
    good = run_cli("stack", "create", str(template), "-P", "image=cirros", "-P", "flavor=m1.tiny")
    assert good.exit_code == 0, good.stderr


def test_update_rollback_goes_back_to_the_previous_template(run_cli, heat_template: Path) -> None:
    assert (
        run_cli(
            "stack", "create", str(heat_template), "--name", "rb", "-P", "db_password=x"
        ).exit_code
        == 0
    )
    before = json.loads(run_cli("stack", "output", "rb", "--json").stdout)["slow_output"]["value"]
    failed = run_cli(
        "stack",
        "update",
        "rb",
        "-t",
        str(heat_template),
        "-P",
        "db_password=x",
        "-P",
        "count=7",
        "-P",
        "fail=true",
        "--rollback",
    )
    assert failed.exit_code == ExitCode.FAILED
    assert "rb ROLLBACK_COMPLETE" in failed.stderr and "Test Resource failed slow" in failed.stderr
    show = json.loads(run_cli("stack", "show", "rb", "--json").stdout)
    assert show["status"] == "ROLLBACK_COMPLETE"
    assert show["parameters"].get("count") in (None, "3")  # the previous parameters again
    assert (
        json.loads(run_cli("stack", "output", "rb", "--json").stdout)["slow_output"]["value"]
        == before
    )
