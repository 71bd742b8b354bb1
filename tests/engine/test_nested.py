"""Nested stacks end to end through the CLI: OS::Heat::ResourceGroup as a child stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from heatctl.engine.nested_groups import member_names, substitute
from heatctl.engine.store import StateStore

GROUP = """
heat_template_version: 2018-08-31
parameters:
  n: {type: number, default: 3}
  fail: {type: boolean, default: false}
  removal: {type: json, default: []}
resources:
  group:
    type: OS::Heat::ResourceGroup
    properties:
      count: {get_param: n}
      removal_policies: [{resource_list: {get_param: removal}}]
      resource_def:
        type: OS::Heat::TestResource
        properties:
          value: {str_replace: {template: "m-%index%-S", params: {S: {get_param: OS::stack_name}}}}
          fail: {get_param: fail}
  after:
    type: OS::Heat::TestResource
    properties: {value: {get_attr: [group, output]}}
outputs:
  outs: {value: {get_attr: [group, output]}}
  refs: {value: {get_attr: [group, refs]}}
  refs_map: {value: {get_attr: [group, refs_map]}}
  one: {value: {get_attr: [group, resource.1.output]}}
  one_ref: {value: {get_attr: [group, resource.1]}}
  by_member: {value: {get_attr: [group, attributes, output]}}
  after: {value: {get_attr: [after, output]}}
"""


@pytest.fixture(autouse=True)
def no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_USERNAME", "OS_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture
def group_template(tmp_path: Path) -> Path:
    path = tmp_path / "group.yaml"
    path.write_text(GROUP)
    return path


def outputs(run_cli: Any, stack: str) -> dict[str, Any]:
    shown = run_cli("stack", "output", stack, "--json")
    assert shown.exit_code == 0, shown.stderr
    return {k: v["value"] for k, v in json.loads(shown.stdout).items()}


def stacks(state_dir: Path) -> list[dict[str, Any]]:
    with StateStore.open(state_dir) as store:
        return [dict(r) for r in store.db.query("SELECT * FROM stacks ORDER BY created_at")]


def test_member_names_drop_highest_first_and_never_reuse_removed() -> None:
    assert member_names(3, set()) == ["0", "1", "2"]
    assert member_names(2, set()) == ["0", "1"]
    assert member_names(3, {"1"}) == ["0", "2", "3"]
    assert substitute({"a-%i%": ["x%i%", 3]}, "%i%", "7") == {"a-7": ["x7", 3]}


def test_group_create_get_attr_update_count_and_delete(
    run_cli: Any, group_template: Path, state_dir: Path
) -> None:
    created = run_cli("stack", "create", str(group_template), "--name", "web")
    assert created.exit_code == 0, created.stderr
    out = outputs(run_cli, "web")
    assert out["outs"] == ["m-0-web", "m-1-web", "m-2-web"]
    assert out["after"] == out["outs"]
    assert out["one"] == "m-1-web"
    assert out["by_member"] == {"0": "m-0-web", "1": "m-1-web", "2": "m-2-web"}
    assert out["refs_map"]["1"] == out["one_ref"] == out["refs"][1]
    rows = stacks(state_dir)
    parent, child = rows[0], rows[1]
    assert child["parent_id"] == parent["id"] and child["name"].startswith("web-group-")
    group = json.loads(run_cli("stack", "resources", "web", "--json").stdout)["group"]
    assert group["physical_id"] == child["id"]
    # `stack list` shows only top-level stacks.
    assert [s["name"] for s in json.loads(run_cli("stack", "list", "--json").stdout)] == ["web"]

    shrunk = run_cli("stack", "update", "web", "-t", str(group_template), "-P", "n=2")
    assert shrunk.exit_code == 0, shrunk.stderr
    out = outputs(run_cli, "web")
    assert out["outs"] == ["m-0-web", "m-1-web"]  # the highest index went first
    assert out["after"] == out["outs"]

    grown = run_cli(
        "stack", "update", "web", "-t", str(group_template), "-P", "n=3", "-P", 'removal=["0"]'
    )
    assert grown.exit_code == 0, grown.stderr
    assert outputs(run_cli, "web")["outs"] == ["m-1-web", "m-2-web", "m-3-web"]

    deleted = run_cli("stack", "delete", "web", "--yes")
    assert deleted.exit_code == 0, deleted.stderr
    rows = stacks(state_dir)
    assert len(rows) == 2 and all(r["deleted_at"] is not None for r in rows)
    assert all(r["status"] == "DELETE_COMPLETE" for r in rows)


def test_a_failing_member_fails_the_group_with_its_root_cause(
    run_cli: Any, group_template: Path, state_dir: Path
) -> None:
    failed = run_cli(
        "stack", "create", str(group_template), "--name", "bad", "-P", "fail=true", "-P", "n=1"
    )
    assert failed.exit_code == 1
    assert "CREATE_FAILED" in failed.stderr
    shown = json.loads(run_cli("stack", "show", "bad", "--json").stdout)
    reason = shown["status_reason"]
    assert "group" in reason and "nested stack bad-group-" in reason
    assert reason.endswith("CREATE_FAILED: 0: Test Resource failed 0")  # the child's root cause
    fixed = run_cli("stack", "update", "bad", "-t", str(group_template))
    assert fixed.exit_code == 0, fixed.stderr
    assert outputs(run_cli, "bad")["outs"] == ["m-0-bad", "m-1-bad", "m-2-bad"]
    assert run_cli("stack", "delete", "bad", "--yes").exit_code == 0
    assert all(r["deleted_at"] is not None for r in stacks(state_dir))


PROVIDER = """
heat_template_version: 2018-08-31
parameters:
  label: {type: string}
  fail: {type: boolean, default: false}
resources:
  inner:
    type: OS::Heat::TestResource
    properties:
      value: {list_join: ["-", [{get_param: label}, {get_param: OS::stack_name}]]}
      fail: {get_param: fail}
outputs:
  name: {value: {get_attr: [inner, output]}}
"""

TOP = """
heat_template_version: 2018-08-31
parameters:
  label: {type: string, default: a}
  fail: {type: boolean, default: false}
resources:
  srv:
    type: My::Server
    properties: {label: {get_param: label}, fail: {get_param: fail}}
  direct:
    type: server.yaml
    properties: {label: direct}
  st:
    type: OS::Heat::Stack
    properties:
      template: {get_file: server.yaml}
      parameters: {label: viastack}
outputs:
  srv: {value: {get_attr: [srv, name]}}
  direct: {value: {get_attr: [direct, name]}}
  st: {value: {get_attr: [st, outputs, name]}}
  id: {value: {get_resource: srv}}
"""


def test_provider_templates_and_os_heat_stack_as_child_stacks(
    run_cli: Any, tmp_path: Path, state_dir: Path
) -> None:
    (tmp_path / "server.yaml").write_text(PROVIDER)
    (tmp_path / "env.yaml").write_text("resource_registry:\n  My::Server: server.yaml\n")
    (tmp_path / "top.yaml").write_text(TOP)
    source = (str(tmp_path / "top.yaml"), "-e", str(tmp_path / "env.yaml"))
    created = run_cli("stack", "create", *source, "--name", "pt")
    assert created.exit_code == 0, created.stderr
    out = outputs(run_cli, "pt")
    children = {r["name"]: r for r in stacks(state_dir)[1:]}
    srv = next(r for n, r in children.items() if n.startswith("pt-srv-"))
    assert out["srv"] == f"a-{srv['name']}"  # OS::stack_name inside is the child's name
    assert out["id"] == srv["id"]  # get_resource gives the child stack's id
    assert out["direct"].startswith("direct-pt-direct-")
    assert out["st"].startswith("viastack-pt-st-")
    assert len(children) == 3

    updated = run_cli("stack", "update", "pt", "-t", *source, "-P", "label=b")
    assert updated.exit_code == 0, updated.stderr
    assert outputs(run_cli, "pt")["srv"] == f"b-{srv['name']}"  # updated in place
    failed = run_cli("stack", "update", "pt", "-t", *source, "-P", "fail=true")
    assert failed.exit_code == 1
    assert f"srv: nested stack {srv['name']} UPDATE_FAILED: inner: Test Resource failed" in (
        failed.stderr
    )
    assert run_cli("stack", "delete", "pt", "--yes").exit_code == 0
    rows = stacks(state_dir)
    assert len(rows) == 4 and all(r["deleted_at"] is not None for r in rows)


def test_a_group_keeps_member_secrets_secret(run_cli: Any, tmp_path: Path, state_dir: Path) -> None:
    path = tmp_path / "pw.yaml"
    path.write_text(
        "heat_template_version: 2018-08-31\n"
        "resources:\n"
        "  pws:\n"
        "    type: OS::Heat::ResourceGroup\n"
        "    properties:\n"
        "      count: 2\n"
        "      resource_def: {type: OS::Heat::RandomString, properties: {length: 24}}\n"
        "  use:\n"
        "    type: OS::Heat::TestResource\n"
        "    properties: {value: {get_attr: [pws, resource.1.value]}}\n"
    )
    assert run_cli("stack", "create", str(path), "--name", "s").exit_code == 0
    with StateStore.open(state_dir) as store:
        stack = store.get_stack("s")
        use, pws = store.find_resource(stack.id, "use"), store.find_resource(stack.id, "pws")
        assert use is not None and pws is not None
        secret = store.resource_attributes(use.id, reveal=True)["output"]
        revealed = store.resource_attributes(pws.id, reveal=True)
        stored = next(store.db.query("SELECT attributes FROM resources WHERE id = ?", [pws.id]))
    assert len(secret) == 24 and revealed["resource.1.value"] == secret
    assert revealed["refs"][1] == secret  # a RandomString's reference is its value
    assert secret not in stored["attributes"] and "******" in stored["attributes"]


def test_group_members_can_be_provider_templates(
    run_cli: Any, tmp_path: Path, state_dir: Path
) -> None:
    (tmp_path / "server.yaml").write_text(PROVIDER)
    (tmp_path / "env.yaml").write_text("resource_registry:\n  My::Server: server.yaml\n")
    (tmp_path / "grp.yaml").write_text(
        "heat_template_version: 2018-08-31\n"
        "resources:\n"
        "  g:\n"
        "    type: OS::Heat::ResourceGroup\n"
        "    properties:\n"
        "      count: 2\n"
        "      resource_def: {type: My::Server, properties: {label: 'x%index%'}}\n"
        "outputs:\n"
        "  names: {value: {get_attr: [g, name]}}\n"
    )
    source = (str(tmp_path / "grp.yaml"), "-e", str(tmp_path / "env.yaml"))
    created = run_cli("stack", "create", *source, "--name", "gg")
    assert created.exit_code == 0, created.stderr
    names = outputs(run_cli, "gg")["names"]
    assert [n.split("-")[0] for n in names] == ["x0", "x1"]
    rows = stacks(state_dir)
    assert len(rows) == 4  # the stack, the group's child, one grandchild per member
    assert run_cli("stack", "delete", "gg", "--yes").exit_code == 0
    assert all(r["deleted_at"] is not None for r in stacks(state_dir))


def test_resume_finishes_a_create_interrupted_inside_the_child(
    run_cli: Any, group_template: Path, state_dir: Path
) -> None:
    assert run_cli("stack", "create", str(group_template), "--name", "web").exit_code == 0
    before = outputs(run_cli, "web")
    # What a kill in the middle of the child's create leaves: every stack and the group in
    # CREATE_IN_PROGRESS, the group without its physical id, member 2 never started.
    with StateStore.open(state_dir) as store:
        parent, child = (r["id"] for r in stacks(state_dir))
        with store.transaction() as db:
            db.execute("UPDATE stacks SET status = 'CREATE_IN_PROGRESS'")
            db.execute(
                "UPDATE resources SET status = 'CREATE_IN_PROGRESS', physical_id = NULL"
                " WHERE stack_id = ? AND name IN ('group', 'after')",
                [parent],
            )
            db.execute("DELETE FROM resources WHERE stack_id = ? AND name = '2'", [child])
    resumed = run_cli("stack", "resume", "web")
    assert resumed.exit_code == 0, resumed.stderr
    after = outputs(run_cli, "web")
    assert after["outs"] == before["outs"] and after["refs"][:2] == before["refs"][:2]
    rows = stacks(state_dir)
    assert len(rows) == 2 and [r["status"] for r in rows] == ["CREATE_COMPLETE"] * 2
