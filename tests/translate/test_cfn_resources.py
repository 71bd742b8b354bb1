"""AWS::* resources -> OS::* resources, their attributes, references and resource keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from heatctl.dsl.loader import load_file, loads
from heatctl.translate.base import TranslateOptions, Translation, TranslationError
from heatctl.translate.cfn import CfnTranslator, translate_document
from heatctl.translate.cfn.resources import iso_seconds
from tests.translate.test_cfn_functions import errors_of, messages, translate


def cfn(resources: dict[str, Any], **sections: Any) -> Translation:
    return translate({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources, **sections})


def hot_resources(resources: dict[str, Any], **sections: Any) -> dict[str, Any]:
    result: dict[str, Any] = cfn(resources, **sections).hot["resources"]
    return result


SERVER = {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": "img", "InstanceType": "m1"}}


def test_instance_becomes_server_with_every_property_mapped() -> None:
    props = {
        "ImageId": "fedora",
        "InstanceType": "m1.small",
        "KeyName": "key",
        "AvailabilityZone": "nova",
        "UserData": {"Fn::Base64": "#!/bin/sh\necho hi\n"},
        "SecurityGroups": ["default"],
        "SecurityGroupIds": ["sg-id"],
        "Tags": [{"Key": "role", "Value": "web"}],
        "NovaSchedulerHints": [{"Key": "group", "Value": "g1"}],
        "SubnetId": "subnet-1",
        "BlockDeviceMappings": [
            {"DeviceName": "vdb", "Ebs": {"SnapshotId": "snap", "VolumeSize": "10"}}
        ],
        "Monitoring": True,
    }
    result = cfn({"Web": {"Type": "AWS::EC2::Instance", "Properties": props}})
    assert result.hot["resources"]["Web"] == {
        "type": "OS::Nova::Server",
        "properties": {
            "image": "fedora",
            "flavor": "m1.small",
            "key_name": "key",
            "availability_zone": "nova",
            "user_data": "#!/bin/sh\necho hi\n",
            "security_groups": ["default", "sg-id"],
            "metadata": {"role": "web"},
            "scheduler_hints": {"group": "g1"},
            "networks": [{"subnet": "subnet-1"}],
            "block_device_mapping": [
                {"device_name": "vdb", "snapshot_id": "snap", "volume_size": "10"}
            ],
            "user_data_format": "RAW",
        },
    }
    assert "Monitoring was dropped: Heat ignores it too" in messages(result, "info")


def test_instance_with_cfn_init_metadata_keeps_cfntools_user_data() -> None:
    web = {
        **SERVER,
        "Properties": {**SERVER["Properties"], "UserData": "x"},
        "Metadata": {"AWS::CloudFormation::Init": {"config": {}}},
    }
    [resource] = hot_resources({"Web": web}).values()
    assert resource["properties"]["user_data_format"] == "HEAT_CFNTOOLS"
    assert resource["metadata"] == {"AWS::CloudFormation::Init": {"config": {}}}


def test_instance_network_interfaces_sorted_by_device_index() -> None:
    props = {
        **SERVER["Properties"],
        "NetworkInterfaces": [
            {"NetworkInterfaceId": "port-b", "DeviceIndex": "1"},
            {"NetworkInterfaceId": "port-a", "DeviceIndex": "0"},
        ],
        "SubnetId": "ignored-by-heat-when-interfaces-given",
    }
    [resource] = hot_resources({"Web": {**SERVER, "Properties": props}}).values()
    assert resource["properties"]["networks"] == [{"port": "port-a"}, {"port": "port-b"}]


def test_instance_volumes_become_attachment_resources() -> None:
    props = {**SERVER["Properties"], "Volumes": [{"VolumeId": "vol-1", "Device": "/dev/vdb"}]}
    resources = hot_resources({"Web": {**SERVER, "Properties": props}})
    assert list(resources) == ["Web", "WebVolume1"]
    assert resources["WebVolume1"] == {
        "type": "OS::Cinder::VolumeAttachment",
        "properties": {
            "instance_uuid": {"get_resource": "Web"},
            "volume_id": "vol-1",
            "mountpoint": "/dev/vdb",
        },
    }


def test_instance_attributes_map_to_server_attributes() -> None:
    outputs = {
        "Ip": {"Value": {"Fn::GetAtt": ["Web", "PublicIp"]}},
        "Private": {"Value": {"Fn::GetAtt": ["Web", "PrivateIp"]}},
        "Zone": {"Value": {"Fn::GetAtt": ["Web", "AvailabilityZone"]}},
        "Id": {"Value": {"Ref": "Web"}},
    }
    hot = cfn({"Web": SERVER}, Outputs=outputs).hot
    assert {k: v["value"] for k, v in hot["outputs"].items()} == {
        "Ip": {"get_attr": ["Web", "first_address"]},
        "Private": {"get_attr": ["Web", "first_address"]},
        "Zone": {"get_attr": ["Web", "show", "OS-EXT-AZ:availability_zone"]},
        "Id": {"get_resource": "Web"},
    }


def test_unknown_attribute_of_a_translated_type_is_an_error() -> None:
    outputs = {"X": {"Value": {"Fn::GetAtt": ["Web", "PublicIP"]}}}
    [error] = errors_of(
        {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Web": SERVER}, "Outputs": outputs}
    )
    assert "AWS::EC2::Instance has no attribute 'PublicIP'" in error
    assert "PublicIp" in error


def test_unknown_property_of_a_translated_type_is_an_error() -> None:
    bad = {**SERVER, "Properties": {**SERVER["Properties"], "ImageID": "x"}}
    [error] = errors_of({"Resources": {"Web": bad}, "AWSTemplateFormatVersion": "2010-09-09"})
    assert "Resources.Web.Properties.ImageID: unknown property 'ImageID'" in error


def test_volume_and_attachment() -> None:
    resources = {
        "Web": SERVER,
        "Vol": {
            "Type": "AWS::EC2::Volume",
            "Properties": {
                "Size": "1",
                "AvailabilityZone": "nova",
                "Tags": [{"Key": "k", "Value": "v"}],
            },
            "DeletionPolicy": "Snapshot",
        },
        "Mount": {
            "Type": "AWS::EC2::VolumeAttachment",
            "Properties": {
                "InstanceId": {"Ref": "Web"},
                "VolumeId": {"Ref": "Vol"},
                "Device": "/dev/vdc",
            },
        },
    }
    hot = hot_resources(resources)
    assert hot["Vol"] == {
        "type": "OS::Cinder::Volume",
        "properties": {"size": "1", "availability_zone": "nova", "metadata": {"k": "v"}},
        "deletion_policy": "Snapshot",
    }
    assert hot["Mount"] == {
        "type": "OS::Cinder::VolumeAttachment",
        "properties": {
            "instance_uuid": {"get_resource": "Web"},
            "volume_id": {"get_resource": "Vol"},
            "mountpoint": "/dev/vdc",
        },
    }


FIRST_PORT = {
    "yaql": {
        "expression": "$.data.addresses.values().flatten().first().port",
        "data": {"addresses": {"get_attr": ["Web", "addresses"]}},
    }
}


def test_eip_becomes_floating_ip_whose_ref_is_the_address() -> None:
    resources = {
        "Web": SERVER,
        "Ip": {
            "Type": "AWS::EC2::EIP",
            "Properties": {"InstanceId": {"Ref": "Web"}, "Domain": "vpc"},
        },
    }
    outputs = {
        "Addr": {"Value": {"Ref": "Ip"}},
        "Alloc": {"Value": {"Fn::GetAtt": ["Ip", "AllocationId"]}},
    }
    result = cfn(resources, Outputs=outputs)
    hot = result.hot
    assert hot["resources"]["Ip"] == {
        "type": "OS::Neutron::FloatingIP",
        "properties": {
            "floating_network": {"get_param": "floating_network"},
            "port_id": FIRST_PORT,
        },
    }
    assert hot["parameters"]["floating_network"]["default"] == "public"
    assert hot["outputs"]["Addr"]["value"] == {"get_attr": ["Ip", "floating_ip_address"]}
    assert hot["outputs"]["Alloc"]["value"] == {"get_resource": "Ip"}
    approximate = messages(result, "approximate")
    assert any("floating_network" in m for m in approximate)
    assert any("first port" in m for m in approximate)
    assert "Domain was dropped: Heat ignores it too" in messages(result, "info")


def test_eip_of_an_instance_outside_the_template_is_kept() -> None:
    resources = {"Ip": {"Type": "AWS::EC2::EIP", "Properties": {"InstanceId": "server-uuid"}}}
    result = cfn(resources)
    assert result.hot["resources"]["Ip"]["type"] == "AWS::EC2::EIP"
    assert "port to associate is unknown" in messages(result, "untranslated")[0]


def test_eip_association_forms() -> None:
    resources = {
        "Web": SERVER,
        "Ip": {"Type": "AWS::EC2::EIP"},
        "ByInstance": {
            "Type": "AWS::EC2::EIPAssociation",
            "Properties": {"InstanceId": {"Ref": "Web"}, "EIP": {"Ref": "Ip"}},
        },
        "ByPort": {
            "Type": "AWS::EC2::EIPAssociation",
            "Properties": {"NetworkInterfaceId": "port-1", "AllocationId": "fip-1"},
        },
        "External": {
            "Type": "AWS::EC2::EIPAssociation",
            "Properties": {"InstanceId": {"Ref": "Web"}, "EIP": "192.0.2.10"},
        },
    }
    result = cfn(resources)
    hot = result.hot["resources"]
    assert hot["ByInstance"] == {
        "type": "OS::Neutron::FloatingIPAssociation",
        "properties": {"floatingip_id": {"get_resource": "Ip"}, "port_id": FIRST_PORT},
    }
    assert hot["ByPort"] == {
        "type": "OS::Neutron::FloatingIPAssociation",
        "properties": {"floatingip_id": "fip-1", "port_id": "port-1"},
    }
    assert hot["External"]["type"] == "AWS::EC2::EIPAssociation"
    assert any(e.construct == "Resources.External.Type" for e in result.report)


def test_security_group_rules_as_heat_converted_them() -> None:
    props = {
        "GroupDescription": "web",
        "VpcId": "vpc-1",
        "SecurityGroupIngress": [
            {"IpProtocol": "tcp", "FromPort": "80", "ToPort": "80", "CidrIp": "0.0.0.0/0"},
            {"IpProtocol": "icmp", "FromPort": "-1", "ToPort": "-1", "CidrIp": "0.0.0.0/0"},
            {"IpProtocol": "-1", "SourceSecurityGroupName": {"Ref": "Other"}},
            {"IpProtocol": "udp", "CidrIp": "10.0.0.0/8"},
        ],
        "SecurityGroupEgress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}],
    }
    resources = {
        "Other": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "o"}},
        "Web": {"Type": "AWS::EC2::SecurityGroup", "Properties": props},
    }
    hot = hot_resources(resources)
    assert hot["Web"] == {
        "type": "OS::Neutron::SecurityGroup",
        "properties": {
            "description": "web",
            "rules": [
                {
                    "direction": "ingress",
                    "protocol": "tcp",
                    "port_range_min": 80,
                    "port_range_max": 80,
                    "remote_ip_prefix": "0.0.0.0/0",
                },
                {"direction": "ingress", "protocol": "icmp", "remote_ip_prefix": "0.0.0.0/0"},
                {
                    "direction": "ingress",
                    "remote_mode": "remote_group_id",
                    "remote_group_id": {"get_resource": "Other"},
                },
                {"direction": "ingress", "protocol": "udp"},
                {
                    "direction": "egress",
                    "protocol": "tcp",
                    "port_range_min": 443,
                    "port_range_max": 443,
                },
            ],
        },
    }


def test_wait_condition_with_cfn_signal_keeps_the_aws_handle() -> None:
    resources = {
        "Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"},
        "Wait": {
            "Type": "AWS::CloudFormation::WaitCondition",
            "Properties": {"Handle": {"Ref": "Handle"}, "Timeout": "600", "Count": 1},
        },
        "Web": {
            **SERVER,
            "Properties": {
                **SERVER["Properties"],
                "UserData": {"Fn::Join": ["", ["cfn-signal ", {"Ref": "Handle"}]]},
            },
        },
    }
    outputs = {"Data": {"Value": {"Fn::GetAtt": ["Wait", "Data"]}}}
    result = cfn(resources, Outputs=outputs)
    hot = result.hot
    assert hot["resources"]["Handle"] == {"type": "AWS::CloudFormation::WaitConditionHandle"}
    assert hot["resources"]["Wait"] == {
        "type": "OS::Heat::WaitCondition",
        "properties": {"handle": {"get_resource": "Handle"}, "timeout": "600", "count": 1},
    }
    assert hot["outputs"]["Data"]["value"] == {"get_attr": ["Wait", "data"]}
    [kept] = [e for e in result.report if e.kind == "untranslated"]
    assert "cfn-signal" in kept.message and kept.construct == "Resources.Handle.Type"


def test_wait_condition_handle_used_only_by_the_condition_is_translated() -> None:
    resources = {
        "Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"},
        "Wait": {
            "Type": "AWS::CloudFormation::WaitCondition",
            "Properties": {"Handle": {"Ref": "Handle"}, "Timeout": 60},
        },
    }
    hot = hot_resources(resources)
    assert hot["Handle"] == {"type": "OS::Heat::WaitConditionHandle"}


def test_nested_stack_with_a_remote_url_is_kept() -> None:
    resources = {
        "Child": {
            "Type": "AWS::CloudFormation::Stack",
            "Properties": {
                "TemplateURL": "https://example.com/child.template",
                "Parameters": {"A": {"Ref": "AWS::StackName"}},
                "TimeoutInMinutes": "10",
            },
        }
    }
    outputs = {"Ip": {"Value": {"Fn::GetAtt": ["Child", "Outputs.PublicIp"]}}}
    result = cfn(resources, Outputs=outputs)
    assert result.hot["resources"]["Child"] == {
        "type": "AWS::CloudFormation::Stack",
        "properties": {
            "TemplateURL": "https://example.com/child.template",
            "Parameters": {"A": {"get_param": "OS::stack_name"}},
            "TimeoutInMinutes": "10",
        },
    }
    assert result.hot["outputs"]["Ip"]["value"] == {"get_attr": ["Child", "Outputs.PublicIp"]}
    assert "TemplateURL is not a file in the source" in messages(result, "untranslated")[0]


def test_bucket_becomes_container_with_heats_headers() -> None:
    props = {
        "AccessControl": "PublicRead",
        "WebsiteConfiguration": {"IndexDocument": "index.html", "ErrorDocument": "error.html"},
        "Tags": [{"Key": "team", "Value": "a"}],
    }
    outputs = {"Url": {"Value": {"Fn::GetAtt": ["Site", "WebsiteURL"]}}}
    hot = cfn({"Site": {"Type": "AWS::S3::Bucket", "Properties": props}}, Outputs=outputs).hot
    assert hot["resources"]["Site"] == {
        "type": "OS::Swift::Container",
        "properties": {
            "X-Container-Read": ".r:*",
            "X-Container-Meta": {
                "Web-Index": "index.html",
                "Web-Error": "error.html",
                "S3-Tag-team": "a",
            },
        },
    }
    assert hot["outputs"]["Url"]["value"] == {"get_attr": ["Site", "WebsiteURL"]}


def test_private_bucket_is_reported_approximate() -> None:
    result = cfn({"Site": {"Type": "AWS::S3::Bucket"}})
    assert result.hot["resources"]["Site"] == {"type": "OS::Swift::Container"}
    assert any("AccessControl Private" in m for m in messages(result, "approximate"))


AUTOSCALING = {
    "Config": {
        "Type": "AWS::AutoScaling::LaunchConfiguration",
        "Properties": {"ImageId": "img", "InstanceType": "m1", "UserData": "x"},
        "Metadata": {"AWS::CloudFormation::Init": {}},
    },
    "Group": {
        "Type": "AWS::AutoScaling::AutoScalingGroup",
        "Properties": {
            "LaunchConfigurationName": {"Ref": "Config"},
            "MinSize": "1",
            "MaxSize": "3",
            "AvailabilityZones": {"Fn::GetAZs": ""},
            "VPCZoneIdentifier": ["subnet-1"],
        },
        "UpdatePolicy": {
            "AutoScalingRollingUpdate": {"MinInstancesInService": "1", "PauseTime": "PT1M30S"}
        },
    },
    "ScaleUp": {
        "Type": "AWS::AutoScaling::ScalingPolicy",
        "Properties": {
            "AutoScalingGroupName": {"Ref": "Group"},
            "AdjustmentType": "ChangeInCapacity",
            "ScalingAdjustment": "1",
            "Cooldown": "60",
        },
    },
}


def test_autoscaling_group_inlines_its_launch_configuration() -> None:
    outputs = {
        "Url": {"Value": {"Ref": "ScaleUp"}},
        "Url2": {"Value": {"Fn::GetAtt": ["ScaleUp", "AlarmUrl"]}},
        "Members": {"Value": {"Fn::GetAtt": ["Group", "InstanceList"]}},
    }
    result = cfn(AUTOSCALING, Outputs=outputs)
    hot = result.hot
    assert list(hot["resources"]) == ["Group", "ScaleUp"]
    assert hot["resources"]["Group"] == {
        "type": "OS::Heat::AutoScalingGroup",
        "properties": {
            "min_size": "1",
            "max_size": "3",
            "resource": {
                "type": "OS::Nova::Server",
                "properties": {
                    "image": "img",
                    "flavor": "m1",
                    "user_data": "x",
                    "user_data_format": "HEAT_CFNTOOLS",
                    "networks": [{"subnet": "subnet-1"}],
                },
                "metadata": {"AWS::CloudFormation::Init": {}},
            },
            "rolling_updates": {"min_in_service": "1", "pause_time": 90},
        },
    }
    assert hot["resources"]["ScaleUp"] == {
        "type": "OS::Heat::ScalingPolicy",
        "properties": {
            "auto_scaling_group_id": {"get_resource": "Group"},
            "scaling_adjustment": "1",
            "cooldown": "60",
            "adjustment_type": "change_in_capacity",
        },
    }
    values = {k: v["value"] for k, v in hot["outputs"].items()}
    assert values == {
        "Url": {"get_attr": ["ScaleUp", "alarm_url"]},
        "Url2": {"get_attr": ["ScaleUp", "alarm_url"]},
        "Members": {"list_join": [",", {"get_attr": ["Group", "outputs_list", "first_address"]}]},
    }


def test_autoscaling_group_with_load_balancer_is_kept_with_its_policy_and_config() -> None:
    resources = {
        **AUTOSCALING,
        "Group": {
            **AUTOSCALING["Group"],
            "Properties": {**AUTOSCALING["Group"]["Properties"], "LoadBalancerNames": ["lb"]},
        },
    }
    result = cfn(resources)
    types = {name: r["type"] for name, r in result.hot["resources"].items()}
    assert types == {
        "Config": "AWS::AutoScaling::LaunchConfiguration",
        "Group": "AWS::AutoScaling::AutoScalingGroup",
        "ScaleUp": "AWS::AutoScaling::ScalingPolicy",
    }
    assert result.hot["resources"]["Group"]["update_policy"] == AUTOSCALING["Group"]["UpdatePolicy"]
    assert len(messages(result, "untranslated")) == 3


def test_resource_keys() -> None:
    resources = {
        "A": {"Type": "OS::Heat::None"},
        "B": {
            "Type": "OS::Heat::None",
            "DependsOn": ["A"],
            "DeletionPolicy": "Retain",
            "Metadata": {"m": {"Ref": "A"}},
            "Description": "b",
            "CreationPolicy": {"ResourceSignal": {}},
        },
        "C": {"Type": "OS::Heat::None", "DependsOn": "A"},
    }
    result = cfn(resources)
    assert result.hot["resources"]["B"] == {
        "type": "OS::Heat::None",
        "metadata": {"m": {"get_resource": "A"}},
        "depends_on": ["A"],
        "deletion_policy": "Retain",
        "description": "b",
    }
    assert result.hot["resources"]["C"]["depends_on"] == "A"
    assert messages(result, "untranslated") == ["CreationPolicy has no HOT equivalent; dropped"]


def test_depends_on_unknown_resource_is_an_error() -> None:
    resources = {"A": {"Type": "OS::Heat::None", "DependsOn": ["Bee"]}}
    [error] = errors_of({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})
    assert "resource 'Bee' does not exist" in error


def test_kept_and_unknown_aws_types_are_reported() -> None:
    resources = {
        "User": {"Type": "AWS::IAM::User"},
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Name": {"Ref": "User"}}},
    }
    result = cfn(resources)
    assert result.hot["resources"] == {
        "User": {"type": "AWS::IAM::User"},
        "Fn": {"type": "AWS::Lambda::Function", "properties": {"Name": {"get_resource": "User"}}},
    }
    kinds = [(e.construct, e.kind) for e in result.report]
    assert kinds == [("Resources.User.Type", "untranslated"), ("Resources.Fn.Type", "untranslated")]
    assert "not a type Heat implements" in result.report[1].message


@pytest.mark.parametrize(
    ("text", "seconds"), [("PT5M", 300), ("PT1H", 3600), ("PT10S", 10), ("600", "600")]
)
def test_iso_seconds(text: str, seconds: Any) -> None:
    assert iso_seconds(text) == seconds


def test_local_nested_cfn_template_is_translated_too(tmp_path: Path) -> None:
    child = {
        "HeatTemplateFormatVersion": "2012-12-12",
        "Parameters": {"KeyName": {"Type": "String"}},
        "Resources": {"Web": SERVER},
        "Outputs": {"Ip": {"Value": {"Fn::GetAtt": ["Web", "PublicIp"]}}},
    }
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "child.template").write_text(json.dumps(child))
    parent = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Child": {
                "Type": "AWS::CloudFormation::Stack",
                "Properties": {"TemplateURL": "sub/child.template", "Parameters": {"KeyName": "k"}},
            },
            "Remote": {
                "Type": "AWS::CloudFormation::Stack",
                "Properties": {"TemplateURL": "missing.template"},
            },
        },
        "Outputs": {"Ip": {"Value": {"Fn::GetAtt": ["Child", "Outputs.Ip"]}}},
    }
    path = tmp_path / "parent.template"
    path.write_text(json.dumps(parent))
    result = CfnTranslator().translate(path, load_file(path), {}, TranslateOptions())
    assert result.hot["resources"]["Child"]["properties"]["template"] == {
        "get_file": "sub/child.hot.yaml"
    }
    assert list(result.nested) == ["sub/child.hot.yaml"]
    nested = result.nested["sub/child.hot.yaml"]
    assert nested["resources"]["Web"]["type"] == "OS::Nova::Server"
    assert nested["outputs"]["Ip"]["value"] == {"get_attr": ["Web", "first_address"]}
    assert result.hot["resources"]["Child"]["properties"]["parameters"] == {"KeyName": "k"}
    assert result.hot["outputs"]["Ip"]["value"] == {"get_attr": ["Child", "outputs", "Ip"]}
    assert result.hot["resources"]["Remote"]["type"] == "AWS::CloudFormation::Stack"
    files = {Path(e.file or "").name for e in result.report}
    assert files == {"parent.template"}
    assert any("translated to sub/child.hot.yaml" in m for m in messages(result, "info"))


def test_nested_template_errors_carry_the_nested_file(tmp_path: Path) -> None:
    (tmp_path / "child.template").write_text(
        '{"AWSTemplateFormatVersion": "2010-09-09",\n "Outputs": {"O": {"Value": {"Ref": "X"}}}}'
    )
    parent = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "C": {
                "Type": "AWS::CloudFormation::Stack",
                "Properties": {"TemplateURL": "child.template"},
            }
        },
    }
    path = tmp_path / "parent.template"
    path.write_text(json.dumps(parent))
    with pytest.raises(TranslationError) as caught:
        CfnTranslator().translate(path, load_file(path), {}, TranslateOptions())
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.file is not None and diagnostic.file.endswith("child.template")
    assert diagnostic.line == 2


def test_inputs_become_parameter_defaults() -> None:
    document = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {"Size": {"Type": "Number", "Default": 1}, "Name": {"Type": "String"}},
    }
    result = translate_document(
        loads(json.dumps(document), "t"), "t", inputs={"Size": "5", "Name": "x"}
    )
    assert result.hot["parameters"] == {
        "Size": {"type": "number", "default": 5},
        "Name": {"type": "string", "default": "x"},
    }
    with pytest.raises(TranslationError) as caught:
        translate_document(loads(json.dumps(document), "t"), "t", inputs={"Sise": "5"})
    assert "did you mean 'Size'?" in caught.value.diagnostics[0].message


def test_cloudwatch_alarm_becomes_aodh_alarm_as_heats_provider_template() -> None:
    resources = {
        **AUTOSCALING,
        "CPUHigh": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "MetricName": "cpu_util",
                "Namespace": "system/linux",
                "Statistic": "Average",
                "Period": "60",
                "EvaluationPeriods": "1",
                "Threshold": "50",
                "ComparisonOperator": "GreaterThanThreshold",
                "AlarmActions": [{"Ref": "ScaleUp"}],
                "Dimensions": [{"Name": "AutoScalingGroupName", "Value": {"Ref": "Group"}}],
            },
        },
    }
    result = cfn(resources)
    assert result.hot["resources"]["CPUHigh"] == {
        "type": "OS::Aodh::Alarm",
        "properties": {
            "description": "An alarm",
            "meter_name": "cpu_util",
            "period": "60",
            "evaluation_periods": "1",
            "threshold": "50",
            "alarm_actions": [{"get_attr": ["ScaleUp", "alarm_url"]}],
            "repeat_actions": True,
            "statistic": "avg",
            "comparison_operator": "gt",
            "matching_metadata": {"AutoScalingGroupName": {"get_resource": "Group"}},
        },
    }
    assert "Namespace was dropped: Heat's alarm ignores it too" in messages(result, "info")


def test_alarm_enumerations() -> None:
    alarm = {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Statistic": {"Ref": "Stat"}}}
    parameters = {"Stat": {"Type": "String"}}
    hot = cfn({"A": alarm}, Parameters=parameters).hot
    assert hot["resources"]["A"]["properties"]["statistic"]["yaql"]["data"] == {
        "map": {
            "SampleCount": "count",
            "Average": "avg",
            "Sum": "sum",
            "Minimum": "min",
            "Maximum": "max",
        },
        "key": {"get_param": "Stat"},
    }
    bad = {"Type": "AWS::CloudWatch::Alarm", "Properties": {"ComparisonOperator": "Bigger"}}
    [error] = errors_of({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"A": bad}})
    assert "must be one of LessThanOrEqualToThreshold" in error


def test_inputs_are_converted_and_checked_like_parameter_values() -> None:
    document = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {
            "Size": {"Type": "Number", "MaxValue": 10},
            "Flavor": {"Type": "String", "AllowedValues": ["small", "large"]},
            "Secret": {"Type": "String", "NoEcho": "true", "MinLength": 8},
            "Key": {"Type": "AWS::EC2::KeyPair::KeyName"},
            "Names": {"Type": "CommaDelimitedList"},
        },
    }
    good = {"Size": "4", "Flavor": "large", "Secret": "longenough", "Key": "k", "Names": "a,b"}
    result = translate_document(loads(json.dumps(document), "t"), "t", inputs=good)
    defaults = {n: p.get("default") for n, p in result.hot["parameters"].items()}
    assert defaults == {
        "Size": 4,
        "Flavor": "large",
        "Secret": "longenough",
        "Key": "k",
        "Names": "a,b",
    }
    bad = {"Size": "four", "Flavor": "huge", "Secret": "short"}
    with pytest.raises(TranslationError) as caught:
        translate_document(loads(json.dumps(document), "t"), "t", inputs=bad)
    messages = [d.message for d in caught.value.diagnostics]
    assert len(messages) == 3
    assert "input Size='four'" in messages[0] and "number" in messages[0]
    assert "input Flavor='huge'" in messages[1]
    assert "short" not in messages[2], "a hidden parameter's value must not be shown"
