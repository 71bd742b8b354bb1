"""Keystone in the sandbox: the admin API that OS::Keystone::* resources use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openstack import exceptions


def test_projects_users_roles_grants(conn: Any) -> None:
    identity = conn.identity
    assert [p.name for p in identity.projects()] == ["admin", "demo", "alt_demo"]
    project = identity.create_project(name="team", description="a team", domain_id="default")
    with pytest.raises(exceptions.ConflictException):
        identity.create_project(name="team", domain_id="default")
    user = identity.create_user(name="alice", password="pw", default_project_id=project.id)
    assert "password" not in identity.get(f"/users/{user.id}").json()["user"]
    role = identity.create_role(name="observer")
    identity.assign_project_role_to_user(project, user, role)
    assert identity.validate_user_has_project_role(project, user, role)
    assignments = list(identity.role_assignments(user_id=user.id))
    assert [(a.role["id"], a.scope["project"]["id"]) for a in assignments] == [
        (role.id, project.id)
    ]
    updated = identity.update_project(project, description="renamed")
    assert updated.description == "renamed"
    group = identity.create_group(name="devs")
    identity.add_user_to_group(user, group)
    assert identity.check_user_in_group(user, group)
    identity.unassign_project_role_from_user(project, user, role)
    assert not identity.validate_user_has_project_role(project, user, role)
    identity.delete_user(user)
    identity.delete_project(project)
    assert identity.find_project("team") is None
    with pytest.raises(exceptions.HttpException) as info:
        identity.delete_project(conn.current_project_id)
    assert info.value.status_code == 403


def test_services_endpoints_and_domains(conn: Any) -> None:
    identity = conn.identity
    service = identity.create_service(type="orchestration", name="heat")
    endpoint = identity.create_endpoint(
        service_id=service.id,
        interface="public",
        url="http://127.0.0.1:8004/v1",
        region_id="RegionOne",
    )
    assert [e.id for e in identity.endpoints(service_id=service.id)] == [endpoint.id]
    domain = identity.create_domain(name="other")
    with pytest.raises(exceptions.HttpException):
        identity.delete_domain(domain)  # enabled domains cannot be deleted
    identity.update_domain(domain, enabled=False)
    identity.delete_domain(domain)
    identity.delete_endpoint(endpoint)
    identity.delete_service(service)


def test_demo_member_has_its_own_project(sandbox: Any, tmp_path: Path) -> None:
    import openstack.config
    import openstack.connection

    path = sandbox.write_clouds_yaml(tmp_path / "clouds.yaml")
    config = openstack.config.OpenStackConfig(config_files=[str(path)])
    demo = openstack.connection.Connection(config=config.get_one(cloud="devstack"))
    admin = sandbox.connection()
    assert demo.current_project_id != admin.current_project_id
    private = admin.compute.create_flavor(
        name="secret-size", ram=64, vcpus=1, disk=1, is_public=False
    )
    assert demo.compute.find_flavor("secret-size") is None
    admin.compute.flavor_add_tenant_access(private.id, demo.current_project_id)
    assert demo.compute.find_flavor("secret-size") is not None
    server = demo.compute.create_server(
        name="mine", flavor_id="1", networks="none", image_id=demo.image.find_image("cirros").id
    )
    assert [s.id for s in demo.compute.servers()] == [server.id]
    assert list(admin.compute.servers()) == []  # admin sees its own project by default
    assert [s.id for s in admin.compute.servers(all_projects=True)] == [server.id]
    volume = demo.block_storage.create_volume(size=1)
    assert volume.project_id == demo.current_project_id
    with pytest.raises(exceptions.SDKException, match="requires authentication"):
        openstack.connection.Connection(
            config=config.get_one(cloud="devstack", auth={"project_name": "admin"})
        ).authorize()
