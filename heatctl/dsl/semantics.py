"""The checks that need the whole template: conditions, resource types and properties,
function calls, references, depends_on, outputs and the dependency graph.

Called by `heatctl.dsl.validate` once a template is parsed and its parameter values are
known. Every problem becomes a located diagnostic; nothing here raises for bad input.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from heatctl.dsl.diagnostics import did_you_mean
from heatctl.dsl.functions import (
    UNRESOLVED,
    FunctionError,
    Reference,
    Scope,
    Unresolved,
    analyse,
    check_functions,
    evaluate,
    find_references,
    is_partial,
)
from heatctl.dsl.heat_types import HIDDEN as HIDDEN_TYPES
from heatctl.dsl.heat_types import OFFERED
from heatctl.dsl.template import ResourceDefinition, Source, Template
from heatctl.dsl.validate import resolve_type, unknown_type
from heatctl.engine.graph import Dependency
from heatctl.resources import registry
from heatctl.resources.schema import TypeSchema
from heatctl.resources.validate import (
    attribute_exists,
    unknown_attribute_message,
    validate_properties,
)

if TYPE_CHECKING:
    from heatctl.dsl.validate import LoadedTemplate, Nesting, _Loader

Path = tuple[Any, ...]
HEAT_TYPES = OFFERED | HIDDEN_TYPES


def make_scope(
    loaded: LoadedTemplate, stack_name: str | None = None, nested: Nesting | None = None
) -> Scope:
    """The evaluation scope of a loaded template: typed parameter values (Unresolved for
    those without a value), get_file through the confined file access, no resources.

    A provider template (`nested`) is validated once for every resource using it: its
    parameters come from each one's properties, so they are all unknown here, and so is
    the facade (the parent's metadata and policies)."""
    template = loaded.template
    assert template is not None
    known = nested is None or nested.known
    values: dict[str, Any] = dict(loaded.parameters.values) if known else {}
    for name in template.parameters:
        values.setdefault(name, UNRESOLVED)
    facade = None
    if nested is not None:
        unknown = dict.fromkeys(("metadata", "deletion_policy", "update_policy"), UNRESOLVED)
        facade = nested.facade if nested.facade is not None else unknown

    def read_file(name: str) -> str:
        from heatctl.dsl.files import FileRefError

        try:
            return loaded.files.read_text(name, loaded.path)
        except FileRefError as exc:
            raise FunctionError(f"get_file: {exc}") from None

    return Scope(
        version=template.version,
        parameters=values,
        read_file=read_file,
        mappings=template.mappings,
        stack_name=stack_name,
        facade=facade,
    )


def check_template(
    loaded: LoadedTemplate, loader: _Loader, depth: int, nested: Nesting | None = None
) -> None:
    """Run every whole-template check, filling loaded.scope/conditions/active/graph."""
    template = loaded.template
    assert template is not None
    source = Source(template.file, template.doc, loaded.diagnostics)
    scope = make_scope(loaded, loader.options.stack_name, nested)
    loaded.scope = scope
    loaded.conditions = _conditions(template, scope, source)
    scope.conditions = loaded.conditions
    # Unknown condition names inside `if` are also caught by evaluation; asking
    # check_functions for them costs a second walk of every value, so only when there are
    # named conditions to compare with.
    names = set(template.conditions) or None
    for resource in template.resources.values():
        if _is_active(resource, template, scope, names, source):
            loaded.active[resource.name] = resource
    schemas: dict[str, TypeSchema | None] = {}
    plugin_schemas: dict[str, TypeSchema | None] = {}
    for resource in template.resources.values():
        schemas[resource.name] = _resource_type(
            resource, loaded, loader, depth, source, plugin_schemas
        )
    found: list[Dependency] = []
    disabled = {n: r for n, r in template.resources.items() if n not in loaded.active}
    for resource in loaded.active.values():
        values = _check_resource(resource, template, scope, schemas, source, names, found)
        if disabled:
            where = resource.path_of("properties")
            _check_disabled(values, where, template, disabled, source)
        type_name = getattr(loaded.types.get(resource.name), "name", "")
        member = GROUP_MEMBERS.get(type_name)
        if member is not None and isinstance(values.get(member), dict):
            context = (loaded, loader, depth, source, plugin_schemas)
            _check_member(resource, member, values[member], context)
        elif type_name == "OS::Heat::Stack":
            _check_nested_stack(resource, values, loaded, loader, depth, source)
    _check_outputs(template, scope, schemas, source, names, disabled)
    _check_graph(loaded, found)


# ---------------------------------------------------------------------------- conditions


def _conditions(template: Template, scope: Scope, source: Source) -> dict[str, Any]:
    from heatctl.dsl.conditions import check_conditions, resolve_conditions

    if not template.conditions:
        return {}
    where = template.section_path("conditions")
    problems = check_conditions(template.conditions, template.version)
    for path, message in problems:
        source.error(message, (*where, *path))
    if problems:
        return {name: UNRESOLVED for name in template.conditions}
    try:
        return resolve_conditions(template.conditions, scope, where)
    except FunctionError as exc:
        source.error(exc.message, exc.path)
        return {name: UNRESOLVED for name in template.conditions}


def _is_active(
    resource: ResourceDefinition, template: Template, scope: Scope, names: Any, source: Source
) -> bool:
    """False only when the resource's condition is known to be false."""
    if not resource.has_condition:
        return True
    return _condition_holds(
        resource.condition, resource.path_of("condition"), template, scope, names, source
    )


def _condition_holds(
    cond: Any, path: Path, template: Template, scope: Scope, names: Any, source: Source
) -> bool:
    from heatctl.dsl.conditions import condition_value

    if isinstance(cond, dict):
        problems = check_functions(
            cond, template.version, in_condition=True, condition_names=names or ()
        )
        for where, message in problems:
            source.error(message, (*path, *where))
        if problems:
            return True
    try:
        value = condition_value(cond, scope, path)
    except FunctionError as exc:
        message = exc.message
        if isinstance(cond, str):
            message += did_you_mean(cond, names or ())
        source.error(message, exc.path)
        return True
    return not (isinstance(value, bool) and not value)


# ------------------------------------------------------------------------------ resources


def _resource_type(
    resource: ResourceDefinition,
    loaded: LoadedTemplate,
    loader: _Loader,
    depth: int,
    source: Source,
    plugin_schemas: dict[str, TypeSchema | None],
    record_as: str | None = None,
) -> TypeSchema | None:
    """The schema of the resource's type (None when unknown or open), reporting problems.

    The resolution (and provider template) is recorded under `record_as` (default: the
    resource's name) in loaded.types / loaded.providers."""
    record_as = record_as or resource.name
    if resource.type is None:
        return None
    type_path = resource.path_of("type")
    resolution = resolve_type(loaded, resource)
    if isinstance(resolution, str):
        source.error(resolution, type_path)
        return None
    loaded.types[record_as] = resolution
    if resolution.kind == "none":
        return None
    if resolution.kind == "template":
        provider = loader.provider(
            resolution, resource, loaded, depth, lambda m: source.error(m, type_path)
        )
        if provider is None:
            return None
        loaded.providers[record_as] = provider
        return provider.schema
    if resolution.name in plugin_schemas:
        return plugin_schemas[resolution.name]
    plugin = registry.get(resolution.name)
    if plugin is not None:
        schema = plugin_schemas[resolution.name] = plugin.schema()
        return schema
    if resolution.name in HEAT_TYPES:
        hidden = (
            " (hidden in Heat: kept only so that old stacks load)"
            if (resolution.name in HIDDEN_TYPES)
            else ""
        )
        source.warning(
            f"heatctl has no plugin for the Heat type '{resolution.name}'{hidden}; its"
            " properties and attributes are not checked, and it cannot be deployed",
            type_path,
        )
        return None
    message = unknown_type(resolution.name)
    if resolution.name != resource.type:
        origins = [e.origin for e in resolution.via if e.origin is not None]
        where = origins[0].description.removeprefix("environment ") if origins else ""
        message += f" (mapped from '{resource.type}' by {where or 'the environment'})"
    source.error(message, type_path)
    return None


def _evaluate(value: Any, path: Path, scope: Scope, source: Source) -> Any:
    """`value` with every pure function evaluated; a FunctionError is reported."""
    try:
        return evaluate(value, scope, path)
    except FunctionError as exc:
        source.error(exc.message, exc.path)
        return UNRESOLVED


def _check_resource(
    resource: ResourceDefinition,
    template: Template,
    scope: Scope,
    schemas: Mapping[str, TypeSchema | None],
    source: Source,
    names: Any,
    found: list[Dependency],
) -> dict[Any, Any]:
    """Check one resource; return its properties with what is pure evaluated."""
    props_path = resource.path_of("properties")
    evaluated: dict[Any, Any] = {}
    name = resource.name
    for key, value in resource.properties.items():
        path = (*props_path, key)
        evaluated[key] = _check_value(
            value, path, template, scope, schemas, source, names, found, name
        )
    if isinstance(resource.metadata, dict) and resource.metadata:
        path = resource.path_of("metadata")
        _check_value(resource.metadata, path, template, scope, schemas, source, names, found, name)
    for part in ("update_policy", "deletion_policy"):
        value = getattr(resource, part)
        if isinstance(value, dict | list) and value:
            _check_value(value, resource.path_of(part), template, scope, schemas, source, names)
    _check_depends_on(resource, template, source, found)
    schema = schemas.get(resource.name)
    if schema is not None and resource.external_id is None:  # Heat skips adopted resources
        _check_properties(schema, evaluated, props_path, template, source)
    if (
        schema is not None
        and isinstance(resource.deletion_policy, str)
        and resource.deletion_policy.lower() == "snapshot"
        and schema.name not in SNAPSHOT_TYPES
    ):
        source.error(
            f"the Snapshot deletion policy is not supported by {schema.name} (only by"
            f" {', '.join(sorted(SNAPSHOT_TYPES))})",
            resource.path_of("deletion_policy"),
        )
    return evaluated


# Types that can take a snapshot when deleted (Heat: those with handle_snapshot_delete):
# a volume is backed up, a server saved as an image.
SNAPSHOT_TYPES = frozenset({"OS::Cinder::Volume", "AWS::EC2::Volume", "OS::Nova::Server"})


# Group types and the property holding the definition of each member.
GROUP_MEMBERS: Mapping[str, str] = {
    "OS::Heat::ResourceGroup": "resource_def",
    "OS::Heat::AutoScalingGroup": "resource",
}


def _check_member(
    resource: ResourceDefinition, key: str, definition: dict[Any, Any], context: Any
) -> None:
    """A group's member definition: its type (a plugin or a provider template, loaded
    and validated) and its properties against that type's schema."""
    loaded, loader, depth, source, plugin_schemas = context
    template = loaded.template
    member_type = definition.get("type")
    if not isinstance(member_type, str):
        return  # the group's own schema reports a missing or computed type
    path = (*resource.path_of("properties"), key)
    member = ResourceDefinition(name=resource.name, type=member_type, path=path, keys=resource.keys)
    member.properties = definition.get("properties") or {}
    where = f"{resource.name}/{key}"  # recorded apart from the group itself
    schema = _resource_type(member, loaded, loader, depth, source, plugin_schemas, where)
    if schema is not None and isinstance(member.properties, dict):
        properties = member.properties
        if key == "resource_def":  # ResourceGroup puts each member's index in its strings
            index_var = resource.properties.get("index_var", "%index%")
            if isinstance(index_var, str) and index_var:
                properties = _replace_in_strings(properties, index_var, "0")
        _check_properties(schema, dict(properties), (*path, "properties"), template, source)


def _check_nested_stack(
    resource: ResourceDefinition,
    values: dict[Any, Any],
    loaded: LoadedTemplate,
    loader: _Loader,
    depth: int,
    source: Source,
) -> None:
    """OS::Heat::Stack with `template: {get_file: FILE}`: validate FILE as a nested
    stack and the `parameters` given to it against its parameters."""
    from heatctl.dsl.environment import TypeResolution

    written = resource.properties.get("template")
    if not (isinstance(written, dict) and isinstance(written.get("get_file"), str)):
        return  # an inline or computed template: its text is checked when deployed
    name = written["get_file"]
    where = (*resource.path_of("properties"), "template")
    resolution = TypeResolution(name, "template", name)
    provider = loader.provider(
        resolution, resource, loaded, depth, lambda m: source.error(m, where)
    )
    if provider is None or provider.loaded is None or provider.loaded.template is None:
        return
    loaded.providers[f"{resource.name}/template"] = provider
    nested = provider.loaded.template
    given = values.get("parameters")
    if not isinstance(given, dict):
        return
    params_path = (*resource.path_of("properties"), "parameters")
    for key in given:
        if key not in nested.parameters:
            hint = did_you_mean(key, nested.parameters)
            source.error(f"'{key}' is not a parameter of {name}{hint}", params_path, key)
    for pname, param in nested.parameters.items():
        if param.required and pname not in given:
            source.error(
                f"parameter '{pname}' of {name} has no default and is not given", params_path
            )


def _replace_in_strings(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: _replace_in_strings(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_in_strings(v, old, new) for v in value]
    return value


def _check_value(
    value: Any,
    path: Path,
    template: Template,
    scope: Scope,
    schemas: Mapping[str, TypeSchema | None],
    source: Source,
    names: Any,
    found: list[Dependency] | None = None,
    owner: str = "",
) -> Any:
    """Check the functions and references in `value`, then evaluate what is pure.

    A value with a problem is not evaluated (its evaluation would only repeat it)."""
    if not isinstance(value, dict | list):
        return value
    before = len(source.diagnostics.errors)
    # One walk for both the static function checks and the references.
    problems, references = analyse(
        value, template.version, parameter_names=template.parameters, condition_names=names
    )
    for where, message in problems:
        source.error(message, (*path, *where))
    _check_references(references, path, template, schemas, source, found, owner)
    if len(source.diagnostics.errors) != before:
        return UNRESOLVED
    return _evaluate(value, path, scope, source)


def _check_properties(
    schema: TypeSchema, values: dict[Any, Any], path: Path, template: Template, source: Source
) -> None:
    version = template.version
    # The checker asks about a value and then about its parts: mark every container once.
    seen: dict[int, bool] = {}
    _mark_partial(values, _call_names(version), seen)

    def unresolved(value: Any) -> bool:
        """True when `value` is, or contains, a call that could not be evaluated."""
        if isinstance(value, Unresolved):
            return True
        if not isinstance(value, dict | list):
            return False
        known = seen.get(id(value))
        return is_partial(value, version) if known is None else known

    def report(where: Path, message: str) -> None:
        if message.startswith("unknown property") and where:
            source.error(message, (*path, *where[:-1]), where[-1])  # point at the key
        else:
            source.error(message, (*path, *where))

    validate_properties(schema, values, report, is_unresolved=unresolved)


@functools.cache
def _call_names(version: Any) -> frozenset[str]:
    """The one-key map keys that make a call in `version` (functions and removed ones),
    as `is_partial` counts them."""
    return frozenset(version.functions) | frozenset(version.removed)


def _mark_partial(value: Any, calls: frozenset[str], seen: dict[int, bool]) -> bool:
    """Record, for `value` and every container inside it, whether it holds a call."""
    if isinstance(value, Unresolved):
        return True
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in calls:
            seen[id(value)] = True
            return True
        found = False
        for item in value.values():
            found = _mark_partial(item, calls, seen) or found
    elif isinstance(value, list):
        found = False
        for item in value:
            found = _mark_partial(item, calls, seen) or found
    else:
        return False
    seen[id(value)] = found
    return found


def _check_depends_on(
    resource: ResourceDefinition, template: Template, source: Source, found: list[Dependency]
) -> None:
    key = resource.keys["depends_on"]
    for index, target in enumerate(resource.depends_on):
        if target in template.resources:
            where = (*resource.path_of("depends_on"), index)
            found.append(Dependency(resource.name, target, key, where))
        else:
            hint = did_you_mean(target, template.resources)
            where = (*resource.path_of("depends_on"), index)  # a lone string: its own line
            source.error(
                f"resource '{resource.name}' depends on '{target}', which is not a resource{hint}",
                where,
            )


_KIND_LABEL = {"resource": "get_resource", "attribute": "get_attr"}


def _check_references(
    references: list[Reference],
    path: Path,
    template: Template,
    schemas: Mapping[str, TypeSchema | None],
    source: Source,
    found: list[Dependency] | None = None,
    owner: str = "",
) -> None:
    """Check the references of a value; with `found`, collect its dependencies for the graph."""
    version = template.version
    resources = template.resources
    labels = ("Ref", "Fn::GetAtt") if template.format == "cfn" else ("get_resource", "get_attr")
    for ref in references:
        if ref.kind in ("resource", "attribute"):
            if ref.name not in resources:
                where = (*path, *ref.path)
                label = _call_name(template.doc, where) or _KIND_LABEL[ref.kind]
                hint = did_you_mean(ref.name, resources)
                source.error(
                    f"{label} refers to '{ref.name}', which is not a resource{hint}", where
                )
                continue
            if ref.kind == "attribute" and ref.attribute is not None:
                schema = schemas.get(ref.name)
                if schema is not None and not (
                    schema.dynamic_attributes or ref.attribute in schema.attributes
                ):
                    _check_attribute(
                        ref.name, ref.attribute, schema, template, (*path, *ref.path), source
                    )
            if found is not None:
                label = labels[0] if ref.kind == "resource" else labels[1]
                found.append(Dependency(owner, ref.name, label, (*path, *ref.path)))
        elif (
            ref.kind == "parameter"
            and ref.name not in template.parameters
            and ref.name not in version.pseudo_parameters
        ):
            where = (*path, *ref.path)
            hint = did_you_mean(ref.name, [*template.parameters, *version.pseudo_parameters])
            label = _call_name(template.doc, where) or "get_param"
            source.error(f"{label} refers to '{ref.name}', which is not a parameter{hint}", where)


def _call_name(doc: Any, path: Path) -> str | None:
    node = doc
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    if isinstance(node, dict) and len(node) == 1:
        return str(next(iter(node)))
    return None


def _check_attribute(
    name: str,
    attribute: Any,
    schema: TypeSchema | None,
    template: Template,
    where: Path,
    source: Source,
) -> None:
    if schema is None or not isinstance(attribute, str) or attribute_exists(schema, attribute):
        return
    resource = template.resources[name]
    if resource.type is not None and _is_provider(schema) and attribute.startswith("resource."):
        return  # reaches into the nested stack's resources
    source.error(f"get_attr: {unknown_attribute_message(schema, attribute)}", where)


def _is_provider(schema: TypeSchema) -> bool:
    return schema.name.endswith((".yaml", ".template"))


# ------------------------------------------------------------------------ outputs, graph


def _check_outputs(
    template: Template,
    scope: Scope,
    schemas: Mapping[str, TypeSchema | None],
    source: Source,
    names: Any,
    disabled: Mapping[str, ResourceDefinition],
) -> None:
    for output in template.outputs.values():
        holds = True
        if output.has_condition:
            holds = _condition_holds(
                output.condition, output.path_of("condition"), template, scope, names, source
            )
        path = output.path_of("value")
        value = _check_value(output.value, path, template, scope, schemas, source, names)
        if disabled and holds:  # a false condition makes the output null: no reference
            _check_disabled(value, path, template, disabled, source)


def _check_disabled(
    value: Any,
    path: Path,
    template: Template,
    disabled: Mapping[str, ResourceDefinition],
    source: Source,
) -> None:
    """References (after `if` has chosen its branch) to resources whose condition is
    false: such a resource does not exist in the stack, as in Heat."""
    if not isinstance(value, dict | list):
        return
    for ref in find_references(value, template.version, parameter_names=template.parameters):
        if ref.kind in ("resource", "attribute") and ref.name in disabled:
            condition = disabled[ref.name].condition
            shown = f" '{condition}'" if isinstance(condition, str) else ""
            label = _KIND_LABEL[ref.kind] if template.format == "hot" else "Ref/Fn::GetAtt"
            source.error(
                f"{label} refers to '{ref.name}', which its condition{shown} leaves out of"
                " the stack (guard the reference with the same condition, e.g. with if)",
                (*path, *ref.path),
            )


def _check_graph(loaded: LoadedTemplate, found: list[Dependency]) -> None:
    from heatctl.engine.graph import build_graph, cycle_diagnostic

    template = loaded.template
    assert template is not None
    active = loaded.active
    dependencies = [d for d in found if d.target in active]
    graph = build_graph(template, active.values(), dependencies)
    loaded.graph = graph
    cycle = graph.find_cycle()
    if cycle is not None:
        loaded.diagnostics.add(cycle_diagnostic(template, cycle))
