"""The Model Interpreter's loaded template, seen through the engine's TemplateModel Protocol.

`load_model` runs the whole Model Interpreter (heatctl.dsl.validate.load_stack_template:
environments, parameters, conditions, types, provider templates, dependency graph) and
refuses a template with errors, listing every diagnostic (exit 3). The stack keeps where
its template came from (paths, the parameters given), so `model_from_stack` can load it
again for `stack resume`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from heatctl.dsl.functions import UNRESOLVED, evaluate, is_partial
from heatctl.dsl.loader import plain
from heatctl.dsl.validate import LoadedTemplate, Options, load_stack_template
from heatctl.engine.records import StackRecord
from heatctl.engine.stack import OutputSpec, ResourceResolver, ResourceSpec
from heatctl.errors import InvalidInput


@dataclass(frozen=True)
class Source:
    """Where a stack's template came from: enough to load it again."""

    template: str
    environments: tuple[str, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    parameter_files: Mapping[str, str] = field(default_factory=dict)
    allow_roots: tuple[str, ...] = ()
    max_template_size: int | None = None  # bytes; None: the Model Interpreter's default

    def to_json(self) -> dict[str, Any]:
        return {
            "template": self.template,
            "environments": list(self.environments),
            "parameter_files": dict(self.parameter_files),
            "allow_roots": list(self.allow_roots),
        }


class DslModel:
    """TemplateModel over a LoadedTemplate (see heatctl.engine.stack.TemplateModel)."""

    def __init__(self, loaded: LoadedTemplate, source: Source) -> None:
        assert loaded.template is not None and loaded.scope is not None
        self.loaded = loaded
        self.source = source
        template = loaded.template
        self.version = template.version
        self.scope = loaded.scope
        self.document: dict[str, Any] = plain(template.doc)
        # The format the user gave ("hot", "cfn", "tosca"): a TOSCA stack is relayed
        # through its translator again when the template is reloaded (resume, update).
        source_format = loaded.source_format or template.version.format
        self.environment: dict[str, Any] = {
            "source": {
                **source.to_json(),
                "format": source_format,
                "digest": source_digest(loaded, source),
            }
        }
        self.parameters: dict[str, Any] = dict(source.parameters)
        hidden = {n for n, p in template.parameters.items() if p.hidden}
        self.hidden_parameters = sorted(hidden & set(self.parameters))
        # Every hidden value, given or not (a default, an environment's): masked in views.
        self.hidden_values = {
            n: v for n, v in loaded.parameters.values.items() if n in hidden and v is not None
        }
        self.files: dict[str, str] = {}
        self.graph: nx.DiGraph = loaded.graph.graph if loaded.graph is not None else nx.DiGraph()
        self.template_types: set[str] = set()  # types backed by a provider template
        self.resources: Mapping[str, ResourceSpec] = {
            name: self._spec(name) for name in loaded.active
        }
        self.outputs: Mapping[str, OutputSpec] = {
            name: OutputSpec(out.value, out.description or "")
            for name, out in template.outputs.items()
        }

    def bind(self, stack_id: str, stack_name: str) -> DslModel:
        """Give OS::stack_id / OS::stack_name their values for this stack."""
        self.scope = dataclasses.replace(self.scope, stack_id=stack_id, stack_name=stack_name)
        return self

    def _spec(self, name: str) -> ResourceSpec:
        definition = self.loaded.active[name]
        resolution = self.loaded.types.get(name)
        type_name = definition.type or ""
        if resolution is not None and resolution.kind == "template":
            # Runs as a nested stack (heatctl.engine.nested); the row keeps the type as
            # written (`My::Server`, `server.yaml`).
            self.template_types.add(type_name)
        elif resolution is not None:
            type_name = "OS::Heat::None" if resolution.kind == "none" else resolution.name
        policy = self._plain(definition.deletion_policy) or "Delete"
        external = self._plain(definition.external_id)
        return ResourceSpec(
            name,
            type_name,
            dict(definition.properties or {}),
            str(policy).capitalize(),
            None if external in (None, "") else str(external),
        )

    def _plain(self, value: Any) -> Any:
        return None if value is None else evaluate(value, self.scope)

    def evaluate(self, value: Any, resources: ResourceResolver) -> Any:
        scope = dataclasses.replace(self.scope, resources=_Deferring(resources))
        return evaluate(value, scope)

    def is_partial(self, value: Any) -> bool:
        return is_partial(value, self.version)


class _Deferring:
    """The engine's resolvers raise LookupError for a resource without a value yet; the
    evaluator wants UNRESOLVED there (keep the call as written) and saves errors for
    names that are not resources at all."""

    def __init__(self, inner: ResourceResolver) -> None:
        self.inner = inner

    def reference(self, name: str) -> Any:
        try:
            return self.inner.reference(name)
        except LookupError:
            return self._missing(name)

    def attribute(self, name: str, attr: str, path: list[Any]) -> Any:
        try:
            return self.inner.attribute(name, attr, path)
        except LookupError:
            return self._missing(name)

    def all_attributes(self, name: str) -> Any:
        try:
            return self.inner.all_attributes(name)
        except LookupError:
            return self._missing(name)

    def has_resource(self, name: str) -> bool:
        return self.inner.has_resource(name)

    def _missing(self, name: str) -> Any:
        if not self.inner.has_resource(name):
            raise LookupError(name)
        return UNRESOLVED


def load_model(source: Source, *, stack_name: str | None = None) -> DslModel:
    """Load and validate a template for deployment; InvalidInput with every diagnostic."""
    options = Options(
        require_parameters=True,
        stack_name=stack_name,
        allow_file_roots=tuple(Path(r) for r in source.allow_roots),
    )
    if source.max_template_size is not None:
        options = dataclasses.replace(options, max_template_size=source.max_template_size)
    loaded = load_stack_template(
        source.template,
        list(source.environments),
        dict(source.parameters),
        dict(source.parameter_files),
        options,
    )
    secrets = loaded.secrets()
    if not loaded.ok or loaded.template is None:
        from heatctl.dsl.validate import _scrub

        diagnostics = _scrub(loaded.diagnostics.sorted(), secrets)
        errors = [d for d in diagnostics if d.severity == "error"]
        raise InvalidInput(
            f"{source.template}: {len(errors)} error(s); nothing was deployed", errors
        )
    return DslModel(loaded, source)


def source_files(loaded: LoadedTemplate, source: Source | None = None) -> set[Path]:
    """Every file a loaded template was made of: itself, its environments and parameter
    files, the files it reads with get_file, its provider templates and theirs."""
    found = {Path(loaded.path).resolve()}
    found.update(Path(f).resolve() for f in loaded.environment.files if f != "<environment>")
    found.update(loaded.files.paths_read())
    if source is not None:
        found.update(Path(f).resolve() for f in source.parameter_files.values())
    for provider in loaded.providers.values():
        found.add(Path(provider.path).resolve())
        if provider.loaded is not None:
            found |= source_files(provider.loaded)
    return found


def source_digest(loaded: LoadedTemplate, source: Source) -> str:
    """A digest of the bytes of every source file (see source_files), to tell on resume
    whether the template the operation started with is still the one on disk."""
    digest = hashlib.sha256()
    for path in sorted(source_files(loaded, source)):
        digest.update(str(path).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
        digest.update(b"\0")
    return digest.hexdigest()


def model_from_stack(stack: StackRecord, parameters: Mapping[str, Any]) -> DslModel:
    """Load a stack's template again from where it came from (for resume), refusing if its
    files changed since the operation started: resume finishes that operation, it does not
    start another one (that is `stack update`)."""
    stored = stack.environment.get("source")
    if not isinstance(stored, Mapping):
        raise InvalidInput(f"stack {stack.name!r} does not record where its template came from")
    model = _reload(stack, stored, parameters)
    expected = stored.get("digest")
    found = model.environment["source"]["digest"]
    if expected is not None and found != expected:
        files = ", ".join(str(p) for p in sorted(source_files(model.loaded, model.source)))
        raise InvalidInput(
            f"stack {stack.name!r}: its template files changed since the operation started"
            f" ({files}); restore them to resume, or run `heatctl stack update` to apply the"
            " new ones"
        )
    return model


def _reload(
    stack: StackRecord, stored: Mapping[str, Any], parameters: Mapping[str, Any]
) -> DslModel:
    source = Source(
        template=str(stored["template"]),
        environments=tuple(stored.get("environments", ())),
        parameters=dict(parameters),
        parameter_files=dict(stored.get("parameter_files", {})),
        allow_roots=tuple(stored.get("allow_roots", ())),
    )
    return load_model(source, stack_name=stack.name).bind(stack.id, stack.name)


def parse_parameters(pairs: Sequence[str]) -> dict[str, str]:
    """-P NAME=VALUE pairs; a repeated name joins with ',' (a comma_delimited_list)."""
    from heatctl.errors import UsageError

    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"-P {pair!r}: expected NAME=VALUE")
        values[name] = f"{values[name]},{value}" if name in values else value
    return values


# custom_constraint name -> how to find such a thing in the cloud (None: not found).
CLOUD_LOOKUPS: dict[str, Any] = {
    "nova.flavor": lambda conn, v: conn.compute.find_flavor(v, ignore_missing=True),
    "nova.keypair": lambda conn, v: conn.compute.find_keypair(v, ignore_missing=True),
    "nova.server": lambda conn, v: conn.compute.find_server(v, ignore_missing=True),
    "glance.image": lambda conn, v: conn.image.find_image(v, ignore_missing=True),
    "neutron.network": lambda conn, v: conn.network.find_network(v, ignore_missing=True),
    "neutron.subnet": lambda conn, v: conn.network.find_subnet(v, ignore_missing=True),
    "neutron.port": lambda conn, v: conn.network.find_port(v, ignore_missing=True),
    "neutron.router": lambda conn, v: conn.network.find_router(v, ignore_missing=True),
    "neutron.security_group": lambda conn, v: conn.network.find_security_group(
        v, ignore_missing=True
    ),
    "cinder.volume": lambda conn, v: conn.block_storage.find_volume(v, ignore_missing=True),
}


@dataclass(frozen=True)
class CloudCheck:
    """One value that a custom constraint says must exist in the cloud."""

    what: str  # "parameter 'key_name'" or "resource 'server' property 'key_name'"
    kind: str  # the custom constraint, e.g. nova.keypair
    value: Any
    path: tuple[str | int, ...]  # where it is written in the template


def cloud_constraints(model: DslModel) -> list[CloudCheck]:
    """Every parameter value and every resource property value (known without the cloud)
    whose custom constraint is a cloud lookup, as Heat checks them before creating."""
    template = model.loaded.template
    assert template is not None
    values = model.loaded.parameters.values
    found = []
    for name, definition in template.parameters.items():
        for constraint in definition.constraints:
            kind = str(constraint.args) if constraint.kind == "custom_constraint" else ""
            if kind in CLOUD_LOOKUPS and values.get(name) not in (None, ""):
                found.append(CloudCheck(f"parameter '{name}'", kind, values[name], definition.path))
    for name, resource in model.loaded.active.items():
        found.extend(_property_checks(model, name, resource))
    return found


def _property_checks(model: DslModel, name: str, resource: Any) -> list[CloudCheck]:
    from heatctl.dsl.functions import FunctionError, evaluate, is_partial
    from heatctl.resources import registry

    cls = registry.get(resource.type or "")
    if cls is None or resource.external_id is not None:
        return []
    schema = cls.schema().properties
    checks = []
    for prop, value in (resource.properties or {}).items():
        kinds = [
            str(c.args)
            for c in getattr(schema.get(prop), "constraints", ())
            if c.kind == "custom_constraint" and str(c.args) in CLOUD_LOOKUPS
        ]
        if not kinds:
            continue
        try:
            resolved = evaluate(value, model.scope)
        except FunctionError:
            continue  # validation reported it already
        if isinstance(resolved, str) and resolved and not is_partial(resolved, model.version):
            path = (*resource.path_of("properties"), prop)
            what = f"resource '{name}' property '{prop}'"
            checks.append(CloudCheck(what, kinds[0], resolved, path))
    return checks


def check_cloud_constraints(model: DslModel, connection: Any) -> None:
    """Check nova.flavor, glance.image, neutron.network, nova.keypair... values of
    parameters and resource properties against the cloud before anything is created; every
    miss is a diagnostic where the value is written (exit 3)."""
    from heatctl.dsl.diagnostics import Diagnostic, locate

    template = model.loaded.template
    assert template is not None
    problems = []
    for check in cloud_constraints(model):
        items = check.value if isinstance(check.value, list) else [check.value]
        for item in items:
            if CLOUD_LOOKUPS[check.kind](connection, item) is None:
                line, col = locate(template.doc, check.path)
                message = f"{check.what}: {check.kind} '{item}' does not exist in the cloud"
                problems.append(Diagnostic(message, template.file, line, col, path=check.path))
    if problems:
        raise InvalidInput(f"{len(problems)} value(s) not found in the cloud", problems)
