"""Cloud selection (openstacksdk conventions) and connection errors, over real HTTP."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import yaml

from heatctl.engine.cloud import CloudChoice, connect, select_cloud
from heatctl.errors import CloudError, ConfigError, ExitCode

from .keystone_stub import KeystoneStub


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("OS_"):
            monkeypatch.delenv(key)


def clouds_file(tmp_path: Path, clouds: dict) -> list[str]:
    path = tmp_path / "clouds.yaml"
    path.write_text(yaml.safe_dump({"clouds": clouds}))
    return [str(path)]


def cloud(url: str = "http://127.0.0.1:1/v3") -> dict:
    return {"auth": {"auth_url": url, "username": "u", "password": "p", "project_name": "p"}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_nothing_configured_means_the_sandbox(tmp_path: Path) -> None:
    choice = select_cloud(config_files=[])
    assert choice.is_sandbox and choice.source == "sandbox"


def test_a_single_cloud_in_clouds_yaml_is_used(tmp_path: Path) -> None:
    choice = select_cloud(config_files=clouds_file(tmp_path, {"prod": cloud()}))
    assert (choice.name, choice.source) == ("prod", "clouds.yaml")


def test_several_clouds_need_a_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = clouds_file(tmp_path, {"prod": cloud(), "lab": cloud()})
    with pytest.raises(ConfigError, match=r"2 clouds \(lab, prod\)") as info:
        select_cloud(config_files=files)
    assert info.value.exit_code == ExitCode.CLOUD
    monkeypatch.setenv("OS_CLOUD", "lab")
    assert select_cloud(config_files=files) == CloudChoice("lab", "OS_CLOUD", files[0])
    assert select_cloud("prod", config_files=files).source == "--os-cloud"  # flag wins


def test_an_unknown_cloud_name_lists_the_known_ones(tmp_path: Path) -> None:
    files = clouds_file(tmp_path, {"prod": cloud()})
    with pytest.raises(ConfigError, match=r"'staging' is not defined .*defined: prod"):
        select_cloud("staging", config_files=files)


def test_os_variables_make_the_environment_cloud(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OS_AUTH_URL", "http://127.0.0.1:1/v3")
    monkeypatch.setenv("OS_USERNAME", "u")
    monkeypatch.setenv("OS_PASSWORD", "p")
    choice = select_cloud(config_files=[])
    assert choice.source == "environment" and choice.name == "envvars"


def test_unreachable_endpoint_is_one_clear_cloud_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v3"
    files = clouds_file(tmp_path, {"prod": cloud(url)})
    with pytest.raises(CloudError) as info:
        connect(select_cloud(config_files=files), state_dir=tmp_path, config_files=files)
    assert info.value.exit_code == ExitCode.CLOUD
    assert f"cloud 'prod' at {url}: cannot connect" in info.value.message


def test_rejected_credentials_name_cloud_and_endpoint(tmp_path: Path) -> None:
    stub = KeystoneStub(mode="401").start()
    try:
        files = clouds_file(tmp_path, {"prod": stub.cloud_config()})
        with pytest.raises(CloudError) as info:
            connect(select_cloud(config_files=files), state_dir=tmp_path, config_files=files)
    finally:
        stub.stop()
    assert f"cloud 'prod' at {stub.auth_url}: authentication failed" in info.value.message
    assert "secret" not in info.value.message


def test_a_working_cloud_connects_and_authenticates(tmp_path: Path) -> None:
    stub = KeystoneStub().start()
    try:
        files = clouds_file(tmp_path, {"prod": stub.cloud_config()})
        with connect(select_cloud(config_files=files), state_dir=tmp_path, config_files=files) as s:
            assert s.connection.current_project_id == "p1"
            assert s.endpoint == stub.auth_url and s.notice == ""
    finally:
        stub.stop()


def test_embedded_cloud_is_started_in_the_state_dir_and_announced(tmp_path: Path) -> None:
    made: list[KeystoneStub] = []

    def factory(state_path: Path) -> KeystoneStub:
        assert state_path == tmp_path / "state" / "sandbox.db"
        made.append(KeystoneStub())
        return made[-1]

    session = connect(
        select_cloud(config_files=[]), state_dir=tmp_path / "state", sandbox_factory=factory
    )
    assert session.connection.current_project_id == "p1"
    assert session.notice.startswith("No cloud configured") and made[0].url in session.notice
    assert "\n" not in session.notice
    session.close()
    session.close()  # harmless twice
