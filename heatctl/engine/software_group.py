"""SoftwareDeploymentGroup / StructuredDeploymentGroup as Heat runs them: a ResourceGroup
whose child stack has one SoftwareDeployment (StructuredDeployment) per entry of
`servers`, named by the entry's key, with the group's other properties and
`server: servers[key]`. A member is signalled like any deployment, in the child stack:
`heatctl stack signal <child stack> <key> --data ...` (or its own TempURL).

Attributes: deploy_stdouts, deploy_stderrs, deploy_status_codes, and any other name (a
config output) as the map of member name to the member's attribute.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.nested_groups import GROUP_TYPE, ResourceGroupPlugin, resolver_attributes
from heatctl.engine.records import StackRecord
from heatctl.engine.stack import OutputSpec, ResourceResolver, ResourceSpec

if TYPE_CHECKING:
    from heatctl.engine.stack import StackEngine, TemplateModel

MEMBER_TYPES = {
    "OS::Heat::SoftwareDeploymentGroup": "OS::Heat::SoftwareDeployment",
    "OS::Heat::StructuredDeploymentGroup": "OS::Heat::StructuredDeployment",
}
GROUP_ATTRIBUTES = {
    "deploy_stdouts": "deploy_stdout",
    "deploy_stderrs": "deploy_stderr",
    "deploy_status_codes": "deploy_status_code",
}


class DeploymentsModel:
    """The child stack: one deployment per server, no dependencies between them."""

    def __init__(self, member_type: str, members: Mapping[str, Mapping[str, Any]]) -> None:
        self.resources: Mapping[str, ResourceSpec] = {
            name: ResourceSpec(name, member_type, dict(props)) for name, props in members.items()
        }
        self.document: dict[str, Any] = {
            "heat_template_version": "2018-08-31",
            "resources": {
                n: {"type": member_type, "properties": dict(p)} for n, p in members.items()
            },
        }
        self.environment: dict[str, Any] = {"nested": GROUP_TYPE}
        self.parameters: dict[str, Any] = {}
        self.hidden_parameters: list[str] = []
        self.files: dict[str, str] = {}
        self.outputs: Mapping[str, OutputSpec] = {}
        self.graph = nx.DiGraph()
        self.graph.add_nodes_from(members)

    def evaluate(self, value: Any, resources: ResourceResolver) -> Any:
        return value  # the group's properties were resolved before

    def is_partial(self, value: Any) -> bool:
        return False

    def bind(self, stack_id: str, stack_name: str) -> DeploymentsModel:
        return self


def member_properties(properties: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Each member's properties (Heat's _build_resource_definition)."""
    common = {k: v for k, v in properties.items() if k != "servers" and v is not None}
    servers = properties.get("servers") or {}
    return {str(name): {**common, "server": server} for name, server in servers.items()}


class DeploymentGroupPlugin(ResourceGroupPlugin):
    """Lifecycle of the deployment group types over a child stack of the same engine."""

    def __init__(self, engine: StackEngine, type_name: str) -> None:
        super().__init__(engine)
        self.member_type = MEMBER_TYPES[type_name]

    def child_model(self, ctx: ResourceContext, child: StackRecord | None) -> TemplateModel:
        return DeploymentsModel(self.member_type, member_properties(ctx.properties))

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        child = self._child(ctx)
        if child is None:
            return {}
        by_attr: dict[str, dict[str, Any]] = {}
        for row in self.engine.store.resources(child.id):
            for attr, value in resolver_attributes(self.engine.store, row.id).items():
                by_attr.setdefault(attr, {})[row.name] = value
        values: dict[str, Any] = dict(by_attr)
        for group_attr, member_attr in GROUP_ATTRIBUTES.items():
            values[group_attr] = by_attr.get(member_attr, {})
        return values
