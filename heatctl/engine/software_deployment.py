"""SoftwareDeployment / StructuredDeployment as Heat runs them (software_deployment.py,
structured_config.py, service_software_config.py), without a Heat API.

An action (CREATE, UPDATE, DELETE) the deployment's `actions` include (for a `component`
config: the actions of its configs) derives a config from the deployment's config: the
config's inputs with their values, the other input_values as extra inputs, and Heat's
deploy_* inputs (deploy_server_id, deploy_action, deploy_stack_id, deploy_resource_name,
deploy_signal_transport, and per transport deploy_signal_id / deploy_signal_verb). The
derived config is stored, the deployment row points at it, and the server's metadata
(`deployments`: the derived configs of all its deployments, by name) is pushed to the
server's TempURL when it has one (POLL_TEMP_URL). Then:

- NO_SIGNAL: complete at once ("Not waiting for outputs signal");
- TEMP_URL_SIGNAL: deploy_signal_id is a Swift TempURL the agent PUTs its result to;
  heatctl polls the object;
- CFN_SIGNAL, HEAT_SIGNAL, ZAQAR_SIGNAL: the result comes with
  `heatctl stack signal STACK DEPLOYMENT --data '{"deploy_status_code": 0, ...}'`.

A result with a non-zero deploy_status_code, or a value for an output marked error_output,
fails the deployment ("Deployment to server failed: ..."). deploy_stdout, deploy_stderr,
deploy_status_code and the config's outputs become the attributes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.software_store import (
    COMPLETE,
    FAILED,
    IN_PROGRESS,
    Deployment,
    SoftwareConfig,
    SoftwareStore,
    software_store,
)
from heatctl.engine.wait import Wait

OUTPUT_KEYS = ("deploy_stdout", "deploy_stderr", "deploy_status_code")
POLL = 1.0


def _uuid(ctx: ResourceContext, what: str) -> str:
    """Ids derived from the resource's tag: a resumed action makes the same objects again."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"heatctl:{ctx.tag}:{what}"))


def signal_endpoint(ctx: ResourceContext) -> str:
    return f"heatctl://stacks/{ctx.stack_name}/resources/{ctx.name}/signal"


def runs_for(config: SoftwareConfig | None, actions: list[str], action: str) -> bool:
    """Heat: a component config runs for its configs' actions, others for `actions`."""
    if config is not None and config.group == "component" and isinstance(config.config, dict):
        wanted = {a for c in config.config.get("configs") or [] for a in c.get("actions") or []}
        return action in wanted
    return action in actions


# -- derived config ----------------------------------------------------------------------


def derived_inputs(
    ctx: ResourceContext, config: SoftwareConfig | None, action: str
) -> list[dict[str, Any]]:
    """The inputs of the derived config, with their values (Heat's _build_derived_inputs)."""
    values = dict(ctx.properties.get("input_values") or {})
    inputs = []
    for declared in config.inputs if config else []:
        value = values.pop(declared["name"], declared.get("default"))
        inputs.append({**declared, "value": value})
    inputs += [{"name": k, "type": "String", "value": v} for k, v in values.items()]
    transport = str(ctx.properties.get("signal_transport") or "CFN_SIGNAL")
    deploy = {
        "deploy_server_id": (ctx.properties.get("server"), "ID of the server being deployed to"),
        "deploy_action": (action, "Name of the current action being deployed"),
        "deploy_stack_id": (
            f"{ctx.stack_name}/{ctx.stack_id}",
            "ID of the stack this deployment belongs to",
        ),
        "deploy_resource_name": (ctx.name, "Name of this deployment resource in the stack"),
        "deploy_signal_transport": (
            transport,
            "How the server should signal to heat with the deployment output values.",
        ),
    }
    if transport in ("CFN_SIGNAL", "TEMP_URL_SIGNAL"):
        signal_id = ctx.data.get("signal_url") or signal_endpoint(ctx)
        deploy["deploy_signal_id"] = (signal_id, "ID of signal to use for signaling output values")
        verb = "PUT" if transport == "TEMP_URL_SIGNAL" else "POST"
        deploy["deploy_signal_verb"] = (verb, "HTTP verb to use for signaling output values")
    for name, (value, description) in deploy.items():
        inputs.append({"name": name, "type": "String", "value": value, "description": description})
    return inputs


def substitute(value: Any, inputs: Mapping[str, Any], key: str, strict: bool) -> Any:
    """StructuredDeployment: `{<input_key>: name}` becomes the input's value (STRICT: an
    error when there is no such input)."""
    if isinstance(value, Mapping):
        if len(value) == 1:
            (name, argument), *_ = value.items()
            if name == key and isinstance(argument, str):
                if strict and argument not in inputs:
                    raise ResourceFailed(f"The Parameter ({argument}) was not provided.")
                return inputs.get(argument)
        return {k: substitute(v, inputs, key, strict) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, inputs, key, strict) for v in value]
    return value


def derive_config(
    ctx: ResourceContext, config: SoftwareConfig | None, action: str, structured: bool
) -> SoftwareConfig:
    """The config the server runs for this action."""
    inputs = derived_inputs(ctx, config, action)
    content: Any = config.config if config else ""
    if structured:
        values = {i["name"]: i.get("value") for i in inputs}
        strict = ctx.properties.get("input_values_validate") == "STRICT"
        key = str(ctx.properties.get("input_key") or "get_input")
        content = substitute(content, values, key, strict)
    return SoftwareConfig(
        id=_uuid(ctx, f"derived:{action}:{ctx.data.get('runs', 0)}"),
        name=str(
            ctx.properties.get("name") or (config.name if config else "") or ctx.physical_name()
        ),
        group=(config.group if config else "") or "Heat::Ungrouped",
        config=content if content is not None else "",
        inputs=inputs,
        outputs=list(config.outputs) if config else [],
        options=dict(config.options) if config else {},
    )


# -- actions -----------------------------------------------------------------------------


def start(ctx: ResourceContext, action: str, structured: bool = False) -> Wait | None:
    """Run `action` on the server when the deployment is configured to."""
    store = software_store(ctx)
    ctx.physical_id = ctx.physical_id or _uuid(ctx, "deployment")
    config_id = str(ctx.properties.get("config") or "")
    config = store.get_config(config_id, ctx.name) if config_id else None
    actions = list(ctx.properties.get("actions") or ["CREATE", "UPDATE"])
    ctx.data["action"] = action
    if not runs_for(config, actions, action):
        ctx.data["waiting"] = False
        return None
    if ctx.properties.get("signal_transport") == "TEMP_URL_SIGNAL":
        _prepare_swift_signal(ctx)
    previous = store.find_deployment(ctx.physical_id)
    derived = derive_config(ctx, config, action, structured)
    store.create_config(derived, ctx.stack_id)
    no_signal = ctx.properties.get("signal_transport") == "NO_SIGNAL"
    store.save_deployment(
        Deployment(
            id=ctx.physical_id,
            server_id=str(ctx.properties.get("server") or ""),
            config_id=derived.id,
            input_values=dict(ctx.properties.get("input_values") or {}),
            action=action,
            status=COMPLETE if no_signal else IN_PROGRESS,
            status_reason="Not waiting for outputs signal"
            if no_signal
            else "Deploy data available",
            output_values=previous.output_values if previous else {},
            stack_id=ctx.stack_id,
            resource_name=ctx.name,
        )
    )
    if previous is not None and previous.config_id != derived.id:
        store.delete_config(previous.config_id)
    ctx.data.update(
        runs=int(ctx.data.get("runs", 0)) + 1,
        seen=len(ctx.signals(ctx.physical_id)),
        waiting=not no_signal,
    )
    push_server_metadata(ctx, store, str(ctx.properties.get("server") or ""))
    return check(ctx)


def check(ctx: ResourceContext) -> Wait | None:
    """Complete once the result arrived (or at once without a signal)."""
    if not ctx.data.get("waiting") or not ctx.physical_id:
        return None
    store = software_store(ctx)
    deployment = store.find_deployment(ctx.physical_id)
    if deployment is None:
        raise ResourceFailed(f"{ctx.name}: software deployment {ctx.physical_id} was not found")
    if deployment.status == IN_PROGRESS:
        for details in _new_results(ctx):
            deployment = apply_result(store, deployment, details)
    if deployment.status == COMPLETE:
        ctx.data["waiting"] = False
        return None
    if deployment.status == FAILED:
        ctx.data["waiting"] = False
        raise ResourceFailed(f"Deployment to server failed: {deployment.status_reason}")
    return Wait(POLL)


def _new_results(ctx: ResourceContext) -> list[dict[str, Any]]:
    """Results not seen yet: `heatctl stack signal` ones, and a new Swift object body."""
    assert ctx.physical_id is not None
    received = ctx.signals(ctx.physical_id)
    seen = int(ctx.data.get("seen", 0))
    results = [dict(s.get("data") or {}) for s in received[seen:]]
    ctx.data["seen"] = len(received)
    if ctx.data.get("signal_object"):
        from heatctl.engine import software_swift

        found = software_swift.get_object(
            ctx, ctx.data["signal_container"], ctx.data["signal_object"]
        )
        if found is not None and found[0].strip() and found[1] != ctx.data.get("signal_marker"):
            ctx.data["signal_marker"] = found[1]
            try:
                results.append(json.loads(found[0]))
            except ValueError as error:
                raise ResourceFailed(f"{ctx.name}: the signal is not JSON: {error}") from error
    return results


def apply_result(store: SoftwareStore, deployment: Deployment, details: Any) -> Deployment:
    """Heat's signal_software_deployment: outputs, status and reason from a result."""
    details = details if isinstance(details, dict) else {}
    config = store.find_config(deployment.config_id)
    values = dict(deployment.output_values)
    reasons: dict[str, str] = {}
    code = details.get("deploy_status_code")
    if code and str(code) != "0":
        reasons["deploy_status_code"] = f"Deployment exited with non-zero status code: {code}"
    for output in config.outputs if config else []:
        name = str(output.get("name") or "")
        if name in details:
            values[name] = details[name]
            if output.get("error_output"):
                reasons[name] = str(details[name])
    for key in OUTPUT_KEYS:
        values[key] = details.get(key)
    if reasons:
        reason = ", ".join(f"{k} : {v}" for k, v in reasons.items())
        if details.get("deploy_stderr"):
            reason += f" (deploy_stderr: {str(details['deploy_stderr']).strip()[-500:]})"
        deployment.status, deployment.status_reason = FAILED, reason
    else:
        deployment.status, deployment.status_reason = COMPLETE, "Outputs received"
    deployment.output_values = values
    store.save_deployment(deployment)
    return deployment


def delete(ctx: ResourceContext, structured: bool = False) -> Wait | None:
    """Run DELETE on the server when asked to (also a deployment whose actions had only
    DELETE, made now, as Heat), then remove the deployment. A server heatctl no longer
    knows is not waited for (Heat: the server does not exist)."""
    store = software_store(ctx)
    server = str(ctx.properties.get("server") or "")
    config_id = str(ctx.properties.get("config") or "")
    config = store.find_config(config_id) if config_id else None
    actions = list(ctx.properties.get("actions") or [])
    wanted = runs_for(config, actions, "DELETE") and ctx.data.get("action") != "DELETE"
    if wanted and server_row_data(store, server) is not None:
        progress = start(ctx, "DELETE", structured)
        if progress is not None:
            return progress
    return check_delete(ctx)


def check_delete(ctx: ResourceContext) -> Wait | None:
    """Once the DELETE run (if any) completed: remove the deployment and its config. The
    outcome of an earlier action (a failed create) does not stop the delete."""
    progress = check(ctx) if ctx.data.get("action") == "DELETE" else None
    if progress is not None:
        return progress
    store = software_store(ctx)
    found = store.find_deployment(ctx.physical_id or "")
    if found is not None:
        store.delete_deployment(found.id)
        store.delete_config(found.config_id)
        push_server_metadata(ctx, store, found.server_id)
    _remove_swift_signal(ctx)
    return None


def attributes(ctx: ResourceContext) -> dict[str, Any]:
    """deploy_stdout, deploy_stderr, deploy_status_code and the outputs received."""
    found = software_store(ctx).find_deployment(ctx.physical_id or "")
    values = dict(found.output_values) if found else {}
    for key in OUTPUT_KEYS:
        values.setdefault(key, None)
    return values


# -- delivery ----------------------------------------------------------------------------


def _prepare_swift_signal(ctx: ResourceContext) -> None:
    """TEMP_URL_SIGNAL: an empty object in the stack's container and its PUT TempURL."""
    from heatctl.engine import software_swift

    container = str(ctx.data.get("signal_container") or ctx.stack_id)
    name = str(ctx.data.get("signal_object") or ctx.physical_name())
    if not ctx.data.get("signal_object"):
        software_swift.put_container(ctx, container)
    software_swift.put_object(ctx, container, name, "")  # an earlier result is not this one's
    ctx.data.pop("signal_marker", None)
    # Signed again for each action: the same object, at the endpoint of this session.
    url = software_swift.temp_url(ctx, container, name, "PUT")
    ctx.data.update(signal_container=container, signal_object=name, signal_url=url)


def _remove_swift_signal(ctx: ResourceContext) -> None:
    if not ctx.data.get("signal_object"):
        return
    from heatctl.engine import software_swift

    software_swift.delete_all_versions(ctx, ctx.data["signal_container"], ctx.data["signal_object"])
    software_swift.delete_container_if_empty(ctx, ctx.data["signal_container"])
    for key in ("signal_container", "signal_object", "signal_url", "signal_marker"):
        ctx.data.pop(key, None)


def server_row_data(store: SoftwareStore, server_id: str) -> dict[str, Any] | None:
    """The stored data of the resource (any stack) whose physical id is the server."""
    with store.store._mutex:
        row = store.store.db.execute(
            "SELECT data FROM resources WHERE physical_id = ? AND current = 1", [server_id]
        ).fetchone()
    return json.loads(row[0] or "{}") if row is not None else None


def push_server_metadata(ctx: ResourceContext, store: SoftwareStore, server_id: str) -> None:
    """Write the server's metadata, with its deployments, to its Swift object
    (POLL_TEMP_URL), as Heat's _push_metadata_software_deployments. Heat PUTs to the
    object's TempURL; heatctl writes the same object through the Swift API, so a TempURL
    signed for an earlier endpoint (the embedded sandbox's port changes between runs)
    does not get in the way."""
    data = server_row_data(store, server_id) or {}
    container, name = data.get("metadata_container"), data.get("metadata_object_name")
    if not container or not name:
        return  # the metadata stays in heatctl's state (no Heat API to poll)
    from heatctl.engine import software_swift

    metadata = {**(data.get("metadata") or {}), "deployments": store.server_metadata(server_id)}
    software_swift.put_object(ctx, str(container), str(name), json.dumps(metadata))
