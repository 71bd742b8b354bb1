"""TOSCA inputs -> HOT parameters, with types, defaults, constraints and given values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from heatctl.dsl.diagnostics import did_you_mean
from heatctl.translate.tosca.sources import fail
from heatctl.translate.tosca.values import (
    GIB,
    ValueProblem,
    check_primitive,
    coerce_text,
    parse_scalar,
)

# TOSCA primitive -> HOT parameter type.
HOT_TYPES = {
    "string": "string",
    "integer": "number",
    "float": "number",
    "boolean": "boolean",
    "timestamp": "string",
    "version": "string",
    "list": "comma_delimited_list",
    "map": "json",
    "range": "json",
    "scalar-unit.size": "number",
    "scalar-unit.time": "number",
    "scalar-unit.frequency": "number",
    "scalar-unit.bitrate": "number",
}
# Scalar units become numbers in these units (sizes in GiB: what Cinder and Heat count in).
SCALAR_UNIT_OF_PARAMETER = {
    "scalar-unit.size": ("GiB", GIB),
    "scalar-unit.time": ("s", 1),
    "scalar-unit.frequency": ("Hz", 1),
    "scalar-unit.bitrate": ("bps", 1),
}
INPUT_KEYS = {
    "type",
    "description",
    "required",
    "default",
    "status",
    "constraints",
    "entry_schema",
    "key_schema",
    "value",
    "metadata",
    "title",
}
# A translate-time key_name input the way heat-translator and its users expect it.
SPECIAL_INPUTS = ("key_name",)


class InputTable:
    """The template's inputs with their resolved primitive types and known values."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.kinds: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        self.definitions: dict[str, Mapping[str, Any]] = {}

    def has_value(self, name: str) -> bool:
        return name in self.values

    def build(self, given: Mapping[str, str]) -> dict[str, Any]:
        """HOT parameters for every input; `given` (name=value from -P) become defaults."""
        ctx = self.context
        topology = ctx.topology
        inputs = topology.get("inputs") or {}
        if not isinstance(inputs, dict | Mapping):
            raise fail(
                "inputs must be a mapping", ctx.file, ctx.document, ("topology_template", "inputs")
            )
        parameters: dict[str, Any] = {}
        for name, definition in inputs.items():
            path = ("topology_template", "inputs", name)
            if not isinstance(definition, dict | Mapping):
                raise fail(
                    f"input '{name}' must be a mapping with at least a type",
                    ctx.file,
                    ctx.document,
                    path,
                )
            self.definitions[name] = definition
            parameters[name] = self._parameter(str(name), definition, given.get(name), path)
        for name in given:
            if name not in inputs and name not in SPECIAL_INPUTS:
                raise fail(
                    f"-P {name}: the template has no input '{name}'{did_you_mean(name, inputs)}",
                    ctx.file,
                    ctx.document,
                    ("topology_template", "inputs"),
                )
        if "key_name" in given and "key_name" not in inputs:
            parameters["key_name"] = {"type": "string", "default": given["key_name"]}
            self.values["key_name"] = given["key_name"]
            self.kinds["key_name"] = "string"
        return parameters

    def _parameter(
        self, name: str, definition: Mapping[str, Any], given: str | None, path: tuple[Any, ...]
    ) -> dict[str, Any]:
        ctx = self.context
        for key in definition:
            if key not in INPUT_KEYS:
                ctx.reporter.untranslated(f"input key '{key}' has no HOT counterpart", (*path, key))
        tosca_type = definition.get("type", "string")
        kind = ctx.registry.base_primitive(str(tosca_type)) if isinstance(tosca_type, str) else None
        if kind is None:
            if ctx.registry.data_type(str(tosca_type)) is None:
                raise fail(
                    f"input '{name}' has unknown type '{tosca_type}'{did_you_mean(tosca_type, [*HOT_TYPES, *(t.name for t in ctx.registry.all('data_types'))])}",
                    ctx.file,
                    ctx.document,
                    (*path, "type"),
                )
            kind = "map"
        self.kinds[name] = kind
        parameter: dict[str, Any] = {"type": HOT_TYPES[kind]}
        if kind == "list" and self._entry_kind(definition) not in (None, "string"):
            parameter["type"] = "json"
        for key in ("description", "title"):
            if isinstance(definition.get(key), str):
                parameter["description" if key == "description" else "label"] = (
                    definition[key].strip() if key == "description" else definition[key]
                )
        value = definition.get("default")
        if given is not None:
            try:
                value = coerce_text(given, kind)
            except ValueProblem as problem:
                raise fail(
                    f"-P {name}: {problem} (input '{name}' is {tosca_type})",
                    ctx.file,
                    ctx.document,
                    path,
                ) from None
        elif value is not None:
            try:
                check_primitive(value, kind)
            except ValueProblem as problem:
                raise fail(
                    f"default of input '{name}': {problem}",
                    ctx.file,
                    ctx.document,
                    (*path, "default"),
                ) from None
        if value is not None:
            self.values[name] = value
            parameter["default"] = self.hot_value(kind, value)
        elif definition.get("required") is False:
            # An optional input with no value: an empty default keeps the HOT parameter
            # optional too (HOT has no "required: false").
            empty = {"string": "", "comma_delimited_list": [], "json": {}}.get(parameter["type"])
            if empty is not None:
                parameter["default"] = empty
        constraints = self._constraints(
            name, kind, definition.get("constraints"), (*path, "constraints")
        )
        if constraints:
            parameter["constraints"] = constraints
        if value is not None:
            self._check_constraints(name, kind, value, definition.get("constraints"), path)
        if name.lower().endswith(("password", "pwd", "secret", "token")):
            parameter["hidden"] = True
        return parameter

    @staticmethod
    def _entry_kind(definition: Mapping[str, Any]) -> str | None:
        schema = definition.get("entry_schema")
        if isinstance(schema, dict | Mapping):
            schema = schema.get("type")
        return schema if isinstance(schema, str) else None

    def hot_value(self, kind: str, value: Any) -> Any:
        """A TOSCA value of `kind` as the HOT parameter holds it (scalar units as numbers)."""
        unit = SCALAR_UNIT_OF_PARAMETER.get(kind)
        if unit is not None and isinstance(value, str):
            amount = parse_scalar(value, kind) / unit[1]
            if kind == "scalar-unit.size":
                return int(-(-amount // 1))  # round up to whole GiB, as a volume size needs
            return int(amount) if float(amount).is_integer() else amount
        return value

    def _constraints(
        self, name: str, kind: str, constraints: Any, path: tuple[Any, ...]
    ) -> list[dict[str, Any]]:
        if constraints is None:
            return []
        if not isinstance(constraints, list):
            raise fail(
                f"constraints of input '{name}' must be a list",
                self.context.file,
                self.context.document,
                path,
            )
        result: list[dict[str, Any]] = []
        for index, constraint in enumerate(constraints):
            if not isinstance(constraint, dict | Mapping) or len(constraint) != 1:
                raise fail(
                    "a constraint must be a mapping with one operator",
                    self.context.file,
                    self.context.document,
                    (*path, index),
                )
            ((operator, operand),) = constraint.items()
            hot = self._constraint(kind, str(operator), operand, (*path, index))
            if hot is not None:
                result.append(hot)
        return result

    def _number(self, kind: str, value: Any) -> Any:
        return self.hot_value(kind, value) if kind in SCALAR_UNIT_OF_PARAMETER else value

    def _constraint(
        self, kind: str, operator: str, operand: Any, path: tuple[Any, ...]
    ) -> dict[str, Any] | None:
        ctx = self.context
        integer = kind == "integer"
        if operator == "equal":
            return {"allowed_values": [self._number(kind, operand)]}
        if operator == "valid_values":
            if not isinstance(operand, list):
                raise fail("valid_values needs a list", ctx.file, ctx.document, path)
            return {"allowed_values": [self._number(kind, v) for v in operand]}
        if operator in ("greater_than", "greater_or_equal", "less_than", "less_or_equal"):
            bound = self._number(kind, operand)
            exclusive = operator in ("greater_than", "less_than")
            if exclusive and integer and isinstance(bound, int):
                bound = bound + 1 if operator == "greater_than" else bound - 1
            elif exclusive:
                ctx.reporter.approximate(
                    f"{operator} on a {kind} becomes an inclusive HOT range", path
                )
            return {"range": {"min" if operator.startswith("greater") else "max": bound}}
        if operator == "in_range":
            if not isinstance(operand, list) or len(operand) != 2:
                raise fail("in_range needs a list of two bounds", ctx.file, ctx.document, path)
            bounds = {
                k: self._number(kind, v)
                for k, v in zip(("min", "max"), operand, strict=True)
                if v != "UNBOUNDED"
            }
            return {"range": bounds}
        if operator in ("length", "min_length", "max_length"):
            keys = {"length": ("min", "max"), "min_length": ("min",), "max_length": ("max",)}[
                operator
            ]
            return {"length": dict.fromkeys(keys, operand)}
        if operator == "pattern":
            return {"allowed_pattern": str(operand)}
        ctx.reporter.untranslated(f"constraint '{operator}' has no HOT counterpart", path)
        return None

    def _check_constraints(
        self, name: str, kind: str, value: Any, constraints: Any, path: tuple[Any, ...]
    ) -> None:
        from heatctl.translate.tosca.constraints import violation

        for index, constraint in enumerate(constraints or []):
            if isinstance(constraint, dict | Mapping) and len(constraint) == 1:
                ((operator, operand),) = constraint.items()
                problem = violation(kind, str(operator), operand, value)
                if problem:
                    raise fail(
                        f"value of input '{name}' {problem}",
                        self.context.file,
                        self.context.document,
                        (*path, "constraints", index),
                    )
