"""A tiny TemplateModel (get_resource / get_attr only) for engine tests without the dsl."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from heatctl.engine.stack import OutputSpec, ResourceSpec


def _refs(value: Any) -> set[str]:
    if isinstance(value, dict):
        if set(value) == {"get_resource"}:
            return {value["get_resource"]}
        if set(value) == {"get_attr"}:
            return {value["get_attr"][0]}
        return set().union(*(_refs(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_refs(v) for v in value)) if value else set()
    return set()


@dataclass
class FakeModel:
    resources: dict[str, ResourceSpec]
    outputs: dict[str, OutputSpec] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    hidden_parameters: list[str] = field(default_factory=list)
    environment: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls, resources: dict[str, dict[str, Any]], outputs: dict[str, Any] | None = None, **kw: Any
    ) -> FakeModel:
        specs = {
            name: ResourceSpec(
                name,
                body.get("type", "Fake::Thing"),
                body.get("properties", {}),
                body.get("deletion_policy", "Delete"),
                body.get("external_id"),
            )
            for name, body in resources.items()
        }
        outs = {k: OutputSpec(v) for k, v in (outputs or {}).items()}
        return cls(specs, outs, **kw)

    @property
    def document(self) -> dict[str, Any]:
        return {
            "heat_template_version": "2018-08-31",
            "resources": {
                n: {"type": s.type, "properties": dict(s.properties)}
                for n, s in self.resources.items()
            },
        }

    @functools.cached_property
    def graph(self) -> nx.DiGraph:
        g = nx.DiGraph()
        g.add_nodes_from(self.resources)
        for name, spec in self.resources.items():
            g.add_edges_from((r, name) for r in _refs(spec.properties) if r in self.resources)
        return g

    def evaluate(self, value: Any, resources: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"get_resource"}:
                try:
                    return resources.reference(value["get_resource"])
                except LookupError:
                    return value
            if set(value) == {"get_attr"}:
                name, attr, *path = value["get_attr"]
                try:
                    return resources.attribute(name, attr, path)
                except LookupError:
                    return value
            return {k: self.evaluate(v, resources) for k, v in value.items()}
        if isinstance(value, list):
            return [self.evaluate(v, resources) for v in value]
        return value

    def bind(self, stack_id: str, stack_name: str) -> FakeModel:
        return self

    def is_partial(self, value: Any) -> bool:
        return bool(_refs(value))
