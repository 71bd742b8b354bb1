"""OS::Heat::Stack, AWS::CloudFormation::Stack, OS::Heat::ResourceChain, the AWS groups, and
the engine rules for child stacks (timeout, cancel, progress), through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from heatctl.engine.store import StateStore
from heatctl.errors import ExitCode
from heatctl.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
heat_template_version: 2018-08-31
parameters:
  label: {type: string}
resources:
  inner:
    type: OS::Heat::TestResource
    properties: {value: {get_param: label}}
outputs:
  name: {value: {get_attr: [inner, output]}}
"""

CFN_CHILD = """
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Label: {Type: String}
Resources:
  Net:
    Type: OS::Neutron::Net
    Properties: {name: {Ref: Label}}
Outputs:
  Id: {Value: {Ref: Net}}
"""

TOP = """
heat_template_version: 2018-08-31
parameters:
  label: {type: string, default: a}
  concurrent: {type: boolean, default: false}
resources:
  text:
    type: OS::Heat::Stack
    properties:
      parameters: {label: {get_param: label}}
      timeout: 5
      template: |
        heat_template_version: 2018-08-31
        parameters:
          label: {type: string}
        resources:
          r: {type: OS::Heat::TestResource, properties: {value: {get_param: label}}}
        outputs:
          v: {value: {list_join: ["-", [{get_attr: [r, output]}, inline]]}}
  file:
    type: OS::Heat::Stack
    properties:
      template: {get_file: child.yaml}
      parameters: {label: viafile}
  cfn:
    type: AWS::CloudFormation::Stack
    properties:
      TemplateURL: sub/cfn.yaml
      Parameters: {Label: {get_param: label}}
  chain:
    type: OS::Heat::ResourceChain
    properties:
      resources: [OS::Heat::None, child.yaml, child.yaml]
      concurrent: {get_param: concurrent}
      resource_properties: {label: {get_param: label}}
outputs:
  text: {value: {get_attr: [text, outputs, v]}}
  text_name: {value: {get_attr: [text, stack_name]}}
  file: {value: {get_attr: [file, outputs, name]}}
  cfn: {value: {get_attr: [cfn, Outputs.Id]}}
  chain_refs: {value: {get_attr: [chain, refs]}}
  chain_last: {value: {get_attr: [chain, resource.2.name]}}
  chain_names: {value: {get_attr: [chain, attributes, name]}}
"""


@pytest.fixture(autouse=True)
def no_clouds_yaml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key in ("OS_AUTH_URL", "OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_USERNAME", "OS_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


def outputs(run_cli: Any, stack: str) -> dict[str, Any]:
    shown = run_cli("stack", "output", stack, "--json")
    assert shown.exit_code == 0, shown.stderr
    return {k: v["value"] for k, v in json.loads(shown.stdout).items()}


def stacks(state_dir: Path) -> list[dict[str, Any]]:
    with StateStore.open(state_dir) as store:
        return [dict(r) for r in store.db.query("SELECT * FROM stacks ORDER BY created_at")]


def inventory(state_dir: Path) -> dict[str, list[str]]:
    with Sandbox(state_path=state_dir / "sandbox.db") as sandbox:
        return sandbox.inventory()


def child_rows(state_dir: Path, prefix: str) -> dict[str, dict[str, Any]]:
    with StateStore.open(state_dir) as store:
        child = next(s for s in store.list_stacks(include_nested=True) if s.name.startswith(prefix))
        return {r.name: {"requires": r.requires, "type": r.type} for r in store.resources(child.id)}


def write(tmp_path: Path) -> Path:
    (tmp_path / "child.yaml").write_text(CHILD)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "cfn.yaml").write_text(CFN_CHILD)
    (tmp_path / "top.yaml").write_text(TOP)
    return tmp_path / "top.yaml"


def test_stack_types_and_chain_create_update_delete(
    run_cli: Any, tmp_path: Path, state_dir: Path
) -> None:
    top = str(write(tmp_path))
    created = run_cli("stack", "create", top, "--name", "t")
    assert created.exit_code == 0, created.stderr
    assert "t/text/r CREATE_COMPLETE" in created.stderr  # child events, named by path
    assert "t/chain/2/inner CREATE_COMPLETE" in created.stderr  # a grandchild's
    lines = [line.split(" ", 1)[1] for line in created.stderr.splitlines() if " t/" in line]
    assert lines.index("t/text CREATE_IN_PROGRESS") < lines.index("t/text/r CREATE_IN_PROGRESS")
    out = outputs(run_cli, "t")
    assert out["text"] == "a-inline" and out["file"] == "viafile"
    assert out["text_name"].startswith("t-text-")
    assert inventory(state_dir)["network/network"] == [out["cfn"]]
    assert len(out["chain_refs"]) == 3 and out["chain_last"] == "a"
    assert out["chain_names"] == {"0": None, "1": "a", "2": "a"}
    chain = child_rows(state_dir, "t-chain-")
    assert chain["1"]["requires"] == ("0",) and chain["2"]["requires"] == ("1",)  # in order
    assert len(stacks(state_dir)) == 7  # t, text, file, cfn, chain, chain members 1 and 2

    updated = run_cli("stack", "update", "t", "-t", top, "-P", "label=b", "-P", "concurrent=true")
    assert updated.exit_code == 0, updated.stderr
    out = outputs(run_cli, "t")
    assert out["text"] == "b-inline" and out["chain_last"] == "b"
    assert inventory(state_dir)["network/network"] == [out["cfn"]]  # renamed in place
    assert child_rows(state_dir, "t-chain-")["2"]["requires"] == ()  # concurrent now

    assert run_cli("stack", "delete", "t", "--yes").exit_code == 0
    assert all(r["deleted_at"] is not None for r in stacks(state_dir))
    assert inventory(state_dir) == {}


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        (
            "{type: OS::Heat::Stack, properties: {template: 'https://example.com/t.yaml'}}",
            "template 'https://example.com/t.yaml' is a URL; heatctl fetches nothing",
        ),
        (
            "{type: AWS::CloudFormation::Stack, properties: {TemplateURL: 'http://h/t.yaml'}}",
            "TemplateURL 'http://h/t.yaml' is a URL; heatctl fetches nothing",
        ),
        (
            "{type: AWS::CloudFormation::Stack, properties: {TemplateURL: ../outside.yaml}}",
            "is outside the template's directory tree",
        ),
        (
            "{type: AWS::CloudFormation::Stack, properties: {TemplateURL: missing.yaml}}",
            "no such file",
        ),
        (
            "{type: OS::Heat::Stack, properties: {template: 'heat_template_version: x'}}",
            "heat_template_version",
        ),
        (
            "{type: OS::Heat::Stack, properties: {template: '{}', context: {region_name: r2}}}",
            "context (region_name) is not supported yet",
        ),
    ],
)
def test_bad_nested_templates_fail_the_resource_with_a_clear_reason(
    run_cli: Any, tmp_path: Path, resource: str, message: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "outside.yaml").write_text(CHILD)
    path = work / "bad.yaml"
    path.write_text(f"heat_template_version: 2018-08-31\nresources:\n  s: {resource}\n")
    result = run_cli("stack", "create", str(path), "--name", "bad")
    assert result.exit_code == ExitCode.FAILED, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


AWS_TOP = """
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Size: {Type: Number, Default: 2}
Resources:
  Config:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties: {ImageId: cirros, InstanceType: m1.tiny}
  Group:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      AvailabilityZones: [nova]
      LaunchConfigurationName: {Ref: Config}
      MinSize: 1
      MaxSize: 3
      DesiredCapacity: {Ref: Size}
      Tags: [{Key: team, Value: web}]
  Down:
    Type: AWS::AutoScaling::ScalingPolicy
    Properties:
      AutoScalingGroupName: {Ref: Group}
      AdjustmentType: ExactCapacity
      ScalingAdjustment: 1
  Fixed:
    Type: OS::Heat::InstanceGroup
    Properties:
      AvailabilityZones: [nova]
      LaunchConfigurationName: {Ref: Config}
      Size: 1
Outputs:
  List: {Value: {'Fn::GetAtt': [Group, InstanceList]}}
  Fixed: {Value: {'Fn::GetAtt': [Fixed, InstanceList]}}
  Url: {Value: {'Fn::GetAtt': [Down, AlarmUrl]}}
"""

# AWS::EC2::Instance mapped to a provider template (Heat allows it): each "instance" is a
# network named from the launch configuration, its id given as PublicIp.
INSTANCE = """
heat_template_version: 2018-08-31
parameters:
  ImageId: {type: string}
  InstanceType: {type: string}
  Tags: {type: json}
resources:
  net:
    type: OS::Neutron::Net
    properties:
      name: {list_join: ["-", [{get_param: ImageId}, {get_param: InstanceType}]]}
outputs:
  PublicIp: {value: {get_resource: net}}
  tags: {value: {get_param: Tags}}
"""


def test_aws_groups_build_members_from_the_launch_configuration(
    run_cli: Any, tmp_path: Path, state_dir: Path
) -> None:
    (tmp_path / "aws.yaml").write_text(AWS_TOP)
    (tmp_path / "instance.yaml").write_text(INSTANCE)
    (tmp_path / "env.yaml").write_text("resource_registry:\n  AWS::EC2::Instance: instance.yaml\n")
    source = (str(tmp_path / "aws.yaml"), "-e", str(tmp_path / "env.yaml"))
    created = run_cli("stack", "create", *source, "--name", "aws")
    assert created.exit_code == 0, created.stderr
    out = outputs(run_cli, "aws")
    group = out["List"].split(",")
    assert len(group) == 2 and out["Url"] is None
    nets = inventory(state_dir)["network/network"]
    assert sorted([*group, out["Fixed"]]) == sorted(nets)
    with StateStore.open(state_dir) as store:
        members = [s for s in store.list_stacks(include_nested=True) if s.parent_id]
        member = next(s for s in members if s.name.startswith("aws-Group-") and s.parent_id)
        grandchild = next(s for s in members if s.parent_id == member.id)
        tags = store.outputs(grandchild.id)["tags"]["value"]
    assert tags[0] == {"Key": "team", "Value": "web"}
    assert tags[1]["Key"] == "metering.AutoScalingGroupName"

    down = run_cli("stack", "signal", "aws", "Down")
    assert down.exit_code == 0, down.stderr
    assert outputs(run_cli, "aws")["List"] == group[1]  # the oldest went first
    assert len(inventory(state_dir)["network/network"]) == 2
    assert run_cli("stack", "delete", "aws", "--yes").exit_code == 0
    assert inventory(state_dir) == {}


SLOW = """
heat_template_version: 2018-08-31
parameters:
  wait: {type: number, default: 60}
resources:
  st:
    type: OS::Heat::Stack
    properties:
      parameters: {wait: {get_param: wait}}
      template: |
        heat_template_version: 2018-08-31
        parameters:
          wait: {type: number}
        resources:
          slow: {type: OS::Heat::TestResource, properties: {wait_secs: {get_param: wait}}}
"""


def test_a_child_gets_what_remains_of_the_parent_timeout(
    run_cli: Any, tmp_path: Path, state_dir: Path
) -> None:
    (tmp_path / "slow.yaml").write_text(SLOW)
    started = time.monotonic()
    result = run_cli("stack", "create", str(tmp_path / "slow.yaml"), "--timeout", "0.02")
    assert time.monotonic() - started < 15
    assert result.exit_code == ExitCode.FAILED
    assert "st: nested stack slow-st-" in result.stderr and "slow: timed out after" in result.stderr
    assert [r["status"] for r in stacks(state_dir)] == ["CREATE_FAILED", "CREATE_FAILED"]
    assert run_cli("stack", "delete", "slow", "--yes").exit_code == 0


def test_cancel_of_the_parent_stops_a_slow_child(
    run_cli: Any, tmp_path: Path, state_dir: Path
) -> None:
    (tmp_path / "slow.yaml").write_text(SLOW)
    proc = subprocess.Popen(
        [sys.executable, "-m", "heatctl", "stack", "create", str(tmp_path / "slow.yaml")],
        env={**os.environ, "HEATCTL_STATE_DIR": str(state_dir), "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(stacks(state_dir)) < 2:
        time.sleep(0.1)
    time.sleep(0.3)
    started = time.monotonic()
    assert run_cli("stack", "cancel", "slow").exit_code == 0
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - started < 10
    assert proc.returncode == ExitCode.FAILED and "cancelled (heatctl stack cancel)" in err
    assert "slow/st/slow CREATE_FAILED: cancelled" in err
    child = stacks(state_dir)[1]
    assert child["status"] == "CREATE_FAILED" and "cancelled" in child["status_reason"]
    assert run_cli("stack", "delete", "slow", "--yes").exit_code == 0
