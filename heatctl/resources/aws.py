"""CloudFormation-compatible (AWS::*) resource types Heat implements, apart from EC2 networking."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from heatctl.engine.openstack import methods_of
from heatctl.engine.openstack_aodh import CLOUDWATCH_LIFECYCLE
from heatctl.engine.openstack_aws_guest import DB_INSTANCE_METHODS, LoadBalancerLifecycle
from heatctl.engine.openstack_aws_services import (
    AccessKeyLifecycle,
    BucketLifecycle,
    UserLifecycle,
)
from heatctl.resources import heat_signals
from heatctl.resources.common import aws_tags
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_values,
    attribute,
    integer,
    list_of,
    map_of,
    string,
    value_range,
)

if TYPE_CHECKING:
    pass


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
    """AWS::ElasticLoadBalancing::LoadBalancer: A load balancer: an Octavia load balancer, a listener and pool per listener."""

    type_name = "AWS::ElasticLoadBalancing::LoadBalancer"
    description = "A load balancer: an Octavia load balancer, a listener and pool per listener."
    properties: ClassVar[dict[str, Property]] = {
        "AppCookieStickinessPolicy": string(
            "Not implemented by Heat: giving a value is an error.", implemented=False
        ),
        "AvailabilityZones": list_of("Availability zones of the load balancer.", required=True),
        "HealthCheck": map_of(
            "Health check of the instances (each pool's health monitor).",
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
            update_allowed=True,
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

    # On the cloud's Octavia (openstack_aws_guest.py), not Heat's HAProxy server.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(LoadBalancerLifecycle)


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

    secret_attributes: ClassVar[tuple[str, ...]] = ("SecretAccessKey",)

    # Lifecycle: heatctl.engine.openstack_aws_services.AccessKeyLifecycle (an EC2 credential).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(AccessKeyLifecycle)


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

    # Lifecycle: heatctl.engine.openstack_aws_services.UserLifecycle (a Keystone user).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(UserLifecycle)


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

    # Lifecycle: heatctl.engine.openstack_aws_services.BucketLifecycle (a Swift container).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(BucketLifecycle)


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

    # Lifecycle: Heat's provider template AWS_CloudWatch_Alarm.yaml done in code, an Aodh
    # alarm (heatctl.engine.openstack_aodh.CLOUDWATCH).
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = CLOUDWATCH_LIFECYCLE


@register
class DBInstance(ResourceType):
    """AWS::RDS::DBInstance: A MySQL database: a Trove instance with the database and its user."""

    type_name = "AWS::RDS::DBInstance"
    description = "A MySQL database: a Trove instance with the database and its user."
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
        "Endpoint.Address": attribute("Host name (else address) of the database instance."),
        "Endpoint.Port": attribute("Port of the database."),
    }

    # On the cloud's Trove (openstack_aws_guest.py), not Heat's MySQL server.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = DB_INSTANCE_METHODS
