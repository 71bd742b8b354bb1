"""The sandbox's admin APIs through openstacksdk over HTTP: an admin manages flavors,
aggregates, quotas, volume types, QoS specs, snapshots, backups and Keystone's catalog; a
member gets the real services' 403; what is made shows in the inventory until deleted."""

from __future__ import annotations

from typing import Any

import pytest
from openstack import exceptions

from heatctl.sandbox import Sandbox


@pytest.fixture
def member(sandbox: Sandbox) -> Any:
    """The DevStack demo user (a member, not an admin) of its own project."""
    auth = {**sandbox.cloud_config()["auth"], "username": "demo", "project_name": "demo"}
    connection = sandbox.connection(auth=auth)
    yield connection
    connection.close()


def test_member_gets_403_from_every_admin_api(member: Any) -> None:
    calls = [
        lambda: member.compute.create_flavor(name="f", ram=1, vcpus=1, disk=0),
        lambda: member.compute.create_aggregate(name="agg"),
        lambda: member.compute.update_quota_set(member.current_project_id, instances=1),
        lambda: member.block_storage.create_type(name="fast"),
        lambda: member.block_storage.create_qos_spec(name="q", read_iops_sec="10"),
        lambda: member.block_storage.update_quota_set(member.current_project_id, volumes=1),
        lambda: member.identity.create_project(name="p"),
        lambda: member.identity.create_region(id="r"),
        lambda: member.identity.create_service(type="x"),
        lambda: list(member.identity.projects()),
    ]
    for call in calls:
        with pytest.raises(exceptions.ForbiddenException):
            call()
    # A member may still read itself, its quotas and the regions.
    assert member.identity.get_project(member.current_project_id).name == "demo"
    assert [r.id for r in member.identity.regions()] == ["RegionOne"]
    assert member.compute.get_quota_set(member.current_project_id).instances == 10


def test_project_quota_is_enforced_then_reverted(sandbox: Sandbox, conn: Any, member: Any) -> None:
    demo = member.current_project_id
    conn.compute.update_quota_set(demo, key_pairs=0, injected_files=3)
    assert conn.compute.get_quota_set(demo).injected_files == 3
    assert conn.compute.get_quota_set(conn.current_project_id).key_pairs == 100
    with pytest.raises(exceptions.ForbiddenException):
        member.compute.create_keypair(name="k")
    conn.block_storage.update_quota_set(demo, volumes=0, backup_gigabytes=7)
    with pytest.raises(exceptions.HttpException):
        member.block_storage.create_volume(size=1)
    assert set(sandbox.inventory()) == {"compute/compute_quota", "volume/volume_quota"}
    conn.compute.revert_quota_set(demo)
    conn.block_storage.revert_quota_set(demo)
    assert member.compute.create_keypair(name="k").name == "k"
    member.compute.delete_keypair("k")
    assert sandbox.inventory() == {}


def test_aggregate_hosts_metadata_and_zone(sandbox: Sandbox, conn: Any) -> None:
    aggregate = conn.compute.create_aggregate(name="agg", availability_zone="az1")
    conn.compute.add_host_to_aggregate(aggregate, "sandbox")
    with pytest.raises(exceptions.NotFoundException):
        conn.compute.add_host_to_aggregate(aggregate, "nowhere")
    conn.compute.set_aggregate_metadata(aggregate, {"ssd": "true"})
    shown = conn.compute.get_aggregate(aggregate.id)
    assert shown.hosts == ["sandbox"] and shown.metadata == {
        "availability_zone": "az1",
        "ssd": "true",
    }
    with pytest.raises(exceptions.BadRequestException):
        conn.compute.delete_aggregate(aggregate)  # not empty
    conn.compute.remove_host_from_aggregate(aggregate, "sandbox")
    assert list(sandbox.inventory()) == ["compute/aggregate"]
    conn.compute.delete_aggregate(aggregate)
    assert sandbox.inventory() == {}


def test_volume_type_encryption_and_qos(sandbox: Sandbox, conn: Any, member: Any) -> None:
    storage = conn.block_storage
    vtype = storage.create_type(name="secret", is_public=False, extra_specs={"a": "1"})
    storage.add_type_access(vtype, member.current_project_id)
    assert [t.name for t in member.block_storage.types()] == ["lvmdriver-1", "secret"]
    storage.create_type_encryption(vtype, provider="luks", control_location="front-end")
    qos = storage.create_qos_spec(name="slow", read_iops_sec="100")
    storage.associate_qos_spec(qos, vtype.id)
    with pytest.raises(exceptions.BadRequestException):
        storage.delete_qos_spec(qos)  # still associated
    volume = member.block_storage.create_volume(size=1, volume_type="secret")
    assert member.block_storage.get_volume(volume.id).is_encrypted is True
    with pytest.raises(exceptions.BadRequestException):
        storage.delete_type(vtype)  # in use
    member.block_storage.delete_volume(volume)
    storage.disassociate_qos_spec(qos, vtype.id)
    storage.delete_qos_spec(qos)
    storage.delete_type_encryption(volume_type=vtype)
    assert list(sandbox.inventory()) == ["volume/volume_type"]
    storage.delete_type(vtype)
    assert sandbox.inventory() == {}


def test_snapshot_pins_volume_backup_outlives_it(sandbox: Sandbox, conn: Any) -> None:
    storage = conn.block_storage
    volume = storage.create_volume(size=1)
    storage.wait_for_status(volume, "available", wait=10)
    snapshot = storage.wait_for_status(storage.create_snapshot(volume_id=volume.id), "available")
    with pytest.raises(exceptions.BadRequestException):
        storage.delete_volume(volume)  # it has a snapshot
    storage.delete_snapshot(snapshot)
    backup = storage.wait_for_status(storage.create_backup(volume_id=volume.id), "available")
    storage.wait_for_status(volume, "available", wait=10)
    storage.delete_volume(volume)
    storage.wait_for_delete(volume, wait=10)
    assert sandbox.inventory() == {"volume/backup": [backup.id]}


def test_keystone_catalog_and_grants(sandbox: Sandbox, conn: Any) -> None:
    identity = conn.identity
    region = identity.create_region(id="r2", description="two")
    service = identity.create_service(type="dns", name="designate")
    endpoint = identity.create_endpoint(
        service_id=service.id, interface="public", url="http://dns", region_id=region.id
    )
    user = identity.create_user(name="u")
    role = identity.find_role("member")
    identity.assign_project_role_to_user(conn.current_project_id, user, role)
    assigned = list(identity.role_assignments(user_id=user.id))
    assert [a.role["id"] for a in assigned] == [role.id]
    assert set(sandbox.inventory()) == {
        "identity/ks_endpoint",
        "identity/ks_grant",
        "identity/ks_region",
        "identity/ks_service",
        "identity/ks_user",
    }
    identity.delete_endpoint(endpoint)
    identity.delete_service(service)
    identity.delete_region(region)
    identity.delete_user(user)  # its grants go with it
    assert sandbox.inventory() == {}


def test_limits_count_snapshots_and_backups(conn: Any) -> None:
    storage = conn.block_storage
    volume = storage.wait_for_status(storage.create_volume(size=2), "available", wait=10)
    snapshot = storage.wait_for_status(storage.create_snapshot(volume_id=volume.id), "available")
    backup = storage.wait_for_status(storage.create_backup(volume_id=volume.id), "available")
    absolute = storage.get_limits().absolute
    assert (absolute.total_snapshots_used, absolute.total_backups_used) == (1, 1)
    assert absolute.total_backup_gigabytes_used == 2
    storage.delete_snapshot(snapshot)
    storage.delete_backup(backup)
