"""Mistral (workflow) resource types."""

from __future__ import annotations

from typing import ClassVar

from heatctl.engine.openstack import methods_of
from heatctl.engine.openstack_mistral import (
    CRON_TRIGGER,
    WORKFLOW,
    ExternalResourceLifecycle,
)
from heatctl.engine.openstack_mistral import (
    handle_signal as start_on_signal,
)
from heatctl.engine.openstack_services2 import status_lifecycle
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_values,
    attribute,
    boolean,
    custom,
    integer,
    length,
    list_of,
    map_of,
    string,
)
from heatctl.resources.values import PropertyValues, Report, one_required

# The lifecycle actions an external resource can run a workflow on.
WORKFLOW_ACTIONS = ("CREATE", "DELETE", "RESUME", "SUSPEND", "UPDATE")


def action_workflow(action: str) -> Property:
    """The workflow (and its parameters) an external resource runs on `action`."""
    return map_of(
        f"Workflow run on {action}.",
        {
            "params": map_of(
                "Extra workflow parameters (task_name for reverse workflows).",
                default={},
            ),
            "workflow": string(
                "Workflow (name or id) to run.",
                required=True,
                constraints=(custom("mistral.workflow"),),
            ),
        },
    )


@register
class Workflow(ResourceType):
    """OS::Mistral::Workflow: A Mistral workflow, defined inline."""

    type_name = "OS::Mistral::Workflow"
    description = "A Mistral workflow, defined inline."
    properties: ClassVar[dict[str, Property]] = {
        "description": string("Description of the workflow.", update_allowed=True),
        "input": map_of("Inputs of the workflow, with defaults.", update_allowed=True),
        "name": string("Name of the workflow."),
        "output": map_of("Output of the workflow (may use YAQL).", update_allowed=True),
        "params": map_of(
            "Extra parameters (task_name for reverse workflows).", update_allowed=True
        ),
        "tags": list_of("Tags on the workflow.", update_allowed=True),
        "task_defaults": map_of(
            "Defaults for every task.",
            {
                "concurrency": integer("Most actions running at once in a with-items task."),
                "on_complete": list_of("Tasks to run after this one, whatever its outcome."),
                "on_error": list_of("Tasks to run after this one fails."),
                "on_success": list_of("Tasks to run after this one succeeds."),
                "pause_before": boolean("Pause the workflow before starting the task."),
                "requires": list_of("Tasks that must run first (reverse workflows)."),
                "retry": map_of("How to retry the task on error."),
                "timeout": integer("Seconds before the task fails."),
                "wait_after": integer("Seconds to wait after the task completes."),
                "wait_before": integer("Seconds to wait before the task starts."),
            },
            update_allowed=True,
        ),
        "tasks": list_of(
            "The tasks.",
            item=map_of(
                "One task.",
                {
                    "action": string("Action the task runs (or give workflow)."),
                    "concurrency": integer("Most actions running at once in a with-items task."),
                    "description": string("Description of the task."),
                    "input": map_of("Input of the task's action or workflow."),
                    "join": string("Wait for this many (or all) incoming branches."),
                    "keep_result": boolean("Keep the action result after the task completes."),
                    "name": string("Name of the task.", required=True),
                    "on_complete": list_of("Tasks to run after this one, whatever its outcome."),
                    "on_error": list_of("Tasks to run after this one fails."),
                    "on_success": list_of("Tasks to run after this one succeeds."),
                    "pause_before": boolean("Pause the workflow before starting the task."),
                    "policies": map_of("Task policies (legacy).", hidden=True),
                    "publish": map_of("Variables published to the workflow context."),
                    "requires": list_of("Tasks that must run first (reverse workflows)."),
                    "retry": map_of("How to retry the task on error."),
                    "target": string("Executor to send the action to."),
                    "timeout": integer("Seconds before the task fails."),
                    "wait_after": integer("Seconds to wait after the task completes."),
                    "wait_before": integer("Seconds to wait before the task starts."),
                    "with_items": string("Run the task once per item of a list."),
                    "workflow": string(
                        "Workflow the task runs (or give action).",
                        constraints=(custom("mistral.workflow"),),
                    ),
                },
            ),
            required=True,
            update_allowed=True,
            constraints=(length(min=1),),
        ),
        "type": string(
            "Direct (task graph) or reverse (dependencies) workflow.",
            required=True,
            update_allowed=True,
            constraints=(allowed_values("direct", "reverse"),),
        ),
        "use_request_body_as_input": boolean(
            "Use a signal's whole body as the workflow input.", update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "alarm_url": attribute("Signed URL that starts an execution.", PropertyType.STRING),
        "data": attribute("Name and input of the workflow.", PropertyType.MAP),
        "executions": attribute("Executions of the workflow.", PropertyType.LIST),
    }

    # Lifecycle: heatctl.engine.openstack_mistral.WORKFLOW.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(WORKFLOW)
    handle_signal = start_on_signal  # `heatctl stack signal` starts an execution


@register
class CronTrigger(ResourceType):
    """OS::Mistral::CronTrigger: Runs a Mistral workflow on a cron schedule."""

    type_name = "OS::Mistral::CronTrigger"
    description = "Runs a Mistral workflow on a cron schedule."
    properties: ClassVar[dict[str, Property]] = {
        "count": integer("How many times to run."),
        "first_time": string('First run, "YYYY-MM-DD HH:MM".'),
        "name": string("Name of the trigger."),
        "pattern": string("Cron expression.", constraints=(custom("cron_expression"),)),
        "workflow": map_of(
            "Workflow to run.",
            {
                "input": map_of("Input values of the workflow."),
                "name": string(
                    "Workflow (name or id).",
                    required=True,
                    constraints=(custom("mistral.workflow"),),
                ),
            },
            required=True,
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "next_execution_time": attribute("Time of the next run.", PropertyType.STRING),
        "remaining_executions": attribute("Runs left.", PropertyType.INTEGER),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """A pattern or a first_time."""
        if not values.truthy("pattern") and not values.truthy("first_time"):
            one_required(report, (), "pattern", "first_time")

    # Lifecycle: heatctl.engine.openstack_mistral.CRON_TRIGGER.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = status_lifecycle(CRON_TRIGGER)


@register
class ExternalResource(ResourceType):
    """OS::Mistral::ExternalResource: A resource managed by Mistral workflows run on each lifecycle action."""

    type_name = "OS::Mistral::ExternalResource"
    description = "A resource managed by Mistral workflows run on each lifecycle action."
    properties: ClassVar[dict[str, Property]] = {
        "actions": map_of(
            "Workflows per lifecycle action.",
            {action: action_workflow(action) for action in WORKFLOW_ACTIONS},
            required=True,
        ),
        "always_update": boolean(
            "Run the UPDATE workflow even if the input is unchanged.", default=False
        ),
        "description": string("Description of the workflow executions.", default="Heat managed"),
        "input": map_of("Input of the workflows.", default={}, update_allowed=True),
        "replace_on_change_inputs": list_of(
            "Inputs whose change replaces the resource.", default=[]
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "output": attribute("Output of the last execution.", PropertyType.MAP),
    }

    # Lifecycle: heatctl.engine.openstack_mistral.ExternalResourceLifecycle.
    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = methods_of(ExternalResourceLifecycle)
