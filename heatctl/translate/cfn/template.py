"""A whole CloudFormation document -> a HOT document: sections, parameters, outputs.

The output always declares `heat_template_version: 2016-10-14`, the first version with a
`conditions` section, `if` and `yaql`, and the one whose `list_join`, `str_replace`,
`str_split` and `get_param` paths the translation relies on.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from heatctl.dsl.loader import load_file
from heatctl.errors import InvalidInput
from heatctl.translate.base import Translation, TranslationError
from heatctl.translate.cfn.context import CfnContext, SourcePath
from heatctl.translate.cfn.functions import ValueTranslator, plain
from heatctl.translate.cfn.properties import PropertyMapper
from heatctl.translate.cfn.resources import ResourceTranslator, plan_types
from heatctl.translate.detect import detect_format

HOT_VERSION = "2016-10-14"
MAX_DEPTH = 5
"""Nested stacks deeper than this are an error, as in Heat (max_nested_stack_depth)."""
SECTIONS = {
    "AWSTemplateFormatVersion", "HeatTemplateFormatVersion", "Description", "Parameters",
    "Mappings", "Conditions", "Resources", "Outputs",
}  # fmt: skip
PARAMETER_TYPES = {
    "String": "string",
    "Number": "number",
    "CommaDelimitedList": "comma_delimited_list",
    "Json": "json",
    "Boolean": "boolean",
}
# AWS-specific parameter types -> the HOT custom constraint that checks the same thing.
AWS_PARAMETER_TYPES: dict[str, str | None] = {
    "AWS::EC2::KeyPair::KeyName": "nova.keypair",
    "AWS::EC2::Image::Id": "glance.image",
    "AWS::EC2::Instance::Id": "nova.server",
    "AWS::EC2::SecurityGroup::Id": "neutron.security_group",
    "AWS::EC2::SecurityGroup::GroupName": "neutron.security_group",
    "AWS::EC2::Subnet::Id": "neutron.subnet",
    "AWS::EC2::VPC::Id": "neutron.network",
    "AWS::EC2::Volume::Id": "cinder.volume",
    "AWS::EC2::AvailabilityZone::Name": None,
}
PARAMETER_KEYS = {
    "Type", "Default", "NoEcho", "AllowedValues", "AllowedPattern", "MaxLength", "MinLength",
    "MaxValue", "MinValue", "Description", "ConstraintDescription", "Label",
}  # fmt: skip


def section(document: Mapping[str, Any], ctx: CfnContext, name: str) -> Mapping[str, Any]:
    """A top-level section as a mapping ({} when absent or null; an error otherwise)."""
    value = document.get(name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        ctx.error((name,), f"the {name} section must be a map")
        return {}
    return value


def translate_document(
    document: Mapping[str, Any],
    file: str,
    *,
    inputs: Mapping[str, str] | None = None,
    base_dir: Path | None = None,
    depth: int = 0,
) -> Translation:
    """Translate a loaded CloudFormation document to HOT.

    `inputs` become the defaults of the named parameters. A nested stack whose TemplateURL
    is a local CloudFormation file (relative to `base_dir`) is translated as well and
    returned in `Translation.nested`. Raises TranslationError with every problem found when
    the source is invalid (as Heat would reject it).
    """
    ctx = CfnContext(file, document)
    ctx.parameters = section(document, ctx, "Parameters")
    ctx.mappings = section(document, ctx, "Mappings")
    ctx.conditions = section(document, ctx, "Conditions")
    ctx.resources = section(document, ctx, "Resources")
    nested: dict[str, dict[str, Any]] = {}
    ctx.base_dir = base_dir
    if base_dir is not None:
        ctx.nest = NestedTemplates(ctx, base_dir, depth, nested)
    for key in document:
        if key not in SECTIONS:
            ctx.note("untranslated", (key,), f"the {key} section has no HOT equivalent; dropped")
    values = ValueTranslator(ctx)
    plan_types(ctx)
    hot: dict[str, Any] = {"heat_template_version": HOT_VERSION}
    if "Description" in document:
        hot["description"] = document["Description"]
    parameters = {n: parameter(ctx, n, p) for n, p in ctx.parameters.items()}
    apply_inputs(ctx, parameters, inputs or {})
    conditions = {n: values.condition(c, ("Conditions", n)) for n, c in ctx.conditions.items()}
    resources = translate_resources(ctx, values)
    outputs = {n: output(ctx, values, n, o) for n, o in section(document, ctx, "Outputs").items()}
    if ctx.errors:
        raise TranslationError(f"cannot translate {file}", ctx.errors)
    parameters.update(ctx.extra_parameters)
    for name, value in (("parameters", parameters), ("conditions", conditions),
                        ("resources", resources), ("outputs", outputs)):  # fmt: skip
        if value:
            hot[name] = value
    return Translation(hot=hot, nested=nested, report=sorted_report(ctx), source_format="cfn")


class NestedTemplates:
    """Translates the local CloudFormation templates nested stacks name (to MAX_DEPTH)."""

    def __init__(
        self, ctx: CfnContext, base_dir: Path, depth: int, nested: dict[str, dict[str, Any]]
    ) -> None:
        self.ctx = ctx
        self.base_dir = base_dir
        self.depth = depth
        self.nested = nested

    def __call__(self, url: str, where: SourcePath) -> str | None:
        """The get_file name for TemplateURL `url`, or None to keep the URL as it is."""
        if "://" in url:
            return None
        source = self.base_dir / url
        if not source.is_file():
            return None
        if self.depth + 1 > MAX_DEPTH:
            self.ctx.error(where, f"nested stacks deeper than {MAX_DEPTH} levels")
            return None
        shown = str(Path(self.ctx.file).parent / url)
        try:
            document = load_file(source, display_name=shown)
            if detect_format(document) != "cfn":
                return url  # already HOT (or not a template): read as it is
            result = translate_document(
                document, shown, base_dir=source.parent, depth=self.depth + 1
            )
        except InvalidInput as exc:
            self.ctx.errors.extend(exc.diagnostics)
            return None
        name = str(Path(url).with_suffix("")) + ".hot.yaml"
        prefix = str(Path(url).parent)
        self.nested[name] = result.hot
        for inner, template in result.nested.items():
            self.nested[inner if prefix == "." else f"{prefix}/{inner}"] = template
        self.ctx.report.extend(result.report)
        self.ctx.note("info", where, f"the nested CloudFormation template was translated to {name}")
        return name


def apply_inputs(ctx: CfnContext, parameters: dict[str, Any], inputs: Mapping[str, str]) -> None:
    """Give each named parameter its input value as the default, converted to the
    parameter's type and checked against its constraints (as Heat checks a value).
    An unknown name, a value of the wrong type or one a constraint refuses is an error."""
    from heatctl.dsl.constraints import ConstraintSyntaxError, make_constraint, violations
    from heatctl.dsl.parameters import ParameterValueError, coerce

    for name, value in inputs.items():
        where: SourcePath = ("Parameters", name)
        definition = parameters.get(name)
        if definition is None:
            known = list(parameters)
            ctx.unknown_name(("Parameters",), "parameter (given as an input)", name, known)
            continue
        kind, hidden = definition["type"], bool(definition.get("hidden"))
        shown = "the value" if hidden else repr(value)
        try:
            typed = coerce(kind, value)
            checks = [
                make_constraint(key, args, constraint.get("description"))
                for constraint in definition.get("constraints", [])
                for key, args in constraint.items()
                if key != "description"
            ]
        except (ParameterValueError, ConstraintSyntaxError) as exc:
            ctx.error(where, f"input {name}={shown}: {exc}")
            continue
        problems = violations(checks, typed, kind, hidden=hidden)
        if problems:
            ctx.error(where, f"input {name}={shown}: {problems[0]}")
            continue
        definition["default"] = value if kind == "comma_delimited_list" else typed


def translate_resources(ctx: CfnContext, values: ValueTranslator) -> dict[str, Any]:
    """Every resource in source order, each followed by the resources it gave rise to."""
    translator = ResourceTranslator(ctx, PropertyMapper(ctx, values))
    resources: dict[str, Any] = {}
    for name in ctx.resources:
        before = set(ctx.extra_resources)
        definition = translator.resource(name)
        if definition is not None:
            resources[name] = definition
        for extra in ctx.extra_resources:
            if extra not in before:
                resources[extra] = ctx.extra_resources[extra]
    return resources


def sorted_report(ctx: CfnContext) -> list[Any]:
    """Report entries in file order (line, column), then by construct, for stable output."""
    return sorted(ctx.report, key=lambda e: (e.line or 0, e.col or 0, e.construct, e.message))


def parameter(ctx: CfnContext, name: str, source: Any) -> dict[str, Any]:
    """One CFN parameter -> a HOT parameter (type, constraints, hidden, default, ...)."""
    path: SourcePath = ("Parameters", name)
    if not isinstance(source, Mapping):
        ctx.error(path, "a parameter must be a map with a Type")
        return {}
    for key in source:
        if key not in PARAMETER_KEYS:
            ctx.error((*path, key), f"unknown parameter key '{key}'")
    out: dict[str, Any] = {"type": parameter_type(ctx, source.get("Type"), (*path, "Type"))}
    for cfn_key, hot_key in (("Label", "label"), ("Description", "description")):
        if cfn_key in source:
            out[hot_key] = source[cfn_key]
    if "Default" in source:
        default = source["Default"]
        out["default"] = number(default) if out["type"] == "number" else plain(default)
    if str(source.get("NoEcho", "false")).lower() == "true":
        out["hidden"] = True
    constraints = parameter_constraints(ctx, source, path)
    custom = AWS_PARAMETER_TYPES.get(str(source.get("Type")))
    if custom:
        constraints.append({"custom_constraint": custom})
    if constraints:
        out["constraints"] = constraints
    return out


def parameter_type(ctx: CfnContext, cfn_type: Any, path: SourcePath) -> str:
    """The HOT type of a CFN parameter type (AWS-specific and List<> types approximated)."""
    if cfn_type in PARAMETER_TYPES:
        return PARAMETER_TYPES[cfn_type]
    if isinstance(cfn_type, str) and cfn_type.startswith("List<") and cfn_type.endswith(">"):
        ctx.note("approximate", path, f"{cfn_type} became comma_delimited_list: its items are"
                 " not checked to be of the item type")  # fmt: skip
        return "comma_delimited_list"
    if cfn_type in AWS_PARAMETER_TYPES:
        constraint = AWS_PARAMETER_TYPES[cfn_type]
        checked = f", checked by the {constraint} constraint" if constraint else ""
        ctx.note("approximate", path, f"{cfn_type} became a string{checked} (Heat's CFN"
                 " support has no AWS-specific parameter types)")  # fmt: skip
        return "string"
    if isinstance(cfn_type, str) and cfn_type.startswith("AWS::SSM::Parameter::"):
        ctx.note("approximate", path, f"{cfn_type} became a string: there is no parameter store")
        return "string"
    known = ", ".join(PARAMETER_TYPES)
    ctx.error(path, f"unknown parameter type {cfn_type!r} (expected one of {known})")
    return "string"


def parameter_constraints(
    ctx: CfnContext, source: Mapping[str, Any], path: SourcePath
) -> list[Any]:
    """AllowedValues/AllowedPattern/Min/MaxLength/Min/MaxValue -> HOT constraints, each with
    the ConstraintDescription as its description."""
    constraints: list[dict[str, Any]] = []
    if "AllowedValues" in source:
        constraints.append({"allowed_values": plain(source["AllowedValues"])})
    if "AllowedPattern" in source:
        constraints.append({"allowed_pattern": source["AllowedPattern"]})
    for low, high, kind in (
        ("MinLength", "MaxLength", "length"),
        ("MinValue", "MaxValue", "range"),
    ):
        bounds = {}
        for cfn_key, hot_key in ((low, "min"), (high, "max")):
            if cfn_key in source:
                bound = number(source[cfn_key])
                if isinstance(bound, str):
                    ctx.error((*path, cfn_key), f"{cfn_key} must be a number, not {bound!r}")
                bounds[hot_key] = bound
        if bounds:
            constraints.append({kind: bounds})
    description = source.get("ConstraintDescription")
    if description is not None:
        for constraint in constraints:
            constraint["description"] = description
    return constraints


def number(value: Any) -> Any:
    """A numeric string as an int or float; anything else unchanged."""
    if not isinstance(value, str):
        return value
    for convert in (int, float):
        try:
            return convert(value)
        except ValueError:
            continue
    return value


def output(ctx: CfnContext, values: ValueTranslator, name: str, source: Any) -> dict[str, Any]:
    """One CFN output -> a HOT output (value, description, condition)."""
    path: SourcePath = ("Outputs", name)
    if not isinstance(source, Mapping):
        ctx.error(path, "an output must be a map with a Value")
        return {}
    out: dict[str, Any] = {}
    if "Description" in source:
        out["description"] = source["Description"]
    out["value"] = values.value(source.get("Value"), (*path, "Value"))
    if "Condition" in source:
        out["condition"] = values.condition_name(source["Condition"], (*path, "Condition"))
    for key in source:
        if key not in ("Value", "Description", "Condition"):
            ctx.note("untranslated", (*path, key), f"{key} has no HOT equivalent; dropped")
    return out
