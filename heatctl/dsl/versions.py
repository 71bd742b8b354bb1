"""Template versions as data: what each `heat_template_version` (and CFN format) allows.

Heat models its versions as a chain of eleven classes, each subclassing the last and
re-listing its function table. Here a version is one frozen `VersionSpec` record built from
small tables: the functions available (name -> implementation variant), the functions that
are *removed* (an error when used), the condition functions, and the keys allowed in each
section. `heatctl.dsl.functions` dispatches on (name, variant).

Variants (see docs/template-language.md):
  get_attr     A = get the attribute, then walk the path locally (a bad path gives null)
               B = the path is handed to the resource
               C = B, plus the one-argument form giving every attribute
  str_replace  S = values must be scalars; J = lists and maps are JSON-encoded
  list_join    1 = exactly [delimiter, list] of strings; N = several lists, JSON for maps/lists
  repeat       L = lists only; M = a for_each value may be a map (its keys); P = + permutations
  if           3 = [cond, a, b]; 2/3 = also [cond, a] removing the enclosing item when false
  Ref          P+R = parameter or resource; P = parameters only (CFN condition context)

Public API:
    VersionSpec                         one version's rules
    VERSIONS: dict[(key, value), VersionSpec]   every accepted version, aliases included
    lookup_version(template) -> VersionSpec     raises InvalidVersion (exit code 3)
    get_version(key, value) -> VersionSpec
    hot_versions() -> list[VersionSpec]         canonical HOT versions in date order
    support_table_markdown() -> str             the table in docs/template-language.md
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from heatctl.dsl.diagnostics import did_you_mean
from heatctl.errors import InvalidInput

HOT_KEY = "heat_template_version"
CFN_KEY = "AWSTemplateFormatVersion"
HEAT_CFN_KEY = "HeatTemplateFormatVersion"
VERSION_KEYS = (HOT_KEY, CFN_KEY, HEAT_CFN_KEY)

Format = Literal["hot", "cfn"]


@dataclass(frozen=True, eq=False)
class VersionSpec:
    """The rules of one template version. Compare by `name`; instances are shared."""

    key: str
    """The top-level key naming the version: heat_template_version, AWSTemplateFormatVersion..."""
    name: str
    """Canonical value of that key, e.g. '2016-10-14' or '2010-09-09'."""
    format: Format
    functions: Mapping[str, str]
    """Function name -> implementation variant ('' when there is only one)."""
    removed: frozenset[str]
    """Function names that are an error in this version."""
    condition_functions: Mapping[str, str]
    """Functions allowed in a condition context; any other function there is invalid."""
    sections: tuple[str, ...]
    resource_keys: tuple[str, ...]
    output_keys: tuple[str, ...]
    parameter_keys: tuple[str, ...]
    parameter_types: tuple[str, ...]
    constraint_kinds: tuple[str, ...]
    deletion_policies: tuple[str, ...]
    pseudo_parameters: tuple[str, ...]
    conditions_section: str | None = None
    """'conditions' / 'Conditions' when the version has a conditions section."""
    release: str | None = None
    """Release alias (newton, ocata, ...) when there is one."""
    aliases: tuple[str, ...] = field(default=())

    @property
    def has_conditions(self) -> bool:
        """True when the version has a conditions section and `condition` keys."""
        return self.conditions_section is not None

    @property
    def has_external_id(self) -> bool:
        return "external_id" in self.resource_keys

    @property
    def label(self) -> str:
        """`heat_template_version: 2016-10-14` style label for messages."""
        return f"{self.key}: {self.name}"

    def variant(self, function: str) -> str | None:
        """Implementation variant of `function` here, or None when it is not a function."""
        return self.functions.get(function)

    def __repr__(self) -> str:
        return f"<VersionSpec {self.label}>"


class InvalidVersion(InvalidInput):
    """The template's version key is missing, ambiguous or not a known version."""

    def __init__(self, message: str, path: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


# ---------------------------------------------------------------------------- tables
# Each HOT version lists what it adds to or changes from the previous one; the full tables
# are computed below, once, and frozen.

_CFN_IN_HOT = (
    "Fn::GetAZs",
    "Fn::Join",
    "Fn::Split",
    "Fn::Replace",
    "Fn::Base64",
    "Fn::MemberListToMap",
    "Fn::ResourceFacade",
    "Ref",
)

# (date, release, functions added/changed, functions removed)
_HOT_STEPS: tuple[tuple[str, str | None, dict[str, str], tuple[str, ...]], ...] = (
    (
        "2013-05-23",
        None,
        {
            "get_param": "",
            "get_resource": "",
            "get_attr": "A",
            "get_file": "",
            "resource_facade": "",
            "str_replace": "S",
            "list_join": "1",
            "Fn::Select": "",
            "Fn::GetAZs": "",
            "Fn::Join": "",
            "Fn::Split": "",
            "Fn::Replace": "",
            "Fn::Base64": "",
            "Fn::MemberListToMap": "",
            "Fn::ResourceFacade": "",
            "Ref": "P+R",
        },
        (),
    ),
    ("2014-10-16", None, {"get_attr": "B"}, _CFN_IN_HOT),
    ("2015-04-30", None, {"repeat": "L", "digest": ""}, ()),
    (
        "2015-10-15",
        None,
        {"get_attr": "C", "str_replace": "J", "list_join": "N", "str_split": ""},
        ("Fn::Select",),
    ),
    ("2016-04-08", None, {"map_merge": ""}, ()),
    ("2016-10-14", "newton", {"yaql": "", "map_replace": "", "if": "3", "repeat": "M"}, ()),
    ("2017-02-24", "ocata", {"filter": "", "str_replace_strict": ""}, ()),
    (
        "2017-09-01",
        "pike",
        {
            "make_url": "",
            "list_concat": "",
            "list_concat_unique": "",
            "str_replace_vstrict": "",
            "contains": "",
            "repeat": "P",
        },
        (),
    ),
    ("2018-03-02", "queens", {}, ()),
    ("2018-08-31", "rocky", {}, ()),
    ("2021-04-16", "wallaby", {"if": "2/3"}, ()),
)

_HOT_CONDITIONS_NEWTON = {"get_param": "", "equals": "", "not": "", "and": "", "or": ""}
_HOT_CONDITIONS_PIKE = {**_HOT_CONDITIONS_NEWTON, "yaql": "", "contains": ""}

_HOT_SECTIONS = (
    "heat_template_version",
    "description",
    "parameter_groups",
    "parameters",
    "resources",
    "outputs",
)
_HOT_RESOURCE_KEYS = (
    "type",
    "properties",
    "metadata",
    "depends_on",
    "deletion_policy",
    "update_policy",
    "description",
)
_HOT_PARAMETER_KEYS = (
    "type",
    "label",
    "description",
    "default",
    "hidden",
    "constraints",
    "immutable",
)
_HOT_PARAMETER_TYPES = ("string", "number", "comma_delimited_list", "json", "boolean")
_HOT_CONSTRAINTS = ("length", "range", "allowed_values", "allowed_pattern", "custom_constraint")
_POLICIES = ("Delete", "Retain", "Snapshot")
_HOT_PSEUDO = ("OS::stack_name", "OS::stack_id", "OS::project_id")

_CFN_FUNCTIONS = {
    "Fn::FindInMap": "",
    "Fn::GetAZs": "",
    "Ref": "P+R",
    "Fn::GetAtt": "",
    "Fn::Select": "",
    "Fn::Join": "",
    "Fn::Split": "",
    "Fn::Replace": "",
    "Fn::Base64": "",
    "Fn::MemberListToMap": "",
    "Fn::ResourceFacade": "",
}
_CFN_CONDITIONS = {
    "Fn::Equals": "",
    "Ref": "P",
    "Fn::FindInMap": "",
    "Fn::Not": "",
    "Fn::And": "",
    "Fn::Or": "",
}
_CFN_SECTIONS = (
    "AWSTemplateFormatVersion",
    "HeatTemplateFormatVersion",
    "Description",
    "Mappings",
    "Parameters",
    "Resources",
    "Outputs",
)
_CFN_RESOURCE_KEYS = (
    "Type",
    "Properties",
    "Metadata",
    "DependsOn",
    "DeletionPolicy",
    "UpdatePolicy",
    "Description",
)
_CFN_PARAMETER_KEYS = (
    "Type",
    "Default",
    "NoEcho",
    "AllowedValues",
    "AllowedPattern",
    "MaxLength",
    "MinLength",
    "MaxValue",
    "MinValue",
    "Description",
    "ConstraintDescription",
    "Label",
)
_CFN_PARAMETER_TYPES = ("String", "Number", "CommaDelimitedList", "Json", "Boolean")
_CFN_PSEUDO = ("AWS::StackName", "AWS::StackId", "AWS::Region")


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


def _hot_specs() -> list[VersionSpec]:
    specs: list[VersionSpec] = []
    functions: dict[str, str] = {}
    removed: set[str] = set()
    for date, release, changed, gone in _HOT_STEPS:
        functions.update(changed)
        for name in gone:
            functions.pop(name, None)
            removed.add(name)
        newton = date >= "2016-10-14"
        conditions = _HOT_CONDITIONS_PIKE if date >= "2017-09-01" else _HOT_CONDITIONS_NEWTON
        extra_resource = ("external_id", "condition") if newton else ()
        specs.append(
            VersionSpec(
                key=HOT_KEY,
                name=date,
                format="hot",
                functions=_frozen(functions),
                removed=frozenset(removed),
                condition_functions=_frozen(conditions if newton else {}),
                sections=_HOT_SECTIONS + (("conditions",) if newton else ()),
                resource_keys=_HOT_RESOURCE_KEYS + extra_resource,
                output_keys=("description", "value") + (("condition",) if newton else ()),
                parameter_keys=_HOT_PARAMETER_KEYS + (("tags",) if date >= "2018-03-02" else ()),
                parameter_types=_HOT_PARAMETER_TYPES,
                constraint_kinds=_HOT_CONSTRAINTS + (("modulo",) if date >= "2017-02-24" else ()),
                deletion_policies=_POLICIES + (("delete", "retain", "snapshot") if newton else ()),
                pseudo_parameters=_HOT_PSEUDO,
                conditions_section="conditions" if newton else None,
                release=release,
                aliases=(release,) if release else (),
            )
        )
    return specs


def _cfn_specs() -> list[VersionSpec]:
    common: dict[str, Any] = {
        "format": "cfn",
        "removed": frozenset(),
        "sections": _CFN_SECTIONS,
        "parameter_keys": _CFN_PARAMETER_KEYS,
        "parameter_types": _CFN_PARAMETER_TYPES,
        "constraint_kinds": (),
        "deletion_policies": _POLICIES,
        "pseudo_parameters": _CFN_PSEUDO,
    }
    aws = VersionSpec(
        key=CFN_KEY,
        name="2010-09-09",
        functions=_frozen({**_CFN_FUNCTIONS, "Fn::If": ""}),
        condition_functions=_frozen(_CFN_CONDITIONS),
        resource_keys=(*_CFN_RESOURCE_KEYS, "Condition"),
        output_keys=("Description", "Value", "Condition"),
        conditions_section="Conditions",
        **{**common, "sections": (*_CFN_SECTIONS, "Conditions")},
    )
    heat = VersionSpec(
        key=HEAT_CFN_KEY,
        name="2012-12-12",
        functions=_frozen(_CFN_FUNCTIONS),
        condition_functions=_frozen({}),
        resource_keys=_CFN_RESOURCE_KEYS,
        output_keys=("Description", "Value"),
        **common,
    )
    return [aws, heat]


_HOT_SPECS = _hot_specs()
_CFN_SPECS = _cfn_specs()

VERSIONS: dict[tuple[str, str], VersionSpec] = {}
for _spec in (*_HOT_SPECS, *_CFN_SPECS):
    VERSIONS[(_spec.key, _spec.name)] = _spec
    for _alias in _spec.aliases:
        VERSIONS[(_spec.key, _alias)] = _spec


def hot_versions() -> list[VersionSpec]:
    """The canonical HOT versions, oldest first (aliases not repeated)."""
    return list(_HOT_SPECS)


def cfn_versions() -> list[VersionSpec]:
    """AWSTemplateFormatVersion 2010-09-09 and HeatTemplateFormatVersion 2012-12-12."""
    return list(_CFN_SPECS)


def valid_values(key: str) -> list[str]:
    """Every accepted value of a version key, dates first, then release aliases."""
    names = [v for k, v in VERSIONS if k == key]
    return sorted(names, key=lambda v: (not v[:1].isdigit(), v))


def get_version(key: str, value: object) -> VersionSpec:
    """The spec for `key: value`, raising InvalidVersion with the valid values otherwise."""
    text = value.isoformat() if isinstance(value, datetime.date) else value
    if isinstance(text, str) and (key, text) in VERSIONS:
        return VERSIONS[(key, text)]
    valid = valid_values(key)
    hint = did_you_mean(text, valid) if isinstance(text, str) else ""
    one_of = "should be one of" if len(valid) > 1 else "should be"
    raise InvalidVersion(
        f'unknown template version "{key}: {text}"{hint}; "{key}" {one_of}: {", ".join(valid)}',
        (key,),
    )


def lookup_version(template: Mapping[str, Any]) -> VersionSpec:
    """The version a template declares, as Heat decides it.

    Exactly one of heat_template_version / AWSTemplateFormatVersion /
    HeatTemplateFormatVersion must be present. Raises InvalidVersion otherwise.
    """
    if not isinstance(template, Mapping):
        raise InvalidVersion("a template must be a mapping")
    present = [k for k in VERSION_KEYS if k in template]
    if len(present) > 1:
        raise InvalidVersion(f"ambiguous template versions ({', '.join(present)}); use only one")
    if not present:
        near = [
            f"'{k}'{did_you_mean(k, VERSION_KEYS)}"
            for k in template
            if isinstance(k, str) and did_you_mean(k, VERSION_KEYS)
        ]
        extra = f"; found {near[0]}" if near else ""
        raise InvalidVersion(
            "template version was not provided: add 'heat_template_version: 2021-04-16'"
            f" (or AWSTemplateFormatVersion for CloudFormation){extra}"
        )
    return get_version(present[0], template[present[0]])


# ------------------------------------------------------------------- support table


def _column_title(spec: VersionSpec) -> str:
    if spec.key == CFN_KEY:
        return f"AWS {spec.name}"
    if spec.key == HEAT_CFN_KEY:
        return f"HeatCFN {spec.name}"
    return f"{spec.name} {spec.release}" if spec.release else spec.name


def _all_function_names() -> list[str]:
    seen: dict[str, None] = {}
    for spec in (*_HOT_SPECS, *_CFN_SPECS):
        for name in (*spec.functions, *sorted(spec.removed), *spec.condition_functions):
            seen.setdefault(name, None)
    hot = [n for n in seen if not n[:1].isupper()]
    cfn = sorted(n for n in seen if n[:1].isupper())
    return hot + cfn


def _cell(spec: VersionSpec, name: str) -> str:
    if name in spec.removed:
        return "R"
    marks = []
    if name in spec.functions:
        variant = spec.functions[name]
        marks.append(f"✓ {variant}" if variant else "✓")
    if name in spec.condition_functions:
        if name not in spec.functions:
            variant = spec.condition_functions[name]
            marks.append(f"c {variant}" if variant else "c")
        elif spec.condition_functions[name] != spec.functions[name]:
            marks.append(f"c {spec.condition_functions[name]}")
        else:
            marks.append("c")
    return ", ".join(marks)


def support_table_markdown() -> str:
    """The version x function support table, as Markdown, generated from VERSIONS.

    ✓ = a function (with its variant letter), c = allowed in a condition context,
    R = removed (an error), blank = not a function (the one-key map is plain data).
    """
    specs = [*_HOT_SPECS, *_CFN_SPECS]
    header = ["function", *(_column_title(s) for s in specs)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name in _all_function_names():
        cells = [f"`{name}`", *(_cell(s, name) for s in specs)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
