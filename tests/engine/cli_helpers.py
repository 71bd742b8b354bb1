"""Helpers of the tests that drive `heatctl stack` on the embedded sandbox and look at the
cloud afterwards over real HTTP (import `no_clouds_yaml` to make it autouse in a module)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from heatctl.sandbox import Sandbox


@pytest.fixture(autouse=True)
def no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # openstacksdk also reads ./clouds.yaml
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_USERNAME", "OS_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr
    return result


def outputs(run_cli: Any, stack: str) -> dict[str, Any]:
    data = json.loads(ok(run_cli("stack", "output", stack, "--json")).stdout)
    return {k: v["value"] for k, v in data.items()}


def physical(run_cli: Any, stack: str, resource: str) -> str:
    data = json.loads(ok(run_cli("stack", "resources", stack, "--json")).stdout)
    return str(data[resource]["physical_id"])


def cloud(state_dir: Path, fn: Any) -> Any:
    """Run fn(connection, sandbox) against the stack's sandbox (started from its state)."""
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        return fn(sandbox.start().connection(), sandbox)
    finally:
        sandbox.stop()


def inventory(state_dir: Path) -> dict[str, Any]:
    return dict(cloud(state_dir, lambda conn, sandbox: sandbox.inventory()))


def adoption_context(conn: Any, type_name: str, tag: str, props: dict[str, Any]) -> Any:
    from heatctl.engine.lifecycle import ResourceContext

    return ResourceContext(
        stack_id="s", stack_name="s", resource_id=tag, name="res", type=type_name,
        tag=tag, properties=props, connection_factory=lambda: conn,
    )  # fmt: skip


def adopt(sandbox: Any, type_name: str, props: dict[str, Any], other: bool = True) -> None:
    """find_by_tag finds what this resource made (by its name), nothing once deleted, and
    (`other`) not what another resource of the same template made."""
    from heatctl.engine.runtime import plugin_for

    conn = sandbox.connection()
    plugin = plugin_for(type_name)
    made = adoption_context(conn, type_name, "heatctl:s:res:1", props)
    plugin.create(made)
    sandbox.clock.advance(5)
    assert plugin.check_create_complete(made) is None
    again = adoption_context(conn, type_name, "heatctl:s:res:1", props)
    assert plugin.find_by_tag(again) == made.physical_id, type_name
    if other:
        stranger = adoption_context(conn, type_name, "heatctl:s:res:2", props)
        assert plugin.find_by_tag(stranger) is None, type_name
    plugin.delete(made)
    sandbox.clock.advance(5)
    assert plugin.check_delete_complete(made) is None
    assert plugin.find_by_tag(again) is None, type_name
