"""Signals that a resource type handles itself, as Heat's handle_signal: a Mistral workflow
starts an execution when signalled. Types without `handle_signal` only have the signal
recorded (wait condition handles read them from the store)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.records import ResourceRecord, StackRecord
from heatctl.engine.store import StateStore


def handles_signals(type_name: str) -> bool:
    """Whether the type acts on a signal (rather than only recording it)."""
    from heatctl.engine.runtime import resource_class

    return callable(getattr(resource_class(type_name), "handle_signal", None))


def deliver(
    store: StateStore,
    stack: StackRecord,
    row: ResourceRecord,
    details: Any,
    connection_factory: Callable[[], Any],
) -> str:
    """Run the type's handle_signal with the signal's details; keep what it remembers
    (e.g. the executions a workflow started) in the resource's data. Returns its message."""
    from heatctl.engine.runtime import resource_class

    cls = resource_class(row.type)
    ctx = ResourceContext(
        stack_id=row.stack_id,
        stack_name=stack.name,
        resource_id=row.id,
        name=row.name,
        type=row.type,
        tag=row.tag,
        properties=dict(row.properties),
        physical_id=row.physical_id,
        data=dict(row.data),
        connection_factory=connection_factory,
        journal=store.journal,
    )
    message = str(cls().handle_signal(ctx, details))
    store.set_resource_data(row.id, physical_id=ctx.physical_id, data=ctx.data)
    return message
