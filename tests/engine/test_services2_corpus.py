"""The corpus templates with Manila, Mistral, Zaqar, Magnum, Trove, Zun, Blazar and Ironic
types, created on the sandbox with what they need (reservable hosts, an external network,
a key pair) and deleted with nothing left behind; those that need what the sandbox cannot
run fail with a clear reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import corpus_path
from tests.engine.test_plugins_more import (
    _cloud,
    _delete_leaves_nothing,
    _ok,
    _outputs,
    no_clouds_yaml,
)

__all__ = ["no_clouds_yaml"]


def _hot(*parts: str) -> str:
    return str(corpus_path("heat-templates", "hot", *parts))


def test_corpus_zun_webapp(run_cli: Any, state_dir: Path) -> None:
    _ok(run_cli("stack", "create", _hot("zun", "webapp.yaml"), "--name", "web"))
    assert _outputs(run_cli, "web")["url"].startswith("172.24.4.")
    _delete_leaves_nothing(run_cli, state_dir, "web")


def test_corpus_mistral_external_resource(run_cli: Any, state_dir: Path) -> None:
    _ok(run_cli("stack", "create", _hot("mistral_external.yaml"), "--name", "ext"))
    _delete_leaves_nothing(run_cli, state_dir, "ext")


def test_corpus_magnum_cluster(run_cli: Any, state_dir: Path) -> None:
    _cloud(state_dir, lambda c: c.compute.create_keypair(name="key"))
    _ok(run_cli("stack", "create", _hot("magnum", "create_coe_cluster.yaml"), "--name", "coe",
                "-P", "image=fedora", "-P", "external_network=public"))  # fmt: skip
    outputs = _outputs(run_cli, "coe")
    assert outputs["coe_api_address"].startswith("https://") and outputs["coe_version"]
    _cloud(state_dir, lambda c: c.compute.delete_keypair("key"))
    _delete_leaves_nothing(run_cli, state_dir, "coe")


def test_corpus_blazar_host_and_lease(run_cli: Any, state_dir: Path) -> None:
    _ok(run_cli("stack", "create", _hot("blazar", "blazar_host.yaml"), "--name", "host",
                "-P", "name=compute7"))  # fmt: skip
    assert "x86_64" in _outputs(run_cli, "host")["cpu_info"]

    def reservable(conn: Any) -> list[str]:
        hosts = [f"compute{n}" for n in range(1, 7)]
        return [conn.reservation.post("/os-hosts", json={"name": h}).json()["host"]["id"]
                for h in hosts]  # fmt: skip

    host_ids = _cloud(state_dir, reservable)
    _ok(run_cli("stack", "create", _hot("blazar", "blazar_lease.yaml"), "--name", "lease"))
    outputs = _outputs(run_cli, "lease")
    assert outputs["host_reservation_id"] != outputs["instance_reservation_id"]
    _ok(run_cli("stack", "delete", "lease", "--yes"))
    _cloud(state_dir, lambda c: [c.reservation.delete(f"/os-hosts/{h}") for h in host_ids])
    _delete_leaves_nothing(run_cli, state_dir, "host")


@pytest.mark.parametrize("name", ["stack_restarter.yaml"])
def test_corpus_mistral_openstack_actions_fail_clearly(
    run_cli: Any, state_dir: Path, name: str
) -> None:
    template = _hot("mistral", "templates", name)
    result = run_cli("stack", "create", template, "--name", "m", "-P", "stack_name=web")
    assert result.exit_code == 1
    assert "Action not found [action_name=heat.stacks_template]" in result.stderr
    _delete_leaves_nothing(run_cli, state_dir, "m")
