"""Optional hybrid mode: a real Keystone (PyPI `keystone`, SQLite, gunicorn) issues tokens
and a catalog pointing at the sandbox, which validates every token with Keystone.

Runs only with HEATCTL_REAL_KEYSTONE=1 (it installs keystone into a venv: ~40-70 s;
HEATCTL_KEYSTONE_VENV reuses one). Uses ../shared/tools/real_keystone.sh.
"""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import openstack.config
import openstack.connection
import pytest

from heatctl.sandbox import Sandbox
from tests.conftest import SHARED

SCRIPT = SHARED / "tools" / "real_keystone.sh"
pytestmark = pytest.mark.skipif(
    not os.environ.get("HEATCTL_REAL_KEYSTONE"), reason="set HEATCTL_REAL_KEYSTONE=1 to run"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_openstacksdk_through_real_keystone(tmp_path: Path) -> None:
    if not SCRIPT.exists():
        pytest.skip(f"{SCRIPT} not found")
    venv = os.environ.get("HEATCTL_KEYSTONE_VENV", str(tmp_path / "venv"))
    state, port = tmp_path / "keystone", _free_port()
    keystone = {
        "auth_url": f"http://127.0.0.1:{port}/v3",
        "username": "admin",
        "password": "secret",
    }
    with Sandbox(
        state_path=tmp_path / "sandbox.db",
        keystone=keystone,
        timings={"server_build": 0, "volume_create": 0},
    ) as sandbox:
        env = {**os.environ, "KS_SANDBOX_URL": sandbox.url, "KS_ADMIN_PASSWORD": "secret"}
        args = ["bash", str(SCRIPT), "start", venv, str(state), str(port)]
        subprocess.run(args, env=env, check=True, timeout=600, capture_output=True)
        try:
            config = openstack.config.OpenStackConfig(config_files=[str(state / "clouds.yaml")])
            conn = openstack.connection.Connection(config=config.get_one(cloud="keystone-local"))
            net = conn.network.create_network(name="via-keystone")
            server = conn.compute.create_server(
                name="vm",
                flavor_id="1",
                image_id=conn.image.find_image("cirros").id,
                networks="none",
            )
            conn.compute.wait_for_server(server, interval=0.1, wait=10)
            volume = conn.block_storage.create_volume(size=1)
            conn.block_storage.wait_for_status(volume, "available", interval=0.1, wait=10)
            conn.object_store.create_container(name="via-keystone")
            project = conn.current_project_id
            assert conn.block_storage.get_volume(volume.id).project_id == project
            assert server.id in sandbox.inventory()["compute/server"]
            assert net.id in sandbox.inventory()["network/network"]
            assert not any(r.path.startswith("/identity") for r in sandbox.request_log)
        finally:
            subprocess.run(
                ["bash", str(SCRIPT), "stop", venv, str(state), str(port)], check=False, timeout=60
            )
