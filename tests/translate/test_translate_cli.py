"""`heatctl translate` as a user runs it: stdout, -o with nested files, --json, --report,
--strict, -P, and errors with file:line and exit code 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heatctl.dsl.loader import load_file, loads
from heatctl.errors import ExitCode
from tests.conftest import run_subprocess

SERVER = """\
tosca_definitions_version: tosca_simple_yaml_1_3
description: one server
topology_template:
  inputs:
    cpus:
      type: integer
      default: 2
      constraints:
        - valid_values: [1, 2, 4]
    greeting:
      type: string
      default: "yes"
  node_templates:
    web:
      type: tosca.nodes.Compute
      capabilities:
        host:
          properties: {num_cpus: {get_input: cpus}, mem_size: 2 GB, disk_size: 10 GB}
        os:
          properties: {distribution: ubuntu, version: "22.04", architecture: x86_64}
  outputs:
    ip:
      value: {get_attribute: [web, private_address]}
"""

SCALED = SERVER.replace(
    "  outputs:",
    """  policies:
    - grow:
        type: tosca.policies.Scaling
        properties: {min_instances: 1, max_instances: 3, default_instances: 1, increment: 1}
        targets: [web]
  outputs:""",
)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "server.yaml"
    path.write_text(SERVER)
    return path


def test_stdout_is_hot(run_cli, template: Path) -> None:
    result = run_cli("translate", str(template))
    assert result.exit_code == 0, result.stderr
    hot = loads(result.stdout)
    assert hot["heat_template_version"] == "2013-05-23"
    assert hot["resources"]["web"]["type"] == "OS::Nova::Server"
    assert hot["resources"]["web"]["properties"]["flavor"] == "m1.medium"
    assert hot["resources"]["web"]["properties"]["image"] == "ubuntu"
    assert hot["parameters"]["greeting"]["default"] == "yes"  # still a string
    assert "'yes'" in result.stdout


def test_input_changes_flavor_and_default(run_cli, template: Path) -> None:
    result = run_cli("translate", str(template), "-P", "cpus=4")
    assert result.exit_code == 0, result.stderr
    hot = loads(result.stdout)
    assert hot["resources"]["web"]["properties"]["flavor"] == "m1.large"
    assert hot["parameters"]["cpus"]["default"] == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-P", "cpus=many"], "'many' is not an integer"),
        (["-P", "cpus=3"], "is not one of"),
        (["-P", "cpu=2"], "did you mean 'cpus'"),
    ],
)
def test_bad_inputs_exit_3_with_location(
    run_cli, template: Path, args: list[str], message: str
) -> None:
    result = run_cli("translate", str(template), *args)
    assert result.exit_code == ExitCode.INVALID
    assert message in result.stderr
    assert f"{template}:" in result.stderr
    assert "Traceback" not in result.output


def test_malformed_input_option_is_usage_error(run_cli, template: Path) -> None:
    result = run_cli("translate", str(template), "-P", "novalue")
    assert result.exit_code == ExitCode.USAGE
    assert "name=value" in result.stderr


def test_report_lists_approximations_with_lines(run_cli, template: Path) -> None:
    result = run_cli("translate", str(template), "--report")
    assert result.exit_code == 0
    assert f"{template}:23:" in result.stderr  # the get_attribute line
    assert "approximate" in result.stderr
    assert "translation report:" in result.stderr


def test_strict_fails_on_approximations(run_cli, template: Path) -> None:
    result = run_cli("translate", str(template), "--strict")
    assert result.exit_code == ExitCode.INVALID
    assert "--strict" in result.stderr
    assert result.stdout == ""


def test_json_output(run_cli, template: Path) -> None:
    result = run_cli("translate", str(template), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"hot", "nested", "report"}
    assert data["hot"]["resources"]["web"]["type"] == "OS::Nova::Server"
    assert all(
        {"kind", "message", "file", "line", "col", "construct"} <= set(e) for e in data["report"]
    )


def test_nested_templates_need_an_output_file(run_cli, tmp_path: Path) -> None:
    source = tmp_path / "scaled.yaml"
    source.write_text(SCALED)
    result = run_cli("translate", str(source))
    assert result.exit_code == ExitCode.USAGE
    assert "grow_res.yaml" in result.stderr and "-o" in result.stderr
    assert not (Path.cwd() / "grow_res.yaml").exists()


def test_output_file_with_nested_template(run_cli, tmp_path: Path) -> None:
    source = tmp_path / "scaled.yaml"
    source.write_text(SCALED)
    out = tmp_path / "out" / "main.yaml"
    result = run_cli("translate", str(source), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    main = load_file(out)
    nested = load_file(out.parent / "grow_res.yaml")
    group = main["resources"]["grow_group"]
    assert group["type"] == "OS::Heat::AutoScalingGroup"
    assert group["properties"]["resource"]["type"] == "grow_res.yaml"
    assert nested["resources"]["web"]["type"] == "OS::Nova::Server"
    assert "web" not in main["resources"]
    # the output now reads the members' addresses through the group
    assert main["outputs"]["ip"]["value"]["get_attr"][:2] == ["grow_group", "outputs_list"]


def test_from_tosca_on_cfn_text_is_an_error(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("foo: 1\n")
    result = run_cli("translate", str(path))
    assert result.exit_code == ExitCode.INVALID
    assert f"{path}:1:1" in result.stderr


def test_subprocess_run(template: Path) -> None:
    result = run_subprocess(["translate", str(template)])
    assert result.exit_code == 0, result.stderr
    assert "OS::Nova::Server" in result.stdout


def test_unknown_translator_is_usage_error(run_cli, template: Path) -> None:
    result = run_cli("translate", str(template), "--from", "camp")
    assert result.exit_code == ExitCode.USAGE
    assert "no such translator" in result.stderr and "tosca" in result.stderr


def test_csar_output_directory_is_self_contained(run_cli, tmp_path: Path) -> None:
    from tests.conftest import corpus_path

    csar = corpus_path(
        "tosca", "heat-translator", "samples", "tests", "data", "csar_single_instance_wordpress.zip"
    )
    out = tmp_path / "out" / "wordpress.yaml"
    result = run_cli(
        "translate", str(csar), "-o", str(out), "-P", "db_root_pwd=secret", "-P", "cpus=2"
    )
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert "../" not in text
    hot = loads(text)
    files = {
        r["properties"]["config"]["get_file"]
        for r in hot["resources"].values()
        if r["type"] == "OS::Heat::SoftwareConfig"
    }
    assert "Scripts/WordPress/install.sh" in files
    assert all((out.parent / f).is_file() for f in files)


def test_json_with_output_lists_every_file(run_cli, tmp_path: Path) -> None:
    source = tmp_path / "scaled.yaml"
    source.write_text(SCALED)
    out = tmp_path / "out" / "main.yaml"
    result = run_cli("translate", str(source), "-o", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["files"] == [str(out), str(out.parent / "grow_res.yaml")]


def test_translated_output_passes_template_validate(run_cli, tmp_path: Path) -> None:
    source = tmp_path / "scaled.yaml"
    source.write_text(SCALED)
    out = tmp_path / "out" / "main.yaml"
    assert run_cli("translate", str(source), "-o", str(out)).exit_code == 0
    result = run_cli("template", "validate", str(out))
    assert result.exit_code == 0, result.output


def test_garbage_collector_is_back_on_after_the_command(run_cli, tmp_path: Path) -> None:
    """translate pauses the cyclic collector for its one run (start-up time); an in-process
    caller gets it back, after a success and after a failure."""
    import gc

    assert gc.isenabled()
    good = tmp_path / "server.yaml"
    good.write_text(SERVER)
    assert run_cli("translate", str(good)).exit_code == 0
    assert gc.isenabled()
    assert run_cli("translate", str(tmp_path / "missing.yaml")).exit_code == ExitCode.INVALID
    assert gc.isenabled()
