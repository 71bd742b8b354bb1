"""Config types (CloudConfig, MultipartMime, StructuredConfig, SoftwareComponent) and a
DeployedServer whose metadata a guest reads with its POLL_TEMP_URL TempURL, through the
real CLI on the embedded sandbox."""

from __future__ import annotations

import email
import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from heatctl.engine.software_config import mime_message
from heatctl.errors import ExitCode

Sandbox = pytest.importorskip("heatctl.sandbox").Sandbox


@pytest.fixture(autouse=True)
def no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_USERNAME", "OS_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


def outputs(run_cli: Any, stack: str) -> dict[str, Any]:
    data = json.loads(run_cli("stack", "output", stack, "--json").stdout)
    return {k: v["value"] for k, v in data.items()}


def create(run_cli: Any, tmp_path: Path, text: str, name: str, *args: str) -> Any:
    template = tmp_path / f"{name}.yaml"
    template.write_text(text)
    return run_cli("stack", "create", str(template), "--name", name, *args)


def inventory(state_dir: Path) -> dict[str, Any]:
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        return dict(sandbox.inventory())
    finally:
        sandbox.stop()


MIME = """
heat_template_version: 2018-08-31
resources:
  users:
    type: OS::Heat::CloudConfig
    properties:
      cloud_config:
        users: [{name: alice, groups: wheel}]
        packages: [httpd]
  script:
    type: OS::Heat::SoftwareConfig
    properties: {group: ungrouped, config: "#!/bin/sh\\necho hi\\n"}
  inner:
    type: OS::Heat::MultipartMime
    properties:
      parts: [{config: "#!/bin/bash\\necho inner\\n", filename: run.sh}]
  mime:
    type: OS::Heat::MultipartMime
    properties:
      parts:
        - config: {get_resource: users}
        - config: {get_resource: script}
          subtype: x-shellscript
        - config: {get_attr: [inner, config]}
          type: multipart
outputs:
  cloud: {value: {get_attr: [users, config]}}
  mime: {value: {get_attr: [mime, config]}}
  id: {value: {get_resource: mime}}
"""


def test_cloud_config_and_multipart_mime(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    result = create(run_cli, tmp_path, MIME, "m")
    assert result.exit_code == 0, result.stderr
    out = outputs(run_cli, "m")
    assert out["cloud"].startswith("#cloud-config\n")
    assert yaml.safe_load(out["cloud"])["users"] == [{"name": "alice", "groups": "wheel"}]
    message = email.message_from_string(out["mime"])
    assert message.is_multipart()
    parts = message.get_payload()
    assert [p.get_content_type() for p in parts] == [
        "text/plain",
        "text/x-shellscript",
        "text/run",  # Heat: the subtype is the file name without its extension
    ]
    assert parts[0].get_payload(decode=True).decode().startswith("#cloud-config")
    assert "echo hi" in parts[1].get_payload(decode=True).decode()
    assert parts[2].get_filename() == "run.sh"
    assert len(out["id"]) == 36  # a config id, a uuid
    assert run_cli("stack", "delete", "m", "--yes").exit_code == 0
    assert inventory(state_dir) == {}


def test_mime_of_an_unknown_uuid_keeps_the_text() -> None:
    class NoConfigs:
        def find_config(self, config_id: str) -> None:
            return None

    text = mime_message([{"config": "6f1a3c3e-3f7b-4b9a-9d7e-1b2c3d4e5f60"}], NoConfigs())  # type: ignore[arg-type]
    part = email.message_from_string(text).get_payload()[0]
    assert part.get_payload(decode=True) == b"6f1a3c3e-3f7b-4b9a-9d7e-1b2c3d4e5f60"


STRUCTURED = """
heat_template_version: 2018-08-31
parameters:
  port: {type: number, default: 80}
  validate: {type: string, default: LAX}
resources:
  server:
    type: OS::Heat::DeployedServer
    properties: {software_config_transport: POLL_TEMP_URL, name: bare-metal-1}
  config:
    type: OS::Heat::StructuredConfig
    properties:
      group: os-apply-config
      inputs: [{name: port}]
      config:
        httpd: {port: {get_input: port}, server: {get_input: deploy_server_id}}
        missing: {get_input: nothing}
  deployment:
    type: OS::Heat::StructuredDeployment
    properties:
      name: 10_httpd
      config: {get_resource: config}
      server: {get_resource: server}
      signal_transport: NO_SIGNAL
      input_values: {port: {get_param: port}}
      input_values_validate: {get_param: validate}
  component:
    type: OS::Heat::SoftwareComponent
    properties:
      configs:
        - {actions: [CREATE], tool: script, config: "echo create"}
        - {actions: [DELETE], tool: script, config: "echo delete"}
outputs:
  occ: {value: {get_attr: [server, os_collect_config]}}
  name: {value: {get_attr: [server, name]}}
  components: {value: {get_attr: [component, config]}}
"""


def read_metadata(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=10) as response:
        data: dict[str, Any] = json.loads(response.read())
    return data


def test_structured_deployment_metadata_reaches_a_deployed_server(
    run_cli: Any, state_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one process keeps the sandbox (and the TempURL's port) while the guest reads it
    clouds = tmp_path / "clouds.yaml"
    try:
        with Sandbox(state_path=state_dir / "sandbox.db") as sandbox:
            clouds.write_text(yaml.safe_dump({"clouds": {"sb": sandbox.cloud_config()}}))
            monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
            deploy_and_read(run_cli, tmp_path, sandbox)
    finally:
        # openstacksdk adds OS_CLIENT_CONFIG_FILE to its module-level search list for good:
        # the file must not outlive the test, or later tests in this process would use it.
        clouds.unlink(missing_ok=True)


def deploy_and_read(run_cli: Any, tmp_path: Path, sandbox: Any) -> None:
    """Create, read the metadata as the guest would, update, delete."""
    result = create(run_cli, tmp_path, STRUCTURED, "st", "--os-cloud", "sb")
    assert result.exit_code == 0, result.stderr
    out = outputs(run_cli, "st")
    assert out["name"] == "bare-metal-1"
    occ = out["occ"]
    assert occ["collectors"] == ["request", "local"]
    metadata = read_metadata(occ["request"]["metadata_url"])
    assert metadata["os-collect-config"]["request"] == occ["request"]
    (deployment,) = metadata["deployments"]
    assert deployment["name"] == "10_httpd" and deployment["group"] == "os-apply-config"
    server_id = json.loads(run_cli("stack", "resources", "st", "--json").stdout)["server"]
    assert deployment["config"]["httpd"] == {
        "port": 80,
        "server": server_id["physical_id"],
    }
    assert deployment["config"]["missing"] is None  # LAX
    assert out["components"]["configs"][1]["actions"] == ["DELETE"]
    assert run_cli("stack", "update", "st", "-P", "port=8080", "--os-cloud", "sb").exit_code == 0
    (deployment,) = read_metadata(occ["request"]["metadata_url"])["deployments"]
    assert deployment["config"]["httpd"]["port"] == 8080
    strict = run_cli("stack", "update", "st", "-P", "validate=STRICT", "--os-cloud", "sb")
    assert strict.exit_code == ExitCode.FAILED
    assert "The Parameter (nothing) was not provided." in strict.stderr
    assert run_cli("stack", "delete", "st", "--yes", "--os-cloud", "sb").exit_code == 0
    assert sandbox.inventory() == {}


NO_SIGNAL_ON_DEPLOYED = """
heat_template_version: 2018-08-31
resources:
  server: {type: OS::Heat::DeployedServer, properties: {software_config_transport: POLL_TEMP_URL}}
  config: {type: OS::Heat::SoftwareConfig, properties: {group: script, config: "echo hi"}}
  deployment:
    type: OS::Heat::SoftwareDeployment
    properties: {config: {get_resource: config}, server: {get_resource: server},
                 signal_transport: NO_SIGNAL}
"""


def test_metadata_is_written_again_by_a_later_run(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    """Each command starts the embedded sandbox on a new port: the delete (another run)
    still writes the server's metadata, without the deployment, and leaves nothing."""
    assert create(run_cli, tmp_path, NO_SIGNAL_ON_DEPLOYED, "n").exit_code == 0
    update = run_cli("stack", "update", "n", "-t", str(tmp_path / "n.yaml"))
    assert update.exit_code == 0, update.stderr
    result = run_cli("stack", "delete", "n", "--yes")
    assert result.exit_code == 0, result.stderr
    assert inventory(state_dir) == {}
