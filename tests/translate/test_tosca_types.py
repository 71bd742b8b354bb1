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


def _registry_with(document: dict[str, object]) -> TypeRegistry:
    from pathlib import Path

    from heatctl.translate.tosca.sources import SourceFile, SourceSet

    main = SourceFile("t.yaml", document, ".")
    registry = TypeRegistry()
    registry.add_sources(SourceSet(main, [main], None, Path(".")))
    return registry


def test_normative_memo_is_not_shared_with_a_template_that_redefines_the_hierarchy() -> None:
    """Chains and merged sections of normative types are kept per process, except where a
    template redefines a type of the normative hierarchy: then that registry has its own."""
    plain = TypeRegistry()
    compute = plain.find("node_types", "tosca.nodes.Compute")
    assert compute is not None and "extra" not in plain.merged(compute, "properties")
    root = {"properties": {"extra": {"type": "string"}}}
    custom = _registry_with({"node_types": {"tosca.nodes.Root": root}})
    assert "extra" in custom.merged(compute, "properties")
    assert custom.chain(compute)[-1].file == "t.yaml"
    again = TypeRegistry()
    assert "extra" not in again.merged(compute, "properties")
    assert again.chain(compute)[-1].file is None
    # A template type with a name outside the hierarchy leaves the shared tables in use.
    other = _registry_with({"node_types": {"my.Server": {"derived_from": "tosca.nodes.Compute"}}})
    assert other.chain(compute) is again.chain(compute)
