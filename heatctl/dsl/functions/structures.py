"""HOT functions over maps and lists: map_merge, map_replace, repeat, filter, list_concat,
list_concat_unique, contains, make_url, and yaql. Semantics are Heat 27's.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Hashable
from typing import Any
from urllib import parse as urlparse

from heatctl.dsl.functions.core import Evaluator, fail

# Heat's defaults for the [yaql] options limit_iterators and memory_quota.
YAQL_LIMIT_ITERATORS = 200
YAQL_MEMORY_QUOTA = 10000


def map_merge(ev: Evaluator, raw: Any) -> Any:
    example = '"map_merge" : [ { "key1": "val1" }, { "key2": "val2" } ]'
    args = ev.value(raw)
    if isinstance(args, str):
        args = list(args)  # Heat iterates any sequence: "" merges to {}, "ab" fails below
    if not isinstance(args, list):
        raise fail(f'Incorrect arguments to "map_merge" should be: {example}')
    merged: dict[Any, Any] = {}
    for index, item in enumerate(args):
        if item is None:
            continue
        if not isinstance(item, dict):
            raise fail(
                "Incorrect arguments: Items to merge must be maps."
                f" {item!r:.200} is type {type(item).__name__} instead of a dict",
                index,
            )
        merged.update(item)  # shallow: later maps win, as in Heat
    return merged


def map_replace(ev: Evaluator, raw: Any) -> Any:
    example = (
        '"map_replace" : [ { "key1": "val1" }, '
        '{"keys": {"key1": "key2"}, "values": {"val1": "val2"}}]'
    )
    usage = f'Incorrect arguments to "map_replace" should be: {example}'
    args = ev.value(raw)
    if not isinstance(args, list) or len(args) != 2:
        raise fail(usage)

    def ensure_map(value: Any, *where: Any) -> dict[Any, Any]:
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        raise fail(
            f'Incorrect arguments: to "map_replace", arguments must be a list of maps.'
            f" Example:  {example}",
            *where,
        )

    in_map, replacements = ensure_map(args[0], 0), ensure_map(args[1], 1)
    for key in replacements:
        if key not in ("keys", "values"):
            raise fail(usage, 1, key)
    new_keys = ensure_map(replacements.get("keys", {}), 1, "keys")
    new_values = ensure_map(replacements.get("values", {}), 1, "values")
    result: dict[Any, Any] = {}
    for key, value in in_map.items():
        target = new_keys.get(key)
        if target is None:
            target = key
        elif target in in_map and target != key:
            raise fail(f"key replacement {target} collides with a key in the input map", 1, "keys")
        elif target in result:
            raise fail(f"key replacement {target} collides with a key in the output map", 1, "keys")
        result[target] = new_values.get(value, value) if isinstance(value, Hashable) else value
    return result


# -------------------------------------------------------------------------- repeat


def _replace_in(keys: tuple[Any, ...], values: tuple[Any, ...], template: Any) -> Any:
    """Placeholders replaced in strings and in map keys, recursively; others untouched."""
    if isinstance(template, str):
        for key, value in zip(keys, values, strict=True):
            if not isinstance(key, str) or not isinstance(value, str):
                raise fail(
                    'The "for_each" placeholders and their values in "repeat" must be strings'
                    f" to be replaced in text (got {value!r:.100} for {key!r:.100})",
                    "for_each",
                )
            template = template.replace(key, value)
        return template
    if isinstance(template, list):
        return [_replace_in(keys, values, item) for item in template]
    if isinstance(template, dict):
        return {
            _replace_in(keys, values, k): _replace_in(keys, values, v) for k, v in template.items()
        }
    return template


def _repeat(ev: Evaluator, raw: Any, *, maps: bool, permutations_key: bool) -> Any:
    if not isinstance(raw, dict):
        raise fail('Arguments to "repeat" must be a map')
    if "for_each" not in raw or "template" not in raw:
        raise fail(
            '"repeat" syntax should be repeat: {template: "This is %var%",'
            " for_each: {%var%: [a, b, c]}}"
        )
    nested = True
    if permutations_key:
        nested = raw.get("permutations", True)
        if not isinstance(nested, bool):
            raise fail('"permutations" should be boolean type for repeat function.', "permutations")
    for_each = ev.value(raw["for_each"], "for_each")
    if not isinstance(for_each, dict) or not for_each:
        raise fail('The "for_each" argument to "repeat" must contain a map', "for_each")
    allow_maps = maps and nested
    lists: list[Any] = []
    lengths = set()
    for key, value in for_each.items():
        if value is None:
            lists.append([])
            continue
        if not (isinstance(value, list) or (allow_maps and isinstance(value, dict))):
            kinds = "lists or maps" if allow_maps else "lists"
            raise fail(
                f'The values of the "for_each" argument to "repeat" must be {kinds}',
                "for_each",
                key,
            )
        lists.append(value)
        lengths.add(len(value))
    if not nested and len(lengths) > 1:
        raise fail(
            "For repeat, the length of for_each values should be equal if no nested loop.",
            "for_each",
        )
    template = ev.value(raw["template"], "template")
    keys = tuple(for_each)
    combos: Any = itertools.product(*lists) if nested else zip(*lists, strict=False)
    return [_replace_in(keys, combo, template) for combo in combos]


def repeat_lists(ev: Evaluator, raw: Any) -> Any:
    """Variant L (2015-04-30 .. 2016-04-08): lists only."""
    return _repeat(ev, raw, maps=False, permutations_key=False)


def repeat_maps(ev: Evaluator, raw: Any) -> Any:
    """Variant M (newton, ocata): a for_each value may be a map (its keys)."""
    return _repeat(ev, raw, maps=True, permutations_key=False)


def repeat_permutations(ev: Evaluator, raw: Any) -> Any:
    """Variant P (pike+): `permutations: false` zips lists of equal length."""
    return _repeat(ev, raw, maps=True, permutations_key=True)


# ------------------------------------------------------------------------- lists


def filter_values(ev: Evaluator, raw: Any) -> Any:
    if not isinstance(raw, list):
        raise fail('Argument to "filter" must be a list')
    if len(raw) != 2:
        raise fail(
            f'"filter" expected 2 arguments of the form [values, sequence] but got'
            f" {len(raw)} arguments instead"
        )
    sequence = ev.value(raw[1], 1)
    if not sequence:
        return sequence
    if not isinstance(sequence, list):
        raise fail('"filter" only works with lists', 1)
    values = ev.value(raw[0], 0)
    if not values:
        return sequence
    if not isinstance(values, list):
        raise fail('"filter" filters a list of values', 0)
    return [item for item in sequence if item not in values]


def _concat(ev: Evaluator, raw: Any, fn: str, unique: bool) -> Any:
    example = f'"{fn}" : [ [ <value 1>, <value 2> ], [ <value 3>, <value 4> ] ]'
    args = ev.value(raw)
    if not isinstance(args, list):
        raise fail(f'Incorrect arguments to "{fn}" should be: {example}')
    result: list[Any] = []
    for index, item in enumerate(args):
        if item is None:
            continue
        if not isinstance(item, list):
            raise fail(
                "Incorrect arguments: Items to concat must be lists."
                f" {_dumps(args)} contains an item that is not a list: {_dumps(item)}",
                index,
            )
        result.extend(item)
    if not unique:
        return result
    kept: list[Any] = []
    for item in result:
        if item not in kept:
            kept.append(item)
    return kept


def _dumps(value: Any) -> str:
    try:
        return json.dumps(value)[:200]
    except (TypeError, ValueError):
        return repr(value)[:200]


def list_concat(ev: Evaluator, raw: Any) -> Any:
    return _concat(ev, raw, "list_concat", unique=False)


def list_concat_unique(ev: Evaluator, raw: Any) -> Any:
    return _concat(ev, raw, "list_concat_unique", unique=True)


def contains(ev: Evaluator, raw: Any) -> Any:
    example = '"contains" : [ "value1", [ "value1", "value2"]]'
    if not raw or not isinstance(raw, list):
        raise fail(f'Incorrect arguments to "contains" should be: {example}')
    if len(raw) != 2:
        raise fail('Arguments to "contains" must be of the form: [value1, [value1, value2]]')
    value = ev.value(raw[0], 0)
    sequence = ev.value(raw[1], 1)
    if not isinstance(sequence, list | str):
        raise fail('Second argument to "contains" should be a sequence.', 1)
    if isinstance(sequence, str) and not isinstance(value, str):
        raise fail('"contains" can only look for a string inside a string', 0)
    return value in sequence


# ------------------------------------------------------------------------ make_url

_URL_KEYS = ("scheme", "username", "password", "host", "port", "path", "query", "fragment")


def _check_url_args(args: dict[Any, Any]) -> None:
    for key in _URL_KEYS:
        if key not in args:
            continue
        value = args[key]
        if key == "query":
            if not isinstance(value, dict):
                raise fail('The "query" argument to "make_url" must be a map', key)
        elif key == "port":
            port = value
            if not isinstance(port, int):
                try:
                    port = int(port)
                except (ValueError, TypeError):
                    raise fail(f'Invalid URL port "{value}" for make_url', key) from None
            if not 0 < port <= 65535:
                raise fail(f"Invalid URL port {port}, must be in range 1-65535", key)
        elif not isinstance(value, str):
            raise fail(f'The "{key}" argument to "make_url" must be a string', key)


def make_url(ev: Evaluator, raw: Any) -> Any:
    if not isinstance(raw, dict):
        raise fail('The arguments to "make_url" must be a map')
    invalid = sorted(str(k) for k in raw if k not in _URL_KEYS)
    if invalid:
        raise fail(f'Invalid arguments to "make_url": {", ".join(invalid)}')
    args = ev.value(raw)
    _check_url_args(args)
    scheme = args.get("scheme", "")
    if ":" in scheme:
        raise fail("URL \"scheme\" should not contain ':'", "scheme")
    return urlparse.urlunsplit(
        (
            scheme,
            _netloc(args),
            urlparse.quote(args.get("path", "")),
            urlparse.urlencode(args.get("query", {})).replace("%2F", "/"),
            urlparse.quote(args.get("fragment", "")),
        )
    )


def _netloc(args: dict[Any, Any]) -> str:
    parts = []
    username = urlparse.quote(args.get("username", ""), safe="")
    password = urlparse.quote(args.get("password", ""), safe="")
    if username or password:
        parts.append(username)
        if password:
            parts += [":", password]
        parts.append("@")
    host = args.get("host", "")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    host = urlparse.quote(host, safe=":")
    parts.append(f"[{host}]" if ":" in host else host)
    port = args.get("port", "")
    if port:
        parts += [":", str(port)]
    return "".join(parts)


# ---------------------------------------------------------------------------- yaql

_yaql_engine: tuple[Any, Any, type[Exception]] | None = None


def _yaql() -> tuple[Any, Any, type[Exception]]:
    """The yaql parser and root context, built once (importing yaql takes ~0.2 s)."""
    global _yaql_engine
    if _yaql_engine is None:
        import collections.abc  # noqa: F401  yaql 3.2 uses collections.abc without importing it

        import yaql  # type: ignore[import-untyped]
        from yaql.language import exceptions  # type: ignore[import-untyped]

        options = {
            "yaql.limitIterators": YAQL_LIMIT_ITERATORS,
            "yaql.memoryQuota": YAQL_MEMORY_QUOTA,
        }
        _yaql_engine = (
            yaql.YaqlFactory().create(options),
            yaql.create_context(),
            exceptions.YaqlException,
        )
    return _yaql_engine


def _plain(value: Any) -> Any:
    """yaql answers with tuples, sets and frozen dicts; make them JSON data."""
    if isinstance(value, dict) or type(value).__name__ == "FrozenDict":
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        items = [_plain(v) for v in value]
        try:
            return sorted(items)
        except TypeError:
            return items
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "__iter__"):  # a lazy yaql sequence
        return [_plain(v) for v in value]
    return str(value)


def yaql_eval(ev: Evaluator, raw: Any) -> Any:
    """yaql: {expression, data?} evaluated with `$.data`, with Heat's limits."""
    example = 'yaql: {expression: "$.data.var1.sum()", data: {var1: [3, 2, 1]}}'
    if not isinstance(raw, dict):
        raise fail('Arguments to "yaql" must be a map.')
    if "expression" not in raw or set(raw) - {"expression", "data"}:
        raise fail(f'"yaql" syntax should be {example}')
    expression = ev.value(raw["expression"], "expression")
    data = ev.value(raw.get("data", {}), "data")
    return run_yaql(expression, data)


def run_yaql(expression: Any, data: Any, *, evaluate: bool = True) -> Any:
    """Parse (and evaluate) a yaql expression; every failure is a FunctionError."""
    if not isinstance(expression, str):
        raise fail('The "expression" argument to yaql must contain a string.', "expression")
    parser, context, yaql_error = _yaql()
    try:
        statement = parser(expression)
    except yaql_error as exc:
        raise fail(f"Bad expression {exc}.", "expression") from None
    if not evaluate:
        return None
    try:
        return _plain(statement.evaluate({"data": data}, context.create_child_context()))
    except (
        yaql_error,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        ArithmeticError,
        MemoryError,
        RecursionError,
    ) as exc:
        raise fail(f"yaql expression failed: {type(exc).__name__}: {exc}", "expression") from None
