"""The built-in resource type registry: coverage of Heat's types and complete descriptions."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from heatctl.resources import registry
from heatctl.resources.schema import Property, PropertyType

# The types the interpreter must know (issue 2 item 7).
REQUIRED_TYPES = [
    "OS::Heat::None",
    "OS::Heat::Value",
    "OS::Heat::RandomString",
    "OS::Heat::TestResource",
    "OS::Heat::ResourceGroup",
    "OS::Heat::AutoScalingGroup",
    "OS::Heat::ScalingPolicy",
    "OS::Heat::WaitCondition",
    "OS::Heat::WaitConditionHandle",
    "OS::Heat::Stack",
    "OS::Nova::Server",
    "OS::Nova::KeyPair",
    "OS::Nova::ServerGroup",
    "OS::Nova::Flavor",
    "OS::Neutron::Net",
    "OS::Neutron::Subnet",
    "OS::Neutron::Port",
    "OS::Neutron::Router",
    "OS::Neutron::RouterInterface",
    "OS::Neutron::FloatingIP",
    "OS::Neutron::FloatingIPAssociation",
    "OS::Neutron::SecurityGroup",
    "OS::Neutron::SecurityGroupRule",
    "OS::Cinder::Volume",
    "OS::Cinder::VolumeAttachment",
    "OS::Swift::Container",
    "OS::Glance::WebImage",
    "OS::Aodh::Alarm",
    "OS::Aodh::GnocchiAggregationByResourcesAlarm",
    "OS::Heat::SoftwareConfig",
    "OS::Heat::SoftwareDeployment",
    "OS::Heat::CloudConfig",
    "OS::Heat::MultipartMime",
    "OS::Heat::StructuredConfig",
    "OS::Heat::StructuredDeployment",
    "OS::Heat::SoftwareDeploymentGroup",
    "OS::Heat::StructuredDeploymentGroup",
    "AWS::EC2::Instance",
    "AWS::EC2::EIP",
    "AWS::EC2::EIPAssociation",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::RouteTable",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::NetworkInterface",
    "AWS::EC2::Volume",
    "AWS::EC2::VolumeAttachment",
    "AWS::AutoScaling::AutoScalingGroup",
    "AWS::AutoScaling::LaunchConfiguration",
    "AWS::AutoScaling::ScalingPolicy",
    "AWS::CloudFormation::WaitCondition",
    "AWS::CloudFormation::WaitConditionHandle",
    "AWS::CloudFormation::Stack",
    "AWS::CloudWatch::Alarm",
    "AWS::ElasticLoadBalancing::LoadBalancer",
    "AWS::IAM::User",
    "AWS::IAM::AccessKey",
    "AWS::S3::Bucket",
    "AWS::RDS::DBInstance",
]


def _walk(props: Mapping[str, Property], prefix: str = "") -> Iterator[tuple[str, Property]]:
    for name, prop in props.items():
        path = f"{prefix}{name}"
        yield path, prop
        if prop.schema:
            yield from _walk(prop.schema, path + ".")
        if prop.item is not None:
            yield path + "[]", prop.item
            if prop.item.schema:
                yield from _walk(prop.item.schema, path + "[].")


@pytest.mark.parametrize("type_name", REQUIRED_TYPES)
def test_required_types_are_registered(type_name):
    assert registry.get(type_name) is not None, type_name


def test_every_type_property_and_attribute_has_a_description():
    missing = []
    for cls in registry.all_types():
        schema = cls.schema()
        if not schema.description.strip():
            missing.append(schema.name)
        for path, prop in _walk(schema.properties):
            if not prop.description.strip() or prop.description == "MISSING":
                missing.append(f"{schema.name} property {path}")
        for name, attribute in schema.attributes.items():
            if not attribute.description.strip():
                missing.append(f"{schema.name} attribute {name}")
    assert missing == []


def test_class_docstrings_and_names_match():
    for cls in registry.all_types():
        assert cls.__doc__ and cls.__doc__.startswith(cls.type_name + ":"), cls
        assert cls.__module__ in registry.BUILTIN_MODULES


def test_unknown_type_is_none():
    assert registry.get("OS::Nova::Servr") is None


def test_modules_stay_small():
    for module in registry.BUILTIN_MODULES:
        source = Path(inspect.getfile(importlib.import_module(module)))
        assert len(source.read_text().splitlines()) <= 650, source


def test_schema_details_match_heat():
    """Spot checks against Heat 27's plugin schemas."""
    server = registry.get("OS::Nova::Server")
    assert server is not None
    props = server.schema().properties
    assert props["flavor"].required and props["flavor"].update_allowed
    assert props["user_data_format"].default == "HEAT_CFNTOOLS"
    networks = props["networks"]
    assert networks.type is PropertyType.LIST and networks.item is not None
    assert networks.item.schema is not None and "port" in networks.item.schema
    assert props["networks"].item.schema["uuid"].hidden  # type: ignore[union-attr]

    group = registry.get("OS::Heat::ResourceGroup")
    assert group is not None
    assert group.schema().properties["count"].default == 1
    assert group.schema().dynamic_attributes

    subnet = registry.get("OS::Neutron::Subnet")
    assert subnet is not None
    assert subnet.schema().properties["ip_version"].default == 4


def test_every_type_has_the_show_attribute():
    for cls in registry.all_types():
        assert "show" in cls.schema().attributes


def test_register_rejects_duplicates_and_nameless():
    class Nameless(registry.ResourceType):
        pass

    with pytest.raises(ValueError, match="no type_name"):
        registry.register(Nameless)

    class Twin(registry.ResourceType):
        type_name = "OS::Heat::Value"

    with pytest.raises(ValueError, match="twice"):
        registry.register(Twin)


def test_all_offered_types_and_no_hidden_ones():
    names = registry.names()
    assert len([n for n in names if n.startswith("OS::")]) == 140
    assert len([n for n in names if n.startswith("AWS::")]) == 25
    for hidden in ("OS::Heat::HARestarter", "OS::Nova::FloatingIP", "OS::Neutron::Pool"):
        assert hidden not in names


def test_every_type_lives_in_a_module_of_its_prefix():
    """`get` imports only the modules listed for a name's prefix: they must hold the type."""
    for cls in registry.all_types():
        prefix = max(
            (p for p in registry.MODULES_BY_PREFIX if cls.type_name.startswith(p)), key=len
        )
        module = cls.__module__.rsplit(".", 1)[1]
        assert module in registry.MODULES_BY_PREFIX[prefix], cls.type_name
