"""OS::Keystone::* on the embedded sandbox as its admin: create with attributes, update in
place as Heat allows, delete, and nothing left in the sandbox's Keystone afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.engine.admin_cloud import cloud, inventory, isolate, ok, outputs, physical, write


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


KEYSTONE = """
heat_template_version: 2018-08-31
parameters:
  text: {type: string, default: first}
  role: {type: string, default: member}
  enabled: {type: boolean, default: true}
resources:
  domain:
    type: OS::Keystone::Domain
    properties: {description: {get_param: text}}
  project:
    type: OS::Keystone::Project
    properties:
      domain: {get_resource: domain}
      description: {get_param: text}
      tags: [a]
  role:
    type: OS::Keystone::Role
  group:
    type: OS::Keystone::Group
    properties:
      domain: {get_resource: domain}
      roles: [{role: {get_resource: role}, project: {get_resource: project}}]
  user:
    type: OS::Keystone::User
    properties:
      name: alice
      domain: {get_resource: domain}
      default_project: {get_resource: project}
      enabled: {get_param: enabled}
      groups: [{get_resource: group}]
      password: s3cret
      roles: [{role: {get_param: role}, project: {get_resource: project}}]
  grant:
    type: OS::Keystone::UserRoleAssignment
    properties:
      user: {get_resource: user}
      roles: [{role: reader, domain: {get_resource: domain}}]
  group_grant:
    type: OS::Keystone::GroupRoleAssignment
    properties:
      group: {get_resource: group}
      roles: [{role: reader, project: {get_resource: project}}]
  region:
    type: OS::Keystone::Region
    properties: {id: r-test, description: {get_param: text}}
  service:
    type: OS::Keystone::Service
    properties: {type: dns, description: {get_param: text}}
  endpoint:
    type: OS::Keystone::Endpoint
    properties:
      service: {get_resource: service}
      region: {get_resource: region}
      interface: public
      url: {list_join: ['', ['http://dns/', {get_param: text}]]}
outputs:
  project_domain: {value: {get_attr: [project, domain_id]}}
  project_name: {value: {get_attr: [project, name]}}
  user_enabled: {value: {get_attr: [user, enabled]}}
  user_project: {value: {get_attr: [user, default_project_id]}}
  user_show: {value: {get_attr: [user, show]}}
  grants: {value: {get_attr: [grant, show]}}
"""


def _assignments(state_dir: Path, user: str) -> set[tuple[str, str]]:
    def read(c: Any) -> set[tuple[str, str]]:
        names = {r.id: r.name for r in c.identity.roles()}
        return {
            (names[a.role["id"]], next(iter(a.scope)))
            for a in c.identity.role_assignments(user_id=user)
        }

    return set(cloud(state_dir, read))


def test_keystone_stack(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = str(write(tmp_path, "ks.yaml", KEYSTONE))
    ok(run_cli("stack", "create", template, "--name", "ks"))
    out = outputs(run_cli, "ks")
    domain, project = physical(run_cli, "ks", "domain"), physical(run_cli, "ks", "project")
    user = physical(run_cli, "ks", "user")
    assert out["project_domain"] == domain and out["project_name"].startswith("ks-project-")
    assert out["user_enabled"] is True and out["user_project"] == project
    assert "password" not in out["user_show"]
    reader = cloud(state_dir, lambda c: c.identity.find_role("reader").id)
    assert {"role": reader, "domain": domain} in out["grants"]["roles"]
    assert _assignments(state_dir, user) == {("member", "project"), ("reader", "domain")}
    group = physical(run_cli, "ks", "group")
    assert cloud(state_dir, lambda c: c.identity.check_user_in_group(user, group))
    assert physical(run_cli, "ks", "region") == "r-test"
    ok(run_cli("stack", "check", "ks"))  # every object, grant and membership is there

    ok(
        run_cli(
            "stack",
            "update",
            "ks",
            "-t",
            template,
            "-P",
            "text=second",
            "-P",
            "role=admin",
            "-P",
            "enabled=false",
        )
    )
    # Everything above updates in place: same ids, new values.
    assert physical(run_cli, "ks", "user") == user
    assert physical(run_cli, "ks", "project") == project
    assert outputs(run_cli, "ks")["user_enabled"] is False
    assert _assignments(state_dir, user) == {("admin", "project"), ("reader", "domain")}
    endpoint = physical(run_cli, "ks", "endpoint")
    shown = cloud(state_dir, lambda c: c.identity.get(f"/endpoints/{endpoint}").json())
    assert shown["endpoint"]["url"] == "http://dns/second"
    assert shown["endpoint"]["name"].startswith("ks-endpoint-")
    described = cloud(state_dir, lambda c: c.identity.get_project(project).description)
    assert described == "second"

    # A grant revoked behind heatctl's back is drift of the assignment resource only.
    reader = cloud(state_dir, lambda c: c.identity.find_role("reader").id)
    cloud(state_dir, lambda c: c.identity.unassign_domain_role_from_user(domain, user, reader))
    drift = run_cli("stack", "check", "ks")
    assert drift.exit_code == 6 and "1 resource(s) differ" in drift.stdout + drift.stderr
    rows = [line.split()[0] for line in drift.stdout.splitlines()[1:] if line.strip()]
    assert rows == ["grant"]

    ok(run_cli("stack", "delete", "ks", "--yes"))
    assert inventory(state_dir) == {}
