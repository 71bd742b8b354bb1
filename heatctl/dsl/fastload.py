"""Building a document straight from libyaml's event stream: the loader's fast path.

The node-based builder in `heatctl.dsl.loader` first has libyaml compose a node graph (a
Python object per node and two position objects per node), then walks it. Most templates
use nothing that needs the graph: no merge key (`<<`), no explicit tag (`!`). For those,
this module builds the same values, with the same positions and the same diagnostics,
from the parser's events directly, which takes about a third less time on a large
template. Anything unusual (a tag, a merge key, a mapping used as a key, an alias it
cannot resolve) raises `Fallback`, and the loader starts over with the node-based builder.

Anchors and aliases are built here too (an alias is the anchored object, positioned where
its anchor is, as in the node graph). When the text has a `*`, the node-based builder
checks the alias-expanded size and depth before anything else; this builder then checks
them on the finished document and hands over, rather than report, when a limit is
exceeded or when it found a problem (so the node-based builder reports it in its order).

Errors keep the node-based builder's order: it only sees the document once libyaml has
parsed all of it, so a YAML syntax error anywhere wins over a duplicate key, an unknown
tag or a too-deep nesting found earlier. The first such problem is therefore kept while
the rest of the document is parsed, and raised only if the parser found nothing.
"""

from __future__ import annotations

import re
from types import GeneratorType
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from heatctl.dsl.loader import (
    _KNOWN_TAGS,
    _SHIFT,
    _STR,
    Limits,
    LoadError,
    MappingNode,
    SequenceNode,
    _unpack,
)

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_NO_KEY = object()  # a mapping waiting for its next key


class Fallback(Exception):
    """The document needs the node-based builder (aliases, tags, complex keys)."""


# A tag is written `!...` at the start of a node: after a line start, a space or a flow
# indicator. A `!` inside a word ("Hello!") is text. (Tags the check misses would still
# be caught: the builder falls back on any event with a tag or an anchor.)
_TAG = re.compile(r"(?:^|[\s\[\]{},])!", re.MULTILINE)


def usable(text: str, loader_class: Any) -> bool:
    """Whether the fast path may load `text`: no alias or merge key (their characters do
    not occur), no explicit tag, and the loader resolves tags the standard way."""
    resolvers = loader_class.yaml_implicit_resolvers
    return (
        "*" not in text
        and "<<" not in text
        # The regular expression is slow (its alternation is tried at every character):
        # most documents have no `!` at all.
        and ("!" not in text or _TAG.search(text) is None)
        and None not in resolvers
        and not getattr(loader_class, "yaml_path_resolvers", None)
    )


# Plain scalars resolved before, per loader class: the same text always resolves to the
# same value (a str, or an int, float, bool or None: immutable, so sharing is safe), and a
# template repeats its words (`type`, `properties`, `true`, ...) many times. The table is
# dropped when the class's implicit resolvers change (PyYAML's add_implicit_resolver) and
# stops growing when full. Only successful resolutions are kept: a problem is found again
# each time. Only scalars whose first character some resolver starts with come here.
_STRING = object()  # "resolves to itself, a str"
_MISSING = object()
_IMMUTABLE = frozenset({str, int, float, bool, type(None)})
_RESOLVED: dict[Any, tuple[Any, Any, dict[str, tuple[Any, ...]], dict[str, Any]]] = {}
_RESOLVED_MAX = 8192


def _resolution_cache(loader: Any) -> tuple[dict[str, tuple[Any, ...]], dict[str, Any]]:
    """The loader class's resolvers by first character, and its table of resolved scalars."""
    current = loader.yaml_implicit_resolvers
    # PyYAML's add_implicit_resolver() gives a class its own copy of the table, then
    # appends to the list of a first character: a new table or a longer list.
    signature = (len(current), tuple(map(len, current.values())))
    entry = _RESOLVED.get(loader.__class__)
    if entry is None or entry[0] is not current or entry[1] != signature:
        resolvers = {first: tuple(pairs) for first, pairs in current.items()}
        entry = (current, signature, resolvers, {})
        _RESOLVED[loader.__class__] = entry
    return entry[2], entry[3]


class EventBuilder:
    """One document from the events of `loader` (a PyYAML CSafeLoader/SafeLoader) reading
    `text` (None: not known, and then the expansion is always checked)."""

    def __init__(
        self, loader: Any, file: str | None, limits: Limits, text: str | None = None
    ) -> None:
        self.loader = loader
        self.file = file
        self.limits = limits
        self.resolvers, self.resolved = _resolution_cache(loader)
        self.error: LoadError | None = None  # the first problem, raised once parsed
        self.constructors = loader.yaml_constructors
        self.anchors: dict[str, tuple[Any, int]] = {}  # name -> value, packed position
        # Whether the node-based builder would check the alias-expanded document.
        self.expansion = text is None or "*" in text

    def problem(self, message: str, mark: Any) -> None:
        if self.error is None:
            self.error = LoadError(message, self.file, mark.line + 1, mark.column + 1)

    def load(self) -> Any:
        """The document, None for an empty stream. Raises Fallback, LoadError, YAMLError."""
        get = self.loader.get_event
        get()  # StreamStartEvent
        if get().__class__ is StreamEndEvent:  # else a DocumentStartEvent
            return None
        first = get()
        root = self.build(first, get)
        if self.error is not None:  # stop building; parse the rest of the document
            self.drain(get)
            if self.expansion:  # the node-based builder checks the expansion first
                raise Fallback
        else:
            get()  # DocumentEndEvent
            if self.expansion:
                self.check_expansion(root)
        event = get()
        if event.__class__ is not StreamEndEvent:
            raise ComposerError(
                "expected a single document in the stream",
                first.start_mark,
                "but found another document",
                event.start_mark,
            )
        if self.error is not None:
            raise self.error
        return root

    def check_expansion(self, root: Any) -> None:
        """Hand over unless the alias-expanded document is within the node and depth
        limits (the node-based builder then reports what it reports)."""
        limits = self.limits
        if limits.max_depth > 500:  # measure() recurses once per level
            raise Fallback
        sizes: dict[int, tuple[int, int]] = {}  # id of a mapping/list -> (nodes, height)

        def measure(value: Any) -> tuple[int, int]:
            """Nodes and height of a mapping or list, expanded (keys are scalars here)."""
            known = sizes.get(id(value))
            if known is not None:  # an alias: counted again, measured once
                return known
            if isinstance(value, dict):
                total, height = 1 + len(value), 1 if value else 0  # the keys
                children: Any = value.values()
            else:
                total, height = 1, 0
                children = value
            for child in children:
                if isinstance(child, dict | list):
                    nodes, depth = measure(child)
                    total += nodes
                    height = depth if depth > height else height
                else:
                    total += 1
                    height = height or 1
            sizes[id(value)] = (total, height + 1)
            return total, height + 1

        total, height = measure(root) if isinstance(root, dict | list) else (1, 1)
        if total > limits.max_nodes or height > limits.max_depth:
            raise Fallback

    def alias(self, event: Any, container: Any, stack: list[Any]) -> tuple[Any, int]:
        """The anchored value and its position. Fallback for what the composer or the
        node-based builder reports: an undefined alias, a node that contains itself."""
        found = self.anchors.get(event.anchor)
        if found is None:
            raise Fallback
        value = found[0]
        if isinstance(value, dict | list) and (
            value is container or any(value is entry[0] for entry in stack)
        ):
            raise Fallback
        return found

    def anchor(self, name: str, value: Any, position: int) -> None:
        """Remember an anchored value (an anchor name used twice is for the composer)."""
        if name in self.anchors:
            raise Fallback
        self.anchors[name] = (value, position)

    def drain(self, get: Any) -> None:
        """Parse the rest of the document after a problem. If it holds something only the
        node-based builder handles (an alias could even be undefined), hand over to it."""
        while True:
            event = get()
            cls = event.__class__
            if cls is DocumentEndEvent:
                return
            if cls is AliasEvent:
                raise Fallback
            if cls is ScalarEvent or cls is MappingStartEvent or cls is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    raise Fallback
                if cls is ScalarEvent and event.implicit[0] and event.value == "<<":
                    raise Fallback

    def scalar(self, event: Any, depth: int) -> Any:
        """A plain scalar's value, resolved as PyYAML does (no tag or anchor)."""
        value = event.value
        if not event.implicit[0]:
            return value
        known = self.resolved.get(value, _MISSING)
        if known is _STRING:
            return value
        if known is not _MISSING and depth <= self.limits.max_depth:
            return known
        tag = _STR
        for candidate, regexp in self.resolvers.get(value[:1], ()):
            if regexp.match(value):
                tag = candidate
                break
        if tag == _STR:
            result: Any = value
            known = _STRING
        else:
            result = known = self._construct(event, tag, depth)
            if self.error is not None or type(result) not in _IMMUTABLE:
                return result
        if len(self.resolved) < _RESOLVED_MAX:
            self.resolved[value] = known
        return result

    def _construct(self, event: Any, tag: str, depth: int) -> Any:
        value = event.value
        if tag == _MERGE:  # `<<`: only the node-based builder merges
            raise Fallback
        mark = event.start_mark
        if depth > self.limits.max_depth:
            self.problem(f"nesting deeper than {self.limits.max_depth} levels", mark)
            return None
        if tag not in _KNOWN_TAGS:
            self.problem(
                f"unsupported YAML tag '{tag}' (only standard YAML types are allowed;"
                " CloudFormation short forms such as !Ref are not supported)",
                mark,
            )
            return None
        if tag == _TIMESTAMP:  # Heat loads unquoted dates as strings
            return value
        node = ScalarNode(tag, value, mark, event.end_mark, event.style)
        try:
            constructor = self.constructors.get(tag)
            if constructor is not None:  # int, float, bool, null: no bookkeeping needed
                result = constructor(self.loader, node)
                if not isinstance(result, GeneratorType):
                    return result
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.problem(f"invalid value: {exc}", mark)
            return None

    def start(self, event: Any, depth: int) -> Any:
        """A new, empty mapping or sequence for a start event (None once in error)."""
        if event.tag is not None or event.anchor is not None:
            raise Fallback
        mark = event.start_mark
        if depth > self.limits.max_depth:
            self.problem(f"nesting deeper than {self.limits.max_depth} levels", mark)
        value: Any = MappingNode() if event.__class__ is MappingStartEvent else SequenceNode()
        value._at = mark.line << _SHIFT | mark.column
        value._marks = []
        return value

    def build(self, event: Any, get: Any) -> Any:
        """The node starting with `event`, reading events with `get` until it ends."""
        cls = event.__class__
        if cls is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise Fallback
            return self.scalar(event, 1)
        if cls is not MappingStartEvent and cls is not SequenceStartEvent:
            raise Fallback  # an alias
        root = self.start(event, 1)
        resolvers = self.resolvers
        max_depth = self.limits.max_depth
        scalar_event, mapping_start, sequence_start = (
            ScalarEvent,
            MappingStartEvent,
            SequenceStartEvent,
        )
        mapping_end, sequence_end, no_key = MappingEndEvent, SequenceEndEvent, _NO_KEY
        alias_event = AliasEvent
        shift = _SHIFT
        lookup, missing, string = self.resolved.get, _MISSING, _STRING
        # The open collections above the current one: (container, is it a list, its marks,
        # pending key). Locals only: this loop runs once per node of the document.
        stack: list[tuple[Any, bool, list[Any], Any]] = []
        container, in_list, marks, key = root, cls is sequence_start, root._marks, no_key
        while True:
            event = get()
            cls = event.__class__
            if cls is mapping_end or cls is sequence_end:
                if not stack:
                    return root
                container, in_list, marks, key = stack.pop()
                continue
            mark = event.start_mark
            position = mark.line << shift | mark.column
            if cls is scalar_event:
                if event.tag is not None:
                    raise Fallback
                value = event.value
                # Quoted, or a first character no implicit type starts with: a string.
                if event.implicit[0] and value[:1] in resolvers:
                    known = lookup(value, missing)  # scalar(), its common case inlined
                    if known is string:
                        pass
                    elif known is not missing and len(stack) + 2 <= max_depth:
                        value = known
                    else:
                        value = self.scalar(event, len(stack) + 2)
                        if self.error is not None:
                            return root
                if event.anchor is not None:
                    self.anchor(event.anchor, value, position)
            elif cls is mapping_start or cls is sequence_start:
                if key is no_key and not in_list:
                    raise Fallback  # a mapping or sequence as a key: the builder reports it
                if event.tag is not None:
                    raise Fallback
                if len(stack) + 2 > max_depth:
                    self.problem(f"nesting deeper than {max_depth} levels", mark)
                    return root
                # start(), inlined: there is one per mapping and list.
                value = MappingNode() if cls is mapping_start else SequenceNode()
                value._at = position
                value._marks = []
                if event.anchor is not None:
                    self.anchor(event.anchor, value, position)
            elif cls is alias_event:
                value, position = self.alias(event, container, stack)
                if key is no_key and not in_list and isinstance(value, dict | list):
                    raise Fallback  # a mapping or sequence as a key: the builder reports it
            else:
                raise Fallback
            if in_list:
                container.append(value)
                marks.append(position)
            elif key is no_key:
                if value in container:
                    first = _unpack(marks[marks[0::3].index(value) * 3 + 1])
                    self.problem(
                        f"duplicate key '{value}' (first defined at line {first[0]})", mark
                    )
                    return root
                key = value
                marks += (value, position)
                continue
            else:
                container[key] = value
                marks.append(position)
                key = no_key
            if cls is mapping_start or cls is sequence_start:
                stack.append((container, in_list, marks, key))
                container, in_list, marks, key = value, cls is sequence_start, value._marks, no_key
