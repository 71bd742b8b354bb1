"""`heatctl sandbox serve|status|reset` as a user runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import openstack.config
import openstack.connection
import pytest
import yaml

from heatctl.errors import ExitCode
from tests.conftest import ROOT


def _serve(state_dir: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "heatctl", "sandbox", "serve", "--port", "0", *args],
        cwd=ROOT,
        env={**os.environ, "HEATCTL_STATE_DIR": str(state_dir)},
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if "serving at" in line:
            return proc, line.split("serving at ", 1)[1].split()[0]
        if proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"sandbox serve did not start: {proc.stderr.read()}")


def test_status_and_reset_without_state(run_cli: Any, state_dir: Path) -> None:
    result = run_cli("sandbox", "status")
    assert result.exit_code == 0
    assert "not running" in result.stdout and "no state yet" in result.stdout
    assert "nothing to reset" in run_cli("sandbox", "reset").stdout


def test_serve_status_reset_and_clean_stop(run_cli: Any, state_dir: Path) -> None:
    clouds = state_dir / "clouds.yaml"
    proc, url = _serve(state_dir, "--clouds-yaml", str(clouds))
    try:
        names = set(yaml.safe_load(clouds.read_text())["clouds"])
        assert {"devstack", "devstack-alt", "devstack-admin", "devstack-system-admin"} <= names
        assert oct(clouds.stat().st_mode & 0o777) == "0o600"
        config = openstack.config.OpenStackConfig(config_files=[str(clouds)])
        conn = openstack.connection.Connection(config=config.get_one(cloud="sandbox"))
        conn.network.create_network(name="from-cli")
        status = run_cli("sandbox", "status")
        assert f"serving at {url}" in status.stdout
        assert "network/network: 1" in status.stdout
        assert "reset the sandbox serving" in run_cli("sandbox", "reset").stdout
        assert conn.network.find_network("from-cli") is None
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    assert proc.returncode == 0
    assert not (state_dir / "sandbox.json").exists()
    offline = run_cli("sandbox", "status")
    assert "not running" in offline.stdout and "no resources beyond" in offline.stdout
    assert "removed" in run_cli("sandbox", "reset").stdout


def test_busy_port_is_a_clear_error(run_cli: Any, state_dir: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("sandbox", "serve", "--port", str(port))
    assert result.exit_code == ExitCode.CLOUD
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.output


def test_bad_rules_file_is_invalid_input(run_cli: Any, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - action: {delay: -1}\n")
    result = run_cli("sandbox", "serve", "--port", "0", "--rules", str(rules))
    assert result.exit_code == ExitCode.INVALID
    assert "delay must be a non-negative number" in result.stderr


def test_attach_or_start_shares_a_served_state(state_dir: Path) -> None:
    from heatctl.sandbox.runtime import attach_or_start, default_state_path

    state = default_state_path(state_dir)
    proc, url = _serve(state_dir)
    try:
        config, started = attach_or_start(state)
        assert started is None and config["auth"]["auth_url"] == f"{url}/identity"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    config, started = attach_or_start(state)
    try:
        assert started is not None and config["auth"]["auth_url"] == started.auth_url
        conn = started.connection()
        assert conn.network.find_network("public") is not None
    finally:
        started.stop()


def test_timing_option(run_cli: Any, state_dir: Path) -> None:
    result = run_cli("sandbox", "serve", "--port", "0", "--timing", "server_biuld=3")
    assert result.exit_code == ExitCode.USAGE
    assert "expected STEP=SECONDS" in result.stderr and "server_build" in result.stderr
    proc, url = _serve(state_dir, "--timing", "server_build=0", "--virtual-clock")
    try:
        import requests

        assert requests.get(f"{url}/__sandbox__/clock", timeout=5).json()["virtual"] is True
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)


def test_every_sandbox_command_and_option_is_documented() -> None:
    from heatctl.commands.sandbox import sandbox

    page = (ROOT / "docs" / "sandbox.md").read_text()
    for name, command in sandbox.commands.items():
        assert f"heatctl sandbox {name}" in page, name
        for param in command.params:
            for flag in getattr(param, "opts", []):
                if flag.startswith("--") and flag != "--help":
                    assert f"`{flag}" in page, f"{name} {flag}"


def test_clouds_yaml_keeps_other_clouds(tmp_path: Path) -> None:
    from heatctl.errors import ConfigError
    from heatctl.sandbox import Sandbox

    path = tmp_path / "clouds.yaml"
    path.write_text("clouds:\n  production:\n    auth: {auth_url: https://cloud.example}\n")
    with Sandbox() as sb:
        sb.write_clouds_yaml(path)
        clouds = yaml.safe_load(path.read_text())["clouds"]
        assert clouds["production"]["auth"]["auth_url"] == "https://cloud.example"
        assert clouds["sandbox"]["auth"]["auth_url"] == sb.auth_url
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        bad = tmp_path / "other.yaml"
        bad.write_text("clouds: [not, a, mapping]\n")
        with pytest.raises(ConfigError):
            sb.write_clouds_yaml(bad)
        assert bad.read_text() == "clouds: [not, a, mapping]\n"
