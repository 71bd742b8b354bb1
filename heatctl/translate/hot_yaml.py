"""Write HOT templates as YAML: deterministic, in HOT's key order, and type-safe.

"Type-safe" means no value changes type when the file is read back, by heatctl or by any
YAML 1.1 or 1.2 parser: strings such as "yes", "no", "on", "010", "1e3", "1_000", "null",
"~" or "2013-05-23" are quoted, as are strings with ": ", quotes or a leading special
character (PyYAML's emitter already handles the syntax cases; we add the YAML 1.2 number
forms PyYAML does not know). heat-translator loses these quotes (tosca.md, weakness 1).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

try:  # libyaml's emitter is several times faster; the representers below stay ours.
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]

TOP_LEVEL_ORDER = (
    "heat_template_version",
    "description",
    "parameter_groups",
    "parameters",
    "resources",
    "outputs",
    "conditions",
)
RESOURCE_ORDER = (
    "type",
    "properties",
    "metadata",
    "depends_on",
    "update_policy",
    "deletion_policy",
    "external_id",
    "condition",
)
PARAMETER_ORDER = (
    "type",
    "label",
    "description",
    "default",
    "hidden",
    "constraints",
    "immutable",
    "tags",
)
OUTPUT_ORDER = ("description", "value", "condition")

# Strings a YAML 1.1 or 1.2 parser could read as something other than a string.
_BOOL_NULL_WORDS = frozenset(
    ("", "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "=")
)
_NUMBER_LIKE = re.compile(r"^[-+]?(\.?[0-9]|\.(inf|nan)$)", re.IGNORECASE)


class _PlainVersion(str):
    """A string written without quotes (heat_template_version: 2013-05-23, as Heat's docs)."""

    __slots__ = ()


def _ambiguous(text: str) -> bool:
    return text.lower() in _BOOL_NULL_WORDS or bool(_NUMBER_LIKE.match(text))


class _HotDumper(_BaseDumper):
    """A safe dumper with our string representer; nothing else is representable."""


def _represent_str(dumper: _HotDumper, data: str) -> yaml.Node:
    style: str | None = None
    if "\n" in data.strip("\n") or (data.endswith("\n") and data.strip()):
        style = "|"  # scripts stay readable; the emitter falls back to quotes if it must
    elif _ambiguous(data):
        style = "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_version(dumper: _HotDumper, data: str) -> yaml.Node:
    # Tagged as the timestamp it looks like, so the emitter writes it plain; heatctl and
    # Heat both read it back as the version string.
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", str(data))


_HotDumper.add_representer(str, _represent_str)
_HotDumper.add_representer(_PlainVersion, _represent_version)


def _ordered(mapping: Mapping[Any, Any], order: tuple[str, ...]) -> dict[Any, Any]:
    result = {key: mapping[key] for key in order if key in mapping}
    result.update((key, value) for key, value in mapping.items() if key not in result)
    return result


def _plain(value: Any) -> Any:
    """Plain dicts/lists (the loader's positioned nodes are dict/list subclasses)."""
    if isinstance(value, Mapping):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str) and type(value) is not str:
        return str(value)
    return value


def _section(value: Any, order: tuple[str, ...]) -> Any:
    if not isinstance(value, dict):
        return value
    return {k: _ordered(v, order) if isinstance(v, dict) else v for k, v in value.items()}


def order_hot(hot: Mapping[str, Any]) -> dict[str, Any]:
    """A plain copy of a HOT template with its keys in HOT's conventional order."""
    result = _ordered(_plain(hot), TOP_LEVEL_ORDER)
    if "resources" in result:
        result["resources"] = _section(result["resources"], RESOURCE_ORDER)
    if "parameters" in result:
        result["parameters"] = _section(result["parameters"], PARAMETER_ORDER)
    if "outputs" in result:
        result["outputs"] = _section(result["outputs"], OUTPUT_ORDER)
    return result


def dump_yaml(value: Any) -> str:
    """Any plain value as type-safe, deterministic block YAML (no key sorting)."""
    return str(
        yaml.dump(
            _plain(value),
            Dumper=_HotDumper,
            sort_keys=False,
            default_flow_style=False,
            allow_unicode=True,
            width=10_000,
            indent=2,
        )
    )


def dump_hot(hot: Mapping[str, Any]) -> str:
    """A HOT template as YAML text: same input, same bytes; no value changes type on reload."""
    ordered = order_hot(hot)
    version = ordered.get("heat_template_version")
    if isinstance(version, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", version):
        ordered["heat_template_version"] = _PlainVersion(version)
    return str(
        yaml.dump(
            ordered,
            Dumper=_HotDumper,
            sort_keys=False,
            default_flow_style=False,
            allow_unicode=True,
            width=10_000,
            indent=2,
        )
    )
