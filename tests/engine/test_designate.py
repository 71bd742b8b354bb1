"""OS::Designate::Zone and RecordSet on the embedded sandbox: create, attributes, update in
place, delete, nothing left behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from heatctl.sandbox import Sandbox

from .cli_helpers import (
    adopt,
    cloud,
    inventory,
    no_clouds_yaml,  # noqa: F401 (an autouse fixture)
    ok,
    outputs,
    physical,
)

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


def test_adopted_after_a_crash_by_name(tmp_path: Path) -> None:
    """Zones and recordsets have no tags: a zone is its (unique) name, a recordset its name
    and type in its zone, so a resource with the same properties is the same object."""
    with Sandbox(state_path=tmp_path / "s.db", virtual_clock=True) as sandbox:
        zone = {"name": "example.org.", "email": "a@example.org"}
        adopt(sandbox, "OS::Designate::Zone", zone, other=False)
        conn = sandbox.connection()
        conn.dns.create_zone(**zone)
        sandbox.clock.advance(5)
        record = {"zone": "example.org.", "name": "www", "type": "A", "records": ["10.0.0.1"]}
        adopt(sandbox, "OS::Designate::RecordSet", record, other=False)
        conn.dns.delete_zone(conn.dns.find_zone("example.org."))
        sandbox.clock.advance(5)
        assert sandbox.inventory() == {}
