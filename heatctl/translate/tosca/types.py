"""TOSCA type definitions: the normative hierarchy (normative.yaml) plus custom types.

Types are data: each is its definition mapping with a parent (`derived_from`). Lookups
accept the full name (tosca.nodes.Compute), the short name the specification allows
(Compute), and namespace-prefixed names from imports.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from heatctl.dsl.diagnostics import did_you_mean
from heatctl.dsl.loader import loads
from heatctl.translate.tosca.sources import SourceSet, fail

# The data files sit next to this module (package data); importlib.resources would add
# tempfile, random and hashlib to every start-up for the same path.
_HERE = Path(__file__).parent

SECTIONS = {
    "node_types": "tosca.nodes.",
    "relationship_types": "tosca.relationships.",
    "capability_types": "tosca.capabilities.",
    "interface_types": "tosca.interfaces.",
    "data_types": "tosca.datatypes.",
    "artifact_types": "tosca.artifacts.",
    "group_types": "tosca.groups.",
    "policy_types": "tosca.policies.",
}
PRIMITIVES = frozenset(
    [
        "string",
        "integer",
        "float",
        "boolean",
        "timestamp",
        "null",
        "version",
        "range",
        "list",
        "map",
        "scalar-unit.size",
        "scalar-unit.time",
        "scalar-unit.frequency",
        "scalar-unit.bitrate",
    ]
)
# Short prefixes some templates use (tosca-parser accepts them too).
SHORT_PREFIXES = {
    "node_types": ("tosca.nodes.", "tosca.nodes.network."),
    "relationship_types": ("tosca.relationships.", "tosca.relationships.network."),
    "data_types": ("tosca.datatypes.", "tosca.datatypes.network."),
}


@dataclass
class TypeDef:
    """One type definition and where it came from."""

    name: str
    section: str
    definition: Mapping[str, Any]
    file: str | None
    document: Any


@cache
def _normative() -> Mapping[str, Any]:
    """The normative types. normative.yaml is the source; normative.json is the same data,
    read ~10x faster at start-up (tests/translate/test_tosca_types.py keeps them equal;
    regenerate with `python -m heatctl.translate.tosca.types`)."""
    text = _HERE.joinpath("normative.json").read_text("utf-8")
    loaded: Mapping[str, Any] = json.loads(text)
    return loaded


def normative_from_yaml() -> Any:
    """normative.yaml, loaded through heatctl's safe loader, as plain data."""
    from heatctl.dsl.loader import plain

    text = _HERE.joinpath("normative.yaml").read_text("utf-8")
    return plain(loads(text, "normative.yaml"))


@cache
def _normative_types() -> dict[str, dict[str, TypeDef]]:
    """The normative TypeDefs, built once per process (registries copy the tables)."""
    types: dict[str, dict[str, TypeDef]] = {section: {} for section in SECTIONS}
    for section, entries in _normative().items():
        for name, definition in entries.items():
            types[section][name] = TypeDef(name, section, definition, None, None)
    return types


@cache
def _reserved_names() -> dict[str, frozenset[str]]:
    """Per section, every name a lookup inside the normative hierarchy can resolve to: the
    normative names and the forms find() tries for their derived_from. A template type with
    one of these names could change a normative chain; with none, it cannot."""
    reserved: dict[str, frozenset[str]] = {}
    for section, entries in _normative_types().items():
        names = set(entries)
        for typedef in entries.values():
            parent = typedef.definition.get("derived_from")
            if isinstance(parent, str):
                names.add(parent)
                names.update(p + parent for p in SHORT_PREFIXES.get(section, (SECTIONS[section],)))
        reserved[section] = frozenset(names)
    return reserved


# Chains and merged sections of normative types, shared by every registry of the process
# whose section the template leaves untouched (see _reserved_names). Like the normative
# TypeDefs themselves, they are read-only: merged() hands out copies.
_NORMATIVE_CHAINS: dict[tuple[str, str], list[TypeDef]] = {}
_NORMATIVE_MERGED: dict[tuple[str, str, str], dict[str, Any]] = {}
_NORMATIVE_LINEAGES: dict[tuple[str, str], tuple[list[TypeDef], frozenset[str]]] = {}


class TypeRegistry:
    """Every type visible to one service template, by section."""

    def __init__(self) -> None:
        self.types: dict[str, dict[str, TypeDef]] = {
            k: dict(v) for k, v in _normative_types().items()
        }
        self.misplaced: list[TypeDef] = []
        self._chains: dict[tuple[str, str], list[TypeDef]] = {}
        self._merged: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._primitives: dict[str, str | None] = {}
        self._primitives_of: tuple[int, int] = (0, 0)
        self._lineages: dict[tuple[str, str], tuple[list[TypeDef], frozenset[str]]] = {}
        self._shadowed: set[str] = set()
        """Sections where a template type takes a name of the normative hierarchy."""
        self._custom: set[str] = set()
        """Sections with template types (whose derived_from add_sources checks)."""

    def add_sources(self, sources: SourceSet) -> None:
        """Add the custom types of every loaded file; check every derived_from resolves."""
        self._primitives.clear()  # base_primitive()'s answers may change
        for source in sources:
            for section in SECTIONS:
                entries = source.document.get(section)
                if entries is None:
                    continue
                if not isinstance(entries, dict | Mapping):
                    raise fail(
                        f"{section} must be a mapping of type names to definitions",
                        source.name,
                        source.document,
                        (section,),
                    )
                for name, definition in entries.items():
                    if not isinstance(definition, dict | Mapping):
                        definition = {}
                    typedef = TypeDef(str(name), section, definition, source.name, source.document)
                    self.types[section][str(name)] = typedef
                    aliases = [f"{p}{sep}{name}" for p in source.prefixes for sep in ".:"]
                    for alias in aliases:  # imported with namespace_prefix
                        self.types[section].setdefault(alias, typedef)
                    if not _reserved_names()[section].isdisjoint((str(name), *aliases)):
                        self._shadowed.add(section)
                    self._custom.add(section)
        for section, entries in self.types.items():
            if section not in self._custom:  # only normative types: checked once and for all
                continue
            # The template's types, in table order (the normative ones were checked once).
            for typedef in [t for t in entries.values() if t.file is not None]:
                parent = typedef.definition.get("derived_from")
                if parent is None:
                    continue
                if not isinstance(parent, str):
                    raise fail(
                        f"derived_from of {typedef.name} must be a type name",
                        typedef.file,
                        typedef.document,
                        (section, typedef.name, "derived_from"),
                    )
                if section == "data_types" and parent in PRIMITIVES:
                    continue
                if self.find(section, parent) is None and self._relocate(typedef, parent):
                    continue
                if self.find(section, parent) is None:
                    raise fail(
                        f"{typedef.name} is derived from unknown type '{parent}'{did_you_mean(parent, entries)}",
                        typedef.file,
                        typedef.document,
                        (section, typedef.name, "derived_from"),
                    )

    def _relocate(self, typedef: TypeDef, parent: str) -> bool:
        """A type filed under the wrong section (a capability type under node_types, as
        some real templates do) moves to the section its parent is in."""
        for section in SECTIONS:
            if section != typedef.section and self.find(section, parent) is not None:
                del self.types[typedef.section][typedef.name]
                moved = TypeDef(
                    typedef.name, section, typedef.definition, typedef.file, typedef.document
                )
                self.types[section][typedef.name] = moved
                self.misplaced.append(typedef)
                self._custom.add(section)
                if typedef.name in _reserved_names()[section]:
                    self._shadowed.add(section)
                return True
        return False

    def find(self, section: str, name: Any) -> TypeDef | None:
        """The type called `name` (full or short form) in `section`, or None."""
        if not isinstance(name, str):
            return None
        entries = self.types[section]
        if name in entries:
            return entries[name]
        for prefix in SHORT_PREFIXES.get(section, (SECTIONS[section],)):
            if prefix + name in entries:
                return entries[prefix + name]
        return None

    def require(
        self, section: str, name: Any, file: str | None, doc: Any, path: tuple[Any, ...]
    ) -> TypeDef:
        """find(), or a diagnostic with a did-you-mean suggestion."""
        found = self.find(section, name)
        if found is None:
            kind = section.removesuffix("_types").replace("_", " ")
            candidates = list(self.types[section])
            short = {c.rsplit(".", 1)[-1]: c for c in candidates}
            hint = did_you_mean(name, candidates) or did_you_mean(name, short)
            raise fail(f"unknown {kind} type '{name}'{hint}", file, doc, path)
        return found

    def chain(self, typedef: TypeDef) -> list[TypeDef]:
        """The type and its ancestors, nearest first (stops on a cycle)."""
        key = (typedef.section, typedef.name)
        chains = self._chains if self._own(typedef) else _NORMATIVE_CHAINS
        cached = chains.get(key)
        if cached is None or cached[0] is not typedef:
            cached = chains[key] = self._chain(typedef)
        return cached

    def normative_only(self, typedef: TypeDef, *sections: str) -> bool:
        """Whether what is derived from `typedef` and from lookups in `sections` is the same
        in every translation: a normative type the template leaves untouched, and sections
        without template types (so a per-process table may keep it)."""
        return not self._own(typedef) and self._custom.isdisjoint(sections)

    def _own(self, typedef: TypeDef) -> bool:
        """Whether `typedef`'s chain and merged sections are this registry's own (a template
        type, or a normative one whose section the template redefines) or the process's."""
        return typedef.file is not None or typedef.section in self._shadowed

    def _chain(self, typedef: TypeDef) -> list[TypeDef]:
        result = [typedef]
        seen = {typedef.name}
        current = typedef
        while True:
            parent = self.find(current.section, current.definition.get("derived_from"))
            if parent is None or parent.name in seen:
                return result
            result.append(parent)
            seen.add(parent.name)
            current = parent

    def is_a(self, typedef: TypeDef, ancestor: str) -> bool:
        """True if `typedef` is `ancestor` or derives from it."""
        return typedef.name == ancestor or ancestor in self.lineage(typedef)

    def lineage(self, typedef: TypeDef) -> frozenset[str]:
        """The names of the type and its ancestors (is_a's question, asked many times per
        node: a set kept beside each chain)."""
        chain = self.chain(typedef)
        key = (typedef.section, typedef.name)
        table = self._lineages if self._own(typedef) else _NORMATIVE_LINEAGES
        cached = table.get(key)
        if cached is None or cached[0] is not chain:  # kept as long as the chain it names
            cached = table[key] = (chain, frozenset(t.name for t in chain))
        return cached[1]

    def merged(self, typedef: TypeDef, key: str) -> dict[str, Any]:
        """A mapping section (properties, capabilities, interfaces...) merged down the chain."""
        memo = (typedef.section, typedef.name, key)
        table = self._merged if self._own(typedef) else _NORMATIVE_MERGED
        if memo not in table:
            table[memo] = self._merge(typedef, key)
        return dict(table[memo])

    def _merge(self, typedef: TypeDef, key: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for ancestor in reversed(self.chain(typedef)):
            section = ancestor.definition.get(key)
            if section is not None and isinstance(section, dict | Mapping):
                for name, value in section.items():
                    earlier = result.get(name)
                    if (
                        earlier is not None
                        and isinstance(value, dict | Mapping)
                        and isinstance(earlier, dict | Mapping)
                    ):
                        result[name] = {**earlier, **value}
                    else:
                        result[name] = value
        return result

    def requirements(self, typedef: TypeDef) -> dict[str, dict[str, Any]]:
        """Requirement definitions by name, merged down the chain."""
        result: dict[str, dict[str, Any]] = {}
        for ancestor in reversed(self.chain(typedef)):
            for item in ancestor.definition.get("requirements") or []:
                if isinstance(item, dict | Mapping):
                    for name, value in item.items():
                        value = (
                            value if isinstance(value, dict | Mapping) else {"capability": value}
                        )
                        result[str(name)] = {**result.get(str(name), {}), **value}
        return result

    def data_type(self, name: str) -> TypeDef | None:
        """A complex data type by name (None for primitives and unknown names)."""
        return self.find("data_types", name)

    def base_primitive(self, name: str) -> str | None:
        """The primitive a type name stands for (PortDef -> integer), or None if complex."""
        if name in PRIMITIVES:
            return name
        key = (id(self.types["data_types"]), len(self.types["data_types"]), name)
        if key[:2] != self._primitives_of:  # data types were added: forget the answers
            self._primitives.clear()
            self._primitives_of = key[:2]
        if name not in self._primitives:
            self._primitives[name] = self._base_primitive(name)
        return self._primitives[name]

    def _base_primitive(self, name: str) -> str | None:
        seen: set[str] = set()
        while name not in PRIMITIVES:
            typedef = self.find("data_types", name) or self.find(
                "data_types", "tosca.datatypes.network." + name
            )
            if typedef is None or name in seen:
                return None
            seen.add(name)
            parent = typedef.definition.get("derived_from")
            if not isinstance(parent, str):
                return None
            name = parent
        return name

    def all(self, section: str) -> Iterator[TypeDef]:
        """Every type of one section."""
        return iter(self.types[section].values())


if __name__ == "__main__":  # regenerate normative.json from normative.yaml
    target = _HERE.joinpath("normative.json")
    with open(str(target), "w", encoding="utf-8") as handle:
        json.dump(normative_from_yaml(), handle, indent=1, sort_keys=False)
        handle.write("\n")
