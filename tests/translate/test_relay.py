"""One path for every format: TOSCA files given to the template commands are relayed
through their translator, and CloudFormation is read natively."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from heatctl.dsl.validate import validate_file
from heatctl.errors import ExitCode

TOSCA = """\
tosca_definitions_version: tosca_simple_yaml_1_0
description: one server and its volume
topology_template:
  inputs:
    size:
      type: integer
      default: 2
  node_templates:
    server:
      type: tosca.nodes.Compute
      capabilities:
        host:
          properties: {num_cpus: 1, mem_size: 512 MB, disk_size: 1 GB}
        os:
          properties: {type: linux, distribution: cirros, version: "0.6"}
    volume:
      type: tosca.nodes.BlockStorage
      properties:
        size: 1 GB
      requirements:
        - attachment: server
"""


def _write(tmp_path: Path, text: str, name: str = "app.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_validate_relays_tosca(tmp_path, run_cli):
    path = _write(tmp_path, TOSCA)
    result = run_cli("template", "validate", str(path))
    assert result.exit_code == 0, result.output
    assert "translated from TOSCA" in result.stdout
    loaded = validate_file(path).loaded
    assert loaded.source_format == "tosca"
    types = sorted(r.type for r in loaded.template.resources.values())
    assert "OS::Nova::Server" in types and "OS::Cinder::Volume" in types


def test_graph_of_tosca_has_the_attachment_edges(tmp_path, run_cli):
    path = _write(tmp_path, TOSCA)
    result = run_cli("template", "graph", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    graph = json.loads(result.stdout)
    assert graph["depth"] >= 2


def test_csar_is_relayed(tmp_path, run_cli):
    archive = tmp_path / "app.csar"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(
            "TOSCA-Metadata/TOSCA.meta",
            "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: test\n"
            "Entry-Definitions: Definitions/app.yaml\n",
        )
        zf.writestr("Definitions/app.yaml", TOSCA)
    result = run_cli("template", "validate", str(archive))
    assert result.exit_code == 0, result.output
    assert "translated from TOSCA" in result.stdout


def test_invalid_tosca_is_exit_3_with_location(tmp_path, run_cli):
    path = _write(tmp_path, TOSCA.replace("tosca.nodes.BlockStorage", "tosca.nodes.BlockStorag"))
    result = run_cli("template", "validate", str(path))
    assert result.exit_code == ExitCode.INVALID
    assert "Traceback" not in result.output
    assert f"{path}:" in result.stderr
    assert "BlockStorage" in result.stderr  # did-you-mean


def test_cfn_is_read_natively(tmp_path):
    path = _write(
        tmp_path,
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
        "  Bucket:\n    Type: AWS::S3::Bucket\n",
    )
    loaded = validate_file(path).loaded
    assert loaded.ok
    assert loaded.source_format == "cfn"


def test_stack_create_from_tosca_remembers_the_format(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)  # openstacksdk also reads ./clouds.yaml
    path = _write(tmp_path, TOSCA)
    created = run_cli("stack", "create", str(path), "--name", "tapp")
    assert created.exit_code == 0, created.output
    shown = run_cli("stack", "show", "tapp", "--json")
    assert shown.exit_code == 0, shown.output
    view = json.loads(shown.stdout)
    assert view["source_format"] == "tosca"
    assert {r["type"] for r in view["resources"].values()} >= {
        "OS::Nova::Server",
        "OS::Cinder::Volume",
    }
    deleted = run_cli("stack", "delete", "tapp", "--yes")
    assert deleted.exit_code == 0, deleted.output


def test_stack_preview_of_cfn(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _write(
        tmp_path,
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Net:\n    Type: OS::Neutron::Net\n",
        "cfn.yaml",
    )
    result = run_cli("stack", "preview", str(path), "--detailed-exitcode")
    assert result.exit_code == ExitCode.CHANGES_PRESENT, result.output
    assert "create" in result.stdout
