"""Write HOT templates as YAML: deterministic, in HOT's key order, and type-safe.

"Type-safe" means no value changes type when the file is read back, by heatctl or by any
YAML 1.1 or 1.2 parser: strings such as "yes", "no", "on", "010", "1e3", "1_000", "null",
"~" or "2013-05-23" are quoted, as are strings with ": ", quotes or a leading special
character, and YAML 1.2 number forms that PyYAML does not know. heat-translator loses these
quotes (tosca.md, weakness 1). The emitter is our own: HOT needs only block mappings,
sequences and scalars, and PyYAML's general representer was 15x slower.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

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
_NUMBER_LIKE = re.compile(r"^[-+]?(\.?[0-9]|\.(inf|nan)\Z)", re.IGNORECASE)


def _ordered(mapping: Mapping[Any, Any], order: tuple[str, ...]) -> dict[Any, Any]:
    result = {key: mapping[key] for key in order if key in mapping}
    result.update((key, value) for key, value in mapping.items() if key not in result)
    return result


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """Plain dicts/lists (the loader's positioned nodes are dict/list subclasses)."""
    if type(value) in _SCALARS:  # most values: skip the (slow, ABC) Mapping check
        return value
    if isinstance(value, (dict, Mapping)):  # dict first: the exact check is cheap
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


_NUMBER_START = frozenset("-+.0123456789")


def _ambiguous(text: str) -> bool:
    # The cheap tests first: the words are at most 5 characters, numbers start with these.
    return (len(text) <= 5 and text.lower() in _BOOL_NULL_WORDS) or (
        text[:1] in _NUMBER_START and bool(_NUMBER_LIKE.match(text))
    )


_PLAIN = re.compile(
    r"^[A-Za-z_/.$(][A-Za-z0-9_/.$()+=,;@%~:<>-]*(?: [A-Za-z0-9_/.$()+=,;@%~:<>-]+)*\Z"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


# Quoting decisions already taken: a template repeats its keys and values (`type`,
# `properties`, `get_resource`, resource names, ...), and the same text always gets the same
# quoting. Long strings (scripts) are not kept; the table stops growing when full.
_QUOTED: dict[str, str] = {}
_QUOTED_MAX = 1 << 16
_MEMO_LENGTH = 200


def _string(text: str) -> str:
    """A string as a YAML scalar that reads back as this same string."""
    quoted = _QUOTED.get(text)
    if quoted is None:
        quoted = _quote(text)
        if len(text) <= _MEMO_LENGTH and len(_QUOTED) < _QUOTED_MAX:
            _QUOTED[text] = quoted
    return quoted


def _quote(text: str) -> str:
    if text.isidentifier() and text.isascii() and not _ambiguous(text):
        return text  # the common case (names, keys), decided without the regular expression
    if (
        _PLAIN.match(text)
        and not _ambiguous(text)
        and ": " not in text
        and not text.endswith(":")
        and text not in ("<<", "=")
    ):
        return text
    if _CONTROL.search(text) or "\n" in text or "\r" in text or "\t" in text:
        return _double(text)
    return "'" + text.replace("'", "''") + "'"


# Left raw by json.dumps(ensure_ascii=False) but not printable (or a line break) in YAML.
_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff]")


def _double(text: str) -> str:
    """A double-quoted scalar: JSON's escapes are YAML's; astral characters stay raw
    (YAML has no surrogate-pair escapes)."""
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _block(text: str) -> bool:
    """Whether a multi-line string can be a literal block (`|`) and read back unchanged."""
    if "\n" not in text.rstrip("\n") or _CONTROL.search(text) or "\r" in text or "\t" in text:
        return False
    lines = text.split("\n")
    return (
        not lines[0].startswith(" ")
        and not any(line.endswith(" ") for line in lines)
        and text.strip() != ""
    )


def _scalar(value: Any) -> str:
    if type(value) is str:  # the common case first
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        if "." not in text and "e" in text:  # YAML 1.1 floats need a dot: 1e+16 -> 1.0e+16
            text = text.replace("e", ".0e", 1)
        return text
    if isinstance(value, str):
        return _string(str(value))
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


# The emitter writes the value as it is given: the loader's positioned nodes (dict and list
# subclasses), tuples and other mappings are written as plain mappings and sequences
# without copying the document first.


def _mapping(mapping: Mapping[Any, Any], indent: str, out: list[str]) -> None:
    """The entries of a non-empty mapping, one `key:` a line at `indent`."""
    append = out.append
    for key, item in mapping.items():
        append(f"\n{indent}{_string(key) if type(key) is str else _scalar(key)}:")
        _value(item, indent, out)


def _sequence(items: Any, indent: str, out: list[str]) -> None:
    """The items of a non-empty sequence, one `-` a line at `indent`; a mapping item starts
    on the dash's line (`- key: value`)."""
    append = out.append
    inner = indent + "  "
    for item in items:
        if type(item) not in _SCALARS and item and isinstance(item, dict | Mapping):
            head = f"\n{indent}- "
            for key, sub in item.items():
                append(f"{head}{_string(key) if type(key) is str else _scalar(key)}:")
                _value(sub, inner, out)
                head = f"\n{inner}"
        else:
            append(f"\n{indent}-")
            _value(item, indent, out)


def _value(value: Any, indent: str, out: list[str]) -> None:
    """`value` after its `key:` or `-` (written by the caller), nested under `indent`."""
    if type(value) is str:
        if "\n" in value and _block(value):
            _literal(value, indent + "  ", out)
        else:
            out.append(" " + _string(value))
    elif type(value) in _SCALARS:
        out.append(" " + _scalar(value))
    elif isinstance(value, dict):
        if value:
            _mapping(value, indent + "  ", out)
        else:
            out.append(" {}")
    elif isinstance(value, list | tuple):  # before the (slow, ABC) Mapping check
        if value:
            _sequence(value, indent + "  ", out)
        else:
            out.append(" []")
    elif isinstance(value, Mapping):
        _value(dict(value), indent, out)
    elif isinstance(value, str):
        _value(str(value), indent, out)
    else:
        out.append(" " + _scalar(value))


def _literal(value: str, pad: str, out: list[str]) -> None:
    """A multi-line string as a literal block (`|`), its lines indented by `pad`."""
    body = value.rstrip("\n")
    trailing = len(value) - len(body)
    out.append(" |" + ("-" if trailing == 0 else "" if trailing == 1 else "+"))
    out.extend(f"\n{pad}{line}" if line else "\n" for line in body.split("\n"))
    out.extend("\n" for _ in range(trailing - 1))


def dump_yaml(value: Any) -> str:
    """Any plain value (dicts, lists, str, int, float, bool, None) as block YAML.

    Our own small emitter: HOT needs only these types, and it is several times faster than
    PyYAML's general representer/serializer (translation time is mostly output time).
    """
    return _dump(value)


def _dump(value: Any) -> str:
    if value and isinstance(value, dict | list | tuple | Mapping):
        out: list[str] = []
        if isinstance(value, list | tuple):
            _sequence(value, "", out)
        else:
            _mapping(value, "", out)
        return "".join(out)[1:] + "\n"
    if isinstance(value, dict | Mapping):
        return "{}\n"
    if isinstance(value, list | tuple):
        return "[]\n"
    return _scalar(value)


def _shallow_order(hot: Mapping[str, Any]) -> dict[str, Any]:
    """`hot` with its keys, and those of its resources, parameters and outputs, in HOT's
    order: new dicts for those two levels only, the values below are shared."""
    result = _ordered(hot, TOP_LEVEL_ORDER)
    for section, order in (
        ("resources", RESOURCE_ORDER),
        ("parameters", PARAMETER_ORDER),
        ("outputs", OUTPUT_ORDER),
    ):
        value = result.get(section)
        if isinstance(value, dict | Mapping):
            result[section] = {
                k: _ordered(v, order) if isinstance(v, dict | Mapping) else v
                for k, v in value.items()
            }
    return result


def dump_hot(hot: Mapping[str, Any]) -> str:
    """A HOT template as YAML text: same input, same bytes; no value changes type on reload."""
    ordered = _shallow_order(hot)
    text = _dump(ordered)
    version = ordered.get("heat_template_version")
    if isinstance(version, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", version):
        # Written plain, as in Heat's docs; heatctl and Heat read it back as the version.
        text = text.replace(
            f"heat_template_version: '{version}'", f"heat_template_version: {version}", 1
        )
    return text
