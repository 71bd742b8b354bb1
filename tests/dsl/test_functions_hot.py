"""HOT intrinsic functions, one block per function, pinned to Heat 27's behaviour.

The expected values and messages come from /work/shared/reference/heat.md (section a),
which was checked against Heat's own code.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from heatctl.dsl.functions import UNRESOLVED, FunctionError, Unresolved
from tests.dsl.functions_support import SERVER, FakeResources, run

ALL_HOT = [
    "2013-05-23", "2014-10-16", "2015-04-30", "2015-10-15", "2016-04-08", "2016-10-14",
    "2017-02-24", "2017-09-01", "2018-03-02", "2018-08-31", "2021-04-16",
]  # fmt: skip


def error(value: Any, v: str = "2021-04-16", **scope: Any) -> FunctionError:
    with pytest.raises(FunctionError) as info:
        run(value, v, **scope)
    return info.value


# ------------------------------------------------------------------------ get_param

PARAMS = {
    "name": "web",
    "count": 3,
    "flag": True,
    "nets": ["a", "b ", " c"],
    "cfg": {"db": {"host": "h", "ports": [5432, 5433]}},
}


@pytest.mark.parametrize("v", ALL_HOT)
def test_get_param_name(v: str) -> None:
    assert run({"x": {"get_param": "name"}}, v, parameters=PARAMS) == {"x": "web"}


def test_get_param_typed_values_pass_through() -> None:
    assert run([{"get_param": "count"}, {"get_param": "flag"}], parameters=PARAMS) == [3, True]
    assert run({"get_param": "nets"}, parameters=PARAMS) == ["a", "b ", " c"]


def test_get_param_path_into_maps_and_lists() -> None:
    assert run({"get_param": ["cfg", "db", "host"]}, parameters=PARAMS) == "h"
    assert run({"get_param": ["cfg", "db", "ports", 1]}, parameters=PARAMS) == 5433
    # a string path item on a list is converted with int()
    assert run({"get_param": ["cfg", "db", "ports", "0"]}, parameters=PARAMS) == 5432
    assert run({"get_param": ["nets", "-1"]}, parameters=PARAMS) == " c"


@pytest.mark.parametrize(
    "path",
    [
        ["cfg", "nope"],  # missing key
        ["cfg", "db", "ports", 7],  # bad index
        ["count", "x"],  # untraversable value
        ["cfg", "db", "host", "x", "y"],
    ],
)
def test_get_param_missing_path_gives_empty_string(path: list[Any]) -> None:
    assert run({"get_param": path}, parameters=PARAMS) == ""


def test_get_param_string_is_a_sequence_in_a_path() -> None:
    assert run({"get_param": ["name", 0]}, parameters=PARAMS) == "w"


def test_get_param_bad_path_components_give_empty_string_too() -> None:
    # Heat raises TypeError for these inside the walk, and turns every TypeError into ""
    assert run({"get_param": ["nets", "first"]}, parameters=PARAMS) == ""
    assert run({"get_param": ["cfg", 1.5]}, parameters=PARAMS) == ""


def test_get_param_undeclared_parameter() -> None:
    exc = error({"a": [{"get_param": "nope"}]}, parameters=PARAMS)
    assert exc.message == "The Parameter (nope) was not provided."
    assert exc.path == ("a", 0, "get_param")


def test_get_param_argument_errors() -> None:
    assert error({"get_param": []}).message == 'Function "get_param" must have arguments'
    assert error({"get_param": 5}).message == 'Argument to "get_param" must be string or list'
    assert error({"get_param": [5]}).message == 'Parameter name in "get_param" must be string'


def test_get_param_argument_may_be_a_function() -> None:
    params = {**PARAMS, "which": "name"}
    assert run({"get_param": {"get_param": "which"}}, parameters=params) == "web"
    assert run({"get_param": ["cfg", {"get_param": "which"}]}, parameters=params) == ""


def test_pseudo_parameters_hot() -> None:
    scope = {"stack_name": "s1", "stack_id": "uuid-1", "project_id": "p1"}
    value = [
        {"get_param": "OS::stack_name"},
        {"get_param": "OS::stack_id"},
        {"get_param": "OS::project_id"},
    ]
    assert run(value, **scope) == ["s1", "uuid-1", "p1"]


def test_pseudo_parameters_in_parameters_win() -> None:
    assert run({"get_param": "OS::stack_name"}, parameters={"OS::stack_name": "x"}) == "x"


def test_os_region_is_reserved_and_never_has_a_value() -> None:
    exc = error({"get_param": "OS::region"}, region="RegionOne")
    assert "OS::region" in exc.message and "not provided" in exc.message


def test_unknown_pseudo_parameter_stays_as_written() -> None:
    assert run({"get_param": "OS::stack_id"}) == {"get_param": "OS::stack_id"}


def test_unresolved_parameter_keeps_the_call() -> None:
    value = {"a": {"get_param": "p"}, "b": {"get_param": "q"}}
    assert run(value, parameters={"p": UNRESOLVED, "q": 1}) == {"a": {"get_param": "p"}, "b": 1}


# --------------------------------------------------------------------- get_resource


def test_get_resource_with_resolver() -> None:
    resources = FakeResources(SERVER)
    assert run({"get_resource": "server"}, resources=resources) == "5f0c-server"


def test_get_resource_unknown_name() -> None:
    exc = error({"p": {"get_resource": "servr"}}, resources=FakeResources(SERVER))
    assert exc.message == 'The specified reference "servr" (in get_resource) is incorrect.'
    assert exc.path == ("p", "get_resource")


def test_get_resource_without_resolver_stays_as_written() -> None:
    assert run({"a": {"get_resource": "server"}}) == {"a": {"get_resource": "server"}}


def test_resolver_may_answer_unresolved() -> None:
    resources = FakeResources({"r": {"ref": Unresolved("not created")}})
    assert run({"get_resource": "r"}, resources=resources) == {"get_resource": "r"}


# ------------------------------------------------------------------------- get_attr


def test_get_attr_variant_a_walks_the_path_locally() -> None:
    resources = FakeResources(SERVER)
    value = {"get_attr": ["server", "networks", "private", 0]}
    assert run(value, "2013-05-23", resources=resources) == "10.0.0.5"
    assert resources.calls == [("attribute", "server", "networks", [])]
    bad = {"get_attr": ["server", "networks", "public", 0]}
    assert run(bad, "2013-05-23", resources=resources) is None


@pytest.mark.parametrize("v", ["2014-10-16", "2015-10-15", "2021-04-16"])
def test_get_attr_variants_b_c_hand_the_path_to_the_resource(v: str) -> None:
    resources = FakeResources(SERVER)
    value = {"get_attr": ["server", "networks", "private", 1]}
    assert run(value, v, resources=resources) == "fd00::5"
    assert resources.calls == [("attribute", "server", "networks", ["private", 1])]


def test_get_attr_all_attributes_form() -> None:
    resources = FakeResources(SERVER)
    assert (
        run({"get_attr": ["server"]}, "2015-10-15", resources=resources)
        == SERVER["server"]["attrs"]
    )
    with_show = FakeResources({"r": {"attrs": {"a": 1, "show": {"x": 1}}}})
    assert run({"get_attr": ["r"]}, resources=with_show) == {"a": 1}  # never `show`
    exc = error({"get_attr": ["server"]}, "2015-04-30", resources=resources)
    assert "must be of the form [resource_name, attribute, (path), ...]" in exc.message


def test_get_attr_errors() -> None:
    resources = FakeResources(SERVER)
    assert error({"get_attr": "server"}, resources=resources).message == (
        'Argument to "get_attr" must be a list'
    )
    assert "can be of the next forms" in error({"get_attr": []}, resources=resources).message
    exc = error({"get_attr": ["servr", "name"]}, resources=resources)
    assert exc.message == 'The specified reference "servr" (in get_attr) is incorrect.'
    exc = error({"get_attr": ["server", "nam"]}, resources=resources)
    assert exc.message == "The Referenced Attribute (server nam) is incorrect."


def test_get_attr_without_resolver_stays_as_written() -> None:
    value = {"get_attr": ["server", {"get_param": "attr"}]}
    # the argument is evaluated, the call kept
    assert run(value, parameters={"attr": "name"}) == {"get_attr": ["server", "name"]}


# ------------------------------------------------------------------------- get_file


def test_get_file_returns_content_unparsed() -> None:
    files = {"cfg.yaml": "a: 1\n"}
    assert run({"get_file": "cfg.yaml"}, read_file=files.__getitem__) == "a: 1\n"


def test_get_file_reader_lookup_and_os_errors_become_function_errors() -> None:
    exc = error({"get_file": "nope.sh"}, read_file={}.__getitem__)
    assert exc.message == 'No content found in the "files" section for get_file path: nope.sh'

    def unreadable(key: str) -> str:
        raise PermissionError(13, "Permission denied")

    assert "get_file cannot read x.sh" in error({"get_file": "x.sh"}, read_file=unreadable).message


def test_get_file_refusal_is_the_readers_error() -> None:
    def read(key: str) -> str:
        raise FunctionError(f'No content found in the "files" section for get_file path: {key}')

    exc = error({"user_data": {"get_file": "missing.sh"}}, read_file=read)
    assert exc.path == ("user_data", "get_file")
    assert "missing.sh" in exc.message


def test_get_file_without_reader_stays_and_bad_argument_fails() -> None:
    assert run({"get_file": "x"}) == {"get_file": "x"}
    assert error({"get_file": ["x"]}).message == 'Argument to "get_file" must be a string'


# ---------------------------------------------------------------------- str_replace


def replace(template: Any, params: Any, fn: str = "str_replace") -> dict[str, Any]:
    return {fn: {"template": template, "params": params}}


def test_str_replace_basic_and_scalars() -> None:
    value = replace(
        "v=$v n=$n b=$b z=$z f=$f", {"$v": "x", "$n": 3, "$b": True, "$z": None, "$f": 1.5}
    )
    assert run(value) == "v=x n=3 b=True z= f=1.5"


def test_str_replace_longest_key_first_and_no_rescan() -> None:
    assert run(replace("$var1 $var10", {"$var1": "A", "$var10": "B"})) == "A B"
    # replaced text is not scanned again
    assert run(replace("ab", {"a": "b", "b": "c"})) == "bc"
    # equal length: lexicographic order decides
    assert run(replace("xyz", {"xy": "1", "yz": "2"})) == "1z"


def test_str_replace_variant_s_rejects_lists() -> None:
    exc = error(replace("x", {"x": [1]}), "2015-04-30")
    assert exc.message == '"str_replace" params must be strings or numbers, param x is not valid'
    assert exc.path == ("str_replace", "params", "x")


def test_str_replace_variant_j_json_encodes_sorted() -> None:
    value = replace("cfg=X", {"X": {"b": 1, "a": [1, "x"]}})
    assert run(value, "2015-10-15") == 'cfg={"a": [1, "x"], "b": 1}'


def test_str_replace_argument_errors() -> None:
    assert error({"str_replace": "x"}).message == 'Arguments to "str_replace" must be a map'
    assert "syntax should be" in error({"str_replace": {"template": "x"}}).message
    assert error(replace(1, {})).message == '"str_replace" template must be a string'
    assert error(replace("x", [1])).message == '"str_replace" parameters must be a mapping'
    assert (
        error(replace("x", {1: "a"})).message == '"str_replace" param placeholders must be strings'
    )


def test_str_replace_empty_placeholder_is_an_error() -> None:
    # Heat fails too (Python's str.split refuses an empty separator)
    assert (
        error(replace("abc", {"": "x"})).message
        == '"str_replace" param placeholders must not be empty'
    )


def test_str_replace_strict_and_vstrict() -> None:
    exc = error(replace("a", {"a": "1", "bb": "2", "c": "3"}, "str_replace_strict"))
    assert exc.message == "The following params were not found in the template: bb,c"
    assert run(replace("a", {"a": ""}, "str_replace_strict")) == ""
    for empty in (None, "", [], {}):
        exc = error(replace("a", {"a": empty}, "str_replace_vstrict"))
        assert "has an undefined or empty value for param a" in exc.message
    assert run(replace("a", {"a": 0}, "str_replace_vstrict")) == "0"
    assert run(replace("a", {"a": "x"}, "str_replace_strict"), "2017-02-24") == "x"
    assert run(replace("a", {}, "str_replace_strict"), "2016-10-14") == replace(
        "a", {}, "str_replace_strict"
    )


# ------------------------------------------------------------------------ list_join


@pytest.mark.parametrize("v", ["2013-05-23", "2014-10-16", "2015-04-30"])
def test_list_join_single(v: str) -> None:
    assert run({"list_join": [", ", ["a", None, "c"]]}, v) == "a, , c"
    assert run({"list_join": ["-", None]}, v) == ""
    assert error({"list_join": [",", ["a"], ["b"]]}, v).message.startswith(
        'Incorrect arguments to "list_join"'
    )
    assert error({"list_join": [",", ["a", 1]]}, v).message == "Items to join must be strings not 1"
    assert error({"list_join": [",", {"a": 1}]}, v).message == '"list_join" must operate on a list'


def test_list_join_multiple() -> None:
    value = {"list_join": [",", ["a", "b"], None, [], ["c", {"k": [1]}, [2]]]}
    assert run(value, "2015-10-15") == 'a,b,c,{"k": [1]},[2]'
    exc = error({"list_join": [",", ["a", 1]]}, "2015-10-15")
    assert exc.message == "Items to join must be string, map or list not 1"
    assert error({"list_join": [","]}).message.startswith('Incorrect arguments to "list_join"')
    assert error({"list_join": [1, ["a"]]}).message == '"list_join" delimiter must be a string'
    assert error({"list_join": [",", "abc"]}).message == '"list_join" must operate on a list'
    exc = error({"list_join": [",", ["a"], [{"get_param": "nope"}]]})
    assert exc.path == ("list_join", 2, 0, "get_param")


# ------------------------------------------------------------------------ str_split


def test_str_split() -> None:
    assert run({"str_split": [",", "a,b,c"]}) == ["a", "b", "c"]
    assert run({"str_split": [",", "a,b,c", 1]}) == "b"
    assert run({"str_split": [",", "a,b,c", "2"]}) == "c"
    assert run({"str_split": [",", "a,b,c", -1]}) == "c"
    assert run({"str_split": [",", None]}) is None
    assert run({"str_split": [None, " a  b "]}) == ["a", "b"]
    assert run({"str_split": [",", "a,b", 0, "ignored"]}) == "a"  # as in Heat


def test_str_split_errors() -> None:
    exc = error({"str_split": [",", "a,b", 5]})
    assert exc.message == 'Incorrect index to "str_split" should be between 0 and 1'
    assert error({"str_split": [",", "a,b", "x"]}).message.startswith(
        'Incorrect index to "str_split"'
    )
    assert error({"str_split": [","]}).message.startswith('Incorrect arguments to "str_split"')
    assert error({"str_split": "a,b"}).message.startswith('Incorrect arguments to "str_split"')


def test_str_split_is_plain_data_before_2015_10_15() -> None:
    value = {"str_split": [",", "a,b"]}
    assert run(value, "2015-04-30") == value


# --------------------------------------------------------------------------- repeat


def test_repeat_replaces_in_strings_and_map_keys() -> None:
    value = {
        "repeat": {
            "for_each": {"%p%": ["80", "443"]},
            "template": {"port_%p%": {"port": "%p%", "n": 1}},
        }
    }
    assert run(value, "2015-04-30") == [
        {"port_80": {"port": "80", "n": 1}},
        {"port_443": {"port": "443", "n": 1}},
    ]


def test_repeat_cartesian_product_first_key_outermost() -> None:
    value = {"repeat": {"for_each": {"%a%": ["1", "2"], "%b%": ["x", "y"]}, "template": "%a%%b%"}}
    assert run(value) == ["1x", "1y", "2x", "2y"]


def test_repeat_null_list_gives_empty() -> None:
    value = {"repeat": {"for_each": {"%a%": None}, "template": "%a%"}}
    assert run(value) == []


def test_repeat_template_functions_are_evaluated_first() -> None:
    value = {
        "repeat": {"for_each": {"%i%": {"get_param": "ids"}}, "template": {"get_param": "tpl"}}
    }
    assert run(value, parameters={"ids": ["1", "2"], "tpl": "n-%i%"}) == ["n-1", "n-2"]


def test_repeat_maps_from_newton() -> None:
    value = {"repeat": {"for_each": {"%k%": {"a": 1, "b": 2}}, "template": "k=%k%"}}
    assert run(value, "2016-10-14") == ["k=a", "k=b"]
    exc = error(value, "2016-04-08")
    assert exc.message == 'The values of the "for_each" argument to "repeat" must be lists'
    assert exc.path == ("repeat", "for_each", "%k%")


def test_repeat_permutations_ignored_before_pike() -> None:
    value = {
        "repeat": {
            "for_each": {"%a%": ["1", "2"], "%b%": ["x", "y"]},
            "template": "%a%%b%",
            "permutations": False,
        }
    }
    assert run(value, "2017-02-24") == ["1x", "1y", "2x", "2y"]
    assert run(value, "2017-09-01") == ["1x", "2y"]


def test_repeat_permutations_errors() -> None:
    unequal = {
        "repeat": {
            "for_each": {"%a%": ["1"], "%b%": ["x", "y"]},
            "template": "%a%",
            "permutations": False,
        }
    }
    assert "should be equal if no nested loop" in error(unequal).message
    bad = {"repeat": {"for_each": {"%a%": ["1"]}, "template": "%a%", "permutations": "no"}}
    assert error(bad).message == '"permutations" should be boolean type for repeat function.'
    maps = {"repeat": {"for_each": {"%a%": {"k": 1}}, "template": "%a%", "permutations": False}}
    assert error(maps).message == 'The values of the "for_each" argument to "repeat" must be lists'


def test_repeat_argument_errors() -> None:
    assert error({"repeat": []}).message == 'Arguments to "repeat" must be a map'
    assert '"repeat" syntax should be' in error({"repeat": {"template": "x"}}).message
    assert "must contain a map" in error({"repeat": {"template": "x", "for_each": ["a"]}}).message
    assert (
        "must be strings"
        in error({"repeat": {"template": "%a%", "for_each": {"%a%": [1]}}}).message
    )


# --------------------------------------------------------------------------- digest


def test_digest() -> None:
    assert run({"digest": ["sha256", "abc"]}) == hashlib.sha256(b"abc").hexdigest()
    assert run({"digest": ["MD5", "abc"]}) == hashlib.md5(b"abc").hexdigest()
    # latin-1, not UTF-8
    assert run({"digest": ["sha1", "é"]}) == hashlib.sha1("é".encode("latin-1")).hexdigest()


def test_digest_errors() -> None:
    assert "latin-1" in error({"digest": ["sha256", "€"]}).message
    assert (
        error({"digest": ["sha256"]}).message
        == 'Function "digest" usage: ["<algorithm>", "<value>"]'
    )
    assert (
        error({"digest": ["sha256", 1]}).message
        == 'Argument to function "digest" must be a list of strings'
    )
    assert error({"digest": ["nope", "x"]}).message.startswith("Algorithm must be one of")
    assert run({"digest": ["sha256", "x"]}, "2014-10-16") == {"digest": ["sha256", "x"]}


# ------------------------------------------------------------------ map_merge / replace


def test_map_merge_is_shallow_later_wins_nulls_ignored() -> None:
    value = {"map_merge": [{"a": {"x": 1}, "b": 1}, None, {"a": {"y": 2}}]}
    assert run(value) == {"a": {"y": 2}, "b": 1}
    exc = error({"map_merge": [{"a": 1}, [1]]})
    assert exc.message.startswith("Incorrect arguments: Items to merge must be maps.")
    assert exc.path == ("map_merge", 1)
    assert error({"map_merge": {"a": 1}}).message.startswith('Incorrect arguments to "map_merge"')
    assert run({"map_merge": [{"a": 1}]}, "2015-10-15") == {"map_merge": [{"a": 1}]}
    # Heat iterates any sequence: an empty string merges to {}, a non-empty one fails
    assert run({"map_merge": ""}) == {}
    assert error({"map_merge": "ab"}).message.startswith("Incorrect arguments: Items to merge")


def test_map_replace() -> None:
    value = {
        "map_replace": [
            {"k1": "v1", "k2": "v2", "k3": [1]},
            {"keys": {"k1": "K1"}, "values": {"v2": "V2"}},
        ]
    }
    assert run(value) == {"K1": "v1", "k2": "V2", "k3": [1]}


def test_map_replace_collisions_and_bad_arguments() -> None:
    onto_existing = {"map_replace": [{"a": 1, "b": 2}, {"keys": {"a": "b"}}]}
    assert error(onto_existing).message == "key replacement b collides with a key in the input map"
    two_to_one = {"map_replace": [{"a": 1, "c": 2}, {"keys": {"a": "x", "c": "x"}}]}
    assert error(two_to_one).message == "key replacement x collides with a key in the output map"
    extra = {"map_replace": [{"a": 1}, {"keys": {}, "other": {}}]}
    assert error(extra).message.startswith('Incorrect arguments to "map_replace"')
    assert error({"map_replace": [{"a": 1}]}).message.startswith(
        'Incorrect arguments to "map_replace"'
    )
    assert "must be a list of maps" in error({"map_replace": [[1], {}]}).message


# ----------------------------------------------------------------------------- yaql


def test_yaql() -> None:
    value = {"yaql": {"expression": "$.data.var1.sum()", "data": {"var1": [3, 2, 1]}}}
    assert run(value) == 6
    assert run({"yaql": {"expression": "$.data"}}) == {}
    keys = {"yaql": {"expression": "$.data.keys()", "data": {"b": 1, "a": 2}}}
    assert sorted(run(keys)) == ["a", "b"]


def test_yaql_errors_and_limits() -> None:
    assert error({"yaql": {"expression": "1 +"}}).message.startswith("Bad expression")
    assert "exceeds 200" in error({"yaql": {"expression": "range(1000).select($)"}}).message
    assert (
        error({"yaql": {"expression": 5}}).message
        == 'The "expression" argument to yaql must contain a string.'
    )
    assert '"yaql" syntax should be' in error({"yaql": {"expression": "1", "x": 1}}).message
    assert error({"yaql": "1"}).message == 'Arguments to "yaql" must be a map.'


# ------------------------------------------------------------------------------- if

CONDS = {"yes": True, "no": False}


def test_if_three_arguments() -> None:
    value = {"a": {"if": ["yes", 1, 2]}, "b": {"if": ["no", 1, 2]}, "c": {"if": [True, "t", "f"]}}
    assert run(value, "2016-10-14", conditions=CONDS) == {"a": 1, "b": 2, "c": "t"}


def test_if_evaluates_only_the_chosen_branch() -> None:
    value = {"if": ["yes", "ok", {"get_param": "undeclared"}]}
    assert run(value, conditions=CONDS) == "ok"


def test_if_null_condition_counts_as_true() -> None:
    # Heat: Conditions.is_enabled(None) is True
    assert run({"if": [None, "t", "f"]}) == "t"
    assert run({"if": [{"get_param": "c"}, "t", "f"]}, parameters={"c": None}) == "t"


def test_if_inline_condition_function() -> None:
    value = {"if": [{"equals": [{"get_param": "env"}, "prod"]}, "big", "small"]}
    assert run(value, "2016-10-14", parameters={"env": "prod"}) == "big"
    value = {"if": [{"not": "yes"}, 1, 2]}
    assert run(value, conditions=CONDS) == 2


def test_if_errors() -> None:
    usage = 'Arguments to "if" must be of the form: [condition_name, value_if_true, value_if_false]'
    assert error({"if": ["yes", 1]}, "2018-08-31", conditions=CONDS).message == usage
    assert error({"if": ["yes", 1, 2, 3]}, conditions=CONDS).message == usage
    exc = error({"x": {"if": ["maybe", 1, 2]}}, conditions=CONDS)
    assert exc.message == 'Invalid condition "maybe"'
    assert exc.path == ("x", "if", 0)
    exc = error({"if": [{"get_attr": ["a", "b"]}, 1, 2]}, conditions=CONDS)
    assert exc.message == 'The function "get_attr" is invalid in this context'


def test_wallaby_two_argument_if_removes_the_enclosing_item() -> None:
    value = {
        "list": [1, {"if": ["no", 2]}, {"if": ["yes", 3]}],
        "key": {"if": ["no", "gone"]},
        "kept": {"if": ["yes", "here"]},
        "deep": {"props": {"x": {"if": ["no", 1]}, "y": 2}},
    }
    assert run(value, conditions=CONDS) == {
        "list": [1, 3],
        "kept": "here",
        "deep": {"props": {"y": 2}},
    }
    assert run({"if": ["no", 1]}, conditions=CONDS) is None


def test_wallaby_removal_inside_function_arguments() -> None:
    value = {"list_join": [",", ["a", {"if": ["no", "b"]}, "c"]]}
    assert run(value, conditions=CONDS) == "a,c"


def test_if_is_plain_data_before_newton() -> None:
    value = {"if": ["yes", 1, 2]}
    assert run(value, "2016-04-08", conditions=CONDS) == value


def test_condition_functions_are_plain_data_outside_conditions() -> None:
    for value in ({"equals": [1, 1]}, {"not": True}, {"and": [True, True]}, {"or": [1, 2]}):
        assert run(value, conditions=CONDS) == value


# --------------------------------------------------------------------------- filter


def test_filter() -> None:
    assert run({"filter": [[1, "b"], [1, "a", "b", 2]]}) == ["a", 2]
    assert run({"filter": [None, [1, 2]]}) == [1, 2]
    assert run({"filter": [[], [1, 2]]}) == [1, 2]
    assert run({"filter": [[1], None]}) is None
    assert error({"filter": [[1], "abc"]}).message == '"filter" only works with lists'
    assert error({"filter": [1, [1]]}).message == '"filter" filters a list of values'
    assert "expected 2 arguments" in error({"filter": [[1]]}).message
    assert error({"filter": "x"}).message == 'Argument to "filter" must be a list'


# ------------------------------------------------------------------------- make_url


def test_make_url_full() -> None:
    value = {
        "make_url": {
            "scheme": "https",
            "username": "u@x",
            "password": "p/w:d",
            "host": "example.com",
            "port": 8443,
            "path": "/a b/c",
            "query": {"q": "a/b", "n": "1 2"},
            "fragment": "frag ment",
        }
    }
    assert run(value) == "https://u%40x:p%2Fw%3Ad@example.com:8443/a%20b/c?q=a/b&n=1+2#frag%20ment"


def test_make_url_ipv6_and_minimal() -> None:
    assert run({"make_url": {"scheme": "http", "host": "::1", "port": "80"}}) == "http://[::1]:80"
    assert run({"make_url": {"scheme": "http", "host": "[fd00::1]"}}) == "http://[fd00::1]"
    assert run({"make_url": {"host": "h", "path": "/x"}}) == "//h/x"


def test_make_url_errors() -> None:
    assert (
        error({"make_url": {"port": 0}}).message == "Invalid URL port 0, must be in range 1-65535"
    )
    assert (
        error({"make_url": {"port": 70000}}).message
        == "Invalid URL port 70000, must be in range 1-65535"
    )
    assert error({"make_url": {"port": "http"}}).message.startswith('Invalid URL port "http"')
    assert (
        error({"make_url": {"host": 1}}).message
        == 'The "host" argument to "make_url" must be a string'
    )
    assert (
        error({"make_url": {"query": "a=b"}}).message
        == 'The "query" argument to "make_url" must be a map'
    )
    assert error({"make_url": {"hots": "x"}}).message == 'Invalid arguments to "make_url": hots'
    assert (
        error({"make_url": {"scheme": "http:"}}).message == "URL \"scheme\" should not contain ':'"
    )
    assert error({"make_url": ["x"]}).message == 'The arguments to "make_url" must be a map'


# ------------------------------------------------------------------- list_concat(_unique)


def test_list_concat() -> None:
    assert run({"list_concat": [[1, 2], None, [2, {"a": 1}]]}) == [1, 2, 2, {"a": 1}]
    assert run({"list_concat_unique": [[1, 2], [2, 3, 1], [{"a": 1}, {"a": 1}]]}) == [
        1,
        2,
        3,
        {"a": 1},
    ]
    for item in ("abc", {"a": 1}):
        exc = error({"list_concat": [[1], item]})
        assert exc.message.startswith("Incorrect arguments: Items to concat must be lists.")
        assert exc.path == ("list_concat", 1)
    assert error({"list_concat": "x"}).message.startswith('Incorrect arguments to "list_concat"')
    assert run({"list_concat": [[1]]}, "2017-02-24") == {"list_concat": [[1]]}


# ------------------------------------------------------------------------- contains


def test_contains() -> None:
    assert run({"contains": ["a", ["a", "b"]]}) is True
    assert run({"contains": ["c", ["a", "b"]]}) is False
    assert run({"contains": ["ell", "hello"]}) is True
    assert (
        error({"contains": ["a", {"a": 1}]}).message
        == 'Second argument to "contains" should be a sequence.'
    )
    assert error({"contains": ["a"]}).message.startswith(
        'Arguments to "contains" must be of the form'
    )
    assert error({"contains": "a"}).message.startswith('Incorrect arguments to "contains"')


# ------------------------------------------------------------------ resource_facade


def test_resource_facade() -> None:
    facade = {"metadata": {"role": "db"}, "deletion_policy": "Retain", "update_policy": None}
    assert run({"resource_facade": "metadata"}, facade=facade) == {"role": "db"}
    assert run({"resource_facade": "deletion_policy"}, facade=facade) == "Retain"
    assert run({"resource_facade": "update_policy"}, facade=facade) == {}
    exc = error({"resource_facade": "meta"}, facade=facade)
    assert exc.message == (
        'Incorrect arguments to "resource_facade" should be one of: metadata, deletion_policy, update_policy'
    )
    assert "provider template" in error({"resource_facade": "metadata"}).message
    # unset policies: Heat's defaults
    assert run({"resource_facade": "deletion_policy"}, facade={}) == "Delete"
    assert run({"resource_facade": "metadata"}, facade={}) == {}
    # the argument must be literal, as in Heat
    exc = error(
        {"resource_facade": {"get_param": "which"}}, parameters={"which": "metadata"}, facade=facade
    )
    assert exc.message.startswith('Incorrect arguments to "resource_facade"')


# ------------------------------------------------------------------ removed functions


@pytest.mark.parametrize(
    ("v", "name", "args"),
    [
        ("2014-10-16", "Fn::Join", [",", ["a"]]),
        ("2014-10-16", "Ref", "x"),
        ("2016-10-14", "Fn::Base64", "x"),
        ("2015-10-15", "Fn::Select", [0, ["a"]]),
        ("2021-04-16", "Fn::GetAZs", ""),
        ("2021-04-16", "Fn::MemberListToMap", ["a", "b", []]),
    ],
)
def test_removed_functions_are_errors(v: str, name: str, args: Any) -> None:
    exc = error({"props": {"x": {name: args}}}, v)
    assert exc.message == f"The function {name} is not supported in this version of HOT."
    assert exc.path == ("props", "x", name)


def test_fn_select_still_works_in_2014_and_2015_04() -> None:
    for v in ("2013-05-23", "2014-10-16", "2015-04-30"):
        assert run({"Fn::Select": [1, ["a", "b"]]}, v) == "b"


def test_unknown_function_names_are_plain_data() -> None:
    value = {"a": {"Fn::GetAtt": ["r", "x"]}, "b": {"get_params": "x"}, "c": {"Fn::If": [1, 2, 3]}}
    assert run(value) == value


def test_a_map_with_two_keys_is_data_even_with_function_names() -> None:
    value = {"get_param": "a", "get_resource": "b"}
    assert run(value) == value


def test_data_inside_plain_maps_is_still_evaluated() -> None:
    value = {"not_a_function": {"get_param": "p"}}
    assert run(value, parameters={"p": 1}) == {"not_a_function": 1}


def test_evaluate_never_mutates_and_returns_new_containers() -> None:
    value = {"a": [{"get_param": "p"}, {"x": [1]}], "b": {"if": ["no", 1]}}
    before = json.dumps(value, sort_keys=True)
    result = run(value, parameters={"p": 2}, conditions=CONDS)
    assert json.dumps(value, sort_keys=True) == before
    assert result == {"a": [2, {"x": [1]}]}
    assert result["a"][1] is not value["a"][1]
    assert type(result) is dict and type(result["a"]) is list


def test_error_path_prefix() -> None:
    from heatctl.dsl.functions import Scope, evaluate
    from tests.dsl.functions_support import version

    with pytest.raises(FunctionError) as info:
        evaluate(
            {"v": [{"get_param": "x"}]},
            Scope(version=version("wallaby")),
            ("outputs", "o", "value"),
        )
    assert info.value.path == ("outputs", "o", "value", "v", 0, "get_param")
