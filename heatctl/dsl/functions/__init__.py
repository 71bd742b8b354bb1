"""Intrinsic functions of HOT and CFN templates, per template version, as Heat 27 has them.

Public API (stable; other modules import these names from `heatctl.dsl.functions`):

    class FunctionError(Exception)        .message, .path (tuple inside the value, function
                                          names included, e.g. ("outputs","o","value","str_replace","params"))
    class Unresolved; UNRESOLVED          "not known without a cloud": a parameter, resolver
                                          answer or condition with this value keeps the call
                                          that needs it as written
    class ResourceResolver(Protocol)      reference(name) / attribute(name, attr, path) /
                                          all_attributes(name) / has_resource(name);
                                          reference/attribute raise LookupError when unknown
    @dataclass Scope(version, parameters={}, conditions={}, resources=None, read_file=None,
                     facade=None, mappings={}, stack_name=None, stack_id=None,
                     project_id=None, region=None, availability_zones=None)
    evaluate(value, scope, path=()) -> Any
        Full or partial evaluation. Returns new plain dicts/lists, never mutates `value`.
        With scope.resources None, calls needing a resource stay as written, and so does
        any call whose argument could not be computed, while pure sub-parts are evaluated.
        A wallaby `if: [false_cond, x]` removes the enclosing item/key (None at top level).
        Raises FunctionError (path = `path` + the place inside `value`), nothing else.
        Two phases compose: evaluate(evaluate(v, partial_scope), full_scope) equals
        evaluate(v, full_scope) when both succeed (a property test checks it), except for
        maps a template builds at run time that look like calls (rare). A kept call has all
        of its arguments evaluated, so partial evaluation can report an error in an `if`
        branch that a full evaluation would not take.
    evaluate_condition(value, scope, path=()) -> bool | Unresolved
        A resource/output `condition:` or a conditions-section entry (name, bool or
        condition function); see also heatctl.dsl.conditions.
    is_partial(value, version) -> bool
        True when `value` still holds a function call of `version`.
    find_references(value, version, *, in_condition=False, parameter_names=None)
        -> Iterator[Reference(kind, name, path, attribute, attr_path)]
        kind: "resource" | "attribute" | "parameter" | "condition" | "file". Ref is
        "parameter" when its name is in `parameter_names` or a pseudo parameter, else
        "resource". Both branches of `if` are walked (evaluate first to prune them).
    check_functions(value, version, *, in_condition=False, condition_names=None)
        -> list[tuple[path, message]]
        Static checks: removed functions, argument shapes and counts, functions invalid in
        a condition context, and (when condition_names is given) unknown condition names.
    analyse(value, version, *, parameter_names=None, condition_names=None)
        -> (problems, references): check_functions and find_references (outside a
        condition) in one walk of the value, with the same results.
    lint_functions(value, version, *, in_condition=False) -> list[tuple[path, message]]
        Warnings: one-key maps that are data but look like calls (a misspelt name, a
        function of a later version, equals outside a condition, a CFN function in HOT).
    pseudo_parameters(version, *, stack_name, stack_id, project_id, region) -> dict
    function_names(version) -> list[str]     every function of a version (for did-you-mean)
    StaticResources(names, references, attributes, schema)   a ResourceResolver over dicts:
                                             resources without values answer UNRESOLVED
    select_path(value, path) -> Any          Heat's attribute path walk (a bad step gives
                                             None), for ResourceResolver.attribute

Functions a version lacks are plain data (a one-key map whose key is not in the version's
table is not a call); functions the version *removed* are an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from heatctl.dsl.functions import cfn, hot, logic, structures
from heatctl.dsl.functions.checks import Reference, analyse, check_functions, find_references
from heatctl.dsl.functions.core import (
    REMOVED,
    UNRESOLVED,
    Evaluator,
    FunctionError,
    Impl,
    ResourceResolver,
    Scope,
    Unresolved,
    _Defer,
    walk_calls,
)
from heatctl.dsl.functions.hot import pseudo_parameters, select_path
from heatctl.dsl.functions.lint import lint_functions
from heatctl.dsl.functions.resolvers import StaticResources
from heatctl.dsl.versions import VersionSpec

__all__ = [
    "UNRESOLVED",
    "FunctionError",
    "Reference",
    "ResourceResolver",
    "Scope",
    "StaticResources",
    "Unresolved",
    "analyse",
    "check_functions",
    "evaluate",
    "evaluate_condition",
    "find_references",
    "function_names",
    "is_partial",
    "lint_functions",
    "pseudo_parameters",
    "select_path",
]

# (function name, variant) -> implementation. Variants are named in heatctl.dsl.versions.
IMPLEMENTATIONS: dict[tuple[str, str], Impl] = {
    ("get_param", ""): hot.get_param,
    ("get_resource", ""): hot.get_resource,
    ("get_attr", "A"): hot.get_attr_then_select,
    ("get_attr", "B"): hot.get_attr_path,
    ("get_attr", "C"): hot.get_attr_all,
    ("get_file", ""): hot.get_file,
    ("resource_facade", ""): hot.resource_facade,
    ("str_replace", "S"): hot.str_replace_scalar,
    ("str_replace", "J"): hot.str_replace_json,
    ("str_replace_strict", ""): hot.str_replace_strict,
    ("str_replace_vstrict", ""): hot.str_replace_vstrict,
    ("list_join", "1"): hot.list_join_single,
    ("list_join", "N"): hot.list_join_multiple,
    ("str_split", ""): hot.str_split,
    ("digest", ""): hot.digest,
    ("repeat", "L"): structures.repeat_lists,
    ("repeat", "M"): structures.repeat_maps,
    ("repeat", "P"): structures.repeat_permutations,
    ("map_merge", ""): structures.map_merge,
    ("map_replace", ""): structures.map_replace,
    ("yaql", ""): structures.yaql_eval,
    ("filter", ""): structures.filter_values,
    ("make_url", ""): structures.make_url,
    ("list_concat", ""): structures.list_concat,
    ("list_concat_unique", ""): structures.list_concat_unique,
    ("contains", ""): structures.contains,
    ("if", "3"): logic.if_three,
    ("if", "2/3"): logic.if_nullable,
    ("equals", ""): logic.equals,
    ("not", ""): logic.not_,
    ("and", ""): logic.and_,
    ("or", ""): logic.or_,
    ("Ref", "P+R"): cfn.ref,
    ("Ref", "P"): cfn.param_ref,
    ("Fn::GetAtt", ""): cfn.get_att,
    ("Fn::Select", ""): cfn.select,
    ("Fn::Join", ""): cfn.join,
    ("Fn::Split", ""): cfn.split,
    ("Fn::Replace", ""): cfn.replace,
    ("Fn::Base64", ""): cfn.base64,
    ("Fn::GetAZs", ""): cfn.get_azs,
    ("Fn::FindInMap", ""): cfn.find_in_map,
    ("Fn::MemberListToMap", ""): cfn.member_list_to_map,
    ("Fn::ResourceFacade", ""): cfn.resource_facade,
    ("Fn::If", ""): logic.cfn_if,
    ("Fn::Equals", ""): logic.cfn_equals,
    ("Fn::Not", ""): logic.cfn_not,
    ("Fn::And", ""): logic.cfn_and,
    ("Fn::Or", ""): logic.cfn_or,
}


@cache
def dispatch_tables(version: VersionSpec) -> tuple[dict[str, Impl], dict[str, Impl]]:
    """(normal table, condition table) of `version`: function name -> implementation.

    In a condition context only the condition functions work; every other function of the
    version is "invalid in this context", and removed functions stay removed (Heat).
    """
    normal = {name: IMPLEMENTATIONS[(name, v)] for name, v in version.functions.items()}
    condition = {name: logic.invalid(name) for name in version.functions}
    condition.update(
        {name: IMPLEMENTATIONS[(name, v)] for name, v in version.condition_functions.items()}
    )
    for name in version.removed:
        normal[name] = condition[name] = logic.removed(name)
    return normal, condition


def _evaluator(scope: Scope) -> Evaluator:
    normal, condition = dispatch_tables(scope.version)
    return Evaluator(scope, normal, condition)


def evaluate(value: Any, scope: Scope, path: tuple[Any, ...] = ()) -> Any:
    """Evaluate every function call in `value` (see the module docstring)."""
    evaluator = _evaluator(scope)
    try:
        result = evaluator.eval(value)
    except FunctionError as exc:
        exc.path = (*path, *exc.path)
        raise
    except RecursionError:
        raise FunctionError("the value is nested too deeply to evaluate", path) from None
    return None if result is REMOVED else result


def evaluate_condition(
    value: Any, scope: Scope, path: tuple[Any, ...] = (), *, by_name: bool = True
) -> Any:
    """A `condition:` value: a condition name, a bool, or an inline condition function.

    Returns a bool, or UNRESOLVED when a value it needs is not known. With by_name False
    (a definition in the conditions section) the raw result is returned: Heat requires it
    to be a bool there, and a string is not looked up as a condition name.
    """
    evaluator = _evaluator(scope)
    before = evaluator.deferred
    try:
        if isinstance(value, bool):
            return value
        result = evaluator.eval_condition(value)
        if evaluator.deferred != before:
            return UNRESOLVED
        if not by_name:
            return result
        return logic.named_condition(evaluator, result)
    except FunctionError as exc:
        exc.path = (*path, *exc.path)
        raise
    except _Defer:
        return UNRESOLVED
    except RecursionError:
        raise FunctionError("the condition is nested too deeply to evaluate", path) from None


def is_partial(value: Any, version: VersionSpec) -> bool:
    """True when `value` still contains a call of one of `version`'s functions."""
    normal, _ = dispatch_tables(version)
    # walk_calls without the paths and the generator: this is asked once per property
    # value (and default) during validation.
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if len(node) == 1:
                key = next(iter(node))
                if isinstance(key, str) and key in normal:
                    return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def function_names(version: VersionSpec) -> list[str]:
    """Every function name of `version` (sorted), for messages and did-you-mean."""
    return sorted(version.functions)


def iter_calls(value: Any, version: VersionSpec) -> Iterator[tuple[str, Any, tuple[Any, ...]]]:
    """Every call (name, raw args, path) of `version`'s functions in `value`."""
    normal, _ = dispatch_tables(version)
    return walk_calls(value, normal)
