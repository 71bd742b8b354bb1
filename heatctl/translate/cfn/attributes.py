"""How `Ref` and `Fn::GetAtt` of a translated AWS resource read in HOT.

When an AWS::* resource becomes an OS::* one, its reference id and attribute names change.
These tables say, per source type, what `Ref` and each attribute become. A resource kept
as its AWS type (or any OS::* or provider-template resource) keeps `get_resource` and its
own attribute names.
"""

from __future__ import annotations

from typing import Any

# Source type -> the attribute of the translated resource that gives what the AWS `Ref`
# gave. Absent: `Ref` is `get_resource` (the same physical id in both).
REF_ATTRIBUTE: dict[str, str] = {
    # AWS::EC2::EIP's Ref is the IP address; the floating IP's reference id is its uuid.
    "AWS::EC2::EIP": "floating_ip_address",
    # AWS::AutoScaling::ScalingPolicy's Ref is its pre-signed alarm URL.
    "AWS::AutoScaling::ScalingPolicy": "alarm_url",
}

_SERVER_ADDRESS = ["first_address"]

# Source type -> AWS attribute -> HOT attribute path. None means the attribute is the
# resource's reference id (get_resource).
ATTRIBUTES: dict[str, dict[str, list[str] | None]] = {
    "AWS::EC2::Instance": {
        # Heat's AWS instance answers all four with the first address of the server,
        # exactly what OS::Nova::Server's first_address does.
        "PublicIp": _SERVER_ADDRESS,
        "PrivateIp": _SERVER_ADDRESS,
        "PublicDnsName": _SERVER_ADDRESS,
        "PrivateDnsName": _SERVER_ADDRESS,
        "AvailabilityZone": ["show", "OS-EXT-AZ:availability_zone"],
    },
    "AWS::EC2::EIP": {"AllocationId": None},
    "AWS::CloudFormation::WaitCondition": {"Data": ["data"]},
    "AWS::AutoScaling::ScalingPolicy": {"AlarmUrl": ["alarm_url"]},
    "AWS::AutoScaling::AutoScalingGroup": {"InstanceList": ["outputs_list", "first_address"]},
    "AWS::AutoScaling::LaunchConfiguration": {},
    "AWS::S3::Bucket": {"DomainName": ["DomainName"], "WebsiteURL": ["WebsiteURL"]},
    "AWS::CloudFormation::WaitConditionHandle": {},
    "AWS::EC2::Volume": {},
    "AWS::EC2::VolumeAttachment": {},
    "AWS::EC2::EIPAssociation": {},
    "AWS::EC2::SecurityGroup": {},
    "AWS::CloudFormation::Stack": {},
    "AWS::CloudWatch::Alarm": {},
}

# Attributes whose translation is not exact, with the reason given in the report.
APPROXIMATE_ATTRIBUTES: dict[tuple[str, str], str] = {
    ("AWS::EC2::Instance", "PublicDnsName"): "Heat's AWS instance returns the first IP"
    " address for PublicDnsName; so does first_address",
    ("AWS::EC2::Instance", "PrivateDnsName"): "Heat's AWS instance returns the first IP"
    " address for PrivateDnsName; so does first_address",
}


def translated_ref(source_type: str, name: str) -> dict[str, Any]:
    """The HOT expression for `{"Ref": name}` of a resource translated from `source_type`."""
    attribute = REF_ATTRIBUTE.get(source_type)
    if attribute is None:
        return {"get_resource": name}
    return {"get_attr": [name, attribute]}


def translated_attribute(source_type: str, name: str, attribute: str) -> dict[str, Any] | None:
    """The HOT expression for `Fn::GetAtt [name, attribute]`, or None if it has no mapping.

    `Outputs.X` of a nested stack becomes `get_attr: [name, outputs, X]`.
    """
    if source_type == "AWS::CloudFormation::Stack" and attribute.startswith("Outputs."):
        return {"get_attr": [name, "outputs", attribute.removeprefix("Outputs.")]}
    if source_type == "AWS::AutoScaling::AutoScalingGroup" and attribute == "InstanceList":
        # A comma-separated string of the members' addresses, as Heat's AWS group gives.
        members = {"get_attr": [name, "outputs_list", "first_address"]}
        return {"list_join": [",", members]}
    table = ATTRIBUTES.get(source_type, {})
    if attribute not in table:
        return None
    path = table[attribute]
    if path is None:
        return {"get_resource": name}
    return {"get_attr": [name, *path]}


def known_attributes(source_type: str) -> list[str]:
    """The AWS attribute names that have a translation for `source_type`."""
    return sorted(ATTRIBUTES.get(source_type, {}))
