"""Stack operations: create, update, delete, resume, preview; outputs at the end.

The template side comes in through `TemplateModel` (the Model Interpreter's loaded template
behind a small Protocol), the cloud side through resource plugins (`plugin_for`). One
operation = lock the stack, move it to ACTION_IN_PROGRESS, plan, apply with the walker,
resolve outputs, move it to ACTION_COMPLETE/FAILED, unlock. Any crash in between leaves
a state from which `resume` finishes the same operation: it re-plans against the stored
template and rows (interrupted creates are adopted by tag, see apply.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import networkx as nx

from heatctl.engine import locks
from heatctl.engine.apply import ApplyOptions, Operation, apply_plan
from heatctl.engine.lifecycle import ResourceFailed, ResourceLifecycle
from heatctl.engine.planner import (
    UNKNOWN,
    Change,
    Decision,
    DesiredResource,
    Plan,
    Step,
    TypeInfo,
    coerce_properties,
    plan,
)
from heatctl.engine.progress import Progress, ProgressEvent
from heatctl.engine.records import StackRecord
from heatctl.engine.states import Action, State, Status
from heatctl.engine.store import StateStore
from heatctl.engine.walker import Phase, WalkResult
from heatctl.errors import ConflictError, OperationFailed


@dataclass(frozen=True)
class ResourceSpec:
    """A resource as the template writes it (properties may hold function calls)."""

    name: str
    type: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    deletion_policy: str = "Delete"
    external_id: str | None = None


@dataclass(frozen=True)
class OutputSpec:
    value: Any
    description: str = ""


class ResourceResolver(Protocol):
    """heatctl.dsl.functions' view of resources (reference/attribute raise LookupError)."""

    def reference(self, name: str) -> Any: ...

    def attribute(self, name: str, attr: str, path: list[Any]) -> Any: ...

    def all_attributes(self, name: str) -> dict[str, Any]: ...

    def has_resource(self, name: str) -> bool: ...


class TemplateModel(Protocol):
    """What the engine needs from a loaded, validated template."""

    document: dict[str, Any]
    environment: dict[str, Any]
    parameters: dict[str, Any]
    hidden_parameters: list[str]
    files: dict[str, str]
    resources: Mapping[str, ResourceSpec]
    outputs: Mapping[str, OutputSpec]
    graph: nx.DiGraph  # edges requirement -> dependent

    def evaluate(self, value: Any, resources: ResourceResolver) -> Any:
        """Evaluate functions in `value`; calls whose resource is unknown stay as written."""
        ...

    def is_partial(self, value: Any) -> bool:
        """True when `value` still holds a function call."""
        ...

    def bind(self, stack_id: str, stack_name: str) -> Any:
        """Give the pseudo parameters (OS::stack_id, OS::stack_name) their values."""
        ...


class StoreResolver:
    """Answers get_resource/get_attr from the stored rows of a stack.

    `allowed` limits the answers to some resources (planning: only those that keep their
    physical id and attributes); others raise LookupError so their references stay
    unresolved. `referable` does the same for get_resource, whose answer (the physical id)
    also holds for a resource updated in place (default: `allowed`)."""

    def __init__(
        self,
        store: StateStore,
        stack_id: str,
        allowed: Callable[[str], bool] | None = None,
        names: frozenset[str] | None = None,
        referable: Callable[[str], bool] | None = None,
    ) -> None:
        self.store = store
        self.stack_id = stack_id
        self.allowed = allowed or (lambda name: True)
        self.referable = referable or self.allowed
        self.names = names
        self._rows: dict[str, Any] = {}  # one evaluation reads each row once

    def _row(self, name: str, allowed: Callable[[str], bool] | None = None) -> Any:
        if not (allowed or self.allowed)(name):
            raise LookupError(name)
        if name not in self._rows:
            self._rows[name] = self.store.find_resource(self.stack_id, name)
        row = self._rows[name]
        if row is None or row.physical_id is None or row.status.action is Action.INIT:
            raise LookupError(name)
        return row

    def reference(self, name: str) -> Any:
        row = self._row(name, self.referable)
        attribute = row.data.get("reference_attribute")
        if attribute:  # e.g. RandomString: get_resource gives the generated string
            if not self.allowed(name):  # an attribute may change with an update
                raise LookupError(name)
            return self.store.resource_attributes(row.id, reveal=True).get(attribute)
        return row.physical_id

    def attribute(self, name: str, attr: str, path: list[Any]) -> Any:
        row = self._row(name)
        values = self.store.resource_attributes(row.id, reveal=True)
        if attr not in values:
            return None
        return select_path(values[attr], path)

    def all_attributes(self, name: str) -> dict[str, Any]:
        row = self._row(name)
        values = self.store.resource_attributes(row.id, reveal=True)
        return {k: v for k, v in values.items() if k != "show"}

    def has_resource(self, name: str) -> bool:
        if self.names is not None:
            return name in self.names
        return self.store.find_resource(self.stack_id, name) is not None


def select_path(value: Any, path: Sequence[Any]) -> Any:
    """Walk keys/indexes into a value; a step that does not fit gives None (Heat)."""
    for step in path:
        if isinstance(value, Mapping):
            value = value.get(step)
        elif isinstance(value, list):
            try:
                value = value[int(step)]
            except (ValueError, IndexError, TypeError):
                return None
        else:
            return None
    return value


@dataclass
class RunOptions:
    """How one stack operation runs."""

    max_parallel: int | None = 10
    timeout: float | None = None  # seconds for the whole operation
    lock_timeout: float = 0.0
    rollback: bool = False
    command: str = "heatctl"
    progress: Progress | None = None
    heartbeat_interval: float = 15.0
    walker_options: dict[str, Any] = field(default_factory=dict)
    nested: bool = False
    """True when a parent stack's resource runs this operation on its child stack (only
    then may a child stack be changed: see StackEngine.refuse_child)."""
    stop_requested: Callable[[], bool] | None = None
    """Also stop when this says so (a child stops when its parent's operation is cancelled)."""


@dataclass
class OperationResult:
    """How a stack operation ended."""

    stack: StackRecord
    walk: WalkResult | None
    plan: Plan | None = None

    @property
    def ok(self) -> bool:
        """COMPLETE, and not a rollback (that completes only after a failure)."""
        status = self.stack.status
        return status.state is State.COMPLETE and status.action is not Action.ROLLBACK

    def root_causes(self) -> dict[str, str]:
        if self.walk is None:
            return {}
        return {str(getattr(n, "name", n)): reason for n, reason in self.walk.failed.items()}


@dataclass(frozen=True)
class RunningOperation:
    """An operation being applied to a stack (what its child stacks inherit)."""

    options: RunOptions
    started: float  # time.monotonic()
    stop_requested: Callable[[], bool]

    def remaining(self) -> float | None:
        """Seconds left before the operation's timeout (None: no timeout)."""
        if self.options.timeout is None:
            return None
        return self.options.timeout - (time.monotonic() - self.started)


class StackEngine:
    """Stack operations over one state store and one set of plugins."""

    def __init__(
        self,
        store: StateStore,
        plugin_for: Callable[[str], ResourceLifecycle],
        type_info: Callable[[str], TypeInfo],
        *,
        connection_factory: Callable[[], Any] | None = None,
        secret_attributes: Callable[[str], tuple[str, ...]] = lambda type_name: (),
    ) -> None:
        self.store = store
        self._type_plugin = plugin_for
        self._type_info = type_info
        # Nested stacks: the models being applied (a provider-template resource loads its
        # child from its parent's model) and the types that are provider templates.
        self.models: dict[str, TemplateModel] = {}
        self.template_types: set[str] = set()
        self.connection_factory = connection_factory
        self.secret_attributes = secret_attributes
        self._last_event: dict[str, int] = {}
        # The operations being applied, by stack id: their options, when they started and
        # whether they were asked to stop (a child stack inherits the rest of the timeout
        # and the cancel of its parent's operation: heatctl.engine.nested).
        self.running: dict[str, RunningOperation] = {}
        self._forward_lock = threading.RLock()

    def plugin_for(self, type_name: str) -> ResourceLifecycle:
        """The plugin of a type; types run as nested stacks (ResourceGroup) get one bound to
        this engine, so their child stack goes through the same operations."""
        from heatctl.engine.nested import TemplatePlugin, nested_plugin

        found = nested_plugin(self, type_name)
        if found is not None:
            return found
        if type_name in self.template_types:  # the environment maps it to a template
            return TemplatePlugin(self, ResourceFailed(f"no template for {type_name}"))
        try:
            return self._type_plugin(type_name)
        except ResourceFailed as error:
            # Not a plugin type: maybe a provider template (known from the model being
            # applied, or, for a delete, from the child stack the resource left).
            return TemplatePlugin(self, error)

    def type_info(self, type_name: str) -> TypeInfo:
        """A provider template's properties (its parameters) all update in place."""
        if type_name in self.template_types:
            return TypeInfo(open_properties=True)
        return self._type_info(type_name)

    def _remember(self, stack_id: str, model: TemplateModel | None) -> None:
        if model is None:
            return
        self.models[stack_id] = model
        self.template_types.update(getattr(model, "template_types", ()))

    # -- operations -----------------------------------------------------------------------

    def create(
        self,
        name: str,
        model: TemplateModel,
        options: RunOptions,
        *,
        parent_id: str | None = None,
    ) -> OperationResult:
        """Create a stack from a model; with rollback, a failed create is deleted again.
        `parent_id` makes it the nested (child) stack of that stack."""
        stack = self.store.create_stack(
            name,
            model.document,
            environment=stored_environment(model),
            parameters=model.parameters,
            hidden_parameters=model.hidden_parameters,
            hidden_values=getattr(model, "hidden_values", {}),
            files=model.files,
            timeout_mins=None if options.timeout is None else max(1, round(options.timeout / 60)),
            disable_rollback=not options.rollback,
            parent_id=parent_id,
        )
        model.bind(stack.id, stack.name)
        with self._locked(stack, options):
            return self._converge(stack, model, Action.CREATE, options)

    def converge_nested(
        self, name: str, model: TemplateModel, options: RunOptions, parent_id: str
    ) -> OperationResult:
        """Create the child stack `name` of `parent_id`, or change it to `model`; first
        finishing what an interrupted operation left (a crash inside a nested stack)."""
        child = self.store.find_stack(name)
        if child is not None and child.status.action in (Action.DELETE, Action.ROLLBACK):
            self.delete(child.id, options)  # finish it; a new child is made below
            child = self.store.find_stack(name)
        if child is None:
            return self.create(name, model, options, parent_id=parent_id)
        interrupted_create = child.status == Status(Action.CREATE, State.IN_PROGRESS)
        if interrupted_create or child.status.action is Action.INIT:
            model.bind(child.id, child.name)
            with self._locked(child, options):
                return self._converge(child, model, Action.CREATE, options)
        return self.update(child.id, model, options)

    def adopt(
        self,
        name: str,
        model: TemplateModel,
        physical_ids: Mapping[str, str],
        options: RunOptions,
    ) -> OperationResult:
        """Take over existing cloud resources (`stack abandon` data) as a new stack: rows
        start with their physical ids, so each is checked, not created (Heat's ADOPT)."""
        stack = self.store.create_stack(
            name,
            model.document,
            environment=stored_environment(model),
            parameters=model.parameters,
            hidden_parameters=model.hidden_parameters,
            hidden_values=getattr(model, "hidden_values", {}),
            files=model.files,
        )
        model.bind(stack.id, stack.name)
        with self._locked(stack, options):
            requires = {n: frozenset(model.graph.predecessors(n)) for n in model.resources}
            self.store.add_initial_resources(
                stack.id,
                ((n, s.type, requires[n], s.deletion_policy) for n, s in model.resources.items()),
            )
            for resource_name, physical_id in physical_ids.items():
                row = self.store.find_resource(stack.id, resource_name)
                if row is not None and physical_id:
                    self.store.set_resource_data(row.id, physical_id=physical_id)
            return self._converge(stack, model, Action.ADOPT, options)

    def update(
        self,
        name_or_id: str,
        model: TemplateModel,
        options: RunOptions,
        previous_model: Callable[[StackRecord], TemplateModel] | None = None,
    ) -> OperationResult:
        """Change a stack to a new model: create / update / replace / delete / keep.

        With options.rollback and `previous_model`, a failed update goes back to the
        stack's previous template and parameters (ROLLBACK_COMPLETE or ROLLBACK_FAILED)."""
        stack = self.store.get_stack(name_or_id)
        self.refuse_child(stack, options, "updated")
        model.bind(stack.id, stack.name)
        with self._locked(stack, options):
            before = self.store.get_stack(stack.id)
            before_params = self.store.stack_parameters(stack.id, reveal=True)
            # In progress first: a crash right after leaves UPDATE_IN_PROGRESS, which resume
            # finishes, never a COMPLETE stack whose stored template its resources lack.
            stack = self._set_stack(
                stack, Status(Action.UPDATE, State.IN_PROGRESS), "stack operation started", options
            )
            stack = self._store_definition(stack, model)
            result = self._converge(stack, model, Action.UPDATE, options)
            if result.ok or not options.rollback or previous_model is None:
                return result
            old = previous_model(before)
            old.bind(stack.id, stack.name)
            stack = self._set_stack(
                result.stack,
                Status(Action.ROLLBACK, State.IN_PROGRESS),
                result.stack.status_reason,
                options,
            )
            stack = self._store_definition(stack, old, parameters=before_params)
            rolled = self._converge(stack, old, Action.ROLLBACK, options)
            return OperationResult(rolled.stack, result.walk, rolled.plan)

    def _store_definition(
        self, stack: StackRecord, model: TemplateModel, parameters: Mapping[str, Any] | None = None
    ) -> StackRecord:
        return self.store.update_stack_definition(
            stack.id,
            model.document,
            environment=stored_environment(model),
            parameters=model.parameters if parameters is None else parameters,
            hidden_parameters=model.hidden_parameters,
            hidden_values=getattr(model, "hidden_values", {}),
            files=model.files,
        )

    def delete(self, name_or_id: str, options: RunOptions) -> OperationResult:
        """Delete every resource (dependents first), then the stack."""
        stack = self.store.get_stack(name_or_id)
        self.refuse_child(stack, options, "deleted")
        with self._locked(stack, options):
            return self._delete(stack, Action.DELETE, options)

    def resume(
        self,
        name_or_id: str,
        model_for: Callable[[StackRecord], TemplateModel],
        options: RunOptions,
    ) -> OperationResult:
        """Finish the stack's interrupted or failed operation."""
        stack = self.store.get_stack(name_or_id)
        self.refuse_child(stack, options, "resumed")
        with self._locked(stack, options):
            stack = self.store.get_stack(stack.id)
            action = stack.status.action
            if stack.status.state is State.COMPLETE:
                raise ConflictError(
                    f"stack {stack.name!r} is {stack.status}: there is nothing to resume"
                )
            if action in (Action.DELETE, Action.ROLLBACK):
                return self._delete(stack, action, options)
            return self._converge(stack, model_for(stack), action, options)

    def check(self, name_or_id: str, options: RunOptions) -> tuple[StackRecord, dict[str, str]]:
        """Compare the stored resources with the cloud (Heat's stack check): each one is
        looked up by its tag; missing or different ones are CHECK_FAILED (so the next
        update replaces them) and returned as {name: what differs}."""
        stack = self.store.get_stack(name_or_id)
        drift: dict[str, str] = {}
        with self._locked(stack, options):
            stack = self._set_stack(stack, Status(Action.CHECK, State.IN_PROGRESS), "", options)
            for row in self.store.resources(stack.id):
                if row.physical_id is None or row.status.in_progress:
                    continue
                problem = self._live_problem(stack, row)
                if problem is None and not self._in_cloud(row.type):
                    continue
                self.store.set_resource_status(row.id, Status(Action.CHECK, State.IN_PROGRESS))
                state = State.FAILED if problem else State.COMPLETE
                self.store.set_resource_status(row.id, Status(Action.CHECK, state), problem or "")
                if problem:
                    drift[row.name] = problem
            final = State.FAILED if drift else State.COMPLETE
            reason = f"{len(drift)} resource(s) differ from the cloud" if drift else "in sync"
            stack = self._set_stack(stack, Status(Action.CHECK, final), reason, options)
        return stack, drift

    def _in_cloud(self, type_name: str) -> bool:
        """False for types whose state is heatctl's own (no cloud object to compare)."""
        from heatctl.engine.lifecycle import not_in_cloud

        return getattr(type(self.plugin_for(type_name)), "find_by_tag", None) is not not_in_cloud

    def _live_problem(self, stack: StackRecord, row: Any) -> str | None:
        from heatctl.engine.lifecycle import ResourceContext

        if not self._in_cloud(row.type):
            return None
        ctx = ResourceContext(
            stack_id=stack.id,
            stack_name=stack.name,
            resource_id=row.id,
            name=row.name,
            type=row.type,
            tag=row.tag,
            properties=dict(row.properties),
            physical_id=row.physical_id,
            data=dict(row.data),
            connection_factory=self.connection_factory,
        )
        plugin = self.plugin_for(row.type)
        found = plugin.find_by_tag(ctx)
        if found is None:
            return f"{row.physical_id} is missing from the cloud"
        if found != row.physical_id:
            return f"the cloud has {found} where the state has {row.physical_id}"
        from heatctl.engine.openstack import live_differences

        differences = live_differences(plugin, ctx)
        return "; ".join(differences) if differences else None

    def refuse_child(self, stack: StackRecord, options: RunOptions, what: str) -> None:
        """A child stack changes only through its parent's resource (as in Heat):
        ConflictError (exit 4) naming the parent, unless `options.nested`."""
        if stack.parent_id is None or options.nested:
            return
        parent = self.store.stack_by_id(stack.parent_id)
        owner = next(
            (r.name for r in self.store.resources(parent.id) if r.physical_id == stack.id), None
        )
        via = f" (resource {owner!r})" if owner else ""
        raise ConflictError(
            f"stack {stack.name!r} is a nested stack of {parent.name!r}{via}: it cannot be"
            f" {what} by itself",
            hint=f"change it through its parent: `heatctl stack update {parent.name}`, or"
            f" delete the parent: `heatctl stack delete {parent.name}`",
        )

    def request_cancel(self, name_or_id: str) -> StackRecord:
        """Ask the operation running on a stack (in any process) to stop: it starts nothing
        new, lets the calls in flight finish, marks what was in progress FAILED
        ("cancelled") and ends ACTION_FAILED. No rollback; `stack resume` goes on."""
        stack = self.store.get_stack(name_or_id)
        if not stack.status.in_progress:
            raise ConflictError(f"stack {stack.name!r} is {stack.status}: nothing runs to cancel")
        self.store.add_signal(stack.id, cancel_target(stack.id), "", {"cancel": True})
        return stack

    def cancel_requested(self, stack_id: str, seen: int) -> bool:
        return len(self.store.signals(stack_id, cancel_target(stack_id))) > seen

    def preview(self, model: TemplateModel, name_or_id: str | None = None) -> Plan:
        """The plan of a create (no stack yet) or an update, without changing anything."""
        stack = self.store.get_stack(name_or_id) if name_or_id else None
        return self._plan(stack, model)

    # -- the common path ------------------------------------------------------------------

    def _locked(self, stack: StackRecord, options: RunOptions) -> locks.StackLock:
        # Progress shows this operation's events only, not the stack's history.
        self._last_event[stack.id] = self.store.last_event_id(stack.id)
        lock = locks.acquire(
            self.store,
            stack.id,
            command=options.command,
            lock_timeout=options.lock_timeout,
            stack_name=stack.name,
        )
        if lock.took_over_from is not None and options.progress is not None:
            options.progress.event(
                ProgressEvent(
                    stack.name,
                    str(stack.status),
                    reason=f"took over the lock of {lock.took_over_from.describe()}, which is gone",
                )
            )
        return lock

    def _set_stack(
        self, stack: StackRecord, status: Status, reason: str, options: RunOptions
    ) -> StackRecord:
        stack = self.store.set_stack_status(stack.id, status, reason)
        if options.progress is not None:
            self.forward_events(stack, options)
        return stack

    def _plan(self, stack: StackRecord | None, model: TemplateModel) -> Plan:
        self._remember(stack.id if stack else "", model)
        stored = self.store.resources(stack.id, current_only=False) if stack else []
        desired = {n: self._desired(spec, spec.properties) for n, spec in model.resources.items()}
        names = frozenset(model.resources)

        def resolve(want: DesiredResource, decided: Mapping[str, Decision]) -> Mapping[str, Any]:
            if stack is None:
                return _unknown_where_partial(
                    model, model.evaluate(want.properties, _NoResources())
                )

            def kept(name: str) -> bool:
                decision = decided.get(name)
                return decision is not None and decision.change is Change.KEEP

            def same_id(name: str) -> bool:  # kept, or updated in place: same physical id
                decision = decided.get(name)
                return decision is not None and decision.change in (Change.KEEP, Change.UPDATE)

            resolver = StoreResolver(
                self.store, stack.id, allowed=kept, names=names, referable=same_id
            )
            return _unknown_where_partial(model, model.evaluate(want.properties, resolver))

        return plan(desired, model.graph, stored, self.type_info, resolve)

    def _desired(self, spec: ResourceSpec, properties: Mapping[str, Any]) -> DesiredResource:
        policy = "Retain" if spec.external_id else spec.deletion_policy
        return DesiredResource(spec.name, spec.type, properties, policy, spec.external_id)

    def _converge(
        self, stack: StackRecord, model: TemplateModel, action: Action, options: RunOptions
    ) -> OperationResult:
        graph = model.graph
        requires = {n: frozenset(graph.predecessors(n)) for n in model.resources}
        if stack.status != Status(action, State.IN_PROGRESS) or action is Action.CREATE:
            stack = self._set_stack(
                stack, Status(action, State.IN_PROGRESS), "stack operation started", options
            )
        self.store.add_initial_resources(
            stack.id,
            (
                (n, s.type, requires[n], "Retain" if s.external_id else s.deletion_policy)
                for n, s in model.resources.items()
                if action is Action.CREATE
            ),
        )
        the_plan = self._plan(stack, model)
        add_leftover_cleanups(the_plan, self.store.resources(stack.id, current_only=False))
        walk = self._apply(stack, model, the_plan, requires, options)
        self.store_outputs(stack, model)
        if walk.ok:
            stack = self._set_stack(
                stack, Status(action, State.COMPLETE), "stack operation completed", options
            )
            return OperationResult(stack, walk, the_plan)
        reason = failure_reason(action, walk)
        stack = self._set_stack(stack, Status(action, State.FAILED), reason, options)
        if options.rollback and action is Action.CREATE:
            stack = self._set_stack(
                stack, Status(Action.ROLLBACK, State.IN_PROGRESS), reason, options
            )
            return self._delete(stack, Action.ROLLBACK, options, first_walk=walk)
        return OperationResult(stack, walk, the_plan)

    def _delete(
        self,
        stack: StackRecord,
        action: Action,
        options: RunOptions,
        first_walk: WalkResult | None = None,
    ) -> OperationResult:
        if not stack.status.in_progress or stack.status.action is not action:
            stack = self._set_stack(
                stack, Status(action, State.IN_PROGRESS), "stack operation started", options
            )
        # Resources whose type the environment mapped to a template are child stacks.
        self.template_types.update(stack.environment.get("template_types") or ())
        stored = self.store.resources(stack.id, current_only=False)
        the_plan = plan({}, nx.DiGraph(), stored, self.type_info)
        add_leftover_cleanups(the_plan, stored)
        walk = self._apply(stack, None, the_plan, {}, options)
        if walk.ok:
            self.store.set_outputs(stack.id, {})
            stack = self._set_stack(
                stack, Status(action, State.COMPLETE), "stack operation completed", options
            )
        else:
            stack = self._set_stack(
                stack, Status(action, State.FAILED), failure_reason(action, walk), options
            )
        return OperationResult(stack, first_walk or walk, the_plan)

    def _apply(
        self,
        stack: StackRecord,
        model: TemplateModel | None,
        the_plan: Plan,
        requires: Mapping[str, frozenset[str]],
        options: RunOptions,
    ) -> WalkResult:
        self._remember(stack.id, model)
        specs = model.resources if model is not None else {}
        names = frozenset(specs)
        desired = {n: self._desired(s, s.properties) for n, s in specs.items()}
        running: set[str] = set()
        cancels = len(self.store.signals(stack.id, cancel_target(stack.id)))
        inherited = options.stop_requested

        def stop_requested() -> bool:
            return self.cancel_requested(stack.id, cancels) or bool(inherited and inherited())

        def resolve_now(want: DesiredResource) -> dict[str, Any]:
            assert model is not None
            resolver = StoreResolver(self.store, stack.id, names=names)
            value = model.evaluate(want.properties, resolver)
            unresolved = sorted(k for k, v in value.items() if model.is_partial(v))
            if unresolved:
                raise ResourceFailed(
                    f"{want.name}: {', '.join(unresolved)} refer to resources that have no value"
                )
            return coerce_properties(value, self.type_info(want.type))

        def on_event(node: Hashable, phase: Phase, detail: str) -> None:
            name = node.name if isinstance(node, Step) else str(node)
            if phase is Phase.STARTED:
                running.add(name)
            elif phase in (Phase.COMPLETE, Phase.FAILED):
                running.discard(name)
            if options.progress is not None:
                self.forward_events(stack, options)

        def on_idle(elapsed: float) -> None:
            if options.progress is not None:
                options.progress.heartbeat(elapsed, sorted(running))

        op = Operation(
            store=self.store,
            stack=stack,
            plugin_for=self.plugin_for,
            desired=desired,
            requires=requires,
            resolve=resolve_now,
            options=ApplyOptions(
                max_parallel=options.max_parallel,
                timeout=options.timeout,
                on_event=on_event,
                connection_factory=self.connection_factory,
                walker_options={
                    "on_idle": on_idle,
                    "idle_interval": options.heartbeat_interval,
                    "stop_requested": stop_requested,
                    **options.walker_options,
                },
            ),
            secret_attributes=self.secret_attributes,
        )
        self.running[stack.id] = RunningOperation(options, time.monotonic(), stop_requested)
        try:
            result = apply_plan(op, the_plan)
        finally:
            self.running.pop(stack.id, None)
        if options.progress is not None:
            self.forward_events(stack, options)
        return result

    def forward_events(self, stack: StackRecord, options: RunOptions) -> None:
        """Pass the stack's new events to the operation's progress (once each: a child
        stack's worker thread may ask too, before its own events)."""
        with self._forward_lock:
            self._forward_new_events(stack, options)

    def _forward_new_events(self, stack: StackRecord, options: RunOptions) -> None:
        assert options.progress is not None
        last = self._last_event.get(stack.id, 0)
        types = {r.name: r.type for r in self.store.resources(stack.id, current_only=False)}
        for event in self.store.events(stack.id, after_id=last):
            options.progress.event(
                ProgressEvent(
                    stack.name,
                    str(event.status),
                    event.resource_name,
                    types.get(event.resource_name or ""),
                    event.reason,
                    event.timestamp,
                )
            )
            last = event.id
        self._last_event[stack.id] = last

    def store_outputs(self, stack: StackRecord, model: TemplateModel) -> None:
        """Resolve and store the stack's outputs (also after a scaling signal)."""
        resolver = StoreResolver(self.store, stack.id)
        values: dict[str, dict[str, Any]] = {}
        for name, output in model.outputs.items():
            entry: dict[str, Any] = {
                "description": output.description,
                "value": None,
                "error": None,
            }
            try:
                value = model.evaluate(output.value, resolver)
                if model.is_partial(value):
                    entry["error"] = "refers to resources that have no value"
                else:
                    entry["value"] = value
            except Exception as error:  # an output error is reported with the output
                entry["error"] = str(error)
            values[name] = entry
        self.store.set_outputs(stack.id, values)


class _NoResources:
    """A resolver that knows no resource: every reference stays as written."""

    def reference(self, name: str) -> Any:
        raise LookupError(name)

    def attribute(self, name: str, attr: str, path: list[Any]) -> Any:
        raise LookupError(name)

    def all_attributes(self, name: str) -> dict[str, Any]:
        raise LookupError(name)

    def has_resource(self, name: str) -> bool:
        return True


def _unknown_where_partial(model: TemplateModel, properties: Any) -> dict[str, Any]:
    return {k: (UNKNOWN if model.is_partial(v) else v) for k, v in dict(properties).items()}


def add_leftover_cleanups(the_plan: Plan, stored: Sequence[Any]) -> None:
    """Rows that are not current and that no step of the plan will take over (an old
    generation whose cleanup never ran, a replacement that an interrupted update left
    unfinished and the new plan no longer wants) are deleted too."""
    covered = {step.row for step in the_plan.steps if step.kind == "cleanup"}
    replacing = {n for n, d in the_plan.decisions.items() if d.change is Change.REPLACE}
    current = {r.id: r.name for r in stored if r.current}
    for record in stored:
        if record.current or record.id in covered:
            continue
        if record.replaces in current and record.name in replacing:
            continue  # the replace step adopts this unfinished replacement
        cleanup = Step("cleanup", record.name, record.id)
        the_plan.steps.add_node(cleanup)
        for requirement in record.requires:
            target = Step("delete", requirement)
            if target in the_plan.steps:
                the_plan.steps.add_edge(cleanup, target)


def stored_environment(model: TemplateModel) -> dict[str, Any]:
    """The model's environment as the stack keeps it, with the types its environment maps
    to provider templates (a delete, which loads no template, needs to know them)."""
    types = sorted(getattr(model, "template_types", ()))
    return {**model.environment, "template_types": types} if types else dict(model.environment)


def cancel_target(stack_id: str) -> str:
    """Where cancel requests for a stack are recorded (the signals table)."""
    return f"stack-cancel:{stack_id}"


def failure_reason(action: Action, walk: WalkResult) -> str:
    """`Resource CREATE failed: subnet: No valid host was found` (root causes only)."""
    if walk.cancelled:
        return "cancelled (heatctl stack cancel)"
    if walk.failed:
        causes = "; ".join(f"{getattr(n, 'name', n)}: {r}" for n, r in walk.failed.items())
        return f"Resource {action.value} failed: {causes}"
    return f"{action.value} did not finish"


def raise_for(result: OperationResult) -> None:
    """OperationFailed (exit 1) with the stack's reason when the operation failed."""
    if result.ok:
        return
    stack = result.stack
    reason = stack.status_reason
    if stack.status.action is Action.ROLLBACK:
        causes = "; ".join(f"{n}: {r}" for n, r in result.root_causes().items())
        reason = f"the operation failed ({causes or 'see the events'}) and was rolled back"
    raise OperationFailed(f"stack {stack.name!r} {stack.status}: {reason}")
