"""OS::Nova::Flavor/Quota/HostAggregate and OS::Cinder::VolumeType/EncryptedVolumeType/
QoSSpecs/QoSAssociation/Quota on the embedded sandbox as its admin: create, attributes,
update in place as Heat allows, delete, and nothing left afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from heatctl.errors import ExitCode
from tests.engine.admin_cloud import (
    Sandbox,
    cloud,
    inventory,
    isolate,
    ok,
    outputs,
    physical,
    write,
)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


NOVA = """
heat_template_version: 2018-08-31
parameters:
  spec: {type: string, default: one}
  tenants: {type: comma_delimited_list, default: demo}
  hosts: {type: comma_delimited_list, default: sandbox}
  instances: {type: number, default: 3}
resources:
  flavor:
    type: OS::Nova::Flavor
    properties:
      ram: 256
      vcpus: 1
      is_public: false
      tenants: {get_param: tenants}
      extra_specs: {"hw:cpu_policy": {get_param: spec}}
  aggregate:
    type: OS::Nova::HostAggregate
    properties:
      name: agg
      availability_zone: az1
      hosts: {get_param: hosts}
      metadata: {ssd: {get_param: spec}}
  quota:
    type: OS::Nova::Quota
    properties: {project: demo, instances: {get_param: instances}, cores: 4}
outputs:
  specs: {value: {get_attr: [flavor, extra_specs]}}
  public: {value: {get_attr: [flavor, is_public]}}
  aggregate: {value: {get_attr: [aggregate, show]}}
  quota: {value: {get_attr: [quota, show]}}
"""


def _project(state_dir: Path, name: str) -> str:
    return str(cloud(state_dir, lambda c: c.identity.find_project(name).id))


def test_nova_admin_types(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = str(write(tmp_path, "nova.yaml", NOVA))
    ok(run_cli("stack", "create", template, "--name", "n"))
    out = outputs(run_cli, "n")
    flavor = physical(run_cli, "n", "flavor")
    demo, alt = _project(state_dir, "demo"), _project(state_dir, "alt_demo")
    assert out["specs"] == {"hw:cpu_policy": "one"} and out["public"] is False
    access = cloud(
        state_dir, lambda c: [a["tenant_id"] for a in c.compute.get_flavor_access(flavor)]
    )
    assert access == [demo]
    assert out["aggregate"]["hosts"] == ["sandbox"]
    assert out["aggregate"]["metadata"] == {"availability_zone": "az1", "ssd": "one"}
    assert out["quota"]["instances"] == 3 and out["quota"]["cores"] == 4
    ok(run_cli("stack", "check", "n"))

    ok(
        run_cli(
            "stack",
            "update",
            "n",
            "-t",
            template,
            "-P",
            "spec=two",
            "-P",
            "tenants=alt_demo",
            "-P",
            "hosts=",
            "-P",
            "instances=5",
        )
    )
    assert physical(run_cli, "n", "flavor") == flavor  # updated in place
    out = outputs(run_cli, "n")
    assert out["specs"] == {"hw:cpu_policy": "two"} and out["aggregate"]["hosts"] == []
    access = cloud(
        state_dir, lambda c: [a["tenant_id"] for a in c.compute.get_flavor_access(flavor)]
    )
    assert access == [alt]
    assert cloud(state_dir, lambda c: c.compute.get_quota_set(demo).instances) == 5

    ok(run_cli("stack", "delete", "n", "--yes"))
    assert inventory(state_dir) == {}
    assert cloud(state_dir, lambda c: c.compute.get_quota_set(demo).instances) == 10


def test_nova_quota_refuses_network_quotas(run_cli: Any, tmp_path: Path) -> None:
    template = write(
        tmp_path,
        "q.yaml",
        "heat_template_version: 2018-08-31\nresources:\n  q:\n    type: OS::Nova::Quota\n"
        "    properties: {project: demo, floating_ips: 3}\n",
    )
    result = run_cli("stack", "create", str(template), "--name", "q")
    assert result.exit_code == ExitCode.FAILED
    assert "OS::Neutron::Quota" in result.stderr and "floating_ips" in result.stderr


CINDER = """
heat_template_version: 2018-08-31
parameters:
  iops: {type: string, default: "100"}
  cipher: {type: string, default: aes-xts-plain64}
  volumes: {type: number, default: 4}
  projects: {type: comma_delimited_list, default: demo}
resources:
  vtype:
    type: OS::Cinder::VolumeType
    properties:
      name: gold
      is_public: false
      projects: {get_param: projects}
      metadata: {tier: {get_param: iops}}
  encryption:
    type: OS::Cinder::EncryptedVolumeType
    properties:
      volume_type: {get_resource: vtype}
      provider: luks
      cipher: {get_param: cipher}
      key_size: 256
  qos:
    type: OS::Cinder::QoSSpecs
    properties:
      specs: {read_iops_sec: {get_param: iops}}
  link:
    type: OS::Cinder::QoSAssociation
    properties:
      qos_specs: {get_resource: qos}
      volume_types: [{get_resource: vtype}]
  quota:
    type: OS::Cinder::Quota
    properties: {project: demo, volumes: {get_param: volumes}, backup_gigabytes: 50}
outputs:
  vtype: {value: {get_attr: [vtype, show]}}
  qos: {value: {get_attr: [qos, show]}}
  link: {value: {get_attr: [link, show]}}
  quota: {value: {get_attr: [quota, show]}}
"""


def test_cinder_admin_types(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = str(write(tmp_path, "cinder.yaml", CINDER))
    ok(run_cli("stack", "create", template, "--name", "c"))
    out = outputs(run_cli, "c")
    vtype, qos = physical(run_cli, "c", "vtype"), physical(run_cli, "c", "qos")
    demo, alt = _project(state_dir, "demo"), _project(state_dir, "alt_demo")
    assert out["vtype"]["name"] == "gold" and out["vtype"]["extra_specs"] == {"tier": "100"}
    assert out["qos"]["specs"] == {"read_iops_sec": "100"} and out["link"]["volume_types"] == [
        vtype
    ]
    assert out["quota"]["volumes"] == 4 and out["quota"]["backup_gigabytes"] == 50
    assert physical(run_cli, "c", "encryption") == vtype
    ok(run_cli("stack", "check", "c"))  # quotas have nothing to compare; the rest is there
    encryption = cloud(state_dir, lambda c: c.block_storage.get_type_encryption(vtype))
    assert (encryption.provider, encryption.key_size) == ("luks", 256)

    ok(
        run_cli(
            "stack",
            "update",
            "c",
            "-t",
            template,
            "-P",
            "iops=200",
            "-P",
            "cipher=aes-cbc-essiv",
            "-P",
            "volumes=6",
            "-P",
            "projects=alt_demo",
        )
    )
    # The type and the specs update in place. The encryption and the association refer to
    # the updated type, which the planner cannot resolve before applying, so they are
    # replaced: old one first (a type has one encryption), as a delete-first replacement.
    assert (physical(run_cli, "c", "vtype"), physical(run_cli, "c", "qos")) == (vtype, qos)
    out = outputs(run_cli, "c")
    assert out["vtype"]["extra_specs"] == {"tier": "200"}
    assert out["qos"]["specs"] == {"read_iops_sec": "200"} and out["quota"]["volumes"] == 6
    access = cloud(
        state_dir, lambda c: [a["project_id"] for a in c.block_storage.get_type_access(vtype)]
    )
    assert access == [alt] and demo != alt
    cipher = cloud(state_dir, lambda c: c.block_storage.get_type_encryption(vtype).cipher)
    assert cipher == "aes-cbc-essiv"

    ok(run_cli("stack", "delete", "c", "--yes"))
    assert inventory(state_dir) == {}


def test_cinder_quota_below_usage_is_refused(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    admin = _project(state_dir, "admin")
    cloud(state_dir, lambda c: c.block_storage.create_volume(size=1, name="used"))
    template = write(
        tmp_path,
        "q.yaml",
        "heat_template_version: 2018-08-31\nresources:\n  q:\n    type: OS::Cinder::Quota\n"
        f"    properties: {{project: {admin}, volumes: 0}}\n",
    )
    result = run_cli("stack", "create", str(template), "--name", "q")
    assert result.exit_code == ExitCode.FAILED
    assert "Can not be less than the current usage value(s): 1" in result.stderr


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A sandbox served beside heatctl with its clouds.yaml (admin and member clouds)."""
    sandbox = Sandbox(state_path=tmp_path / "cloud.db").start()
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(sandbox.write_clouds_yaml(tmp_path / "c.yaml")))
    yield sandbox
    sandbox.stop()


@pytest.mark.parametrize(
    ("body", "refusal"),
    [
        ("type: OS::Nova::Flavor\n    properties: {ram: 64, vcpus: 1}", "os-flavor-manage:create"),
        ("type: OS::Cinder::VolumeType\n    properties: {name: t}", "types_manage"),
        ("type: OS::Keystone::Project", "identity:create_project"),
    ],
)
def test_a_member_is_refused_as_by_the_real_services(
    run_cli: Any, served: Any, tmp_path: Path, body: str, refusal: str
) -> None:
    template = write(
        tmp_path, "m.yaml", f"heat_template_version: 2018-08-31\nresources:\n  r:\n    {body}\n"
    )
    result = run_cli("stack", "create", str(template), "--name", "m", "--os-cloud", "devstack")
    assert result.exit_code == ExitCode.FAILED
    assert "403" in result.stderr and refusal in result.stderr
    assert served.inventory() == {}
