"""Helpers for the admin and snapshot tests: run stacks with the CLI on the embedded
sandbox (as its admin user) and look at the cloud afterwards over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

Sandbox = pytest.importorskip("heatctl.sandbox").Sandbox


def isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No clouds.yaml or OS_* variables: heatctl uses its embedded sandbox."""
    monkeypatch.chdir(tmp_path)  # openstacksdk also reads ./clouds.yaml
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_USERNAME", "OS_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr
    return result


def outputs(run_cli: Any, stack: str) -> dict[str, Any]:
    data = json.loads(ok(run_cli("stack", "output", stack, "--json")).stdout)
    return {k: v["value"] for k, v in data.items()}


def physical(run_cli: Any, stack: str, resource: str) -> str:
    data = json.loads(ok(run_cli("stack", "resources", stack, "--json")).stdout)
    return str(data[resource]["physical_id"])


def events(run_cli: Any, stack: str) -> list[dict[str, Any]]:
    out = ok(run_cli("stack", "events", stack, "--json")).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def cloud(state_dir: Path, fn: Any, **overrides: Any) -> Any:
    """Run fn(connection) against the stack's sandbox (started from its saved state)."""
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        return fn(sandbox.start().connection(**overrides))
    finally:
        sandbox.stop()


def inventory(state_dir: Path) -> dict[str, Any]:
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        return dict(sandbox.inventory())
    finally:
        sandbox.stop()
