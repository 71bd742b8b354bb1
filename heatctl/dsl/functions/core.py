"""The evaluator: types shared by every intrinsic function, and the tree walk.

A template value is plain data (dicts, lists, scalars). A one-key dict whose key is a
function name *of the template's version* is a call; any other dict is data. The walk
dispatches with one dict lookup per one-key dict (`Evaluator.table`), rebuilds containers,
and keeps no per-node bookkeeping on the success path:

- error paths are built while an exception unwinds (each level prepends its key), so
  evaluation carries no path tuples;
- partial evaluation (no cloud, unknown parameter values) is tracked by one counter,
  `Evaluator.deferred`: a call that cannot be computed is returned as written and bumps
  the counter; a function whose arguments bumped it is itself kept as written (with its
  pure sub-parts evaluated), via the internal `_Defer` signal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol

from heatctl.dsl.versions import VersionSpec


class FunctionError(Exception):
    """An intrinsic function was called wrongly or could not be evaluated.

    `path` is the place inside the evaluated value where it happened (keys and list
    indices, the function name included), so `diagnostics.locate(doc, prefix + path)`
    points at the line.
    """

    def __init__(self, message: str, path: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = tuple(path)

    def __str__(self) -> str:
        return self.message


class Unresolved:
    """Marks a value that is not known without a cloud (an attribute of a resource not yet
    created, a parameter with no value during validation).

    A resolver or a parameter may give `UNRESOLVED` (or any Unresolved instance): the call
    that needed it is then kept as written, like a call with no resolver at all.
    """

    __slots__ = ("reason",)

    def __init__(self, reason: str = "") -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Unresolved({self.reason!r})" if self.reason else "UNRESOLVED"


UNRESOLVED = Unresolved()


class ResourceResolver(Protocol):
    """What the evaluator asks about resources. The engine and the validator implement it."""

    def reference(self, name: str) -> Any:
        """get_resource / Ref of a resource: its reference id. LookupError if unknown."""

    def attribute(self, name: str, attr: str, path: list[Any]) -> Any:
        """get_attr / Fn::GetAtt: the attribute value, walked along `path`."""

    def all_attributes(self, name: str) -> dict[str, Any] | Unresolved:
        """get_attr with only a resource name (2015-10-15+): every attribute but `show`."""

    def has_resource(self, name: str) -> bool:
        """True when `name` is a resource of the stack."""


@dataclass
class Scope:
    """Everything an evaluation may read. Build one per stack (it is cheap)."""

    version: VersionSpec
    parameters: Mapping[str, Any] = field(default_factory=dict)
    """Typed parameter values. Pseudo parameters may be included; otherwise they come from
    stack_name/stack_id/project_id/region below. An Unresolved value keeps get_param."""
    conditions: Mapping[str, Any] = field(default_factory=dict)
    """Resolved named conditions (bool; an Unresolved value keeps `if` as written)."""
    resources: ResourceResolver | None = None
    """None: get_resource/get_attr/Ref-of-a-resource stay as written."""
    read_file: Callable[[str], str] | None = None
    """get_file content by key; raises FunctionError for a refused or missing file.
    None: get_file stays as written."""
    facade: Mapping[str, Any] | None = None
    """resource_facade data (metadata, deletion_policy, update_policy) of the parent
    resource, inside a provider template. None outside one."""
    mappings: Mapping[str, Any] = field(default_factory=dict)
    """CFN Mappings section."""
    stack_name: str | None = None
    stack_id: str | None = None
    project_id: str | None = None
    region: str | None = None
    """CFN AWS::Region. HOT's OS::region never has a value (as in Heat)."""
    availability_zones: list[str] | None = None
    """Fn::GetAZs answer; None gives ['nova'], as Heat does with no cloud."""


class _Defer(Exception):
    """Internal: an argument could not be evaluated; keep the enclosing call as written."""


class _Removed:
    """The value of a wallaby two-argument `if` whose condition is false."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "REMOVED"


REMOVED = _Removed()

Impl = Callable[["Evaluator", Any], Any]
"""A function implementation: (evaluator, raw arguments) -> value."""


class Evaluator:
    """One evaluation run over values of one scope. Not thread-safe; cheap to create."""

    __slots__ = ("condition_table", "deferred", "memo", "scope", "table")

    def __init__(
        self, scope: Scope, table: Mapping[str, Impl], condition_table: Mapping[str, Impl]
    ):
        self.scope = scope
        self.table = table  # the current context's table: normal or condition
        self.condition_table = condition_table
        self.deferred = 0
        # id(argument) -> (argument, table, result) for arguments whose evaluation was
        # deferred: the call that asked for them is then kept as written with its arguments
        # evaluated again, and nested deferred calls would otherwise be evaluated once per
        # enclosing call (2**depth times). The argument itself is held so its id stays its.
        self.memo: dict[int, tuple[Any, Any, Any]] = {}

    # -- the walk ---------------------------------------------------------------------
    def eval(self, node: Any) -> Any:
        """Evaluate `node` in the current context. May return REMOVED (wallaby `if`)."""
        return self._walk(node)

    def eval_condition(self, node: Any) -> Any:
        """Evaluate `node` in a condition context (only condition functions allowed)."""
        saved = self.table
        self.table = self.condition_table
        try:
            return self._walk(node)
        finally:
            self.table = saved

    def _walk(self, node: Any) -> Any:
        if isinstance(node, dict):
            if len(node) == 1:
                for key in node:
                    impl = self.table.get(key) if isinstance(key, str) else None
                    if impl is not None:
                        return self._call(impl, key, node[key])
            out: dict[Any, Any] = {}
            for key, item in node.items():
                try:
                    value = self._walk(item)
                except FunctionError as exc:
                    exc.path = (key, *exc.path)
                    raise
                if value is not REMOVED:
                    out[key] = value
            return out
        if isinstance(node, list):
            result: list[Any] = []
            for index, item in enumerate(node):
                try:
                    value = self._walk(item)
                except FunctionError as exc:
                    exc.path = (index, *exc.path)
                    raise
                if value is not REMOVED:
                    result.append(value)
            return result
        return node

    def _call(self, impl: Impl, name: str, args: Any) -> Any:
        try:
            return impl(self, args)
        except _Defer:
            return self.keep(name, self._rewalk(args) if self.memo else self._walk(args))
        except FunctionError as exc:
            exc.path = (name, *exc.path)
            raise
        except RecursionError:
            raise FunctionError(f'"{name}": the value is nested too deeply') from None

    def _rewalk(self, node: Any) -> Any:
        """`_walk`, taking the results of deferred arguments from the memo."""
        entry = self.memo.get(id(node))
        if entry is not None and entry[0] is node and entry[1] is self.table:
            return entry[2]
        if isinstance(node, dict):
            if len(node) == 1:
                for key in node:
                    if isinstance(key, str) and key in self.table:
                        return self._walk(node)
            out: dict[Any, Any] = {}
            for key, item in node.items():
                try:
                    value = self._rewalk(item)
                except FunctionError as exc:
                    exc.path = (key, *exc.path)
                    raise
                if value is not REMOVED:
                    out[key] = value
            return out
        if isinstance(node, list):
            result: list[Any] = []
            for index, item in enumerate(node):
                try:
                    value = self._rewalk(item)
                except FunctionError as exc:
                    exc.path = (index, *exc.path)
                    raise
                if value is not REMOVED:
                    result.append(value)
            return result
        return node

    # -- helpers for implementations ----------------------------------------------------
    def value(self, node: Any, step: Any = None) -> Any:
        """Evaluate an argument that must be fully known; defers the caller otherwise.

        `step` (a key or index) is prepended to the path of an error raised inside.
        A REMOVED result becomes None, as Heat's resolve does.
        """
        before = self.deferred
        try:
            result = self.eval(node)
        except FunctionError as exc:
            if step is not None:
                exc.path = (step, *exc.path)
            raise
        if self.deferred != before:
            self.memo[id(node)] = (node, self.table, result)
            raise _Defer
        return None if result is REMOVED else result

    def value_in_condition(self, node: Any, step: Any = None) -> Any:
        """Like `value`, in a condition context (only condition functions allowed)."""
        saved = self.table
        self.table = self.condition_table
        try:
            return self.value(node, step)
        finally:
            self.table = saved

    def keep(self, name: str, args: Any) -> dict[str, Any]:
        """Return the call `{name: args}` as written, marking the result as partial."""
        self.deferred += 1
        return {name: None if args is REMOVED else args}

    def unresolved(self) -> NoReturn:
        """Signal that the current call cannot be computed (keeps it as written)."""
        raise _Defer


def fail(message: str, *path: Any) -> FunctionError:
    """A FunctionError to raise from an implementation (path relative to its arguments)."""
    return FunctionError(message, tuple(path))


def walk_calls(
    value: Any, table: Mapping[str, Any], path: tuple[Any, ...] = ()
) -> Iterator[tuple[str, Any, tuple[Any, ...]]]:
    """Every call `(name, args, path)` in `value` whose name is in `table`, outermost first.

    Arguments of a call are walked too (their paths go through the function name).
    Iterative, so deep values do not hit the recursion limit.
    """
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            if len(node) == 1:
                ((key, args),) = node.items()
                if isinstance(key, str) and key in table:
                    yield key, args, where
                    stack.append((args, (*where, key)))
                    continue
            stack.extend((v, (*where, k)) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((v, (*where, i)) for i, v in reversed(list(enumerate(node))))
