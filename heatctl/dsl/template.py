"""The Template model: a loaded HOT or CFN document read into typed sections.

`parse_template(doc, file, diagnostics)` checks the structure Heat checks (version, known
sections with the right types, resource/output/parameter keys, parameter groups) and
returns a `Template` whose parts keep their path in the document, so that every later
stage can report `file:line:col`. Both formats give the same model, in HOT vocabulary;
each definition remembers the keys as written (`keys`), so CFN diagnostics name
`Properties`, not `properties`.

Functions inside values are left as written: evaluating them is `heatctl.dsl.functions`'s
job, once parameters and conditions are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from heatctl.dsl.diagnostics import Diagnostic, Diagnostics, did_you_mean, locate
from heatctl.dsl.parameters import ParameterDefinition, parse_parameters
from heatctl.dsl.versions import InvalidVersion, VersionSpec, lookup_version

Path = tuple[str | int, ...]

# Neutral (HOT) name -> the key as spelled in each format.
HOT_KEYS: Mapping[str, str] = {
    name: name
    for name in (
        "description",
        "parameter_groups",
        "parameters",
        "resources",
        "outputs",
        "conditions",
        "type",
        "properties",
        "metadata",
        "depends_on",
        "update_policy",
        "deletion_policy",
        "external_id",
        "condition",
        "value",
    )
}
CFN_KEYS: Mapping[str, str] = {
    "description": "Description",
    "parameters": "Parameters",
    "resources": "Resources",
    "outputs": "Outputs",
    "conditions": "Conditions",
    "mappings": "Mappings",
    "type": "Type",
    "properties": "Properties",
    "metadata": "Metadata",
    "depends_on": "DependsOn",
    "update_policy": "UpdatePolicy",
    "deletion_policy": "DeletionPolicy",
    "condition": "Condition",
    "value": "Value",
}


@dataclass
class Source:
    """One loaded file and the diagnostics collector its problems go to."""

    file: str | None
    doc: Any
    diagnostics: Diagnostics

    def error(self, message: str, path: Path = (), key: Any = None) -> Diagnostic:
        """Report at `path`; with `key`, at that key of the mapping at `path`."""
        if key is not None:
            return self.diagnostics.error(
                message, file=self.file, doc=self.doc, path=(*path, key), key=True
            )
        return self.diagnostics.error(message, file=self.file, doc=self.doc, path=path)

    def warning(self, message: str, path: Path = ()) -> Diagnostic:
        """Report a warning at `path` (it does not make the template invalid)."""
        return self.diagnostics.warning(message, file=self.file, doc=self.doc, path=path)

    def position(self, path: Path) -> tuple[int | None, int | None]:
        """Line and column of `path` in this file."""
        return locate(self.doc, path)


@dataclass
class ResourceDefinition:
    """One resource as written, in HOT vocabulary (CFN keys are translated)."""

    name: str
    type: str | None
    path: Path
    keys: Mapping[str, str]
    properties: Mapping[str, Any] = field(default_factory=dict)
    metadata: Any = None
    depends_on: tuple[str, ...] = ()
    update_policy: Any = None
    deletion_policy: Any = None
    external_id: Any = None
    condition: Any = None
    has_condition: bool = False
    description: str | None = None

    def path_of(self, name: str) -> Path:
        """Path of the key `name` (neutral spelling) inside this resource."""
        return (*self.path, self.keys.get(name, name))


@dataclass
class OutputDefinition:
    """One output: its value (functions unevaluated), description and condition."""

    name: str
    value: Any
    path: Path
    keys: Mapping[str, str]
    description: str | None = None
    condition: Any = None
    has_condition: bool = False

    def path_of(self, name: str) -> Path:
        """Path of the key `name` (neutral spelling) inside this output."""
        return (*self.path, self.keys.get(name, name))


@dataclass
class ParameterGroup:
    """One entry of `parameter_groups` (only UIs use them)."""

    label: str | None
    description: str | None
    parameters: tuple[str, ...]


@dataclass
class Template:
    """A HOT or CFN template read into sections. Values keep functions as written."""

    file: str | None
    doc: Any
    version: VersionSpec
    base_dir: FsPath | None = None
    description: str | None = None
    parameter_groups: list[ParameterGroup] = field(default_factory=list)
    parameters: dict[str, ParameterDefinition] = field(default_factory=dict)
    resources: dict[str, ResourceDefinition] = field(default_factory=dict)
    outputs: dict[str, OutputDefinition] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    mappings: dict[str, Any] = field(default_factory=dict)

    @property
    def format(self) -> str:
        """'hot' or 'cfn'."""
        return self.version.format

    @property
    def keys(self) -> Mapping[str, str]:
        """Neutral (HOT) key names -> the keys as this format spells them."""
        return HOT_KEYS if self.format == "hot" else CFN_KEYS

    def section_path(self, name: str) -> Path:
        """Path of the section `name` (neutral spelling) in the document."""
        return (self.keys.get(name, name),)


def parse_template(
    doc: Mapping[Any, Any],
    file: str | None,
    diagnostics: Diagnostics,
    *,
    base_dir: FsPath | None = None,
) -> Template | None:
    """Read `doc` (from the loader) into a Template, reporting every structural problem.

    Returns None only when the version is missing or unknown: nothing else can be read
    without it.
    """
    source = Source(file, doc, diagnostics)
    try:
        version = lookup_version(doc)
    except InvalidVersion as exc:
        message = exc.message
        if "tosca_definitions_version" in doc:
            message += "; this is a TOSCA template: translate it to HOT first (heatctl translate)"
        source.error(message, exc.path)
        return None
    keys = HOT_KEYS if version.format == "hot" else CFN_KEYS
    template = Template(file=file, doc=doc, version=version, base_dir=base_dir)
    _check_sections(doc, version, source)
    section = _section_reader(doc, keys, source)
    description = doc.get(keys["description"])
    if description is not None and not isinstance(description, str):
        source.error(f"'{keys['description']}' must be a string", (keys["description"],))
    template.description = description if isinstance(description, str) else None
    template.parameters = parse_parameters(doc.get(keys["parameters"]), version, source)
    template.resources = _parse_resources(section("resources"), version, keys, source)
    template.outputs = _parse_outputs(section("outputs"), version, keys, source)
    if version.has_conditions:
        template.conditions = dict(section("conditions"))
    if version.format == "cfn":
        template.mappings = dict(section("mappings"))
    else:
        template.parameter_groups = _parse_groups(doc.get("parameter_groups"), template, source)
    return template


def _check_sections(doc: Mapping[Any, Any], version: VersionSpec, source: Source) -> None:
    for key in doc:
        if key not in version.sections:
            hint = did_you_mean(key, version.sections)
            source.error(f"unknown section '{key}' in {version.label}{hint}", (), key)


def _section_reader(doc: Mapping[Any, Any], keys: Mapping[str, str], source: Source) -> Any:
    def read(name: str) -> Mapping[Any, Any]:
        key = keys[name]
        value = doc.get(key)
        if value is None:  # Heat treats an empty (null) section as {}
            return {}
        if not isinstance(value, Mapping):
            source.error(f"'{key}' must be a mapping, not {_kind(value)}", (key,))
            return {}
        return value

    return read


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def _parse_resources(
    section: Mapping[Any, Any], version: VersionSpec, keys: Mapping[str, str], source: Source
) -> dict[str, ResourceDefinition]:
    found: dict[str, ResourceDefinition] = {}
    where = keys["resources"]
    for name, body in section.items():
        path: Path = (where, name)
        if isinstance(name, str) and "/" in name:  # Heat uses '/' in resource paths
            source.error(f"resource name '{name}' may not contain '/'", (where,), name)
        if not isinstance(body, Mapping):
            source.error(
                f"resource '{name}' must be a mapping with a {keys['type']}", (where,), name
            )
            continue
        found[str(name)] = _parse_resource(str(name), body, path, version, keys, source)
    return found


def _parse_resource(
    name: str,
    body: Mapping[Any, Any],
    path: Path,
    version: VersionSpec,
    keys: Mapping[str, str],
    source: Source,
) -> ResourceDefinition:
    for key in body:
        if key not in version.resource_keys:
            hint = did_you_mean(key, version.resource_keys)
            source.error(f"'{key}' is not a valid key of resource '{name}'{hint}", path, key)
    resource = ResourceDefinition(name=name, type=None, path=path, keys=keys)
    type_key = keys["type"]
    written_type = body.get(type_key)
    if written_type is None:
        source.error(f"resource '{name}' has no {type_key}", path[:-1], path[-1])
    elif not isinstance(written_type, str) or not written_type:
        source.error(f"{type_key} of resource '{name}' must be a type name", (*path, type_key))
    else:
        resource.type = written_type
    resource.properties = _mapping_key(body, keys["properties"], name, path, source)
    resource.metadata = body.get(keys["metadata"])
    if resource.metadata is not None and not isinstance(resource.metadata, Mapping):
        source.error(f"{keys['metadata']} of resource '{name}' must be a mapping", path)
    resource.update_policy = _mapping_key(body, keys["update_policy"], name, path, source)
    resource.depends_on = _depends_on(body.get(keys["depends_on"]), name, path, keys, source)
    resource.deletion_policy = _deletion_policy(body, name, path, version, keys, source)
    resource.external_id = body.get("external_id") if version.has_external_id else None
    resource.description = _text(body.get(keys["description"]))
    if version.has_conditions and keys["condition"] in body:
        resource.condition = body[keys["condition"]]
        resource.has_condition = True
    return resource


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _mapping_key(
    body: Mapping[Any, Any], key: str, name: str, path: Path, source: Source
) -> Mapping[str, Any]:
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        source.error(
            f"{key} of resource '{name}' must be a mapping, not {_kind(value)}", (*path, key)
        )
        return {}
    return value


def _depends_on(
    value: Any, name: str, path: Path, keys: Mapping[str, str], source: Source
) -> tuple[str, ...]:
    key = keys["depends_on"]
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    source.error(
        f"{key} of resource '{name}' must be a resource name or a list of names", (*path, key)
    )
    return ()


def _deletion_policy(
    body: Mapping[Any, Any],
    name: str,
    path: Path,
    version: VersionSpec,
    keys: Mapping[str, str],
    source: Source,
) -> Any:
    key = keys["deletion_policy"]
    value = body.get(key)
    if value is None or isinstance(value, Mapping):  # a function such as get_param
        return value
    if value not in version.deletion_policies:
        hint = did_you_mean(value, version.deletion_policies)
        allowed = ", ".join(version.deletion_policies)
        source.error(
            f"{key} '{value}' of resource '{name}' is invalid{hint}; use one of {allowed}",
            (*path, key),
        )
    return value


def _parse_outputs(
    section: Mapping[Any, Any], version: VersionSpec, keys: Mapping[str, str], source: Source
) -> dict[str, OutputDefinition]:
    found: dict[str, OutputDefinition] = {}
    value_key = keys["value"]
    for name, body in section.items():
        path: Path = (keys["outputs"], name)
        if not isinstance(body, Mapping):
            source.error(f"output '{name}' must be a mapping with a {value_key}", path[:-1], name)
            continue
        for key in body:
            if key not in version.output_keys:
                hint = did_you_mean(key, version.output_keys)
                source.error(f"'{key}' is not a valid key of output '{name}'{hint}", path, key)
        if value_key not in body:
            source.error(f"output '{name}' has no {value_key}", path[:-1], name)
        output = OutputDefinition(str(name), body.get(value_key), path, keys)
        output.description = _text(body.get(keys["description"]))
        if version.has_conditions and keys["condition"] in body:
            output.condition = body[keys["condition"]]
            output.has_condition = True
        found[str(name)] = output
    return found


def _parse_groups(value: Any, template: Template, source: Source) -> list[ParameterGroup]:
    if value is None:
        return []
    if not isinstance(value, list):
        source.error("'parameter_groups' must be a list", ("parameter_groups",))
        return []
    groups: list[ParameterGroup] = []
    seen: dict[str, int] = {}
    for index, group in enumerate(value):
        path: Path = ("parameter_groups", index)
        if not isinstance(group, Mapping):
            source.error("a parameter group must be a mapping with 'parameters'", path)
            continue
        for key in group:
            if key not in ("label", "description", "parameters"):
                hint = did_you_mean(key, ("label", "description", "parameters"))
                source.error(f"'{key}' is not a valid key of a parameter group{hint}", path, key)
        names = group.get("parameters")
        if not isinstance(names, list):
            source.error("parameters must be provided for each parameter group", path)
            continue
        for position, name in enumerate(names):
            _check_grouped(name, (*path, "parameters", position), template, seen, index, source)
        grouped = tuple(str(n) for n in names)
        groups.append(
            ParameterGroup(_text(group.get("label")), _text(group.get("description")), grouped)
        )
    return groups


def _check_grouped(
    name: Any, path: Path, template: Template, seen: dict[str, int], index: int, source: Source
) -> None:
    if name not in template.parameters:
        hint = did_you_mean(name, template.parameters)
        source.error(f"the grouped parameter '{name}' is not a parameter{hint}", path)
    elif name in seen and seen[name] != index:
        source.error(f"parameter '{name}' must be in one parameter group only", path)
    seen[str(name)] = index
