"""`heatctl template validate | resolve | graph` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

SIMPLE = """\
heat_template_version: 2018-08-31
description: a network and a server
parameters:
  flavor:
    type: string
    default: m1.small
  db_password:
    type: string
    hidden: true
    default: hunter2-secret
resources:
  net:
    type: OS::Neutron::Net
  server:
    type: OS::Nova::Server
    properties:
      flavor: {get_param: flavor}
      image: {str_replace: {template: img-VER, params: {VER: "1"}}}
      networks: [{network: {get_resource: net}}]
      admin_pass: {get_param: db_password}
outputs:
  ip:
    value: {get_attr: [server, networks]}
  flavor:
    value: {get_param: flavor}
"""


@pytest.fixture
def simple(tmp_path: Path) -> Path:
    path = tmp_path / "simple.yaml"
    path.write_text(SIMPLE)
    return path


def test_validate_valid_prints_summary(run_cli, simple):
    result = run_cli("template", "validate", str(simple))
    assert result.exit_code == 0, result.output
    assert "valid (heat_template_version: 2018-08-31)" in result.stdout
    assert "resources: 2, parameters: 2, outputs: 2, graph depth: 2" in result.stdout


def test_validate_invalid_lists_every_problem_and_exits_3(run_cli, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        SIMPLE.replace("get_resource: net", "get_resource: nett").replace(
            "OS::Neutron::Net", "OS::Neutron::Nett"
        )
    )
    result = run_cli("template", "validate", str(path))
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert f"{path}:13:11: error: unknown resource type 'OS::Neutron::Nett'" in lines[0]
    assert any(
        line.startswith(f"{path}:19:28: error: get_resource refers to 'nett'") for line in lines
    ), lines
    assert "template invalid: 2 errors" in result.stderr
    assert "Traceback" not in result.output


def test_validate_json(run_cli, simple, tmp_path):
    result = run_cli("template", "validate", str(simple), "--json")
    data = json.loads(result.stdout)
    assert data["valid"] is True and data["summary"]["resources"] == 2
    details = {p["name"]: p for p in data["summary"]["parameter_details"]}
    assert details["flavor"]["value"] == "m1.small"
    assert details["db_password"]["value"] == details["db_password"]["default"] == "******"
    assert "hunter2-secret" not in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(SIMPLE.replace("flavor: {get_param: flavor}", "flavor: {get_param: flavr}"))
    result = run_cli("template", "validate", str(bad), "--json")
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert data["valid"] is False
    assert data["diagnostics"][0]["line"] == 17
    assert "(did you mean 'flavor'?)" in data["diagnostics"][0]["message"]


def test_parameters_from_command_line_are_checked(run_cli, simple):
    result = run_cli("template", "validate", str(simple), "-P", "flavour=x")
    assert result.exit_code == 3
    assert "parameter 'flavour' is not defined in the template (did you mean 'flavor'?)" in (
        result.stderr
    )
    assert "from -P flavour" in result.stderr


def test_parameter_file(run_cli, simple, tmp_path):
    value = tmp_path / "flavor.txt"
    value.write_text("m1.huge")
    result = run_cli("template", "resolve", str(simple), "--parameter-file", f"flavor={value}")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout)["resources"]["server"]["properties"]["flavor"] == "m1.huge"


def test_resolve_evaluates_pure_functions_and_keeps_references(run_cli, simple):
    result = run_cli("template", "resolve", str(simple), "-P", "flavor=m1.large")
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(result.stdout)
    props = doc["resources"]["server"]["properties"]
    assert props["flavor"] == "m1.large"
    assert props["image"] == "img-1"
    assert props["networks"] == [{"network": {"get_resource": "net"}}]
    assert doc["outputs"]["ip"]["value"] == {"get_attr": ["server", "networks"]}
    assert doc["parameters"]["flavor"]["default"] == "m1.large"


def test_resolve_never_prints_hidden_values(run_cli, simple):
    for args in ([], ["--json"], ["-P", "db_password=another-secret-value"]):
        result = run_cli("template", "resolve", str(simple), *args)
        assert result.exit_code == 0, result.output
        assert "hunter2-secret" not in result.output
        assert "another-secret-value" not in result.output
        assert "******" in result.stdout


def test_hidden_value_not_in_diagnostics(run_cli, tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "heat_template_version: 2016-10-14\n"
        "parameters:\n  pw:\n    type: string\n    hidden: true\n"
        "    constraints: [{allowed_pattern: '[a-z]+'}]\n"
        "resources: {}\n"
    )
    result = run_cli("template", "validate", str(path), "-P", "pw=TopSecret99")
    assert result.exit_code == 3
    assert "TopSecret99" not in result.output
    assert "******" in result.stderr


def test_graph_formats(run_cli, simple):
    tree = run_cli("template", "graph", str(simple))
    assert tree.exit_code == 0, tree.output
    assert tree.stdout.splitlines()[:2] == [
        "server (OS::Nova::Server)",
        "└── net (OS::Neutron::Net)",
    ]
    assert "depth 2, widest level 1" in tree.stdout
    dot = run_cli("template", "graph", str(simple), "--format", "dot")
    assert '"server" -> "net" [label="get_resource"];' in dot.stdout
    mermaid = run_cli("template", "graph", str(simple), "--format", "mermaid")
    assert mermaid.stdout.startswith("graph BT")
    data = json.loads(run_cli("template", "graph", str(simple), "--format", "json").stdout)
    assert data["depth"] == 2 and data["width"] == 1
    assert data["edges"] == [{"from": "server", "to": "net", "kind": "get_resource"}]
    assert [n["name"] for n in data["nodes"]] == ["net", "server"]


def test_graph_cycle_is_an_error_naming_the_cycle(run_cli):
    path = Path(__file__).parent / "fixtures" / "errors" / "cycle.yaml"
    result = run_cli("template", "graph", str(path))
    assert result.exit_code == 3
    assert "dependency cycle: a -> b -> c -> a" in result.stderr
    assert "'a' needs 'b' (get_attr, line 6)" in result.stderr
    assert "'b' needs 'c' (depends_on, line 9)" in result.stderr
    assert "'c' needs 'a' (get_resource, line 13)" in result.stderr


def test_missing_file_and_bad_yaml(run_cli, tmp_path):
    result = run_cli("template", "validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 3 and "no such file" in result.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("heat_template_version: 2016-10-14\nresources: [\n")
    result = run_cli("template", "validate", str(bad))
    assert result.exit_code == 3 and f"{bad}:" in result.stderr
    assert "Traceback" not in result.output


def test_max_template_size(run_cli, simple):
    result = run_cli("template", "validate", str(simple), "--max-template-size", "100")
    assert result.exit_code == 3
    assert "over the limit of 100 bytes" in result.stderr


def test_missing_parameter_file_is_reported(run_cli, simple, tmp_path):
    result = run_cli(
        "template", "validate", str(simple), "--parameter-file", f"flavor={tmp_path / 'no'}"
    )
    assert result.exit_code == 3
    assert "--parameter-file flavor: cannot read" in result.stderr


def test_bad_assignment_is_a_usage_error(run_cli, simple):
    result = run_cli("template", "validate", str(simple), "-P", "novalue")
    assert result.exit_code == 2
    assert "expected name=value" in result.stderr


def test_var_file_and_var(run_cli, tmp_path):
    (tmp_path / "vars.yaml").write_text("name: from-file\nlength: 4\n")
    path = tmp_path / "t.j2.yaml"
    path.write_text(
        "heat_template_version: 2016-10-14\nresources:\n"
        "  {{ name }}:\n    type: OS::Heat::RandomString\n"
        "    properties: {length: {{ length }}}\n"
    )
    result = run_cli(
        "template",
        "resolve",
        str(path),
        "--var-file",
        str(tmp_path / "vars.yaml"),
        "--var",
        "name=from-cli",
    )
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout)["resources"] == {
        "from-cli": {"type": "OS::Heat::RandomString", "properties": {"length": 4}}
    }


def test_tosca_template_is_relayed_through_its_translator(run_cli, tmp_path):
    path = tmp_path / "tosca.yaml"
    path.write_text("tosca_definitions_version: tosca_simple_yaml_1_0\ntopology_template: {}\n")
    result = run_cli("template", "validate", str(path))
    assert result.exit_code == 0, result.output
    assert "translated from TOSCA" in result.stdout
    assert "resources: 0" in result.stdout
