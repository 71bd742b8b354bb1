"""CloudFormation-compatible AWS::EC2::* resource types: instances, volumes, VPC networking."""

from __future__ import annotations

from typing import Any, ClassVar

from heatctl.engine.lifecycle import NoCloudLifecycle, ResourceContext, not_in_cloud
from heatctl.engine.openstack import lifecycle, methods_of
from heatctl.engine.openstack_aws import (
    EC2_SECURITY_GROUP,
    EC2_SUBNET,
    NETWORK_INTERFACE,
    ROUTE_TABLE,
    Ec2SubnetLifecycle,
    GatewayAttachmentLifecycle,
    RouteTableLifecycle,
    SubnetRouteTableLifecycle,
    VpcLifecycle,
    create_then,
)
from heatctl.engine.openstack_aws import VPC as VPC_KIND
from heatctl.engine.openstack_aws_eip import EipAssociationLifecycle, EipLifecycle
from heatctl.engine.openstack_aws_instance import (
    EC2_VOLUME,
    Ec2VolumeAttachmentLifecycle,
    InstanceLifecycle,
)
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


class _NoCheck:
    """Polls of link types whose calls complete at once."""

    def check_create_complete(self, ctx: ResourceContext) -> None:
        return None

    check_update_complete = check_delete_complete = update = check_create_complete

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        return {}

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        return None


class _GatewayAttachment(GatewayAttachmentLifecycle, _NoCheck):
    """Found again by the gateways it set (attaching twice sets the same gateway)."""

    find_by_tag = GatewayAttachmentLifecycle.find_by_tag


class _SubnetRouteTable(SubnetRouteTableLifecycle, _NoCheck):
    """Found again by the route table's port on the subnet."""


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

    # Lifecycle: heatctl.engine.openstack_aws_instance.InstanceLifecycle.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(InstanceLifecycle)


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

    # Lifecycle: heatctl.engine.openstack_aws_eip.EipLifecycle (Ref: the address).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(EipLifecycle)


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

    @classmethod
    def replace_on_update(cls, old: dict[str, Any], new: dict[str, Any]) -> bool:
        """Heat replaces when the address and its target change together."""
        address = any(old.get(k) != new.get(k) for k in ("EIP", "AllocationId"))
        target = any(
            old.get(k) != new.get(k) and new.get(k) for k in ("InstanceId", "NetworkInterfaceId")
        )
        return address and target

    # Lifecycle: heatctl.engine.openstack_aws_eip.EipAssociationLifecycle.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(EipAssociationLifecycle)


@register
class InternetGateway(ResourceType):
    """AWS::EC2::InternetGateway: An internet gateway (an external network) for a VPC."""

    type_name = "AWS::EC2::InternetGateway"
    description = "An internet gateway (an external network) for a VPC."
    properties: ClassVar[dict[str, Property]] = {
        "Tags": aws_tags("Tags on the gateway.", implemented=False),
    }

    # No cloud object: the one external network stands for it (as in Heat).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(NoCloudLifecycle)
    find_by_tag = not_in_cloud


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

    # Lifecycle: heatctl.engine.openstack_aws.NETWORK_INTERFACE (a port).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(NETWORK_INTERFACE)


@register
class RouteTable(ResourceType):
    """AWS::EC2::RouteTable: A route table (a Neutron router) of a VPC."""

    type_name = "AWS::EC2::RouteTable"
    description = "A route table (a Neutron router) of a VPC."
    properties: ClassVar[dict[str, Property]] = {
        "Tags": aws_tags("Tags on the route table.", implemented=False),
        "VpcId": string("VPC the route table belongs to.", required=True),
    }

    # Lifecycle: heatctl.engine.openstack_aws.ROUTE_TABLE (a router).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(ROUTE_TABLE)
    check_create_complete = RouteTableLifecycle.check_create_complete
    create = create_then(ROUTE_TABLE, RouteTableLifecycle.check_create_complete)


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

    # Lifecycle: heatctl.engine.openstack_aws.EC2_SECURITY_GROUP (rules diffed on update).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(EC2_SECURITY_GROUP)


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

    # Lifecycle: heatctl.engine.openstack_aws.EC2_SUBNET, plugged into the VPC's router.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(EC2_SUBNET)
    check_create_complete = Ec2SubnetLifecycle.check_create_complete
    create = create_then(EC2_SUBNET, Ec2SubnetLifecycle.check_create_complete)
    delete = Ec2SubnetLifecycle.delete
    resolve_attributes = Ec2SubnetLifecycle.resolve_attributes


@register
class SubnetRouteTableAssociation(ResourceType):
    """AWS::EC2::SubnetRouteTableAssociation: Associates a subnet with a route table."""

    type_name = "AWS::EC2::SubnetRouteTableAssociation"
    description = "Associates a subnet with a route table."
    properties: ClassVar[dict[str, Property]] = {
        "RouteTableId": string("Route table (id).", required=True),
        "SubnetId": string("Subnet (id).", required=True, constraints=(custom("neutron.subnet"),)),
    }

    # Lifecycle: heatctl.engine.openstack_aws.SubnetRouteTableLifecycle.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(_SubnetRouteTable)


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

    # Lifecycle: heatctl.engine.openstack_aws.VPC (a network and a router).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(VPC_KIND)
    check_create_complete = VpcLifecycle.check_create_complete
    create = create_then(VPC_KIND, VpcLifecycle.check_create_complete)


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

    # Lifecycle: heatctl.engine.openstack_aws.GatewayAttachmentLifecycle.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(_GatewayAttachment)


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

    # Lifecycle: heatctl.engine.openstack_aws_instance.EC2_VOLUME (a Cinder volume).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = lifecycle(EC2_VOLUME)


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

    # Lifecycle: OS::Cinder::VolumeAttachment's, with the AWS property names.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(Ec2VolumeAttachmentLifecycle)
