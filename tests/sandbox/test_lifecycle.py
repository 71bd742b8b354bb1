"""States move on the clock; state survives a restart; tokens expire."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from heatctl.sandbox import Sandbox


def _server(conn: Any, **extra: Any) -> Any:
    return conn.compute.create_server(
        name="vm",
        flavor_id="1",
        image_id=conn.image.find_image("cirros").id,
        networks="none",
        **extra,
    )


def test_server_builds_only_when_the_virtual_clock_moves(virtual: Sandbox) -> None:
    conn = virtual.connection()
    server = _server(conn)
    assert conn.compute.get_server(server.id).status == "BUILD"
    virtual.clock.advance(29)
    assert conn.compute.get_server(server.id).status == "BUILD"
    virtual.clock.advance(1)
    shown = conn.compute.get_server(server.id)
    assert shown.status == "ACTIVE" and shown.vm_state == "active"


def test_volume_creating_available_attaching_in_use(virtual: Sandbox) -> None:
    conn = virtual.connection()
    volume = conn.block_storage.create_volume(size=1)
    assert volume.status == "creating"
    virtual.clock.advance(10)
    assert conn.block_storage.get_volume(volume.id).status == "available"
    server = _server(conn)
    virtual.clock.advance(30)
    conn.compute.create_volume_attachment(server, volume=volume)
    assert conn.block_storage.get_volume(volume.id).status == "attaching"
    virtual.clock.advance(2)
    shown = conn.block_storage.get_volume(volume.id)
    assert shown.status == "in-use" and shown.attachments[0]["server_id"] == server.id


def test_fault_metadata_sends_server_to_error_with_fault(virtual: Sandbox) -> None:
    conn = virtual.connection()
    server = _server(conn, metadata={"sandbox:fail": "error"})
    virtual.clock.advance(30)
    shown = conn.compute.get_server(server.id)
    assert shown.status == "ERROR"
    assert "No valid host" in shown.fault["message"]


def test_stuck_build_never_finishes(virtual: Sandbox) -> None:
    conn = virtual.connection()
    server = _server(conn, metadata={"sandbox:fail": "stuck"})
    virtual.clock.advance(3600)
    assert conn.compute.get_server(server.id).status == "BUILD"


def test_expired_token_is_refreshed_by_the_sdk(virtual: Sandbox) -> None:
    conn = virtual.connection()
    assert list(conn.network.networks(name="public"))
    virtual.clock.advance(3601)
    assert list(conn.network.networks(name="public"))  # 401, one re-auth, retried
    statuses = [(r.path, r.status) for r in virtual.request_log]
    assert ("/network/v2.0/networks", 401) in statuses
    assert statuses.count(("/identity/v3/auth/tokens", 201)) == 2


def test_state_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with Sandbox(state_path=path) as first:
        conn = first.connection()
        net = conn.network.create_network(name="kept")
        conn.object_store.create_container(name="kept-bucket")
        conn.object_store.upload_object(container="kept-bucket", name="o", data=b"x")
        before = first.inventory()
    with Sandbox(state_path=path) as second:
        conn = second.connection()
        assert conn.network.get_network(net.id).name == "kept"
        assert conn.object_store.download_object("o", container="kept-bucket") == b"x"
        assert second.inventory() == before
        assert len(list(conn.image.images())) == 3  # seeded once, not twice


def test_reset_wipes_user_resources(sandbox: Sandbox, conn: Any) -> None:
    conn.network.create_network(name="gone")
    assert sandbox.inventory()
    sandbox.reset()
    assert sandbox.inventory() == {}
    assert conn.network.find_network("public") is not None


def test_image_upload_and_web_download_import(virtual: Sandbox) -> None:
    conn = virtual.connection()
    uploaded = conn.image.create_image(
        name="mine", disk_format="raw", container_format="bare", data=b"disk bytes"
    )
    assert conn.image.get_image(uploaded.id).status == "active"
    assert conn.image.download_image(uploaded.id).content == b"disk bytes"
    queued = conn.image.create_image(name="web", disk_format="qcow2", container_format="bare")
    conn.image.import_image(queued, method="web-download", uri="https://example.org/x.qcow2")
    assert conn.image.get_image(queued.id).status == "importing"
    virtual.clock.advance(10)
    assert conn.image.get_image(queued.id).status == "active"
    assert {"mine", "web"} <= {i.name for i in conn.image.images()}


def test_deletes_can_take_time(tmp_path: Path) -> None:
    timings = {"server_build": 0, "volume_create": 0, "server_delete": 5, "volume_delete": 3}
    with Sandbox(virtual_clock=True, timings=timings) as sb:
        conn = sb.connection()
        server = _server(conn)
        volume = conn.block_storage.create_volume(size=1)
        conn.compute.delete_server(server)
        conn.block_storage.delete_volume(volume)
        assert conn.compute.get_server(server.id).task_state == "deleting"
        assert conn.block_storage.get_volume(volume.id).status == "deleting"
        assert set(sb.inventory()) == {"compute/server", "volume/volume"}
        sb.clock.advance(3)
        assert conn.block_storage.find_volume(volume.id) is None
        assert conn.compute.get_server(server.id).task_state == "deleting"
        sb.clock.advance(2)
        assert conn.compute.find_server(server.id) is None
        assert sb.inventory() == {}


def test_tick_moves_the_virtual_clock_per_request() -> None:
    with Sandbox(virtual_clock=True, tick=1.0, timings={"server_build": 5}) as sb:
        conn = sb.connection()
        server = _server(conn)
        statuses = [conn.compute.get_server(server.id).status for _ in range(6)]
        assert statuses[0] == "BUILD" and statuses[-1] == "ACTIVE"
        assert statuses == sorted(statuses, key=["BUILD", "ACTIVE"].index)
        # the same number of requests always gives the same answer: deterministic
        waited = conn.compute.wait_for_server(_server(conn), interval=0, wait=5)
        assert waited.status == "ACTIVE"
