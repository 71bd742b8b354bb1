"""What a crash between an admin create and saving its result relies on: find_by_tag finds
the object this resource made (by its tag, or by the name the tag gives it), and not an
object made for another resource."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.runtime import plugin_for

Sandbox = pytest.importorskip("heatctl.sandbox").Sandbox

# Types named after the tag when the template gives no name (or tagged): another
# resource's tag finds nothing.
BY_TAG: dict[str, dict[str, Any]] = {
    "OS::Keystone::Project": {"description": "p"},
    "OS::Keystone::User": {},
    "OS::Keystone::Group": {},
    "OS::Keystone::Role": {},
    "OS::Keystone::Domain": {"enabled": True},
    "OS::Keystone::Service": {"type": "dns"},
    "OS::Nova::Flavor": {"ram": 64, "vcpus": 1},
    "OS::Cinder::QoSSpecs": {"specs": {"total_iops_sec": "5"}},
}
# Types whose identity is a property the template gives (a required name, a region id).
BY_PROPERTY: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "OS::Keystone::Region": ({"id": "r1"}, {"id": "r2"}),
    "OS::Nova::HostAggregate": ({"name": "a1"}, {"name": "a2"}),
    "OS::Cinder::VolumeType": ({"name": "t1"}, {"name": "t2"}),
}


def _context(conn: Any, type_name: str, tag: str, props: dict[str, Any]) -> ResourceContext:
    return ResourceContext(
        stack_id="s", stack_name="s", resource_id=tag, name="res", type=type_name,
        tag=tag, properties=props, connection_factory=lambda: conn,
    )  # fmt: skip


def _check(conn: Any, type_name: str, mine: dict[str, Any], other: dict[str, Any]) -> None:
    plugin = plugin_for(type_name)
    made = _context(conn, type_name, "heatctl:s:res:1", mine)
    plugin.create(made)
    assert made.physical_id, type_name
    assert plugin.find_by_tag(_context(conn, type_name, "heatctl:s:res:1", mine)) == (
        made.physical_id
    ), type_name
    assert plugin.find_by_tag(_context(conn, type_name, "heatctl:s:res:2", other)) is None
    plugin.delete(made)
    assert plugin.find_by_tag(_context(conn, type_name, "heatctl:s:res:1", mine)) is None


def test_admin_types_are_adopted_by_their_own_resource(tmp_path: Path) -> None:
    sandbox = Sandbox(state_path=tmp_path / "sandbox.db").start()
    try:
        conn = sandbox.connection()
        for type_name, props in BY_TAG.items():
            _check(conn, type_name, props, props)
        for type_name, (mine, other) in BY_PROPERTY.items():
            _check(conn, type_name, mine, other)
        service = conn.identity.create_service(type="x", name="x")
        endpoint = {"service": service.id, "interface": "public", "url": "http://x"}
        _check(conn, "OS::Keystone::Endpoint", endpoint, endpoint)
        vtype = conn.block_storage.create_type(name="plain")
        encryption = {"volume_type": vtype.id, "provider": "luks"}
        _check(
            conn,
            "OS::Cinder::EncryptedVolumeType",
            encryption,
            {**encryption, "volume_type": "lvmdriver-1"},
        )
        conn.block_storage.delete_type(vtype)
        conn.identity.delete_service(service)
        assert sandbox.inventory() == {}
    finally:
        sandbox.stop()
