"""Safe loading of YAML and JSON documents, with source positions and limits.

Every template, environment file and state export that heatctl reads comes through here.
The result is made of plain Python values, except that mappings are `MappingNode` (a dict)
and sequences `SequenceNode` (a list) that remember where they and their items stand in the
file, so that later stages can point at `file:line:col`.

Defences, each giving one diagnostic with a location and exit code 3:
- a size limit checked before parsing (Heat's default is 512 KiB);
- binary files (a NUL byte), invalid UTF-8, tabs used for indentation;
- duplicate mapping keys (YAML and JSON);
- alias bombs ("billion laughs"): the size of the document with every alias expanded is
  computed on the node graph, before anything is built, and capped;
- nesting deeper than a limit;
- tags other than the standard YAML ones (no Python objects, no CFN short forms);
- a top level that is not a mapping.
"""

from __future__ import annotations

import gc
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import yaml
from yaml.nodes import MappingNode as _YamlMapping
from yaml.nodes import Node as _YamlNode
from yaml.nodes import ScalarNode as _YamlScalar
from yaml.nodes import SequenceNode as _YamlSequence

from heatctl.dsl.diagnostics import Diagnostic
from heatctl.errors import InvalidInput

try:  # libyaml's parser and composer are ~10x faster; construction stays ours.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

DEFAULT_MAX_BYTES = 512 * 1024
Mark = tuple[int, int]


@dataclass(frozen=True)
class Limits:
    """Limits applied while loading. Heat's own default template size limit is 512 KiB."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = 100
    max_nodes: int = 2_000_000


# Positions are stored packed in one int, (line << 32) | column (both 0-based, as libyaml
# gives them), and decoded to 1-based (line, col) tuples only when asked for: a large
# template has hundreds of thousands of positions and almost none is ever read (only
# diagnostics read them). Packed ints are not tracked by the cyclic garbage collector,
# tuples and dicts of tuples are.
_SHIFT = 32
_LOW = (1 << _SHIFT) - 1


def _unpack(packed: int) -> Mark:
    return ((packed >> _SHIFT) + 1, (packed & _LOW) + 1)


class MappingNode(dict[Any, Any]):
    """A mapping that knows its position and the positions of its keys and values.

    `mark`, `key_marks` and `value_marks` are decoded on first use from the packed
    positions the loader records (`_at`; `_marks`: key, key position, value position for
    each entry, in order)."""

    __slots__ = ("_at", "_key_marks", "_marks", "_value_marks")
    _at: int
    _marks: list[Any]
    _key_marks: dict[Any, Mark]
    _value_marks: dict[Any, Mark]

    @property
    def mark(self) -> Mark | None:
        """Position of the mapping itself."""
        at = getattr(self, "_at", None)
        return None if at is None else _unpack(at)

    @property
    def key_marks(self) -> dict[Any, Mark]:
        """Position of each key."""
        try:
            return self._key_marks
        except AttributeError:
            self._decode()
            return self._key_marks

    @property
    def value_marks(self) -> dict[Any, Mark]:
        """Position of each value."""
        try:
            return self._value_marks
        except AttributeError:
            self._decode()
            return self._value_marks

    def _decode(self) -> None:
        keys: dict[Any, Mark] = {}
        values: dict[Any, Mark] = {}
        marks = getattr(self, "_marks", ())
        for i in range(0, len(marks), 3):
            keys[marks[i]] = _unpack(marks[i + 1])
            values[marks[i]] = _unpack(marks[i + 2])
        self._key_marks, self._value_marks = keys, values


class SequenceNode(list[Any]):
    """A sequence that knows its position and the positions of its items.

    `mark` and `item_marks` are decoded on first use from the packed positions the loader
    records (`_at`, `_marks`)."""

    __slots__ = ("_at", "_item_marks", "_marks")
    _at: int
    _marks: list[int]
    _item_marks: list[Mark]

    @property
    def mark(self) -> Mark | None:
        """Position of the sequence itself."""
        at = getattr(self, "_at", None)
        return None if at is None else _unpack(at)

    @property
    def item_marks(self) -> list[Mark]:
        """Position of each item."""
        try:
            return self._item_marks
        except AttributeError:
            self._item_marks = [_unpack(m) for m in getattr(self, "_marks", ())]
            return self._item_marks


def mark_of(node: Any, step: Any = None, *, key: bool = False) -> Mark | None:
    """Position of `node` itself (step None), or of its item/key `step`, if known."""
    if step is None:
        return getattr(node, "mark", None)
    if isinstance(node, MappingNode):
        try:
            return (node._key_marks if key else node._value_marks).get(step)
        except AttributeError:  # not decoded: find the one entry in the packed positions
            hash(step)  # an unhashable step fails as the dict lookup would
            packed = getattr(node, "_marks", ())
            try:
                index = packed[0::3].index(step) * 3
            except ValueError:
                return None
            return _unpack(packed[index + 1 if key else index + 2])
    if isinstance(node, SequenceNode) and isinstance(step, int):
        packed = getattr(node, "_marks", ())
        if -len(packed) <= step < len(packed):
            return _unpack(packed[step])
    return None


def locate_in(doc: Any, path: Any, *, key: bool = False) -> tuple[int | None, int | None]:
    """`heatctl.dsl.diagnostics.locate()`, the same answers, reading the packed positions
    directly (no decoding of every entry of each mapping on the way): the translators
    locate every report entry they make."""
    best = getattr(doc, "mark", None)
    node = doc
    for step in path:
        if isinstance(node, MappingNode):
            # The packed positions are what key_marks/value_marks are decoded from.
            hash(step)  # an unhashable step fails as the dict lookup would
            try:
                packed = node._marks
                index = packed[0::3].index(step) * 3
            except (AttributeError, ValueError):  # no positions, or no such key
                break
            found = _unpack(packed[index + 1 if key else index + 2])
        elif isinstance(node, SequenceNode) and isinstance(step, int):
            try:
                found = _unpack(node._marks[step])
            except (AttributeError, IndexError):  # no positions, or no such item
                break
        else:
            break
        best = found
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    if best is None:
        return None, None
    return best


class LoadError(InvalidInput):
    """A document could not be loaded. Carries exactly one diagnostic."""

    def __init__(self, message: str, file: str | None, line: int | None, col: int | None):
        diagnostic = Diagnostic(message, file, line, col)
        super().__init__(f"cannot load {file or 'document'}", [diagnostic])


_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)
_STR = "tag:yaml.org,2002:str"
_KNOWN_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "merge", "binary")
}


class _Builder:
    """Builds Python values from a composed YAML node graph, with positions and limits."""

    def __init__(
        self, loader: Any, file: str | None, limits: Limits, *, aliases: bool, merges: bool
    ) -> None:
        self.loader = loader
        self.file = file
        self.limits = limits
        self.built: dict[int, Any] = {}
        # Without `*` in the text there is no alias, and without `<<` no merge key: the
        # bookkeeping for them is skipped (it is most of the cost on large documents).
        self.aliases = aliases
        self.merges = merges

    def fail(self, message: str, node: _YamlNode) -> LoadError:
        mark = node.start_mark
        line, col = mark.line + 1, mark.column + 1
        return LoadError(message, self.file, line, col)

    def check_expansion(self, root: _YamlNode) -> None:
        """Reject documents whose alias-expanded size or depth is over the limits.

        Sizes are computed once per node (memoised by identity), so the check itself is
        linear in the size of the file, however large the expansion would be.
        """
        sizes: dict[int, int] = {}
        limit = self.limits.max_nodes
        max_depth = self.limits.max_depth
        # Iterative post-order walk: deep nesting must not hit Python's recursion limit.
        stack: list[tuple[_YamlNode, int, bool]] = [(root, 1, False)]
        on_path: set[int] = set()
        while stack:
            node, depth, done = stack.pop()
            key = id(node)
            if done:
                on_path.discard(key)
                if isinstance(node, _YamlScalar):
                    total = 1
                elif isinstance(node, _YamlSequence):
                    total = 1 + sum(sizes[id(c)] for c in node.value)
                else:
                    total = 1 + sum(sizes[id(k)] + sizes[id(v)] for k, v in node.value)
                if total > limit:
                    raise self.fail(
                        f"document too large once aliases are expanded (over {limit:,} nodes);"
                        " this looks like an alias bomb",
                        node,
                    )
                sizes[key] = total
                continue
            if key in sizes:
                continue
            if key in on_path:
                raise self.fail("recursive alias: a node contains itself", node)
            if depth > max_depth:
                raise self.fail(f"nesting deeper than {max_depth} levels", node)
            on_path.add(key)
            stack.append((node, depth, True))
            if isinstance(node, _YamlSequence):
                stack.extend((c, depth + 1, False) for c in node.value)
            elif isinstance(node, _YamlMapping):
                for k, v in node.value:
                    stack.append((k, depth + 1, False))
                    stack.append((v, depth + 1, False))

    def build(self, node: _YamlNode, depth: int = 1) -> Any:
        key = id(node)
        if self.aliases and key in self.built:  # an alias: share the value, as PyYAML does
            return self.built[key]
        if depth > self.limits.max_depth:
            raise self.fail(f"nesting deeper than {self.limits.max_depth} levels", node)
        if node.tag not in _KNOWN_TAGS:
            raise self.fail(
                f"unsupported YAML tag '{node.tag}' (only standard YAML types are allowed;"
                " CloudFormation short forms such as !Ref are not supported)",
                node,
            )
        value: Any
        if isinstance(node, _YamlScalar):
            value = self.scalar(node)
        elif isinstance(node, _YamlSequence):
            value = self.sequence(node, depth)
        else:
            assert isinstance(node, _YamlMapping)
            value = self.mapping(node, depth)
        if self.aliases:
            self.built[key] = value
        return value

    def sequence(self, node: _YamlSequence, depth: int) -> SequenceNode:
        value = SequenceNode()
        mark = node.start_mark
        value._at = mark.line << _SHIFT | mark.column
        if self.aliases:
            self.built[id(node)] = value
        marks: list[int] = []
        value._marks = marks
        append, add_mark = value.append, marks.append
        for item in node.value:
            # Plain strings are most of a template: take them without a call.
            if item.tag == _STR and item.__class__ is _YamlScalar:
                append(item.value)
            else:
                append(self.build(item, depth + 1))
            mark = item.start_mark
            add_mark(mark.line << _SHIFT | mark.column)
        return value

    def scalar(self, node: _YamlScalar) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == "tag:yaml.org,2002:timestamp":
            # Heat loads unquoted dates (heat_template_version: 2013-05-23) as strings.
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise self.fail(f"invalid value: {exc}", node) from None

    def mapping(self, node: _YamlMapping, depth: int = 1) -> MappingNode:
        if self.merges and any(k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value):
            try:
                self.loader.flatten_mapping(node)
            except yaml.YAMLError as exc:
                raise self.fail(f"invalid merge key: {exc}", node) from None
        result = MappingNode()
        mark = node.start_mark
        result._at = mark.line << _SHIFT | mark.column
        if self.aliases:
            self.built[id(node)] = result
        # Flat [key, key position, value position, ...]: no tuple or dict per entry.
        marks: list[Any] = []
        result._marks = marks
        for key_node, value_node in node.value:
            # Plain strings are most of a template: take them without a call.
            if key_node.tag == _STR and key_node.__class__ is _YamlScalar:
                key = key_node.value
            else:
                key = self.build(key_node, depth + 1)
                if isinstance(key, list | dict):
                    message = "a mapping key must be a scalar, not a list or mapping"
                    raise self.fail(message, key_node)
            if key in result:
                first = _unpack(marks[marks[0::3].index(key) * 3 + 1])
                raise self.fail(
                    f"duplicate key '{key}' (first defined at line {first[0]})", key_node
                )
            if value_node.tag == _STR and value_node.__class__ is _YamlScalar:
                result[key] = value_node.value
            else:
                result[key] = self.build(value_node, depth + 1)
            mark = key_node.start_mark
            value_mark = value_node.start_mark
            marks += (
                key,
                mark.line << _SHIFT | mark.column,
                value_mark.line << _SHIFT | value_mark.column,
            )
        return result


def _decode(data: bytes, file: str | None, limits: Limits) -> str:
    if len(data) > limits.max_bytes:
        raise LoadError(
            f"file is {len(data):,} bytes, over the limit of {limits.max_bytes:,} bytes"
            " (raise it with --max-template-size)",
            file,
            None,
            None,
        )
    if b"\x00" in data:
        offset = data.index(b"\x00")
        line = data.count(b"\n", 0, offset) + 1
        raise LoadError(
            "binary file (contains a NUL byte); expected YAML or JSON text", file, line, None
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError("file is not valid UTF-8 text", file, line, col) from None
    return text.removeprefix("\ufeff")


def _yaml_error(exc: yaml.YAMLError, text: str, file: str | None) -> LoadError:
    mark = getattr(exc, "problem_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    at_tab = mark is not None and mark.index < len(text) and text[mark.index] == "\t"
    if at_tab or "'\\t'" in problem or "tab character" in problem:
        tab = _TAB_INDENT.search(text)
        if tab:
            line = text.count("\n", 0, tab.start()) + 1
            col = tab.end() - tab.start()
        return LoadError("tab character used for indentation; indent with spaces", file, line, col)
    message = f"invalid YAML: {problem}"
    if context:
        message += f" ({context})"
    return LoadError(message, file, line, col)


def _load_json(text: str, file: str | None) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise LoadError(f"duplicate key '{key}'", file, None, None)
            result[key] = value
        return result

    try:
        return json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise LoadError(f"invalid JSON: {exc.msg}", file, exc.lineno, exc.colno) from None
    except RecursionError:
        raise LoadError("nesting too deep", file, None, None) from None


def _load_yaml(text: str, file: str | None, limits: Limits) -> Any:
    with gc_paused():
        return _load_yaml_nodes(text, file, limits)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large acyclic structure.

    Building a big document allocates hundreds of thousands of containers; each full
    collection then walks all of them, which made loading quadratic in practice (a 1.4 MB
    template spent 80% of its time in the collector). The values are plain trees, freed by
    reference counting; the collector is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:  # nested pauses: only the outermost one re-enables
            gc.enable()


def _load_yaml_nodes(text: str, file: str | None, limits: Limits) -> Any:
    from heatctl.dsl.fastload import EventBuilder, Fallback, usable

    # Aliases (`*`) are built by the event builder too; everything else usable() refuses
    # (merge keys, tags) goes to the node graph.
    if usable(text.replace("*", " ") if "*" in text else text, _BaseLoader):
        loader = _BaseLoader(text)
        try:
            return EventBuilder(loader, file, limits, text).load()
        except Fallback:
            pass
        except yaml.YAMLError as exc:
            raise _yaml_error(exc, text, file) from None
        finally:
            loader.dispose()
    loader = _BaseLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as exc:
            raise _yaml_error(exc, text, file) from None
        except RecursionError:
            message = f"nesting deeper than {limits.max_depth} levels"
            raise LoadError(message, file, None, None) from None
        if root is None:
            return None
        aliases = "*" in text  # an alias is written `*name`
        builder = _Builder(loader, file, limits, aliases=aliases, merges="<<" in text)
        if aliases:  # only aliases can expand a document: without one, skip the walk
            builder.check_expansion(root)
        return builder.build(root)
    finally:
        loader.dispose()


def loads(
    text: str | bytes,
    file: str | None = None,
    *,
    limits: Limits | None = None,
    expect: type | tuple[type, ...] | None = dict,
    what: str = "template",
) -> Any:
    """Load one YAML or JSON document from text.

    `file` names the source in diagnostics. `expect` is the type the top level must have
    (dict by default; None accepts anything). Raises LoadError (exit code 3) on any problem.
    """
    limits = limits or Limits()
    if isinstance(text, bytes):
        text = _decode(text, file, limits)
    elif len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        text = _decode(text.encode("utf-8", "surrogatepass"), file, limits)
    stripped = text.lstrip()
    if not stripped:
        raise LoadError(f"the {what} is empty", file, 1, 1)
    if stripped.startswith("{") and "\t" in text:
        # JSON allows tabs where YAML does not; use the JSON parser for such files.
        document = _load_json(text, file)
    else:
        try:
            document = _load_yaml(text, file, limits)
        except LoadError:
            if not stripped.startswith("{"):
                raise
            document = _load_json(text, file)
    if expect is not None and not isinstance(document, expect):
        kind = _kind(document)
        raise LoadError(f"the {what} must be a mapping at the top level, not {kind}", file, 1, 1)
    return document


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


@overload
def read_bytes(path: str | Path, limit: int | None = None) -> bytes: ...
@overload
def read_bytes(path: str | Path, limit: int | None, unless: bytes | None) -> bytes | None: ...
def read_bytes(
    path: str | Path, limit: int | None = None, unless: bytes | None = None
) -> bytes | None:
    """The bytes of a file, like Path.read_bytes() without its file object (a third of the
    time for a small file). With `limit`, more than `limit` bytes are read only when the
    file holds more (the caller then reports the size): read(n) allocates n bytes. With
    `unless`, None when the file starts with those bytes."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        size = os.fstat(fd).st_size
        if limit is None:
            data = _read_fd(fd, None, size)
            return None if unless is not None and data.startswith(unless) else data
        wanted = (min(size, limit) if size else limit) + 1
        data = _read_fd(fd, wanted, size)
        if unless is not None and data.startswith(unless):
            return None
        if len(data) > limit:
            data += _read_fd(fd, None, 0)
        return data
    finally:
        os.close(fd)


def _read_fd(fd: int, wanted: int | None, size: int) -> bytes:
    """Up to `wanted` bytes (None: to the end of the file), whatever read() returns each time."""
    chunks: list[bytes] = []
    got = 0
    while wanted is None or got < wanted:
        if wanted is not None:
            step = wanted - got
        else:  # the whole file (and a byte to see its end) at once, if it did not grow
            step = size + 1 - got if got <= size else 1 << 16
        chunk = os.read(fd, step)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def load_file(
    path: str | Path,
    *,
    limits: Limits | None = None,
    expect: type | tuple[type, ...] | None = dict,
    what: str = "template",
    display_name: str | None = None,
) -> Any:
    """Load a YAML or JSON file. An unreadable file is a LoadError, not an OSError."""
    path = Path(path)
    name = display_name or str(path)
    limits = limits or Limits()
    data = read_source(path, limits, name)
    assert data is not None
    return loads(data, name, limits=limits, expect=expect, what=what)


def read_source(
    path: Path, limits: Limits, name: str, *, unless: bytes | None = None
) -> bytes | None:
    """The bytes of a file to load (more than the size limit only if it holds more); an
    unreadable file is a LoadError. With `unless`, None for a file that starts with those
    bytes (a zip archive's magic number, say), read no further than the limit."""
    try:
        return read_bytes(path, limits.max_bytes, unless)
    except FileNotFoundError:
        raise LoadError(f"no such file: {path}", name, None, None) from None
    except IsADirectoryError:
        raise LoadError(f"is a directory, not a file: {path}", name, None, None) from None
    except OSError as exc:
        raise LoadError(f"cannot read {path}: {exc.strerror}", name, None, None) from None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def plain(value: Any, convert: Callable[[Any], Any] | None = None) -> Any:
    """A copy made of plain dicts and lists (for JSON output and for hashing)."""
    if isinstance(value, dict):
        return {k: plain(v, convert) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v, convert) for v in value]
    return convert(value) if convert else value
