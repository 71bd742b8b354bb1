"""AWS::EC2::* types on the embedded sandbox, through the CLI with CFN templates (JSON
and YAML as users write them): create, attributes, update, delete, nothing left."""

from __future__ import annotations

import base64
import email
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import corpus_path

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


def _resources(run_cli: Any, stack: str) -> dict[str, Any]:
    return dict(json.loads(_ok(run_cli("stack", "resources", stack, "--json")).stdout))


def _cloud(state_dir: Path, fn: Any) -> Any:
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


VPC_YAML = """
AWSTemplateFormatVersion: '2010-09-09'
Description: A VPC with a subnet, a route table with the internet gateway, an interface,
  an instance on it with an elastic IP, and a security group.
Parameters:
  Port: {Type: String, Default: '22'}
  Flavor: {Type: String, Default: m1.tiny}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.20.0.0/16}
  Sub:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: {Ref: Vpc}
      CidrBlock: 10.20.1.0/24
      AvailabilityZone: nova
  Table:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: {Ref: Vpc}}
  Assoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      RouteTableId: {Ref: Table}
      SubnetId: {Ref: Sub}
  Gateway:
    Type: AWS::EC2::InternetGateway
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    DependsOn: Table
    Properties:
      VpcId: {Ref: Vpc}
      InternetGatewayId: {Ref: Gateway}
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh in, web out
      VpcId: {Ref: Vpc}
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: {Ref: Port}, ToPort: {Ref: Port}, CidrIp: 0.0.0.0/0}
      SecurityGroupEgress:
        - {IpProtocol: tcp, FromPort: '80', ToPort: '80', CidrIp: 0.0.0.0/0}
  Nic:
    Type: AWS::EC2::NetworkInterface
    Properties:
      SubnetId: {Ref: Sub}
      PrivateIpAddress: 10.20.1.10
      GroupSet: [{Ref: Group}]
  Server:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: cirros
      InstanceType: {Ref: Flavor}
      NetworkInterfaces: [{NetworkInterfaceId: {Ref: Nic}, DeviceIndex: '0'}]
      UserData: "#!/bin/sh\\necho hello\\n"
      Tags: [{Key: role, Value: web}]
  Address:
    Type: AWS::EC2::EIP
    Properties: {Domain: vpc}
  AddressAssoc:
    Type: AWS::EC2::EIPAssociation
    DependsOn: Attach
    Properties:
      AllocationId: {"Fn::GetAtt": [Address, AllocationId]}
      NetworkInterfaceId: {Ref: Nic}
Outputs:
  vpc: {Value: {Ref: Vpc}}
  subnet_zone: {Value: {"Fn::GetAtt": [Sub, AvailabilityZone]}}
  nic_ip: {Value: {"Fn::GetAtt": [Nic, PrivateIpAddress]}}
  public_ip: {Value: {"Fn::GetAtt": [Server, PublicIp]}}
  private_dns: {Value: {"Fn::GetAtt": [Server, PrivateDnsName]}}
  zone: {Value: {"Fn::GetAtt": [Server, AvailabilityZone]}}
  address: {Value: {Ref: Address}}
  allocation: {Value: {"Fn::GetAtt": [Address, AllocationId]}}
"""


def test_vpc_network_instance_and_elastic_ip(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "vpc.yaml", VPC_YAML)
    _ok(run_cli("stack", "create", str(template), "--name", "v"))
    out = _outputs(run_cli, "v")
    res = _resources(run_cli, "v")
    ids = {name: row["physical_id"] for name, row in res.items()}
    assert out["vpc"] == ids["Vpc"] and out["subnet_zone"] == "nova"
    assert out["nic_ip"] == "10.20.1.10" == out["public_ip"] == out["private_dns"]
    assert out["zone"] == "nova" and out["address"] == ids["Address"]

    def look(conn: Any) -> dict[str, Any]:
        net = conn.network.get_network(ids["Vpc"])
        routers = {r.name: r for r in conn.network.routers()}
        table = conn.network.get_router(ids["Table"])
        table_ports = [
            p
            for p in conn.network.ports(device_id=table.id)
            if p.device_owner == "network:router_interface"
        ]
        fip = conn.network.get_ip(out["allocation"])
        group = conn.network.get_security_group(ids["Group"])
        server = conn.compute.get_server(ids["Server"])
        return {
            "vpc_router": net.name in routers,
            "table_gateway": (table.external_gateway_info or {}).get("network_id"),
            "table_subnets": [ip["subnet_id"] for p in table_ports for ip in p.fixed_ips],
            "fip_port": fip.port_id,
            "rules": sorted(
                (r["direction"], r["port_range_min"])
                for r in group.security_group_rules
                if r["ethertype"] == "IPv4"
            ),
            "metadata": server.metadata,
            "flavor": server.flavor.get("original_name") or server.flavor.get("name"),
            "public": conn.network.find_network("public").id,
        }

    seen = _cloud(state_dir, look)
    assert seen["vpc_router"] and seen["table_gateway"] == seen["public"]
    assert seen["table_subnets"] == [ids["Sub"]]
    assert seen["fip_port"] == ids["Nic"]
    assert seen["rules"] == [("egress", 80), ("ingress", 22)]
    assert seen["metadata"]["role"] == "web"
    # Every resource is found again in the cloud by its tag or its links: no drift.
    _ok(run_cli("stack", "check", "v"))

    _ok(
        run_cli(
            "stack", "update", "v", "-t", str(template), "-P", "Port=2222", "-P", "Flavor=m1.small"
        )
    )
    again = _resources(run_cli, "v")
    assert again["Server"]["physical_id"] == ids["Server"]  # resized in place
    assert again["Group"]["physical_id"] == ids["Group"]
    after = _cloud(state_dir, look)
    assert after["rules"] == [("egress", 80), ("ingress", 2222)]
    assert after["flavor"] == "m1.small"
    _delete_leaves_nothing(run_cli, state_dir, "v")


def _prepare(state_dir: Path, image: str) -> None:
    """What the corpus templates expect of the cloud: their image and a key pair."""

    def make(conn: Any) -> None:
        conn.image.create_image(
            name=image, disk_format="qcow2", container_format="bare", data=b"not really a disk"
        )
        conn.compute.create_keypair(name="heat_key")

    _cloud(state_dir, make)


def _unprepare(state_dir: Path, image: str) -> None:
    def drop(conn: Any) -> None:
        conn.image.delete_image(conn.image.find_image(image, ignore_missing=False))
        conn.compute.delete_keypair("heat_key")

    _cloud(state_dir, drop)


def test_corpus_wordpress_with_ebs_and_eip(run_cli: Any, state_dir: Path) -> None:
    template = corpus_path(
        "heat-templates", "cfn", "F17", "WordPress_Single_Instance_With_EBS_EIP.template"
    )
    _prepare(state_dir, "F17-x86_64-cfntools")
    _ok(run_cli("stack", "create", str(template), "--name", "wp", "-P", "KeyName=heat_key"))
    out = _outputs(run_cli, "wp")
    ids = {name: row["physical_id"] for name, row in _resources(run_cli, "wp").items()}
    assert out["InstanceIPAddress"] == ids["IPAddress"]
    assert out["InstanceIPAddress"].startswith("172.24.4.")  # the external network's

    def look(conn: Any) -> dict[str, Any]:
        server = conn.compute.get_server(ids["WikiServer"])
        port = next(iter(conn.network.ports(device_id=server.id)))
        fip = next(iter(conn.network.ips(floating_ip_address=ids["IPAddress"])))
        volume = conn.block_storage.get_volume(ids["DataVolume"])
        return {
            "fip_on_port": fip.port_id == port.id,
            "fixed": port.fixed_ips[0]["ip_address"],
            "volume": (volume.status, [a["server_id"] for a in volume.attachments]),
            "volume_tags": volume.metadata.get("Usage"),
            "groups": sorted(g["name"] for g in server.security_groups),
        }

    seen = _cloud(state_dir, look)
    assert seen["fip_on_port"] and out["WebsiteURL"] == f"http://{seen['fixed']}/wordpress"
    assert seen["volume"] == ("in-use", [ids["WikiServer"]])
    assert seen["volume_tags"] == "Wiki Data Volume"
    assert seen["groups"] == [
        _cloud(
            state_dir, lambda c: c.network.get_security_group(ids["WikiServerSecurityGroup"]).name
        )
    ]
    # Size is immutable (as in Heat): a new volume, attached by a new attachment; the
    # instance, its address and its group stay.
    _ok(
        run_cli(
            "stack", "update", "wp", "-t", str(template),
            "-P", "KeyName=heat_key", "-P", "VolumeSize=2",
        )
    )  # fmt: skip
    after = {name: row["physical_id"] for name, row in _resources(run_cli, "wp").items()}
    replaced = sorted(k for k in ids if after[k] != ids[k])
    assert replaced == ["DataVolume", "MountPoint"]

    def volumes(conn: Any) -> list[tuple[str, int, str]]:
        return [(v.id, v.size, v.status) for v in conn.block_storage.volumes()]

    assert _cloud(state_dir, volumes) == [(after["DataVolume"], 2, "in-use")]
    _ok(run_cli("stack", "delete", "wp", "--yes"))
    _unprepare(state_dir, "F17-x86_64-cfntools")
    assert _inventory(state_dir) == {}


INSTANCE_JSON = """{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {
    "Role": {"Type": "String", "Default": "db"},
    "Cidr": {"Type": "String", "Default": "10.30.1.0/24"}
  },
  "Resources": {
    "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.30.0.0/16"}},
    "Sub": {"Type": "AWS::EC2::Subnet",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": {"Ref": "Cidr"}}},
    "Group": {"Type": "AWS::EC2::SecurityGroup",
              "Properties": {"GroupDescription": "db", "SecurityGroupIngress": [
                {"IpProtocol": "tcp", "FromPort": "3306", "ToPort": "3306",
                 "SourceSecurityGroupName": "default"}]}},
    "Data": {"Type": "AWS::EC2::Volume",
             "Properties": {"Size": 1, "AvailabilityZone": "nova"}},
    "Db": {"Type": "AWS::EC2::Instance",
           "Properties": {"ImageId": "cirros", "InstanceType": "m1.tiny",
                          "SubnetId": {"Ref": "Sub"},
                          "SecurityGroupIds": [{"Ref": "Group"}],
                          "Volumes": [{"VolumeId": {"Ref": "Data"}, "Device": "/dev/vdb"}],
                          "Tags": [{"Key": "role", "Value": {"Ref": "Role"}}]}}
  },
  "Outputs": {
    "ip": {"Value": {"Fn::GetAtt": ["Db", "PrivateIp"]}},
    "zone": {"Value": {"Fn::GetAtt": ["Db", "AvailabilityZone"]}}
  }
}
"""


def test_instance_in_a_subnet_with_volumes(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "db.json", INSTANCE_JSON)
    _ok(run_cli("stack", "create", str(template), "--name", "db"))
    out = _outputs(run_cli, "db")
    ids = {name: row["physical_id"] for name, row in _resources(run_cli, "db").items()}
    assert out["ip"].startswith("10.30.1.") and out["zone"] == "nova"

    def look(conn: Any) -> dict[str, Any]:
        server = conn.compute.get_server(ids["Db"])
        ports = list(conn.network.ports(device_id=server.id))
        volume = conn.block_storage.get_volume(ids["Data"])
        group = conn.network.get_security_group(ids["Group"])
        return {
            "port_groups": [p.security_group_ids for p in ports],
            "port_subnet": [p.fixed_ips[0]["subnet_id"] for p in ports],
            "volume": volume.status,
            "meta": {k: v for k, v in server.metadata.items() if not k.startswith("heatctl")},
            "remote": [
                r["remote_group_id"] for r in group.security_group_rules if r["port_range_min"]
            ],
            "default": conn.network.find_security_group("default").id,
            "user_data": server.user_data,
        }

    seen = _cloud(state_dir, look)
    assert seen["port_groups"] == [[ids["Group"]]] and seen["port_subnet"] == [ids["Sub"]]
    assert seen["volume"] == "in-use" and seen["meta"] == {"role": "db"}
    assert seen["remote"] == [seen["default"]]
    # The user data as Heat sends it for cfn-tools: a MIME message, the template's own
    # UserData (none here) as its cfn-userdata part, cloud-init's user ec2-user.
    message = email.message_from_bytes(base64.b64decode(seen["user_data"]))
    parts = {p.get_filename(): p.get_payload(decode=True) for p in message.get_payload()}
    assert parts == {"cloud-config": b"user: ec2-user\n", "cfn-userdata": b""}
    _ok(run_cli("stack", "check", "db"))
    _ok(run_cli("stack", "update", "db", "-t", str(template), "-P", "Role=primary"))
    assert _cloud(state_dir, look)["meta"] == {"role": "primary"}
    # A new SubnetId moves the instance: its port in the old subnet goes, one in the new comes.
    _ok(run_cli("stack", "update", "db", "-t", str(template), "-P", "Cidr=10.30.2.0/24"))
    moved = _outputs(run_cli, "db")
    assert moved["ip"].startswith("10.30.2.")
    _delete_leaves_nothing(run_cli, state_dir, "db")


SWAP_YAML = """
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Target: {Type: String, Default: a, AllowedValues: [a, b]}
Conditions:
  UseB: {"Fn::Equals": [{Ref: Target}, b]}
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.40.0.0/16}}
  Sub:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: {Ref: Vpc}, CidrBlock: 10.40.0.0/24}
  Table: {Type: AWS::EC2::RouteTable, Properties: {VpcId: {Ref: Vpc}}}
  Assoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {RouteTableId: {Ref: Table}, SubnetId: {Ref: Sub}}
  Gateway: {Type: AWS::EC2::InternetGateway}
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    DependsOn: Table
    Properties: {VpcId: {Ref: Vpc}, InternetGatewayId: {Ref: Gateway}}
  G1: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: one}}
  G2: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: two}}
  NicA:
    Type: AWS::EC2::NetworkInterface
    Properties:
      SubnetId: {Ref: Sub}
      GroupSet: [{"Fn::If": [UseB, {Ref: G2}, {Ref: G1}]}]
  NicB:
    Type: AWS::EC2::NetworkInterface
    Properties: {SubnetId: {Ref: Sub}}
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: cirros
      InstanceType: m1.tiny
      NetworkInterfaces: [{"Fn::If": [UseB, {Ref: NicB}, {Ref: NicA}]}]
  Spare:
    Type: AWS::EC2::Instance
    Properties: {ImageId: cirros, InstanceType: m1.tiny, SubnetId: {Ref: Sub}}
  Ip:
    Type: AWS::EC2::EIP
    DependsOn: [Attach, Assoc]
    Properties:
      InstanceId: {"Fn::If": [UseB, "", {Ref: Web}]}
  Ip2:
    Type: AWS::EC2::EIP
    DependsOn: [Attach, Assoc]
  Ip2Assoc:
    Type: AWS::EC2::EIPAssociation
    DependsOn: Ip
    Properties:
      EIP: {Ref: Ip2}
      InstanceId: {"Fn::If": [UseB, {Ref: Web}, {Ref: Spare}]}
Outputs:
  web_ip: {Value: {"Fn::GetAtt": [Web, PrivateIp]}}
  a_ip: {Value: {"Fn::GetAtt": [NicA, PrivateIpAddress]}}
  b_ip: {Value: {"Fn::GetAtt": [NicB, PrivateIpAddress]}}
"""


def test_updates_move_interfaces_groups_and_addresses(
    run_cli: Any, state_dir: Path, tmp_path: Path
) -> None:
    template = _write(tmp_path, "swap.yaml", SWAP_YAML)
    _ok(run_cli("stack", "create", str(template), "--name", "s"))
    ids = {name: row["physical_id"] for name, row in _resources(run_cli, "s").items()}
    out = _outputs(run_cli, "s")
    assert out["web_ip"] == out["a_ip"]

    def look(conn: Any) -> dict[str, Any]:
        fip = next(iter(conn.network.ips(floating_ip_address=ids["Ip"])))
        port = conn.network.get_port(fip.port_id) if fip.port_id else None
        fip2 = next(iter(conn.network.ips(floating_ip_address=ids["Ip2"])))
        return {
            "ip_on": port.device_id if port else None,
            "ip2_on": conn.network.get_port(fip2.port_id).device_id,
            "web_ports": sorted(p.id for p in conn.network.ports(device_id=ids["Web"])),
            "nic_a_groups": conn.network.get_port(ids["NicA"]).security_group_ids,
        }

    seen = _cloud(state_dir, look)
    assert seen == {
        "ip_on": ids["Web"],
        "ip2_on": ids["Spare"],
        "web_ports": [ids["NicA"]],
        "nic_a_groups": [ids["G1"]],
    }
    _ok(run_cli("stack", "update", "s", "-t", str(template), "-P", "Target=b"))
    after = {name: row["physical_id"] for name, row in _resources(run_cli, "s").items()}
    assert after == ids  # everything updated in place
    seen = _cloud(state_dir, look)
    assert seen == {
        "ip_on": None,  # InstanceId emptied: the address is taken off
        "ip2_on": ids["Web"],
        "web_ports": [ids["NicB"]],
        "nic_a_groups": [ids["G2"]],
    }
    assert _outputs(run_cli, "s")["web_ip"] == out["b_ip"]
    _delete_leaves_nothing(run_cli, state_dir, "s")


GHOST_YAML = """
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.50.0.0/16}}
  Sub:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: {Ref: Vpc}, CidrBlock: 10.50.0.0/24}
  Group: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: g}}
  Vm:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: cirros
      InstanceType: m1.tiny
      SubnetId: {Ref: Sub}
      SecurityGroupIds: [{Ref: Group}]
  Ip: {Type: AWS::EC2::EIP}
"""


def test_creates_answered_503_after_committing_are_adopted_not_repeated(
    run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = Sandbox(state_path=tmp_path / "cloud.db").start()
    try:
        monkeypatch.setenv(
            "OS_CLIENT_CONFIG_FILE", str(sandbox.write_clouds_yaml(tmp_path / "clouds.yaml"))
        )
        kinds = ("network", "subnet", "security_group", "port", "server", "floatingip")
        sandbox.rules.add(
            [
                {
                    "name": f"ghost-{kind}",
                    "match": {"resource": kind, "method": "POST", "nth": 1},
                    "action": {"commit_then": 503},
                }
                for kind in kinds
            ]
        )
        template = _write(tmp_path, "ghost.yaml", GHOST_YAML)
        _ok(run_cli("stack", "create", str(template), "--name", "g", "--os-cloud", "sandbox"))
        inventory = sandbox.inventory()
        for key in ("network", "subnet", "router", "security_group", "floatingip"):
            assert len(inventory.get(f"network/{key}", [])) == 1, (key, inventory)
        assert len(inventory["compute/server"]) == 1
        vpc = inventory["network/network"][0]
        owners = sorted(p.device_owner for p in sandbox.connection().network.ports(network_id=vpc))
        # The instance's port in the subnet, and the VPC router's interface on it.
        assert [o for o in owners if o.startswith(("compute", "network:router_i"))] == [
            "compute:nova",
            "network:router_interface",
        ]
        posts = [r.path.rsplit("/", 1)[-1] for r in sandbox.request_log if r.method == "POST"]
        assert posts.count("servers") == 1 and posts.count("floatingips") == 1
        _ok(run_cli("stack", "check", "g", "--os-cloud", "sandbox"))
        _ok(run_cli("stack", "delete", "g", "--yes", "--os-cloud", "sandbox"))
        assert sandbox.inventory() == {}
    finally:
        sandbox.stop()


@pytest.mark.parametrize(
    "name",
    [
        "EC2WithEBSSample.template",
        "WordPress_2_Instances_With_EBS_EIP.template",
        "WordPress_Single_Instance.yaml",
    ],
)
def test_corpus_templates_create_read_and_delete(run_cli: Any, state_dir: Path, name: str) -> None:
    template = corpus_path("heat-templates", "cfn", "F17", name)
    _prepare(state_dir, "F17-x86_64-cfntools")
    _ok(run_cli("stack", "create", str(template), "--name", "c", "-P", "KeyName=heat_key"))
    outputs = _outputs(run_cli, "c")
    assert outputs and all(value not in (None, "", "0.0.0.0") for value in outputs.values())
    _ok(run_cli("stack", "check", "c"))
    _ok(run_cli("stack", "delete", "c", "--yes"))
    _unprepare(state_dir, "F17-x86_64-cfntools")
    assert _inventory(state_dir) == {}


TABLES_YAML = """
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Use: {Type: String, Default: A}
Conditions:
  UseA: {"Fn::Equals": [{Ref: Use}, A]}
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.60.0.0/16}}
  Sub:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: {Ref: Vpc}, CidrBlock: 10.60.0.0/24}
  A: {Type: AWS::EC2::RouteTable, Properties: {VpcId: {Ref: Vpc}}}
  B: {Type: AWS::EC2::RouteTable, Properties: {VpcId: {Ref: Vpc}}}
  Assoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      RouteTableId: {"Fn::If": [UseA, {Ref: A}, {Ref: B}]}
      SubnetId: {Ref: Sub}
"""


def test_a_subnet_moves_between_route_tables(run_cli: Any, state_dir: Path, tmp_path: Path) -> None:
    template = _write(tmp_path, "tables.yaml", TABLES_YAML)
    _ok(run_cli("stack", "create", str(template), "--name", "t"))
    ids = {name: row["physical_id"] for name, row in _resources(run_cli, "t").items()}

    def routers_of_subnet(conn: Any) -> list[str]:
        vpc_router = next(
            iter(conn.network.routers(name=conn.network.get_network(ids["Vpc"]).name))
        )
        names = {ids["A"]: "A", ids["B"]: "B", vpc_router.id: "vpc"}
        return sorted(
            names.get(p.device_id, p.device_id)
            for p in conn.network.ports(device_owner="network:router_interface")
            if any(ip["subnet_id"] == ids["Sub"] for ip in p.fixed_ips)
        )

    assert _cloud(state_dir, routers_of_subnet) == ["A"]
    _ok(run_cli("stack", "update", "t", "-t", str(template), "-P", "Use=B"))
    assert _cloud(state_dir, routers_of_subnet) == ["B"]  # replaced: moved, not doubled
    _ok(run_cli("stack", "check", "t"))
    _delete_leaves_nothing(run_cli, state_dir, "t")
