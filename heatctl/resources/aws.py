"""CloudFormation-compatible (AWS::*) resource types Heat implements, apart from EC2 networking."""

from __future__ import annotations

from typing import ClassVar

from heatctl.resources import heat_signals
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
    map_of,
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


@register
class Stack(ResourceType):
    """AWS::CloudFormation::Stack: A nested stack created from a template URL."""

    type_name = "AWS::CloudFormation::Stack"
    description = "A nested stack created from a template URL."
    properties: ClassVar[dict[str, Property]] = {
        "Parameters": map_of("Parameter values for the nested template.", update_allowed=True),
        "TemplateURL": string("URL of the nested template.", required=True, update_allowed=True),
        "TimeoutInMinutes": integer(
            "Minutes to wait for the nested stack to be created.", update_allowed=True
        ),
    }
    dynamic_attributes = True


@register
class WaitCondition(ResourceType):
    """AWS::CloudFormation::WaitCondition: Waits until its handle has received enough success signals."""

    type_name = "AWS::CloudFormation::WaitCondition"
    description = "Waits until its handle has received enough success signals."
    properties: ClassVar[dict[str, Property]] = {
        "Count": integer(
            "Success signals needed before creation goes on.",
            default=1,
            update_allowed=True,
            constraints=(value_range(min=1),),
        ),
        "Handle": string(
            "The AWS::CloudFormation::WaitConditionHandle that receives the signals.", required=True
        ),
        "Timeout": integer(
            "Seconds to wait for the signals before failing.",
            required=True,
            constraints=(value_range(min=1, max=43200),),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "Data": attribute(
            "JSON map of signal id to the data sent with each signal.", PropertyType.STRING
        ),
    }

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = heat_signals.aws_wait_condition_lifecycle()


@register
class WaitConditionHandle(ResourceType):
    """AWS::CloudFormation::WaitConditionHandle: A pre-signed URL that instances signal to complete a WaitCondition."""

    type_name = "AWS::CloudFormation::WaitConditionHandle"
    description = "A pre-signed URL that instances signal to complete a WaitCondition."

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = heat_signals.aws_handle_lifecycle()


@register
class LoadBalancer(ResourceType):
    """AWS::ElasticLoadBalancing::LoadBalancer: A load balancer run as HAProxy on a server in a nested stack."""

    type_name = "AWS::ElasticLoadBalancing::LoadBalancer"
    description = "A load balancer run as HAProxy on a server in a nested stack."
    properties: ClassVar[dict[str, Property]] = {
        "AppCookieStickinessPolicy": string(
            "Not implemented by Heat: giving a value is an error.", implemented=False
        ),
        "AvailabilityZones": list_of("Availability zones of the load balancer.", required=True),
        "HealthCheck": map_of(
            "Health check of the instances.",
            {
                "HealthyThreshold": integer(
                    "Successful checks before an instance counts as healthy.", required=True
                ),
                "Interval": integer("Seconds between checks.", required=True),
                "Target": string("What is checked, e.g. HTTP:80/health.", required=True),
                "Timeout": integer("Seconds before a check times out.", required=True),
                "UnhealthyThreshold": integer(
                    "Failed checks before an instance counts as unhealthy.", required=True
                ),
            },
        ),
        "Instances": list_of("Instances (ids) behind the load balancer.", update_allowed=True),
        "LBCookieStickinessPolicy": string(
            "Not implemented by Heat: giving a value is an error.", implemented=False
        ),
        "Listeners": list_of(
            "Ports the load balancer listens on.",
            item=map_of(
                "One listener.",
                {
                    "InstancePort": integer("Port the instances listen on.", required=True),
                    "LoadBalancerPort": integer(
                        "Port the load balancer listens on.", required=True
                    ),
                    "PolicyNames": list_of(
                        "Not implemented by Heat: giving a value is an error.", implemented=False
                    ),
                    "Protocol": string(
                        "Protocol balanced: TCP or HTTP.",
                        required=True,
                        constraints=(allowed_values("TCP", "HTTP"),),
                    ),
                    "SSLCertificateId": string(
                        "Not implemented by Heat: giving a value is an error.", implemented=False
                    ),
                },
            ),
            required=True,
        ),
        "SecurityGroups": list_of("Security groups of the load balancer.", update_allowed=True),
        "Subnets": list_of(
            "Not implemented by Heat: giving a value is an error.", implemented=False
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "CanonicalHostedZoneName": attribute(
            "Hosted zone name of the load balancer (its IP).", PropertyType.STRING
        ),
        "CanonicalHostedZoneNameID": attribute(
            "Hosted zone id of the load balancer (empty).", PropertyType.STRING
        ),
        "DNSName": attribute("DNS name of the load balancer (its IP).", PropertyType.STRING),
        "SourceSecurityGroup.GroupName": attribute(
            "Security group to allow in back-end rules.", PropertyType.STRING
        ),
        "SourceSecurityGroup.OwnerAlias": attribute(
            "Owner of that security group.", PropertyType.STRING
        ),
    }


@register
class AccessKey(ResourceType):
    """AWS::IAM::AccessKey: An EC2-style access key (a Keystone EC2 credential) for an AWS::IAM::User."""

    type_name = "AWS::IAM::AccessKey"
    description = "An EC2-style access key (a Keystone EC2 credential) for an AWS::IAM::User."
    properties: ClassVar[dict[str, Property]] = {
        "Serial": integer(
            "Not implemented by Heat: giving a value is an error.", implemented=False
        ),
        "Status": string(
            "Not implemented by Heat: giving a value is an error.",
            constraints=(allowed_values("Active", "Inactive"),),
            implemented=False,
        ),
        "UserName": string("The user the key belongs to.", required=True),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "SecretAccessKey": attribute("The secret key.", PropertyType.STRING),
        "UserName": attribute("Name of the user.", PropertyType.STRING),
    }


@register
class User(ResourceType):
    """AWS::IAM::User: A user restricted to this stack (a Keystone stack domain user)."""

    type_name = "AWS::IAM::User"
    description = "A user restricted to this stack (a Keystone stack domain user)."
    properties: ClassVar[dict[str, Property]] = {
        "Groups": list_of("Not implemented by Heat: giving a value is an error."),
        "LoginProfile": map_of(
            "Login settings of the user.", {"Password": string("Password of the user.")}
        ),
        "Path": string("Not implemented by Heat: giving a value is an error."),
        "Policies": list_of(
            "Access policies (AWS::IAM or OS::Heat::AccessPolicy resources) of the user."
        ),
    }


@register
class Bucket(ResourceType):
    """AWS::S3::Bucket: An S3-style bucket, built as a Swift container."""

    type_name = "AWS::S3::Bucket"
    description = "An S3-style bucket, built as a Swift container."
    properties: ClassVar[dict[str, Property]] = {
        "AccessControl": string(
            "Canned access control list of the bucket.",
            constraints=(
                allowed_values(
                    "Private",
                    "PublicRead",
                    "PublicReadWrite",
                    "AuthenticatedRead",
                    "BucketOwnerRead",
                    "BucketOwnerFullControl",
                ),
            ),
        ),
        "Tags": aws_tags("Tags on the bucket."),
        "WebsiteConfiguration": map_of(
            "Static website settings.",
            {
                "ErrorDocument": string("Name of the error page."),
                "IndexDocument": string("Name of the index page."),
            },
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "DomainName": attribute("DNS name of the bucket.", PropertyType.STRING),
        "WebsiteURL": attribute("Website URL of the bucket.", PropertyType.STRING),
    }


@register
class Alarm(ResourceType):
    """AWS::CloudWatch::Alarm: A CloudWatch-style alarm, built by Heat's default provider template as an Aodh alarm."""

    type_name = "AWS::CloudWatch::Alarm"
    description = (
        "A CloudWatch-style alarm, built by Heat's default provider template as an Aodh alarm."
    )
    properties: ClassVar[dict[str, Property]] = {
        "AlarmDescription": string("Description of the alarm.", update_allowed=True),
        "EvaluationPeriods": string(
            "Number of periods evaluated.", required=True, update_allowed=True
        ),
        "MetricName": string("Meter watched.", required=True, update_allowed=True),
        "Namespace": string("Metric namespace.", update_allowed=True),
        "Period": string(
            "Length of an evaluation period, in seconds.", required=True, update_allowed=True
        ),
        "ComparisonOperator": string(
            "How the statistic is compared with the threshold.",
            required=True,
            update_allowed=True,
            constraints=(
                allowed_values(
                    "GreaterThanOrEqualToThreshold",
                    "GreaterThanThreshold",
                    "LessThanThreshold",
                    "LessThanOrEqualToThreshold",
                ),
            ),
        ),
        "Statistic": string(
            "Statistic evaluated.",
            required=True,
            update_allowed=True,
            constraints=(allowed_values("SampleCount", "Average", "Sum", "Minimum", "Maximum"),),
        ),
        "Threshold": string(
            "Value the statistic is compared with.", required=True, update_allowed=True
        ),
        "Units": string(
            "Unit of the metric.",
            update_allowed=True,
            constraints=(
                allowed_values(
                    "Seconds",
                    "Microseconds",
                    "Milliseconds",
                    "Bytes",
                    "Kilobytes",
                    "Megabytes",
                    "Gigabytes",
                    "Terabytes",
                    "Bits",
                    "Kilobits",
                    "Megabits",
                    "Gigabits",
                    "Terabits",
                    "Percent",
                    "Count",
                    "Bytes/Second",
                    "Kilobytes/Second",
                    "Megabytes/Second",
                    "Gigabytes/Second",
                    "Terabytes/Second",
                    "Bits/Second",
                    "Kilobits/Second",
                    "Megabits/Second",
                    "Gigabits/Second",
                    "Terabits/Second",
                    "Count/Second",
                    "None",
                ),
            ),
        ),
        "AlarmActions": list_of(
            "Resources (scaling policies) to signal when the alarm fires.",
            update_allowed=True,
            allow_conversion=True,
        ),
        "OKActions": list_of(
            "Resources to signal when the alarm returns to ok.",
            update_allowed=True,
            allow_conversion=True,
        ),
        "InsufficientDataActions": list_of(
            "Resources to signal when there is not enough data.",
            update_allowed=True,
            allow_conversion=True,
        ),
        "Dimensions": list_of(
            "Metadata dimensions the samples must match (Name/Value maps).",
            update_allowed=True,
            allow_conversion=True,
        ),
    }


@register
class DBInstance(ResourceType):
    """AWS::RDS::DBInstance: A MySQL database on a server, built by Heat's default provider template."""

    type_name = "AWS::RDS::DBInstance"
    description = "A MySQL database on a server, built by Heat's default provider template."
    properties: ClassVar[dict[str, Property]] = {
        "AllocatedStorage": string("Storage size in GB.", required=True, update_allowed=True),
        "DBInstanceClass": string(
            "Flavor of the database server.", required=True, update_allowed=True
        ),
        "DBName": string("Name of the database.", required=True, update_allowed=True),
        "DBSecurityGroups": list_of(
            "Security groups of the database server.", update_allowed=True, allow_conversion=True
        ),
        "Engine": string(
            "Database engine (MySQL only).",
            required=True,
            update_allowed=True,
            constraints=(allowed_values("MySQL"),),
        ),
        "MasterUsername": string("Name of the database user.", required=True, update_allowed=True),
        "MasterUserPassword": string(
            "Password of the database user.", required=True, update_allowed=True
        ),
        "Port": string("Port the database listens on.", update_allowed=True),
        "KeyName": string("Key pair for the database server.", update_allowed=True),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "Endpoint.Address": attribute("IP address of the database server."),
        "Endpoint.Port": attribute("Port of the database."),
    }
