"""HOT intrinsic functions (heat_template_version 2013-05-23 .. 2021-04-16).

Each implementation takes the evaluator and its raw (unevaluated) arguments, so that `if`
evaluates only the branch it picks, as Heat's `If` macro does. Messages follow Heat's.
Semantics are those of Heat 27 (see /work/shared/reference/heat.md, section a).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from heatctl.dsl.functions.core import Evaluator, Unresolved, fail
from heatctl.dsl.versions import VersionSpec

DEFAULT_AWS_REGION = "ap-southeast-1"


def _is_list(value: Any) -> bool:
    return isinstance(value, list | tuple)


def _json(value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        raise fail(f"cannot JSON-encode {value!r:.200}") from None


# ------------------------------------------------------------------ parameters / files


def pseudo_parameters(
    version: VersionSpec,
    *,
    stack_name: str | None = None,
    stack_id: str | None = None,
    project_id: str | None = None,
    region: str | None = None,
) -> dict[str, Any]:
    """The pseudo parameters of `version` with the values known (others Unresolved).

    HOT: OS::stack_name, OS::stack_id, OS::project_id (OS::region is reserved and never
    has a value). CFN: AWS::StackName, AWS::StackId (an ARN), AWS::Region
    (default ap-southeast-1, as in Heat).
    """
    later = Unresolved("known once the stack exists")
    if version.format == "hot":
        return {
            "OS::stack_name": stack_name if stack_name is not None else later,
            "OS::stack_id": stack_id if stack_id is not None else later,
            "OS::project_id": project_id if project_id is not None else later,
        }
    arn: Any = later
    if stack_name is not None and stack_id is not None and project_id is not None:
        arn = f"arn:openstack:heat::{project_id}:stacks/{stack_name}/{stack_id}"
    return {
        "AWS::StackName": stack_name if stack_name is not None else later,
        "AWS::StackId": arn,
        "AWS::Region": region or DEFAULT_AWS_REGION,
    }


def parameter_value(ev: Evaluator, name: str, fn: str) -> Any:
    """A parameter's typed value, pseudo parameters included; defers on Unresolved."""
    scope = ev.scope
    if name in scope.parameters:
        value = scope.parameters[name]
    elif name in scope.version.pseudo_parameters:
        value = pseudo_parameters(
            scope.version,
            stack_name=scope.stack_name,
            stack_id=scope.stack_id,
            project_id=scope.project_id,
            region=scope.region,
        )[name]
    elif name == "OS::region" and scope.version.format == "hot":
        raise fail(
            "The Parameter (OS::region) was not provided. OS::region is reserved"
            " and Heat never gives it a value"
        )
    else:
        raise fail(f"The Parameter ({name}) was not provided.")
    if isinstance(value, Unresolved):
        ev.unresolved()
    return value


def _path_step(collection: Any, key: Any) -> Any:
    # Heat raises TypeError for every bad step and turns it into "" (see get_param).
    if not isinstance(collection, dict | Sequence) or not isinstance(key, str | int):
        raise TypeError
    if isinstance(collection, Sequence) and isinstance(key, str):
        try:
            key = int(key)
        except ValueError:
            raise TypeError from None
    return collection[key]


def get_param(ev: Evaluator, raw: Any) -> Any:
    args = ev.value(raw)
    if not args:
        raise fail('Function "get_param" must have arguments')
    if isinstance(args, str):
        name, path = args, []
    elif isinstance(args, list):
        name, path = args[0], args[1:]
    else:
        raise fail('Argument to "get_param" must be string or list')
    if not isinstance(name, str):
        raise fail('Parameter name in "get_param" must be string')
    value = parameter_value(ev, name, "get_param")
    try:
        return functools.reduce(_path_step, path, value)
    except (KeyError, IndexError, TypeError):
        return ""  # Heat: a missing key, a bad index or an untraversable value give ""


def get_file(ev: Evaluator, raw: Any) -> Any:
    key = ev.value(raw)
    if not isinstance(key, str):
        raise fail('Argument to "get_file" must be a string')
    if ev.scope.read_file is None:
        ev.unresolved()
    try:
        return ev.scope.read_file(key)
    except LookupError:  # a plain files map given as reader (files.__getitem__)
        raise fail(f'No content found in the "files" section for get_file path: {key}') from None
    except (OSError, UnicodeError) as exc:
        raise fail(f"get_file cannot read {key}: {exc}") from None


def resource_facade(ev: Evaluator, raw: Any) -> Any:
    return facade_value(
        ev, raw, "resource_facade", ("metadata", "deletion_policy", "update_policy")
    )


def facade_value(ev: Evaluator, raw: Any, fn: str, allowed: tuple[str, ...]) -> Any:
    """resource_facade / Fn::ResourceFacade: data of the parent resource.

    As in Heat, the argument must be written literally (not computed by a function), and
    the parent's deletion policy defaults to Delete, its metadata and update policy to {}.
    """
    if not isinstance(raw, str) or raw not in allowed:
        raise fail(f'Incorrect arguments to "{fn}" should be one of: {", ".join(allowed)}')
    facade = ev.scope.facade
    if facade is None:
        raise fail(f'"{fn}" can only be used in a provider template (a nested stack)')
    key = ("metadata", "deletion_policy", "update_policy")[allowed.index(raw)]
    value = facade.get(key)
    if isinstance(value, Unresolved):
        ev.unresolved()
    if value is None:
        return "Delete" if key == "deletion_policy" else {}
    return value


# ---------------------------------------------------------------------- resources


def _resolver_or_defer(ev: Evaluator) -> Any:
    if ev.scope.resources is None:
        ev.unresolved()
    return ev.scope.resources


def resource_reference(ev: Evaluator, name: Any, fn: str) -> Any:
    """The reference id of resource `name` (get_resource, Ref)."""
    resources = _resolver_or_defer(ev)
    if not isinstance(name, str):
        raise fail(f'Argument to "{fn}" must be a resource name (a string)')
    try:
        value = resources.reference(name)
    except LookupError:
        raise fail(f'The specified reference "{name}" (in {fn}) is incorrect.') from None
    if isinstance(value, Unresolved):
        ev.unresolved()
    return value


def get_resource(ev: Evaluator, raw: Any) -> Any:
    _resolver_or_defer(ev)  # before evaluating the argument: it is kept as written anyway
    return resource_reference(ev, ev.value(raw), "get_resource")


def _get_attr_args(raw: Any, *, all_form: bool) -> tuple[Any, Any, list[Any]]:
    if all_form and not raw:
        raise fail(
            'Arguments to "get_attr" can be of the next forms: [resource_name] or'
            " [resource_name, attribute, (path), ...]"
        )
    if not isinstance(raw, list):
        raise fail('Argument to "get_attr" must be a list')
    if all_form and len(raw) == 1:
        return raw[0], None, []
    if len(raw) < 2:
        raise fail(
            'Arguments to "get_attr" must be of the form [resource_name, attribute, (path), ...]'
        )
    return raw[0], raw[1], raw[2:]


def _attribute(ev: Evaluator, name: Any, attr: Any, path: list[Any], fn: str) -> Any:
    resources = _resolver_or_defer(ev)
    if not isinstance(name, str):
        raise fail(f'The resource name in "{fn}" must be a string')
    if not isinstance(attr, str):
        raise fail(f'The attribute name in "{fn}" must be a string')
    if not resources.has_resource(name):
        raise fail(f'The specified reference "{name}" (in {fn}) is incorrect.')
    try:
        value = resources.attribute(name, attr, path)
    except LookupError:
        raise fail(f"The Referenced Attribute ({name} {attr}) is incorrect.") from None
    if isinstance(value, Unresolved):
        ev.unresolved()
    return value


def select_path(value: Any, path: list[Any]) -> Any:
    """Walk an attribute value along `path` locally; a bad step gives None (Heat)."""
    for key in path:
        if not isinstance(value, dict | Sequence) or not isinstance(key, str | int):
            return None
        try:
            value = value[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def get_attr_then_select(ev: Evaluator, raw: Any) -> Any:
    """Variant A (2013-05-23): get the attribute, then walk the path here."""
    name, attr, path = _get_attr_args(raw, all_form=False)
    _resolver_or_defer(ev)
    name, attr, path = ev.value(name, 0), ev.value(attr, 1), ev.value(path)
    value = _attribute(ev, name, attr, [], "get_attr")
    return None if value is None else select_path(value, path)


def get_attr_path(ev: Evaluator, raw: Any) -> Any:
    """Variant B (2014-10-16): the path is handed to the resource."""
    name, attr, path = _get_attr_args(raw, all_form=False)
    _resolver_or_defer(ev)
    name, attr, path = ev.value(name, 0), ev.value(attr, 1), ev.value(path)
    return _attribute(ev, name, attr, path, "get_attr")


def get_attr_all(ev: Evaluator, raw: Any) -> Any:
    """Variant C (2015-10-15+): B, plus `[resource]` giving every attribute."""
    name, attr, _ = _get_attr_args(raw, all_form=True)
    if attr is not None:
        return get_attr_path(ev, raw)
    _resolver_or_defer(ev)
    name = ev.value(name, 0)
    resources = _resolver_or_defer(ev)
    if not isinstance(name, str) or not resources.has_resource(name):
        raise fail(f'The specified reference "{name}" (in get_attr) is incorrect.')
    try:
        value = resources.all_attributes(name)
    except LookupError:
        raise fail(f'The specified reference "{name}" (in get_attr) is incorrect.') from None
    if isinstance(value, Unresolved):
        ev.unresolved()
    if isinstance(value, dict) and "show" in value:  # Heat leaves `show` out
        value = {k: v for k, v in value.items() if k != "show"}
    return value


# ---------------------------------------------------------------------- strings


def _replace_args(ev: Evaluator, raw: Any, fn: str) -> tuple[Any, Any]:
    if not isinstance(raw, dict):
        raise fail(f'Arguments to "{fn}" must be a map')
    if "params" not in raw or "template" not in raw:
        raise fail(
            f'"{fn}" syntax should be {fn}: {{template: "This is var1 template var2",'
            " params: {var1: a, var2: string}}"
        )
    params = raw["params"]
    if not isinstance(params, dict) and not _is_call(ev, params):
        raise fail(f'"{fn}" parameters must be a mapping', "params")
    return ev.value(raw["template"], "template"), ev.value(params, "params")


def _is_call(ev: Evaluator, node: Any) -> bool:
    return isinstance(node, dict) and len(node) == 1 and next(iter(node)) in ev.table


def replace_text(template: Any, mapping: Any, fn: str, convert: Any, strict: bool) -> str:
    """One pass of str_replace: longest keys first, then lexicographic; no re-scan."""
    if not isinstance(template, str):
        raise fail(f'"{fn}" template must be a string', "template")
    if not isinstance(mapping, dict):
        raise fail(f'"{fn}" params must be a map', "params")
    keys = sorted(
        sorted(mapping, key=str), key=lambda k: len(k) if isinstance(k, str) else 0, reverse=True
    )
    for key in keys:
        if not isinstance(key, str):
            raise fail(f'"{fn}" param placeholders must be strings', "params")
        if not key:  # Heat fails here too (str.split: empty separator)
            raise fail(f'"{fn}" param placeholders must not be empty', "params")
    values = {k: convert(mapping[k], k, fn) for k in keys}
    unused = set(keys)

    def replace(pieces: list[str], index: int) -> list[str]:
        if index == len(keys):
            return pieces
        key = keys[index]
        out = []
        for piece in pieces:
            parts = piece.split(key)
            if len(parts) > 1:
                unused.discard(key)
            out.append(values[key].join(replace(parts, index + 1)))
        return out

    result = replace([template], 0)[0]
    if strict and unused:
        ordered = sorted(sorted(unused), key=len, reverse=True)
        raise fail(f"The following params were not found in the template: {','.join(ordered)}")
    return result


def _scalar_replacement(value: Any, param: str, fn: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float | bool):
        raise fail(
            f'"{fn}" params must be strings or numbers, param {param} is not valid', "params", param
        )
    return str(value)


def _json_replacement(value: Any, param: str, fn: str, allow_empty: bool = True) -> str:
    def empty() -> Exception:
        return fail(
            f"{fn} has an undefined or empty value for param {param}, must be a defined"
            " non-empty value",
            "params",
            param,
        )

    if value is None:
        if allow_empty:
            return ""
        raise empty()
    if isinstance(value, str | int | float | bool):
        text = str(value)
    elif isinstance(value, dict | list):
        if not allow_empty and not value:
            raise empty()
        return _json(value)
    else:
        raise fail(f'"{fn}" params must be strings, numbers, list or map.', "params", param)
    if not allow_empty and not text:
        raise empty()
    return text


def _vstrict_replacement(value: Any, param: str, fn: str) -> str:
    return _json_replacement(value, param, fn, allow_empty=False)


def str_replace_scalar(ev: Evaluator, raw: Any) -> Any:
    template, params = _replace_args(ev, raw, "str_replace")
    return replace_text(template, params, "str_replace", _scalar_replacement, False)


def str_replace_json(ev: Evaluator, raw: Any) -> Any:
    template, params = _replace_args(ev, raw, "str_replace")
    return replace_text(template, params, "str_replace", _json_replacement, False)


def str_replace_strict(ev: Evaluator, raw: Any) -> Any:
    template, params = _replace_args(ev, raw, "str_replace_strict")
    return replace_text(template, params, "str_replace_strict", _json_replacement, True)


def str_replace_vstrict(ev: Evaluator, raw: Any) -> Any:
    template, params = _replace_args(ev, raw, "str_replace_vstrict")
    return replace_text(template, params, "str_replace_vstrict", _vstrict_replacement, True)


def join_strings(ev: Evaluator, raw: Any, fn: str) -> str:
    """list_join variant 1 (and Fn::Join): exactly [delimiter, list of strings]."""
    example = f'"{fn}" : [ " ", [ "str1", "str2"]]'
    if not isinstance(raw, list) or len(raw) != 2:
        raise fail(f'Incorrect arguments to "{fn}" should be: {example}')
    strings = ev.value(raw[1], 1)
    if strings is None:
        strings = []
    if not isinstance(strings, list):
        raise fail(f'"{fn}" must operate on a list', 1)
    delim = ev.value(raw[0], 0)
    if not isinstance(delim, str):
        raise fail(f'"{fn}" delimiter must be a string', 0)
    out = []
    for item in strings:
        if item is None:
            item = ""
        elif not isinstance(item, str):
            raise fail(f"Items to join must be strings not {item!r:.200}", 1)
        out.append(item)
    return delim.join(out)


def list_join_single(ev: Evaluator, raw: Any) -> Any:
    return join_strings(ev, raw, "list_join")


def list_join_multiple(ev: Evaluator, raw: Any) -> Any:
    """list_join variant N: [delimiter, list, list...]; maps and lists JSON-encoded."""
    example = '"list_join" : [ " ", [ "str1", "str2"] ...]'
    if not isinstance(raw, list) or len(raw) < 2:
        raise fail(f'Incorrect arguments to "list_join" should be: {example}')
    lists = [ev.value(item, index) for index, item in enumerate(raw[1:], start=1)]
    strings: list[Any] = []
    for index, item in enumerate(lists, start=1):
        if item:
            if not isinstance(item, list):
                raise fail('"list_join" must operate on a list', index)
            strings += item
    delim = ev.value(raw[0], 0)
    if not isinstance(delim, str):
        raise fail('"list_join" delimiter must be a string', 0)
    out = []
    for item in strings:
        if item is None:
            out.append("")
        elif isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict | list):
            out.append(_json(item))
        else:
            raise fail(f"Items to join must be string, map or list not {item!r:.200}")
    return delim.join(out)


def str_split(ev: Evaluator, raw: Any) -> Any:
    example = '"str_split" : [ ",", "apples,pears", <index>]'
    if not isinstance(raw, list):
        raise fail(f'Incorrect arguments to "str_split" should be: {example}')
    args = ev.value(raw)
    if len(args) < 2:
        raise fail(f'Incorrect arguments to "str_split" should be: {example}')
    delim, text = args[0], args[1]
    if text is None:
        return None
    if not isinstance(text, str):
        raise fail('"str_split" can only split a string', 1)
    if delim is not None and not isinstance(delim, str):
        raise fail('"str_split" delimiter must be a string or null', 0)
    if delim == "":
        raise fail('"str_split" delimiter must not be empty', 0)
    parts = text.split(delim)
    if len(args) == 2:
        return parts
    try:
        index = int(args[2])
    except (ValueError, TypeError):
        raise fail(f'Incorrect index to "str_split" should be: {example}', 2) from None
    try:
        return parts[index]
    except IndexError:
        raise fail(
            f'Incorrect index to "str_split" should be between 0 and {len(parts) - 1}', 2
        ) from None


def digest(ev: Evaluator, raw: Any) -> Any:
    args = ev.value(raw)
    if not (isinstance(args, list) and all(isinstance(a, str) for a in args)):
        raise fail('Argument to function "digest" must be a list of strings')
    if len(args) != 2:
        raise fail('Function "digest" usage: ["<algorithm>", "<value>"]')
    algorithm, value = args
    if algorithm.lower() not in hashlib.algorithms_available:
        raise fail(f"Algorithm must be one of {sorted(hashlib.algorithms_available)}", 0)
    try:
        data = value.encode("latin-1")
    except UnicodeEncodeError:
        raise fail('"digest" can only hash latin-1 text (a character is outside it)', 1) from None
    hasher = hashlib.new(algorithm)
    hasher.update(data)
    try:
        return hasher.hexdigest()
    except TypeError:  # shake_* need a length; Heat fails there too
        raise fail(f'"digest" cannot use the variable-length algorithm {algorithm}', 0) from None
