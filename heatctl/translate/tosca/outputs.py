"""topology_template outputs -> HOT outputs; substitution_mappings and workflows -> report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from heatctl.translate.tosca.sources import fail

if TYPE_CHECKING:
    from heatctl.translate.tosca.translator import Context


def build(ctx: Context) -> dict[str, Any]:
    """HOT outputs for the topology's outputs; report what has no HOT counterpart."""
    result: dict[str, Any] = {}
    outputs = ctx.topology.get("outputs") or {}
    base = ("topology_template", "outputs")
    if not isinstance(outputs, dict | Mapping):
        raise fail("outputs must be a mapping", ctx.file, ctx.document, base)
    for name, body in outputs.items():
        path = (*base, name)
        if not isinstance(body, dict | Mapping) or "value" not in body:
            raise fail(f"output '{name}' needs a value", ctx.file, ctx.document, path)
        output: dict[str, Any] = {}
        if isinstance(body.get("description"), str):
            output["description"] = body["description"].strip()
        output["value"] = ctx.hot(body["value"], None, (*path, "value"))
        if output["value"] is None and body["value"] is not None:
            continue  # untranslatable, already in the report; a null output helps nobody
        result[str(name)] = output
    _report_unused_sections(ctx)
    return result


def _report_unused_sections(ctx: Context) -> None:
    mappings = ctx.topology.get("substitution_mappings")
    if mappings is not None:
        node_type = mappings.get("node_type") if isinstance(mappings, dict | Mapping) else None
        ctx.reporter.untranslated(
            f"substitution_mappings (as {node_type}) are not translated: HOT has no substitution; use the template as a nested stack",
            ("topology_template", "substitution_mappings"),
        )
    workflows = ctx.topology.get("workflows")
    if isinstance(workflows, dict | Mapping):
        for name, workflow in workflows.items():
            steps = workflow.get("steps") if isinstance(workflow, dict | Mapping) else None
            count = len(steps) if isinstance(steps, dict | Mapping) else 0
            ctx.reporter.untranslated(
                f"workflow '{name}' ({count} steps) is not translated: Heat orders operations by dependencies, not by imperative workflows",
                ("topology_template", "workflows", name),
            )
    groups = ctx.topology.get("groups")
    if isinstance(groups, dict | Mapping):
        for name, group in groups.items():
            members = group.get("members", []) if isinstance(group, dict | Mapping) else []
            for member in members:
                if not isinstance(member, str) or member not in ctx.nodes:
                    raise fail(
                        f"group '{name}' member '{member}' is not a node template",
                        ctx.file,
                        ctx.document,
                        ("topology_template", "groups", name, "members"),
                    )
            ctx.reporter.info(
                f"group '{name}' has no resource of its own; policies that target it apply to its members",
                ("topology_template", "groups", name),
            )
