"""CloudFormation intrinsic functions -> HOT functions.

`ValueTranslator.value` turns any CFN value (a property, metadata, an output) into HOT;
`ValueTranslator.condition` does the same for a condition (where only parameter references,
mapping lookups and the boolean functions are allowed, as in Heat).

Encodings chosen where HOT has no direct equivalent (see docs/translate-cfn.md):
- `Fn::FindInMap` with constant keys is replaced by the value. With a key that is only
  known at run time, the mapping becomes a json parameter whose default is the mapping,
  read with the path form `get_param: [Mapping, key1, key2]` (a missing key gives "").
- `Fn::Select` with constant arguments is folded; on a list parameter it becomes the path
  form `get_param: [param, index]` (out of range gives "", as Fn::Select did); on a
  `Fn::Split` it becomes the 3-argument `str_split`; otherwise a `yaql` expression.
- `Fn::GetAZs` reads a generated comma_delimited_list parameter `availability_zones`
  (default "nova", which is what Heat returns without a compute zone list).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from heatctl.translate.cfn.attributes import known_attributes, translated_attribute, translated_ref
from heatctl.translate.cfn.context import CfnContext, SourcePath

HOT_FUNCTIONS = frozenset(
    {
        "get_param", "get_resource", "get_attr", "get_file", "list_join", "str_split",
        "str_replace", "yaql", "if", "resource_facade", "equals", "not", "and", "or",
    }
)  # fmt: skip
UNSUPPORTED = {
    "Fn::Sub": "Heat has no Fn::Sub; write it as Fn::Join or Fn::Replace",
    "Fn::ImportValue": "Heat has no cross-stack exports",
    "Fn::Cidr": "Heat has no Fn::Cidr",
    "Fn::Transform": "Heat runs no CloudFormation macros",
    "Fn::Length": "Heat has no Fn::Length",
    "Fn::ToJsonString": "Heat has no Fn::ToJsonString",
}
BOOLEAN_FUNCTIONS = frozenset({"Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or"})
CONDITION_VALUES = frozenset({"Ref", "Fn::FindInMap"})
"""The value functions Heat allows inside a condition (besides the boolean ones)."""
REGION = "ap-southeast-1"
"""The value Heat always gives AWS::Region (a hard-coded default nobody can override)."""

_SELECT_LIST = "$.data.list.skip(int($.data.index)).first('')"
_SELECT_MAP = "$.data.map.get($.data.key, '')"
_MEMBER_LIST_TO_MAP = (
    "let(pairs => $.data.members.select($.split('=', 1)).where($.len() = 2).toDict($[0], $[1]),"
    " key => '.' + $.data.key, value => '.' + $.data.value)"
    " -> $pairs.keys().where($.matches('^\\.member\\.[0-9]+\\.') and $.endsWith($key))"
    ".select([$, $.substring(0, $.len() - $key.len()) + $value])"
    ".where($pairs.containsKey($[1])).toDict($pairs.get($[0]), $pairs.get($[1]))"
)
_MEMBER = re.compile(r"\.member\.([0-9]+)\.(.*)")
_FACADE = {
    "Metadata": "metadata",
    "DeletionPolicy": "deletion_policy",
    "UpdatePolicy": "update_policy",
}


def is_constant(value: Any) -> bool:
    """True when a translated value contains no HOT function call."""
    if isinstance(value, Mapping):
        if len(value) == 1 and next(iter(value)) in HOT_FUNCTIONS:
            return False
        return all(is_constant(v) for v in value.values())
    if isinstance(value, list):
        return all(is_constant(v) for v in value)
    return True


def plain(value: Any) -> Any:
    """A copy of a source value made of plain dicts and lists."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def select_constant(index: Any, collection: Any) -> Any:
    """Fn::Select on known values, with Heat's rules (JSON strings parsed, misses give "")."""
    if collection in ("", None):
        return ""
    if isinstance(collection, str):
        collection = json.loads(collection)
    if isinstance(collection, Mapping):
        return collection.get(index, "") if isinstance(index, str) else None
    try:
        return collection[int(index)]
    except IndexError:
        return ""


class ValueTranslator:
    """Translates CFN values of one document to HOT, reporting into its context."""

    def __init__(self, ctx: CfnContext) -> None:
        self.ctx = ctx
        self.handlers: dict[str, Callable[[Any, SourcePath, bool], Any]] = {
            "Ref": self.ref,
            "Fn::GetAtt": self.get_att,
            "Fn::Join": self.join,
            "Fn::Select": self.select,
            "Fn::Split": self.split,
            "Fn::Replace": self.replace,
            "Fn::Base64": self.base64,
            "Fn::GetAZs": self.get_azs,
            "Fn::FindInMap": self.find_in_map,
            "Fn::MemberListToMap": self.member_list_to_map,
            "Fn::ResourceFacade": self.resource_facade,
            "Fn::If": self.if_,
        }

    # -- entry points -------------------------------------------------------------------

    def value(self, node: Any, path: SourcePath, in_condition: bool = False) -> Any:
        """The HOT form of a CFN value found at `path` in the source."""
        if isinstance(node, Mapping):
            if len(node) == 1:
                key, arg = next(iter(node.items()))
                handler = self.handlers.get(key)
                if handler is not None and in_condition and key not in CONDITION_VALUES:
                    self.ctx.error((*path, key), f"{key} is not allowed in a condition (only"
                                   " Ref of a parameter and Fn::FindInMap are)")  # fmt: skip
                    return None
                if handler is not None:
                    return handler(arg, (*path, key), in_condition)
                if key in UNSUPPORTED:
                    self.ctx.error((*path, key), UNSUPPORTED[key])
                    return None
                if key in BOOLEAN_FUNCTIONS:
                    self.ctx.note("untranslated", (*path, key), f"{key} outside Conditions is"
                                  " plain data in Heat; kept as data")  # fmt: skip
            return {k: self.value(v, (*path, k), in_condition) for k, v in node.items()}
        if isinstance(node, list):
            return [self.value(v, (*path, i), in_condition) for i, v in enumerate(node)]
        return node

    def condition(self, node: Any, path: SourcePath) -> Any:
        """The HOT form of a condition: a bool, a condition name, or a condition function."""
        if isinstance(node, bool):
            return node
        if isinstance(node, str):
            return self.condition_name(node, path)
        if isinstance(node, Mapping) and len(node) == 1:
            key, arg = next(iter(node.items()))
            where = (*path, key)
            if key == "Condition":
                return self.condition_name(arg, where)
            if key == "Fn::Equals":
                return {"equals": self.arguments(arg, where, 2, in_condition=True)}
            if key == "Fn::Not":
                args = arg if isinstance(arg, list) else [arg]
                if len(args) != 1:
                    self.ctx.error(where, "Fn::Not takes a list of exactly one condition")
                    return None
                return {"not": self.condition(args[0], (*where, 0))}
            if key in ("Fn::And", "Fn::Or"):
                if not isinstance(arg, list) or len(arg) < 2:
                    self.ctx.error(where, f"{key} takes a list of at least 2 conditions")
                    return None
                items = [self.condition(c, (*where, i)) for i, c in enumerate(arg)]
                return {"and" if key == "Fn::And" else "or": items}
            if key in ("Ref", "Fn::FindInMap"):
                return self.value(node, path, in_condition=True)
        self.ctx.error(path, "a condition must be a boolean, a condition name or one of"
                       " Fn::Equals, Fn::Not, Fn::And, Fn::Or")  # fmt: skip
        return None

    def condition_name(self, name: Any, path: SourcePath) -> Any:
        """A reference to a condition declared in the Conditions section."""
        if not isinstance(name, str) or name not in self.ctx.conditions:
            self.ctx.unknown_name(path, "condition", name, list(self.ctx.conditions))
            return None
        return name

    def arguments(
        self, arg: Any, path: SourcePath, count: int, *, in_condition: bool = False
    ) -> list[Any]:
        """Translate a function's argument list, which must have exactly `count` items."""
        function = path[-1]
        if not isinstance(arg, list) or len(arg) != count:
            self.ctx.error(path, f"{function} takes a list of {count} arguments")
            return [None] * count
        return [self.value(a, (*path, i), in_condition) for i, a in enumerate(arg)]

    # -- Ref and Fn::GetAtt --------------------------------------------------------------

    def ref(self, name: Any, path: SourcePath, in_condition: bool) -> Any:
        """Ref: a resource (get_resource or its translated equivalent), a parameter, or a
        pseudo parameter. As in Heat, a resource wins over a parameter of the same name."""
        ctx = self.ctx
        if not isinstance(name, str):
            ctx.error(path, "Ref takes the name of a parameter or resource")
            return None
        if name in ctx.resources and not in_condition:
            return self.resource_ref(name, path)
        if name in ctx.parameters:
            return {"get_param": name}
        if name == "AWS::StackName":
            return {"get_param": "OS::stack_name"}
        if name == "AWS::StackId":
            ctx.note("approximate", path, "AWS::StackId became OS::stack_id: Heat gave an ARN"
                     " (arn:openstack:heat::<project>:stacks/<name>/<id>), HOT gives the uuid")  # fmt: skip
            return {"get_param": "OS::stack_id"}
        if name == "AWS::Region":
            ctx.note("approximate", path, f"AWS::Region became the constant '{REGION}', the"
                     " value Heat always gives it; HOT has no region value (OS::region is unset)")  # fmt: skip
            return REGION
        if name.startswith("AWS::"):
            ctx.error(path, f"Heat does not support the pseudo parameter {name}")
            return None
        known = list(ctx.parameters) + ([] if in_condition else list(ctx.resources))
        what = "parameter" if in_condition else "parameter or resource"
        ctx.unknown_name(path, what, name, known)
        return None

    def resource_ref(self, name: str, path: SourcePath) -> Any:
        """The HOT expression for the reference id of resource `name`."""
        source = self.ctx.resource_type(name) or ""
        target = self.ctx.target_types.get(name)
        if target is None:
            self.ctx.error(path, f"resource '{name}' has no equivalent in the translation")
            return None
        return translated_ref(source, name) if target != source else {"get_resource": name}

    def get_att(self, arg: Any, path: SourcePath, in_condition: bool) -> Any:
        """Fn::GetAtt [resource, attribute] -> get_attr, with the attribute name mapped."""
        ctx = self.ctx
        if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[0], str):
            ctx.error(path, "Fn::GetAtt takes [resource_name, attribute]")
            return None
        name, attribute = arg[0], self.value(arg[1], (*path, 1))
        if in_condition or name not in ctx.resources:
            ctx.unknown_name((*path, 0), "resource", name, list(ctx.resources))
            return None
        source = ctx.resource_type(name) or ""
        target = ctx.target_types.get(name)
        if target is None:
            ctx.error(path, f"resource '{name}' has no equivalent in the translation")
            return None
        if target == source or not isinstance(attribute, str):
            return {"get_attr": [name, attribute]}
        result = translated_attribute(source, name, attribute)
        if result is None:
            known = ", ".join(known_attributes(source)) or "none"
            ctx.error((*path, 1), f"{source} has no attribute '{attribute}' (known: {known})")
        return result

    # -- string and list functions ------------------------------------------------------

    def join(self, arg: Any, path: SourcePath, in_condition: bool) -> Any:
        """Fn::Join [delimiter, list] -> list_join [delimiter, list]."""
        delimiter, items = self.arguments(arg, path, 2)
        return {"list_join": [delimiter, items]}

    def split(self, arg: Any, path: SourcePath, in_condition: bool) -> Any:
        """Fn::Split [delimiter, string] -> str_split [delimiter, string]."""
        delimiter, text = self.arguments(arg, path, 2)
        return {"str_split": [delimiter, text]}

    def replace(self, arg: Any, path: SourcePath, in_condition: bool) -> Any:
        """Fn::Replace [params, template] -> str_replace {template, params} (order swapped)."""
        params, template = self.arguments(arg, path, 2)
        return {"str_replace": {"template": template, "params": params}}

    def base64(self, arg: Any, path: SourcePath, in_condition: bool) -> Any:
        """Fn::Base64 x -> x: Heat's Fn::Base64 returns its input unchanged."""
        self.ctx.note("approximate", path, "Fn::Base64 was dropped: Heat's Fn::Base64 returns"
                      " its input unchanged (no encoding), and so does the translation")  # fmt: skip
        return self.value(arg, path)

    def select(self, arg: Any, path: SourcePath, in_condition: bool) -> Any:
        """Fn::Select [index, collection] -> folded value, get_param path, str_split or yaql."""
        index, collection = self.arguments(arg, path, 2)
        if is_constant(index) and is_constant(collection):
            try:
                return select_constant(index, collection)
            except (TypeError, ValueError) as exc:
                self.ctx.error(path, f"Fn::Select cannot select {index!r}: {exc}")
                return None
        if is_constant(index) and isinstance(collection, Mapping) and len(collection) == 1:
            shortcut = self._select_shortcut(index, collection, path)
            if shortcut is not None:
                return shortcut
        self.ctx.note("info", path, "Fn::Select became a yaql expression (HOT has no select)")
        if isinstance(collection, Mapping) and is_constant(collection):
            return {"yaql": {"expression": _SELECT_MAP, "data": {"map": collection, "key": index}}}
        return {"yaql": {"expression": _SELECT_LIST, "data": {"list": collection, "index": index}}}

    def _select_shortcut(self, index: Any, call: Mapping[str, Any], path: SourcePath) -> Any:
        """get_param/str_split forms of Fn::Select with a constant index, or None."""
        (function, args), = call.items()  # fmt: skip
        try:
            position = int(index)
        except (TypeError, ValueError):
            return None
        if function == "get_param":
            steps = args if isinstance(args, list) else [args]
            return {"get_param": [*steps, position]}
        if function == "str_split" and isinstance(args, list) and len(args) == 2:
            self.ctx.note("approximate", path, "Fn::Select of Fn::Split became str_split with"
                          " an index: an index out of range is an error instead of ''")  # fmt: skip
            return {"str_split": [*args, position]}
        return None

    def get_azs(self, arg: Any, path: SourcePath, in_condition: bool) -> Any:
        """Fn::GetAZs -> get_param of a generated `availability_zones` list parameter."""
        name = self.ctx.add_parameter(
            "availability_zones",
            {
                "type": "comma_delimited_list",
                "default": "nova",
                "description": "Availability zones (Fn::GetAZs in the CloudFormation source)",
            },
        )
        self.ctx.note("approximate", path, f"Fn::GetAZs became the parameter '{name}' (default"
                      " 'nova'): HOT has no function listing the compute availability zones")  # fmt: skip
        return {"get_param": name}

    # -- mappings, member lists, facade, if ---------------------------------------------

    def find_in_map(self, arg: Any, path: SourcePath, in_condition: bool) -> Any:
        """Fn::FindInMap [map, key, key] -> the value, or a get_param path into the mapping."""
        ctx = self.ctx
        if not isinstance(arg, list) or len(arg) != 3:
            ctx.error(path, "Fn::FindInMap takes [map_name, top_level_key, second_level_key]")
            return None
        map_name = arg[0]
        keys = [self.value(k, (*path, i + 1), in_condition) for i, k in enumerate(arg[1:])]
        if not isinstance(map_name, str) or map_name not in ctx.mappings:
            ctx.unknown_name((*path, 0), "mapping", map_name, list(ctx.mappings))
            return None
        mapping = ctx.mappings[map_name]
        if all(is_constant(k) for k in keys):
            return self._lookup(mapping, keys, map_name, path)
        parameter = self.mapping_parameter(map_name)
        return {"get_param": [parameter, *keys]}

    def _lookup(self, mapping: Any, keys: list[Any], map_name: str, path: SourcePath) -> Any:
        value = mapping
        for number, key in enumerate(keys, start=1):
            if not isinstance(value, Mapping) or isinstance(key, list | dict) or key not in value:
                self.ctx.error((*path, number), f"mapping '{map_name}' has no key '{key}' here")
                return None
            value = value[key]
        return plain(value)

    def mapping_parameter(self, map_name: str) -> str:
        """The json parameter holding mapping `map_name` (created on first use)."""
        ctx = self.ctx
        if map_name not in ctx.mapping_parameters:
            final = ctx.add_parameter(
                map_name,
                {
                    "type": "json",
                    "default": plain(ctx.mappings[map_name]),
                    "description": f"Mappings.{map_name} of the CloudFormation source",
                },
                origin=f"Mappings.{map_name}",
            )
            ctx.mapping_parameters[map_name] = final
            ctx.note("info", ("Mappings", map_name), f"the mapping became the json parameter"
                     f" '{final}', read with get_param paths where a key is a parameter")  # fmt: skip
        return ctx.mapping_parameters[map_name]

    def member_list_to_map(self, arg: Any, path: SourcePath, in_condition: bool) -> Any:
        """Fn::MemberListToMap [key_name, value_name, members] -> a map (folded or yaql)."""
        key_name, value_name, members = self.arguments(arg, path, 3)
        if not isinstance(key_name, str) or not isinstance(value_name, str):
            self.ctx.error(path, "Fn::MemberListToMap key and value names must be strings")
            return None
        if is_constant(members) and isinstance(members, list):
            return member_list_constant(key_name, value_name, members)
        self.ctx.note("info", path, "Fn::MemberListToMap became a yaql expression")
        data = {"key": key_name, "value": value_name, "members": members}
        return {"yaql": {"expression": _MEMBER_LIST_TO_MAP, "data": data}}

    def resource_facade(self, arg: Any, path: SourcePath, in_condition: bool) -> Any:
        """Fn::ResourceFacade Metadata|DeletionPolicy|UpdatePolicy -> resource_facade."""
        if not isinstance(arg, str) or arg not in _FACADE:
            self.ctx.error(path, f"Fn::ResourceFacade takes one of {', '.join(_FACADE)}")
            return None
        return {"resource_facade": _FACADE[arg]}

    def if_(self, arg: Any, path: SourcePath, in_condition: bool) -> Any:
        """Fn::If [condition, if_true, if_false] -> if."""
        if not isinstance(arg, list) or len(arg) != 3:
            self.ctx.error(path, "Fn::If takes [condition_name, value_if_true, value_if_false]")
            return None
        condition = self.condition_name(arg[0], (*path, 0))
        values = [self.value(v, (*path, i), in_condition) for i, v in ((1, arg[1]), (2, arg[2]))]
        return {"if": [condition, *values]}


def member_list_constant(key_name: str, value_name: str, members: list[Any]) -> dict[str, Any]:
    """Fn::MemberListToMap on known strings, as Heat's extract_param_pairs reads them:
    `.member.N.<key_name>=k` and `.member.N.<value_name>=v` give {k: v}."""
    entries: dict[int, dict[str, Any]] = {}
    for member in members:
        name, _, value = str(member).partition("=")
        match = _MEMBER.match(name)
        if match:
            entries.setdefault(int(match.group(1)), {})[match.group(2)] = value
    return {
        entry[key_name]: entry[value_name]
        for _, entry in sorted(entries.items())
        if key_name in entry and value_name in entry
    }
