"""Zaqar (messaging) resource types."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack import methods_of
from heatctl.engine.openstack_services2 import status_lifecycle
from heatctl.engine.openstack_zaqar import QUEUE, SUBSCRIPTION, SignedQueueURLLifecycle
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    allowed_values,
    attribute,
    custom,
    integer,
    length,
    list_of,
    map_of,
    string,
    value_range,
)


@register
class Queue(ResourceType):
    """OS::Zaqar::Queue: A Zaqar message queue."""

    type_name = "OS::Zaqar::Queue"
    description = "A Zaqar message queue."
    properties: ClassVar[dict[str, Property]] = {
        "metadata": map_of("Key/value metadata of the queue.", update_allowed=True),
        "name": string("Name of the queue.", constraints=(length(max=64),)),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "href": attribute("URL of the queue."),
        "queue_id": attribute("Id of the queue (legacy).", hidden=True),
    }

    # Lifecycle: heatctl.engine.openstack_zaqar.QUEUE.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(QUEUE)


@register
class Subscription(ResourceType):
    """OS::Zaqar::Subscription: Notifies a subscriber of messages posted to a Zaqar queue."""

    type_name = "OS::Zaqar::Subscription"
    description = "Notifies a subscriber of messages posted to a Zaqar queue."
    properties: ClassVar[dict[str, Property]] = {
        "options": map_of("Options of the subscription.", update_allowed=True),
        "queue_name": string(
            "Queue to subscribe to.", required=True, constraints=(custom("zaqar.queue"),)
        ),
        "subscriber": string(
            "Subscriber URI, e.g. mailto:... or http://...", required=True, update_allowed=True
        ),
        "ttl": integer(
            "Lifetime of the subscription, in seconds.",
            default=220367260800,
            update_allowed=True,
            constraints=(value_range(min=60),),
        ),
    }

    # Lifecycle: heatctl.engine.openstack_zaqar.SUBSCRIPTION.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(SUBSCRIPTION)


@register
class MistralTrigger(ResourceType):
    """OS::Zaqar::MistralTrigger: A Zaqar subscription that starts a Mistral workflow for each message."""

    type_name = "OS::Zaqar::MistralTrigger"
    description = "A Zaqar subscription that starts a Mistral workflow for each message."
    properties: ClassVar[dict[str, Property]] = {
        "input": map_of("Input of the workflow.", default={}, update_allowed=True),
        "params": map_of("Execution parameters of the workflow.", default={}, update_allowed=True),
        "queue_name": string(
            "Queue to subscribe to.", required=True, constraints=(custom("zaqar.queue"),)
        ),
        "ttl": integer(
            "Lifetime of the subscription, in seconds.",
            default=220367260800,
            update_allowed=True,
            constraints=(value_range(min=60),),
        ),
        "workflow_id": string(
            "Workflow (id) to start.",
            required=True,
            update_allowed=True,
            constraints=(custom("mistral.workflow"),),
        ),
    }

    # Lifecycle: heatctl.engine.openstack_zaqar.SUBSCRIPTION.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(SUBSCRIPTION)


@register
class SignedQueueURL(ResourceType):
    """OS::Zaqar::SignedQueueURL: A pre-signed URL giving access to a Zaqar queue."""

    type_name = "OS::Zaqar::SignedQueueURL"
    description = "A pre-signed URL giving access to a Zaqar queue."
    properties: ClassVar[dict[str, Property]] = {
        "methods": list_of(
            "HTTP methods allowed (GET by default).",
            item=string(
                "An HTTP method.",
                constraints=(allowed_values("GET", "DELETE", "PATCH", "POST", "PUT"),),
            ),
        ),
        "paths": list_of("Paths allowed (the queue's messages by default)."),
        "queue": string("Queue to sign a URL for.", required=True),
        "ttl": integer("Validity of the URL, in seconds (one day by default)."),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "expires": attribute("When the URL expires."),
        "methods": attribute("Allowed methods, comma-separated."),
        "paths": attribute("Allowed paths, comma-separated."),
        "project": attribute("Project holding the queue."),
        "query_str": attribute("The URL's query string."),
        "signature": attribute("Signature of the URL."),
    }

    # Lifecycle: heatctl.engine.openstack_zaqar.SignedQueueURLLifecycle.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(SignedQueueURLLifecycle)
