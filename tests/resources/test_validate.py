"""validate_properties: Heat's type coercion, required/unknown keys, constraints, recursion."""

from __future__ import annotations

from typing import Any

import pytest

from heatctl.resources import registry
from heatctl.resources.schema import (
    Property,
    TypeSchema,
    allowed_pattern,
    allowed_values,
    boolean,
    integer,
    length,
    list_of,
    map_of,
    modulo,
    number,
    string,
    value_range,
)
from heatctl.resources.validate import (
    attribute_exists,
    unknown_attribute_message,
    unknown_type_message,
    validate_properties,
)


def _is_function(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith("get_")


def check(schema: TypeSchema, properties: Any) -> list[tuple[tuple[Any, ...], str]]:
    found: list[tuple[tuple[Any, ...], str]] = []
    validate_properties(
        schema, properties, lambda path, msg: found.append((path, msg)), is_unresolved=_is_function
    )
    return found


def schema_of(**props: Property) -> TypeSchema:
    return TypeSchema(name="Test::Type", description="test", properties=props)


def builtin(name: str) -> TypeSchema:
    cls = registry.get(name)
    assert cls is not None
    return cls.schema()


def test_a_valid_server_has_no_problems():
    props = {
        "flavor": "m1.small",
        "image": {"get_param": "image"},
        "networks": [{"port": {"get_resource": "port"}}, {"network": "private"}],
        "metadata": {"a": "b"},
        "config_drive": "true",
        "user_data_format": "RAW",
    }
    assert check(builtin("OS::Nova::Server"), props) == []


def test_unknown_property_suggests_the_close_one():
    problems = check(builtin("OS::Nova::Server"), {"flavor": "x", "flavour": "y"})
    assert problems == [(("flavour",), "unknown property 'flavour' (did you mean 'flavor'?)")]


def test_missing_required_property_is_reported_on_the_map():
    problems = check(builtin("OS::Nova::Server"), {"image": "cirros"})
    assert problems == [((), "missing required property 'flavor'")]


def test_required_with_default_is_not_missing():
    schema = schema_of(size=integer("n", required=True, default=1))
    assert check(schema, {}) == []


def test_properties_must_be_a_map():
    problems = check(builtin("OS::Heat::Value"), ["value"])
    assert problems == [((), "properties of a OS::Heat::Value must be a map, not a list")]


def test_absent_properties_still_need_required_ones():
    assert check(builtin("OS::Heat::Value"), None) == [((), "missing required property 'value'")]


def test_unresolved_values_are_skipped():
    schema = schema_of(n=integer("n", constraints=(value_range(1, 2),)), m=map_of("m"))
    assert check(schema, {"n": {"get_param": "n"}, "m": {"get_attr": ["a", "b"]}}) == []
    assert check(schema, {"get_param": "all"}) == []


@pytest.mark.parametrize(
    ("prop", "value", "ok"),
    [
        (string("s"), "text", True),
        (string("s"), 42, True),  # Heat turns integers and booleans into strings
        (string("s"), True, True),
        (string("s"), 1.5, False),  # but not floats
        (string("s"), ["a"], False),
        (string("s"), {"a": 1}, False),
        (integer("i"), 3, True),
        (integer("i"), "3", True),
        (integer("i"), "3.5", False),
        (integer("i"), "three", False),
        (integer("i"), [3], False),
        (number("n"), "2.5", True),
        (number("n"), 2.5, True),
        (number("n"), "x", False),
        (number("n"), {"a": 1}, False),
        (boolean("b"), True, True),
        (boolean("b"), "False", True),
        (boolean("b"), "yes", False),
        (boolean("b"), 1, False),
        (list_of("l"), ["a"], True),
        (list_of("l"), "a,b", False),  # a string is not a list
        (list_of("l"), {"a": 1}, False),
        (list_of("l", allow_conversion=True), "a,b", True),
        (map_of("m"), {"a": 1}, True),
        (map_of("m"), ["a"], False),
        (map_of("m"), "a", False),
        (map_of("m", allow_conversion=True), "a", True),
    ],
)
def test_type_coercion_follows_heat(prop, value, ok):
    problems = check(schema_of(p=prop), {"p": value})
    assert (problems == []) is ok, problems


def test_type_error_message():
    problems = check(schema_of(count=integer("n")), {"count": "many"})
    assert problems == [(("count",), "property 'count': 'many' is not an integer")]


def test_null_value_is_read_as_the_empty_value_like_heat():
    assert check(schema_of(n=integer("n", required=True)), {"n": None}) == []
    # Heat reads null as 0 / "" / {} and then checks constraints and required keys.
    problems = check(builtin("OS::Heat::WaitCondition"), {"handle": "h", "timeout": None})
    assert problems == [
        (("timeout",), "property 'timeout': 0 is out of range (min: 1, max: 43200)")
    ]
    problems = check(builtin("OS::Heat::Value"), {"value": 1, "type": None})
    assert len(problems) == 1 and "'' is not one of" in problems[0][1]
    problems = check(builtin("OS::Heat::ResourceGroup"), {"resource_def": None})
    assert problems == [(("resource_def",), "missing required property 'resource_def.type'")]
    assert (
        check(schema_of(n=integer("n", default=5, constraints=(value_range(1),))), {"n": None})
        == []
    )


def test_nested_list_of_maps():
    problems = check(
        builtin("OS::Nova::Server"),
        {"flavor": "f", "networks": [{"network": "n"}, {"netwrk": "n"}, "private"]},
    )
    assert problems == [
        (
            ("networks", 1, "netwrk"),
            "unknown property 'networks[1].netwrk' (did you mean 'network'?)",
        ),
        (("networks", 2), "property 'networks[2]': 'private' is not a map"),
    ]


def test_nested_required_key():
    problems = check(
        builtin("OS::Neutron::Subnet"), {"network": "n", "host_routes": [{"nexthop": "1.2.3.4"}]}
    )
    assert problems == [
        (("host_routes", 0), "missing required property 'host_routes[0].destination'")
    ]


def test_map_sub_schema():
    problems = check(
        builtin("OS::Heat::ResourceGroup"), {"resource_def": {"typ": "OS::Heat::None"}}
    )
    assert ((("resource_def",), "missing required property 'resource_def.type'")) in problems
    assert any(path == ("resource_def", "typ") for path, _ in problems)


def test_hidden_properties_are_accepted_but_not_suggested():
    assert check(builtin("OS::Neutron::Port"), {"network_id": "n"}) == []
    problems = check(builtin("OS::Neutron::Port"), {"network": "n", "subnet_i": "s"})
    assert problems == [(("subnet_i",), "unknown property 'subnet_i'")]


def test_not_implemented_property():
    schema = schema_of(old=string("o", implemented=False))
    assert check(schema, {"old": "x"}) == [(("old",), "property 'old' is not implemented")]


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        (string("s", constraints=(allowed_values("a", "b"),)), "c", "'c' is not one of 'a', 'b'"),
        (integer("i", constraints=(allowed_values(4, 6),)), "6", None),
        (
            integer("i", constraints=(value_range(1, 512),)),
            0,
            "0 is out of range (min: 1, max: 512)",
        ),
        (
            integer("i", constraints=(value_range(1, 512),)),
            "600",
            "600 is out of range (min: 1, max: 512)",
        ),
        (
            number("n", constraints=(value_range(min=0),)),
            -0.5,
            "-0.5 is out of range (min: 0, max: none)",
        ),
        (
            string("s", constraints=(length(3),)),
            "ab",
            "length 2 is out of range (min: 3, max: none)",
        ),
        (
            list_of("l", constraints=(length(max=1),)),
            [1, 2],
            "length 2 is out of range (min: none, max: 1)",
        ),
        (
            string("s", constraints=(allowed_pattern("[a-z]+"),)),
            "abc1",
            "'abc1' does not match the pattern '[a-z]+'",
        ),
        (string("s", constraints=(allowed_pattern("[a-z]+"),)), "abc", None),
        (integer("i", constraints=(modulo(2, 1),)), 4, "4 is not a multiple of 2 plus 1"),
        (
            list_of("l", constraints=(allowed_values("CREATE", "DELETE"),)),
            ["CREATE", "X"],
            "['CREATE', 'X'] is not one of 'CREATE', 'DELETE'",
        ),
        (boolean("b", constraints=(allowed_values(True),)), "true", None),
    ],
)
def test_constraints(prop, value, message):
    problems = check(schema_of(p=prop), {"p": value})
    assert problems == ([] if message is None else [(("p",), f"property 'p': {message}")])


def test_constraints_on_builtin_types():
    problems = check(
        builtin("OS::Heat::RandomString"),
        {"length": 1000, "character_classes": [{"class": "emoji"}]},
    )
    assert sorted(path for path, _ in problems) == [("character_classes", 0, "class"), ("length",)]


def test_ip_protocol_numbers_accepted_as_strings_or_integers():
    rule = builtin("OS::Neutron::SecurityGroupRule")
    assert check(rule, {"security_group": "g", "protocol": 6}) == []
    assert check(rule, {"security_group": "g", "protocol": "17"}) == []
    assert len(check(rule, {"security_group": "g", "protocol": "tcpp"})) == 1


def test_none_resource_accepts_anything():
    assert check(builtin("OS::Heat::None"), {"whatever": [1, 2], "flavor": {}}) == []


def test_attribute_exists():
    server = builtin("OS::Nova::Server")
    assert attribute_exists(server, "networks")
    assert attribute_exists(server, "show")
    assert attribute_exists(server, "first_address")  # hidden, still answered
    assert not attribute_exists(server, "network")
    assert attribute_exists(builtin("OS::Heat::ResourceGroup"), "resource.0.name")


def test_messages_for_unknown_type_and_attribute():
    assert unknown_type_message("OS::Nova::Sever") == (
        "unknown resource type 'OS::Nova::Sever' (did you mean 'OS::Nova::Server'?)"
    )
    assert unknown_attribute_message(builtin("OS::Nova::Server"), "network") == (
        "OS::Nova::Server has no attribute 'network' (did you mean 'networks'?)"
    )


def _contains_function(value: Any) -> bool:
    """A caller's deep test: true for a call and for anything that contains one."""
    if isinstance(value, dict):
        return _is_function(value) or any(_contains_function(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_function(v) for v in value)
    return False


def test_a_deep_unresolved_test_still_checks_the_concrete_parts():
    props = {
        "network": {"get_resource": "net"},
        "ip_version": "5",
        "host_routes": [{"destination": {"get_param": "d"}, "nexthp": "x"}],
    }
    found: list[tuple[Any, str]] = []
    validate_properties(
        builtin("OS::Neutron::Subnet"),
        props,
        lambda path, msg: found.append((path, msg)),
        is_unresolved=_contains_function,
    )
    assert [path for path, _ in found] == [
        ("ip_version",),
        ("host_routes", 0, "nexthp"),
        ("host_routes", 0),
    ]


def test_a_one_key_map_with_a_known_key_is_data_not_a_call():
    found: list[tuple[Any, str]] = []
    validate_properties(
        builtin("OS::Nova::Server"),
        {
            "flavor": "f",
            "image": "i",
            "networks": [{"port": {"get_resource": "p"}}, {"prot": {"get_resource": "p"}}],
        },
        lambda path, msg: found.append((path, msg)),
        is_unresolved=_contains_function,
    )
    # {"port": call} is an entry with a known key; {"prot": call} looks like a call: skipped.
    assert found == []
    found.clear()
    validate_properties(
        builtin("OS::Nova::Server"),
        {"flavor": {"get_param": "f"}},
        lambda path, msg: found.append((path, msg)),
        is_unresolved=_contains_function,
    )
    assert found == [((), "neither 'image' nor a bootable volume is given")]
