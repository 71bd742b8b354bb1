"""More resource plugins on the embedded sandbox (real HTTP through openstacksdk): create,
read attributes, update, delete, and nothing left behind in the sandbox afterwards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from heatctl.errors import ExitCode

Sandbox = pytest.importorskip("heatctl.sandbox").Sandbox


@pytest.fixture(autouse=True)
def no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # openstacksdk also reads ./clouds.yaml
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_USERNAME", "OS_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr
    return result


def _outputs(run_cli: Any, stack: str) -> dict[str, Any]:
    data = json.loads(_ok(run_cli("stack", "output", stack, "--json")).stdout)
    return {k: v["value"] for k, v in data.items()}


def _physical(run_cli: Any, stack: str, resource: str) -> str:
    data = json.loads(_ok(run_cli("stack", "resources", stack, "--json")).stdout)
    return str(data[resource]["physical_id"])


def _cloud(state_dir: Path, fn: Any) -> Any:
    """Run fn(connection) against the stack's sandbox (started from its saved state)."""
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        return fn(sandbox.start().connection())
    finally:
        sandbox.stop()


def _inventory(state_dir: Path) -> dict[str, Any]:
    sandbox = Sandbox(state_path=state_dir / "sandbox.db")
    try:
        return dict(sandbox.inventory())
    finally:
        sandbox.stop()


def _delete_leaves_nothing(run_cli: Any, state_dir: Path, stack: str) -> None:
    _ok(run_cli("stack", "delete", stack, "--yes"))
    assert _inventory(state_dir) == {}


SG_RULE = """
heat_template_version: 2018-08-31
parameters:
  port: {type: number, default: 22}
resources:
  group:
    type: OS::Neutron::SecurityGroup
    properties: {description: ssh, rules: []}
  rule:
    type: OS::Neutron::SecurityGroupRule
    properties:
      security_group: {get_resource: group}
      protocol: tcp
      port_range_min: {get_param: port}
      port_range_max: {get_param: port}
      remote_ip_prefix: 10.0.0.0/8
outputs:
  rule: {value: {get_attr: [rule, show]}}
"""


def test_security_group_rule(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "rule.yaml", SG_RULE)
    _ok(run_cli("stack", "create", str(template), "--name", "r"))
    rule = _outputs(run_cli, "r")["rule"]
    assert (rule["port_range_min"], rule["protocol"], rule["direction"]) == (22, "tcp", "ingress")
    assert rule["remote_ip_prefix"] == "10.0.0.0/8"
    group = _physical(run_cli, "r", "group")
    assert rule["security_group_id"] == group
    first = _physical(run_cli, "r", "rule")
    # Heat replaces a rule on any change: the old one goes, the new one matches port 443.
    _ok(run_cli("stack", "update", "r", "-t", str(template), "-P", "port=443"))
    second = _physical(run_cli, "r", "rule")
    assert second != first
    ports = _cloud(
        state_dir,
        lambda c: sorted(
            (r.id, r.port_range_min)
            for r in c.network.security_group_rules(security_group_id=group)
            if r.protocol == "tcp"
        ),
    )
    assert ports == [(second, 443)]
    _delete_leaves_nothing(run_cli, state_dir, "r")


SERVER_GROUP = """
heat_template_version: 2018-08-31
parameters:
  policy: {type: string, default: anti-affinity}
resources:
  group:
    type: OS::Nova::ServerGroup
    properties: {policies: [{get_param: policy}]}
outputs:
  group: {value: {get_attr: [group, show]}}
"""


def test_server_group(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "group.yaml", SERVER_GROUP)
    _ok(run_cli("stack", "create", str(template), "--name", "g"))
    shown = _outputs(run_cli, "g")["group"]
    first = _physical(run_cli, "g", "group")
    assert shown["id"] == first and shown["name"].startswith("g-group-")
    assert shown.get("policy") == "anti-affinity" or shown["policies"] == ["anti-affinity"]
    _ok(run_cli("stack", "update", "g", "-t", str(template), "-P", "policy=affinity"))
    second = _physical(run_cli, "g", "group")
    groups = _cloud(state_dir, lambda c: [(g.id, g.policy) for g in c.compute.server_groups()])
    assert second != first and groups == [(second, "affinity")]
    _delete_leaves_nothing(run_cli, state_dir, "g")


CONTAINER = """
heat_template_version: 2018-08-31
parameters:
  purge: {type: boolean, default: false}
  colour: {type: string, default: blue}
resources:
  box:
    type: OS::Swift::Container
    properties:
      PurgeOnDelete: {get_param: purge}
      X-Container-Meta: {colour: {get_param: colour}}
outputs:
  url: {value: {get_attr: [box, WebsiteURL]}}
  root: {value: {get_attr: [box, RootURL]}}
  domain: {value: {get_attr: [box, DomainName]}}
  count: {value: {get_attr: [box, ObjectCount]}}
  head: {value: {get_attr: [box, HeadContainer]}}
"""


def _put_object(state_dir: Path, container: str) -> None:
    _cloud(
        state_dir,
        lambda c: c.object_store.create_object(container, "hello.txt", data=b"hello"),
    )


def test_swift_container_attributes_update_and_delete(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = _write(tmp_path, "box.yaml", CONTAINER)
    _ok(run_cli("stack", "create", str(template), "--name", "s"))
    name = _physical(run_cli, "s", "box")
    out = _outputs(run_cli, "s")
    assert name.startswith("s-box-") and out["url"] == f"{out['root']}/{name}"
    assert out["domain"] == "127.0.0.1" and out["count"] == 0
    assert out["head"]["x-container-meta-colour"] == "blue"
    _ok(run_cli("stack", "update", "s", "-t", str(template), "-P", "colour=red"))
    renamed = _physical(run_cli, "s", "box")
    head = _outputs(run_cli, "s")["head"]
    assert renamed != name and head["x-container-meta-colour"] == "red"
    # Not purged: a container with an object in it is kept, and the delete says why.
    _put_object(state_dir, renamed)
    refused = run_cli("stack", "delete", "s", "--yes")
    assert refused.exit_code == ExitCode.FAILED, refused.stderr
    assert "non-empty container" in refused.stderr and "PurgeOnDelete" in refused.stderr
    _cloud(state_dir, lambda c: c.object_store.delete_object("hello.txt", container=renamed))
    _delete_leaves_nothing(run_cli, state_dir, "s")


def test_swift_container_purged_on_delete(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "box.yaml", CONTAINER)
    _ok(run_cli("stack", "create", str(template), "--name", "p", "-P", "purge=true"))
    _put_object(state_dir, _physical(run_cli, "p", "box"))
    _delete_leaves_nothing(run_cli, state_dir, "p")


FIP_ASSOCIATION = """
heat_template_version: 2018-08-31
parameters:
  which: {type: string, default: a}
resources:
  net:
    type: OS::Neutron::Net
  subnet:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.20.0.0/24}
  router:
    type: OS::Neutron::Router
    properties: {external_gateway_info: {network: public}}
  interface:
    type: OS::Neutron::RouterInterface
    properties: {router: {get_resource: router}, subnet: {get_resource: subnet}}
  port_a:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}, fixed_ips: [{subnet: {get_resource: subnet}}]}
  port_b:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}, fixed_ips: [{subnet: {get_resource: subnet}}]}
  fip:
    type: OS::Neutron::FloatingIP
    properties: {floating_network: public}
    depends_on: [interface]
  assoc:
    type: OS::Neutron::FloatingIPAssociation
    properties:
      floatingip_id: {get_resource: fip}
      port_id:
        if: [{equals: [{get_param: which}, a]}, {get_resource: port_a}, {get_resource: port_b}]
outputs:
  assoc: {value: {get_attr: [assoc, show]}}
"""


def test_floating_ip_association(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "assoc.yaml", FIP_ASSOCIATION)
    _ok(run_cli("stack", "create", str(template), "--name", "f"))
    fip, port_a, port_b = (_physical(run_cli, "f", r) for r in ("fip", "port_a", "port_b"))
    shown = _outputs(run_cli, "f")["assoc"]
    assert shown["id"] == fip and shown["port_id"] == port_a
    assert shown["fixed_ip_address"].startswith("10.20.0.")

    def port_of_fip(conn: Any) -> str | None:
        return conn.network.get_ip(fip).port_id

    # The port changes in place: the same floating IP moves to port_b.
    _ok(run_cli("stack", "update", "f", "-t", str(template), "-P", "which=b"))
    assert _physical(run_cli, "f", "assoc") == f"{fip}:{port_b}"
    assert _cloud(state_dir, port_of_fip) == port_b
    _ok(run_cli("stack", "check", "f"))
    _delete_leaves_nothing(run_cli, state_dir, "f")


WEB_IMAGE = """
heat_template_version: 2018-08-31
parameters:
  distro: {type: string, default: cirros}
resources:
  image:
    type: OS::Glance::WebImage
    properties:
      location: https://download.example.org/cirros-0.6.2-x86_64-disk.img
      disk_format: qcow2
      container_format: bare
      min_ram: 64
      os_distro: {get_param: distro}
      tags: [tiny]
      extra_properties: {purpose: demo}
outputs:
  image: {value: {get_attr: [image, show]}}
"""


def test_glance_web_image(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "image.yaml", WEB_IMAGE)
    _ok(run_cli("stack", "create", str(template), "--name", "i"))
    image_id = _physical(run_cli, "i", "image")
    shown = _outputs(run_cli, "i")["image"]
    assert shown["id"] == image_id and shown["status"] == "active"
    assert (shown["disk_format"], shown["min_ram"], shown["os_distro"]) == ("qcow2", 64, "cirros")
    assert "tiny" in shown["tags"] and shown["name"].startswith("i-image-")
    _ok(run_cli("stack", "update", "i", "-t", str(template), "-P", "distro=ubuntu"))
    assert _physical(run_cli, "i", "image") == image_id  # os_distro updates in place
    image = _cloud(state_dir, lambda c: c.image.get_image(image_id))
    assert image.os_distro == "ubuntu" and image.properties.get("purpose") == "demo"
    _delete_leaves_nothing(run_cli, state_dir, "i")


def test_a_refused_duplicate_rule_does_not_take_the_other_one_down(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    """Two identical rules: Neutron refuses one (409). Removing it from the template deletes
    nothing in the cloud: the rule that exists belongs to the other resource, and the failed
    one never made anything."""
    twice = SG_RULE.replace(
        "outputs:",
        "  rule2:\n    type: OS::Neutron::SecurityGroupRule\n    properties:\n"
        "      security_group: {get_resource: group}\n      protocol: tcp\n"
        "      port_range_min: 22\n      port_range_max: 22\n"
        "      remote_ip_prefix: 10.0.0.0/8\noutputs:",
    )
    failed = run_cli("stack", "create", str(_write(tmp_path, "twice.yaml", twice)), "--name", "b")
    assert failed.exit_code == ExitCode.FAILED and "rule" in failed.stderr
    _ok(run_cli("stack", "update", "b", "-t", str(_write(tmp_path, "once.yaml", SG_RULE))))
    group, rule = _physical(run_cli, "b", "group"), _physical(run_cli, "b", "rule")
    rules = _cloud(
        state_dir,
        lambda c: [
            (r.id, r.protocol, r.port_range_min)
            for r in c.network.security_group_rules(security_group_id=group)
            if r.direction == "ingress"
        ],
    )
    assert rules == [(rule, "tcp", 22)]
    _delete_leaves_nothing(run_cli, state_dir, "b")


def test_each_new_type_is_adopted_by_its_own_resource_after_a_crash(tmp_path: Path) -> None:
    """What a crash between the create call and saving its result relies on: find_by_tag
    finds the object this resource made, and not one made for another resource."""
    from heatctl.engine.lifecycle import ResourceContext
    from heatctl.engine.runtime import plugin_for

    sandbox = Sandbox(state_path=tmp_path / "sandbox.db").start()
    try:
        conn = sandbox.connection()
        group = conn.network.create_security_group(name="g")
        cases = {
            "OS::Neutron::SecurityGroupRule": {"security_group": group.id, "protocol": "udp"},
            "OS::Nova::ServerGroup": {"policies": ["affinity"]},
            "OS::Swift::Container": {},
            "OS::Glance::WebImage": {
                "location": "http://example.org/a.img",
                "disk_format": "raw",
                "container_format": "bare",
            },
        }
        for type_name, props in cases.items():

            def context(tag: str, props: dict[str, Any] = props, t: str = type_name) -> Any:
                return ResourceContext(
                    stack_id="s", stack_name="s", resource_id=tag, name="res", type=t,
                    tag=tag, properties=props, connection_factory=lambda: conn,
                )  # fmt: skip

            plugin = plugin_for(type_name)
            made = context("heatctl:s:res:1")
            plugin.create(made)
            assert made.physical_id, type_name
            assert plugin.find_by_tag(context("heatctl:s:res:1")) == made.physical_id, type_name
            assert plugin.find_by_tag(context("heatctl:s:res:2")) is None, type_name
            plugin.delete(made)
            assert plugin.find_by_tag(context("heatctl:s:res:1")) is None, type_name
    finally:
        sandbox.stop()
