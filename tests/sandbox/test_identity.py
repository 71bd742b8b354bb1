"""Keystone in the sandbox: the admin API that OS::Keystone::* resources use."""

from __future__ import annotations

from typing import Any

import pytest
from openstack import exceptions


def test_projects_users_roles_grants(conn: Any) -> None:
    identity = conn.identity
    assert [p.name for p in identity.projects()] == ["admin"]
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
