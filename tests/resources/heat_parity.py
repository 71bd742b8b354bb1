"""Check heatctl's resource schemas and property validation against OpenStack Heat itself.

Not part of the test suite (it needs Heat installed). Run it in a separate virtualenv:

    python3 -m venv /tmp/heatenv && /tmp/heatenv/bin/pip install openstack-heat==27.0.1
    /tmp/heatenv/bin/python tests/resources/heat_parity.py [CASES_PER_TYPE]

It (1) compares every property (type, required, default, update_allowed, immutable,
implemented, hidden, constraints, nested keys and list items) and attribute of every type
heatctl shares with Heat's registry, and (2) feeds random property maps to Heat's
`Properties.validate()` and to `validate_properties`, and reports where one finds an error and
the other does not. Properties with custom constraints are left out of (2): Heat checks those
against the cloud. (3) runs the cross-property rules (Heat's plugin validate()) of RULE_CASES
through a one-resource Heat stack, with cloud lookups stubbed, and through validate_properties
(this part also needs the `fixtures` package for heat.tests.utils).
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from heat.engine import attributes as heat_attributes
from heat.engine import constraints as heat_constraints
from heat.engine import properties as heat_properties
from heat.engine import resources as heat_resources
from oslo_config import cfg

from heatctl.resources import registry
from heatctl.resources.validate import validate_properties

TYPES = {"String": "string", "Integer": "integer", "Number": "number", "Boolean": "boolean"}
TYPES |= {"List": "list", "Map": "map", "Any": "any"}
VALUES: list[Any] = [None, "", "abc", "12", "1.5", "true", "False", "yes", 0, 3, -1, 600, 1.5]
VALUES += [True, False, [], ["a"], [1, 2], [{"a": 1}], {}, {"a": 1}, "ingress", "tcp", "RAW"]


def compare_property(name: str, path: str, heat: Any, ours: Any, out: list[str]) -> None:
    """Append to `out` every field where Heat's property schema and ours differ."""
    fields = {
        "type": (TYPES[heat.type], str(ours.type)),
        "required": (heat.required, ours.required),
        "default": (heat.default, ours.default),
        "update_allowed": (heat.update_allowed, ours.update_allowed),
        "immutable": (heat.immutable, ours.immutable),
        "implemented": (heat.implemented, ours.implemented),
        "hidden": (heat.support_status.status == "HIDDEN", ours.hidden),
        "constraints": (
            [{k: v for k, v in dict(c).items() if k != "description"} for c in heat.constraints],
            [{c.kind: c.args} for c in ours.constraints],
        ),
    }
    out += [f"{name} {path}: {f} {h!r} != {o!r}" for f, (h, o) in fields.items() if h != o]
    sub = heat.schema
    if isinstance(sub, heat_constraints.AnyIndexDict):
        if ours.item is None:
            out.append(f"{name} {path}: no item schema")
        else:
            compare_property(name, path + "[]", sub.value, ours.item, out)
    elif isinstance(sub, dict) and sub:
        keys = set(ours.schema or {})
        if set(sub) != keys:
            out.append(f"{name} {path}: keys differ {sorted(set(sub) ^ keys)}")
        for key in set(sub) & keys:
            compare_property(name, f"{path}.{key}", sub[key], ours.schema[key], out)


def compare_schemas(heat_registry: Any) -> list[str]:
    out: list[str] = []
    for name in registry.names():
        info = heat_registry._registry.get(name)
        if info is None:
            continue
        cls = info.get_class_to_instantiate()
        heat_props = heat_properties.schemata(cls.properties_schema)
        ours = registry.get(name).schema()  # type: ignore[union-attr]
        if set(heat_props) != set(ours.properties):
            out.append(
                f"{name}: properties differ {sorted(set(heat_props) ^ set(ours.properties))}"
            )
        for key in set(heat_props) & set(ours.properties):
            compare_property(name, key, heat_props[key], ours.properties[key], out)
        heat_attrs = set(heat_attributes.schemata(cls.attributes_schema)) | {"show"}
        if heat_attrs != set(ours.attributes):
            out.append(f"{name}: attributes differ {sorted(heat_attrs ^ set(ours.attributes))}")
    return out


def _without_custom(schema: dict[str, Any]) -> dict[str, Any]:
    def custom(s: Any) -> bool:
        if any(isinstance(c, heat_constraints.CustomConstraint) for c in s.constraints):
            return True
        sub = s.schema
        if isinstance(sub, heat_constraints.AnyIndexDict):
            return custom(sub.value)
        return isinstance(sub, dict) and any(custom(v) for v in sub.values())

    return {k: v for k, v in schema.items() if not custom(v)}


def _random_value(rng: random.Random, schema: Any, depth: int = 0) -> Any:
    sub = schema.schema
    if depth > 2 or rng.random() < 0.5 or not sub:
        return rng.choice(VALUES)
    if isinstance(sub, heat_constraints.AnyIndexDict):
        return [_random_value(rng, sub.value, depth + 1) for _ in range(rng.randint(0, 2))]
    keys = rng.sample(list(sub), min(len(sub), rng.randint(0, 3)))
    value = {k: _random_value(rng, sub[k], depth + 1) for k in keys}
    if rng.random() < 0.1:
        value["bogus"] = 1
    return value


def compare_validation(heat_registry: Any, cases: int) -> tuple[int, list[str]]:
    rng = random.Random(1)
    total, out = 0, []
    for name in registry.names():
        info = heat_registry._registry.get(name)
        if info is None or name == "OS::Heat::None":  # Heat's None skips validation entirely
            continue
        heat_schema = _without_custom(
            heat_properties.schemata(info.get_class_to_instantiate().properties_schema)
        )
        ours = registry.get(name).schema()  # type: ignore[union-attr]
        ours = replace(ours, properties={k: ours.properties[k] for k in heat_schema}, check=None)
        for _ in range(cases):
            keys = rng.sample(list(heat_schema), min(len(heat_schema), rng.randint(0, 4)))
            data = {k: _random_value(rng, heat_schema[k]) for k in keys}
            if rng.random() < 0.1:
                data["bogus"] = 1
            try:
                heat_properties.Properties(heat_schema, data).validate()
                heat_error = ""
            except Exception as error:
                heat_error = str(error)
            problems: list[str] = []
            validate_properties(
                ours,
                data,
                lambda _p, m, found=problems: found.append(m),
                is_unresolved=lambda _v: False,
            )
            total += 1
            if bool(heat_error) != bool(problems):
                out.append(
                    f"{name} {json.dumps(data, default=str)}: heat {heat_error!r}, ours {problems}"
                )
    return total, out


REF = "ref"
RULE_CASES: dict[str, list[dict[str, Any]]] = {
    "OS::Neutron::RouterInterface": [
        {"router": "r", "subnet": "s"},
        {"router": "r"},
        {"router": "r", "subnet": "s", "port": "p"},
        {"router": "r", "subnet_id": "s"},
        {"router": "r", "port_id": "p"},
    ],
    "OS::Neutron::Subnet": [
        {"network": "n", "cidr": "10.0.0.0/24"},
        {"network": "n"},
        {"network": "n", "cidr": "10.0.0.0/24", "subnetpool": "p"},
        {"network": "n", "cidr": "10.0.0.0/24", "prefixlen": 24},
        {"network": "n", "cidr": "fd00::/64", "ipv6_ra_mode": "slaac"},
        {"network": "n", "cidr": "fd00::/64", "ip_version": 6, "ipv6_ra_mode": "slaac"},
        {"network": "n", "cidr": "10.0.0.0/24", "gateway_ip": "10.0.0.300"},
        {"network": "n", "cidr": "10.0.0.0/24", "gateway_ip": "~"},
        {"network": "n", "cidr": "", "subnetpool": "p"},
        {"network_id": "n", "cidr": "10.0.0.0/24", "ip_version": "4"},
    ],
    "OS::Neutron::FloatingIP": [
        {"floating_network": "n", "fixed_ip_address": "10.0.0.2"},
        {"floating_network": "n", "port_id": "p", "fixed_ip_address": "10.0.0.2"},
    ],
    "OS::Neutron::Port": [
        # Heat's Port.validate drops NeutronResource's value_specs message: accepted.
        {"network": "n", "value_specs": {"name": "x"}},
        {"network": "n", "fixed_ips": [{"subnet": "s"}], "no_fixed_ips": "True"},
        {"network": "n", "fixed_ips": [], "no_fixed_ips": True},
    ],
    "OS::Neutron::SecurityGroup": [{"name": "default"}, {"name": "web"}],
    "OS::Heat::RandomString": [
        {"length": 1},
        {
            "length": 2,
            "character_classes": [{"min": 2}],
            "character_sequences": [{"sequence": "!"}],
        },
        {
            "length": 3,
            "character_classes": [{"min": 2}],
            "character_sequences": [{"sequence": "!"}],
        },
        {"length": 1, "character_classes": []},
    ],
    "OS::Cinder::Volume": [
        {"size": 1},
        {"backup_id": "b"},
        {"snapshot_id": "s"},
        {"size": 10, "image": "c"},
        {},
        {"image": "c"},
        {"snapshot_id": "s", "source_volid": "v"},
        {"size": 1, "image": "i", "snapshot_id": "s"},
        {"size": 1, "image": "i", "imageRef": "j"},
        {"imageRef": "j", "size": 2},
    ],
    "OS::Heat::AutoScalingGroup": [
        {
            "resource": {"type": "OS::Heat::None"},
            "min_size": 1,
            "max_size": "3",
            "desired_capacity": 2,
        },
        {"resource": {"type": "OS::Heat::None"}, "min_size": 3, "max_size": 1},
        {
            "resource": {"type": "OS::Heat::None"},
            "min_size": 1,
            "max_size": 3,
            "desired_capacity": 5,
        },
    ],
    "AWS::AutoScaling::AutoScalingGroup": [
        {"MinSize": "1", "MaxSize": "2", "AvailabilityZones": ["nova"]},
        {"MinSize": "1", "MaxSize": "2", "AvailabilityZones": [], "InstanceId": "i"},
        {
            "MinSize": "1",
            "MaxSize": "2",
            "AvailabilityZones": [],
            "LaunchConfigurationName": "lc",
            "VPCZoneIdentifier": ["a", "b"],
        },
        {
            "MinSize": "1",
            "MaxSize": "2",
            "AvailabilityZones": [],
            "LaunchConfigurationName": "lc",
            "InstanceId": "i",
        },
    ],
    "OS::Heat::ScalingPolicy": [
        {
            "auto_scaling_group_id": "g",
            "adjustment_type": "change_in_capacity",
            "scaling_adjustment": 1,
            "min_adjustment_step": 1,
        },
        {
            "auto_scaling_group_id": "g",
            "adjustment_type": "percent_change_in_capacity",
            "scaling_adjustment": 1,
            "min_adjustment_step": 1,
        },
    ],
    "AWS::AutoScaling::ScalingPolicy": [
        {
            "AutoScalingGroupName": "g",
            "AdjustmentType": "ChangeInCapacity",
            "ScalingAdjustment": 1,
            "MinAdjustmentStep": 1,
        },
    ],
    "OS::Neutron::SecurityGroupRule": [
        {"security_group": "g", "remote_group": "h", "remote_ip_prefix": "0.0.0.0/0"},
        {"security_group": "g", "port_range_min": 90, "port_range_max": 80},
        {"security_group": "g", "protocol": "icmp", "port_range_min": 8, "port_range_max": 0},
        {"security_group": "g", "protocol": "udp", "port_range_min": 80, "port_range_max": 80},
    ],
    "OS::Neutron::Router": [
        {"ha": True, "distributed": "true"},
        {"l3_agent_ids": ["a", "b"]},
        {"ha": True, "l3_agent_ids": ["a", "b"]},
        {"distributed": True, "l3_agent_ids": ["a"]},
        {"l3_agent_id": "a", "l3_agent_ids": ["a"]},
        {"l3_agent_id": "a"},
    ],
    "AWS::EC2::Instance": [
        {"ImageId": "i", "InstanceType": "t", "SecurityGroups": ["web"]},
        {
            "ImageId": "i",
            "InstanceType": "t",
            "SecurityGroupIds": ["g"],
            "NetworkInterfaces": ["n"],
        },
        {
            "ImageId": "i",
            "InstanceType": "t",
            "BlockDeviceMappings": [{"DeviceName": "vdb", "Ebs": {"VolumeSize": "1"}}],
        },
        {"ImageId": "i", "InstanceType": "t", "BlockDeviceMappings": [{"DeviceName": "vdb"}]},
        {
            "ImageId": "i",
            "InstanceType": "t",
            "BlockDeviceMappings": [{"DeviceName": "vdb", "Ebs": {"SnapshotId": "s"}}],
        },
    ],
    "AWS::AutoScaling::LaunchConfiguration": [
        {"ImageId": "i"},
        {"InstanceId": "i"},
        {"ImageId": "i", "InstanceType": "t"},
    ],
    "OS::Heat::SoftwareComponent": [
        {"configs": [{"tool": "script", "actions": ["CREATE"]}, {"tool": "script"}]},
        {
            "configs": [
                {"tool": "script", "actions": ["CREATE"]},
                {"tool": "script", "actions": ["DELETE"]},
            ]
        },
    ],
    "OS::Octavia::Pool": [
        {"lb_algorithm": "ROUND_ROBIN", "protocol": "HTTP"},
        {"lb_algorithm": "ROUND_ROBIN", "protocol": "HTTP", "listener": "l"},
        {
            "lb_algorithm": "ROUND_ROBIN",
            "protocol": "HTTP",
            "listener": "l",
            "session_persistence": {"type": "APP_COOKIE"},
        },
        {
            "lb_algorithm": "ROUND_ROBIN",
            "protocol": "HTTP",
            "listener": "l",
            "session_persistence": {"type": "SOURCE_IP", "cookie_name": "c"},
        },
        {
            "lb_algorithm": "ROUND_ROBIN",
            "protocol": "HTTP",
            "loadbalancer": "b",
            "session_persistence": {"type": "APP_COOKIE", "cookie_name": "c"},
        },
    ],
    "OS::Octavia::Listener": [
        {"loadbalancer": "b", "protocol": "TERMINATED_HTTPS", "protocol_port": 443},
        {
            "loadbalancer": "b",
            "protocol": "TERMINATED_HTTPS",
            "protocol_port": 443,
            "default_tls_container_ref": "c",
        },
        {"loadbalancer": "b", "protocol": "HTTP", "protocol_port": 80},
    ],
    "OS::Octavia::L7Policy": [
        {"listener": "l", "action": "REJECT"},
        {"listener": "l", "action": "REJECT", "redirect_url": "http://x"},
        {"listener": "l", "action": "REDIRECT_TO_POOL"},
        {"listener": "l", "action": "REDIRECT_TO_POOL", "redirect_pool": "p"},
        {
            "listener": "l",
            "action": "REDIRECT_TO_POOL",
            "redirect_pool": "p",
            "redirect_url": "http://x",
        },
        {"listener": "l", "action": "REDIRECT_TO_URL", "redirect_url": "http://x"},
        {"listener": "l", "action": "REDIRECT_TO_URL"},
    ],
    "OS::Octavia::L7Rule": [
        {"l7policy": "p", "type": "HEADER", "compare_type": "EQUAL_TO", "value": "v"},
        {"l7policy": "p", "type": "HEADER", "compare_type": "EQUAL_TO", "value": "v", "key": "k"},
        {"l7policy": "p", "type": "PATH", "compare_type": "EQUAL_TO", "value": "v"},
    ],
    "OS::Nova::Quota": [{"project": "p"}, {"project": "p", "cores": 2}],
    "OS::Neutron::Quota": [{"project": "p"}, {"project": "p", "port": 2}],
    "OS::Cinder::Quota": [{"project": "p"}, {"project": "p", "volumes": 2}],
    "OS::Octavia::Quota": [{"project": "p"}, {"project": "p", "pool": 2}],
    "OS::Neutron::ProviderNet": [
        {"network_type": "flat", "segmentation_id": "5"},
        {"network_type": "vlan", "segmentation_id": "5", "physical_network": "p"},
        {"network_type": "vxlan", "physical_network": "p"},
    ],
    "OS::Neutron::Segment": [
        {"network": "n", "network_type": "flat"},
        {"network": "n", "network_type": "vlan", "physical_network": "p"},
        {"network": "n", "network_type": "vlan", "physical_network": "p", "segmentation_id": 5},
        {"network": "n", "network_type": "local", "segmentation_id": 5},
        {"network": "n", "network_type": "vxlan"},
    ],
    "OS::Neutron::RBACPolicy": [
        {
            "object_type": "network",
            "object_id": "o",
            "action": "access_as_external",
            "target_tenant": "t",
        },
        {
            "object_type": "qos_policy",
            "object_id": "o",
            "action": "access_as_external",
            "target_tenant": "t",
        },
        {
            "object_type": "qos_policy",
            "object_id": "o",
            "action": "access_as_shared",
            "target_tenant": "t",
        },
    ],
    "OS::Designate::Zone": [
        {"name": "example.com."},
        {"name": "example.com.", "email": "a@example.com"},
        {"name": "example.com.", "type": "SECONDARY"},
        {"name": "example.com.", "type": "SECONDARY", "primaries": ["1.2.3.4"]},
        {"name": "example.com.", "type": "SECONDARY", "masters": ["1.2.3.4"]},
    ],
    "OS::Neutron::Net": [
        {"value_specs": {"mtu": 1400}},
        {"value_specs": {"shared": True}},
        {"value_specs": {"name": "x"}},
    ],
    "OS::Keystone::UserRoleAssignment": [
        {"user": "u", "roles": [{"role": "r", "project": "p"}]},
        {"user": "u", "roles": [{"role": "r"}]},
        {"user": "u", "roles": [{"role": "r", "project": "p", "domain": "d"}]},
    ],
    "OS::Keystone::Group": [{"roles": [{"role": "r"}]}, {"roles": [{"role": "r", "domain": "d"}]}],
    "OS::Neutron::SubnetPool": [
        {"prefixes": ["10.0.0.0/8"], "min_prefixlen": 24, "max_prefixlen": 16},
        {"prefixes": ["10.0.0.0/8"], "default_prefixlen": 28, "max_prefixlen": 24},
        {"prefixes": ["10.0.0.0/8"], "default_prefixlen": 20, "min_prefixlen": 24},
        {
            "prefixes": ["10.0.0.0/8"],
            "default_prefixlen": 24,
            "min_prefixlen": 16,
            "max_prefixlen": 28,
        },
    ],
    "OS::Barbican::Secret": [
        {"payload": "x", "payload_content_type": "text/plain"},
        {"payload_content_type": "text/plain"},
        {"payload": "x", "payload_content_type": "application/octet-stream"},
        {
            "payload": "eA==",
            "payload_content_type": "application/octet-stream",
            "payload_content_encoding": "base64",
        },
        {
            "payload": "x",
            "payload_content_type": "application/octet-stream",
            "payload_content_encoding": "base64",
        },
        {"payload": "x", "payload_content_encoding": "base64"},
    ],
    "OS::Trove::Instance": [
        {
            "flavor": "f",
            "size": 1,
            "users": [{"name": "bob", "password": "pw1", "databases": ["db1"]}],
        },
        {
            "flavor": "f",
            "size": 1,
            "databases": [{"name": "db1"}],
            "users": [{"name": "bob", "password": "pw1", "databases": ["db2"]}],
        },
        {
            "flavor": "f",
            "size": 1,
            "databases": [{"name": "db1"}],
            "users": [{"name": "bob", "password": "pw1", "databases": ["db1"]}],
        },
        {"flavor": "f", "size": 1, "networks": [{"fixed_ip": "1.2.3.4"}]},
        {"flavor": "f", "size": 1, "networks": [{"network": "n", "port": "p"}]},
        {"flavor": "f", "size": 1, "networks": [{"network": "n"}]},
    ],
    "OS::Trove::Cluster": [
        {
            "datastore_type": "t",
            "datastore_version": "v",
            "instances": [{"flavor": "f", "volume_size": 1, "networks": [{}]}],
        },
        {
            "datastore_type": "t",
            "datastore_version": "v",
            "instances": [{"flavor": "f", "volume_size": 1, "networks": [{"port": "p"}]}],
        },
    ],
    "OS::Zun::Container": [
        {"image": "i", "restart_policy": "sometimes"},
        {"image": "i", "restart_policy": "on-failure:3"},
        {"image": "i", "restart_policy": "always:3"},
        {"image": "i", "mounts": [{"mount_path": "/m"}]},
        {"image": "i", "mounts": [{"mount_path": "/m", "volume_id": "v", "volume_size": 1}]},
        {"image": "i", "networks": [{"fixed_ip": "1.2.3.4"}]},
        {"image": "i", "networks": [{"port": "p", "fixed_ip": "1.2.3.4"}]},
        {"image": "i", "networks": [{"network": "n", "fixed_ip": "1.2.3.4"}]},
    ],
    "OS::Magnum::ClusterTemplate": [
        {"coe": "kubernetes", "image": "i", "external_network": "e", "volume_driver": "rexray"},
        {"coe": "swarm", "image": "i", "external_network": "e", "volume_driver": "rexray"},
    ],
    "OS::Manila::ShareNetwork": [{"neutron_network": "n"}, {"nova_network": "n"}, {"name": "x"}],
    "OS::Cinder::VolumeType": [
        {"name": "t", "projects": ["p"]},
        {"name": "t", "projects": ["p"], "is_public": False},
    ],
    "OS::Barbican::Order": [
        {"type": "key"},
        {"type": "key", "algorithm": "aes", "bit_length": 256},
        {"type": "key", "algorithm": "aes", "bit_length": 256, "subject_dn": "cn=x"},
        {"type": "certificate", "profile": "p"},
        {"type": "certificate", "profile": "p", "ca_id": "c"},
        {"type": "certificate", "algorithm": "rsa"},
    ],
    "OS::Barbican::GenericContainer": [
        {"secrets": [{"name": "a", "ref": "r"}, {"name": "b", "ref": "r"}]},
        {"secrets": [{"name": "a", "ref": "r"}, {"name": "b", "ref": "s"}]},
    ],
    "OS::Barbican::RSAContainer": [
        {"private_key_ref": "r", "public_key_ref": "r"},
        {"private_key_ref": "r"},
    ],
    "OS::Mistral::CronTrigger": [
        {"workflow": {"name": "w"}},
        {"workflow": {"name": "w"}, "pattern": "* * * * *"},
    ],
    "OS::Glance::WebImage": [
        {"container_format": "ami", "disk_format": "raw", "location": "http://x"},
        {"container_format": "ami", "disk_format": "ami", "location": "http://x"},
        {
            "container_format": "bare",
            "disk_format": "raw",
            "location": "http://x",
            "members": ["p"],
        },
        {
            "container_format": "bare",
            "disk_format": "raw",
            "location": "http://x",
            "members": ["p"],
            "visibility": "shared",
        },
    ],
    "AWS::EC2::EIPAssociation": [
        {"EIP": "1.2.3.4", "InstanceId": "i"},
        {"EIP": "1.2.3.4"},
        {"InstanceId": "i"},
        {"AllocationId": "a"},
        {"AllocationId": "a", "NetworkInterfaceId": "n"},
    ],
    "OS::Nova::Server": [
        {"flavor": "f", "image": "i"},
        {"flavor": "f"},
        {"flavor": "f", "block_device_mapping": [{"device_name": "vda", "volume_id": "v"}]},
        {"flavor": "f", "block_device_mapping_v2": [{"volume_id": "v", "boot_index": 0}]},
        {"flavor": "f", "image": "i", "block_device_mapping_v2": [{"volume_id": "v"}]},
        {
            "flavor": "f",
            "image": "i",
            "block_device_mapping_v2": [{"volume_id": "v", "boot_index": 1}],
        },
        {"flavor": "f", "block_device_mapping_v2": [{"volume_id": "v", "image": "i"}]},
        {"flavor": "f", "image": "i", "block_device_mapping": [{"device_name": "vdb"}]},
        {"flavor": "f", "image": "i", "block_device_mapping_v2": [{}]},
        {"flavor": "f", "image": "i", "networks": [{"fixed_ip": "10.0.0.3"}]},
        {"flavor": "f", "image": "i", "networks": [{"port": "p", "fixed_ip": "10.0.0.3"}]},
        {"flavor": "f", "image": "i", "networks": [{"port": "p"}], "security_groups": ["web"]},
        {"flavor": "f", "image": "i", "networks": [{"allocate_network": "auto"}, {"network": "n"}]},
        {"flavor": "f", "image": "i", "networks": [{"allocate_network": "auto", "network": "n"}]},
        {"flavor": "f", "image": "i", "networks": [{"network": "n", "floating_ip": "f"}]},
        {"flavor": "f", "image": "i", "networks": [{"subnet": "s", "floating_ip": "f"}]},
    ],
}


def _heat_rule_error(context: Any, type_name: str, properties: dict[str, Any]) -> str:
    from unittest import mock

    from heat.engine import stack, template

    definition = {"type": type_name, "properties": properties}
    tmpl = template.Template(
        {"heat_template_version": "2015-04-30", "resources": {"r": definition}}
    )
    parity_stack = stack.Stack(context, "parity", tmpl)  # resources hold it weakly: keep it
    resource = parity_stack["r"]
    stubs = [
        mock.patch.object(heat_constraints.CustomConstraint, "validate", return_value=None),
        mock.patch.object(type(resource), "_validate_service_availability", return_value=None),
        mock.patch("heat.engine.translation.resolve_and_find", side_effect=lambda v, *a, **k: v),
        mock.patch.object(type(resource), "_validate_image_flavor", return_value=None, create=True),
        mock.patch.object(
            type(resource), "_ensure_stateless_supported", return_value=None, create=True
        ),
        mock.patch(
            "heat.engine.clients.os.nova.NovaClientPlugin.is_version_supported", return_value=True
        ),
        mock.patch(
            "heat.engine.clients.os.trove.TroveClientPlugin.validate_datastore", return_value=None
        ),
        # Groups validate their nested stack too, which needs a real cloud and configuration.
        mock.patch(
            "heat.engine.resources.stack_resource.StackResource.validate_nested_stack",
            return_value=None,
        ),
    ]
    for stub in stubs:
        stub.start()
    try:
        result = resource.validate()  # a returned message is an error too (Stack.validate)
        return str(result) if result else ""
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    finally:
        for stub in stubs:
            stub.stop()


def compare_rules() -> tuple[int, list[str]]:
    from heat.tests import utils

    context = utils.dummy_context()
    total, out = 0, []
    for name, cases in RULE_CASES.items():
        schema = registry.get(name).schema()  # type: ignore[union-attr]
        for properties in cases:
            heat_error = _heat_rule_error(context, name, properties)
            problems: list[str] = []
            validate_properties(
                schema,
                properties,
                lambda _p, m, found=problems: found.append(m),
                is_unresolved=lambda _v: False,
            )
            total += 1
            if bool(heat_error) != bool(problems):
                out.append(f"{name} {properties}: heat {heat_error!r}, ours {problems}")
    return total, out


def main() -> int:
    cfg.CONF([], project="heat")
    heat_resources.initialise()
    heat_registry = heat_resources.global_env().registry
    differences = compare_schemas(heat_registry)
    print(f"schemas: {len(differences)} differences", *differences, sep="\n")
    total, mismatches = compare_validation(heat_registry, int(sys.argv[1]) if sys.argv[1:] else 150)
    print(f"validation: {total} cases, {len(mismatches)} disagreements", *mismatches[:30], sep="\n")
    rule_total, rule_mismatches = compare_rules()
    print(
        f"rules: {rule_total} cases, {len(rule_mismatches)} disagreements",
        *rule_mismatches,
        sep="\n",
    )
    return 1 if differences or mismatches or rule_mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
