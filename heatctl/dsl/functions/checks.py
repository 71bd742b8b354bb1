"""Static analysis of function calls, without evaluating anything.

`find_references` lists what a value refers to (for the dependency graph and for
"unknown parameter/resource" diagnostics); `check_functions` finds calls that can never
work: removed functions, wrong argument shapes and counts (the checks Heat makes when it
parses a template), functions that are invalid in a condition, unknown condition names.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from heatctl.dsl.functions.logic import invalid_message, removed_message
from heatctl.dsl.versions import VersionSpec

Path = tuple[Any, ...]
ReferenceKind = Literal["resource", "attribute", "parameter", "condition", "file"]


@dataclass(frozen=True)
class Reference:
    """One reference found in a value. `path` leads to the call (one-key map) itself.

    attribute: the attribute name of get_attr/Fn::GetAtt (None for `get_attr: [res]` or a
    computed name). attr_path: the rest of get_attr's arguments, or get_param's path.
    A name computed by a function is not a reference (it is known only when evaluated).
    """

    kind: ReferenceKind
    name: str
    path: Path
    attribute: str | None = None
    attr_path: list[Any] = field(default_factory=list)


_CONDITION_OPERANDS = {"not", "and", "or", "Fn::Not", "Fn::And", "Fn::Or"}


@cache
def _table(version: VersionSpec, in_condition: bool) -> frozenset[str]:
    if in_condition:
        return frozenset({*version.functions, *version.condition_functions, *version.removed})
    return frozenset({*version.functions, *version.removed})


@cache
def _reference_tables(version: VersionSpec) -> tuple[frozenset[str], frozenset[str]]:
    """(normal, condition) names that make a call for the reference walk: removed
    functions are not calls there (they are errors, see check_functions)."""
    normal = frozenset(version.functions)
    return normal, normal | frozenset(version.condition_functions)


def _call(node: Any, names: Collection[str]) -> tuple[str, Any] | None:
    if isinstance(node, dict) and len(node) == 1:
        ((key, args),) = node.items()
        if isinstance(key, str) and key in names:
            return key, args
    return None


def find_references(
    value: Any,
    version: VersionSpec,
    *,
    in_condition: bool = False,
    parameter_names: Collection[str] | None = None,
) -> Iterator[Reference]:
    """Every reference in `value`, in document order (see the package docstring)."""
    finder = _ReferenceFinder(version, parameter_names)
    finder.visit(value, in_condition, in_condition)
    return iter(finder.found)


class _ReferenceFinder:
    """A recursive walk keeping the current path in one list (tuples made only on a hit)."""

    def __init__(self, version: VersionSpec, parameter_names: Collection[str] | None) -> None:
        self.parameter_names = parameter_names or ()
        self.pseudo_parameters = version.pseudo_parameters
        # Removed functions are errors (check_functions), not references.
        self.normal, self.conditional = _reference_tables(version)
        self.path: list[Any] = []
        self.found: list[Reference] = []
        self._params: set[str] | None = None

    @property
    def params(self) -> set[str]:
        """Parameter names and pseudo parameters (only `Ref` needs them: built on demand,
        as a finder is made for every value)."""
        if self._params is None:
            self._params = {*self.parameter_names, *self.pseudo_parameters}
        return self._params

    def visit(self, node: Any, cond: bool, operand: bool) -> None:
        path = self.path
        if isinstance(node, dict):
            if len(node) == 1:
                for name, args in node.items():
                    if isinstance(name, str) and name in (
                        self.conditional if cond else self.normal
                    ):
                        self.call(name, args, cond)
                        return
            for key, item in node.items():
                path.append(key)
                self.visit(item, cond, False)
                path.pop()
        elif isinstance(node, list):
            for index, item in enumerate(node):
                path.append(index)
                self.visit(item, cond, False)
                path.pop()
        elif operand and isinstance(node, str):
            self.found.append(Reference("condition", node, tuple(path)))

    def call(self, name: str, args: Any, cond: bool) -> None:
        reference = _reference_of(name, args, tuple(self.path), self, cond)
        if reference is not None:
            self.found.append(reference)
        self.path.append(name)
        if name in ("if", "Fn::If") and isinstance(args, list) and args:
            for index, item in enumerate(args):
                self.path.append(index)
                self.visit(item, index == 0, index == 0)
                self.path.pop()
        elif name in _CONDITION_OPERANDS and cond:
            if isinstance(args, list):
                for index, item in enumerate(args):
                    self.path.append(index)
                    self.visit(item, True, True)
                    self.path.pop()
            else:
                self.visit(args, True, True)
        else:
            self.visit(args, cond, False)
        self.path.pop()


def _reference_of(
    name: str, args: Any, path: Path, finder: _ReferenceFinder, cond: bool
) -> Reference | None:
    """The reference a call makes, if any (a function returns a value, no generator: this
    runs for every call of every value)."""
    if name == "get_param":
        first = args[0] if isinstance(args, list) and args else args
        if isinstance(first, str):
            attr_path = list(args[1:]) if isinstance(args, list) else []
            return Reference("parameter", first, path, attr_path=attr_path)
    elif name == "get_resource":
        if isinstance(args, str):
            return Reference("resource", args, path)
    elif name == "get_attr" or name == "Fn::GetAtt":
        if isinstance(args, list) and args and isinstance(args[0], str):
            attr = args[1] if len(args) > 1 and isinstance(args[1], str) else None
            return Reference("attribute", args[0], path, attr, list(args[2:]))
    elif name == "get_file":
        if isinstance(args, str):
            return Reference("file", args, path)
    elif name == "Ref" and isinstance(args, str):
        kind: ReferenceKind = "parameter" if (cond or args in finder.params) else "resource"
        return Reference(kind, args, path)
    return None


# --------------------------------------------------------------------- static checks

Checker = Callable[[Any, VersionSpec], "str | None"]


def _is_list(args: Any) -> bool:
    return isinstance(args, list)


def _list_of(count: int | tuple[int, int | None], usage: str) -> Checker:
    low, high = (count, count) if isinstance(count, int) else count

    def check(args: Any, version: VersionSpec) -> str | None:
        if not _is_list(args) or len(args) < low or (high is not None and len(args) > high):
            return usage
        return None

    return check


def _map_with(
    fn: str, required: tuple[str, ...], usage: str, allowed: tuple[str, ...] = ()
) -> Checker:
    def check(args: Any, version: VersionSpec) -> str | None:
        if not isinstance(args, dict):
            return f'Arguments to "{fn}" must be a map'
        if any(k not in args for k in required):
            return usage
        if allowed and set(args) - set(allowed):
            extra = ", ".join(sorted(str(k) for k in set(args) - set(allowed)))
            return f"{usage} (unexpected: {extra})"
        return None

    return check


def _get_param(args: Any, version: VersionSpec) -> str | None:
    if not args and not isinstance(args, dict):
        return 'Function "get_param" must have arguments'
    if not isinstance(args, str | list | dict):
        return 'Argument to "get_param" must be string or list'
    if isinstance(args, list) and not isinstance(args[0], str | dict):
        return 'Parameter name in "get_param" must be string'
    return None


def _get_attr(args: Any, version: VersionSpec) -> str | None:
    one_arg = version.functions.get("get_attr") == "C"
    if not isinstance(args, list):
        return 'Argument to "get_attr" must be a list'
    if len(args) < (1 if one_arg else 2):
        form = (
            "[resource_name] or [resource_name, attribute, (path), ...]"
            if one_arg
            else ("[resource_name, attribute, (path), ...]")
        )
        return f'Arguments to "get_attr" must be of the form {form}'
    return None


def _string_arg(fn: str) -> Checker:
    def check(args: Any, version: VersionSpec) -> str | None:
        return None if isinstance(args, str | dict) else f'Argument to "{fn}" must be a string'

    return check


def _replace(fn: str) -> Checker:
    usage = f'"{fn}" syntax should be {fn}: {{template: <text>, params: {{<key>: <value>}}}}'
    base = _map_with(fn, ("template", "params"), usage)

    def check(args: Any, version: VersionSpec) -> str | None:
        problem = base(args, version)
        if problem is None and not isinstance(args["params"], dict):
            return f'"{fn}" parameters must be a mapping'
        return problem

    return check


def _join(args: Any, version: VersionSpec) -> str | None:
    multiple = version.functions.get("list_join") == "N"
    example = (
        '"list_join" : [ " ", [ "str1", "str2"] ...]'
        if multiple
        else ('"list_join" : [ " ", [ "str1", "str2"]]')
    )
    if not _is_list(args) or len(args) < 2 or (not multiple and len(args) != 2):
        return f'Incorrect arguments to "list_join" should be: {example}'
    return None


def _repeat(args: Any, version: VersionSpec) -> str | None:
    problem = _map_with(
        "repeat",
        ("for_each", "template"),
        '"repeat" syntax should be repeat: {template: <body>, for_each: {<var>: <list>}}',
    )(args, version)
    if problem:
        return problem
    if version.functions.get("repeat") == "P" and not isinstance(
        args.get("permutations", True), bool
    ):
        return '"permutations" should be boolean type for repeat function.'
    if not isinstance(args["for_each"], dict):
        return 'The "for_each" argument to "repeat" must contain a map'
    return None


def _yaql(args: Any, version: VersionSpec) -> str | None:
    usage = '"yaql" syntax should be yaql: {expression: <yaql>, data: <value>}'
    problem = _map_with("yaql", ("expression",), usage, ("expression", "data"))(args, version)
    if problem is None and isinstance(args["expression"], str):
        from heatctl.dsl.functions.core import FunctionError
        from heatctl.dsl.functions.structures import run_yaql

        try:
            run_yaql(args["expression"], None, evaluate=False)
        except FunctionError as exc:
            return exc.message
    return problem


def _make_url(args: Any, version: VersionSpec) -> str | None:
    from heatctl.dsl.functions.core import FunctionError
    from heatctl.dsl.functions.structures import _URL_KEYS, _check_url_args

    if not isinstance(args, dict):
        return 'The arguments to "make_url" must be a map'
    invalid = sorted(str(k) for k in args if k not in _URL_KEYS)
    if invalid:
        return f'Invalid arguments to "make_url": {", ".join(invalid)}'
    # Heat checks the argument types when it validates; a call's result is checked later.
    literal = {k: v for k, v in args.items() if not isinstance(v, dict) or k == "query"}
    try:
        _check_url_args(literal)
    except FunctionError as exc:
        return exc.message
    return None


def _facade(fn: str, allowed: tuple[str, ...]) -> Checker:
    def check(args: Any, version: VersionSpec) -> str | None:
        if isinstance(args, str) and args in allowed:
            return None
        return f'Incorrect arguments to "{fn}" should be one of: {", ".join(allowed)}'

    return check


def _if(args: Any, version: VersionSpec) -> str | None:
    nullable = version.functions.get("if") == "2/3"
    if not args or not _is_list(args) or len(args) not in ((2, 3) if nullable else (3,)):
        return (
            'Arguments to "if" must be of the form: [condition_name, value_if_true, value_if_false]'
        )
    return None


def _operands(fn: str) -> Checker:
    def check(args: Any, version: VersionSpec) -> str | None:
        if not _is_list(args):
            return f'Arguments to "{fn}" must be a list of conditions'
        if len(args) < 2:
            return f'The minimum number of condition arguments to "{fn}" is 2.'
        return None

    return check


def _not(args: Any, version: VersionSpec) -> str | None:
    return 'Argument to "not" must be a condition' if args is None else None


CHECKS: dict[str, Checker] = {
    "get_param": _get_param,
    "get_resource": _string_arg("get_resource"),
    "get_attr": _get_attr,
    "get_file": _string_arg("get_file"),
    "resource_facade": _facade("resource_facade", ("metadata", "deletion_policy", "update_policy")),
    "str_replace": _replace("str_replace"),
    "str_replace_strict": _replace("str_replace_strict"),
    "str_replace_vstrict": _replace("str_replace_vstrict"),
    "list_join": _join,
    "str_split": _list_of(
        (2, None),  # Heat ignores arguments after the index
        'Incorrect arguments to "str_split" should be: "str_split" : [ ",", "apples,pears", <index>]',
    ),
    "digest": _list_of(2, 'Function "digest" usage: ["<algorithm>", "<value>"]'),
    "repeat": _repeat,
    "map_replace": _list_of(
        2,
        'Incorrect arguments to "map_replace" should be: [ {...}, {"keys": {...}, "values": {...}} ]',
    ),
    "yaql": _yaql,
    "if": _if,
    "equals": _list_of(2, 'Arguments to "equals" must be of the form: [value_1, value_2]'),
    "not": _not,
    "and": _operands("and"),
    "or": _operands("or"),
    "filter": _list_of(2, '"filter" expected 2 arguments of the form [values, sequence]'),
    "make_url": _make_url,
    "contains": _list_of(
        2, 'Arguments to "contains" must be of the form: [value1, [value1, value2]]'
    ),
    "Fn::GetAtt": _list_of(
        2, 'Arguments to "Fn::GetAtt" must be of the form [resource_name, attribute]'
    ),
    "Fn::Select": _list_of(2, 'Arguments to "Fn::Select" must be of the form [index, collection]'),
    "Fn::Join": _list_of(
        2, 'Incorrect arguments to "Fn::Join" should be: "Fn::Join" : [ " ", [ "str1", "str2"]]'
    ),
    "Fn::Split": _list_of(
        2, 'Incorrect arguments to "Fn::Split" should be: "Fn::Split" : [ ",", "str1,str2"]]'
    ),
    "Fn::Replace": _list_of(
        2, 'Incorrect arguments to "Fn::Replace" should be: [ {"$var1": "foo"}, "$var1 is here"]'
    ),
    "Fn::FindInMap": _list_of(
        3, 'Arguments to "Fn::FindInMap" must be of the form [map_name, key, value]'
    ),
    "Fn::MemberListToMap": _list_of(
        3, 'Wrong Arguments to "Fn::MemberListToMap": use [key_name, value_name, [members]]'
    ),
    "Fn::ResourceFacade": _facade(
        "Fn::ResourceFacade", ("Metadata", "DeletionPolicy", "UpdatePolicy")
    ),
    "Fn::If": _list_of(
        3,
        'Arguments to "Fn::If" must be of the form: [condition_name, value_if_true, value_if_false]',
    ),
    "Fn::Equals": _list_of(2, 'Arguments to "Fn::Equals" must be of the form: [value_1, value_2]'),
    "Fn::Not": _list_of(1, 'Arguments to "Fn::Not" must be of the form: [condition]'),
    "Fn::And": _operands("Fn::And"),
    "Fn::Or": _operands("Fn::Or"),
}


def check_functions(
    value: Any,
    version: VersionSpec,
    *,
    in_condition: bool = False,
    condition_names: Collection[str] | None = None,
) -> list[tuple[Path, str]]:
    """Problems with the function calls in `value`, as (path, message), in document order.

    `path` leads to the call's arguments (it ends with the function name). With
    `condition_names`, a condition referred to by a name not in it is reported too.
    Both branches of an `if` are checked whatever its condition (Heat parses only the
    branch it takes, so this is stricter: a branch can be taken with other parameters).
    """
    problems = _call_problems(_calls(value, version, in_condition), version)
    if condition_names is not None:
        known = set(condition_names)
        for reference in find_references(value, version, in_condition=in_condition):
            if reference.kind == "condition" and reference.name not in known:
                problems.append((reference.path, f'Invalid condition "{reference.name}"'))
    return problems


def _call_problems(
    calls: Iterator[tuple[str, Any, Path, bool]], version: VersionSpec
) -> list[tuple[Path, str]]:
    problems: list[tuple[Path, str]] = []
    for name, args, path, cond in calls:
        message = _call_problem(name, args, cond, version)
        if message:
            problems.append(((*path, name), message))
    return problems


def _call_problem(name: str, args: Any, cond: bool, version: VersionSpec) -> str | None:
    """What is wrong with one call (check_functions' rules), or None."""
    if name in version.removed:
        return removed_message(name)
    if cond and name not in version.condition_functions:
        return invalid_message(name)
    checker = CHECKS.get(name)
    return checker(args, version) if checker else None


def _calls(
    value: Any, version: VersionSpec, in_condition: bool, path: Path = ()
) -> Iterator[tuple[str, Any, Path, bool]]:
    normal = _table(version, False)
    conditional = _table(version, True)
    stack: list[tuple[Any, Path, bool]] = [(value, path, in_condition)]
    while stack:
        node, path, cond = stack.pop()
        call = _call(node, conditional if cond else normal)
        if call is None:
            if isinstance(node, dict):
                stack.extend((v, (*path, k), cond) for k, v in reversed(node.items()))
            elif isinstance(node, list):
                stack.extend((v, (*path, i), cond) for i, v in reversed(list(enumerate(node))))
            continue
        name, args = call
        yield name, args, path, cond
        inner = (*path, name)
        if name in ("if", "Fn::If") and isinstance(args, list) and args and not cond:
            rest = [(v, (*inner, i), False) for i, v in enumerate(args[1:], start=1)]
            stack.extend(reversed([(args[0], (*inner, 0), True), *rest]))
        elif name not in version.removed and not (cond and name not in version.condition_functions):
            stack.append((args, inner, cond))


# ------------------------------------------------------------- both in one walk


def analyse(
    value: Any,
    version: VersionSpec,
    *,
    parameter_names: Collection[str] | None = None,
    condition_names: Collection[str] | None = None,
) -> tuple[list[tuple[Path, str]], list[Reference]]:
    """`check_functions` and `find_references` of `value` in one walk (outside a condition).

    Returns (problems, references), equal to
    `check_functions(value, version, condition_names=condition_names)` and
    `list(find_references(value, version, parameter_names=parameter_names))`.
    Validation asks both of every property value; walking once halves the cost.
    """
    walker = _Analyser(version, parameter_names)
    walker.visit(value, False, False, True)
    problems = walker.problems
    if condition_names is not None:
        known = set(condition_names)
        for reference in walker.found:
            if reference.kind == "condition" and reference.name not in known:
                problems.append((reference.path, f'Invalid condition "{reference.name}"'))
    return problems, walker.found


class _Analyser(_ReferenceFinder):
    """The reference walk, also collecting check_functions' problems while `check` holds.

    The two analyses walk the same nodes in the same contexts except inside a removed
    function or one invalid in a condition (checks stop there, references go on) and
    inside an `if` in a condition context (its checks are then taken from `_calls`)."""

    def __init__(self, version: VersionSpec, parameter_names: Collection[str] | None) -> None:
        super().__init__(version, parameter_names)
        self.version = version
        self.removed = version.removed
        self.problems: list[tuple[Path, str]] = []

    def visit(self, node: Any, cond: bool, operand: bool, check: bool = True) -> None:
        if isinstance(node, dict):
            if len(node) == 1:
                for name, args in node.items():
                    if not isinstance(name, str):
                        break
                    if check and name in self.removed:
                        self.problems.append(((*self.path, name), removed_message(name)))
                        check = False
                    if name in (self.conditional if cond else self.normal):
                        self.call_checked(name, args, cond, check)
                        return
            path, visit = self.path, self.visit
            for key, item in node.items():
                if isinstance(item, str):  # a leaf, not an operand: nothing to find
                    continue
                path.append(key)
                visit(item, cond, False, check)
                path.pop()
        elif isinstance(node, list):
            path, visit = self.path, self.visit
            for index, item in enumerate(node):
                if isinstance(item, str):  # a leaf (items are never operands here)
                    continue
                path.append(index)
                visit(item, cond, False, check)
                path.pop()
        elif operand and isinstance(node, str):
            self.found.append(Reference("condition", node, tuple(self.path)))

    def call_checked(self, name: str, args: Any, cond: bool, check: bool) -> None:
        if check:
            message = _call_problem(name, args, cond, self.version)
            inner = (*self.path, name)
            if message:
                self.problems.append((inner, message))
            if name in self.removed or (cond and name not in self.version.condition_functions):
                check = False  # check_functions does not look inside such a call
            elif cond and name in ("if", "Fn::If"):
                # _calls walks every argument of this `if` as a condition: follow it there.
                self.problems += _call_problems(
                    _calls(args, self.version, True, inner), self.version
                )
                check = False
        self.call_with(name, args, cond, check)

    def call_with(self, name: str, args: Any, cond: bool, check: bool) -> None:
        path = self.path
        reference = _reference_of(name, args, tuple(path), self, cond)
        if reference is not None:
            self.found.append(reference)
        path.append(name)
        if name in ("if", "Fn::If") and isinstance(args, list) and args:
            for index, item in enumerate(args):
                path.append(index)
                self.visit(item, index == 0, index == 0, check)
                path.pop()
        elif name in _CONDITION_OPERANDS and cond:
            if isinstance(args, list):
                for index, item in enumerate(args):
                    path.append(index)
                    self.visit(item, True, True, check)
                    path.pop()
            else:
                self.visit(args, True, True, check)
        else:
            self.visit(args, cond, False, check)
        path.pop()
