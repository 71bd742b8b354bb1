"""Corpus templates that use the software-config, signal and wait types: they validate,
and those the sandbox can run are created and deleted with nothing left behind."""

from __future__ import annotations

import base64
import email
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import corpus_path

Sandbox = pytest.importorskip("heatctl.sandbox").Sandbox

EXAMPLES = "heat-templates/hot/software-config/example-templates"
FUNCTIONAL = "heat-integration/heat_integrationtests/functional"
VALID = [
    "heat-templates/cfn/deb/MultiNode_DevStack.yaml",
    "heat-templates/cfn/F17/MySQL_Single_Instance.template",
    "heat-templates/cfn/F17/WordPress_Single_Instance_With_HA.yaml",
    "heat-templates/cfn/F17/PuppetMaster_Single_Instance.template",
    f"{EXAMPLES}/example-kubelet-template.yaml",
    f"{EXAMPLES}/example-cloud-init.yaml",
    f"{EXAMPLES}/example-cfn-init-template.yaml",
    f"{EXAMPLES}/cirros-example/cirros-hello-world.yaml",
    f"{EXAMPLES}/example-structured-template.yaml",
    f"{EXAMPLES}/example-os-apply-config.yaml",
    f"{EXAMPLES}/example-os-apply-config-plus-cloud-config.yaml",
    f"{EXAMPLES}/example-docker-compose-template.yaml",
    f"{EXAMPLES}/example-ssh-copy-id.yaml",
    f"{EXAMPLES}/example-sw-component-template.yaml",
    f"{EXAMPLES}/example-deploy-sequence.yaml",
    "heat-integration/etc/heat/templates/AWS_RDS_DBInstance.yaml",
    f"{FUNCTIONAL}/test_software_deployment_group/sd_template.yaml",
    f"{FUNCTIONAL}/test_software_deployment_group/sd_template_with_upd_policy.yaml",
    f"{FUNCTIONAL}/test_validation/config_template.yaml",
    f"{FUNCTIONAL}/test_swiftsignal_update/test_template.yaml",
]


@pytest.fixture(autouse=True)
def no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_USERNAME", "OS_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


@pytest.mark.parametrize("relative", VALID)
def test_corpus_template_validates(run_cli: Any, relative: str) -> None:
    result = run_cli("template", "validate", str(corpus_path(relative)))
    assert result.exit_code == 0, result.stderr


def inventory(state_dir: Path) -> dict[str, Any]:
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        return dict(sandbox.inventory())
    finally:
        sandbox.stop()


def test_cloud_init_example_boots_with_the_multipart_user_data(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = corpus_path(EXAMPLES, "example-cloud-init.yaml")
    key = tmp_path / "key.yaml"
    key.write_text(
        "heat_template_version: 2018-08-31\n"
        "resources:\n  k: {type: OS::Nova::KeyPair, properties: {name: demo}}\n"
    )
    assert run_cli("stack", "create", str(key), "--name", "key").exit_code == 0
    params = ["-P", "key_name=demo", "-P", "flavor=m1.small", "-P", "image=cirros"]
    result = run_cli("stack", "create", str(template), "--name", "ci", *params)
    assert result.exit_code == 0, result.stderr
    rows = json.loads(run_cli("stack", "resources", "ci", "--json").stdout)
    server_id = rows["server"]["physical_id"]
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        conn = sandbox.start().connection()
        user_data = conn.compute.get_server(server_id).user_data
    finally:
        sandbox.stop()
    # the MultipartMime's text, resolved from its config id, base64 as Nova takes it
    message = email.message_from_bytes(base64.b64decode(user_data))
    texts = [p.get_payload(decode=True).decode() for p in message.get_payload()]
    assert any(t.startswith("#cloud-config") for t in texts) and len(texts) >= 3
    for stack in ("ci", "key"):
        assert run_cli("stack", "delete", stack, "--yes").exit_code == 0
    assert inventory(state_dir) == {}


def test_swift_signal_handle_example(run_cli: Any, state_dir: Path) -> None:
    template = corpus_path(FUNCTIONAL, "test_swiftsignal_update", "test_template.yaml")
    assert run_cli("stack", "create", str(template), "--name", "sw").exit_code == 0
    data = json.loads(run_cli("stack", "output", "sw", "--json").stdout)
    url = data["signal_url"]["value"]
    assert "temp_url_sig=" in url and data["signal_curl"]["value"] == f"curl -i -X PUT '{url}'"
    assert inventory(state_dir)["object-store/container"]
    assert run_cli("stack", "delete", "sw", "--yes").exit_code == 0
    assert inventory(state_dir) == {}
