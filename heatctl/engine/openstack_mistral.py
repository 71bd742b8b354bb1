"""Lifecycles of Mistral objects (OS::Mistral::*), as Heat's mistral plugins run them.

Workflow: the definition is built from the properties as Heat builds it (version 2.0, one
workflow named by `name` or the physical name, its input as a list of names, tasks with
their keys spelled with dashes) and posted as YAML text; the physical id is the
workflow's name. An update re-puts the definition unless only input, params or
description changed (Heat keeps those for executions). Delete removes the workflow and
the executions it started. CronTrigger: created by name from the workflow and pattern.
ExternalResource: each lifecycle action runs the workflow the template gives for it
(input as JSON, the template's description, the params), polls the execution until
SUCCESS (ERROR fails the resource with Mistral's state_info), keeps the merged outputs,
and takes the physical id from the output's `resource_id` (else the execution id).
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.openstack_services2 import (
    Obj,
    StatusKind,
    api,
    first,
    name_of,
    or_none,
)
from heatctl.engine.wait import Wait

TASK_KEYS = (
    "action",
    "workflow",
    "concurrency",
    "description",
    "input",
    "join",
    "keep_result",
    "on_complete",
    "on_error",
    "on_success",
    "pause_before",
    "policies",
    "publish",
    "requires",
    "retry",
    "target",
    "timeout",
    "wait_after",
    "wait_before",
    "with_items",
)


def _wf(ctx: ResourceContext) -> Any:
    return ctx.conn.workflow


# -- workflows -----------------------------------------------------------------------------
def definition(ctx: ResourceContext, props: dict[str, Any]) -> str:
    """The YAML definition Heat builds from the properties."""
    spec: dict[str, Any] = {
        key: props.get(key)
        for key in ("type", "description", "output", "tags")
        if props.get(key) is not None
    }
    if props.get("input") is not None:
        spec["input"] = list(props["input"])
    if props.get("task_defaults"):
        spec["task-defaults"] = {
            key.replace("_", "-"): value
            for key, value in props["task_defaults"].items()
            if value is not None
        }
    spec["tasks"] = {
        task["name"]: {
            key.replace("_", "-"): task[key] for key in TASK_KEYS if task.get(key) is not None
        }
        for task in props.get("tasks") or []
    }
    return yaml.safe_dump({"version": "2.0", name_of(ctx): spec}, sort_keys=False)


def _post(ctx: ResourceContext, method: str, text: str) -> Obj:
    headers = {"Content-Type": "text/plain"}
    answer = api(_wf(ctx), method, "/workflows", data=text.encode(), headers=headers)
    return answer["workflows"][0]


def _update_workflow(ctx: ResourceContext) -> None:
    if not set(ctx.changed) - {"input", "params", "description"}:
        return
    text = definition(ctx, ctx.properties)
    ctx.call("mistral.workflow.update", lambda: _post(ctx, "PUT", text))


def _delete_workflow(ctx: ResourceContext, name: str) -> None:
    _delete(ctx, f"/workflows/{name}")
    for execution_id in ctx.data.get("executions", []):
        _delete(ctx, f"/executions/{execution_id}")


def _delete(ctx: ResourceContext, path: str) -> None:
    or_none(lambda: api(_wf(ctx), "DELETE", path))


def _get(ctx: ResourceContext, path: str) -> Any:
    return or_none(lambda: api(_wf(ctx), "GET", path))


def _execution_view(execution: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": execution["id"],
        "workflow_name": execution["workflow_name"],
        "created_at": execution["created_at"],
        "updated_at": execution["updated_at"],
        "state": execution["state"],
        "input": json.loads(execution.get("input") or "{}"),
        "output": json.loads(execution.get("output") or "{}"),
    }


def _workflow_attributes(ctx: ResourceContext, workflow: Obj) -> dict[str, Any]:
    executions = [_get(ctx, f"/executions/{eid}") for eid in ctx.data.get("executions", [])]
    return {
        "executions": [_execution_view(e) for e in executions if e],
        "data": {"name": ctx.physical_id, "input": ctx.properties.get("input")},
        "alarm_url": f"heatctl://stacks/{ctx.stack_name}/resources/{ctx.name}/signal",
    }


def check_signal(ctx: ResourceContext, details: Any) -> dict[str, Any]:
    """Heat's checks of a workflow signal: a map of `input` (names the workflow has) and
    `params`; with use_request_body_as_input the whole body is the input."""
    from heatctl.errors import InvalidInput

    if details is None:
        return {}
    if ctx.properties.get("use_request_body_as_input"):
        if not isinstance(details, dict):
            raise InvalidInput("the signal's body (the workflow's input) must be a JSON object")
        return {"body": details}  # Mistral checks it against the workflow's inputs
    if not isinstance(details, dict) or set(details) - {"input", "params"}:
        raise InvalidInput("a workflow signal is a JSON object with 'input' and 'params'")
    given, known = details.get("input"), set(ctx.properties.get("input") or {})
    if given is not None and not isinstance(given, dict):
        raise InvalidInput("the signal's 'input' must be a JSON object")
    unknown = sorted(set(given or {}) - known)
    if unknown:
        raise InvalidInput(
            f"Unknown input {', '.join(unknown)} (the workflow's inputs: "
            f"{', '.join(sorted(known)) or 'none'})"
        )
    if details.get("params") is not None and not isinstance(details["params"], dict):
        raise InvalidInput("the signal's 'params' must be a JSON object")
    return details


def handle_signal(self: Any, ctx: ResourceContext, details: Any) -> str:
    """OS::Mistral::Workflow's signal: start an execution (see start_execution)."""
    execution_id = start_execution(ctx, check_signal(ctx, details))
    return f"Mistral execution {execution_id} started"


def start_execution(ctx: ResourceContext, details: dict[str, Any] | None) -> str:
    """Heat's handle_signal: an execution with the signal's input over the template's
    (each of the template's inputs the signal gives is replaced) and params merged."""
    props, details = ctx.properties, details or {}
    template_input = props.get("input") or {}
    given = details.get("input")
    result_input = (
        {k: given.get(k) or v for k, v in template_input.items()} if isinstance(given, dict) else {}
    )
    if "body" in details:  # use_request_body_as_input: the signal's body is the input
        result_input = dict(details["body"])
    result_params = {**(props.get("params") or {}), **(details.get("params") or {})}
    body = {
        "workflow_name": ctx.physical_id,
        "input": json.dumps(result_input or template_input),
        "params": json.dumps(result_params),
    }
    execution = ctx.call(
        "mistral.execution.create", lambda: api(_wf(ctx), "POST", "/executions", json=body)
    )
    ctx.data["executions"] = [execution["id"], *ctx.data.get("executions", [])]
    return str(execution["id"])


WORKFLOW = StatusKind(
    what="mistral.workflow",
    create=lambda ctx: _post(ctx, "POST", definition(ctx, ctx.properties)),
    get=lambda ctx, name: or_none(lambda: api(_wf(ctx), "GET", f"/workflows/{name}")),
    delete=_delete_workflow,
    find=lambda ctx: first(
        api(_wf(ctx), "GET", "/workflows")["workflows"], lambda w: w["name"] == name_of(ctx)
    ),
    attributes=_workflow_attributes,
    update=_update_workflow,
    status_field=None,
    physical_id=lambda workflow: str(workflow["name"]),
    show=lambda workflow: {k: v for k, v in workflow.items() if k != "definition"},
)


# -- cron triggers -------------------------------------------------------------------------
def _create_trigger(ctx: ResourceContext) -> Obj:
    props = ctx.properties
    workflow = props["workflow"]
    body = {
        "name": name_of(ctx),
        "pattern": props.get("pattern"),
        "workflow_name": workflow["name"],
        "workflow_input": json.dumps(workflow.get("input") or {}),
        "first_execution_time": props.get("first_time"),
        "remaining_executions": props.get("count"),
    }
    body = {k: v for k, v in body.items() if v is not None}
    return api(_wf(ctx), "POST", "/cron_triggers", json=body)


CRON_TRIGGER = StatusKind(
    what="mistral.cron_trigger",
    create=_create_trigger,
    get=lambda ctx, name: or_none(lambda: api(_wf(ctx), "GET", f"/cron_triggers/{name}")),
    delete=lambda ctx, name: or_none(lambda: api(_wf(ctx), "DELETE", f"/cron_triggers/{name}")),
    find=lambda ctx: first(
        api(_wf(ctx), "GET", "/cron_triggers")["cron_triggers"],
        lambda t: t["name"] == name_of(ctx),
    ),
    attributes=lambda ctx, trigger: {
        "next_execution_time": trigger.get("next_execution_time"),
        "remaining_executions": trigger.get("remaining_executions"),
    },
    status_field=None,
    physical_id=lambda trigger: str(trigger["name"]),
)


# -- external resources ------------------------------------------------------------------
class ExternalResourceLifecycle:
    """OS::Mistral::ExternalResource: a workflow execution per lifecycle action."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        """Run the CREATE workflow."""
        return _start(ctx, "CREATE", ctx.properties.get("input") or {})

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        """Poll the execution."""
        return _check(ctx)

    def update(self, ctx: ResourceContext) -> Wait | None:
        """Run the UPDATE workflow with the new input."""
        return _start(ctx, "UPDATE", ctx.properties.get("input") or {})

    def check_update_complete(self, ctx: ResourceContext) -> Wait | None:
        """Poll the execution."""
        return _check(ctx)

    def delete(self, ctx: ResourceContext) -> Wait | None:
        """Run the DELETE workflow, then remove the executions (see _forget_executions)."""
        ctx.data["deleting"] = True
        progress = _start(ctx, "DELETE", ctx.properties.get("input") or {})
        if progress is None:
            _forget_executions(ctx)
        return progress

    def check_delete_complete(self, ctx: ResourceContext) -> Wait | None:
        """Poll the execution."""
        return _check(ctx)

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        """The merged outputs of the executions so far."""
        outputs = ctx.data.get("outputs", {})
        return {"output": outputs, "show": {"outputs": outputs}}

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        """An execution started for this resource (its description carries the tag)."""
        executions = ctx.call(
            "mistral.execution.find", lambda: api(_wf(ctx), "GET", "/executions")["executions"]
        )
        found = first(executions, lambda e: ctx.tag in str(e.get("description")))
        return str(found["id"]) if found else None


def _start(ctx: ResourceContext, action: str, inputs: dict[str, Any]) -> Wait | None:
    ctx.data.pop("execution", None)
    action_data = (ctx.properties.get("actions") or {}).get(action)
    if not action_data:
        return None
    params = dict(action_data.get("params") or {})
    if ctx.physical_id:
        env = dict(params.get("env") or {})
        env["heat_extresource_data"] = ctx.data.get("outputs", {})
        params["env"] = env
    body = {
        "workflow_name": action_data["workflow"],
        "input": json.dumps(inputs),
        "description": f"{ctx.properties.get('description', 'Heat managed')} [{ctx.tag}]",
        "params": json.dumps(params),
    }
    execution = ctx.call(
        f"mistral.execution.{action.lower()}",
        lambda: api(_wf(ctx), "POST", "/executions", json=body),
        creates=True,
        lookup=lambda: _find_execution(ctx, action),
    )
    ctx.data["execution"] = execution["id"]
    ctx.data["executions"] = [*ctx.data.get("executions", []), execution["id"]]
    if action == "CREATE":
        ctx.physical_id = str(execution["id"])
    return _check(ctx)


def _find_execution(ctx: ResourceContext, action: str) -> Any:
    """The execution of `action` started for this resource, if any (for a retried POST)."""
    executions = api(_wf(ctx), "GET", "/executions")["executions"]
    workflow = (ctx.properties.get("actions") or {}).get(action, {}).get("workflow")
    return first(
        reversed(executions),
        lambda e: (
            ctx.tag in str(e.get("description"))
            and e["workflow_name"] == workflow
            and e["state"] == "RUNNING"
        ),
    )


def _check(ctx: ResourceContext) -> Wait | None:
    execution_id = ctx.data.get("execution")
    if not execution_id:
        return None
    execution = ctx.call(
        "mistral.execution.get", lambda: api(_wf(ctx), "GET", f"/executions/{execution_id}")
    )
    state = execution["state"]
    if state in ("RUNNING", "IDLE", "PAUSED"):
        return Wait(None)
    if state != "SUCCESS":
        raise ResourceFailed(
            f"{ctx.name}: Mistral execution {state}: {execution.get('state_info')}"
        )
    output = json.loads(execution.get("output") or "{}")
    ctx.data["outputs"] = {**ctx.data.get("outputs", {}), **output}
    ctx.physical_id = str(output.get("resource_id") or execution_id)[:255]
    ctx.data.pop("execution", None)
    if _deleting(ctx):
        _forget_executions(ctx)
    return None


def _deleting(ctx: ResourceContext) -> bool:
    return bool(ctx.data.get("deleting"))


def _forget_executions(ctx: ResourceContext) -> None:
    """Unlike Heat, heatctl removes the executions it started once the resource is
    deleted, so that a deleted stack leaves nothing behind in Mistral."""
    for execution_id in ctx.data.pop("executions", []):
        _delete_execution(ctx, execution_id)


def _delete_execution(ctx: ResourceContext, execution_id: str) -> None:
    ctx.call("mistral.execution.delete", lambda: _delete(ctx, f"/executions/{execution_id}"))
