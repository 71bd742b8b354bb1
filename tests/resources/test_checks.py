"""Rules across properties (Heat's plugin validate()) for the types that have them."""

from __future__ import annotations

from typing import Any

import pytest

from heatctl.resources import registry
from heatctl.resources.validate import validate_properties


def _is_function(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith("get_")


def check(type_name: str, properties: dict[str, Any]) -> list[str]:
    cls = registry.get(type_name)
    assert cls is not None
    found: list[str] = []
    validate_properties(
        cls.schema(),
        properties,
        lambda path, msg: found.append(f"{'.'.join(map(str, path))}: {msg}"),
        is_unresolved=_is_function,
    )
    return found


REF = {"get_resource": "x"}


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"router": "r", "subnet": "s"}, []),
        ({"router": "r", "port": REF}, []),
        ({"router": "r", "subnet_id": "s"}, []),  # old name still counts
        ({"router": "r"}, [": one of the properties 'subnet' and 'port' is required"]),
        (
            {"router": "r", "subnet": "s", "port": "p"},
            ["port: properties 'subnet' and 'port' cannot be given together"],
        ),
    ],
)
def test_router_interface(props, expected):
    assert check("OS::Neutron::RouterInterface", props) == expected


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"cidr": "10.0.0.0/24"}, []),
        ({"subnetpool": "p", "prefixlen": 26}, []),
        ({"cidr": {"get_param": "c"}, "gateway_ip": "~"}, []),
        ({}, [": one of the properties 'subnetpool' and 'cidr' is required"]),
        (
            {"cidr": "10.0.0.0/24", "subnetpool": "p"},
            ["cidr: properties 'subnetpool' and 'cidr' cannot be given together"],
        ),
        (
            {"cidr": "10.0.0.0/24", "prefixlen": 24},
            ["prefixlen: properties 'prefixlen' and 'cidr' cannot be given together"],
        ),
        (
            {"cidr": "fd00::/64", "ipv6_ra_mode": "slaac"},
            ["ip_version: ipv6_ra_mode and ipv6_address_mode need ip_version 6"],
        ),
        (
            {
                "cidr": "fd00::/64",
                "ip_version": 6,
                "ipv6_ra_mode": "slaac",
                "ipv6_address_mode": "dhcpv6-stateful",
            },
            ["ipv6_address_mode: ipv6_ra_mode and ipv6_address_mode must be equal"],
        ),
        (
            {"cidr": "10.0.0.0/24", "gateway_ip": "10.0.0.300"},
            ["gateway_ip: gateway_ip '10.0.0.300' is not an IP address"],
        ),
    ],
)
def test_subnet(props, expected):
    assert check("OS::Neutron::Subnet", {"network": "n", **props}) == expected


def test_floating_ip_port_and_security_group():
    assert check(
        "OS::Neutron::FloatingIP", {"floating_network": "n", "fixed_ip_address": "10.0.0.2"}
    ) == ["fixed_ip_address: property 'fixed_ip_address' needs 'port_id'"]
    assert check(
        "OS::Neutron::Port",
        {"network": "n", "fixed_ips": [{"subnet": "s"}], "no_fixed_ips": "True"},
    ) == ["no_fixed_ips: properties 'fixed_ips' and 'no_fixed_ips' cannot be given together"]
    assert (
        check(
            "OS::Neutron::Port",
            {"network": "n", "fixed_ips": {"get_param": "ips"}, "no_fixed_ips": True},
        )
        == []
    )
    assert check("OS::Neutron::SecurityGroup", {"name": "default"}) == [
        "name: a security group cannot be named 'default'"
    ]


def test_random_string_length_holds_the_minimums():
    assert check("OS::Heat::RandomString", {"length": 1}) == []  # default class, min 1
    props = {
        "length": 2,
        "character_classes": [{"class": "digits", "min": 2}],
        "character_sequences": [{"sequence": "!"}],
    }
    assert check("OS::Heat::RandomString", props) == [
        "length: length 2 is smaller than the minimum counts of the character classes and sequences together (3)"
    ]
    props["length"] = {"get_param": "n"}
    assert check("OS::Heat::RandomString", props) == []


@pytest.mark.parametrize(
    ("props", "ok"),
    [
        ({"size": 1}, True),
        ({"backup_id": "b"}, True),
        ({"snapshot_id": "s"}, True),
        ({"source_volid": REF}, True),
        ({"size": 10, "image": "cirros"}, True),
        ({}, False),
        ({"image": "cirros"}, False),  # an image alone does not give the size
        ({"snapshot_id": "s", "source_volid": "v"}, False),
        ({"size": 1, "image": "i", "snapshot_id": "s"}, False),
    ],
)
def test_volume_sources(props, ok):
    assert (check("OS::Cinder::Volume", props) == []) is ok


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"image": "cirros"}, []),
        ({"image": {"get_param": "image"}, "networks": [{"port": REF}]}, []),
        ({}, [": neither 'image' nor a bootable volume is given"]),
        ({"block_device_mapping": [{"device_name": "vda", "volume_id": "v"}]}, []),
        ({"block_device_mapping_v2": [{"volume_id": REF, "boot_index": 0}]}, []),
        ({"block_device_mapping_v2": {"get_param": "bdm"}}, []),
        (
            {"image": "cirros", "block_device_mapping_v2": [{"volume_id": "v"}]},
            ["block_device_mapping_v2: more than one boot source (image and boot volumes)"],
        ),
        (
            {"block_device_mapping_v2": [{"volume_id": "v", "image": "i"}]},
            [
                "block_device_mapping_v2.0: properties 'volume_id' and 'image' cannot be given together"
            ],
        ),
        (
            {"block_device_mapping": [{"device_name": "vdb"}], "image": "i"},
            [
                "block_device_mapping.0: one of the properties 'volume_id' and 'snapshot_id' is required"
            ],
        ),
        (
            {"image": "i", "networks": [{"fixed_ip": "10.0.0.3"}]},
            ["networks.0: one of 'network', 'port', 'subnet' or 'allocate_network' is required"],
        ),
        (
            {"image": "i", "networks": [{"port": "p", "fixed_ip": "10.0.0.3"}]},
            ["networks.0: properties 'fixed_ip' and 'port' cannot be given together"],
        ),
        (
            {"image": "i", "networks": [{"port": "p"}], "security_groups": ["web"]},
            [
                "security_groups: properties 'security_groups' and 'networks[].port' cannot be given together"
            ],
        ),
        (
            {"image": "i", "networks": [{"allocate_network": "auto"}, {"network": "n"}]},
            ["networks: allocate_network needs networks to have exactly one entry"],
        ),
        (
            {"image": "i", "networks": [{"network": "n", "floating_ip": "f"}]},
            ["networks.0: floating_ip needs 'port', 'subnet' or 'port_extra_properties' here"],
        ),
    ],
)
def test_server(props, expected):
    assert check("OS::Nova::Server", {"flavor": "m1.small", **props}) == expected


def test_rules_wait_for_the_schema_checks():
    assert check("OS::Nova::Server", {"flavor": "f", "imag": "cirros"}) == [
        "imag: unknown property 'imag' (did you mean 'image'?)"
    ]


@pytest.mark.parametrize(
    ("type_name", "props", "expected"),
    [
        ("OS::Heat::AutoScalingGroup", {"min_size": 1, "max_size": "3", "desired_capacity": 2}, []),
        (
            "OS::Heat::AutoScalingGroup",
            {"min_size": 3, "max_size": 1},
            ["min_size: min_size (3) is greater than max_size (1)"],
        ),
        (
            "OS::Heat::AutoScalingGroup",
            {"min_size": 1, "max_size": 3, "desired_capacity": 5},
            ["desired_capacity: desired_capacity (5) must lie between min_size and max_size"],
        ),
        ("OS::Heat::AutoScalingGroup", {"min_size": {"get_param": "n"}, "max_size": 1}, []),
        (
            "AWS::AutoScaling::AutoScalingGroup",
            {"MinSize": "1", "MaxSize": "2", "AvailabilityZones": ["nova"]},
            [": one of the properties 'InstanceId' and 'LaunchConfigurationName' is required"],
        ),
        (
            "AWS::AutoScaling::AutoScalingGroup",
            {
                "MinSize": "1",
                "MaxSize": "2",
                "AvailabilityZones": [],
                "LaunchConfigurationName": "lc",
                "VPCZoneIdentifier": ["a", "b"],
            },
            ["VPCZoneIdentifier: only one subnet is supported in VPCZoneIdentifier"],
        ),
        (
            "OS::Heat::ScalingPolicy",
            {
                "auto_scaling_group_id": "g",
                "adjustment_type": "change_in_capacity",
                "scaling_adjustment": 1,
                "min_adjustment_step": 1,
            },
            [
                "min_adjustment_step: min_adjustment_step needs adjustment_type percent_change_in_capacity"
            ],
        ),
        (
            "OS::Neutron::SecurityGroupRule",
            {"security_group": "g", "remote_group": "h", "remote_ip_prefix": "0.0.0.0/0"},
            [
                "remote_ip_prefix: properties 'remote_group' and 'remote_ip_prefix' cannot be given together"
            ],
        ),
        (
            "OS::Neutron::SecurityGroupRule",
            {"security_group": "g", "port_range_min": 90, "port_range_max": 80},
            ["port_range_max: port_range_min must not be greater than port_range_max"],
        ),
        (
            "OS::Neutron::SecurityGroupRule",
            {"security_group": "g", "protocol": "icmp", "port_range_min": 8, "port_range_max": 0},
            [],
        ),
        (
            "OS::Neutron::Router",
            {"ha": True, "distributed": "true"},
            ["ha: properties 'distributed' and 'ha' cannot be given together"],
        ),
        (
            "OS::Neutron::Router",
            {"l3_agent_ids": ["a", "b"]},
            ["l3_agent_ids: a router that is not HA can have only one L3 agent"],
        ),
        ("OS::Neutron::Router", {"ha": True, "l3_agent_ids": ["a", "b"]}, []),
        ("AWS::EC2::EIPAssociation", {"EIP": "1.2.3.4", "InstanceId": "i"}, []),
        (
            "AWS::EC2::EIPAssociation",
            {"EIP": "1.2.3.4"},
            ["EIP: property 'EIP' needs 'InstanceId'"],
        ),
        (
            "AWS::EC2::EIPAssociation",
            {"InstanceId": "i"},
            [": exactly one of the properties 'EIP' and 'AllocationId' is required"],
        ),
    ],
)
def test_group_policy_rule_router_eip(type_name, props, expected):
    if type_name == "OS::Heat::AutoScalingGroup":
        props = {"resource": {"type": "OS::Heat::None"}, **props}
    assert check(type_name, props) == expected


@pytest.mark.parametrize(
    ("type_name", "props", "expected"),
    [
        (
            "AWS::EC2::Instance",
            {"ImageId": "i", "InstanceType": "m1.small", "SecurityGroups": ["web"]},
            [],
        ),
        (
            "AWS::EC2::Instance",
            {
                "ImageId": "i",
                "InstanceType": "t",
                "SecurityGroupIds": ["g"],
                "NetworkInterfaces": ["n"],
            },
            [
                "NetworkInterfaces: properties 'SecurityGroups/SecurityGroupIds' and 'NetworkInterfaces' cannot be given together"
            ],
        ),
        (
            "AWS::EC2::Instance",
            {
                "ImageId": "i",
                "InstanceType": "t",
                "BlockDeviceMappings": [{"DeviceName": "vdb", "Ebs": {"VolumeSize": "1"}}],
            },
            ["BlockDeviceMappings.0.Ebs: Ebs needs SnapshotId"],
        ),
        (
            "AWS::AutoScaling::LaunchConfiguration",
            {"ImageId": "i"},
            [": without 'InstanceId', the properties 'ImageId' and 'InstanceType' are required"],
        ),
        ("AWS::AutoScaling::LaunchConfiguration", {"InstanceId": "i"}, []),
        (
            "OS::Heat::SoftwareComponent",
            {"configs": [{"tool": "script", "actions": ["CREATE"]}, {"tool": "script"}]},
            ["configs.1: more than one config for the same lifecycle action"],
        ),
    ],
)
def test_aws_instances_and_software_components(type_name, props, expected):
    assert check(type_name, props) == expected


@pytest.mark.parametrize(
    ("type_name", "props", "expected"),
    [
        (
            "OS::Octavia::Pool",
            {"lb_algorithm": "ROUND_ROBIN", "protocol": "HTTP"},
            [": one of the properties 'listener' and 'loadbalancer' is required"],
        ),
        (
            "OS::Octavia::Pool",
            {
                "lb_algorithm": "ROUND_ROBIN",
                "protocol": "HTTP",
                "listener": "l",
                "session_persistence": {"type": "APP_COOKIE"},
            },
            ["session_persistence: cookie_name is required for APP_COOKIE persistence"],
        ),
        (
            "OS::Octavia::Listener",
            {"loadbalancer": "b", "protocol": "TERMINATED_HTTPS", "protocol_port": 443},
            ["protocol: protocol TERMINATED_HTTPS needs 'default_tls_container_ref'"],
        ),
        (
            "OS::Octavia::L7Policy",
            {"listener": "l", "action": "REDIRECT_TO_POOL"},
            ["action: action REDIRECT_TO_POOL needs 'redirect_pool' and no 'redirect_url'"],
        ),
        (
            "OS::Octavia::L7Rule",
            {"l7policy": "p", "type": "COOKIE", "compare_type": "EQUAL_TO", "value": "v"},
            ["type: rules of type HEADER or COOKIE need 'key'"],
        ),
        (
            "OS::Cinder::Quota",
            {"project": "p"},
            [
                ": at least one quota is required: backup_gigabytes, backups, gigabytes, snapshots, volumes"
            ],
        ),
        ("OS::Cinder::Quota", {"project": "p", "volumes": {"get_param": "v"}}, []),
        (
            "OS::Neutron::ProviderNet",
            {"network_type": "flat", "segmentation_id": "5"},
            ["segmentation_id: segmentation_id is not allowed for local and flat networks"],
        ),
        (
            "OS::Neutron::Segment",
            {"network": "n", "network_type": "vlan", "physical_network": "p"},
            ["network_type: vlan segments need 'segmentation_id'"],
        ),
        (
            "OS::Neutron::RBACPolicy",
            {
                "object_type": "subnetpool",
                "object_id": "o",
                "action": "access_as_external",
                "target_tenant": "t",
            },
            ["action: action access_as_external is not valid for subnetpool objects"],
        ),
        ("OS::Designate::Zone", {"name": "example.com."}, ["type: PRIMARY zones need 'email'"]),
        (
            "OS::Designate::Zone",
            {"name": "example.com.", "type": "SECONDARY", "masters": ["1.2.3.4"]},
            [],
        ),
    ],
)
def test_octavia_quotas_provider_networks_dns(type_name, props, expected):
    assert check(type_name, props) == expected


@pytest.mark.parametrize(
    ("type_name", "props", "expected"),
    [
        ("OS::Neutron::Net", {"value_specs": {"mtu": 1400}}, []),
        (
            "OS::Neutron::Net",
            {"value_specs": {"shared": True, "name": "x"}},
            ["value_specs: value_specs cannot set name, shared"],
        ),
        (
            "OS::Neutron::Port",
            {"network": "n", "value_specs": {"name": "x"}},
            [],
        ),  # as Heat: not checked
        (
            "OS::Keystone::UserRoleAssignment",
            {"user": "u", "roles": [{"role": "r", "project": "p", "domain": "d"}]},
            ["roles.0: properties 'project' and 'domain' cannot be given together"],
        ),
        (
            "OS::Keystone::Group",
            {"roles": [{"role": "r"}]},
            ["roles.0: one of the properties 'project' and 'domain' is required"],
        ),
        (
            "OS::Neutron::SubnetPool",
            {"prefixes": ["10.0.0.0/8"], "default_prefixlen": 28, "max_prefixlen": 24},
            ["default_prefixlen: default_prefixlen (28) is greater than max_prefixlen (24)"],
        ),
        (
            "OS::Barbican::Secret",
            {"payload_content_type": "text/plain"},
            ["payload_content_type: property 'payload_content_type' needs 'payload'"],
        ),
        (
            "OS::Barbican::Secret",
            {
                "payload": "x",
                "payload_content_type": "application/octet-stream",
                "payload_content_encoding": "base64",
            },
            ["payload: payload is not valid base64"],
        ),
    ],
)
def test_value_specs_roles_pools_secrets(type_name, props, expected):
    assert check(type_name, props) == expected


@pytest.mark.parametrize(
    ("type_name", "props", "expected"),
    [
        (
            "OS::Trove::Instance",
            {
                "flavor": "f",
                "size": 1,
                "databases": [{"name": "db1"}],
                "users": [{"name": "bob", "password": "pw1", "databases": ["db2"]}],
            },
            ["users.0.databases: databases db2 are not in 'databases'"],
        ),
        (
            "OS::Trove::Instance",
            {"flavor": "f", "size": 1, "networks": [{"network": "n", "port": "p"}]},
            ["networks.0: exactly one of 'network' and 'port' is required"],
        ),
        (
            "OS::Zun::Container",
            {"image": "i", "restart_policy": "sometimes"},
            [
                "restart_policy: restart_policy 'sometimes' is not no, on-failure[:N], always or unless-stopped"
            ],
        ),
        ("OS::Zun::Container", {"image": "i", "restart_policy": "on-failure:3"}, []),
        (
            "OS::Zun::Container",
            {"image": "i", "mounts": [{"mount_path": "/m"}]},
            ["mounts.0: one of the properties 'volume_id' and 'volume_size' is required"],
        ),
        (
            "OS::Magnum::ClusterTemplate",
            {"coe": "kubernetes", "image": "i", "external_network": "e", "volume_driver": "rexray"},
            ["volume_driver: volume_driver rexray is not supported with kubernetes (use cinder)"],
        ),
        (
            "OS::Manila::ShareNetwork",
            {"neutron_network": "n"},
            ["neutron_network: property 'neutron_network' needs 'neutron_subnet'"],
        ),
        (
            "OS::Cinder::VolumeType",
            {"name": "t", "projects": ["p"]},
            ["projects: property 'projects' needs is_public: false"],
        ),
        (
            "OS::Barbican::Order",
            {"type": "key"},
            ["type: key orders need 'algorithm' and 'bit_length'"],
        ),
        (
            "OS::Barbican::Order",
            {"type": "certificate", "algorithm": "rsa"},
            [": certificate orders do not take algorithm"],
        ),
        (
            "OS::Barbican::GenericContainer",
            {"secrets": [{"name": "a", "ref": "r"}, {"name": "b", "ref": "r"}]},
            ["secrets: the same secret reference appears twice"],
        ),
        (
            "OS::Mistral::CronTrigger",
            {"workflow": {"name": "w"}},
            [": one of the properties 'pattern' and 'first_time' is required"],
        ),
        (
            "OS::Glance::WebImage",
            {
                "container_format": "bare",
                "disk_format": "raw",
                "location": "http://x",
                "members": ["p"],
            },
            ["members: property 'members' needs visibility: shared"],
        ),
    ],
)
def test_trove_zun_magnum_manila_cinder_barbican_mistral_glance(type_name, props, expected):
    assert check(type_name, props) == expected
