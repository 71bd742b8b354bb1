"""Mistral v2 (/workflow/v2): workflows, executions and cron triggers.

Workflows are posted as YAML text (Mistral's DSL v2, several per document), checked as
Mistral checks them (version 2.0, a direct or reverse type, tasks that name an action or
a workflow, transitions to tasks that exist, actions that exist) and named uniquely.

An execution runs its workflow when it is created, in a small interpreter of the DSL:
direct workflows follow on-success/on-error/on-complete from the tasks nothing leads to,
reverse workflows run a task's `requires` first; task input, `publish` and the
workflow's `output` are YAQL expressions `<% ... %>` evaluated over the execution's
context (`$.name`, `task(name).result`). The actions are Mistral's std.noop, std.echo
(`output`) and std.fail, and sub-workflows. The execution shows RUNNING, then SUCCESS or
ERROR (with state_info) after the settle time. Jinja expressions and other actions
(std.http, std.ssh, OpenStack actions) are refused: the sandbox cannot run them.

Cron triggers are stored with their next execution time computed from the pattern (or
first_execution_time); the sandbox does not fire them.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.generic import GenericService, ServiceSpec
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    empty,
    json_response,
    new_id,
    public,
)

WORKFLOW, EXECUTION, TRIGGER = "mistral_workflow", "mistral_execution", "mistral_cron_trigger"
ACTIONS = {"std.noop", "std.echo", "std.fail"}
EXPRESSION = re.compile(r"<%(.*?)%>", re.S)
SETTLE = 0.2
MAX_DEPTH = 10
MAX_STEPS = 1000


def _versions(base_url: str) -> tuple[int, Body]:
    link = {"href": f"{base_url}/workflow/v2", "rel": "self"}
    return 200, {"versions": [{"id": "v2.0", "status": "CURRENT", "links": [link]}]}


def _error(error: ApiError) -> Response:
    """Mistral's error body: faultstring, debuginfo, faultcode."""
    fault = "Client" if error.status < 500 else "Server"
    body = {"faultstring": error.message, "debuginfo": None, "faultcode": fault}
    return json_response(error.status, body, dict(error.headers))


class WorkflowError(Exception):
    """A task failed or an expression could not be evaluated: the execution is in ERROR."""


# -- the DSL ----------------------------------------------------------------------------
def parse_definition(text: str) -> dict[str, Body]:
    """The workflows of a definition (name -> spec), checked as Mistral does."""
    from heatctl.dsl.loader import LoadError, loads, plain

    try:
        document = plain(loads(text, what="workflow definition"))
    except LoadError as error:
        raise ApiError(400, f"Invalid DSL: {error}") from None
    if str(document.get("version")) != "2.0":
        raise ApiError(400, "Invalid DSL: version must be '2.0'")
    workflows = {str(k): v for k, v in document.items() if k not in ("version", "name")}
    if not workflows:
        raise ApiError(400, "Invalid DSL: the definition has no workflow")
    for name, spec in workflows.items():
        _check_workflow(name, spec)
    return workflows


def _check_workflow(name: str, spec: Any) -> None:
    if not isinstance(spec, dict):
        raise ApiError(400, f"Invalid DSL: workflow {name} must be a map")
    if spec.get("type", "direct") not in ("direct", "reverse"):
        raise ApiError(400, f"Invalid DSL: workflow {name} type must be direct or reverse")
    tasks = spec.get("tasks")
    if not isinstance(tasks, dict) or not tasks:
        raise ApiError(400, f"Invalid DSL: workflow {name} has no tasks")
    for task_name, task in tasks.items():
        if not isinstance(task, dict):
            raise ApiError(400, f"Invalid DSL: task {task_name} must be a map")
        if ("action" in task) == ("workflow" in task):
            raise ApiError(400, f"Invalid DSL: task {task_name} needs an action or a workflow")
        action = str(task.get("action", "")).split(" ", 1)[0]
        if "action" in task and action not in ACTIONS:
            raise ApiError(400, f"Action not found [action_name={action}]")
        for target in _transitions(task):
            if target not in tasks:
                raise ApiError(400, f"Invalid DSL: task '{target}' not found (from {task_name})")


def _transitions(task: Body, *keys: str) -> list[str]:
    names: list[str] = []
    for key in keys or ("on-success", "on-error", "on-complete", "requires"):
        value = task.get(key) or []
        for item in value if isinstance(value, list) else [value]:
            names.extend(item.keys() if isinstance(item, dict) else [str(item)])
    return names


def input_names(spec: Body) -> list[tuple[str, Any, bool]]:
    """(name, default, has_default) of the workflow's inputs."""
    result: list[tuple[str, Any, bool]] = []
    for item in spec.get("input") or []:
        if isinstance(item, dict):
            result.extend((str(k), v, True) for k, v in item.items())
        else:
            result.append((str(item), None, False))
    return result


def evaluate(value: Any, context: Body, results: Body) -> Any:
    """A value with its YAQL expressions evaluated over the execution context."""
    if isinstance(value, dict):
        return {k: evaluate(v, context, results) for k, v in value.items()}
    if isinstance(value, list):
        return [evaluate(v, context, results) for v in value]
    if not isinstance(value, str) or "<%" not in value:
        if isinstance(value, str) and "{{" in value:
            raise WorkflowError(f"Jinja expressions are not supported here: {value}")
        return value
    whole = EXPRESSION.fullmatch(value.strip())
    if whole and "%>" not in whole.group(1):
        return _yaql(whole.group(1), context, results)
    return EXPRESSION.sub(lambda m: str(_yaql(m.group(1), context, results)), value)


def _yaql(expression: str, context: Body, results: Body) -> Any:
    from heatctl.dsl.functions.structures import _plain
    from heatctl.dsl.functions.structures import _yaql as yaql_engine

    engine, root, error_type = yaql_engine()
    child = root.create_child_context()
    child.register_function(
        lambda name=None: {"result": results.get(name if name else "__last__")}, name="task"
    )
    try:
        return _plain(engine(expression.strip()).evaluate(context, child))
    except (error_type, ValueError, TypeError, KeyError, AttributeError) as error:
        raise WorkflowError(
            f"Can not evaluate YAQL expression [expression={expression.strip()}, error={error}]"
        ) from None


class Runner:
    """Runs one workflow of the stored ones (see the module docstring)."""

    def __init__(self, workflows: dict[str, Body]) -> None:
        self.workflows = workflows
        self.steps = 0

    def run(self, name: str, given: Body, params: Body, depth: int = 0) -> Any:
        """The workflow's output for `given` input; WorkflowError when it fails."""
        spec = self.workflows.get(name)
        if spec is None or depth > MAX_DEPTH:
            raise WorkflowError(f"Workflow not found [workflow_name={name}]")
        context = {n: given.get(n, default) for n, default, _ in input_names(spec)}
        if params.get("env"):
            context["__env"] = params["env"]
        results: Body = {}
        tasks = spec["tasks"]
        if spec.get("type", "direct") == "reverse":
            self._reverse(tasks, str(params.get("task_name") or ""), context, results, depth)
        else:
            self._direct(tasks, context, results, depth)
        published = {k: v for k, v in context.items() if k not in given and k != "__env"}
        if "output" in spec:
            return evaluate(spec["output"], context, results)
        return published

    def _direct(self, tasks: Body, context: Body, results: Body, depth: int) -> None:
        targets = {t for task in tasks.values() for t in _transitions(task)}
        queue = [name for name in tasks if name not in targets]
        while queue:
            name = queue.pop(0)
            task = tasks[name]
            ok = self._task(name, task, context, results, depth)
            nexts = _transitions(task, "on-success" if ok else "on-error", "on-complete")
            if not ok and not _transitions(task, "on-error", "on-complete"):
                raise WorkflowError(f"Failure caused by error in tasks: {name}")
            queue.extend(nexts)

    def _reverse(self, tasks: Body, goal: str, context: Body, results: Body, depth: int) -> None:
        if goal and goal not in tasks:
            raise WorkflowError(f"Task {goal} not found in the reverse workflow")
        done: set[str] = set()

        def visit(name: str) -> None:
            for needed in _transitions(tasks[name], "requires"):
                if needed not in done:
                    visit(needed)
            if name not in done and not self._task(name, tasks[name], context, results, depth):
                raise WorkflowError(f"Failure caused by error in tasks: {name}")
            done.add(name)

        for name in [goal] if goal else list(tasks):
            visit(name)

    def _task(self, name: str, task: Body, context: Body, results: Body, depth: int) -> bool:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise WorkflowError("The workflow ran more than 1000 tasks (a loop?)")
        action, _, inline = str(task.get("action", "")).partition(" ")
        arguments = {**_inline(inline), **(task.get("input") or {})}
        arguments = evaluate(arguments, context, results)
        if "workflow" in task:
            result = self.run(str(task["workflow"]), arguments, {}, depth + 1)
        elif action == "std.fail":
            results[name] = results["__last__"] = arguments.get("error_data")
            return False
        else:
            result = arguments.get("output") if action == "std.echo" else None
        results[name] = results["__last__"] = result
        context.update(evaluate(task.get("publish") or {}, context, results))
        return True


def _inline(text: str) -> Body:
    """An action's inline arguments: `key=value` pairs, values as YAML scalars."""
    from heatctl.dsl.loader import LoadError, loads

    values: Body = {}
    for match in re.finditer(r"(\w+)=(\"[^\"]*\"|'[^']*'|<%.*?%>|\S+)", text):
        raw = match.group(2)
        if raw[0] in "\"'":
            values[match.group(1)] = raw[1:-1]
            continue
        try:
            values[match.group(1)] = loads(raw, expect=None, what="argument")
        except LoadError:
            values[match.group(1)] = raw
    return values


# -- cron ----------------------------------------------------------------------------------
def next_cron_time(pattern: str, after: datetime.datetime) -> datetime.datetime:
    """The first minute after `after` that the five-field cron pattern matches."""
    fields = pattern.split()
    if len(fields) != 5:
        raise ApiError(400, f"Invalid cron pattern: {pattern}")
    ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 6)]
    allowed = [
        _cron_field(text, low, high, pattern)
        for text, (low, high) in zip(fields, ranges, strict=True)
    ]
    minute = after.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    for _ in range(366 * 4):
        day_ok = minute.day in allowed[2] and minute.month in allowed[3]
        if day_ok and (minute.isoweekday() % 7) in allowed[4]:
            for hour in sorted(h for h in allowed[1] if h >= minute.hour):
                start = minute.minute if hour == minute.hour else 0
                for value in sorted(m for m in allowed[0] if m >= start):
                    return minute.replace(hour=hour, minute=value)
        minute = (minute + datetime.timedelta(days=1)).replace(hour=0, minute=0)
    raise ApiError(400, f"Invalid cron pattern: {pattern} never matches")


def _cron_field(text: str, low: int, high: int, pattern: str) -> set[int]:
    values: set[int] = set()
    for part in text.split(","):
        body, _, step_text = part.partition("/")
        try:
            step = int(step_text) if step_text else 1
            if body == "*":
                start, end = low, high
            else:
                first, _, last = body.partition("-")
                start, end = int(first), int(last or (high if step_text else first))
        except ValueError:
            raise ApiError(400, f"Invalid cron pattern: {pattern}") from None
        if not low <= start <= end <= high or step < 1:
            raise ApiError(400, f"Invalid cron pattern: {pattern}")
        values.update(range(start, end + 1, step))
    return values


def _json_field(value: Any, what: str) -> Body:
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ApiError(400, f"{what} must be a JSON object") from None
    if not isinstance(value, dict):
        raise ApiError(400, f"{what} must be a JSON object")
    return value


# -- the service ---------------------------------------------------------------------------
class MistralService(GenericService):
    """Mistral's API (its objects are not plain CRUD: workflows are YAML text)."""

    def extra_routes(self) -> None:
        """Workflows, executions, cron triggers."""
        r = self.router.add
        r("POST", "/v2/workflows", lambda q: self.save_workflows(q, create=True))
        r("PUT", "/v2/workflows", lambda q: self.save_workflows(q, create=False))
        r("GET", "/v2/workflows", lambda q: self.listing(q, WORKFLOW, "workflows"))
        r("GET", "/v2/workflows/{id}", lambda q: self.show_named(q, WORKFLOW))
        r("DELETE", "/v2/workflows/{id}", self.delete_workflow)
        r("POST", "/v2/executions", self.create_execution)
        r("GET", "/v2/executions", lambda q: self.listing(q, EXECUTION, "executions"))
        r("GET", "/v2/executions/{id}", lambda q: self.show_named(q, EXECUTION))
        r("DELETE", "/v2/executions/{id}", lambda q: self.remove_named(q, EXECUTION))
        r("POST", "/v2/cron_triggers", self.create_trigger)
        r("GET", "/v2/cron_triggers", lambda q: self.listing(q, TRIGGER, "cron_triggers"))
        r("GET", "/v2/cron_triggers/{id}", lambda q: self.show_named(q, TRIGGER))
        r("DELETE", "/v2/cron_triggers/{id}", lambda q: self.remove_named(q, TRIGGER))

    # -- storage ---------------------------------------------------------------------------
    def named(self, request: Request, kind: str, key: str) -> Body:
        """An object of the caller's project by id or by name (Mistral accepts both)."""
        body = self.cloud.load(kind, key)
        if body is None:
            body = next((b for b in self.own(request, kind) if b.get("name") == key), None)
        if body is None or body["_cols"]["project"] != request.project_id:
            what = {WORKFLOW: "Workflow", EXECUTION: "Execution", TRIGGER: "Cron trigger"}[kind]
            raise ApiError(404, f"{what} not found [name={key}]")
        return body

    def own(self, request: Request, kind: str) -> list[Body]:
        """The caller's objects of a kind."""
        return self.cloud.query(kind, project=request.project_id)

    def keep(self, kind: str, body: Body, project: str) -> None:
        """Save an object with its index columns."""
        body["_cols"] = {"id": body["id"], "project": project, "name": body.get("name") or ""}
        self.cloud.save(kind, body)

    def listing(self, request: Request, kind: str, plural: str) -> Response:
        """The caller's objects, filtered by any field given as a query parameter."""
        items = [public(b) for b in self.own(request, kind)]
        for name, values in request.query.items():
            if name not in ("limit", "marker", "sort_keys", "sort_dirs", "fields"):
                items = [i for i in items if str(i.get(name)) == values[-1]]
        return json_response(200, {plural: items})

    def show_named(self, request: Request, kind: str) -> Response:
        """One object."""
        return json_response(200, public(self.named(request, kind, request.params["id"])))

    def remove_named(self, request: Request, kind: str) -> Response:
        """Delete an object."""
        body = self.named(request, kind, request.params["id"])
        self.cloud.store.delete(kind, body["id"])
        return empty(204)

    # -- workflows -------------------------------------------------------------------------
    def save_workflows(self, request: Request, *, create: bool) -> Response:
        """POST (new names only) or PUT (existing names only) a YAML definition."""
        text = request.raw.decode("utf-8", "replace")
        workflows = parse_definition(text)
        existing = {b["name"]: b for b in self.own(request, WORKFLOW)}
        saved = []
        for name in workflows:
            if create and name in existing:
                raise ApiError(409, f"Duplicate entry for WorkflowDefinition: ['{name}']")
            if not create and name not in existing:
                raise ApiError(404, f"Workflow not found [workflow_name={name}]")
        for name, spec in workflows.items():
            body = existing.get(name) or {"id": new_id(), "created_at": self.now_iso()}
            body.update(
                name=name,
                definition=text,
                input=", ".join(
                    f"{n}={json.dumps(d)}" if has else n for n, d, has in input_names(spec)
                ),
                tags=spec.get("tags") or [],
                scope=request.arg("scope") or "private",
                namespace="",
                project_id=request.project_id,
                updated_at=self.now_iso() if not create else None,
                _spec=spec,
            )
            self.keep(WORKFLOW, body, request.project_id)
            saved.append(public(body))
        return json_response(201 if create else 200, {"workflows": saved})

    def delete_workflow(self, request: Request) -> Response:
        """Delete a workflow no cron trigger uses."""
        body = self.named(request, WORKFLOW, request.params["id"])
        for trigger in self.own(request, TRIGGER):
            if trigger["workflow_id"] == body["id"]:
                raise ApiError(
                    400,
                    f"Can't delete workflow that has cron triggers associated [name={body['name']}]",
                )
        self.cloud.store.delete(WORKFLOW, body["id"])
        return empty(204)

    # -- executions ------------------------------------------------------------------------
    def create_execution(self, request: Request) -> Response:
        """Start an execution; it runs now and shows its outcome after the settle time."""
        data = request.json()
        if not isinstance(data, dict):
            raise ApiError(400, "The request body must be a JSON object.")
        workflow = self.named(
            request, WORKFLOW, str(data.get("workflow_id") or data.get("workflow_name") or "")
        )
        given = _json_field(data.get("input"), "input")
        params = _json_field(data.get("params"), "params")
        self._check_input(workflow, given)
        body: Body = {
            "id": new_id(),
            "workflow_id": workflow["id"],
            "workflow_name": workflow["name"],
            "workflow_namespace": "",
            "description": data.get("description") or "",
            "params": json.dumps(params),
            "input": json.dumps(given),
            "output": "{}",
            "state": "RUNNING",
            "state_info": None,
            "task_execution_id": None,
            "root_execution_id": None,
            "project_id": request.project_id,
            "created_at": self.now_iso(),
            "updated_at": self.now_iso(),
        }
        self.cloud.schedule(body, SETTLE, self._outcome(request, workflow["name"], given, params))
        self.keep(EXECUTION, body, request.project_id)
        return json_response(201, public(body))

    def _check_input(self, workflow: Body, given: Body) -> None:
        names = input_names(workflow["_spec"])
        missing = [n for n, _, has in names if not has and n not in given]
        unexpected = sorted(set(given) - {n for n, _, _ in names})
        if missing or unexpected:
            raise ApiError(
                400,
                f"Invalid input [name={workflow['name']}, class=WorkflowSpec, "
                f"missing={missing}, unexpected={unexpected}]",
            )

    def _outcome(self, request: Request, name: str, given: Body, params: Body) -> Body:
        workflows = {b["name"]: b["_spec"] for b in self.own(request, WORKFLOW)}
        try:
            output = Runner(workflows).run(name, given, params)
        except WorkflowError as error:
            return {"state": "ERROR", "state_info": str(error), "output": "{}"}
        if not isinstance(output, dict):
            output = {"result": output}
        return {"state": "SUCCESS", "output": json.dumps(output)}

    # -- cron triggers ---------------------------------------------------------------------
    def create_trigger(self, request: Request) -> Response:
        """A cron trigger of a workflow, with its next execution time."""
        data = request.json()
        if not isinstance(data, dict) or not data.get("name"):
            raise ApiError(400, "A cron trigger needs a name.")
        if any(t["name"] == data["name"] for t in self.own(request, TRIGGER)):
            raise ApiError(409, f"Duplicate entry for cron trigger: {data['name']}")
        workflow = self.named(
            request, WORKFLOW, str(data.get("workflow_id") or data.get("workflow_name") or "")
        )
        given = _json_field(data.get("workflow_input"), "workflow_input")
        self._check_input(workflow, given)
        pattern, first = data.get("pattern"), data.get("first_execution_time")
        if not pattern and not first:
            raise ApiError(400, "Pattern or first_execution_time must be specified.")
        now = datetime.datetime.fromtimestamp(self.cloud.now(), datetime.UTC).replace(tzinfo=None)
        if first:
            try:
                when = datetime.datetime.strptime(str(first), "%Y-%m-%d %H:%M")
            except ValueError:
                raise ApiError(400, f"Invalid first_execution_time: {first}") from None
            if when <= now:
                raise ApiError(400, "First_execution_time must be at least 1 second in the future.")
            if pattern:
                next_cron_time(str(pattern), now)  # validates the pattern
        else:
            when = next_cron_time(str(pattern), now)
        count = data.get("remaining_executions")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise ApiError(400, "remaining_executions must be a positive integer")
        body: Body = {
            "id": new_id(),
            "name": data["name"],
            "pattern": pattern,
            "workflow_id": workflow["id"],
            "workflow_name": workflow["name"],
            "workflow_input": json.dumps(given),
            "workflow_params": json.dumps(_json_field(data.get("workflow_params"), "params")),
            "first_execution_time": first,
            "next_execution_time": when.strftime("%Y-%m-%d %H:%M:%S"),
            "remaining_executions": count,
            "scope": "private",
            "project_id": request.project_id,
            "created_at": self.now_iso(),
            "updated_at": None,
        }
        self.keep(TRIGGER, body, request.project_id)
        return json_response(201, public(body))


SPEC = ServiceSpec(
    type="workflowv2",
    name="mistral",
    prefix="/workflow",
    endpoint="/workflow/v2",
    versions=_versions,
    collections=(),
    error=_error,
    extra_kinds=((WORKFLOW, "workflow"), (EXECUTION, "execution"), (TRIGGER, "cron_trigger")),
)


def make(cloud: Cloud) -> MistralService:
    """The Mistral service of a sandbox."""
    return MistralService(cloud, SPEC)
