"""OS::Designate::Zone and RecordSet on the embedded sandbox: create, attributes, update in
place, delete, nothing left behind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

Sandbox = pytest.importorskip("heatctl.sandbox").Sandbox


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


TEMPLATE = """
heat_template_version: 2018-08-31
parameters:
  ttl: {type: number, default: 300}
  address: {type: string, default: 10.0.0.1}
resources:
  zone:
    type: OS::Designate::Zone
    properties: {name: example.org., email: hostmaster@example.org, description: test zone}
  www:
    type: OS::Designate::RecordSet
    properties:
      zone: {get_resource: zone}
      name: www
      type: A
      records: [{get_param: address}]
      ttl: {get_param: ttl}
  mail:
    type: OS::Designate::RecordSet
    depends_on: zone
    properties: {zone: example.org., name: mail.example.org., type: MX, records: ["10 mx.example.org."]}
outputs:
  serial: {value: {get_attr: [zone, serial]}}
  www: {value: {get_attr: [www, show]}}
"""


def test_zone_and_recordsets(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = tmp_path / "dns.yaml"
    template.write_text(TEMPLATE)
    ok(run_cli("stack", "create", str(template), "--name", "dns"))
    out = outputs(run_cli, "dns")
    assert isinstance(out["serial"], int)
    www = out["www"]
    assert (www["name"], www["type"], www["records"], www["ttl"]) == (
        "www.example.org.",
        "A",
        ["10.0.0.1"],
        300,
    )
    assert www["status"] == "ACTIVE"
    zone = physical(run_cli, "dns", "zone")
    record = physical(run_cli, "dns", "www")
    ok(
        run_cli(
            "stack", "update", "dns", "-t", str(template), "-P", "ttl=60", "-P", "address=10.0.0.2"
        )
    )
    assert physical(run_cli, "dns", "www") == record  # updated in place

    def read(conn: Any, sandbox: Any) -> tuple[Any, ...]:
        got = conn.dns.get_recordset(record, zone)
        names = sorted((r.name, r.type) for r in conn.dns.recordsets(zone))
        return got.ttl, got.records, names

    ttl, records, names = cloud(state_dir, read)
    assert (ttl, records) == (60, ["10.0.0.2"])
    assert ("mail.example.org.", "MX") in names and ("example.org.", "SOA") in names
    ok(run_cli("stack", "delete", "dns", "--yes"))
    assert inventory(state_dir) == {}


def test_a_recordset_outside_its_zone_fails_with_designates_reason(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = tmp_path / "bad.yaml"
    template.write_text(
        """
heat_template_version: 2018-08-31
resources:
  zone:
    type: OS::Designate::Zone
    properties: {name: example.org., email: hostmaster@example.org}
  www:
    type: OS::Designate::RecordSet
    properties: {zone: {get_resource: zone}, name: www.example.com., type: A, records: [10.0.0.1]}
"""
    )
    result = run_cli("stack", "create", str(template), "--name", "bad")
    assert result.exit_code == 1
    assert "RecordSet is not contained within it's parent zone" in result.stderr
    ok(run_cli("stack", "delete", "bad", "--yes"))
    assert inventory(state_dir) == {}
