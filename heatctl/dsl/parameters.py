"""Template parameters: their declarations, and values coerced exactly as Heat does.

Declarations come from the HOT `parameters` section (type, label, description, default,
hidden, constraints, immutable, tags) or the CFN `Parameters` section (Type, Default,
NoEcho, AllowedValues, AllowedPattern, Min/MaxLength, Min/MaxValue, ConstraintDescription,
Description, Label), both turned into one `ParameterDefinition`.

Values come, lowest precedence first, from the template `default`, the environment's
`parameter_defaults`, and the environment's `parameters` plus `-P`/`--parameter-file`
(heat/engine/parameters.py):

- string: `str(value)` (so `true` becomes "True", `5` becomes "5");
- number: a number stays as it is; text becomes int(), else float();
- boolean: oslo `bool_from_string(strict=True)`: t/true/on/y/yes/1, f/false/off/n/no/0;
- comma_delimited_list: a list is kept (items str()); text is split on "," **without
  stripping**; "" is [];
- json: text is parsed as JSON ("" stays ""); other values are round-tripped through JSON.

Hidden values (`hidden: true`, CFN `NoEcho: true`) never appear in messages or output:
`masked()` replaces them with `******`, as Heat's API does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from heatctl.dsl.constraints import (
    APPLIES_TO,
    CUSTOM_CONSTRAINTS,
    ConstraintSyntaxError,
    make_constraint,
    violations,
)
from heatctl.dsl.diagnostics import did_you_mean
from heatctl.resources.schema import Constraint

if TYPE_CHECKING:
    from heatctl.dsl.template import Source
    from heatctl.dsl.versions import VersionSpec

MASK = "******"
TYPES = ("string", "number", "comma_delimited_list", "json", "boolean")
CFN_TYPES = {
    "String": "string",
    "Number": "number",
    "CommaDelimitedList": "comma_delimited_list",
    "Json": "json",
    "Boolean": "boolean",
}
TRUE_STRINGS = ("1", "t", "true", "on", "y", "yes")
FALSE_STRINGS = ("0", "f", "false", "off", "n", "no")
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class ParameterDefinition:
    """One declared parameter, in the HOT vocabulary whatever the template format."""

    name: str
    type: str
    path: Path
    label: str | None = None
    description: str | None = None
    default: Any = None
    has_default: bool = False
    hidden: bool = False
    immutable: bool = False
    constraints: tuple[Constraint, ...] = ()
    tags: tuple[str, ...] = ()
    valid: bool = True
    """False when the declaration is broken (reported); kept so references still resolve."""

    @property
    def required(self) -> bool:
        """True when the template gives no default (a value must come from outside)."""
        return not self.has_default


class ParameterValueError(ValueError):
    """A value cannot be coerced to its parameter's type or breaks a constraint."""


# ----------------------------------------------------------------------------- coercion


def _to_number(value: Any) -> int | float:
    if isinstance(value, int | float):  # bool included, as Python's numbers.Number does
        return value
    text = str(value)
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            raise ParameterValueError(f"value must be a number, not {text!r}") from None


def _to_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_STRINGS:
        return True
    if text in FALSE_STRINGS:
        return False
    accepted = ", ".join(f"'{s}'" for s in sorted(TRUE_STRINGS + FALSE_STRINGS))
    raise ParameterValueError(f"unrecognized boolean {value!r}; acceptable values are: {accepted}")


def _to_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, str):
        return [] if value == "" else value.split(",")
    raise ParameterValueError(
        f"value must be a comma-delimited list string, not {type(value).__name__}"
    )


def _to_json(value: Any) -> Any:
    try:
        text = value if isinstance(value, str) else json.dumps(value)
        return json.loads(text) if text else value
    except (TypeError, ValueError) as exc:
        raise ParameterValueError(f"value must be valid JSON: {exc}") from None


def coerce(param_type: str, value: Any) -> Any:
    """`value` as a parameter of `param_type` holds it (Heat's Parameter.value())."""
    if param_type == "string":
        return str(value)
    if param_type == "number":
        return _to_number(value)
    if param_type == "boolean":
        return _to_boolean(value)
    if param_type == "comma_delimited_list":
        return _to_list(value)
    if param_type == "json":
        return _to_json(value)
    raise ParameterValueError(f"unknown parameter type '{param_type}'")


def check_value(definition: ParameterDefinition, value: Any) -> Any:
    """Coerce `value` and check every constraint; raise ParameterValueError on the first.

    For a hidden parameter the message never contains the value."""
    try:
        typed = coerce(definition.type, value)
    except ParameterValueError:
        if definition.hidden:
            raise ParameterValueError(f"value ({MASK}) is not a valid {definition.type}") from None
        raise
    problems = violations(definition.constraints, typed, definition.type, hidden=definition.hidden)
    if problems:
        raise ParameterValueError(problems[0])
    return typed


# ------------------------------------------------------------------------- declarations


def parse_parameters(section: Any, version: VersionSpec, source: Source) -> dict[str, Any]:
    """Declarations of a `parameters`/`Parameters` section, reporting every problem."""
    where: Path = (_section_name(version),)
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        source.error(f"'{where[0]}' must be a mapping of parameter names", where)
        return {}
    found: dict[str, ParameterDefinition] = {}
    for name, body in section.items():
        path = (*where, name)
        if not isinstance(body, Mapping):
            source.error(f"parameter '{name}' must be a mapping with at least a type", where, name)
            continue
        parse = _parse_hot if version.format == "hot" else _parse_cfn
        definition = parse(str(name), body, path, version, source)
        if definition is not None:
            found[str(name)] = definition
    return found


def _section_name(version: VersionSpec) -> str:
    return "parameters" if version.format == "hot" else "Parameters"


def _check_keys(body: Mapping[Any, Any], path: Path, version: VersionSpec, source: Source) -> None:
    for key in body:
        if key not in version.parameter_keys:
            hint = did_you_mean(key, version.parameter_keys)
            source.error(f"'{key}' is not a valid key of parameter '{path[-1]}'{hint}", path, key)


def _param_type(written: Any, path: Path, version: VersionSpec, source: Source) -> str | None:
    key = "type" if version.format == "hot" else "Type"
    if written is None:
        source.error(f"parameter '{path[-1]}' has no {key}", path[:-1], path[-1])
        return None
    table = {t: t for t in TYPES} if version.format == "hot" else CFN_TYPES
    if not isinstance(written, str) or written not in table:
        hint = did_you_mean(written, table)
        choices = ", ".join(table)
        source.error(
            f"invalid parameter type '{written}'{hint}; use one of {choices}", (*path, key)
        )
        return None
    return table[written]


def _flag(body: Mapping[Any, Any], key: str, path: Path, source: Source) -> bool:
    value = body.get(key, False)
    try:
        return _to_boolean(value)
    except ParameterValueError:
        source.error(f"'{key}' of parameter '{path[-1]}' must be a boolean", (*path, key))
        return False


def _parse_hot(
    name: str, body: Mapping[Any, Any], path: Path, version: VersionSpec, source: Source
) -> ParameterDefinition | None:
    _check_keys(body, path, version, source)
    param_type = _param_type(body.get("type"), path, version, source)
    if param_type is None:
        return ParameterDefinition(name=name, type="string", path=path, valid=False)
    constraints = _hot_constraints(body.get("constraints"), param_type, path, version, source)
    tags = body.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        source.error(f"'tags' of parameter '{name}' must be a list of strings", (*path, "tags"))
        tags = ()
    definition = ParameterDefinition(
        name=name,
        type=param_type,
        path=path,
        label=_text(body.get("label")),
        description=_text(body.get("description")),
        default=body.get("default"),
        has_default="default" in body,
        hidden=_flag(body, "hidden", path, source),
        immutable=_flag(body, "immutable", path, source),
        constraints=constraints,
        tags=tuple(tags),
    )
    _check_default(definition, source, "default")
    return definition


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _hot_constraints(
    items: Any, param_type: str, path: Path, version: VersionSpec, source: Source
) -> tuple[Constraint, ...]:
    where = (*path, "constraints")
    if items is None:
        return ()
    if not isinstance(items, list):
        source.error(f"constraints of parameter '{path[-1]}' must be a list", where)
        return ()
    found = []
    for index, item in enumerate(items):
        constraint = _hot_constraint(item, param_type, (*where, index), version, source)
        if constraint is not None:
            found.append(constraint)
    return tuple(found)


def _hot_constraint(
    item: Any, param_type: str, path: Path, version: VersionSpec, source: Source
) -> Constraint | None:
    if not isinstance(item, Mapping):
        source.error("a constraint must be a mapping such as {length: {min: 1}}", path)
        return None
    kinds = [k for k in item if k != "description"]
    if len(kinds) != 1:
        source.error("a constraint must have exactly one kind (plus an optional description)", path)
        return None
    kind = kinds[0]
    if kind not in version.constraint_kinds:
        hint = did_you_mean(kind, version.constraint_kinds)
        source.error(f"'{kind}' is not a constraint in {version.label}{hint}", path, kind)
        return None
    if param_type not in APPLIES_TO[kind]:
        source.error(f"{kind} constraint does not apply to a {param_type} parameter", path, kind)
        return None
    try:
        constraint = make_constraint(kind, item[kind], item.get("description"))
    except ConstraintSyntaxError as exc:
        source.error(str(exc), (*path, kind))
        return None
    if kind == "custom_constraint" and constraint.args not in CUSTOM_CONSTRAINTS:
        hint = did_you_mean(constraint.args, CUSTOM_CONSTRAINTS)
        source.error(f"unknown custom_constraint '{constraint.args}'{hint}", (*path, kind))
        return None
    return constraint


_CFN_CONSTRAINTS = (
    ("AllowedValues", "allowed_values"),
    ("AllowedPattern", "allowed_pattern"),
    ("MinLength", "length"),
    ("MaxLength", "length"),
    ("MinValue", "range"),
    ("MaxValue", "range"),
)


def _parse_cfn(
    name: str, body: Mapping[Any, Any], path: Path, version: VersionSpec, source: Source
) -> ParameterDefinition | None:
    _check_keys(body, path, version, source)
    param_type = _param_type(body.get("Type"), path, version, source)
    if param_type is None:
        return ParameterDefinition(name=name, type="string", path=path, valid=False)
    description = _text(body.get("ConstraintDescription"))
    constraints: list[Constraint] = []
    length = {k[:3].lower(): body[k] for k in ("MinLength", "MaxLength") if k in body}
    value_range = {k[:3].lower(): body[k] for k in ("MinValue", "MaxValue") if k in body}
    specs: list[tuple[str, str, Any]] = []
    if "AllowedValues" in body:
        specs.append(("AllowedValues", "allowed_values", body["AllowedValues"]))
    if "AllowedPattern" in body:
        specs.append(("AllowedPattern", "allowed_pattern", body["AllowedPattern"]))
    if length:
        specs.append(("MinLength" if "min" in length else "MaxLength", "length", length))
    if value_range:
        specs.append(("MinValue" if "min" in value_range else "MaxValue", "range", value_range))
    for key, kind, args in specs:
        try:
            constraints.append(make_constraint(kind, args, description))
        except ConstraintSyntaxError as exc:
            source.error(str(exc), (*path, key))
    definition = ParameterDefinition(
        name=name,
        type=param_type,
        path=path,
        label=_text(body.get("Label")),
        description=_text(body.get("Description")),
        default=body.get("Default"),
        has_default="Default" in body,
        hidden=str(body.get("NoEcho", "false")).lower() == "true",
        constraints=tuple(constraints),
    )
    _check_default(definition, source, "Default")
    return definition


def _check_default(definition: ParameterDefinition, source: Source, key: str) -> None:
    if not definition.has_default or definition.default is None:
        return
    try:
        check_value(definition, definition.default)
    except ParameterValueError as exc:
        source.error(
            f"invalid default for parameter '{definition.name}': {exc}", (*definition.path, key)
        )


# ------------------------------------------------------------------------------ values


@dataclass(frozen=True)
class ValueOrigin:
    """Where a parameter value came from, for messages: a file position or the CLI."""

    description: str
    file: str | None = None
    line: int | None = None
    col: int | None = None


@dataclass
class ParameterValues:
    """Resolved, typed values plus the problems found while resolving them."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str, ValueOrigin | None]] = field(default_factory=list)
    """(parameter name, message, origin of the bad value or None for the template)."""


def resolve_values(
    definitions: Mapping[str, ParameterDefinition],
    given: Mapping[str, Any],
    defaults: Mapping[str, Any] | None = None,
    origins: Mapping[str, ValueOrigin] | None = None,
    *,
    require_all: bool = True,
) -> ParameterValues:
    """Typed values for every declared parameter.

    `given` holds the environment's `parameters` and the command line's -P values; a name
    there that the template does not declare is a problem, as in Heat. `defaults` holds
    `parameter_defaults` (unknown names are ignored). With `require_all`, a parameter
    with no value anywhere is a problem ("was not provided").
    """
    result = ParameterValues()
    origins = origins or {}
    defaults = defaults or {}
    for name in given:
        if name not in definitions:
            hint = did_you_mean(name, definitions)
            message = f"parameter '{name}' is not defined in the template{hint}"
            result.problems.append((str(name), message, origins.get(name)))
    for name, definition in definitions.items():
        if not definition.valid:
            continue
        if name in given:
            raw, origin = given[name], origins.get(name)
        elif name in defaults:
            raw, origin = defaults[name], origins.get(f"default:{name}")
        elif definition.has_default:
            raw, origin = definition.default, None
            if raw is not None and _default_is_invalid(definition):
                continue  # reported with the template's declaration already
        else:
            if require_all:
                result.problems.append((name, f"parameter '{name}' was not provided", None))
            continue
        if raw is None:
            result.values[name] = None
            continue
        try:
            result.values[name] = check_value(definition, raw)
        except ParameterValueError as exc:
            result.problems.append((name, f"parameter '{name}' is invalid: {exc}", origin))
    return result


def _default_is_invalid(definition: ParameterDefinition) -> bool:
    try:
        check_value(definition, definition.default)
    except ParameterValueError:
        return True
    return False


def masked(definitions: Mapping[str, ParameterDefinition], values: Mapping[str, Any]) -> dict:
    """A copy of `values` with every hidden parameter's value replaced by ******."""
    return {
        name: MASK if definitions.get(name) and definitions[name].hidden else value
        for name, value in values.items()
    }


def hidden_values(
    definitions: Mapping[str, ParameterDefinition], values: Mapping[str, Any]
) -> list[str]:
    """The text of every hidden value, longest first (to scrub them from any output)."""
    texts: set[str] = set()
    for name, definition in definitions.items():
        value = values.get(name)
        if definition.hidden and value not in (None, ""):
            texts.add(value if isinstance(value, str) else json.dumps(value))
            if isinstance(value, list):
                texts.update(str(v) for v in value if str(v))
    return sorted(texts, key=len, reverse=True)


def parse_assignments(pairs: Sequence[str]) -> dict[str, str]:
    """`name=value` items from -P; a repeated name joins its values with ',' (heatclient)."""
    found: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ParameterValueError(f"expected name=value, got {pair!r}")
        found[name] = f"{found[name]},{value}" if name in found else value
    return found
