"""Exported views of the state: JSON-ready, with every secret masked.

Hidden parameters and secret attributes are masked by name in the tables themselves (their
values live in the `secrets` table); copies of their values that ended up elsewhere
(resolved properties, outputs, reasons) are masked by value here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from heatctl.engine.records import export_resource, loads, redact

if TYPE_CHECKING:
    from heatctl.engine.store import StateStore


def secret_values(store: StateStore, stack_id: str) -> list[str]:
    """Every secret string of a stack (hidden parameters, secret attributes), for redact()."""
    with store._mutex:
        rows = store.db.table("secrets").rows_where("stack_id = ?", [stack_id])
        values = [loads(row["value"]) for row in rows]
    return [str(v) for v in values if v not in (None, "") and len(str(v)) >= 3]


def export_stack(store: StateStore, name_or_id: str) -> dict[str, Any]:
    """A JSON-ready view of a stack: definition, resources, outputs. Secrets masked:
    hidden parameters and secret attributes by name, and any copy of their values
    (in resolved properties or outputs) by value."""
    stack = store.get_stack(name_or_id)
    view = {
        "id": stack.id,
        "name": stack.name,
        "status": str(stack.status),
        "status_reason": stack.status_reason,
        "template": stack.template,
        "environment": stack.environment,
        "parameters": stack.parameters,
        "hidden_parameters": list(stack.hidden_parameters),
        "timeout_mins": stack.timeout_mins,
        "disable_rollback": stack.disable_rollback,
        "resources": {r.name: export_resource(r) for r in store.resources(stack.id)},
        "outputs": store.outputs(stack.id),
    }
    redacted: dict[str, Any] = redact(view, secret_values(store, stack.id))
    return redacted
