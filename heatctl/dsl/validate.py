"""Validation of a template with its environment and parameters, collecting every problem.

The stages, each adding diagnostics and going on as far as it can:

    load (Jinja2 first for *.j2.yaml) -> version -> sections -> environment files ->
    parameter values -> conditions -> resources (type through the registry, with
    did-you-mean; provider templates loaded and validated recursively; properties against
    the type's schema; functions; references to resources, attributes and parameters;
    depends_on) -> outputs -> dependency graph (cycles)

Library entry points (no Click needed):

    load_stack_template(path, environments, parameters, ...) -> LoadedTemplate
        the model, the typed parameter values, the evaluation Scope, the resources whose
        condition holds, the dependency graph and the diagnostics. The engine starts here.
    validate_file(path, ...) -> ValidationResult(loaded, diagnostics, summary)
    load_nested(loaded, key, parameters, facade) -> LoadedTemplate
        a provider template / nested stack with real parameter values (for the engine).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heatctl.dsl.diagnostics import Diagnostic, Diagnostics, did_you_mean
from heatctl.dsl.environment import (
    Environment,
    EnvironmentFile,
    RegistryError,
    ResourceRegistry,
    TypeResolution,
    merge_environments,
    parse_environment,
)
from heatctl.dsl.files import FileAccess, FileRefError, is_template_path, is_zip_archive
from heatctl.dsl.loader import DEFAULT_MAX_BYTES, Limits, LoadError, gc_paused, load_file, loads
from heatctl.dsl.parameters import (
    MASK,
    ParameterValues,
    ValueOrigin,
    hidden_values,
    resolve_values,
)
from heatctl.dsl.template import ResourceDefinition, Source, Template, parse_template
from heatctl.resources.schema import TypeSchema

MAX_NESTING = 5  # Heat's max_nested_stack_depth


@dataclass(frozen=True)
class Options:
    """How to load and validate (everything optional)."""

    allow_file_roots: tuple[Path, ...] = ()
    variables: Mapping[str, Any] = field(default_factory=dict)
    """Jinja2 variables for *.j2.yaml templates."""
    max_template_size: int = DEFAULT_MAX_BYTES
    require_parameters: bool = False
    """True for a deployment: a parameter with no value anywhere is an error."""
    max_nesting: int = MAX_NESTING
    stack_name: str | None = None


@dataclass(frozen=True)
class Nesting:
    """How a nested stack (provider template, OS::Heat::Stack) is loaded."""

    registry: ResourceRegistry
    """The parent's registry, narrowed to the rules for the parent resource."""
    parameter_defaults: Mapping[str, Any]
    """The parent environment's parameter_defaults (they reach every nested stack)."""
    known: bool
    """True when the parameter values are the real ones (a deployment); False while a
    provider template is validated once for every resource using it."""
    facade: Mapping[str, Any] | None = None
    """The parent resource's metadata / deletion_policy / update_policy (resource_facade)."""


@dataclass
class ProviderTemplate:
    """A provider template behind a resource type, loaded and validated."""

    path: Path
    name: str
    loaded: LoadedTemplate | None
    schema: TypeSchema | None


@dataclass
class LoadedTemplate:
    """A template read with its environment and parameters, ready for the engine."""

    path: Path
    name: str
    template: Template | None
    environment: Environment
    parameters: ParameterValues
    diagnostics: Diagnostics
    files: FileAccess
    scope: Any = None
    """heatctl.dsl.functions.Scope for evaluating the template (None when unreadable)."""
    conditions: dict[str, Any] = field(default_factory=dict)
    active: dict[str, ResourceDefinition] = field(default_factory=dict)
    """Resources whose condition holds (or cannot be known yet)."""
    types: dict[str, TypeResolution] = field(default_factory=dict)
    providers: dict[str, ProviderTemplate] = field(default_factory=dict)
    """resource name -> its provider template, for template-backed types."""
    graph: Any = None
    """heatctl.engine.graph.DependencyGraph of the active resources (None if unreadable)."""
    depth: int = 0
    """0 for the top-level template, 1 for its nested stacks, and so on."""
    options: Options = field(default_factory=lambda: Options())
    source_format: str | None = None
    """The format the user gave: "hot", "cfn", or a translated one such as "tosca"."""

    @property
    def ok(self) -> bool:
        """True when no error was found (warnings allowed)."""
        return not self.diagnostics.errors

    def scope_with(self, resources: Any) -> Any:
        """The evaluation scope with a ResourceResolver (the engine's view of resources)."""
        import dataclasses

        return dataclasses.replace(self.scope, resources=resources)

    def secrets(self) -> list[str]:
        """Hidden parameter values, to keep out of any output."""
        if self.template is None:
            return []
        return hidden_values(self.template.parameters, self.parameters.values)


@dataclass
class ValidationResult:
    """What `template validate` reports."""

    loaded: LoadedTemplate
    diagnostics: list[Diagnostic]
    summary: dict[str, Any]

    @property
    def valid(self) -> bool:
        """True when no diagnostic is an error."""
        return not any(d.severity == "error" for d in self.diagnostics)

    def to_json(self) -> dict[str, Any]:
        """The result as `template validate --json` prints it."""
        return {
            "valid": self.valid,
            "file": self.loaded.name,
            "diagnostics": [d.to_json() for d in self.diagnostics],
            "summary": self.summary,
        }


def validate_file(
    path: str | Path,
    environments: Sequence[str | Path] = (),
    parameters: Mapping[str, Any] | None = None,
    parameter_files: Mapping[str, str | Path] | None = None,
    options: Options | None = None,
) -> ValidationResult:
    """Validate the template at `path`; never raises for bad input (see diagnostics)."""
    with gc_paused():
        loaded = load_stack_template(path, environments, parameters, parameter_files, options)
        scrubbed = _scrub(loaded.diagnostics.sorted(), loaded.secrets())
        return ValidationResult(loaded, scrubbed, summarize(loaded))


def load_stack_template(
    path: str | Path,
    environments: Sequence[str | Path] = (),
    parameters: Mapping[str, Any] | None = None,
    parameter_files: Mapping[str, str | Path] | None = None,
    options: Options | None = None,
) -> LoadedTemplate:
    """Load and check a template, its `-e` environments and parameter values."""
    with gc_paused():  # large templates: see loader.gc_paused
        return _load_stack_template(path, environments, parameters, parameter_files, options)


def _load_stack_template(
    path: str | Path,
    environments: Sequence[str | Path],
    parameters: Mapping[str, Any] | None,
    parameter_files: Mapping[str, str | Path] | None,
    options: Options | None,
) -> LoadedTemplate:
    options = options or Options()
    path = Path(path)
    files = FileAccess.for_template(path, options.allow_file_roots)
    files.max_bytes = options.max_template_size
    diagnostics = Diagnostics()
    env_files = [_read_environment(Path(e), files, options, diagnostics) for e in environments]
    given, origins = _command_line_values(parameters or {}, parameter_files or {}, diagnostics)
    loader = _Loader(options, files, diagnostics)
    return loader.load(path, str(path), env_files, given, origins, ResourceRegistry(), depth=0)


def _read_environment(
    path: Path, files: FileAccess, options: Options, diagnostics: Diagnostics
) -> EnvironmentFile:
    limits = Limits(max_bytes=options.max_template_size)
    try:
        doc = load_file(path, limits=limits, expect=None, what="environment")
    except LoadError as exc:
        diagnostics.extend(exc.diagnostics)
        return EnvironmentFile(str(path), None, path.resolve().parent)
    files.add_root(path.resolve().parent)
    return parse_environment(doc, str(path), path.resolve().parent, diagnostics)


def _command_line_values(
    parameters: Mapping[str, Any],
    parameter_files: Mapping[str, str | Path],
    diagnostics: Diagnostics,
) -> tuple[dict[str, Any], dict[str, ValueOrigin]]:
    given = dict(parameters)
    origins = {name: ValueOrigin(f"-P {name}") for name in parameters}
    for name, file in parameter_files.items():
        try:
            given[name] = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            diagnostics.error(f"--parameter-file {name}: cannot read {file}: {reason}")
            continue
        origins[name] = ValueOrigin(f"--parameter-file {name}={file}")
    return given, origins


def _scrub(diagnostics: list[Diagnostic], secrets: list[str]) -> list[Diagnostic]:
    """Diagnostics with any hidden parameter value replaced by ******."""
    if not secrets:
        return diagnostics
    cleaned = []
    for diagnostic in diagnostics:
        message = diagnostic.message
        for secret in secrets:
            message = message.replace(secret, "******")
        cleaned.append(
            Diagnostic(
                message,
                diagnostic.file,
                diagnostic.line,
                diagnostic.col,
                diagnostic.severity,
                diagnostic.path,
            )
        )
    return cleaned


def summarize(loaded: LoadedTemplate) -> dict[str, Any]:
    """Counts for the short summary printed when a template is valid."""
    template = loaded.template
    if template is None:
        return {}
    graph = loaded.graph.summary() if loaded.graph is not None else {}
    missing = [n for n, p in template.parameters.items() if n not in loaded.parameters.values]
    return {
        "format": template.format,
        "source_format": loaded.source_format,
        "description": template.description,
        "version": template.version.label,
        "resources": len(template.resources),
        "active_resources": len(loaded.active),
        "parameters": len(template.parameters),
        "parameters_without_value": sorted(missing),
        "outputs": len(template.outputs),
        "conditions": len(template.conditions),
        "providers": sorted({str(p.name) for p in loaded.providers.values()}),
        "depth": graph.get("depth", 0),
        "width": graph.get("width", 0),
        "dependencies": graph.get("dependencies", 0),
        "parameter_details": parameter_details(loaded),
    }


def parameter_details(loaded: LoadedTemplate) -> list[dict[str, Any]]:
    """Each parameter as a UI would show it (Heat's validate answer); hidden values masked."""
    template = loaded.template
    assert template is not None
    details = []
    for name, param in template.parameters.items():
        value = loaded.parameters.values.get(name)
        default = param.default
        if param.hidden:
            value = MASK if name in loaded.parameters.values else None
            default = MASK if param.has_default else None
        details.append(
            {
                "name": name,
                "type": param.type,
                "label": param.label,
                "description": param.description,
                "default": default,
                "hidden": param.hidden,
                "has_value": name in loaded.parameters.values,
                "value": value,
            }
        )
    return details


# ------------------------------------------------------------------------------ loading


class _Loader:
    """Loads one template and, recursively, the provider templates it uses."""

    def __init__(self, options: Options, files: FileAccess, diagnostics: Diagnostics) -> None:
        self.options = options
        self.files = files
        self.diagnostics = diagnostics
        self.providers: dict[Path, ProviderTemplate] = {}
        self.in_progress: list[Path] = []
        self.source_format: str | None = None

    def read(self, path: Path, name: str) -> Any:
        """The document at `path` (rendered first if Jinja2), or None once reported."""
        from heatctl.dsl.jinja import TemplateRenderError, is_jinja, render_file

        limits = Limits(max_bytes=self.options.max_template_size)
        try:
            if is_jinja(path):
                text = render_file(path, self.options.variables, name)
                return loads(text, name, limits=limits)
            return load_file(path, limits=limits, display_name=name)
        except (LoadError, TemplateRenderError) as exc:
            self.diagnostics.extend(exc.diagnostics)
            return None

    def relay_foreign(self, path: Path, name: str, doc: Any) -> tuple[Path, str, Any]:
        """A TOSCA file or CSAR becomes HOT here (heatctl.translate.relay); others pass."""
        from heatctl.translate.base import TranslationError
        from heatctl.translate.relay import foreign_format, relay

        source_format = foreign_format(path, doc)
        if source_format is None:
            return path, name, doc
        try:
            relayed = relay(path, source_format)
        except TranslationError as exc:
            self.diagnostics.extend(exc.diagnostics)
            return path, name, None
        self.diagnostics.extend(relayed.warnings)
        self.source_format = relayed.source_format
        self.files.add_root(relayed.hot_path.parent)
        hot_name = f"{name} (as translated to HOT)"
        return relayed.hot_path, hot_name, self.read(relayed.hot_path, hot_name)

    def load(
        self,
        path: Path,
        name: str,
        env_files: list[EnvironmentFile],
        given: Mapping[str, Any],
        origins: Mapping[str, ValueOrigin],
        registry: ResourceRegistry,
        depth: int,
        nested: Nesting | None = None,
    ) -> LoadedTemplate:
        """Load, parse and check one template (depth 0) or a nested one (`nested`)."""
        doc = self.read(path, name) if nested is not None or not is_zip_archive(path) else None
        if nested is None:
            path, name, doc = self.relay_foreign(path, name, doc)
        template = None
        if doc is not None:
            template = parse_template(doc, name, self.diagnostics, base_dir=path.resolve().parent)
        types = {n: p.type for n, p in template.parameters.items()} if template else {}
        env = merge_environments(env_files, types, self.diagnostics)
        if nested is None:
            env.registry.entries = {**registry.entries, **env.registry.entries}
        else:
            env.registry = nested.registry
            env.parameter_defaults = dict(nested.parameter_defaults)
        values = ParameterValues()
        loaded = LoadedTemplate(path, name, template, env, values, self.diagnostics, self.files)
        loaded.depth, loaded.options = depth, self.options
        if nested is None and template is not None:
            loaded.source_format = self.source_format or template.version.format
        if template is None:
            return loaded
        all_given = {**env.parameters, **given}
        all_origins = {**env.origins, **origins}
        require = self.options.require_parameters and (nested is None or nested.known)
        loaded.parameters = resolve_values(
            template.parameters, all_given, env.parameter_defaults, all_origins, require_all=require
        )
        self._report_parameter_problems(loaded)
        from heatctl.dsl.semantics import check_template

        check_template(loaded, self, depth, nested)
        return loaded

    def _report_parameter_problems(self, loaded: LoadedTemplate) -> None:
        template = loaded.template
        assert template is not None
        source = Source(template.file, template.doc, self.diagnostics)
        for name, message, origin in loaded.parameters.problems:
            if origin is not None and origin.file is not None:
                self.diagnostics.add(Diagnostic(message, origin.file, origin.line, origin.col))
            elif origin is not None:
                self.diagnostics.add(Diagnostic(f"{message} (from {origin.description})"))
            elif name in template.parameters:
                source.error(message, template.parameters[name].path, None)
            else:
                self.diagnostics.add(Diagnostic(message, template.file))

    # -- provider templates ----------------------------------------------------------
    def provider(
        self,
        resolution: TypeResolution,
        resource: ResourceDefinition,
        loaded: LoadedTemplate,
        depth: int,
        report: Callable[[str], Any],
    ) -> ProviderTemplate | None:
        """The provider template behind a template-backed type, validated once."""
        mapped = _mapped_by(resolution)  # say which environment line chose the file
        say = report if not mapped else (lambda message: report(message + mapped))
        including = resolution.path / "x" if resolution.path is not None else loaded.path
        try:
            path = self.files.resolve(resolution.name, including)
        except FileRefError as exc:
            say(f"provider template for '{resource.type}': {exc}")
            return None
        if path in self.in_progress:
            say(f"provider template {resolution.name} uses itself (recursion)")
            return None
        if path in self.providers:
            return self.providers[path]
        if depth + 1 > self.options.max_nesting:
            say(f"nested stacks deeper than {self.options.max_nesting} levels")
            return None
        if not path.is_file():
            say(f"provider template not found: {resolution.name} ({path})")
            return None
        return self._load_provider(path, resolution, resource, loaded, depth)

    def _load_provider(
        self,
        path: Path,
        resolution: TypeResolution,
        resource: ResourceDefinition,
        loaded: LoadedTemplate,
        depth: int,
    ) -> ProviderTemplate:
        self.in_progress.append(path)
        try:
            name = _display(path)
            nesting = Nesting(
                loaded.environment.registry.nested(resource.name),
                loaded.environment.parameter_defaults,
                known=False,
            )
            nested = self.load(path, name, [], {}, {}, ResourceRegistry(), depth + 1, nesting)
        finally:
            self.in_progress.pop()
        schema = provider_schema(nested, resolution.name) if nested.template else None
        provider = ProviderTemplate(path, resolution.name, nested, schema)
        self.providers[path] = provider
        return provider


def load_nested(
    parent: LoadedTemplate,
    key: str,
    parameters: Mapping[str, Any],
    facade: Mapping[str, Any] | None = None,
) -> LoadedTemplate:
    """Load the nested stack `parent.providers[key]` with real parameter values (the
    parent resource's evaluated properties), as the engine does when it creates it.

    `key` is a resource name, or `name/resource_def`, `name/template` for group members
    and OS::Heat::Stack. The nested registry, parameter_defaults and file roots are the
    parent's; every parameter must have a value when the parent's options require it."""
    provider = parent.providers[key]
    loader = _Loader(parent.options, parent.files, Diagnostics())
    nesting = Nesting(
        parent.environment.registry.nested(key.split("/")[0]),
        parent.environment.parameter_defaults,
        known=True,
        facade=facade,
    )
    origins = {name: ValueOrigin(f"property {name} of {key}") for name in parameters}
    name = provider.loaded.name if provider.loaded else str(provider.path)
    with gc_paused():
        return loader.load(
            provider.path,
            name,
            [],
            parameters,
            origins,
            ResourceRegistry(),
            parent.depth + 1,
            nesting,
        )


def _mapped_by(resolution: TypeResolution) -> str:
    """' (mapped by env.yaml:3:3)' when an environment chose this provider template."""
    origins = [e.origin for e in resolution.via if e.origin is not None]
    if not origins:
        return ""
    return f" ({origins[-1].description.replace('environment ', 'mapped by ')})"


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def provider_schema(loaded: LoadedTemplate, name: str) -> TypeSchema:
    """A provider template as a resource type: parameters are properties, outputs attributes."""
    from heatctl.resources.schema import BASE_ATTRIBUTES, Attribute, Property, PropertyType

    kinds = {
        "string": PropertyType.STRING,
        "number": PropertyType.NUMBER,
        "boolean": PropertyType.BOOLEAN,
        "comma_delimited_list": PropertyType.LIST,
        "json": PropertyType.MAP,
    }
    template = loaded.template
    assert template is not None
    properties = {
        pname: Property(
            kinds[param.type],
            param.description or f"parameter {pname} of {name}",
            required=not param.has_default,
            default=param.default,
            allow_conversion=True,
        )
        for pname, param in template.parameters.items()
    }
    attributes = {
        oname: Attribute(output.description or f"output {oname} of {name}")
        for oname, output in template.outputs.items()
    }
    return TypeSchema(
        name=name,
        description=template.description or f"provider template {name}",
        properties=properties,
        attributes={**BASE_ATTRIBUTES, **attributes},
    )


def resolve_type(loaded: LoadedTemplate, resource: ResourceDefinition) -> TypeResolution | str:
    """How the registry resolves the resource's type, or an error message."""
    assert resource.type is not None
    try:
        return loaded.environment.registry.resolve(resource.type, resource.name)
    except RegistryError as exc:
        return str(exc)


def unknown_type(type_name: str) -> str:
    """'unknown resource type' with did-you-mean over every registered type."""
    from heatctl.resources import registry

    hint = did_you_mean(type_name, registry.names())
    if not hint and is_template_path(type_name):
        return f"provider template '{type_name}' not found"
    return f"unknown resource type '{type_name}'{hint}"
