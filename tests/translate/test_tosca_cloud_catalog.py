"""With a connected cloud, Compute nodes get the cloud's flavors and images: real HTTP to
the sandbox through the real openstacksdk (skips until the sandbox is merged)."""

from __future__ import annotations

from pathlib import Path

import pytest

from heatctl.translate import TranslateOptions, translate_file

TEMPLATE = """\
tosca_definitions_version: tosca_simple_yaml_1_3
topology_template:
  node_templates:
    web:
      type: tosca.nodes.Compute
      capabilities:
        host: {properties: {num_cpus: 3, mem_size: 3 GB, disk_size: 30 GB}}
        os: {properties: {distribution: fedora}}
"""


def test_flavor_and_image_come_from_the_cloud(tmp_path: Path) -> None:
    sandbox_module = pytest.importorskip("heatctl.sandbox")
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE)
    with sandbox_module.Sandbox() as sandbox:
        cloud = sandbox.connection()
        cloud.compute.create_flavor(name="c3.custom", vcpus=3, ram=3584, disk=30)
        result = translate_file(path, options=TranslateOptions(cloud=cloud))
        paths = [r.path for r in sandbox.request_log]
    server = result.hot["resources"]["web"]["properties"]
    assert server["flavor"] == "c3.custom"  # not in the default table
    assert server["image"] == "fedora"
    assert any(p.endswith("/flavors/detail") for p in paths), paths
    assert any("/v2/images" in p for p in paths), paths
    assert any("the cloud's catalog" in e.message for e in result.report)


def test_cli_cloud_catalog(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox_module = pytest.importorskip("heatctl.sandbox")
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE)
    with sandbox_module.Sandbox() as sandbox:
        clouds = sandbox.write_clouds_yaml(tmp_path / "clouds.yaml")
        monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
        monkeypatch.setenv("OS_CLOUD", "sandbox")
        result = run_cli("translate", str(path), "--cloud-catalog", "--json")
    assert result.exit_code == 0, result.stderr
    assert '"image": "fedora"' in result.stdout


def test_cli_cloud_catalog_without_a_cloud_is_exit_5(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE)
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(tmp_path / "none.yaml"))
    monkeypatch.setenv("OS_CLOUD", "no-such-cloud")
    result = run_cli("translate", str(path), "--cloud-catalog")
    assert result.exit_code == 5
    assert "--cloud-catalog" in result.stderr
    assert "Traceback" not in result.output
