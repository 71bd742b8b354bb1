"""CloudFormation functions (AWSTemplateFormatVersion 2010-09-09, HeatTemplateFormatVersion
2012-12-12, and the ones HOT 2013-05-23 still accepts), with Heat 27's semantics
(/work/shared/reference/heat.md, section c): Fn::Base64 does not encode, Fn::Select out of
range gives "", Fn::GetAZs gives ['nova'] without a cloud.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

from heatctl.dsl.functions.core import Evaluator, Unresolved, fail
from heatctl.dsl.functions.hot import (
    _attribute,
    _scalar_replacement,
    facade_value,
    join_strings,
    parameter_value,
    replace_text,
    resource_reference,
)


def _is_parameter(ev: Evaluator, name: Any) -> bool:
    if not isinstance(name, str):
        return False
    return name in ev.scope.parameters or name in ev.scope.version.pseudo_parameters


def ref(ev: Evaluator, raw: Any) -> Any:
    """Ref: the resource of that name if there is one, otherwise the parameter (Heat)."""
    name = ev.value(raw)
    resources = ev.scope.resources
    if resources is not None and isinstance(name, str) and resources.has_resource(name):
        return resource_reference(ev, name, "Ref")
    if _is_parameter(ev, name):
        return parameter_value(ev, name, "Ref")
    if resources is None:
        ev.unresolved()  # may be a resource: known once resources are
    raise fail(f'The specified reference "{name}" (in unknown) is incorrect.')


def param_ref(ev: Evaluator, raw: Any) -> Any:
    """Ref in a condition: parameters only."""
    name = ev.value(raw)
    if not _is_parameter(ev, name):
        raise fail(f'The specified reference "{name}" (in unknown) is incorrect.')
    return parameter_value(ev, name, "Ref")


def get_att(ev: Evaluator, raw: Any) -> Any:
    if not isinstance(raw, list) or len(raw) != 2:
        raise fail('Arguments to "Fn::GetAtt" must be of the form [resource_name, attribute]')
    name, attr = ev.value(raw[0], 0), ev.value(raw[1], 1)
    return _attribute(ev, name, attr, [], "Fn::GetAtt")


def select(ev: Evaluator, raw: Any) -> Any:
    if not isinstance(raw, list) or len(raw) != 2:
        raise fail('Arguments to "Fn::Select" must be of the form [index, collection]')
    index, collection = ev.value(raw[0], 0), ev.value(raw[1], 1)
    if collection == "":
        return ""  # Heat: "" is what other functions give before their result exists
    if isinstance(collection, str):
        try:
            collection = json.loads(collection)
        except ValueError as exc:
            raise fail(f'"Fn::Select": {exc}', 1) from None
    if isinstance(collection, dict):
        if not isinstance(index, str):
            raise fail('Index to "Fn::Select" must be a string', 0)
        return collection.get(index, "")
    with contextlib.suppress(ValueError, TypeError):
        index = int(index)
    if isinstance(collection, list):
        if not isinstance(index, int):
            raise fail('Index to "Fn::Select" must be an integer', 0)
        try:
            return collection[index]
        except IndexError:
            return ""
    if collection is None:
        return ""
    raise fail("Arguments to Fn::Select not fully resolved", 1)


def join(ev: Evaluator, raw: Any) -> Any:
    return join_strings(ev, raw, "Fn::Join")


def split(ev: Evaluator, raw: Any) -> Any:
    example = '"Fn::Split" : [ ",", "str1,str2"]]'
    if not isinstance(raw, list) or len(raw) != 2:
        raise fail(f'Incorrect arguments to "Fn::Split" should be: {example}')
    delimiter = raw[0]  # Heat does not resolve the delimiter
    text = ev.value(raw[1], 1)
    if not isinstance(delimiter, str):
        raise fail("Delimiter for Fn::Split must be string", 0)
    if not isinstance(text, str):
        raise fail(f"String to split must be string; got {type(text).__name__}", 1)
    if delimiter == "":
        raise fail("Delimiter for Fn::Split must not be empty", 0)
    return text.split(delimiter)


def replace(ev: Evaluator, raw: Any) -> Any:
    example = '{"Fn::Replace": [ {"$var1": "foo", "%var2%": "bar"}, "$var1 is %var2%"]}'
    if not isinstance(raw, list) or len(raw) != 2:
        raise fail(f'Incorrect arguments to "Fn::Replace" should be: {example}')
    mapping, template = ev.value(raw[0], 0), ev.value(raw[1], 1)
    if not isinstance(mapping, dict):
        raise fail('"Fn::Replace" parameters must be a mapping', 0)
    return replace_text(template, mapping, "Fn::Replace", _scalar_replacement, False)


def base64(ev: Evaluator, raw: Any) -> Any:
    value = ev.value(raw)
    if not isinstance(value, str):
        raise fail('"Fn::Base64" argument must be a string')
    return value  # Heat returns the string unchanged


def get_azs(ev: Evaluator, raw: Any) -> Any:
    zones = ev.scope.availability_zones
    return list(zones) if zones is not None else ["nova"]


def find_in_map(ev: Evaluator, raw: Any) -> Any:
    if not isinstance(raw, list) or len(raw) != 3:
        raise fail('Arguments to "Fn::FindInMap" must be of the form [map_name, key, value]')
    map_name, key, value = (ev.value(raw[i], i) for i in range(3))
    mappings = ev.scope.mappings
    if isinstance(mappings, Unresolved):
        ev.unresolved()
    try:
        mapping = mappings[map_name]
    except (KeyError, TypeError):
        raise fail(f'"Fn::FindInMap": there is no mapping "{map_name}" in Mappings', 0) from None
    try:
        return mapping[key][value]
    except (KeyError, TypeError, IndexError):
        raise fail(
            f'"Fn::FindInMap": mapping "{map_name}" has no entry [{key}][{value}]', 1
        ) from None


_MEMBER = re.compile(r"\.member\.([0-9]+)\.(.*)")


def member_list_to_map(ev: Evaluator, raw: Any) -> Any:
    usage = (
        "Wrong Arguments try: \"{'Fn::MemberListToMap': ['Name', 'Value',"
        " ['.member.0.Name=key', '.member.0.Value=door']]}\""
    )
    if not isinstance(raw, list) or len(raw) != 3:
        raise fail(usage)
    key_name, value_name = raw[0], raw[1]
    if not isinstance(key_name, str):
        raise fail("Fn::MemberListToMap Key Name must be a string", 0)
    if not isinstance(value_name, str):
        raise fail("Fn::MemberListToMap Value Name must be a string", 1)
    members = ev.value(raw[2], 2)
    if isinstance(members, str | dict):
        members = list(members)  # Heat iterates any iterable ("" and {} give {})
    if not isinstance(members, list):
        raise fail("Member list must be a list", 2)
    pairs: dict[str, str] = {}
    for item in members:
        if not isinstance(item, str):
            raise fail("Member list items must be strings", 2)
        if "=" not in item:
            raise fail(f"Member list item {item!r} has no '='", 2)
        name, value = item.split("=", 1)
        pairs[name] = value
    groups: dict[int, dict[str, str]] = {}
    for name, value in pairs.items():
        match = _MEMBER.match(name)
        if match:
            groups.setdefault(int(match.group(1)), {})[match.group(2)] = value
    return {
        group[key_name]: group[value_name]
        for _, group in sorted(groups.items())
        if key_name in group and value_name in group
    }


def resource_facade(ev: Evaluator, raw: Any) -> Any:
    return facade_value(
        ev, raw, "Fn::ResourceFacade", ("Metadata", "DeletionPolicy", "UpdatePolicy")
    )
