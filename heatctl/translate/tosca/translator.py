"""The TOSCA -> HOT translation: a Context shared by the builders, and the pass order.

Passes: load sources and types -> inputs to parameters -> check node templates -> one
builder per node kind -> relationships -> software lifecycles -> policies and groups ->
outputs -> what cannot be translated goes to the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from heatctl.translate.base import ReportEntry, TranslateOptions, Translation
from heatctl.translate.report import Reporter
from heatctl.translate.tosca import builders, outputs, policies, scaling, software
from heatctl.translate.tosca.catalog import Catalog
from heatctl.translate.tosca.functions import Functions, Scope
from heatctl.translate.tosca.inputs import InputTable
from heatctl.translate.tosca.model import Node
from heatctl.translate.tosca.sources import SourceSet, fail, load_sources
from heatctl.translate.tosca.topology import TopologyBuilder
from heatctl.translate.tosca.types import TypeRegistry

VERSIONS = ("2013-05-23", "2014-10-16", "2015-04-30", "2015-10-15", "2016-04-08", "2016-10-14")
DEFINITION_VERSIONS = frozenset(
    {
        "tosca_simple_yaml_1_0",
        "tosca_simple_yaml_1_1",
        "tosca_simple_yaml_1_2",
        "tosca_simple_yaml_1_3",
        "tosca_simple_profile_for_nfv_1_0_0",
        "tosca_simple_profile_for_mec_1_0_0",
    }
)
TOP_KEYS = frozenset(
    [
        "tosca_definitions_version",
        "tosca_default_namespace",
        "namespace",
        "template_name",
        "template_author",
        "template_version",
        "metadata",
        "description",
        "dsl_definitions",
        "repositories",
        "imports",
        "artifact_types",
        "data_types",
        "capability_types",
        "interface_types",
        "relationship_types",
        "node_types",
        "group_types",
        "policy_types",
        "topology_template",
    ]
)
TOPOLOGY_KEYS = frozenset(
    [
        "description",
        "inputs",
        "node_templates",
        "relationship_templates",
        "groups",
        "policies",
        "outputs",
        "substitution_mappings",
        "workflows",
    ]
)
# Node kinds by the normative (or NFV) type they derive from; the first match wins.
KINDS = (
    ("tosca.nodes.nfv.Vdu.Compute", "vdu"),
    ("tosca.nodes.nfv.Vdu.VirtualBlockStorage", "vdu_storage"),
    ("tosca.nodes.nfv.VduCp", "vdu_cp"),
    ("tosca.nodes.nfv.VnfVirtualLink", "virtual_link"),
    ("tosca.nodes.nfv.VNF", "vnf"),
    ("tosca.nodes.Compute", "server"),
    ("tosca.nodes.Abstract.Compute", "server"),
    ("tosca.nodes.BlockStorage", "volume"),
    ("tosca.nodes.Storage.BlockStorage", "volume"),
    ("tosca.nodes.ObjectStorage", "container"),
    ("tosca.nodes.Storage.ObjectStorage", "container"),
    ("tosca.nodes.network.Network", "network"),
    ("tosca.nodes.network.Port", "port"),
    ("tosca.nodes.network.FloatingIP", "floating_ip"),
    ("tosca.nodes.LoadBalancer", "load_balancer"),
    ("tosca.nodes.Container.Application", "container_application"),
    ("tosca.nodes.Root", "software"),
)


class Context:
    """Everything one translation shares: sources, types, inputs, nodes and the HOT output."""

    def __init__(
        self, sources: SourceSet, registry: TypeRegistry, options: TranslateOptions
    ) -> None:
        self.sources = sources
        self.registry = registry
        self.options = options
        self.file = sources.main.name
        self.document = sources.main.document
        self.topology: Mapping[str, Any] = self.document.get("topology_template") or {}
        self.reporter = Reporter(self.file, self.document)
        self.inputs = InputTable(self)
        self.functions = Functions(self)
        self.catalog = Catalog(options.cloud)
        self.nodes: dict[str, Node] = {}
        self.kinds: dict[str, str] = {}
        self.resources: dict[str, dict[str, Any]] = {}
        self.nested: dict[str, dict[str, Any]] = {}
        self.version = VERSIONS[0]
        self.operation_outputs: dict[tuple[str, str], list[str]] = {}
        self.main_resource: dict[str, str] = {}
        self.owned: dict[str, list[str]] = {}
        self.last_deploy: dict[str, str] = {}
        self.attributes: dict[str, Any] = {}
        self.parameters: dict[str, Any] = {}
        self.file_refs: dict[str, tuple[Any, ...]] = {}

    def need_version(self, version: str) -> None:
        """Raise the output's heat_template_version to at least `version`."""
        if VERSIONS.index(version) > VERSIONS.index(self.version):
            self.version = version

    def add(self, name: str, resource: dict[str, Any], owner: str | None = None) -> str:
        """Add a HOT resource (owned by node `owner`, so scaling can move it)."""
        if name in self.resources:
            raise fail(
                f"two HOT resources would be named '{name}'; rename a node template",
                self.file,
                self.document,
                ("topology_template",),
            )
        self.resources[name] = resource
        if owner is not None:
            self.owned.setdefault(owner, []).append(name)
        return name

    def depend(
        self, resource: str, on: str, path: tuple[Any, ...] = ("topology_template",)
    ) -> None:
        """resource depends_on `on` (kept unique, in order), unless that closes a cycle."""
        depends = self.resources[resource].setdefault("depends_on", [])
        if on in depends or on == resource:
            return
        if self._reaches(on, resource):
            # Mutual requirements (say, two servers that are each other's HA peer): Heat
            # cannot order a cycle, so the second direction is dropped and reported.
            self.reporter.approximate(
                f"'{resource}' and '{on}' require each other; only one order is kept", path
            )
            return
        depends.append(on)

    def _reaches(self, start: str, goal: str) -> bool:
        """Whether `start` depends_on `goal`, directly or not."""
        stack, seen = [start], set()
        while stack:
            current = stack.pop()
            if current == goal:
                return True
            if current not in seen:
                seen.add(current)
                stack.extend(self.resources.get(current, {}).get("depends_on", []))
        return False

    def hot(self, value: Any, node: Node | None, path: tuple[Any, ...], **ends: Node | None) -> Any:
        """Translate a value with functions, evaluated for `node`."""
        return self.functions.hot(value, Scope(node, ends.get("source"), ends.get("target")), path)

    def attribute(self, node: Node, name: str, rest: list[Any], path: tuple[Any, ...]) -> Any:
        """The HOT expression for a node's attribute, or None when there is none."""
        from heatctl.translate.tosca.attributes import attribute

        return attribute(self, node, name, rest, path)

    def check_file(self, relative: str, path: tuple[Any, ...]) -> None:
        """Inside a CSAR, a referenced file must be in the archive."""
        self.file_refs.setdefault(relative, path)
        if self.sources.archive is not None and not self.sources.has_file(
            self.sources.main.location, relative
        ):
            raise fail(f"'{relative}' is not in the CSAR archive", self.file, self.document, path)


def _check_top_level(sources: SourceSet) -> None:
    main = sources.main
    version = main.document.get("tosca_definitions_version")
    if not isinstance(version, str) or version not in DEFINITION_VERSIONS:
        raise fail(
            f"unknown tosca_definitions_version '{version}' (known: {', '.join(sorted(DEFINITION_VERSIONS))})",
            main.name,
            main.document,
            ("tosca_definitions_version",),
        )
    for source in sources:
        for key in source.document:
            if key not in TOP_KEYS:
                from heatctl.dsl.diagnostics import did_you_mean

                raise fail(
                    f"unknown top-level key '{key}'{did_you_mean(key, TOP_KEYS)}",
                    source.name,
                    source.document,
                    (key,),
                )
    topology = main.document.get("topology_template")
    if topology is not None and not isinstance(topology, dict | Mapping):
        raise fail(
            "topology_template must be a mapping", main.name, main.document, ("topology_template",)
        )
    for key in topology or {}:
        if key not in TOPOLOGY_KEYS:
            from heatctl.dsl.diagnostics import did_you_mean

            raise fail(
                f"unknown topology_template key '{key}'{did_you_mean(key, TOPOLOGY_KEYS)}",
                main.name,
                main.document,
                ("topology_template", key),
            )


def _report_loading(ctx: Context) -> None:
    """Leniencies of loading, kept visible in the report."""
    for warning in ctx.sources.warnings:
        ctx.reporter.entries.append(
            ReportEntry(
                "approximate",
                f"{warning.message}: the last value is used, as PyYAML does",
                warning.file,
                warning.line,
                warning.col,
                "imports",
            )
        )
    for source, where, directory in ctx.sources.resolved_elsewhere:
        ctx.reporter.info(
            f"import resolved relative to {directory}, not to the importing file",
            where,
            document=source.document,
            file=source.name,
        )
    for typedef in ctx.registry.misplaced:
        ctx.reporter.info(
            f"{typedef.name} is declared under {typedef.section} but derives from a type of another section; moved there",
            (typedef.section, typedef.name),
            document=typedef.document,
            file=typedef.file,
        )


def translate_tosca(
    path: Path,
    display: str,
    document: Mapping[str, Any] | None,
    given: Mapping[str, str],
    options: TranslateOptions,
) -> Translation:
    """Translate a TOSCA service template (YAML file or CSAR) to HOT."""
    sources = load_sources(path, display, document)
    _check_top_level(sources)
    registry = TypeRegistry()
    registry.add_sources(sources)
    ctx = Context(sources, registry, options)
    _report_loading(ctx)
    parameters = ctx.parameters = ctx.inputs.build(given)
    if "topology_template" not in ctx.document:
        ctx.reporter.info(
            "a definitions-only file: its types are checked, there is no topology to translate",
            ("tosca_definitions_version",),
        )
    ctx.nodes = TopologyBuilder(registry, ctx.file, ctx.document, ctx.reporter).build()
    for node in ctx.nodes.values():
        lineage = registry.lineage(node.typedef)  # is_a() for each of KINDS, in one set
        ctx.kinds[node.name] = next((kind for base, kind in KINDS if base in lineage), "software")
    builders.build_all(ctx)
    software.build_all(ctx)
    policies.build_all(ctx)
    hot_outputs = outputs.build(ctx)
    scaling.rewrite_main(ctx, hot_outputs)
    hot: dict[str, Any] = {"heat_template_version": ctx.version}
    description = ctx.document.get("description") or ctx.topology.get("description")
    if isinstance(description, str):
        hot["description"] = description.strip()
    hot["parameters"] = parameters
    hot["resources"] = ctx.resources
    hot["outputs"] = hot_outputs
    for nested in ctx.nested.values():
        nested["heat_template_version"] = ctx.version
    files = _referenced_files(ctx, [hot, *ctx.nested.values()])
    return Translation(hot, ctx.nested, ctx.reporter.entries, "tosca", files)


def _get_files(value: Any, found: list[str] | None = None) -> list[str]:
    """Every get_file path in `value`, in document order (one list, no copies per level)."""
    found = [] if found is None else found
    # dict, then list, then the (slow, ABC) Mapping check for anything else.
    if isinstance(value, dict) or (not isinstance(value, list) and isinstance(value, Mapping)):
        if len(value) == 1 and isinstance(value.get("get_file"), str):
            found.append(value["get_file"])
            return found
        for item in value.values():
            if type(item) not in _LEAVES:
                _get_files(item, found)
    elif isinstance(value, list):
        for item in value:
            if type(item) not in _LEAVES:
                _get_files(item, found)
    return found


_LEAVES = frozenset({str, int, float, bool, type(None)})


def _referenced_files(ctx: Context, templates: list[Any]) -> dict[str, bytes]:
    """The content of every local file the HOT reads with get_file, where the source has it."""
    import os
    import posixpath

    from heatctl.dsl.loader import read_bytes
    from heatctl.translate.tosca.sources import is_url

    files: dict[str, bytes] = {}
    for name in dict.fromkeys(f for t in templates for f in _get_files(t)):
        if is_url(name):
            continue
        data: bytes | None = None
        if ctx.sources.archive is not None:
            key = posixpath.normpath(posixpath.join(ctx.sources.main.location, name))
            data = ctx.sources.archive.members.get(key)
        else:
            try:
                data = read_bytes(os.path.join(ctx.sources.main.location, name))
            except OSError:
                data = None
        if data is None:
            ctx.reporter.approximate(
                f"get_file '{name}': the file is not next to the template; Heat needs it when the stack is created",
                ctx.file_refs.get(name, ("topology_template",)),
            )
        else:
            files[name] = data
    return files
