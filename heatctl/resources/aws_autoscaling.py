"""CloudFormation-compatible auto scaling types (AWS::AutoScaling::*) Heat implements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from heatctl.engine.lifecycle import not_in_cloud
from heatctl.resources.common import AWS_INSTANCE_COMMON, aws_tags, by_name
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_values,
    attribute,
    custom,
    integer,
    list_of,
    string,
    value_range,
)
from heatctl.resources.values import (
    PropertyValues,
    Report,
    check_ebs_snapshots,
    check_group_size,
    conflict,
    one_required,
)

if TYPE_CHECKING:
    from heatctl.engine.lifecycle import ResourceContext
    from heatctl.engine.wait import Wait


@register
class AutoScalingGroup(ResourceType):
    """AWS::AutoScaling::AutoScalingGroup: A group of instances built from a launch configuration, sized by scaling policies."""

    type_name = "AWS::AutoScaling::AutoScalingGroup"
    description = (
        "A group of instances built from a launch configuration, sized by scaling policies."
    )
    properties: ClassVar[dict[str, Property]] = {
        "AvailabilityZones": list_of(
            "Availability zones (required, but not implemented by Heat).", required=True
        ),
        "Cooldown": integer(
            "Seconds after a scaling action during which further actions are ignored.",
            update_allowed=True,
        ),
        "DesiredCapacity": integer("Number of instances to start with.", update_allowed=True),
        "HealthCheckGracePeriod": integer(
            "Not implemented by Heat: giving a value is an error.", implemented=False
        ),
        "HealthCheckType": string(
            "Not implemented by Heat: giving a value is an error.",
            constraints=(allowed_values("EC2", "ELB"),),
            implemented=False,
        ),
        "InstanceId": string(
            "Existing instance to derive the launch configuration from.",
            constraints=(custom("nova.server"),),
        ),
        "LaunchConfigurationName": string(
            "The launch configuration the instances are built from.", update_allowed=True
        ),
        "LoadBalancerNames": list_of("Load balancers to put the instances behind."),
        "MaxSize": integer("Largest number of instances.", required=True, update_allowed=True),
        "MinSize": integer("Smallest number of instances.", required=True, update_allowed=True),
        "Tags": aws_tags("Tags on the group."),
        "VPCZoneIdentifier": list_of(
            "Subnet (one) to attach the instances to.", item=string("One entry of the list.")
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "InstanceList": attribute(
            "Comma-separated IP addresses of the instances.", PropertyType.STRING
        ),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """MinSize <= DesiredCapacity <= MaxSize, one subnet, InstanceId or a launch config."""
        if check_group_size(values, report, "MinSize", "MaxSize", "DesiredCapacity"):
            return
        subnets = values.get("VPCZoneIdentifier")
        if isinstance(subnets, list) and subnets and len(subnets) != 1:
            report(("VPCZoneIdentifier",), "only one subnet is supported in VPCZoneIdentifier")
            return
        instance, config = values.truthy("InstanceId"), values.truthy("LaunchConfigurationName")
        if instance and config:
            conflict(report, ("InstanceId",), "InstanceId", "LaunchConfigurationName")
        elif not instance and not config:
            one_required(report, (), "InstanceId", "LaunchConfigurationName")


@register
class LaunchConfiguration(ResourceType):
    """AWS::AutoScaling::LaunchConfiguration: How to build the instances of an AutoScalingGroup."""

    type_name = "AWS::AutoScaling::LaunchConfiguration"
    description = "How to build the instances of an AutoScalingGroup."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **AWS_INSTANCE_COMMON,
            "ImageId": string(
                "Image (name or id) to boot from.", constraints=(custom("glance.image"),)
            ),
            "InstanceId": string(
                "Existing instance to copy the settings from.", constraints=(custom("nova.server"),)
            ),
            "InstanceType": string("Flavor to boot with.", constraints=(custom("nova.flavor"),)),
            "SecurityGroups": list_of("Security groups (names) of the instances."),
            "UserData": string("User data passed to the instances."),
        }
    )

    def create(self, ctx: ResourceContext) -> Wait | None:
        """Nothing in the cloud: the groups read these properties when they make members."""
        ctx.physical_id = ctx.physical_id or ctx.physical_name()
        return None

    def update(self, ctx: ResourceContext) -> Wait | None:
        return None

    check_create_complete = check_update_complete = update
    delete = check_delete_complete = update

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        return {}

    find_by_tag = not_in_cloud

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Each block device needs Ebs.SnapshotId; without InstanceId, ImageId and InstanceType."""
        if check_ebs_snapshots(values, report):
            return
        if not values.truthy("InstanceId") and not (
            values.truthy("ImageId") and values.truthy("InstanceType")
        ):
            report(
                (), "without 'InstanceId', the properties 'ImageId' and 'InstanceType' are required"
            )


@register
class ScalingPolicy(ResourceType):
    """AWS::AutoScaling::ScalingPolicy: Changes the size of an AWS::AutoScaling::AutoScalingGroup when signalled."""

    type_name = "AWS::AutoScaling::ScalingPolicy"
    description = "Changes the size of an AWS::AutoScaling::AutoScalingGroup when signalled."
    properties: ClassVar[dict[str, Property]] = {
        "AdjustmentType": string(
            "How ScalingAdjustment is applied: a change, an exact size, or a percentage.",
            required=True,
            update_allowed=True,
            constraints=(
                allowed_values("ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity"),
            ),
        ),
        "AutoScalingGroupName": string("The group this policy scales.", required=True),
        "Cooldown": integer(
            "Seconds after an adjustment during which signals are ignored.", update_allowed=True
        ),
        "MinAdjustmentStep": integer(
            "Smallest change for PercentChangeInCapacity adjustments.",
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "ScalingAdjustment": integer(
            "Amount of the adjustment (negative to scale down).", required=True, update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "AlarmUrl": attribute("Pre-signed URL that triggers the policy.", PropertyType.STRING),
    }

    def create(self, ctx: ResourceContext) -> Wait | None:
        ctx.physical_id = ctx.physical_id or ctx.physical_name()
        return None

    def update(self, ctx: ResourceContext) -> Wait | None:
        return None  # the new properties are read at the next signal

    check_create_complete = check_update_complete = update
    delete = check_delete_complete = update

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        return {"AlarmUrl": None}

    find_by_tag = not_in_cloud

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """MinAdjustmentStep only with PercentChangeInCapacity."""
        kind = values.get("AdjustmentType")
        if (
            values.given("MinAdjustmentStep")
            and values.known(kind)
            and kind != "PercentChangeInCapacity"
        ):
            report(
                ("MinAdjustmentStep",),
                "MinAdjustmentStep needs AdjustmentType PercentChangeInCapacity",
            )
