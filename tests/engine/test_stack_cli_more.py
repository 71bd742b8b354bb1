"""stack commands as a user meets them: -q, values printed as text, cloud lookups before create."""

from __future__ import annotations

from pathlib import Path

import pytest

TEMPLATE = """
heat_template_version: 2018-08-31
parameters:
  fail: {type: boolean, default: false}
resources:
  first:
    type: OS::Heat::TestResource
    properties: {value: one, fail: {get_param: fail}}
"""


@pytest.fixture(autouse=True)
def _no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)


def test_quiet_create_prints_no_progress(run_cli, tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE)
    loud = run_cli("stack", "create", str(path), "--name", "loud")
    assert loud.exit_code == 0, loud.output
    assert "CREATE_IN_PROGRESS" in loud.stderr
    quiet = run_cli("-q", "stack", "create", str(path), "--name", "quiet")
    assert quiet.exit_code == 0, quiet.output
    assert "CREATE_IN_PROGRESS" not in quiet.stderr
    assert "CREATE_COMPLETE" not in quiet.stderr


def test_quiet_create_still_reports_the_failure(run_cli, tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE)
    result = run_cli("-q", "stack", "create", str(path), "--name", "bad", "-P", "fail=true")
    assert result.exit_code == 1, result.output
    assert "CREATE_FAILED" in result.stderr
    assert "CREATE_IN_PROGRESS" not in result.stderr


def test_values_that_look_like_markup_are_printed_as_text(run_cli, tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "heat_template_version: 2018-08-31\nresources:\n"
        "  v:\n    type: OS::Heat::Value\n    properties: {value: '[/bold] [red]x'}\n"
        "outputs:\n  out: {value: {get_attr: [v, value]}}\n"
    )
    assert run_cli("stack", "create", str(path), "--name", "m").exit_code == 0
    shown = run_cli("stack", "output", "m")
    assert shown.exit_code == 0, shown.output
    assert "[/bold] [red]x" in shown.stdout


def test_property_custom_constraints_are_checked_before_anything_is_created(run_cli, tmp_path):
    # OS::Nova::Server key_name has Heat's nova.keypair constraint and image glance.image:
    # a missing key pair or image is a diagnostic at the property (exit 3), as Heat's
    # validation gives, not a cloud 400 halfway through the create.
    path = tmp_path / "t.yaml"
    path.write_text(
        "heat_template_version: 2018-08-31\n"
        "parameters:\n  key: {type: string, default: nokey}\n"
        "resources:\n"
        "  net:\n    type: OS::Neutron::Net\n"
        "  server:\n    type: OS::Nova::Server\n    properties:\n"
        "      flavor: m1.tiny\n      image: no-such-image\n"
        "      key_name: {get_param: key}\n"
        "      networks: [{network: {get_resource: net}}]\n"
    )
    result = run_cli("stack", "create", str(path), "--name", "cc")
    assert result.exit_code == 3, result.output
    assert f"{path}:11:14: error: resource 'server' property 'image'" in result.stderr
    assert "glance.image 'no-such-image' does not exist in the cloud" in result.stderr
    assert "property 'key_name': nova.keypair 'nokey' does not exist" in result.stderr
    assert "flavor" not in result.stderr  # m1.tiny exists
    assert run_cli("stack", "list", "--json").stdout.strip() in ("[]", "")


NETWORK = """
heat_template_version: 2018-08-31
resources:
  net:
    type: OS::Neutron::Net
    properties: {name: drift-net}
  port:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}, admin_state_up: true}
"""


def test_check_reports_properties_changed_behind_heatctls_back(run_cli, tmp_path, state_dir):
    import json

    from heatctl.errors import ExitCode
    from heatctl.sandbox import Sandbox

    path = tmp_path / "net.yaml"
    path.write_text(NETWORK)
    assert run_cli("stack", "create", str(path), "--name", "n").exit_code == 0
    clean = run_cli("stack", "check", "n", "--json")
    assert clean.exit_code == 0, clean.output
    ids = json.loads(run_cli("stack", "resources", "n", "--json").stdout)
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:  # someone renames the network and downs the port in the dashboard
        conn = sandbox.start().connection()
        conn.network.update_network(ids["net"]["physical_id"], name="renamed")
        conn.network.update_port(ids["port"]["physical_id"], is_admin_state_up=False)
    finally:
        sandbox.stop()
    drifted = run_cli("stack", "check", "n", "--json")
    assert drifted.exit_code == ExitCode.CHANGES_PRESENT, drifted.output
    assert json.loads(drifted.stdout)["drift"] == {
        "net": "name: the state has 'drift-net', the cloud has 'renamed'",
        "port": "is_admin_state_up: the state has True, the cloud has False",
    }
    assert run_cli("stack", "update", "n", "-t", str(path)).exit_code == 0
    assert run_cli("stack", "check", "n").exit_code == 0


def test_resume_refuses_when_the_template_files_changed_since_the_operation(run_cli, tmp_path):
    from heatctl.errors import ExitCode

    (tmp_path / "value.txt").write_text("one")
    path = tmp_path / "t.yaml"
    path.write_text(
        "heat_template_version: 2018-08-31\n"
        "parameters:\n  fail: {type: boolean, default: false}\n"
        "resources:\n  t:\n    type: OS::Heat::TestResource\n"
        "    properties: {value: {get_file: value.txt}, fail: {get_param: fail}}\n"
    )
    failed = run_cli("stack", "create", str(path), "--name", "r", "-P", "fail=true")
    assert failed.exit_code == ExitCode.FAILED, failed.output
    (tmp_path / "value.txt").write_text("two")
    refused = run_cli("stack", "resume", "r")
    assert refused.exit_code == ExitCode.INVALID, refused.output
    assert "its template files changed since the operation started" in refused.stderr
    assert str(tmp_path / "value.txt") in refused.stderr and "Traceback" not in refused.output
    (tmp_path / "value.txt").write_text("one")
    again = run_cli("stack", "resume", "r")  # the same files: resumed (and fails as before)
    assert again.exit_code == ExitCode.FAILED, again.output
    assert "Test Resource failed t" in again.stderr


def test_deployable_list_is_the_engines_own_answer(run_cli):
    import json

    from heatctl.engine import runtime
    from heatctl.engine.nested import nested_plugin, nested_types
    from heatctl.errors import OperationFailed

    assert all(nested_plugin(None, t) is not None for t in nested_types())  # type: ignore[arg-type]
    listed = json.loads(run_cli("resource-type", "list", "--json").stdout)
    for row in listed:
        if row["type"] in nested_types():
            assert row["deployable"]
            continue
        try:
            plugin = runtime.plugin_for(row["type"])
        except OperationFailed:
            assert not row["deployable"], row["type"]
        else:  # a type whose create only says why it cannot be deployed is not listed
            assert row["deployable"] is getattr(plugin, "deployable", True), row["type"]
    only = json.loads(run_cli("resource-type", "list", "--deployable", "--json").stdout)
    assert [r["type"] for r in only] == [r["type"] for r in listed if r["deployable"]]


def test_a_hidden_parameters_default_is_masked_like_a_given_value(run_cli, tmp_path):
    (tmp_path / "env.yaml").write_text("parameters:\n  token: FromTheEnv42\n")
    path = tmp_path / "t.yaml"
    path.write_text(
        "heat_template_version: 2018-08-31\n"
        "parameters:\n"
        "  pw: {type: string, hidden: true, default: TopSecret99}\n"
        "  token: {type: string, hidden: true}\n"
        "resources:\n  v:\n    type: OS::Heat::TestResource\n"
        "    properties: {value: {list_join: ['-', [{get_param: pw}, {get_param: token}]]}}\n"
        "outputs:\n  o: {value: {get_attr: [v, output]}}\n"
    )
    created = run_cli("stack", "create", str(path), "-e", str(tmp_path / "env.yaml"), "--name", "h")
    assert created.exit_code == 0, created.output
    for command in (["show"], ["resources"], ["events"], ["output"], ["output", "--json"]):
        shown = run_cli("stack", *command, "h", *(["--json"] if len(command) == 1 else []))
        assert shown.exit_code == 0, shown.output
        assert "TopSecret99" not in shown.output and "FromTheEnv42" not in shown.output


RENAME = """
heat_template_version: 2018-08-31
parameters:
  name: {type: string}
resources:
  net:
    type: OS::Neutron::Net
    properties: {name: {get_param: name}}
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.9.0.0/24}
  value:
    type: OS::Heat::Value
    properties: {value: {get_attr: [net, name]}}
"""


def test_a_reference_to_a_resource_updated_in_place_keeps_its_dependents(run_cli, tmp_path):
    import json

    path = tmp_path / "t.yaml"
    path.write_text(RENAME)
    assert run_cli("stack", "create", str(path), "--name", "r", "-P", "name=a").exit_code == 0
    before = json.loads(run_cli("stack", "resources", "r", "--json").stdout)
    preview = run_cli("stack", "preview", str(path), "--stack", "r", "-P", "name=b", "--json")
    actions = {c["resource"]: c["action"] for c in json.loads(preview.stdout)["changes"]}
    # the subnet's network (immutable) is the net's id, which an in-place rename keeps;
    # an attribute of the renamed net may change, so the value is updated after it
    assert actions["net"] == "update" and actions.get("subnet", "keep") == "keep"
    updated = run_cli("stack", "update", "r", "-t", str(path), "-P", "name=b")
    assert updated.exit_code == 0, updated.output
    after = json.loads(run_cli("stack", "resources", "r", "--json").stdout)
    assert after["subnet"]["physical_id"] == before["subnet"]["physical_id"]
    assert json.loads(run_cli("stack", "show", "r", "--json").stdout)["status"] == "UPDATE_COMPLETE"
