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


def _string(text: str) -> str:
    """A string as a YAML scalar that reads back as this same string."""
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
        return _string(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _emit(value: Any, indent: str, out: list[str]) -> None:
    """Append `value` in block style; the caller has written the key or dash before it."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            out.append(f"\n{indent}{_scalar(key)}:")
            _child(item, indent, out)
    elif isinstance(value, list) and value:
        for item in value:
            out.append(f"\n{indent}-")
            if isinstance(item, dict) and item:
                first = True
                for key, sub in item.items():
                    out.append(f" {_scalar(key)}:" if first else f"\n{indent}  {_scalar(key)}:")
                    _child(sub, indent + "  ", out)
                    first = False
            elif isinstance(item, list) and item:
                _emit(item, indent + "  ", out)
            else:
                _child(item, indent, out, nested=False)
    else:
        out.append(
            " {}"
            if isinstance(value, dict)
            else " []"
            if isinstance(value, list)
            else f" {_scalar(value)}"
        )


def _child(value: Any, indent: str, out: list[str], nested: bool = True) -> None:
    if isinstance(value, dict | list) and value:
        _emit(value, indent + "  ", out)
    elif isinstance(value, str) and _block(value):
        body = value.rstrip("\n")
        trailing = len(value) - len(body)
        out.append(" |" + ("-" if trailing == 0 else "" if trailing == 1 else "+"))
        pad = indent + "  "
        out.extend(f"\n{pad}{line}" if line else "\n" for line in body.split("\n"))
        out.extend("\n" for _ in range(trailing - 1))
    else:
        _emit(value, indent, out)


def dump_yaml(value: Any) -> str:
    """Any plain value (dicts, lists, str, int, float, bool, None) as block YAML.

    Our own small emitter: HOT needs only these types, and it is several times faster than
    PyYAML's general representer/serializer (translation time is mostly output time).
    """
    return _dump(_plain(value))


def _dump(value: Any) -> str:
    if isinstance(value, dict | list) and value:
        out: list[str] = []
        _emit(value, "", out)
        return "".join(out)[1:] + "\n"
    return (
        _scalar(value)
        if not isinstance(value, dict | list)
        else ("{}" if isinstance(value, dict) else "[]") + "\n"
    )


def dump_hot(hot: Mapping[str, Any]) -> str:
    """A HOT template as YAML text: same input, same bytes; no value changes type on reload."""
    ordered = order_hot(hot)
    text = _dump(ordered)
    version = ordered.get("heat_template_version")
    if isinstance(version, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", version):
        # Written plain, as in Heat's docs; heatctl and Heat read it back as the version.
        text = text.replace(
            f"heat_template_version: '{version}'", f"heat_template_version: {version}", 1
        )
    return text
