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
        "source_format": (stack.environment.get("source") or {}).get("format", "hot"),
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


def stack_graph(store: StateStore, name_or_id: str, fmt: str) -> str:
    """The stack's resources and what each one required, with statuses: tree (text), dot
    (Graphviz), mermaid or json. Edges run from a requirement to its dependent."""
    import json

    stack = store.get_stack(name_or_id)
    rows = {r.name: r for r in store.resources(stack.id)}
    edges = sorted((req, r.name) for r in rows.values() for req in r.requires if req in rows)
    label = {n: f"{n} ({r.type}) {r.status}" for n, r in rows.items()}
    if fmt == "json":
        nodes = [
            {"name": n, "type": r.type, "status": str(r.status)} for n, r in sorted(rows.items())
        ]
        data = {"stack": stack.name, "nodes": nodes, "edges": [list(e) for e in edges]}
        return json.dumps(data, indent=2) + "\n"
    if fmt == "dot":
        lines = [f'digraph "{stack.name}" {{']
        lines += [
            f'  "{n}" [label="{n}\\n{r.type}\\n{r.status}"];' for n, r in sorted(rows.items())
        ]
        lines += [f'  "{a}" -> "{b}";' for a, b in edges]
        return "\n".join([*lines, "}"]) + "\n"
    if fmt == "mermaid":
        ids = {n: f"n{i}" for i, n in enumerate(sorted(rows))}
        lines = ["graph TD"]
        lines += [f'  {ids[n]}["{label[n]}"]' for n in sorted(rows)]
        lines += [f"  {ids[a]} --> {ids[b]}" for a, b in edges]
        return "\n".join(lines) + "\n"
    needs: dict[str, list[str]] = {}
    for a, b in edges:
        needs.setdefault(b, []).append(a)
    text = [f"{stack.name} {stack.status}"]
    for n in sorted(rows):
        text.append(f"  {label[n]}")
        text.extend(f"    needs {req}" for req in needs.get(n, []))
    return "\n".join(text) + "\n"
