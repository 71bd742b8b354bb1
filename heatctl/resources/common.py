"""Property declarations several resource types share, merged into their `properties`.

Heat shares these through base classes; here each type stays one declarative class and
takes the shared dicts with `{**GROUP, ...}`, so a shared property has one definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from heatctl.resources.schema import (
    Property,
    allowed_values,
    boolean,
    custom,
    integer,
    list_of,
    map_of,
    number,
    string,
    value_range,
)

T = TypeVar("T")


def by_name(declared: Mapping[str, T]) -> dict[str, T]:
    """Properties (or attributes) ordered by name, the order every type declares them in.

    Merging a shared dict would otherwise put its entries first, and the order shows in
    `heatctl resource describe` and in messages.
    """
    return dict(sorted(declared.items()))


ALARM_COMMON: dict[str, Property] = {
    "alarm_actions": list_of("Webhook URLs called when the alarm fires.", update_allowed=True),
    "alarm_queues": list_of(
        "Zaqar queues posted to when the alarm fires.",
        item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
        default=[],
        update_allowed=True,
    ),
    "description": string("Description of the alarm.", update_allowed=True),
    "enabled": boolean(
        "Whether the alarm is evaluated and acts.", default="true", update_allowed=True
    ),
    "insufficient_data_actions": list_of(
        "Webhook URLs called when there is not enough data.", update_allowed=True
    ),
    "insufficient_data_queues": list_of(
        "Zaqar queues posted to when there is not enough data.",
        item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
        default=[],
        update_allowed=True,
    ),
    "ok_actions": list_of("Webhook URLs called when the alarm returns to ok.", update_allowed=True),
    "ok_queues": list_of(
        "Zaqar queues posted to when the alarm returns to ok.",
        item=string("A Zaqar queue.", constraints=(custom("zaqar.queue"),)),
        default=[],
        update_allowed=True,
    ),
    "repeat_actions": boolean(
        "Call the actions on every evaluation while in the state, not only on a change.",
        default="true",
        update_allowed=True,
    ),
    "severity": string(
        "Severity of the alarm.",
        default="low",
        update_allowed=True,
        constraints=(allowed_values("low", "moderate", "critical"),),
    ),
    "time_constraints": list_of(
        "Time windows in which the alarm is evaluated.",
        item=map_of(
            "One time window.",
            {
                "description": string("Description of the window."),
                "duration": integer(
                    "Length of the window, in seconds.",
                    required=True,
                    constraints=(value_range(min=0),),
                ),
                "name": string("Name of the window.", required=True),
                "start": string(
                    "Start of the window, as a cron expression.",
                    required=True,
                    constraints=(custom("cron_expression"),),
                ),
                "timezone": string(
                    "Time zone of the window, e.g. Europe/Amsterdam.",
                    constraints=(custom("timezone"),),
                ),
            },
        ),
        default=[],
    ),
}


AWS_INSTANCE_COMMON: dict[str, Property] = {
    "BlockDeviceMappings": list_of(
        "Volumes to attach at boot.",
        item=map_of(
            "One block device.",
            {
                "DeviceName": string("Device name inside the instance, e.g. vdb.", required=True),
                "Ebs": map_of(
                    "The volume to attach.",
                    {
                        "DeleteOnTermination": boolean(
                            "Delete the volume when the instance is deleted.", default=True
                        ),
                        "Iops": number(
                            "Provisioned I/O operations per second (not implemented).",
                            implemented=False,
                        ),
                        "SnapshotId": string(
                            "Snapshot to create the volume from.",
                            constraints=(custom("cinder.snapshot"),),
                        ),
                        "VolumeSize": string("Volume size in GB (at least the snapshot's size)."),
                        "VolumeType": string("Volume type (not implemented).", implemented=False),
                    },
                ),
                "NoDevice": map_of(
                    "Suppress a device of the image (not implemented).", implemented=False
                ),
                "VirtualName": string(
                    "Ephemeral device name, ephemeralN (not implemented).", implemented=False
                ),
            },
        ),
    ),
    "KernelId": string("Not implemented by Heat: giving a value is an error.", implemented=False),
    "KeyName": string("Key pair to inject.", constraints=(custom("nova.keypair"),)),
    "NovaSchedulerHints": list_of(
        "Hints for the Nova scheduler (Heat extension).",
        item=map_of(
            "One hint.",
            {
                "Key": string("Hint name.", required=True),
                "Value": string("Hint value.", required=True),
            },
        ),
    ),
    "RamDiskId": string("Not implemented by Heat: giving a value is an error.", implemented=False),
}


QOS_RULE_POLICY = string(
    "QoS policy (name or id) the rule belongs to.",
    required=True,
    constraints=(custom("neutron.qos_policy"),),
)


AWS_TAG_FIELDS: dict[str, Property] = {
    "Key": string("Tag name.", required=True),
    "Value": string("Tag value.", required=True),
}


def aws_tags(description: str, *, implemented: bool = True, **kwargs: Any) -> Property:
    """An AWS `Tags` property: a list of {Key, Value} maps.

    `implemented=False` marks the tag items of types on which Heat rejects tags.
    """
    return list_of(
        description, item=map_of("One tag.", AWS_TAG_FIELDS, implemented=implemented), **kwargs
    )


def quota(things: str) -> Property:
    """A quota property: the most `things` a project may have (-1 for no limit)."""
    return integer(
        f"Most {things} (-1 for no limit).",
        update_allowed=True,
        constraints=(value_range(min=-1),),
    )


QUOTA_PROJECT = string(
    "Project (name or id) the quotas apply to.",
    required=True,
    constraints=(custom("keystone.project"),),
)
