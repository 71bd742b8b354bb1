"""Apply a plan: each step of the step graph becomes walker work on one resource row.

A step runs its resource through the store's transition table (IN_PROGRESS, then COMPLETE
or FAILED, each with an event), calls the type's lifecycle plugin, and saves what the
plugin learnt (physical id, `data`, attributes) after every call, so a crash loses at
most the call in flight. That one call is covered by the journal and by tags:

- create on a row that was tried before (not INIT_COMPLETE) first looks the resource up by
  its tag and adopts it if it exists; with a physical id already saved it only polls;
  a FAILED one with a physical id is deleted first and created again (Heat's retry);
- delete of a row without a physical id looks it up by tag too (the create may have
  reached the cloud before the crash), and "already gone" counts as deleted;
- replace creates a new generation row (new tag), and `cleanup` deletes the old one;
- deletion_policy Retain leaves the cloud resource alone (the row goes, an event says so);
  Snapshot first saves a copy (snapshots.py: a volume backup, a server image), then deletes.

Stack timeout and cancel are the walker's; rows it abandoned IN_PROGRESS are marked
FAILED with its reason here, so nothing stays IN_PROGRESS after `apply_plan` returns.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed, ResourceLifecycle
from heatctl.engine.planner import DesiredResource, Plan, Step
from heatctl.engine.records import ResourceRecord, StackRecord
from heatctl.engine.retry import RetryPolicy
from heatctl.engine.snapshots import SNAPSHOTTERS, Snapshotter, snapshot_reason
from heatctl.engine.states import Action, State, Status
from heatctl.engine.store import StateStore
from heatctl.engine.walker import EventCallback, RetryAfter, Wait, Walker, WalkResult

PluginFor = Callable[[str], ResourceLifecycle]
ResolveNow = Callable[[DesiredResource], dict[str, Any]]


@dataclass
class ApplyOptions:
    """How to run: parallelism, stack timeout, events, the cloud."""

    max_parallel: int | None = 10
    timeout: float | None = None
    stop_on_failure: bool = False
    on_event: EventCallback | None = None
    connection_factory: Callable[[], Any] | None = None
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    walker_options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Operation:
    """What every step of one apply shares."""

    store: StateStore
    stack: StackRecord
    plugin_for: PluginFor
    desired: Mapping[str, DesiredResource]
    requires: Mapping[str, frozenset[str]]
    resolve: ResolveNow
    options: ApplyOptions
    secret_attributes: Callable[[str], tuple[str, ...]] = lambda type_name: ()


def _status(action: Action, state: State) -> Status:
    return Status(action, state)


class StepWork:
    """The walker's NodeWork for one step: a small sequence of lifecycle phases."""

    def __init__(self, op: Operation, step: Step) -> None:
        self.op = op
        self.step = step
        self.phases: list[str] = []
        self.ctx: ResourceContext | None = None
        self.row: ResourceRecord | None = None
        self.action = Action.CREATE
        self.finished = False  # the step's work was already done before a crash

    # -- walker interface ---------------------------------------------------------------

    def start(self) -> Wait | None:
        try:
            self._prepare()
            return self._run_phases(start=True)
        except RetryAfter:
            raise
        except Exception as error:
            self._failed(error)
            raise

    def check(self) -> Wait | None:
        try:
            return self._run_phases(start=False)
        except RetryAfter:
            raise
        except Exception as error:
            self._failed(error)
            raise

    # -- preparing the row and the phases -------------------------------------------------

    def _prepare(self) -> None:
        kind, name = self.step.kind, self.step.name
        store, stack = self.op.store, self.op.stack
        if kind == "create":
            self.row = self._current(name) or self._new_row(name)
            self._begin_create()
        elif kind == "replace":
            old = self._current(name)
            if old is None:  # a delete-first type's cleanup already removed the old row
                self.row = self._new_row(name)
                self._begin_create()
                return
            pending = self._pending_replacement(old)
            if pending is not None and pending.status == _status(Action.CREATE, State.COMPLETE):
                # A state file written before completion and promotion were one transaction
                # can hold a complete, unpromoted replacement: promote it, clean up as usual.
                self.row, self.finished = pending, True
                self.op.store.promote_replacement(pending.id)
                return
            self.row = pending or self._new_row(name, replaces=old.id)
            self._begin_create()
        elif kind == "update":
            self.row = self._current(name)
            assert self.row is not None
            self.action = Action.UPDATE
            self.phases = ["update"]
            self._transition(Action.UPDATE, State.IN_PROGRESS, "state changed")
        elif kind in ("delete", "cleanup"):
            self.row = self._current(name) if kind == "delete" else self._row(self.step.row)
            self.action = Action.DELETE
            if self.row is None:
                self.phases = []
                return
            if str(self.row.status) == "INIT_COMPLETE" and self.row.physical_id is None:
                self.phases = []  # never created: nothing in the cloud, straight to gone
                return
            self.phases = ["delete"]
            snapshotter = self._snapshotter()
            if snapshotter is not None and snapshotter.wanted(str(self.row.status)):
                self.phases = ["snapshot", "delete"]
            self._transition(Action.DELETE, State.IN_PROGRESS, "state changed")
        else:  # pragma: no cover - the planner makes no other kinds
            raise ValueError(f"unknown step {self.step}")
        assert store and stack

    def _begin_create(self) -> None:
        assert self.row is not None
        row = self.row
        self.action = Action.CREATE
        tried_before = str(row.status) != "INIT_COMPLETE" or row.physical_id is not None
        want = self.op.desired.get(row.name)
        if want is not None and want.external_id and not row.physical_id:
            # external_id: take over the existing resource; create becomes a check of it.
            self.row = row = self.op.store.set_resource_data(row.id, physical_id=want.external_id)
        if want is not None and want.external_id:
            self.phases = ["poll-create"]
        elif row.physical_id and row.status.failed:
            self.phases = ["delete", "create"]  # Heat's retry: remove the broken one first
        elif row.physical_id:
            self.phases = ["poll-create"]
        else:
            self.phases = ["adopt-or-create" if tried_before else "create"]
        self._transition(Action.CREATE, State.IN_PROGRESS, "state changed")

    def _current(self, name: str) -> ResourceRecord | None:
        return self.op.store.find_resource(self.op.stack.id, name)

    def _row(self, resource_id: str) -> ResourceRecord | None:
        """A row by id, or None once it is gone (a cleanup that already finished)."""
        try:
            return self.op.store.get_resource(resource_id)
        except KeyError:
            return None

    def _pending_replacement(self, old: ResourceRecord) -> ResourceRecord | None:
        rows = self.op.store.other_generations(self.op.stack.id, old.name)
        return next((r for r in rows if r.replaces == old.id), None)

    def _new_row(self, name: str, replaces: str | None = None) -> ResourceRecord:
        want = self.op.desired[name]
        return self.op.store.add_resource(
            self.op.stack.id,
            name,
            want.type,
            properties=want.properties,
            requires=self.op.requires.get(name, ()),
            deletion_policy=want.deletion_policy,
            replaces=replaces,
        )

    def _transition(self, action: Action, state: State, reason: str = "") -> None:
        assert self.row is not None
        self.row = self.op.store.set_resource_status(
            self.row.id, _status(action, state), reason, physical_id=self.row.physical_id
        )

    # -- running phases -------------------------------------------------------------------

    def _context(self) -> ResourceContext:
        assert self.row is not None
        if self.ctx is None:
            row = self.row
            want = self.op.desired.get(row.name)
            properties = dict(row.properties)
            if want is not None and self.action is not Action.DELETE:
                properties = self.op.resolve(want)
            self.ctx = ResourceContext(
                stack_id=row.stack_id,
                stack_name=self.op.stack.name,
                resource_id=row.id,
                name=row.name,
                type=row.type,
                tag=row.tag,
                properties=properties,
                physical_id=row.physical_id,
                data=dict(row.data),
                old_properties=dict(row.properties),
                changed=tuple(
                    sorted(
                        k
                        for k in {*properties, *row.properties}
                        if properties.get(k) != row.properties.get(k)
                    )
                ),
                connection_factory=self.op.options.connection_factory,
                journal=self.op.store.journal,
                retry_policy=self.op.options.retry_policy,
                secret_attributes=self.op.secret_attributes(row.type),
                signals=lambda target: self.op.store.signals(row.stack_id, target),
            )
        return self.ctx

    def _save(self) -> None:
        assert self.row is not None and self.ctx is not None
        if self.ctx.physical_id == self.row.physical_id and self.ctx.data == self.row.data:
            return  # nothing new to keep
        self.row = self.op.store.set_resource_data(
            self.row.id,
            physical_id=self.ctx.physical_id,
            data=self.ctx.data,
        )

    def _run_phases(self, start: bool) -> Wait | None:
        if self.row is None or self.finished:
            return None  # nothing to delete / nothing left to do (see _prepare)
        while self.phases:
            phase = self.phases[0]
            progress = self._phase(phase, start)
            self._save()
            if progress is not None:
                return progress
            self.phases.pop(0)
            start = True
        self._finish()
        return None

    def _phase(self, phase: str, start: bool) -> Wait | None:
        ctx = self._context()
        plugin = self.op.plugin_for(ctx.type)
        if phase == "adopt-or-create" and start:
            found = plugin.find_by_tag(ctx)
            if found is not None:
                ctx.physical_id = found
                self.phases[0] = "poll-create"
                return plugin.check_create_complete(ctx)
            self.phases[0] = "create"
        if phase in ("create", "adopt-or-create"):
            return plugin.create(ctx) if start else plugin.check_create_complete(ctx)
        if phase == "poll-create":
            return plugin.check_create_complete(ctx)
        if phase == "update":
            return plugin.update(ctx) if start else plugin.check_update_complete(ctx)
        if phase == "delete":
            return self._delete_phase(plugin, ctx, start)
        if phase == "snapshot":
            return self._snapshot_phase(ctx, start)
        raise ValueError(f"unknown phase {phase}")  # pragma: no cover

    def _delete_phase(
        self, plugin: ResourceLifecycle, ctx: ResourceContext, start: bool
    ) -> Wait | None:
        assert self.row is not None
        if start and self.action is Action.DELETE and self._kept_in_cloud():
            return None
        if start and ctx.physical_id is None:
            ctx.physical_id = plugin.find_by_tag(ctx)
            if ctx.physical_id is None:
                return None  # never reached the cloud
        progress = plugin.delete(ctx) if start else plugin.check_delete_complete(ctx)
        if progress is None and self.action is Action.CREATE:
            ctx.physical_id = None  # the broken one is gone; the create phase follows
            ctx.data = {}
        return progress

    def _snapshotter(self) -> Snapshotter | None:
        """Who takes the copy before deleting, under deletion_policy Snapshot."""
        assert self.row is not None
        if self.row.deletion_policy != "Snapshot":
            return None
        return SNAPSHOTTERS.get(self.row.type)

    def _snapshot_phase(self, ctx: ResourceContext, start: bool) -> Wait | None:
        snapshotter = self._snapshotter()
        if snapshotter is None or (start and ctx.physical_id is None):
            return None  # nothing in the cloud to copy
        try:
            return snapshotter.start(ctx) if start else snapshotter.check(ctx)
        finally:
            self._save()  # the copy's id, even when polling it failed: a retry polls it

    def _kept_in_cloud(self) -> bool:
        assert self.row is not None
        if self.row.deletion_policy == "Snapshot":
            # Types without a snapshot (validation refuses them) keep their resource.
            return self._snapshotter() is None
        return self.row.deletion_policy == "Retain"

    def _finish(self) -> None:
        assert self.row is not None
        if self.action is Action.DELETE:
            reason = "state changed"
            if self.row.deletion_policy == "Retain":
                reason = "retained (deletion_policy Retain)"
            elif self.row.deletion_policy == "Snapshot" and self._snapshotter() is None:
                reason = "retained (deletion_policy Snapshot: this type has no snapshot)"
            elif self.row.deletion_policy == "Snapshot":
                reason = snapshot_reason(self.ctx.data if self.ctx else self.row.data)
            self._transition(Action.DELETE, State.COMPLETE, reason)
            self.op.store.remove_resource(self.row.id)
            return
        ctx = self._context()
        plugin = self.op.plugin_for(ctx.type)
        kept = {}
        if self.action is Action.UPDATE:  # what only the create knew (a generated token)
            kept = self.op.store.resource_attributes(self.row.id, reveal=True)
        attributes = {**kept, **ctx.attributes, **plugin.resolve_attributes(ctx)}
        self.row = self.op.store.set_resource_data(
            self.row.id,
            physical_id=ctx.physical_id,
            properties=ctx.properties,
            attributes=attributes,
            secret_attributes=ctx.secret_attributes,
            requires=self.op.requires.get(self.row.name, ()),
            data=ctx.data,
        )
        # A replacement becomes current in the same transaction that completes it, so no
        # crash can leave a complete replacement beside the row it replaces.
        with self.op.store.transaction():
            self._transition(self.action, State.COMPLETE, "state changed")
            if self.step.kind == "replace" and self.row.replaces is not None:
                self.op.store.promote_replacement(self.row.id)

    def _failed(self, error: BaseException) -> None:
        if self.row is None:
            return
        current = self.op.store.get_resource(self.row.id)
        if current.status.in_progress:
            self.row = current
            self._transition(self.action, State.FAILED, str(error) or type(error).__name__)


def apply_plan(op: Operation, plan: Plan) -> WalkResult:
    """Run every step of the plan with the walker; return how it went."""
    work: dict[Hashable, StepWork] = {step: StepWork(op, step) for step in plan.steps.nodes}
    options = op.options
    walker = Walker(
        plan.steps,
        work,
        max_parallel=options.max_parallel,
        timeout=options.timeout,
        stop_on_failure=options.stop_on_failure,
        on_event=options.on_event,
        **options.walker_options,
    )
    result = walker.run()
    for node, reason in result.failed.items():
        work[node]._failed(ResourceFailed(reason))
    return result
