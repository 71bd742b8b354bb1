"""The normative type tables: normative.json is normative.yaml, and the hierarchy is sound."""

from __future__ import annotations

import json
from importlib.resources import files

from heatctl.translate.tosca.types import SECTIONS, TypeRegistry, normative_from_yaml


def test_json_table_is_the_yaml_table() -> None:
    data = json.loads(
        files("heatctl.translate.tosca").joinpath("normative.json").read_text("utf-8")
    )
    assert data == normative_from_yaml(), "regenerate: python -m heatctl.translate.tosca.types"


def test_every_normative_parent_exists() -> None:
    registry = TypeRegistry()
    for section in SECTIONS:
        for typedef in registry.all(section):
            parent = typedef.definition.get("derived_from")
            if parent is not None and not (
                section == "data_types" and parent in ("string", "integer")
            ):
                assert registry.find(section, parent) is not None, (typedef.name, parent)


def test_hierarchy_queries() -> None:
    registry = TypeRegistry()
    vdu = registry.find("node_types", "tosca.nodes.nfv.VDU")
    assert vdu is not None and registry.is_a(vdu, "tosca.nodes.Compute")
    assert registry.find("node_types", "Compute") is registry.find(
        "node_types", "tosca.nodes.Compute"
    )
    assert registry.find("relationship_types", "LinksTo") is not None
    assert registry.base_primitive("PortDef") == "integer"
    properties = registry.merged(
        registry.find("node_types", "tosca.nodes.DBMS.MySQL"), "properties"
    )  # type: ignore[arg-type]
    assert properties["port"]["default"] == 3306 and "root_password" in properties
