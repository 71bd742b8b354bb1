"""Random, mostly well-shaped function calls and conditions sections, for the differential
test against Heat's own implementation (tests/dsl/test_functions_heat_differential.py)."""

from __future__ import annotations

import random
from typing import Any

WORDS = ["a", "b", "ab", "%x%", "$v", "", ",", " ", "a,b,c", "x y", "1", "-1", "0", "é", "k"]
HOT_PURE = [
    "str_replace", "str_replace_strict", "str_replace_vstrict", "list_join", "repeat", "digest",
    "str_split", "map_merge", "map_replace", "filter", "list_concat", "list_concat_unique",
    "contains", "make_url", "yaql",
]  # fmt: skip
CFN_PURE = [
    "Fn::Select",
    "Fn::Join",
    "Fn::Split",
    "Fn::Replace",
    "Fn::Base64",
    "Fn::MemberListToMap",
]
PARAMS = {"p": "x", "q": 3, "f": True, "l": ["x", "y"], "m": {"a": {"b": [1, 2]}, "1": "one"}}


class CallGenerator:
    """Random calls of the given function names, nested now and then."""

    def __init__(self, names: list[str], seed: int) -> None:
        self.names = names
        self.r = random.Random(seed)

    def scalar(self) -> Any:
        return self.r.choice([None, True, False, 0, 1, -1, 2, 1.5, *WORDS, *WORDS])

    def value(self, depth: int = 0) -> Any:
        roll = self.r.random()
        if depth > 2 or roll < 0.5:
            return self.scalar()
        if roll < 0.7:
            return [self.value(depth + 1) for _ in range(self.r.randint(0, 3))]
        if roll < 0.85:
            return {
                self.r.choice(WORDS): self.value(depth + 1) for _ in range(self.r.randint(0, 3))
            }
        return self.call(depth + 1)

    def strings(self, depth: int) -> list[Any]:
        r = self.r
        return [
            r.choice(WORDS) if r.random() < 0.8 else self.value(depth + 1)
            for _ in range(r.randint(0, 4))
        ]

    def maybe(self, value: Any, depth: int) -> Any:
        return value if self.r.random() < 0.85 else self.value(depth)

    def call(self, depth: int = 0) -> dict[str, Any]:
        r, m = self.r, self.maybe
        name = r.choice(self.names)
        args: Any
        if name.startswith("str_replace"):
            params = {r.choice(WORDS): self.value(depth + 1) for _ in range(r.randint(0, 3))}
            args = {
                "template": m(r.choice(WORDS) + " $v %x% ab", depth),
                "params": m(params, depth),
            }
        elif name in ("list_join", "Fn::Join"):
            args = [m(r.choice([",", "-", ""]), depth)]
            args += [m(self.strings(depth), depth) for _ in range(r.randint(0, 3))]
        elif name == "repeat":
            for_each = {
                r.choice(["%x%", "$v", "a"]): m(self.strings(depth), depth)
                for _ in range(r.randint(0, 2))
            }
            template = r.choice(["%x%-$v", {"k%x%": "%x%", "z": [1, "$v"]}, ["a", "%x%"]])
            args = {"for_each": m(for_each, depth), "template": m(template, depth)}
            if r.random() < 0.4:
                args["permutations"] = r.choice([True, False, "no"])
        elif name == "digest":
            args = [
                m(r.choice(["sha256", "md5", "SHA1", "nope"]), depth),
                m(r.choice(WORDS), depth),
            ]
        elif name in ("str_split", "Fn::Split"):
            args = [m(r.choice([",", " ", None, ""]), depth), m(r.choice(WORDS), depth)]
            if name == "str_split" and r.random() < 0.6:
                args.append(r.choice([0, 1, -1, "1", "x", 5]))
        elif name == "map_merge":
            args = m(
                [
                    m({r.choice(WORDS): self.value(depth + 1)}, depth)
                    for _ in range(r.randint(0, 3))
                ],
                depth,
            )
        elif name == "map_replace":
            replacements = {
                "keys": {r.choice(WORDS): r.choice(WORDS)},
                "values": {r.choice(WORDS): self.value(depth + 1)},
            }
            args = [
                m({r.choice(WORDS): r.choice(WORDS) for _ in range(3)}, depth),
                m(replacements, depth),
            ]
        elif name == "filter":
            args = [m(self.strings(depth), depth), m(self.strings(depth), depth)]
        elif name.startswith("list_concat"):
            args = m([m(self.strings(depth), depth) for _ in range(r.randint(0, 3))], depth)
        elif name == "contains":
            args = [
                m(r.choice(WORDS), depth),
                m(r.choice([self.strings(depth), "abc", {"a": 1}, None]), depth),
            ]
        elif name == "make_url":
            args = {}
            for key in r.sample(
                ["scheme", "username", "password", "host", "port", "path", "query", "fragment"],
                r.randint(0, 5),
            ):
                special = {
                    "port": r.choice([80, "443", 0, "x", 70000]),
                    "query": {"q": "a/b", "n": "1 2"},
                    "host": r.choice(["h", "::1", "[fd00::1]", "a b"]),
                }
                args[key] = m(special.get(key, r.choice([*WORDS, "u@x", "p/w"])), depth)
        elif name == "yaql":
            expression = r.choice(["$.data.a.sum()", "$.data", "1 +", "len($.data)", "$.data.a[0]"])
            args = {"expression": m(expression, depth), "data": m({"a": [1, 2, 3]}, depth)}
        elif name == "Fn::Select":
            collection = r.choice([["a", "b"], {"a": "v"}, "", None, '["a","b"]', "zz"])
            args = [m(r.choice([0, 1, "1", -1, 5, "a", "x"]), depth), m(collection, depth)]
        elif name == "Fn::Replace":
            args = [
                m({r.choice(WORDS): self.value(depth + 1)}, depth),
                m(r.choice(WORDS) + " $v", depth),
            ]
        elif name == "Fn::Base64":
            args = m(r.choice(WORDS), depth)
        else:  # Fn::MemberListToMap
            members = [
                ".member.0.Name=k",
                ".member.0.Value=v",
                r.choice(["x", ".member.1.Value=w=1"]),
            ]
            args = [m("Name", depth), m("Value", depth), m(members, depth)]
        if r.random() < 0.05:
            args = self.value(depth)
        return {name: args}

    def get_param(self) -> dict[str, Any]:
        steps = [0, 1, -1, "0", "1", "a", "b", "x", 1.5, None, True, [0], {"a": 1}]
        name = self.r.choice([*PARAMS, "nope", 5])
        if self.r.random() < 0.2:
            return {"get_param": name}
        return {"get_param": [name, *(self.r.choice(steps) for _ in range(self.r.randint(0, 3)))]}


class ConditionGenerator:
    """Random conditions sections (names a-d) and values using `if` over them."""

    NAMES = ("a", "b", "c", "d")

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def operand(self, depth: int) -> Any:
        roll = self.r.random()
        if roll < 0.35:
            return self.r.choice([*self.NAMES, *(["zz"] if self.r.random() < 0.1 else [])])
        if roll < 0.5:
            return self.r.choice([True, False])
        if roll < 0.55:
            return self.r.choice([None, 1, "true", []])
        return self.condition(depth + 1)

    def condition(self, depth: int = 0) -> Any:
        r = self.r
        roll = r.random()
        if depth > 2 or roll < 0.3:
            left = r.choice([{"get_param": r.choice([*PARAMS, "nope"])}, "x", 3, True])
            return {"equals": [left, r.choice(["x", 3, True, ["x", "y"]])]}
        if roll < 0.45:
            return {"not": self.operand(depth)}
        if roll < 0.75:
            count = r.randint(2, 3) if r.random() < 0.9 else 1
            return {r.choice(["and", "or"]): [self.operand(depth) for _ in range(count)]}
        if roll < 0.8:
            return {
                "contains": [r.choice(["x", "z"]), r.choice([{"get_param": "l"}, "xyz", ["x"]])]
            }
        if roll < 0.85:
            return {"get_param": r.choice(["f", "p"])}
        if roll < 0.9:
            return r.choice(
                [
                    True,
                    False,
                    "a",
                    "true",
                    None,
                    {"get_attr": ["r", "x"]},
                    {"if": ["a", True, False]},
                ]
            )
        return {
            "yaql": {
                "expression": r.choice(["$.data.x > 1", "true", "1"]),
                "data": {"x": r.choice([1, 2])},
            }
        }

    def case(self) -> tuple[dict[str, Any], dict[str, Any]]:
        r = self.r
        section = {name: self.condition() for name in r.sample(self.NAMES, r.randint(1, 4))}
        choices = [*self.NAMES, True, None, {"not": r.choice(self.NAMES)}]
        value = {
            "v": [
                {"if": [r.choice(choices), 1] + ([2] if r.random() < 0.5 else [])} for _ in range(2)
            ]
        }
        return section, value


RESOURCES = {
    "server": {
        "ref": "server-id",
        "attrs": {
            "name": "web",
            "networks": {"private": ["10.0.0.5", "fd00::5"]},
            "show": {"id": 1},
        },
    },
    "port": {"ref": "port-id", "attrs": {"fixed_ips": [{"ip_address": "10.0.0.7"}], "name": None}},
}


class ResourceCallGenerator:
    """Random get_resource / get_attr / Ref / Fn::GetAtt calls over RESOURCES and PARAMS."""

    def __init__(self, cfn: bool, seed: int) -> None:
        self.cfn = cfn
        self.r = random.Random(seed)

    def name(self) -> Any:
        return self.r.choice(["server", "port", "server", "nope", "p", 5, None])

    def attr(self) -> Any:
        return self.r.choice(["name", "networks", "fixed_ips", "show", "nope", 1])

    def step(self) -> Any:
        return self.r.choice(["private", 0, 1, -1, "0", "ip_address", "x", None, 1.5])

    def call(self, depth: int = 0) -> Any:
        r = self.r
        if self.cfn:
            kind = r.choice(["Ref", "Fn::GetAtt", "Fn::Join"])
            if kind == "Ref":
                return {"Ref": r.choice(["server", "port", "p", "q", "nope", "AWS::Region"])}
            if kind == "Fn::GetAtt":
                args = [self.name(), self.attr()]
                return {"Fn::GetAtt": [*args, self.step()] if r.random() < 0.1 else args}
            return {
                "Fn::Join": ["-", [self.call(depth + 1) if depth < 2 else "x" for _ in range(2)]]
            }
        kind = r.choice(["get_resource", "get_attr", "get_attr", "str_replace"])
        if kind == "get_resource":
            return {"get_resource": self.name() if r.random() < 0.9 else {"get_param": "p"}}
        if kind == "get_attr":
            if r.random() < 0.1:
                return {
                    "get_attr": r.choice([[self.name()], [], "server", [self.name(), self.attr()]])
                }
            return {
                "get_attr": [
                    self.name(),
                    self.attr(),
                    *(self.step() for _ in range(r.randint(0, 2))),
                ]
            }
        inner = self.call(depth + 1) if depth < 2 else "x"
        return {"str_replace": {"template": "v=$v", "params": {"$v": inner}}}
