"""`template resolve`: the template in its own structure with everything that can be
resolved without a cloud resolved.

- parameters: each declaration gets `default:` set to the value in effect (template
  default, environment, -P), hidden values shown as ******;
- conditions: resources and outputs whose condition is false are removed (and
  `depends_on` entries naming removed resources); conditions that hold lose their
  `condition:` key; named conditions that are fully known are dropped from the section;
- every pure function is evaluated; get_resource / get_attr / Ref / Fn::GetAtt of
  resources (and anything that needs them) stay as written.

Hidden parameter values never reach the output: a hidden string is `******` wherever it
would appear (as Heat masks it); a hidden value of another type is treated as unknown, so
the expressions using it stay as written (`get_param: pin`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heatctl.dsl.diagnostics import Diagnostic
from heatctl.dsl.functions import UNRESOLVED, FunctionError, Scope, Unresolved, evaluate
from heatctl.dsl.loader import plain
from heatctl.dsl.parameters import MASK
from heatctl.dsl.template import Source, Template
from heatctl.dsl.validate import LoadedTemplate, Options, load_stack_template


@dataclass
class ResolveResult:
    """The resolved document (None when the template could not be read) and diagnostics."""

    document: dict[str, Any] | None
    loaded: LoadedTemplate
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        """True when the template resolved without errors."""
        return self.document is not None and not any(
            d.severity == "error" for d in self.diagnostics
        )


def resolve_file(
    path: str | Path,
    environments: Sequence[str | Path] = (),
    parameters: Mapping[str, Any] | None = None,
    parameter_files: Mapping[str, str | Path] | None = None,
    options: Options | None = None,
) -> ResolveResult:
    """Load, validate and resolve the template at `path`."""
    from heatctl.dsl.validate import _scrub

    loaded = load_stack_template(path, environments, parameters, parameter_files, options)
    document = None
    if loaded.template is not None and loaded.ok:
        document = resolve_loaded(loaded)
    diagnostics = _scrub(loaded.diagnostics.sorted(), loaded.secrets())
    return ResolveResult(document, loaded, diagnostics)


def _public_scope(loaded: LoadedTemplate) -> Scope:
    """The scope with every hidden value masked, so it cannot leak: a hidden string is
    `******` wherever it would appear; a hidden value of another type (a number, a list,
    json) is unknown, so the expressions using it stay as written."""
    template = loaded.template
    assert template is not None and loaded.scope is not None
    values = dict(loaded.scope.parameters)
    for name, definition in template.parameters.items():
        if definition.hidden:
            known = name in loaded.parameters.values
            values[name] = MASK if known and definition.type == "string" else UNRESOLVED
    return dataclasses.replace(loaded.scope, parameters=values)


def resolve_loaded(loaded: LoadedTemplate) -> dict[str, Any]:
    """The resolved document of an already loaded (and valid) template."""
    template = loaded.template
    assert template is not None
    scope = _public_scope(loaded)
    source = Source(template.file, template.doc, loaded.diagnostics)
    keys = template.keys
    out: dict[str, Any] = {}
    for key, value in template.doc.items():
        if key == keys["parameters"]:
            out[key] = _parameters(template, loaded)
        elif key == keys["resources"]:
            out[key] = _resources(template, loaded, scope, source)
        elif key == keys["outputs"]:
            out[key] = _outputs(template, loaded, scope, source)
        elif template.version.has_conditions and key == keys["conditions"]:
            kept = {
                n: v
                for n, v in (value or {}).items()
                if isinstance(loaded.conditions.get(n), Unresolved)
            }
            if kept:
                out[key] = kept
        else:
            out[key] = value
    return plain(out)


def _parameters(template: Template, loaded: LoadedTemplate) -> dict[str, Any]:
    default_key = "default" if template.format == "hot" else "Default"
    section = template.doc.get(template.keys["parameters"]) or {}
    out: dict[str, Any] = {}
    for name, body in section.items():
        body = dict(body) if isinstance(body, Mapping) else body
        definition = template.parameters.get(name)
        if definition is not None and isinstance(body, dict):
            if definition.hidden and default_key in body:
                body[default_key] = MASK
            elif name in loaded.parameters.values:
                value = loaded.parameters.values[name]
                body[default_key] = MASK if definition.hidden else value
        out[name] = body
    return out


def _value(value: Any, path: tuple[Any, ...], scope: Scope, source: Source) -> Any:
    try:
        return evaluate(value, scope, path)
    except FunctionError as exc:
        source.error(exc.message, exc.path)
        return value


def _condition_known_true(cond_name: str, loaded: LoadedTemplate, condition: Any) -> bool:
    from heatctl.dsl.conditions import condition_value

    try:
        result = condition_value(condition, loaded.scope)
    except FunctionError:
        return False
    return result is True


def _resources(
    template: Template, loaded: LoadedTemplate, scope: Scope, source: Source
) -> dict[str, Any]:
    keys = template.keys
    out: dict[str, Any] = {}
    for name, resource in template.resources.items():
        if name not in loaded.active:
            continue
        body = dict(template.doc[keys["resources"]][name])
        if resource.has_condition and _condition_known_true(name, loaded, resource.condition):
            body.pop(keys["condition"], None)
        for part in ("properties", "metadata", "update_policy", "deletion_policy"):
            key = keys[part]
            if key in body and isinstance(body[key], dict | list):
                body[key] = _value(body[key], resource.path_of(part), scope, source)
        if resource.depends_on:
            kept = [d for d in resource.depends_on if d in loaded.active]
            if kept:
                body[keys["depends_on"]] = kept if len(kept) > 1 else kept[0]
            else:
                body.pop(keys["depends_on"], None)
        out[name] = body
    return out


def _outputs(
    template: Template, loaded: LoadedTemplate, scope: Scope, source: Source
) -> dict[str, Any]:
    from heatctl.dsl.conditions import condition_value

    keys = template.keys
    out: dict[str, Any] = {}
    for name, output in template.outputs.items():
        body = dict(template.doc[keys["outputs"]][name])
        if output.has_condition:
            try:
                holds = condition_value(output.condition, loaded.scope)
            except FunctionError:
                holds = UNRESOLVED
            if holds is False:
                continue
            if holds is True:
                body.pop(keys["condition"], None)
        if keys["value"] in body:
            body[keys["value"]] = _value(
                body[keys["value"]], output.path_of("value"), scope, source
            )
        out[name] = body
    return out


def dump(document: Mapping[str, Any], fmt: str = "yaml") -> str:
    """The resolved document as YAML (block style, literal multi-line strings) or JSON."""
    if fmt == "json":
        return json.dumps(document, indent=2) + "\n"
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
        style = "|" if "\n" in data else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    _Dumper.add_representer(str, _str)
    text: str = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True
    )
    return text
