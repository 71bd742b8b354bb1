"""CloudFormation-compatible AWS::EC2::* resource types: instances, volumes, VPC networking."""

from __future__ import annotations

from typing import ClassVar

from heatctl.resources.common import AWS_INSTANCE_COMMON, aws_tags, by_name
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_pattern,
    allowed_values,
    attribute,
    boolean,
    custom,
    integer,
    list_of,
    map_of,
    string,
    value_range,
)
from heatctl.resources.values import (
    PropertyValues,
    Report,
    check_ebs_snapshots,
    conflict,
    one_required,
)

# The ingress and egress rules of AWS::EC2::SecurityGroup have the same form.
EC2_SECURITY_GROUP_RULE = map_of(
    "One rule.",
    {
        "CidrIp": string("Remote CIDR matched."),
        "FromPort": string("Lowest port matched."),
        "IpProtocol": string("Protocol matched (tcp, udp, icmp or a number)."),
        "SourceSecurityGroupId": string("Security group (id) whose members are matched."),
        "SourceSecurityGroupName": string("Security group (name) whose members are matched."),
        "SourceSecurityGroupOwnerId": string(
            "Owner of the source group (not implemented).", implemented=False
        ),
        "ToPort": string("Highest port matched."),
    },
)


@register
class Instance(ResourceType):
    """AWS::EC2::Instance: An EC2-style instance, built as a Nova server."""

    type_name = "AWS::EC2::Instance"
    description = "An EC2-style instance, built as a Nova server."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **AWS_INSTANCE_COMMON,
            "AvailabilityZone": string("Availability zone to launch in."),
            "DisableApiTermination": string(
                "Not implemented by Heat: giving a value is an error.", implemented=False
            ),
            "ImageId": string(
                "Image (name or id) to boot from.",
                required=True,
                constraints=(custom("glance.image"),),
            ),
            "InstanceType": string(
                "Flavor to boot with.",
                required=True,
                update_allowed=True,
                constraints=(custom("nova.flavor"),),
            ),
            "Monitoring": boolean(
                "Not implemented by Heat: giving a value is an error.", implemented=False
            ),
            "NetworkInterfaces": list_of(
                "Network interfaces (ids, or maps with NetworkInterfaceId and DeviceIndex).",
                update_allowed=True,
            ),
            "PlacementGroupName": string(
                "Not implemented by Heat: giving a value is an error.", implemented=False
            ),
            "PrivateIpAddress": string(
                "Not implemented by Heat: giving a value is an error.", implemented=False
            ),
            "SecurityGroupIds": list_of("Security groups (ids) of the instance."),
            "SecurityGroups": list_of("Security groups (names) of the instance."),
            "SourceDestCheck": boolean(
                "Not implemented by Heat: giving a value is an error.", implemented=False
            ),
            "SubnetId": string("Subnet to launch the instance in.", update_allowed=True),
            "Tags": aws_tags("Tags on the instance.", update_allowed=True),
            "Tenancy": string(
                "Not implemented by Heat: giving a value is an error.",
                constraints=(allowed_values("dedicated", "default"),),
                implemented=False,
            ),
            "UserData": string("User data passed to the instance."),
            "Volumes": list_of(
                "Volumes to attach after boot.",
                item=map_of(
                    "One volume.",
                    {
                        "Device": string(
                            "Device path to expose the volume at (a hint).", required=True
                        ),
                        "VolumeId": string(
                            "Volume (id) to attach.",
                            required=True,
                            constraints=(custom("cinder.volume"),),
                        ),
                    },
                ),
                default=[],
            ),
        }
    )
    attributes: ClassVar[dict[str, Attribute]] = {
        "AvailabilityZone": attribute("Availability zone of the instance.", PropertyType.STRING),
        "PrivateDnsName": attribute("Private DNS name (the private IP).", PropertyType.STRING),
        "PrivateIp": attribute("Private IP address.", PropertyType.STRING),
        "PublicDnsName": attribute("Public DNS name (the public IP).", PropertyType.STRING),
        "PublicIp": attribute("Public IP address.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Security groups exclude NetworkInterfaces; each block device needs Ebs.SnapshotId."""
        groups = [*values.items("SecurityGroups"), *values.items("SecurityGroupIds")]
        if groups and values.truthy("NetworkInterfaces"):
            names = ("SecurityGroups/SecurityGroupIds", "NetworkInterfaces")
            conflict(report, ("NetworkInterfaces",), *names)
            return
        check_ebs_snapshots(values, report)


@register
class EIP(ResourceType):
    """AWS::EC2::EIP: An elastic (floating) IP address, optionally associated with an instance."""

    type_name = "AWS::EC2::EIP"
    description = "An elastic (floating) IP address, optionally associated with an instance."
    properties: ClassVar[dict[str, Property]] = {
        "Domain": string(
            "Set to vpc to allocate for a VPC (deprecated).", constraints=(allowed_values("vpc"),)
        ),
        "InstanceId": string(
            "Instance to associate the address with.",
            update_allowed=True,
            constraints=(custom("nova.server"),),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "AllocationId": attribute(
            "Allocation id of the address (VPC addresses only).", PropertyType.STRING
        ),
    }


@register
class EIPAssociation(ResourceType):
    """AWS::EC2::EIPAssociation: Associates an elastic IP with an instance or a network interface."""

    type_name = "AWS::EC2::EIPAssociation"
    description = "Associates an elastic IP with an instance or a network interface."
    properties: ClassVar[dict[str, Property]] = {
        "AllocationId": string("Allocation id of a VPC address.", update_allowed=True),
        "EIP": string(
            "The elastic IP address.", update_allowed=True, constraints=(custom("ip_addr"),)
        ),
        "InstanceId": string(
            "Instance to associate with.", update_allowed=True, constraints=(custom("nova.server"),)
        ),
        "NetworkInterfaceId": string("Network interface to associate with.", update_allowed=True),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """EIP or AllocationId; EIP needs InstanceId; an instance or a network interface."""
        eip, allocation = values.truthy("EIP"), values.truthy("AllocationId")
        instance = values.truthy("InstanceId")
        if eip == allocation:
            report((), "exactly one of the properties 'EIP' and 'AllocationId' is required")
        elif eip and not instance:
            report(("EIP",), "property 'EIP' needs 'InstanceId'")
        elif not instance and not values.truthy("NetworkInterfaceId"):
            one_required(report, (), "InstanceId", "NetworkInterfaceId")


@register
class InternetGateway(ResourceType):
    """AWS::EC2::InternetGateway: An internet gateway (an external network) for a VPC."""

    type_name = "AWS::EC2::InternetGateway"
    description = "An internet gateway (an external network) for a VPC."
    properties: ClassVar[dict[str, Property]] = {
        "Tags": aws_tags("Tags on the gateway.", implemented=False),
    }


@register
class NetworkInterface(ResourceType):
    """AWS::EC2::NetworkInterface: A network interface (a Neutron port) in a VPC subnet."""

    type_name = "AWS::EC2::NetworkInterface"
    description = "A network interface (a Neutron port) in a VPC subnet."
    properties: ClassVar[dict[str, Property]] = {
        "Description": string("Description of the interface."),
        "GroupSet": list_of("Security groups (ids) of the interface.", update_allowed=True),
        "PrivateIpAddress": string("Fixed IP address of the interface."),
        "SourceDestCheck": boolean(
            "Not implemented by Heat: giving a value is an error.", implemented=False
        ),
        "SubnetId": string(
            "Subnet of the interface.", required=True, constraints=(custom("neutron.subnet"),)
        ),
        "Tags": aws_tags("Tags on the interface.", implemented=False),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "PrivateIpAddress": attribute("Fixed IP address of the interface.", PropertyType.STRING),
    }


@register
class RouteTable(ResourceType):
    """AWS::EC2::RouteTable: A route table (a Neutron router) of a VPC."""

    type_name = "AWS::EC2::RouteTable"
    description = "A route table (a Neutron router) of a VPC."
    properties: ClassVar[dict[str, Property]] = {
        "Tags": aws_tags("Tags on the route table.", implemented=False),
        "VpcId": string("VPC the route table belongs to.", required=True),
    }


@register
class SecurityGroup(ResourceType):
    """AWS::EC2::SecurityGroup: A security group with ingress and egress rules."""

    type_name = "AWS::EC2::SecurityGroup"
    description = "A security group with ingress and egress rules."
    properties: ClassVar[dict[str, Property]] = {
        "GroupDescription": string("Description of the group.", required=True),
        "SecurityGroupEgress": list_of(
            "Egress rules of the group.",
            item=EC2_SECURITY_GROUP_RULE,
            update_allowed=True,
        ),
        "SecurityGroupIngress": list_of(
            "Ingress rules of the group.",
            item=EC2_SECURITY_GROUP_RULE,
            update_allowed=True,
        ),
        "VpcId": string("VPC of the group (selects Neutron groups)."),
    }


@register
class Subnet(ResourceType):
    """AWS::EC2::Subnet: A subnet of a VPC."""

    type_name = "AWS::EC2::Subnet"
    description = "A subnet of a VPC."
    properties: ClassVar[dict[str, Property]] = {
        "AvailabilityZone": string("Availability zone of the subnet."),
        "CidrBlock": string("CIDR of the subnet.", required=True),
        "Tags": aws_tags("Tags on the subnet.", implemented=False),
        "VpcId": string("VPC the subnet belongs to.", required=True),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "AvailabilityZone": attribute("Availability zone of the subnet.", PropertyType.STRING),
    }


@register
class SubnetRouteTableAssociation(ResourceType):
    """AWS::EC2::SubnetRouteTableAssociation: Associates a subnet with a route table."""

    type_name = "AWS::EC2::SubnetRouteTableAssociation"
    description = "Associates a subnet with a route table."
    properties: ClassVar[dict[str, Property]] = {
        "RouteTableId": string("Route table (id).", required=True),
        "SubnetId": string("Subnet (id).", required=True, constraints=(custom("neutron.subnet"),)),
    }


@register
class VPC(ResourceType):
    """AWS::EC2::VPC: A virtual private cloud (a Neutron network and router)."""

    type_name = "AWS::EC2::VPC"
    description = "A virtual private cloud (a Neutron network and router)."
    properties: ClassVar[dict[str, Property]] = {
        "CidrBlock": string("CIDR of the VPC."),
        "InstanceTenancy": string(
            "Not implemented by Heat: giving a value is an error.",
            default="default",
            constraints=(allowed_values("default", "dedicated"),),
            implemented=False,
        ),
        "Tags": aws_tags("Tags on the VPC.", implemented=False),
    }


@register
class VPCGatewayAttachment(ResourceType):
    """AWS::EC2::VPCGatewayAttachment: Attaches an internet gateway to a VPC."""

    type_name = "AWS::EC2::VPCGatewayAttachment"
    description = "Attaches an internet gateway to a VPC."
    properties: ClassVar[dict[str, Property]] = {
        "InternetGatewayId": string("Internet gateway to attach."),
        "VpcId": string("VPC to attach to.", required=True),
        "VpnGatewayId": string(
            "Not implemented by Heat: giving a value is an error.", implemented=False
        ),
    }


@register
class Volume(ResourceType):
    """AWS::EC2::Volume: An EBS-style volume, built as a Cinder volume."""

    type_name = "AWS::EC2::Volume"
    description = "An EBS-style volume, built as a Cinder volume."
    properties: ClassVar[dict[str, Property]] = {
        "AvailabilityZone": string(
            "Availability zone of the volume.", required=True, immutable=True
        ),
        "Size": integer("Size in GB.", immutable=True, constraints=(value_range(min=1),)),
        "SnapshotId": string(
            "Backup to create the volume from.",
            immutable=True,
            constraints=(custom("cinder.backup"),),
        ),
        "Tags": aws_tags("Tags on the volume.", immutable=True),
    }


@register
class VolumeAttachment(ResourceType):
    """AWS::EC2::VolumeAttachment: Attaches a volume to an instance."""

    type_name = "AWS::EC2::VolumeAttachment"
    description = "Attaches a volume to an instance."
    properties: ClassVar[dict[str, Property]] = {
        "Device": string(
            "Device path to expose the volume at, /dev/vdb to /dev/vdz.",
            required=True,
            immutable=True,
            constraints=(allowed_pattern("/dev/vd[b-z]"),),
        ),
        "InstanceId": string(
            "Instance to attach to.",
            required=True,
            immutable=True,
            constraints=(custom("nova.server"),),
        ),
        "VolumeId": string(
            "Volume to attach.",
            required=True,
            immutable=True,
            constraints=(custom("cinder.volume"),),
        ),
    }
